"""Reading repair orders: lists, one order with its history, and the IMEI timeline (spec §1.6).

Every ORM read is scoped by the session's principal: another point's orders are invisible
(the IMEI history of a device shows only the repairs the reader may see; the warranty card
and the stock serial moves of the reader's own organisation).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import aliased
from sqlalchemy.orm import Session

from ..auth.models import User
from ..auth.principal import get_principal
from ..basedata import models as bd
from ..basedata.queries import card_by_imei
from ..basedata.text import normalise_imei
from ..stock.models import StockLocation, StockMove, StockMoveSerial
from . import statemachine as sm
from .models import (RepairHandover, RepairLoaner, RepairOrder, RepairPackingLine, RepairPackingList, RepairPart,
                     RepairPayment, RepairQuotation, RepairTransition)
from ..basedata.operations import today_in
from .operations import bill_of, deposit_held, facts_of, repair_settings


# Before 已完成: the device has not gone back to its customer yet.
OPEN_STATES = (sm.PENDING_ACCEPTANCE, sm.PENDING_REPAIR, sm.PENDING_QC, sm.PENDING_PICKUP)


def _orders_filter(stmt, args: dict):
    """The list's filters; every one an equality or range on an indexed column (the search too:
    whole number, IMEI or phone), so a page stays an index scan at hundreds of thousands of orders."""
    if args.get("state"):
        stmt = stmt.where(RepairOrder.state == args["state"])
    if args.get("mode"):
        stmt = stmt.where(RepairOrder.mode == args["mode"])
    if args.get("org_id"):
        stmt = stmt.where(RepairOrder.org_id == args["org_id"])
    if args.get("since"):
        stmt = stmt.where(RepairOrder.doc_date >= args["since"])
    if args.get("until"):
        stmt = stmt.where(RepairOrder.doc_date <= args["until"])
    if args.get("imei"):
        stmt = stmt.where(RepairOrder.imei == normalise_imei(args["imei"]))
    if args.get("phone"):
        stmt = stmt.where(RepairOrder.customer_phone == args["phone"])
    if args.get("number"):
        stmt = stmt.where(RepairOrder.number == args["number"])
    if q := (args.get("q") or "").strip():
        # One box for what the counter reads off a ticket or a phone call: the whole number (in any
        # case), the IMEI (spaces and dashes dropped) or the phone.
        stmt = stmt.where(or_(RepairOrder.number == q.upper(), RepairOrder.imei == normalise_imei(q),
                              RepairOrder.customer_phone == q))
    if args.get("holder_id"):
        stmt = stmt.where(RepairOrder.current_holder_id == args["holder_id"])
    if args.get("batch_id"):
        stmt = stmt.where(RepairOrder.batch_id == args["batch_id"])
    if args.get("comebacks"):
        stmt = stmt.where(RepairOrder.comeback_of_id.is_not(None))
    return stmt


def orders_query(args: dict, stmt=None):
    """Repair orders, filtered and sorted (``sort``: a column, ``-`` for descending; default newest
    first). ``stmt`` chooses what is selected (the export reads plain rows)."""
    sort = args.get("sort") or "-created_at"
    col = getattr(RepairOrder, sort.lstrip("-"))
    first = col.desc() if sort.startswith("-") else col.asc()
    order = [first] if col is RepairOrder.created_at else [first, RepairOrder.created_at.desc()]
    return _orders_filter(select(RepairOrder) if stmt is None else stmt, args).order_by(*order, RepairOrder.id.desc())


def orders_page(session: Session, args: dict) -> dict:
    """One page of the list, its total, and what the whole filtered list holds: open orders and
    those past their promised date (one aggregate over the same filters)."""
    page, size = args.get("page", 1), args.get("page_size", 50)
    is_open = RepairOrder.state.in_(OPEN_STATES)
    today = today_in(repair_settings(session).timezone)
    one = lambda cond: func.coalesce(func.sum(case((cond, 1), else_=0)), 0)  # noqa: E731
    total, open_, overdue = session.execute(_orders_filter(
        select(func.count(), one(is_open), one(is_open & (RepairOrder.promised_date < today))).select_from(RepairOrder),
        args)).one()
    items = session.execute(orders_query(args).limit(size).offset((page - 1) * size)).scalars().all()
    return {"items": items, "total": total, "page": page, "page_size": size, "capped": False,
            "totals": {"open": int(open_), "overdue": int(overdue)}}


# The export's columns: (label, width). The list's columns plus what a manager sorts a sheet by.
EXPORT_COLUMNS = (
    ({"zh-CN": "单号", "en": "Number"}, 22), ({"zh-CN": "受理日期", "en": "Taken in"}, 11),
    ({"zh-CN": "网点", "en": "Point"}, 8), ({"zh-CN": "状态", "en": "State"}, 12), ({"zh-CN": "维修方式", "en": "Mode"}, 12),
    ({"zh-CN": "客户", "en": "Customer"}, 14), ({"zh-CN": "电话", "en": "Phone"}, 14), ({"zh-CN": "IMEI", "en": "IMEI"}, 17),
    ({"zh-CN": "型号", "en": "Model"}, 18), ({"zh-CN": "收费", "en": "Chargeable"}, 8),
    ({"zh-CN": "承诺日期", "en": "Promised"}, 11), ({"zh-CN": "取机时间", "en": "Picked up"}, 17),
    ({"zh-CN": "受理时间", "en": "Created"}, 17),
)


def export_header(lang: str) -> tuple[list[str], list[int]]:
    return [label[lang] for label, _ in EXPORT_COLUMNS], [w for _, w in EXPORT_COLUMNS]


def export_rows(session: Session, args: dict, lang: str):
    """The whole filtered list as sheet rows, in the list's order, read as plain rows in chunks
    (``yield_per``: a server-side cursor on PostgreSQL), so memory does not grow with the list.
    Times in the business time zone; states and modes in ``lang``."""
    from zoneinfo import ZoneInfo

    from ..org.models import Organisation

    tz = ZoneInfo(repair_settings(session).timezone)
    orgs = dict(session.execute(select(Organisation.id, Organisation.code)).all())
    states = {k: v[lang] for k, v in sm.STATE_LABELS.items()}
    modes = {k: v[lang] for k, v in sm.MODES.items()}
    yes, no = ("是", "否") if lang == "zh-CN" else ("yes", "no")
    model = bd.ProductModel
    stmt = orders_query(args, select(
        RepairOrder.number, RepairOrder.doc_date, RepairOrder.org_id, RepairOrder.state, RepairOrder.mode,
        RepairOrder.customer_name, RepairOrder.customer_phone, RepairOrder.imei, model.name, RepairOrder.chargeable,
        RepairOrder.promised_date, RepairOrder.picked_up_at, RepairOrder.created_at,
    ).select_from(RepairOrder).outerjoin(model, model.id == RepairOrder.model_id))
    local = lambda t: t.astimezone(tz) if t is not None else None  # noqa: E731
    for r in session.execute(stmt.execution_options(yield_per=2000)):
        yield [r[0], r[1], orgs.get(r[2], ""), states.get(r[3], r[3]), modes.get(r[4], r[4]), r[5], r[6], r[7], r[8],
               yes if r[9] else no, r[10], local(r[11]), local(r[12])]


def _usernames(session: Session, ids) -> dict:
    ids = {i for i in ids if i}
    if not ids:
        return {}
    # Unscoped: the people a visible order names (a forwarded device passes through two points)
    # are part of the order; only their usernames are read.
    return dict(session.execute(select(User.id, User.username).where(User.id.in_(ids))
                                .execution_options(unscoped=True)).all())


def order_detail(session: Session, order: RepairOrder) -> dict[str, Any]:
    """The order with its transitions, quotations, parts, payments, handovers, bill and the events
    the principal may fire now (what the PWA shows as buttons)."""
    transitions = list(session.execute(select(RepairTransition).where(RepairTransition.order_id == order.id)
                                       .order_by(RepairTransition.seq)).scalars())
    handovers = list(session.execute(select(RepairHandover).where(RepairHandover.order_id == order.id)
                                     .order_by(RepairHandover.seq)).scalars())
    quotations = list(session.execute(select(RepairQuotation).where(RepairQuotation.order_id == order.id)
                                      .order_by(RepairQuotation.created_at)).scalars())
    parts = list(session.execute(select(RepairPart).where(RepairPart.order_id == order.id)
                                 .order_by(RepairPart.created_at)).scalars())
    payments = list(session.execute(select(RepairPayment).where(RepairPayment.order_id == order.id)
                                    .order_by(RepairPayment.created_at, RepairPayment.id)).scalars())
    names = _usernames(session, [order.current_holder_id] + [h.from_user_id for h in handovers] + [h.to_user_id for h in handovers])
    facts = facts_of(session, order, full=True)
    p = get_principal(session)
    return {
        "order": order,
        "state_label": sm.STATE_LABELS[order.state],
        "has_passcode": order.passcode_cipher is not None,
        "current_holder": names.get(order.current_holder_id),
        "facts": facts.__dict__,
        "allowed_events": sm.allowed_events(order.state, facts, p.permissions),
        "transitions": transitions,
        "handovers": [{"seq": h.seq, "from_user": names.get(h.from_user_id), "to_user": names.get(h.to_user_id),
                       "to_user_id": h.to_user_id, "at": h.at, "place": h.place, "note": h.note} for h in handovers],
        "quotations": quotations,
        "parts": parts,
        "payments": payments,
        "deposit_held": deposit_held(session, order),
        "bill": bill_of(session, order),
        # Who did each step, by name, for the order's history (transitions, quotations made and decided).
        "people": _full_names(session, [t.user_id for t in transitions] + [q.created_by_id for q in quotations]
                              + [q.decided_by_id for q in quotations]),
    }


def _full_names(session: Session, ids) -> dict:
    ids = {i for i in ids if i is not None}
    if not ids:
        return {}
    rows = session.execute(select(User.id, User.full_name, User.username).where(User.id.in_(ids))
                           .execution_options(unscoped=True))
    return {str(i): full or username for i, full, username in rows}


def _entry(at: Any, kind: str, summary: str, **ref: Any) -> dict:
    if isinstance(at, dt.date) and not isinstance(at, dt.datetime):
        at = dt.datetime.combine(at, dt.time(), tzinfo=dt.timezone.utc)
    return {"at": at, "kind": kind, "summary": summary, **{k: (str(v) if v is not None else None) for k, v in ref.items()}}


def imei_history(session: Session, imei: str) -> dict[str, Any]:
    """One timeline per IMEI, oldest first: the warranty card (sale), every visible repair with
    its transitions, quotations, parts swapped, payments and handovers, and the stock moves of
    the serial (a loaner, an exchange unit, a device bought back)."""
    entries: list[dict] = []
    card = card_by_imei(session, imei)  # the sale, wherever the card was registered
    model = None
    if card is not None:
        model = session.get(bd.ProductModel, card.model_id)
        entries.append(_entry(card.sale_date, "warranty_card",
                              f"售出 sold {card.sale_date.isoformat()}, {card.period_months} 个月保修 months warranty",
                              warranty_card_id=card.id))
    orders = list(session.execute(select(RepairOrder).where(RepairOrder.imei == imei)
                                  .order_by(RepairOrder.created_at)).scalars())
    ids = [o.id for o in orders]
    by_id = {o.id: o for o in orders}
    if ids:
        for t in session.execute(select(RepairTransition).where(RepairTransition.order_id.in_(ids))).scalars():
            o = by_id[t.order_id]
            label = sm.STATE_LABELS.get(t.to_state, {"zh-CN": t.to_state, "en": t.to_state})
            text = f"{o.number} {t.event}: → {label['zh-CN']} {label['en']} ({t.username})"
            if t.event == "intake" and o.comeback_of_id:
                earlier = by_id.get(o.comeback_of_id)
                text += f"; 返修 comeback of {earlier.number if earlier else o.comeback_of_id}"
            if t.event == "convert_to_exchange":
                text += f"; 转换机 exchange {o.exchange_ref or ''} {o.exchange_reason}".rstrip()
            entries.append(_entry(t.at, f"repair.{t.event}", text, order_id=o.id, number=o.number))
        for q in session.execute(select(RepairQuotation).where(RepairQuotation.order_id.in_(ids))).scalars():
            entries.append(_entry(q.created_at, "repair.quotation", f"{by_id[q.order_id].number} 报价 quotation {q.total} ({q.status})",
                                  order_id=q.order_id, quotation_id=q.id))
        items = {}
        for part in session.execute(select(RepairPart).where(RepairPart.order_id.in_(ids))).scalars():
            item = items.get(part.item_id) or session.get(bd.Item, part.item_id)
            items[part.item_id] = item
            entries.append(_entry(part.created_at, "repair.part",
                                  f"{by_id[part.order_id].number} 换件 part swapped: {item.code} {item.name} ×{part.quantity}",
                                  order_id=part.order_id, item_id=part.item_id))
        for pay in session.execute(select(RepairPayment).where(RepairPayment.order_id.in_(ids),
                                                               RepairPayment.status == "posted")).scalars():
            entries.append(_entry(pay.posted_at, f"repair.{pay.kind}", f"{by_id[pay.order_id].number} {pay.number} {pay.amount}",
                                  order_id=pay.order_id, document_id=pay.id))
        handovers = list(session.execute(select(RepairHandover).where(RepairHandover.order_id.in_(ids))).scalars())
        names = _usernames(session, [h.from_user_id for h in handovers] + [h.to_user_id for h in handovers])
        for h in handovers:
            entries.append(_entry(h.at, "repair.handover",
                                  f"{by_id[h.order_id].number} 移交 handover {names.get(h.from_user_id, '?')} → {names.get(h.to_user_id, '?')}",
                                  order_id=h.order_id))
    _packing_and_loaner_entries(session, imei, by_id, entries)
    moves = session.execute(
        select(StockMove, StockMoveSerial.serial).join(StockMoveSerial, StockMoveSerial.move_id == StockMove.id)
        .where(StockMoveSerial.serial == imei).order_by(StockMove.posted_at)).all()
    if moves:
        loc_ids = {m.from_location_id for m, _ in moves} | {m.to_location_id for m, _ in moves}
        locs = {l.id: l.name for l in session.execute(select(StockLocation).where(StockLocation.id.in_(loc_ids))).scalars()}
        for m, _ in moves:
            entries.append(_entry(m.posted_at, "stock.move", f"{m.doc_type}: {locs.get(m.from_location_id, '?')} → {locs.get(m.to_location_id, '?')}",
                                  document_id=m.doc_id))
    # Exchanges (spec §2): the old unit names the new one and back.
    from ..exchange.queries import history_entries

    exchange_entries, exchanges = history_entries(session, imei, _entry)
    entries += exchange_entries
    if model is None and orders and orders[-1].model_id:
        model = session.get(bd.ProductModel, orders[-1].model_id)
    entries.sort(key=lambda e: (e["at"], e["kind"] != "repair.intake"))
    return {"imei": imei, "model_code": model.code if model else None, "model_name": model.name if model else None,
            "orders": [{"id": o.id, "number": o.number, "state": o.state, "mode": o.mode,
                        "comeback_of_id": o.comeback_of_id} for o in orders],
            "exchanges": exchanges, "entries": entries}


_LINE_TEXT = {"packed": "装箱 packed", "in_transit": "在途 in transit", "received": "已收 received",
              "missing": "缺失 missing", "unexpected": "多出 unexpected"}
_PURPOSE_TEXT = {"forward": "转送上级 to the higher-level point", "return": "送回 back to its own point",
                 "factory": "返厂 to the factory"}


def _packing_and_loaner_entries(session: Session, imei: str, orders: dict, entries: list[dict]) -> None:
    """The device's packing lists (each box it travelled in, and any it turned up in unexpected)
    and the loaners lent against its orders (a loaner unit's own IMEI shows its lendings too)."""
    rows = session.execute(select(RepairPackingLine, RepairPackingList).join(
        RepairPackingList, RepairPackingList.id == RepairPackingLine.list_id).where(RepairPackingLine.imei == imei)).all()
    for line, pl in rows:
        number = pl.number or "(draft)"
        if pl.posted_at is not None and line.state != "unexpected":
            entries.append(_entry(pl.posted_at, "repair.packing_sent",
                                  f"{number} {_PURPOSE_TEXT[pl.purpose]}: 发出 sent", document_id=pl.id,
                                  order_id=line.order_id))
        if line.received_at is not None or line.state in ("missing", "packed"):
            at = line.received_at or pl.closed_at or pl.created_at
            entries.append(_entry(at, f"repair.packing_{line.state}", f"{number} {_PURPOSE_TEXT[pl.purpose]}: "
                                  f"{_LINE_TEXT[line.state]}", document_id=pl.id, order_id=line.order_id))
    order_ids = list(orders)
    cond = RepairLoaner.serial == imei
    if order_ids:
        cond = cond | RepairLoaner.order_id.in_(order_ids)
    for loaner in session.execute(select(RepairLoaner).where(cond, RepairLoaner.status == "posted")).scalars():
        against = orders.get(loaner.order_id)
        ref = against.number if against else str(loaner.order_id)
        entries.append(_entry(loaner.posted_at, "repair.loaner_lent",
                              f"{loaner.number} 备机 loaner {loaner.serial} lent against {ref}, due {loaner.due_date}",
                              document_id=loaner.id, order_id=loaner.order_id))
        if loaner.returned_at is not None:
            entries.append(_entry(loaner.returned_at, "repair.loaner_returned",
                                  f"{loaner.number} 备机归还 loaner {loaner.serial} returned ({loaner.return_condition})",
                                  document_id=loaner.id, order_id=loaner.order_id))


def comebacks(session: Session, since: dt.date | None = None, until: dt.date | None = None,
              timezone: str = "Asia/Shanghai") -> dict[str, Any]:
    """Comebacks (返修) under the one rule (``server.repair.comebacks``): the repairs picked up in the
    period (days in the business time zone), counted against their engineer and fault codes; a
    repair that came back counts once, however often. ``items``: one per comeback order (the later
    order may be at any point: only its number, point and date are shown)."""
    from zoneinfo import ZoneInfo

    from ..org.models import Organisation
    from .comebacks import repairs_in

    tz = ZoneInfo(timezone)
    start = dt.datetime.combine(since, dt.time(), tzinfo=tz) if since else None
    end = dt.datetime.combine(until + dt.timedelta(days=1), dt.time(), tzinfo=tz) if until else None
    repairs = repairs_in(session, start, end)
    engineers = {e.id: e for e in session.execute(select(bd.Engineer).where(
        bd.Engineer.id.in_({r.order.engineer_id for r in repairs if r.order.engineer_id}))
        .execution_options(unscoped=True)).scalars()}
    orgs = dict(session.execute(select(Organisation.id, Organisation.code)).all())
    by_engineer: dict[Any, dict] = {}
    by_fault: dict[str, dict] = {}
    items = []
    for rep in repairs:
        r = rep.order
        eng = engineers.get(r.engineer_id)
        e = by_engineer.setdefault(r.engineer_id, {"engineer_id": r.engineer_id, "code": eng.code if eng else None,
                                                   "name": eng.name if eng else None, "repairs": 0, "comebacks": 0})
        e["repairs"] += 1
        e["comebacks"] += 1 if rep.came_back else 0
        codes = [(sym.get("code"), sym.get("name")) for sym in (r.symptoms or [])] or [(None, "(free text)")]
        for code, name in codes:
            f = by_fault.setdefault(code or "", {"code": code, "name": name, "repairs": 0, "comebacks": 0})
            f["repairs"] += 1
            f["comebacks"] += 1 if rep.came_back else 0
        for b in rep.comebacks:
            items.append({"order_id": r.id, "number": r.number, "imei": r.imei, "picked_up_at": r.picked_up_at,
                          "engineer_id": r.engineer_id, "engineer": eng.name if eng else None,
                          "fault_codes": [c for c, _ in codes if c], "comeback_number": b.number,
                          "comeback_org": orgs.get(b.org_id), "comeback_at": b.created_at})
    rate = lambda d: dict(d, rate=round(d["comebacks"] / d["repairs"], 4) if d["repairs"] else 0.0)  # noqa: E731
    return {"items": sorted(items, key=lambda i: i["comeback_at"]),
            "by_engineer": sorted((rate(d) for d in by_engineer.values()), key=lambda d: (-d["comebacks"], d["code"] or "")),
            "by_fault": sorted((rate(d) for d in by_fault.values()), key=lambda d: (-d["comebacks"], d["code"] or ""))}


__all__ = ["OPEN_STATES", "orders_query", "orders_page", "export_header", "export_rows", "order_detail", "imei_history", "comebacks"]
