"""The permissions of this area and the roles that hold them (merged into server/auth/permissions.py)."""

from __future__ import annotations

PERMISSIONS: dict[str, str] = {
    "claims.view": "See labour-fee claims (劳务费申报单) and their lines",
    "claims.manage": "Build labour-fee claims, change their lines while drafts, set the manufacturers' export layouts",
    "claims.submit": "Submit a labour-fee claim to the manufacturer (posts the parts claimed onto the receivable)",
    "claims.answer": "Enter the manufacturer's answer to a claim, by hand or from its Excel file",
    "claims.settle": "Settle an answered claim, recording the manufacturer's payment",
}
_ALL = frozenset(PERMISSIONS)
# Finance and the managers of points and headquarters claim; nobody else sees the claims.
GRANTS: dict[str, frozenset[str]] = {
    "finance": _ALL,
    "sp_manager": _ALL,
    "hq_manager": _ALL,
}
