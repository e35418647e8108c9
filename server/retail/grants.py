"""The permissions of this area and the roles that hold them (merged into server/auth/permissions.py)."""

from __future__ import annotations

PERMISSIONS: dict[str, str] = {
    "retail.view": "See retail sales, returns, cash-ups and the retail stock exceptions",
    "retail.sell": "Sell at the counter (零售销售单) at the items' retail prices",
    "retail.price_override": "Sell at another price than the item's retail price",
    "retail.return": "Take goods back against a retail sale (零售退货单) and refund them",
    "retail.cashup": "Close the counter's day (日结): count the takings per account",
    "retail.exceptions": "Post the stock side of retail sales waiting in the exception list",
}

_COUNTER = frozenset({"retail.view", "retail.sell", "retail.return", "retail.cashup"})
GRANTS: dict[str, frozenset[str]] = {
    "clerk": _COUNTER,
    # The point's manager also sells at another price and clears the exception list.
    "sp_manager": frozenset(PERMISSIONS),
    # The warehouse resolves the stock side of the sales that found no stock.
    "warehouse": frozenset({"retail.view", "retail.exceptions"}),
    "finance": frozenset({"retail.view"}),
    "hq_manager": frozenset({"retail.view", "retail.exceptions"}),
}
