"""This area adds no permission: a fixed report is ``report.view`` plus its sources' read permissions."""

from __future__ import annotations

PERMISSIONS: dict[str, str] = {}
GRANTS: dict[str, frozenset[str]] = {}
