"""Wholesale's lists, the answers' extras and the profit query (scoped by the session)."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, literal, select, union_all
from sqlalchemy.orm import Session

from ..core.lifecycle import allowed_actions
from . import operations as ops
from .models import SalesDelivery, SalesDeliveryLine, SalesOrder, SalesReturn, SalesReturnLine

ZERO = Decimal("0.00")


def _filtered(model, args: dict):
    stmt = select(model)
    status_col = model.state if model is SalesOrder else model.status
    if args.get("status"):
        stmt = stmt.where(status_col == args["status"])
    for name in ("party_id", "org_id", "order_id"):
        if args.get(name) and hasattr(model, name):
            stmt = stmt.where(getattr(model, name) == args[name])
    if args.get("since"):
        stmt = stmt.where(model.doc_date >= args["since"])
    if args.get("until"):
        stmt = stmt.where(model.doc_date <= args["until"])
    if args.get("q"):
        stmt = stmt.where(model.number.like(f"%{args['q'].strip().upper()}%"))
    return stmt


def list_query(model, args: dict):
    return _filtered(model, args).order_by(model.doc_date.desc(), model.created_at.desc(), model.id.desc())


def totals(session: Session, model, args: dict) -> dict:
    sub = _filtered(model, args).subquery()
    cols = [func.sum(sub.c.net_total), func.sum(sub.c.tax_total), func.sum(sub.c.gross_total)]
    cols.append(func.sum(sub.c.cost_total) if "cost_total" in sub.c else literal(None))
    net, tax, gross, cost = session.execute(select(*cols)).one()
    return {"net_total": net or ZERO, "tax_total": tax or ZERO, "gross_total": gross or ZERO, "cost_total": cost or ZERO}


def _links(session: Session, model, column, value) -> list:
    return list(session.execute(select(model).where(column == value).order_by(model.created_at)).scalars())


def order_answer(session: Session, order: SalesOrder) -> SalesOrder:
    order.actions = (["edit", "delete"] if order.state == "draft" else []) + ops.order_events(session, order)
    order.deliveries = _links(session, SalesDelivery, SalesDelivery.order_id, order.id)
    order.returns = _links(session, SalesReturn, SalesReturn.order_id, order.id)
    return order


def _moved_answer(session: Session, doc, model):
    # A reversal is never reversed (the lifecycle says so through doc_state).
    doc.actions = allowed_actions(doc.doc_state)
    order = session.get(SalesOrder, doc.order_id)
    doc.order_number = order.number if order is not None else None
    doc.reversal_id = (session.execute(select(model.id).where(model.reverses_id == doc.id)).scalar()
                       if doc.status == "reversed" else None)
    return doc


def delivery_answer(session: Session, d: SalesDelivery) -> SalesDelivery:
    _moved_answer(session, d, SalesDelivery)
    d.returns = _links(session, SalesReturn, SalesReturn.delivery_id, d.id)
    return d


def return_answer(session: Session, r: SalesReturn) -> SalesReturn:
    _moved_answer(session, r, SalesReturn)
    d = session.get(SalesDelivery, r.delivery_id)
    r.delivery_number = d.number if d is not None else None
    return r


# -- profit ---------------------------------------------------------------------------------

def profit_query(args: dict):
    """Every sale line in force with its revenue (net of tax), its cost at posting and the profit:
    delivery lines add, sales return lines subtract. Nothing is recomputed: the lines kept both."""

    def part(doc, line, fk, sign: int, doc_type: str):
        s = literal(sign)
        stmt = (select(literal(doc_type).label("document_type"), doc.id.label("document_id"), doc.number.label("number"),
                       doc.doc_date.label("doc_date"), doc.org_id.label("org_id"), doc.party_id.label("party_id"),
                       line.item_id.label("item_id"), line.quantity.label("quantity"), line.net.label("net"),
                       line.cost.label("cost"), s.label("sign"), line.line_no.label("line_no"))
                .join(doc, fk == doc.id).where(ops.in_force(doc)))
        for name in ("party_id", "org_id"):
            if args.get(name):
                stmt = stmt.where(getattr(doc, name) == args[name])
        if args.get("item_id"):
            stmt = stmt.where(line.item_id == args["item_id"])
        if args.get("since"):
            stmt = stmt.where(doc.doc_date >= args["since"])
        if args.get("until"):
            stmt = stmt.where(doc.doc_date <= args["until"])
        return stmt

    return union_all(part(SalesDelivery, SalesDeliveryLine, SalesDeliveryLine.delivery_id, 1, "sales_delivery"),
                     part(SalesReturn, SalesReturnLine, SalesReturnLine.return_id, -1, "sales_return")).subquery()


def _row(r) -> dict:
    # Money columns come back exact; signs applied in Python (SQL arithmetic on money would lose the
    # SQLite cents conversion).
    revenue, cost = r.net * r.sign, r.cost * r.sign
    return {"document_type": r.document_type, "document_id": r.document_id, "number": r.number, "doc_date": r.doc_date,
            "org_id": r.org_id, "party_id": r.party_id, "item_id": r.item_id, "quantity": r.quantity * r.sign,
            "revenue": revenue, "cost": cost, "profit": revenue - cost}


def profit(session: Session, args: dict) -> dict:
    sub = profit_query(args)
    page, size = args.get("page", 1), args.get("page_size", 50)
    rows = session.execute(select(sub).order_by(sub.c.doc_date, sub.c.number, sub.c.line_no)
                           .limit(size).offset((page - 1) * size)).all()
    count = session.execute(select(func.count()).select_from(sub)).scalar_one()
    sums = {}
    for sign in (1, -1):
        sums[sign] = session.execute(select(func.sum(sub.c.quantity), func.sum(sub.c.net), func.sum(sub.c.cost))
                                     .where(sub.c.sign == sign)).one()
    q, revenue, cost = ((sums[1][i] or Decimal(0)) - (sums[-1][i] or Decimal(0)) for i in range(3))
    t = {"quantity": q, "revenue": revenue, "cost": cost, "profit": revenue - cost}
    return {"items": [_row(r) for r in rows], "total": count, "page": page, "page_size": size, "capped": False, "totals": t}
