"""This area's print forms (merged into server/printing/forms.py's FORMS)."""

from __future__ import annotations


def forms() -> list:
    return []
