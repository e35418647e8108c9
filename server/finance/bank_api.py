"""REST of the bank (§10.8, §10.9): transfers between money accounts (资金调拨单, the workspace's document
shape: list, read, create, edit, delete, post, reverse) and bank statements (银行对账单: import a
CSV/Excel file, read it with its matches and what is unmatched on both sides, match automatically,
match and unmatch by hand)."""

from __future__ import annotations

from flask.views import MethodView
from sqlalchemy import func, or_, select

from ..core.lifecycle import allowed_actions, next_status
from ..core.operations import create_document, delete_draft, post_document, reverse_document, update_draft
from ..http import Blueprint, body_limit, db_session, paginate, permission
from . import bank
from .bank_models import BankStatement, FinanceTransfer
from .bank_schemas import (BankAutoMatchIn, BankMatchIn, BankStatementFile, BankStatementImportArgs, BankStatementListArgs, BankStatementOut,
                           BankStatementPage, TransferIn, TransferListArgs, TransferOut, TransferPage, TransferUpdateIn)
from .models import MoneyAccount
from .settlement_api import _org, _today
from .settlement_schemas import MoneyReverseIn

transfers = Blueprint("finance_transfers", __name__, url_prefix="/api/finance/transfers",
                      description="资金调拨单 / Transfers between money accounts")

FIELDS = ("from_account_id", "to_account_id", "amount", "reference", "note")


def _answer(session, doc: FinanceTransfer) -> dict:
    out = {c.key: getattr(doc, c.key) for c in doc.__table__.columns}
    out["actions"] = allowed_actions(doc.doc_state)
    out["reversal_id"] = session.execute(select(FinanceTransfer.id).where(FinanceTransfer.reverses_id == doc.id)).scalar() \
        if doc.status == "reversed" else None
    return out


@transfers.route("")
class TransferCollection(MethodView):
    @permission("finance.view")
    @transfers.arguments(TransferListArgs, location="query")
    @transfers.response(200, TransferPage)
    def get(self, args):
        session = db_session()
        m = FinanceTransfer
        conds = []
        for key in ("org_id", "status"):
            if args.get(key):
                conds.append(getattr(m, key) == args[key])
        if args.get("account_id"):
            conds.append(or_(m.from_account_id == args["account_id"], m.to_account_id == args["account_id"]))
        if args.get("date_from"):
            conds.append(m.doc_date >= args["date_from"])
        if args.get("date_to"):
            conds.append(m.doc_date <= args["date_to"])
        if args.get("number"):
            conds.append(m.number.contains(args["number"], autoescape=True))
        stmt = select(m).where(*conds).order_by(m.doc_date.desc(), m.created_at.desc(), m.id)
        total = session.execute(select(func.sum(m.amount)).where(*conds, m.status == "posted")).scalar()
        return {**paginate(session, stmt, args), "totals": {"amount": total or 0}}

    @permission("finance.transfer")
    @transfers.arguments(TransferIn)
    @transfers.response(201, TransferOut)
    def post(self, data):
        """A draft; nothing moves until it is posted."""
        session = db_session()
        org_id = _org(session, data.pop("org_id", None))
        doc = FinanceTransfer(org_id=org_id, doc_date=data.pop("doc_date", None) or _today(),
                              **{k: v for k, v in data.items() if k in FIELDS})
        bank.check_transfer(session, doc)
        create_document(session, doc)
        session.commit()
        return _answer(session, doc)


@transfers.route("/<uuid:doc_id>")
class TransferItem(MethodView):
    @permission("finance.view")
    @transfers.response(200, TransferOut)
    def get(self, doc_id):
        session = db_session()
        return _answer(session, bank.get_transfer(session, doc_id))

    @permission("finance.transfer")
    @transfers.arguments(TransferUpdateIn)
    @transfers.response(200, TransferOut)
    def patch(self, data, doc_id):
        session = db_session()
        doc = bank.get_transfer(session, doc_id)
        next_status(doc.doc_state, "edit")
        # The draft as it would be, checked before anything changes (a refusal changes nothing).
        keep = {c.key: getattr(doc, c.key) for c in FinanceTransfer.__table__.columns if c.key not in ("id", "version")}
        bank.check_transfer(session, FinanceTransfer(**{**keep, **data}))
        update_draft(session, doc, dict(data))
        session.commit()
        return _answer(session, doc)

    @permission("finance.transfer")
    @transfers.response(204)
    def delete(self, doc_id):
        session = db_session()
        delete_draft(session, bank.get_transfer(session, doc_id))
        session.commit()


@transfers.route("/<uuid:doc_id>/post", methods=["POST"])
@permission("finance.transfer")
@transfers.response(200, TransferOut)
def post_transfer(doc_id):
    """Number it and post the two cash entries: out of the first account, into the second."""
    session = db_session()
    doc = post_document(session, bank.get_transfer(session, doc_id))
    session.commit()
    return _answer(session, doc)


@transfers.route("/<uuid:doc_id>/reverse", methods=["POST"])
@permission("finance.reverse")
@transfers.arguments(MoneyReverseIn)
@transfers.response(201, TransferOut)
def reverse_transfer(data, doc_id):
    """红冲: post the opposite entries as a linked document; returns it."""
    session = db_session()
    reversal = reverse_document(session, bank.get_transfer(session, doc_id), data["reason"], data["on"])
    session.commit()
    return _answer(session, reversal)


statements = Blueprint("finance_bank_statements", __name__, url_prefix="/api/finance/bank-statements",
                       description="银行对账单 / Bank statements and their matching to the account's entries")


def _summary(session, stmt: BankStatement, matched: int, account: MoneyAccount | None) -> dict:
    return {c.key: getattr(stmt, c.key) for c in BankStatement.__table__.columns} | {
        "matched_count": matched, "account_code": account.code if account else "",
        "account_name": account.name if account else ""}


@statements.route("", methods=["GET"])
@permission("finance.view")
@statements.arguments(BankStatementListArgs, location="query")
@statements.response(200, BankStatementPage)
def list_statements(args):
    """Imported statements, newest first, with how many of their lines are matched."""
    session = db_session()
    conds = [getattr(BankStatement, k) == args[k] for k in ("org_id", "account_id") if args.get(k)]
    page = paginate(session, select(BankStatement).where(*conds)
                    .order_by(BankStatement.imported_at.desc(), BankStatement.id), args)
    matched = bank.statements_summary(session, page["items"])
    accounts = {a.id: a for a in session.execute(select(MoneyAccount).where(
        MoneyAccount.id.in_({s.account_id for s in page["items"]}))).scalars()} if page["items"] else {}
    page["items"] = [_summary(session, s, matched.get(s.id, 0), accounts.get(s.account_id)) for s in page["items"]]
    return page


@statements.route("", methods=["POST"])
@permission("finance.reconcile")
@body_limit("max_import_bytes")
@statements.arguments(BankStatementImportArgs, location="query")
@statements.arguments(BankStatementFile, location="files")
@statements.response(201, BankStatementOut)
def import_statement(args, files):
    """Import a statement file (.xlsx or .csv) of one account: every bad row is reported
    (``rows.<n>.<column>``) and nothing is stored unless every row is good."""
    session = db_session()
    upload = files["file"]
    stmt = bank.import_statement(session, args["account_id"], upload.filename or "", upload.read())
    session.commit()
    return bank.statement_view(session, stmt)


@statements.route("/<uuid:statement_id>", methods=["GET"])
@permission("finance.view")
@statements.response(200, BankStatementOut)
def read_statement(statement_id):
    """The statement's lines with their matches, the unmatched lines, and the account's entries of the
    statement's period that no line matches."""
    session = db_session()
    return bank.statement_view(session, bank.get_statement(session, statement_id))


@statements.route("/<uuid:statement_id>/auto-match", methods=["POST"])
@permission("finance.reconcile")
@statements.arguments(BankAutoMatchIn)
@statements.response(200, BankStatementOut)
def auto_match(data, statement_id):
    """Match the unmatched lines by amount, date window and reference (ambiguous ones are left)."""
    session = db_session()
    stmt = bank.get_statement(session, statement_id)
    bank.auto_match(session, stmt, data["window_days"])
    session.commit()
    return bank.statement_view(session, stmt)


@statements.route("/<uuid:statement_id>/lines/<uuid:line_id>/match", methods=["POST"])
@permission("finance.reconcile")
@statements.arguments(BankMatchIn)
@statements.response(200, BankStatementOut)
def match_line(data, statement_id, line_id):
    """Match one line to one of the account's unmatched entries of the same amount, by hand."""
    session = db_session()
    stmt = bank.get_statement(session, statement_id)
    bank.match(session, stmt, line_id, data["cash_entry_id"])
    session.commit()
    return bank.statement_view(session, stmt)


@statements.route("/<uuid:statement_id>/lines/<uuid:line_id>/unmatch", methods=["POST"])
@permission("finance.reconcile")
@statements.response(200, BankStatementOut)
def unmatch_line(statement_id, line_id):
    """Undo a line's match: the line and the entry are unmatched again."""
    session = db_session()
    stmt = bank.get_statement(session, statement_id)
    bank.unmatch(session, stmt, line_id)
    session.commit()
    return bank.statement_view(session, stmt)


blueprints = [transfers, statements]
