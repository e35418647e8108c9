"""Read-only finance endpoints: receivable/payable balances and entries, money-account balances and entries.

Bank accounts and cash drawers are managed as the base-data kind
``money-accounts`` (``/api/money-accounts``). The finance documents that post
to the ledger (receipt, payment, opening balances, adjustment) come later and
will call ``server.finance.operations``.
"""

from __future__ import annotations

from ..http import Blueprint, db_session, permission
from . import queries as q
from .schemas import (AccountBalanceArgs, AccountBalancePage, CashEntryArgs, CashEntryPage, CounterpartyBalanceArgs,
                      CounterpartyBalancePage, CounterpartyEntryArgs, CounterpartyEntryPage)

blp = Blueprint("finance", __name__, url_prefix="/api/finance", description="财务 / Finance: the money ledger")


@blp.route("/counterparty-balances", methods=["GET"])
@permission("finance.view")
@blp.arguments(CounterpartyBalanceArgs, location="query")
@blp.response(200, CounterpartyBalancePage)
def counterparty_balances(args):
    """Accounts receivable and payable (应收/应付账款): the balance per organisation and counterparty."""
    session = db_session()
    return q.paginate_rows(session, q.counterparty_balances_query(args), args, q.balance_row)


@blp.route("/counterparty-entries", methods=["GET"])
@permission("finance.view")
@blp.arguments(CounterpartyEntryArgs, location="query")
@blp.response(200, CounterpartyEntryPage)
def counterparty_entries(args):
    """Receivable/payable ledger detail (明细): the entries behind a balance, each naming its source document."""
    session = db_session()
    return q.paginate_rows(session, q.counterparty_entries_query(args), args, q.entry_row)


@blp.route("/account-balances", methods=["GET"])
@permission("finance.view")
@blp.arguments(AccountBalanceArgs, location="query")
@blp.response(200, AccountBalancePage)
def account_balances(args):
    """Bank balances (银行账号余额) and cash drawers: the balance of every money account."""
    session = db_session()
    return q.paginate_rows(session, q.account_balances_query(args), args, q.account_row)


@blp.route("/cash-entries", methods=["GET"])
@permission("finance.view")
@blp.arguments(CashEntryArgs, location="query")
@blp.response(200, CashEntryPage)
def cash_entries(args):
    """The entries of bank accounts and cash drawers, each naming its source document."""
    session = db_session()
    return q.paginate_rows(session, q.cash_entries_query(args), args, q.entry_row)
