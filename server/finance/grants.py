"""Finance documents' permissions and the roles that hold them (merged into server/auth/permissions.py)."""

from __future__ import annotations

PERMISSIONS: dict[str, str] = {
    "finance.receive": "Enter and post receipts (收款单) from counterparties",
    "finance.pay": "Enter and post payments (付款单) to counterparties",
    "finance.allocate": "Allocate receipts and payments against open items, and undo allocations (核销)",
    "finance.reverse": "Reverse (红冲) a posted receipt, payment or transfer",
    "finance.transfer": "Enter and post transfers between money accounts (资金调拨单)",
    "finance.reconcile": "Import bank statements and match them to the accounts' entries (银行对账)",
}
_ALL = frozenset(PERMISSIONS)
# Finance staff work the books; a point's manager receives and pays for the point (and corrects by
# reversal); headquarters' manager may do the same in headquarters' books.
GRANTS: dict[str, frozenset[str]] = {
    "finance": _ALL,
    "sp_manager": _ALL,
    "hq_manager": _ALL,
}
