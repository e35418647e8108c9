"""Wholesale's permissions and the roles that hold them (merged into server/auth/permissions.py).

Headquarters sells to distributors and dealers: its manager approves orders over a party's credit
limit; the warehouse delivers and takes returns back; finance sees everything. A service point
manager may sell wholesale too (a point that supplies local dealers), within its own organisation.
"""

from __future__ import annotations

PERMISSIONS: dict[str, str] = {
    "sales.view": "See sales orders, deliveries, sales returns and their profit (spec §6)",
    "sales.manage": "Enter, submit, cancel and close sales orders (销售订单)",
    "sales.price": "Change a sales order line's price or discount from the wholesale price and the party's discount",
    "sales.approve": "Approve a sales order over the party's credit limit",
    "sales.deliver": "Deliver goods against sales orders (发货单) and reverse deliveries",
    "sales.return": "Take goods back against a delivery (销售退货单) and reverse returns",
}
_ALL = frozenset(PERMISSIONS)
GRANTS: dict[str, frozenset[str]] = {
    "hq_manager": _ALL,
    "sp_manager": _ALL,
    # A clerk enters a dealer's order at the list price and the party's discount; a manager changes prices.
    "clerk": frozenset({"sales.view", "sales.manage"}),
    "warehouse": frozenset({"sales.view", "sales.deliver", "sales.return"}),
    "finance": frozenset({"sales.view", "sales.approve"}),
}
