"""REST of receipts (收款单) and payments (付款单) — the workspace's document shape (list, read, create,
edit, delete, post, reverse) plus allocate / undo an allocation — and the receivables read side:
open items, aging, the statement of account (JSON and printed A4)."""

from __future__ import annotations

import datetime as dt
import uuid

from flask import Response
from flask.views import MethodView
from sqlalchemy import func, select

from ..basedata.operations import today_in
from ..core.lifecycle import allowed_actions, next_status
from ..core.operations import create_document, delete_draft, post_document, reverse_document, update_draft
from ..errors import InvalidInput
from ..http import Blueprint, db_session, paginate, permission, principal, settings
from ..org.models import Organisation
from . import settlement as st
from . import statement as stm
from .queries import add_sources
from .rules import Counterparty
from .settlement_models import SETTLEMENT_TYPES, _Settlement
from .settlement_schemas import (AgingArgs, AgingOut, AllocateIn, MoneyReverseIn, OpenItemArgs, OpenItemsOut,
                                 SettlementIn, SettlementListArgs, SettlementOut, SettlementPage, SettlementUpdateIn,
                                 StatementArgs, StatementOut, StatementPrintArgs, UnallocateIn)

PERMS = {"finance_receipt": "finance.receive", "finance_payment": "finance.pay"}
SLUGS = {"finance_receipt": "receipts", "finance_payment": "payments"}


def _today() -> dt.date:
    return today_in(settings().timezone)


def _org(session, org_id) -> uuid.UUID:
    p = principal()
    org_id = org_id or p.org_id
    if org_id is None or session.get(Organisation, org_id) is None:
        raise InvalidInput("org_id", "required")
    if not p.may_write_org(org_id):
        raise InvalidInput("org_id", "not your organisation")
    return org_id


def _counterparty_fields(data: dict) -> dict:
    """counterparty_kind from the id given (party unless told), the other two ids cleared."""
    kind = data.get("counterparty_kind") or next(
        (k for k, f in (("organisation", "counterparty_org_id"), ("member", "member_id")) if data.get(f)), "party")
    out = {"counterparty_kind": kind}
    for k, f in (("party", "party_id"), ("organisation", "counterparty_org_id"), ("member", "member_id")):
        if f in data or k == kind:
            out[f] = data.get(f)
    return out


def _answer(session, doc: _Settlement) -> dict:
    out = {c.key: getattr(doc, c.key) for c in doc.__table__.columns}
    out["counterparty_id"] = doc.counterparty_id
    out["counterparty_name"] = stm.counterparty_name(session, doc.counterparty())[1] if doc.counterparty_id else ""
    left = st.money_left(session, doc) if doc.reverses_id is None else 0
    out["on_account"] = left
    out["allocated"] = (doc.amount - left) if doc.status == "posted" else 0
    out["actions"] = allowed_actions(doc.doc_state)
    model = type(doc)
    out["reversal_id"] = session.execute(select(model.id).where(model.reverses_id == doc.id)).scalar() \
        if doc.status == "reversed" else None
    out["allocations"] = st.allocations_of(session, doc) if doc.status != "draft" else []
    return out


def _blueprint(doc_type: str) -> Blueprint:
    model = SETTLEMENT_TYPES[doc_type]
    perm = PERMS[doc_type]
    slug = SLUGS[doc_type]
    zh, en = ("收款单", "Receipts") if doc_type == "finance_receipt" else ("付款单", "Payments")
    blp = Blueprint(f"finance_{slug}", __name__, url_prefix=f"/api/finance/{slug}", description=f"{zh} / {en}")

    def _get(doc_id) -> _Settlement:
        return st.get_settlement(db_session(), doc_type, doc_id)

    @blp.route("")
    class Collection(MethodView):
        @permission("finance.view")
        @blp.arguments(SettlementListArgs, location="query")
        @blp.response(200, SettlementPage)
        def get(self, args):
            session = db_session()
            conds = []
            for key in ("org_id", "status", "party_id", "counterparty_org_id", "account_id"):
                if args.get(key):
                    conds.append(getattr(model, key) == args[key])
            if args.get("date_from"):
                conds.append(model.doc_date >= args["date_from"])
            if args.get("date_to"):
                conds.append(model.doc_date <= args["date_to"])
            if args.get("number"):
                conds.append(model.number.contains(args["number"], autoescape=True))
            stmt = select(model).where(*conds).order_by(model.doc_date.desc(), model.created_at.desc(), model.id)
            total = session.execute(select(func.sum(model.amount)).where(*conds, model.status == "posted")).scalar()
            return {**paginate(session, stmt, args), "totals": {"amount": total or 0}}

        @permission(perm)
        @blp.arguments(SettlementIn)
        @blp.response(201, SettlementOut)
        def post(self, data):
            """A draft; nothing is posted until it is."""
            session = db_session()
            org_id = _org(session, data.pop("org_id", None))
            doc = model(org_id=org_id, doc_date=data.pop("doc_date", None) or _today(),
                        auto_allocate=data.pop("auto_allocate", True), **_counterparty_fields(data),
                        **{k: v for k, v in data.items() if k in ("account_id", "amount", "reference", "note")})
            st.check_settlement(session, doc)
            create_document(session, doc)
            session.commit()
            return _answer(session, doc)

    @blp.route("/<uuid:doc_id>")
    class Item(MethodView):
        @permission("finance.view")
        @blp.response(200, SettlementOut)
        def get(self, doc_id):
            session = db_session()
            return _answer(session, _get(doc_id))

        @permission(perm)
        @blp.arguments(SettlementUpdateIn)
        @blp.response(200, SettlementOut)
        def patch(self, data, doc_id):
            session = db_session()
            doc = _get(doc_id)
            next_status(doc.doc_state, "edit")
            changes = dict(data)
            if any(k in data for k in ("counterparty_kind", "party_id", "counterparty_org_id", "member_id")):
                changes.update(_counterparty_fields(data))
            # The draft as it would be, checked before anything changes (a refusal changes nothing).
            keep = {c.key: getattr(doc, c.key) for c in model.__table__.columns if c.key not in ("id", "version")}
            st.check_settlement(session, model(**{**keep, **changes}))
            update_draft(session, doc, changes)
            session.commit()
            return _answer(session, doc)

        @permission(perm)
        @blp.response(204)
        def delete(self, doc_id):
            session = db_session()
            delete_draft(session, _get(doc_id))
            session.commit()

    @blp.route("/<uuid:doc_id>/post", methods=["POST"])
    @permission(perm)
    @blp.response(200, SettlementOut)
    def post_settlement(doc_id):
        """Number it, post the cash and the counterparty entry, and allocate oldest first if asked."""
        session = db_session()
        doc = post_document(session, _get(doc_id))
        session.commit()
        return _answer(session, doc)

    @blp.route("/<uuid:doc_id>/reverse", methods=["POST"])
    @permission("finance.reverse")
    @blp.arguments(MoneyReverseIn)
    @blp.response(201, SettlementOut)
    def reverse_settlement(data, doc_id):
        """红冲: undo its allocations, post the opposite entries as a linked document; returns it."""
        session = db_session()
        reversal = reverse_document(session, _get(doc_id), data["reason"], data["on"])
        session.commit()
        return _answer(session, reversal)

    @blp.route("/<uuid:doc_id>/allocate", methods=["POST"])
    @permission("finance.allocate")
    @blp.arguments(AllocateIn)
    @blp.response(200, SettlementOut)
    def allocate(data, doc_id):
        """Allocate money left on account against open items: by hand (``lines``) or oldest first."""
        session = db_session()
        doc = _get(doc_id)
        st.allocate(session, doc, data["lines"], data["on"] or _today())
        session.commit()
        return _answer(session, doc)

    @blp.route("/<uuid:doc_id>/allocations/<uuid:allocation_id>/undo", methods=["POST"])
    @permission("finance.allocate")
    @blp.arguments(UnallocateIn)
    @blp.response(200, SettlementOut)
    def unallocate(data, doc_id, allocation_id):
        """Undo one allocation (an opposite row): its money is on account again."""
        session = db_session()
        doc = _get(doc_id)
        st.unallocate(session, doc, allocation_id, data["on"] or _today())
        session.commit()
        return _answer(session, doc)

    return blp


ar = Blueprint("finance_ar", __name__, url_prefix="/api/finance",
               description="应收应付 / Receivables and payables: open items, aging, statement of account")


def _balance(args) -> st.Balance:
    p = principal()
    org_id = args.get("org_id") or p.org_id
    if org_id is None:
        raise InvalidInput("org_id", "required")
    # Another organisation's books read as empty (the ledger's scoping); one that does not exist is an error.
    if db_session().get(Organisation, org_id) is None:
        raise InvalidInput("org_id", "no such organisation")
    return st.Balance(org_id, Counterparty(args["counterparty_kind"], args["counterparty_id"]), args["direction"])


@ar.route("/open-items", methods=["GET"])
@permission("finance.view")
@ar.arguments(OpenItemArgs, location="query")
@ar.response(200, OpenItemsOut)
def open_items(args):
    """One balance's open items (未核销): each document with its amount, what is allocated, what is open,
    its age and aging bucket; money on account (预收/预付) as negative items. They add up to the balance."""
    session = db_session()
    as_of = args["as_of"] or _today()
    rows = stm.open_item_rows(session, _balance(args), as_of, include_closed=args["closed"])
    add_sources(session, rows, per_line=False)
    return {"as_of": as_of, "balance": sum((r["open"] for r in rows), st.ZERO), "items": rows}


@ar.route("/aging", methods=["GET"])
@permission("finance.view")
@ar.arguments(AgingArgs, location="query")
@ar.response(200, AgingOut)
def aging(args):
    """账龄: per organisation, counterparty and direction, the open charges by age (current, 1–30,
    31–60, 61–90, over 90 days), the money on account and the balance; totals per direction. Without
    ``as_of``: the open items as they stand, aged to today; with it: as of the end of that day."""
    cp = Counterparty(args["counterparty_kind"], args["counterparty_id"]) if args.get("counterparty_id") else None
    # A network's aging has a row per party (tens of thousands): written straight to JSON in the
    # documented AgingOut shape (a test holds the two equal), marshmallow took most of the time.
    return Response(stm.aging_json(stm.aging(db_session(), args["as_of"], args.get("org_id"), args.get("direction"), cp,
                                             today=_today())), mimetype="application/json")


def _statement(session, args) -> dict:
    bal = _balance(args)
    s = stm.statement(session, bal, args["date_from"], args["date_to"])
    code, name = stm.counterparty_name(session, bal.counterparty)
    lines = [vars(line).copy() for line in s.lines]
    add_sources(session, lines, per_line=False)
    return {"org_id": bal.org_id, "counterparty_kind": bal.counterparty.kind, "counterparty_id": bal.counterparty.id,
            "counterparty_code": code, "counterparty_name": name, "direction": bal.direction,
            "date_from": s.date_from, "date_to": s.date_to, "opening_balance": s.opening, "increase": s.increase,
            "decrease": s.decrease, "closing_balance": s.closing, "lines": lines}


@ar.route("/statement", methods=["GET"])
@permission("finance.view")
@ar.arguments(StatementArgs, location="query")
@ar.response(200, StatementOut)
def statement(args):
    """对账单: one counterparty's balance over a period — the opening balance, every document with what
    it added and took off and the running balance, the closing balance."""
    return _statement(db_session(), args)


@ar.route("/statement/print", methods=["GET"])
@permission("finance.view")
@ar.arguments(StatementPrintArgs, location="query")
@ar.response(200, description="The statement printed on A4: application/pdf, or text/html with format=html")
def print_statement(args):
    """对账单 on A4, to send to the dealer or manufacturer (PDF, or HTML for the browser's print dialog)."""
    from ..printing.api import _context, available_printer
    from ..printing.render import PAPERS
    from .forms import statement_sheet

    if not principal().can("print.forms"):
        from ..errors import Forbidden

        raise Forbidden("missing permission print.forms", {"permission": ["print.forms"]})
    session = db_session()
    vm = statement_sheet(session, _statement(session, args), _context(args["lang"]))
    p = available_printer()
    if args["format"] == "html":
        resp = Response(p.html("print/finance_statement.html", vm, PAPERS["a4"], args["lang"]), mimetype="text/html")
        resp.headers["Content-Security-Policy"] = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"
    else:
        resp = Response(p.pdf("print/finance_statement.html", vm, PAPERS["a4"], args["lang"]), mimetype="application/pdf")
        resp.headers["Content-Disposition"] = f'inline; filename="statement-{vm.counterparty_code or "party"}-{args["date_to"]}.pdf"'
    resp.headers["Cache-Control"] = "no-store"
    return resp


blueprints = [_blueprint("finance_receipt"), _blueprint("finance_payment"), ar]
