"""The permissions of this area and the roles that hold them (merged into server/auth/permissions.py).

Running a report is ``report.view`` (the reports' permission, the dashboard's too) plus the read
permission of the report's source; designing (saving, sharing, changing one's saved reports) is
``report.design``."""

from __future__ import annotations

PERMISSIONS: dict[str, str] = {
    "report.design": "Save custom reports and share them with an organisation or a role",
}
GRANTS: dict[str, frozenset[str]] = {
    "hq_manager": frozenset(PERMISSIONS),
    "sp_manager": frozenset(PERMISSIONS),
}
