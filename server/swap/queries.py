"""Reading swap documents and the swap history (对换记录)."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ..basedata import models as bd
from ..repair.operations import _today
from .models import SwapDocument, SwapLine, SwapSerial

ZERO = Decimal("0")


def documents_query(doc_type: str, args: dict):
    """One type's posted documents, newest first (``q``: the whole number or a serial on a line)."""
    stmt = select(SwapDocument).where(SwapDocument.doc_type == doc_type)
    if args.get("party_id"):
        stmt = stmt.where(SwapDocument.party_id == args["party_id"])
    if args.get("manufacturer_id"):
        stmt = stmt.where(SwapDocument.manufacturer_id == args["manufacturer_id"])
    if args.get("q"):
        q = args["q"].strip()
        by_serial = (select(SwapLine.document_id).join(SwapSerial, SwapSerial.line_id == SwapLine.id)
                     .where(SwapSerial.serial == q))
        stmt = stmt.where(or_(SwapDocument.number == q.upper(), SwapDocument.id.in_(by_serial)))
    return stmt.order_by(SwapDocument.created_at.desc(), SwapDocument.id.desc())


def _names(session: Session, ids: set) -> dict:
    ids = {i for i in ids if i}
    if not ids:
        return {}
    return {r.id: r for r in session.execute(select(bd.Party.id, bd.Party.name, bd.Party.code).where(bd.Party.id.in_(ids)))}


def _items(session: Session, ids: set) -> dict:
    ids = {i for i in ids if i}
    if not ids:
        return {}
    return {r.id: r for r in session.execute(select(bd.Item.id, bd.Item.code, bd.Item.name).where(bd.Item.id.in_(ids)))}


def document_rows(session: Session, docs: list[SwapDocument]) -> list[dict]:
    parties = _names(session, {d.party_id for d in docs} | {d.manufacturer_id for d in docs})
    items = _items(session, {l.item_id for d in docs for l in d.lines})
    sends = {d.send_id for d in docs if d.send_id}
    send_numbers = dict(session.execute(select(SwapDocument.id, SwapDocument.number).where(SwapDocument.id.in_(sends)))
                        .all()) if sends else {}
    # Numbers of the intake documents the lines refer to (send, receive, return lines).
    ref_ids = {l.intake_line_id for d in docs for l in d.lines if l.intake_line_id}
    intake_numbers = dict(session.execute(
        select(SwapLine.id, SwapDocument.number).join(SwapDocument, SwapDocument.id == SwapLine.document_id)
        .where(SwapLine.id.in_(ref_ids))).all()) if ref_ids else {}
    out = []
    for d in docs:
        row = {c.key: getattr(d, c.key) for c in SwapDocument.__table__.columns}
        party, maker = parties.get(d.party_id), parties.get(d.manufacturer_id)
        row.update(party_name=party.name if party else "", manufacturer_name=maker.name if maker else "",
                   send_number=send_numbers.get(d.send_id), quantity=sum((l.quantity for l in d.lines), ZERO),
                   shortfall=sum((l.shortfall for l in d.lines), ZERO),
                   substitutions=sum(1 for l in d.lines if l.substitute), lines=[])
        for l in d.lines:
            item = items.get(l.item_id)
            line = {c.key: getattr(l, c.key) for c in SwapLine.__table__.columns}
            line.update(item_code=item.code if item else "", item_name=item.name if item else "",
                        intake_number=intake_numbers.get(l.intake_line_id))
            row["lines"].append(line)
        out.append(row)
    return out


def history(session: Session, args: dict) -> dict:
    """对换记录: one row per accessory intake line (per distributor, item and serial) with what was
    sent, received (substitutions counted), returned, what is still out at the factory and for how
    many days (since the earliest send of what is still out). ``out``: only lines with units at the
    factory. Paged on the intake lines, newest first."""
    today = _today(session)
    stmt = (select(SwapLine, SwapDocument).join(SwapDocument, SwapDocument.id == SwapLine.document_id)
            .where(SwapDocument.doc_type == "swap_intake", SwapDocument.status == "posted"))
    if args.get("party_id"):
        stmt = stmt.where(SwapDocument.party_id == args["party_id"])
    if args.get("item_id"):
        stmt = stmt.where(SwapLine.item_id == args["item_id"])
    if args.get("serial"):
        # The serial taken in, or one that went out or came back for the line.
        lines_with = (select(func.coalesce(SwapLine.intake_line_id, SwapLine.id))
                      .join(SwapSerial, SwapSerial.line_id == SwapLine.id).where(SwapSerial.serial == args["serial"].strip()))
        stmt = stmt.where(SwapLine.id.in_(lines_with))
    sent_docs = (select(SwapLine.intake_line_id.label("lid"), SwapLine.id.label("send_line"), SwapLine.quantity.label("q"),
                        SwapDocument.doc_date.label("day"))
                 .join(SwapDocument, SwapDocument.id == SwapLine.document_id)
                 .where(SwapDocument.doc_type == "swap_send", SwapDocument.status == "posted"))
    if args.get("out"):
        recv = (select(SwapLine.send_line_id, func.sum(SwapLine.quantity).label("q"))
                .join(SwapDocument, SwapDocument.id == SwapLine.document_id)
                .where(SwapDocument.doc_type == "swap_receive", SwapDocument.status == "posted")
                .group_by(SwapLine.send_line_id).subquery())
        sd = sent_docs.subquery()
        outstanding = (select(sd.c.lid).outerjoin(recv, recv.c.send_line_id == sd.c.send_line)
                       .where(sd.c.q > func.coalesce(recv.c.q, 0)))
        stmt = stmt.where(SwapLine.id.in_(outstanding))
    total = session.execute(select(func.count()).select_from(stmt.subquery())).scalar_one()
    page, size = args.get("page", 1), args.get("page_size", 50)
    rows = session.execute(stmt.order_by(SwapDocument.created_at.desc(), SwapLine.sort_order)
                           .offset((page - 1) * size).limit(size)).all()
    ids = [l.id for l, _d in rows]
    sends = session.execute(sent_docs.where(SwapLine.intake_line_id.in_(ids))).all() if ids else []
    send_ids = [s.send_line for s in sends]
    back = session.execute(
        select(SwapLine.send_line_id, SwapLine.quantity, SwapLine.substitute, SwapLine.shortfall, SwapLine.item_id)
        .join(SwapDocument, SwapDocument.id == SwapLine.document_id)
        .where(SwapDocument.doc_type == "swap_receive", SwapDocument.status == "posted", SwapLine.send_line_id.in_(send_ids))
    ).all() if send_ids else []
    returned = dict(session.execute(
        select(SwapLine.intake_line_id, func.sum(SwapLine.quantity)).join(SwapDocument, SwapDocument.id == SwapLine.document_id)
        .where(SwapDocument.doc_type == "swap_return", SwapDocument.status == "posted", SwapLine.intake_line_id.in_(ids))
        .group_by(SwapLine.intake_line_id)).all()) if ids else {}
    got: dict[uuid.UUID, Decimal] = {}
    subs: dict[uuid.UUID, int] = {}
    # What came back per send line and item: a return hands back the item custody holds (a substitute).
    came: dict[uuid.UUID, dict[uuid.UUID, Decimal]] = {}
    for b in back:
        if b.quantity:
            per = came.setdefault(b.send_line_id, {})
            per[b.item_id] = per.get(b.item_id, ZERO) + b.quantity
        got[b.send_line_id] = got.get(b.send_line_id, ZERO) + b.quantity
        subs[b.send_line_id] = subs.get(b.send_line_id, 0) + (1 if b.substitute and b.quantity else 0)
    parties = _names(session, {d.party_id for _l, d in rows})
    items = _items(session, {l.item_id for l, _d in rows} | {i for per in came.values() for i in per})
    out = []
    for line, doc in rows:
        mine = [s for s in sends if s.lid == line.id]
        sent = sum((s.q for s in mine), ZERO)
        received = sum((got.get(s.send_line, ZERO) for s in mine), ZERO)
        still = [s for s in mine if s.q > got.get(s.send_line, ZERO)]
        since: dt.date | None = min((s.day for s in still), default=None)
        party, item = parties.get(doc.party_id), items.get(line.item_id)
        back_qty = Decimal(returned.get(line.id) or 0)
        received_items: dict[uuid.UUID, Decimal] = {}
        for s in mine:
            for iid, q in came.get(s.send_line, {}).items():
                received_items[iid] = received_items.get(iid, ZERO) + q
        out.append({
            "intake_line_id": line.id, "intake_id": doc.id, "intake_number": doc.number, "doc_date": doc.doc_date,
            "party_id": doc.party_id, "party_name": party.name if party else "", "item_id": line.item_id,
            "item_code": item.code if item else "", "item_name": item.name if item else "", "serials": line.serials or [],
            "quantity": line.quantity, "condition": line.condition, "accessory_class": line.accessory_class,
            "verdict": line.verdict, "sent": sent, "received": received, "at_factory": sent - received,
            "substitutions": sum(subs.get(s.send_line, 0) for s in mine), "returned": back_qty,
            "at_point": line.quantity - sent + received - back_qty, "out_since": since,
            "received_items": [{"item_id": iid, "item_code": items[iid].code if iid in items else "",
                                "item_name": items[iid].name if iid in items else "", "quantity": q}
                               for iid, q in received_items.items()],
            "days_out": (today - since).days if since else None,
        })
    return {"items": out, "total": total, "page": page, "page_size": size}
