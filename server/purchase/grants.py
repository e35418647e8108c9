"""The permissions of this area and the roles that hold them (merged into server/auth/permissions.py)."""

from __future__ import annotations

PERMISSIONS: dict[str, str] = {
    "purchase.view": "See purchase orders, purchase receipts and purchase returns",
    "purchase.manage": "Prepare and change purchase orders (drafts) and cancel them",
    "purchase.approve": "Approve purchase orders and close them",
    "purchase.receive": "Receive goods against purchase orders and return them to the supplier",
    "purchase.reverse": "Reverse (红冲) purchase receipts and purchase returns",
}

_ALL = frozenset(PERMISSIONS)
GRANTS: dict[str, frozenset[str]] = {
    # Headquarters buys for the network, a point manager for the point (scoped by organisation).
    "hq_manager": _ALL,
    "sp_manager": _ALL,
    # The warehouse takes goods in and sends them back; it neither orders nor approves.
    "warehouse": frozenset({"purchase.view", "purchase.receive"}),
    # Finance sees what the payables come from.
    "finance": frozenset({"purchase.view"}),
}
