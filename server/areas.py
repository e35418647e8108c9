"""The areas that plug into the shared registries through modules of their own.

Each area in ``AREAS`` has ``grants.py`` (PERMISSIONS, GRANTS), ``words.py`` (CATALOGUE),
``forms.py`` (``forms()``), ``api.py`` (``blueprints``) and ``models.py``; the permission
catalogue, the message catalogue, the print forms, the app and the metadata merge them, so an
area's work never edits another's lines in the shared files.
"""

from __future__ import annotations

import importlib
from types import ModuleType

AREAS = ("purchase", "wholesale", "retail", "transfer", "finance", "claims", "commissions", "reports.custom",
         "reports.fixed")


def modules(name: str) -> list[ModuleType]:
    """Every area's module ``name`` (``grants``, ``words`` …), imported."""
    return [importlib.import_module(f"server.{area}.{name}") for area in AREAS]
