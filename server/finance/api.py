"""Read-only finance endpoints: receivable/payable balances and entries, money-account balances and entries.

Bank accounts and cash drawers are managed as the base-data kind
``money-accounts`` (``/api/money-accounts``). The finance documents that post
to the ledger (receipt, payment, opening balances, adjustment) come later and
will call ``server.finance.operations``.
"""

from __future__ import annotations

import datetime as dt

from flask import Response

from ..core.operations import record_audit
from ..db import writing
from ..http import Blueprint, db_session, permission
from . import export
from .bank_api import blueprints as bank_blueprints
from .settlement_api import blueprints as settlement_blueprints
from .adjust_api import blueprints as adjust_blueprints
from . import queries as q
from .models import CashEntry, CounterpartyEntry
from .schemas import (AccountBalanceArgs, AccountBalancePage, CashEntryArgs, CashEntryExportArgs, CashEntryPage,
                      CounterpartyBalanceArgs, CounterpartyBalancePage, CounterpartyDocumentArgs, CounterpartyDocumentPage,
                      CounterpartyEntryArgs, CounterpartyEntryExportArgs, CounterpartyEntryPage)

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
    """Receivable/payable ledger detail (明细): the entries behind a balance, each naming its source document
    (with its name and where it opens), the running balance after each, and the opening and closing
    balance of the date range (of one balance when organisation, counterparty and direction are given)."""
    session = db_session()
    page = q.paginate_rows(session, q.counterparty_entries_query(args), args, q.entry_row, q.add_sources)
    return page | q.ledger_span(session, CounterpartyEntry, args)


@blp.route("/counterparty-documents", methods=["GET"])
@permission("finance.view")
@blp.arguments(CounterpartyDocumentArgs, location="query")
@blp.response(200, CounterpartyDocumentPage)
def counterparty_documents(args):
    """The documents one counterparty's balance is made of (应收/应付账款 drill-down): per organisation
    and source document, what it added to the receivable and the payable, and where it opens."""
    session = db_session()
    return q.paginate_rows(session, q.counterparty_documents_query(args), args, q.document_row, q.add_document_sources)


def _export(stmt, span, args, model, directions: bool, name: str):
    session = db_session()
    file, rows = export.write_ledger(session, stmt, span, args["lang"], directions=directions)
    # Books leave the server on the record: who took which ledger, filtered how.
    filters = {k: (str(v) if v is not None else None) for k, v in args.items() if k != "lang"}
    with writing(session):
        record_audit(session, "finance.export", entity_type=model.__tablename__, after={**filters, "rows": rows})
    filename = f"{name}-{dt.date.today().isoformat()}.xlsx"
    return Response(export.stream(file), mimetype=export.MIME,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@blp.route("/counterparty-entries/export", methods=["GET"])
@permission("finance.view")
@blp.arguments(CounterpartyEntryExportArgs, location="query")
@blp.response(200, description="The ledger detail as .xlsx: opening balance, every entry, closing balance")
def export_counterparty_entries(args):
    """Receivable/payable ledger detail as Excel: the same filters as the list, every row."""
    session = db_session()
    return _export(q.counterparty_entries_query(args), q.ledger_span(session, CounterpartyEntry, args), args,
                   CounterpartyEntry, True, "counterparty-ledger")


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
    """The entries of bank accounts and cash drawers, each naming its source document, with the
    running balance after each and the account's opening and closing balance of the date range."""
    session = db_session()
    page = q.paginate_rows(session, q.cash_entries_query(args), args, q.entry_row, q.add_sources)
    return page | q.ledger_span(session, CashEntry, args)


@blp.route("/cash-entries/export", methods=["GET"])
@permission("finance.view")
@blp.arguments(CashEntryExportArgs, location="query")
@blp.response(200, description="The account's detail as .xlsx: opening balance, every entry, closing balance")
def export_cash_entries(args):
    """Bank or cash ledger detail as Excel: the same filters as the list, every row."""
    session = db_session()
    return _export(q.cash_entries_query(args), q.ledger_span(session, CashEntry, args), args, CashEntry, False,
                   "account-ledger")


# The app registers these (server/areas.py).
blueprints = [blp, *settlement_blueprints, *bank_blueprints, *adjust_blueprints]
