"""Finance documents' permissions and the roles that hold them (merged into server/auth/permissions.py)."""

from __future__ import annotations

PERMISSIONS: dict[str, str] = {
    "finance.receive": "Enter and post receipts (收款单) from counterparties",
    "finance.pay": "Enter and post payments (付款单) to counterparties",
    "finance.allocate": "Allocate receipts and payments against open items, and undo allocations (核销)",
    "finance.transfer": "Enter and post transfers between money accounts (资金调拨单)",
    "finance.reconcile": "Import bank statements and match them to the accounts' entries (银行对账)",
    "finance.reverse": "Reverse (红冲) a posted money document: receipt, payment, transfer, opening balances, reclassification",
    "finance.open": "Enter, import and post the opening balances (财务初始化)",
    "finance.adjust": "Enter and post reclassifications between counterparties or money accounts (调账单)",
    "finance.close": "Close and reopen accounting periods (结账 / 反结账)",
}
_ALL = frozenset(PERMISSIONS)
# Finance staff work the books; a point's manager receives and pays for the point (and corrects by
# reversal); headquarters' manager may do the same in headquarters' books.
# Opening balances, reclassifications and closing the books are the finance manager's (the finance
# role) and headquarters' manager's; a point's manager does not close periods.
GRANTS: dict[str, frozenset[str]] = {
    "finance": _ALL,
    "sp_manager": _ALL - {"finance.open", "finance.adjust", "finance.close"},
    "hq_manager": _ALL,
}
