"""REST of opening balances (财务初始化) and reclassifications (调账单) — the workspace's document shape
(list, read, create, edit, delete, post, reverse), the opening's Excel import — closing and reopening
periods (结账 / 反结账, ``finance.close``), and the money documents' list the 财务调整 screen reverses from."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from flask.views import MethodView
from sqlalchemy import and_, case, func, literal, select, union_all

from ..basedata.models import Party
from ..db import Money
from ..basedata.operations import today_in
from ..core.lifecycle import allowed_actions, next_status
from ..core.operations import create_document, delete_draft, post_document, record_audit, reverse_document, update_draft
from ..errors import InvalidInput
from ..http import Blueprint, body_limit, db_session, paginate, permission, principal, settings
from ..org.models import Organisation
from . import adjust as adj
from .adjust_models import ADJUST_TYPES, FinanceOpening, FinanceOpeningLine, FinanceReclass
from .adjust_schemas import (AdjustListArgs, MoneyDocumentArgs, MoneyDocumentPage, OpeningFile, OpeningIn, OpeningOut,
                             OpeningPage, OpeningUpdateIn, PeriodChangeIn, PeriodHistoryArgs, PeriodHistoryOut, PeriodsOut,
                             ReclassIn, ReclassOut, ReclassPage, ReclassUpdateIn)
from .models import CashEntry, CounterpartyEntry, MoneyAccount
from .queries import add_sources
from .settlement_api import _org
from .settlement_schemas import MoneyReverseIn

ZERO = Decimal("0.00")


def _today() -> dt.date:
    return today_in(settings().timezone)


def _common(session, doc) -> dict:
    out = {c.key: getattr(doc, c.key) for c in doc.__table__.columns}
    out["actions"] = allowed_actions(doc.doc_state)
    model = type(doc)
    out["reversal_id"] = session.execute(select(model.id).where(model.reverses_id == doc.id)).scalar() \
        if doc.status == "reversed" else None
    return out


def _names(session, lines) -> dict:
    parties = {l.party_id for l in lines if l.party_id}
    orgs = {l.counterparty_org_id for l in lines if l.counterparty_org_id}
    accounts = {l.account_id for l in lines if l.account_id}
    out = {}
    if parties:
        out.update({i: (c, n) for i, c, n in session.execute(select(Party.id, Party.code, Party.name).where(Party.id.in_(parties)))})
    if orgs:
        out.update({i: (c, n) for i, c, n in session.execute(
            select(Organisation.id, Organisation.code, Organisation.name).where(Organisation.id.in_(orgs)))})
    if accounts:
        out.update({i: (c, n) for i, c, n in session.execute(
            select(MoneyAccount.id, MoneyAccount.code, MoneyAccount.name).where(MoneyAccount.id.in_(accounts))
            .execution_options(unscoped=True))})
    return out


def opening_totals(lines) -> dict:
    return {"receivable_total": sum((l.amount for l in lines if l.direction == "receivable"), ZERO),
            "payable_total": sum((l.amount for l in lines if l.direction == "payable"), ZERO),
            "account_total": sum((l.amount for l in lines if l.line_kind == "account"), ZERO),
            "line_count": len(lines)}


def opening_answer(session, doc: FinanceOpening) -> dict:
    out = _common(session, doc)
    if doc.status == "draft":
        out["actions"] = [*out["actions"], "import"]  # the Excel import replaces a draft's lines
    lines = doc.lines
    if doc.reverses_id is not None and not lines:
        lines = session.get(FinanceOpening, doc.reverses_id).lines
    names = _names(session, lines)
    out["lines"] = []
    for l in lines:
        code, name = names.get(l.party_id or l.counterparty_org_id or l.account_id, ("", ""))
        out["lines"].append({c.key: getattr(l, c.key) for c in l.__table__.columns} | {"code": code, "name": name})
    out.update(opening_totals(lines))
    return out


def _side_name(names: dict, *ids) -> str:
    for i in ids:
        if i:
            code, name = names.get(i, ("", ""))
            return f"{code} {name}".strip()
    return ""


def reclass_names(session, docs) -> dict:
    parties = {i for d in docs for i in (d.from_party_id, d.to_party_id) if i}
    orgs = {i for d in docs for i in (d.from_org_id, d.to_org_id) if i}
    accounts = {i for d in docs for i in (d.from_account_id, d.to_account_id) if i}
    out = {}
    if parties:
        out.update({i: (c, n) for i, c, n in session.execute(select(Party.id, Party.code, Party.name).where(Party.id.in_(parties)))})
    if orgs:
        out.update({i: (c, n) for i, c, n in session.execute(
            select(Organisation.id, Organisation.code, Organisation.name).where(Organisation.id.in_(orgs)))})
    if accounts:
        out.update({i: (c, n) for i, c, n in session.execute(
            select(MoneyAccount.id, MoneyAccount.code, MoneyAccount.name).where(MoneyAccount.id.in_(accounts))
            .execution_options(unscoped=True))})
    return out


def reclass_row(doc: FinanceReclass, names: dict) -> dict:
    return {"from_name": _side_name(names, doc.from_party_id, doc.from_org_id, doc.from_account_id),
            "to_name": _side_name(names, doc.to_party_id, doc.to_org_id, doc.to_account_id)}


def reclass_answer(session, doc: FinanceReclass) -> dict:
    return _common(session, doc) | reclass_row(doc, reclass_names(session, [doc]))


def _list_conds(model, args) -> list:
    conds = []
    for key in ("org_id", "status"):
        if args.get(key):
            conds.append(getattr(model, key) == args[key])
    if args.get("date_from"):
        conds.append(model.doc_date >= args["date_from"])
    if args.get("date_to"):
        conds.append(model.doc_date <= args["date_to"])
    if args.get("number"):
        conds.append(model.number.contains(args["number"], autoescape=True))
    return conds


# -- opening balances --------------------------------------------------------------------------------

openings = Blueprint("finance_openings", __name__, url_prefix="/api/finance/openings",
                     description="财务初始化 / Opening balances")


def _opening(doc_id) -> FinanceOpening:
    return adj.get_adjust_document(db_session(), "finance_opening", doc_id)


@openings.route("")
class Openings(MethodView):
    @permission("finance.view")
    @openings.arguments(AdjustListArgs, location="query")
    @openings.response(200, OpeningPage)
    def get(self, args):
        session = db_session()
        m = FinanceOpening
        stmt = select(m).where(*_list_conds(m, args)).order_by(m.doc_date.desc(), m.created_at.desc(), m.id)
        page = paginate(session, stmt, args)
        page["items"] = [{c.key: getattr(d, c.key) for c in m.__table__.columns} | opening_totals(d.lines)
                         for d in page["items"]]
        return page

    @permission("finance.open")
    @openings.arguments(OpeningIn)
    @openings.response(201, OpeningOut)
    def post(self, data):
        """A draft opening balance sheet (lines may follow, typed or imported); nothing is posted until it is."""
        session = db_session()
        org_id = _org(session, data.get("org_id"))
        doc = FinanceOpening(org_id=org_id, doc_date=data.get("doc_date") or _today(), note=data.get("note") or "")
        doc.lines = adj._opening_lines(session, org_id, data["lines"]) if data["lines"] else []
        create_document(session, doc)
        session.commit()
        return opening_answer(session, doc)


@openings.route("/<uuid:doc_id>")
class Opening(MethodView):
    @permission("finance.view")
    @openings.response(200, OpeningOut)
    def get(self, doc_id):
        return opening_answer(db_session(), _opening(doc_id))

    @permission("finance.open")
    @openings.arguments(OpeningUpdateIn)
    @openings.response(200, OpeningOut)
    def patch(self, data, doc_id):
        session = db_session()
        doc = _opening(doc_id)
        next_status(doc.doc_state, "edit")
        lines = data.pop("lines", None)
        new = adj._opening_lines(session, doc.org_id, lines) if lines else None
        update_draft(session, doc, data)
        if lines is not None:
            doc.lines.clear()
            session.flush()
            doc.lines.extend(new or [])
            session.flush()
        session.commit()
        return opening_answer(session, doc)

    @permission("finance.open")
    @openings.response(204)
    def delete(self, doc_id):
        session = db_session()
        delete_draft(session, _opening(doc_id))
        session.commit()


@openings.route("/<uuid:doc_id>/import", methods=["POST"])
@permission("finance.open")
@body_limit("max_import_bytes")
@openings.arguments(OpeningFile, location="files")
@openings.response(200, OpeningOut)
def import_opening(files, doc_id):
    """The draft's lines from an Excel workbook (类型, 编码, 方向, 金额, 摘要): every bad row reported by its
    row number and column, nothing changed unless every row is good; the lines replace the draft's."""
    session = db_session()
    doc = _opening(doc_id)
    next_status(doc.doc_state, "edit")
    lines = adj.read_opening_workbook(session, doc.org_id, files["file"].read())
    new = adj._opening_lines(session, doc.org_id, lines)
    doc.lines.clear()
    session.flush()
    doc.lines.extend(new)
    session.flush()
    record_audit(session, "finance_opening.import", doc, after={"lines": len(new)})
    session.commit()
    return opening_answer(session, doc)


@openings.route("/<uuid:doc_id>/post", methods=["POST"])
@permission("finance.open")
@openings.response(200, OpeningOut)
def post_opening(doc_id):
    """Post the balances (once per organisation) and close the books through the day before go-live."""
    session = db_session()
    doc = post_document(session, _opening(doc_id))
    session.commit()
    return opening_answer(session, doc)


@openings.route("/<uuid:doc_id>/reverse", methods=["POST"])
@permission("finance.reverse")
@openings.arguments(MoneyReverseIn)
@openings.response(201, OpeningOut)
def reverse_opening(data, doc_id):
    """红冲: undo what was allocated against the balances and post their opposites; a new opening may follow."""
    session = db_session()
    reversal = reverse_document(session, _opening(doc_id), data["reason"], data["on"])
    session.commit()
    return opening_answer(session, reversal)


# -- reclassification -------------------------------------------------------------------------------

reclasses = Blueprint("finance_reclasses", __name__, url_prefix="/api/finance/reclasses",
                      description="调账单 / Reclassifications between counterparties or money accounts")

RECLASS_FIELDS = ("kind", "direction", "from_party_id", "from_org_id", "to_party_id", "to_org_id", "from_account_id",
                  "to_account_id", "amount", "reason", "note", "doc_date")


def _reclass(doc_id) -> FinanceReclass:
    return adj.get_adjust_document(db_session(), "finance_reclass", doc_id)


@reclasses.route("")
class Reclasses(MethodView):
    @permission("finance.view")
    @reclasses.arguments(AdjustListArgs, location="query")
    @reclasses.response(200, ReclassPage)
    def get(self, args):
        session = db_session()
        m = FinanceReclass
        conds = _list_conds(m, args)
        stmt = select(m).where(*conds).order_by(m.doc_date.desc(), m.created_at.desc(), m.id)
        page = paginate(session, stmt, args)
        names = reclass_names(session, page["items"])
        page["items"] = [{c.key: getattr(d, c.key) for c in m.__table__.columns} | reclass_row(d, names) for d in page["items"]]
        total = session.execute(select(func.sum(m.amount)).where(*conds, m.status == "posted")).scalar()
        return {**page, "totals": {"amount": total or 0}}

    @permission("finance.adjust")
    @reclasses.arguments(ReclassIn)
    @reclasses.response(201, ReclassOut)
    def post(self, data):
        """A draft; checked as it would post (both sides, the reason) and posted by ``/post``."""
        session = db_session()
        org_id = _org(session, data.pop("org_id", None))
        data["direction"] = data.get("direction") or None
        doc = FinanceReclass(org_id=org_id, doc_date=data.pop("doc_date", None) or _today(),
                             kind=data.pop("kind", None) or "counterparty", note=data.pop("note", "") or "",
                             **{k: v for k, v in data.items() if k in RECLASS_FIELDS})
        adj.check_reclass(session, doc)
        create_document(session, doc)
        session.commit()
        return reclass_answer(session, doc)


@reclasses.route("/<uuid:doc_id>")
class Reclass(MethodView):
    @permission("finance.view")
    @reclasses.response(200, ReclassOut)
    def get(self, doc_id):
        return reclass_answer(db_session(), _reclass(doc_id))

    @permission("finance.adjust")
    @reclasses.arguments(ReclassUpdateIn)
    @reclasses.response(200, ReclassOut)
    def patch(self, data, doc_id):
        session = db_session()
        doc = _reclass(doc_id)
        next_status(doc.doc_state, "edit")
        if "direction" in data:
            data["direction"] = data["direction"] or None
        keep = {c.key: getattr(doc, c.key) for c in FinanceReclass.__table__.columns if c.key not in ("id", "version")}
        adj.check_reclass(session, FinanceReclass(**{**keep, **data}))
        update_draft(session, doc, data)
        session.commit()
        return reclass_answer(session, doc)

    @permission("finance.adjust")
    @reclasses.response(204)
    def delete(self, doc_id):
        session = db_session()
        delete_draft(session, _reclass(doc_id))
        session.commit()


@reclasses.route("/<uuid:doc_id>/post", methods=["POST"])
@permission("finance.adjust")
@reclasses.response(200, ReclassOut)
def post_reclass(doc_id):
    """Number it and post both sides (a counterparty move allocates the first side's credit oldest first)."""
    session = db_session()
    doc = post_document(session, _reclass(doc_id))
    session.commit()
    return reclass_answer(session, doc)


@reclasses.route("/<uuid:doc_id>/reverse", methods=["POST"])
@permission("finance.reverse")
@reclasses.arguments(MoneyReverseIn)
@reclasses.response(201, ReclassOut)
def reverse_reclass(data, doc_id):
    """红冲: undo its allocations and post both sides' opposites as a linked document."""
    session = db_session()
    reversal = reverse_document(session, _reclass(doc_id), data["reason"], data["on"])
    session.commit()
    return reclass_answer(session, reversal)


# -- periods and the money documents -----------------------------------------------------------------

adjust = Blueprint("finance_adjust", __name__, url_prefix="/api/finance",
                   description="结账 / Closed periods; 财务调整 / the money documents to correct")


@adjust.route("/periods", methods=["GET"])
@permission("finance.view")
@adjust.response(200, PeriodsOut)
def periods():
    """Each organisation the reader sees with the date its books are closed through (none: all open)."""
    return {"items": adj.period_rows(db_session())}


@adjust.route("/periods/history", methods=["GET"])
@permission("finance.view")
@adjust.arguments(PeriodHistoryArgs, location="query")
@adjust.response(200, PeriodHistoryOut)
def period_history(args):
    """Every close and reopen, newest first: who, when, from which date to which, why."""
    return {"items": adj.period_history(db_session(), args.get("org_id"))}


@adjust.route("/periods/<uuid:org_id>/close", methods=["POST"])
@permission("finance.close")
@adjust.arguments(PeriodChangeIn)
@adjust.response(200, PeriodsOut)
def close_period(data, org_id):
    """结账: close the books through a later date (postings dated on or before it are refused). Audited."""
    session = db_session()
    adj.close_period(session, org_id, data["closed_through"], data["reason"])
    session.commit()
    return {"items": [r for r in adj.period_rows(session) if r["org_id"] == org_id]}


@adjust.route("/periods/<uuid:org_id>/reopen", methods=["POST"])
@permission("finance.close")
@adjust.arguments(PeriodChangeIn)
@adjust.response(200, PeriodsOut)
def reopen_period(data, org_id):
    """反结账: move the closing date back, with a reason. Audited."""
    session = db_session()
    adj.reopen_period(session, org_id, data["closed_through"], data["reason"])
    session.commit()
    return {"items": [r for r in adj.period_rows(session) if r["org_id"] == org_id]}


@adjust.route("/money-documents", methods=["GET"])
@permission("finance.view")
@adjust.arguments(MoneyDocumentArgs, location="query")
@adjust.response(200, MoneyDocumentPage)
def money_documents(args):
    """财务调整: every document that wrote money rows (any area's), newest first, with what it moved and
    whether it is a reversal or reversed; the screen offers each type's own 红冲 (its workspace action)."""
    session = db_session()
    e, c = CounterpartyEntry, CashEntry
    nil = literal(0, Money())  # typed: money is stored scaled on SQLite, so the sums are read back as money
    rows = union_all(
        select(e.document_type, e.document_id, e.document_number, e.org_id, e.doc_date,
               case((e.direction == "receivable", e.amount), else_=nil).label("receivable"),
               case((e.direction == "payable", e.amount), else_=nil).label("payable"),
               nil.label("cash"), case((e.amount > 0, e.amount), else_=nil).label("cp_in"),
               case((e.amount < 0, -e.amount), else_=nil).label("cp_out"), nil.label("cash_in"), nil.label("cash_out"),
               e.reverses_id, e.id.label("row_id")),
        select(c.document_type, c.document_id, c.document_number, c.org_id, c.doc_date, nil, nil, c.amount, nil, nil,
               case((c.amount > 0, c.amount), else_=nil), case((c.amount < 0, -c.amount), else_=nil),
               c.reverses_id, c.id)).subquery()
    conds = []
    if args.get("org_id"):
        conds.append(rows.c.org_id == args["org_id"])
    if args.get("document_type"):
        conds.append(rows.c.document_type == args["document_type"])
    if args.get("number"):
        conds.append(rows.c.document_number.contains(args["number"], autoescape=True))
    if args.get("date_from"):
        conds.append(rows.c.doc_date >= args["date_from"])
    if args.get("date_to"):
        conds.append(rows.c.doc_date <= args["date_to"])
    p = principal()
    if not p.sees_all:
        conds.append(rows.c.org_id == p.org_id)
    grouped = (select(rows.c.document_type, rows.c.document_id, func.max(rows.c.document_number).label("number"),
                      rows.c.org_id, func.min(rows.c.doc_date).label("doc_date"),
                      func.sum(rows.c.receivable).label("receivable"), func.sum(rows.c.payable).label("payable"),
                      func.sum(rows.c.cash).label("cash"), func.sum(rows.c.cp_in).label("cp_in"),
                      func.sum(rows.c.cp_out).label("cp_out"), func.sum(rows.c.cash_in).label("cash_in"),
                      func.sum(rows.c.cash_out).label("cash_out"),
                      func.count(rows.c.reverses_id).label("reversing"))
               .where(*conds).group_by(rows.c.document_type, rows.c.document_id, rows.c.org_id))
    page, size = args.get("page", 1), args.get("page_size", 50)
    total = session.execute(select(func.count()).select_from(grouped.subquery())).scalar_one()
    found = session.execute(grouped.order_by(func.min(rows.c.doc_date).desc(), func.max(rows.c.document_number).desc())
                            .limit(size).offset((page - 1) * size)).all()
    ids = [r.document_id for r in found]
    reversed_ids = set()
    if ids:
        for model in (e, c):
            orig = model.__table__.alias("orig")
            reversed_ids |= set(session.execute(
                select(orig.c.document_id).join(model, model.reverses_id == orig.c.id).where(orig.c.document_id.in_(ids))
                .execution_options(unscoped=True)).scalars())
    items = [{"document_type": r.document_type, "document_id": r.document_id, "document_number": r.number or "",
              "org_id": r.org_id, "doc_date": r.doc_date, "receivable": r.receivable or ZERO,
              "payable": r.payable or ZERO, "cash": r.cash or ZERO,
              # What it moved: the larger side of either ledger (a reclassification nets to zero in each).
              "amount": max(r.cp_in or ZERO, r.cp_out or ZERO, r.cash_in or ZERO, r.cash_out or ZERO),
              "is_reversal": bool(r.reversing), "reversed": r.document_id in reversed_ids} for r in found]
    add_sources(session, items, per_line=False)
    return {"items": items, "total": total, "page": page, "page_size": size, "capped": False}


blueprints = [openings, reclasses, adjust]
