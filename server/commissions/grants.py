"""The permissions of this area and the roles that hold them (merged into server/auth/permissions.py)."""

from __future__ import annotations

PERMISSIONS: dict[str, str] = {
    "commissions.view": "See technician commissions (提成): rules, monthly statements per engineer",
    "commissions.manage": "Edit the commission rules (提成规则) per item, category, engineer grade and repair level",
}
# Finance reads the statements; the managers of points read them and headquarters' managers set the rules.
GRANTS: dict[str, frozenset[str]] = {
    "finance": frozenset({"commissions.view"}),
    "sp_manager": frozenset({"commissions.view"}),
    "hq_manager": frozenset(PERMISSIONS),
}
