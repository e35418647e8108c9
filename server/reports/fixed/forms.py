"""The fixed reports print through their own route (POST /api/reports/fixed/<key>/print), not a document form."""

from __future__ import annotations


def forms() -> list:
    return []
