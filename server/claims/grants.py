"""The permissions of this area and the roles that hold them (merged into server/auth/permissions.py)."""

from __future__ import annotations

PERMISSIONS: dict[str, str] = {}
GRANTS: dict[str, frozenset[str]] = {}
