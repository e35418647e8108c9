"""Packing lists (维修装箱单, spec §1.9): devices shipped together to the higher-level point
(mode B), back from it to their own point, or to the factory (mode C), and checked in one by one.

A customer's device is not our stock (see docs/repair.md, "Packing lists"): where it is
lives on the order (``forwarded_out``, ``custody_org_id``) and on its packing line (``packed`` →
``in_transit`` → ``received`` / ``missing``), and every move is the state machine's own event
(``forward``, ``forward_receive``, ``send_back``, ``forward_return``), so a device on a list and a
device sent with the bare event follow the same rules. Every receipt is a signed handover to the
receiver.

Exchange units (换机装箱单, docs/exchange.md) travel on factory lists too, mixed with repair devices:
their line names the exchange order (``exchange_order_id``) and every move is the exchange machine's
own event — ``dispatch`` when the list is sent (defective or the customer's unit → in transit, in
the stock ledger), ``receive_replacement`` when the manufacturer's unit is scanned in against the
old one (in transit → the manufacturer → the point's good stock, the receivable settled) — so a unit
on a list and a unit sent with the bare event follow the same rules and ledgers.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..auth.principal import get_principal
from ..basedata import models as bd
from ..basedata.text import imei_problem, normalise_imei
from ..core import operations as core
from ..db import utcnow
from ..errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound, TransitionRefused
from ..ids import uuid7
from ..org.models import Organisation
from ..org.scoping import may_see
from . import statemachine as sm
from .models import PACKING_PURPOSES, RepairOrder, RepairPackingLine, RepairPackingList
from .operations import _service_point, _text, _today, _uuid, facts_of, fire, get_order, hand_over


def _exchange():
    # Exchange imports repair's operations: imported when used, not at module load.
    from ..exchange import operations as xops
    from ..exchange import statemachine as xsm
    from ..exchange.models import ExchangeOrder

    return xops, xsm, ExchangeOrder

OPEN_LINE_STATES = ("packed", "in_transit")
# The machine's event that sends a device of a list of this purpose, and the one that receives it.
SEND_EVENT = {"forward": "forward", "factory": "forward", "return": "send_back"}
RECEIVE_EVENT = {"forward": "forward_receive", "factory": "forward_return", "return": "forward_return"}


def on_line(exc: DomainError, field: str, label: str) -> DomainError:
    """The same refusal (same class and code), named after the line it concerns (e.g. ``lines.2``);
    the reason keeps the field the operation named."""
    new = type(exc).__new__(type(exc))
    reasons = [f"{name}: {m}" for name, msgs in exc.errors.items() for m in msgs] or [exc.message]
    DomainError.__init__(new, f"{label}: {exc.message}", {field: reasons}, **exc.extra)
    return new


def get_packing_list(session: Session, list_id: Any) -> RepairPackingList:
    lid = _uuid(list_id, "list_id")
    pl = session.get(RepairPackingList, lid) if lid else None
    if pl is None or not may_see(get_principal(session), pl):
        raise NotFound("no such packing list")
    return pl


def create_packing_list(session: Session, data: dict, *, list_id: uuid.UUID | None = None) -> RepairPackingList:
    """A new packing list (draft) at the acting service point, optionally with its devices
    (``order_ids``). ``purpose``: ``forward`` (to the higher-level point), ``return`` (forwarded
    devices back to ``destination_org_id``, a lower-level point), ``factory`` (to
    ``manufacturer_id``; it may also carry exchange units, ``exchange_order_ids``).
    Writes: repair_packing_list(_line), audit_log."""
    org = _service_point(session)
    purpose = data.get("purpose")
    if purpose not in PACKING_PURPOSES:
        raise InvalidInput("purpose", "forward, return or factory")
    dest_id = _uuid(data.get("destination_org_id"), "destination_org_id")
    maker_id = _uuid(data.get("manufacturer_id"), "manufacturer_id")
    if purpose == "forward":
        if org.parent_id is None:
            raise InvalidInput("purpose", "this service point has no higher-level point to forward to")
        if dest_id not in (None, org.parent_id):
            raise InvalidInput("destination_org_id", "devices are forwarded to the own higher-level point only")
        dest_id, maker_id = org.parent_id, None
    elif purpose == "return":
        dest = session.get(Organisation, dest_id) if dest_id else None
        if dest is None or dest.parent_id != org.id:
            raise InvalidInput("destination_org_id", "a service point that forwards its repairs to this one")
        maker_id = None
    else:
        maker = session.get(bd.Party, maker_id) if maker_id else None
        if maker is None or not maker.active or "manufacturer" not in maker.roles:
            raise InvalidInput("manufacturer_id", "no such active manufacturer")
        dest_id = None
    pl = RepairPackingList(id=list_id or uuid7(), org_id=org.id, shared_org_id=dest_id, purpose=purpose,
                           destination_org_id=dest_id, manufacturer_id=maker_id, doc_date=_today(session),
                           carrier=_text(data, "carrier", 80), tracking_no=_text(data, "tracking_no", 80),
                           note=_text(data, "note", 500))
    core.create_document(session, pl)
    for i, oid in enumerate(data.get("order_ids") or []):
        add_to_packing_list(session, pl, order_id=oid, field=f"order_ids.{i}")
    for i, oid in enumerate(data.get("exchange_order_ids") or []):
        add_to_packing_list(session, pl, exchange_order_id=oid, field=f"exchange_order_ids.{i}")
    return pl


def _open_order_by_imei(session: Session, imei: str) -> RepairOrder | None:
    return session.execute(select(RepairOrder).where(
        RepairOrder.imei == imei, RepairOrder.state.in_((sm.PENDING_REPAIR, sm.PENDING_QC, sm.PENDING_PICKUP)))
        .order_by(RepairOrder.created_at.desc()).limit(1)).scalar_one_or_none()


def _open_exchange_by_imei(session: Session, imei: str):
    xops, xsm, ExchangeOrder = _exchange()
    return session.execute(select(ExchangeOrder).where(
        ExchangeOrder.imei == imei, ExchangeOrder.state.in_((xsm.PENDING_EXCHANGE, xsm.PENDING_DISPATCH)))
        .order_by(ExchangeOrder.created_at.desc()).limit(1)).scalar_one_or_none()


def add_to_packing_list(session: Session, pl: RepairPackingList, *, order_id: Any = None, imei: Any = None,
                        exchange_order_id: Any = None, field: str = "order_id") -> RepairPackingLine:
    """Pack one device (by its repair order, its exchange order, or by scanning its IMEI: an open
    repair order's device first, else an exchange unit waiting to go to the factory). The machine
    is asked now whether the device may be sent, so the clerk learns it at the box, not when the
    courier waits. Writes: repair_packing_line, repair_packing_list, audit_log."""
    if pl.status != "draft":
        raise TransitionRefused("the list has been sent: devices are packed while it is a draft", {"status": [pl.status]})
    p = get_principal(session)
    if not p.may_write_org(pl.org_id):
        raise Forbidden("only the sending service point packs the box", {"org_id": ["not the sending point"]})
    if exchange_order_id is not None:
        xops, _xsm, _model = _exchange()
        try:
            return _pack_exchange(session, pl, xops.get_order(session, exchange_order_id), field)
        except (InvalidInput, NotFound) as exc:
            if exc.errors and field in exc.errors:
                raise
            raise InvalidInput(field, "no such exchange order") from None
    if order_id is None and imei is not None:
        imei = normalise_imei(imei) if isinstance(imei, str) else imei
        if not isinstance(imei, str) or imei_problem(imei):
            raise InvalidInput(field, imei_problem(imei) if isinstance(imei, str) else "must be an IMEI")
        order = _open_order_by_imei(session, imei)
        if order is None:
            exchange = _open_exchange_by_imei(session, imei)
            if exchange is not None and may_see(p, exchange):
                return _pack_exchange(session, pl, exchange, field)
            raise InvalidInput(field, f"no open repair or exchange order for IMEI {imei}")
    else:
        try:
            order = get_order(session, order_id)
        except (InvalidInput, NotFound):
            raise InvalidInput(field, "no such repair order") from None
    for line in pl.lines:
        if line.order_id == order.id:
            raise InvalidInput(field, f"{order.number} is already on this list as line {line.seq}")
    busy = session.execute(select(RepairPackingList.number, RepairPackingList.id).join(
        RepairPackingLine, RepairPackingLine.list_id == RepairPackingList.id).where(
        RepairPackingLine.order_id == order.id, RepairPackingLine.state.in_(OPEN_LINE_STATES),
        RepairPackingList.closed_at.is_(None), RepairPackingList.id != pl.id)).first()
    if busy is not None:
        raise InvalidInput(field, f"{order.number} is already packed on {busy.number or 'another draft list'}")
    if pl.purpose == "return":
        if order.org_id != pl.destination_org_id:
            raise InvalidInput(field, f"{order.number} was not forwarded from the list's destination")
    elif order.org_id != pl.org_id:
        raise InvalidInput(field, f"{order.number} belongs to another service point")
    event = SEND_EVENT[pl.purpose]
    try:
        sm.check(order.state, event, facts_of(session, order), p.permissions)
    except TransitionRefused as exc:
        raise on_line(exc, field, order.number or str(order.id)) from None
    pl.line_count += 1
    line = RepairPackingLine(seq=pl.line_count, order_id=order.id, imei=order.imei, state="packed")
    pl.lines.append(line)
    session.flush()
    core.record_audit(session, "repair_packing_list.pack", pl, after={"seq": line.seq, "order": order.number})
    return line


def _pack_exchange(session: Session, pl: RepairPackingList, order, field: str) -> RepairPackingLine:
    """An exchange unit into a factory box, if the exchange machine would send it now (``dispatch``)
    and it goes to the list's manufacturer."""
    xops, xsm, _model = _exchange()
    label = order.number or str(order.id)
    if pl.purpose != "factory":
        raise InvalidInput(field, f"{label}: an exchange unit goes to the manufacturer, on a factory list")
    if order.org_id != pl.org_id:
        raise InvalidInput(field, f"{label} belongs to another service point")
    if order.manufacturer_id is not None and order.manufacturer_id != pl.manufacturer_id:
        raise InvalidInput(field, f"{label} is replaced by another manufacturer")
    for line in pl.lines:
        if line.exchange_order_id == order.id:
            raise InvalidInput(field, f"{label} is already on this list as line {line.seq}")
    busy = session.execute(select(RepairPackingList.number).join(
        RepairPackingLine, RepairPackingLine.list_id == RepairPackingList.id).where(
        RepairPackingLine.exchange_order_id == order.id, RepairPackingLine.state.in_(OPEN_LINE_STATES),
        RepairPackingList.closed_at.is_(None), RepairPackingList.id != pl.id)).first()
    if busy is not None:
        raise InvalidInput(field, f"{label} is already packed on {busy.number or 'another draft list'}")
    try:
        xsm.check(order.state, "dispatch", xops.facts_of(order), get_principal(session).permissions)
    except TransitionRefused as exc:
        raise on_line(exc, field, label) from None
    pl.line_count += 1
    line = RepairPackingLine(seq=pl.line_count, exchange_order_id=order.id, imei=order.imei, state="packed")
    pl.lines.append(line)
    session.flush()
    core.record_audit(session, "repair_packing_list.pack", pl, after={"seq": line.seq, "exchange_order": order.number})
    return line


def remove_from_packing_list(session: Session, pl: RepairPackingList, order_id: uuid.UUID) -> None:
    """Take a device (its repair or exchange order) out of a box not yet sent. Writes:
    repair_packing_line, audit_log."""
    if pl.status != "draft":
        raise TransitionRefused("the list has been sent", {"status": [pl.status]})
    line = next((l for l in pl.lines if order_id in (l.order_id, l.exchange_order_id)), None)
    if line is None:
        raise NotFound("this order is not on the list")
    pl.lines.remove(line)
    session.flush()
    core.record_audit(session, "repair_packing_list.unpack", pl, before={"seq": line.seq, "imei": line.imei})


def send_packing_list(session: Session, pl: RepairPackingList, *, event_id: str | None = None) -> RepairPackingList:
    """发出: number the list (posted) and move every device with the machine's event (``forward``
    mode B/C, or ``send_back``): its device is in transit from now on. A device the machine
    refuses stops the whole list, naming its line. Writes: repair_packing_list(_line),
    document_counter, repair_order, repair_transition, audit_log."""
    if pl.status != "draft":
        raise TransitionRefused("the list has been sent already", {"status": [pl.status]})
    if not pl.lines:
        raise InvalidInput("lines", "pack at least one device")
    core.post_document(session, pl)
    for i, line in enumerate(pl.lines):
        if line.exchange_order_id is not None:
            _send_exchange(session, pl, line, i, event_id)
            continue
        order = session.get(RepairOrder, line.order_id)
        data = {"note": f"装箱单 packing list {pl.number}"}
        if pl.purpose != "return":
            data["mode"] = "B" if pl.purpose == "forward" else "C"
        try:
            fire(session, order, SEND_EVENT[pl.purpose], data,
                 event_id=f"{event_id}:{line.seq}" if event_id else None)
        except DomainError as exc:
            raise on_line(exc, f"lines.{i}", f"line {line.seq} {order.number}") from None
        line.state = "in_transit"
    session.flush()
    return pl


def _send_exchange(session: Session, pl: RepairPackingList, line: RepairPackingLine, i: int, event_id: str | None) -> None:
    """The exchange machine's ``dispatch``: the unit into the point's in-transit warehouse, carried
    by the list's courier to the list's manufacturer."""
    xops, _xsm, ExchangeOrder = _exchange()
    order = session.get(ExchangeOrder, line.exchange_order_id)
    data = {"carrier": pl.carrier, "tracking_no": pl.tracking_no, "note": f"装箱单 packing list {pl.number}"}
    if order.manufacturer_id is None:
        data["manufacturer_id"] = str(pl.manufacturer_id)
    try:
        xops.fire(session, order, "dispatch", data, event_id=f"{event_id}:{line.seq}" if event_id else None)
    except DomainError as exc:
        raise on_line(exc, f"lines.{i}", f"line {line.seq} {order.number}") from None
    line.state = "in_transit"


def _receiver_org(pl: RepairPackingList) -> uuid.UUID:
    return pl.destination_org_id if pl.purpose in ("forward", "return") else pl.org_id


def _check_receiver(session: Session, pl: RepairPackingList) -> None:
    if pl.status != "posted":
        raise TransitionRefused("the list has not been sent", {"status": [pl.status]})
    if pl.closed_at is not None:
        raise TransitionRefused("the list is closed", {"status": ["closed"]})
    if get_principal(session).org_id != _receiver_org(pl):
        raise Forbidden("the box is checked in where it arrives", {"org_id": ["not the receiving point"]})


def receive_packing_item(session: Session, pl: RepairPackingList, imei: Any, signature: Any, *, note: str = "",
                         replaces_imei: Any = None, event_id: str | None = None) -> RepairPackingLine:
    """Check in one device of the box (scan its IMEI). On the list: the machine's receiving event
    moves the order, and the receiver signs a handover for the device. Not on the list: recorded
    as ``unexpected`` (the device is flagged, nothing else changes). A second scan is refused.
    An exchange unit comes back as the manufacturer's replacement: scan it (``imei``) naming the
    old unit it replaces (``replaces_imei``); the exchange machine's ``receive_replacement`` takes it
    into good stock. Writes: repair_packing_line, repair_order, repair_transition, repair_handover,
    exchange_order, exchange_step, stock and money ledgers, audit_log."""
    _check_receiver(session, pl)
    imei = normalise_imei(imei) if isinstance(imei, str) else imei
    if not isinstance(imei, str) or imei_problem(imei):
        raise InvalidInput("imei", imei_problem(imei) if isinstance(imei, str) else "must be an IMEI")
    p = get_principal(session)
    note = (note or "").strip()[:300]
    if replaces_imei not in (None, ""):
        return _receive_exchange(session, pl, imei, replaces_imei, note, event_id)
    if any(l.imei == imei and l.exchange_order_id for l in pl.lines):
        raise InvalidInput("imei", "this is the customer's old unit: scan the manufacturer's replacement and name "
                                   "the unit it replaces (replaces_imei)")
    line = next((l for l in pl.lines if l.imei == imei and l.order_id is not None), None)
    if line is None:
        again = next((l for l in pl.lines if l.imei == imei), None)
        if again is not None:
            raise Conflict(f"{imei} was already scanned as unexpected (line {again.seq})", {"imei": ["already scanned"]})
        pl.line_count += 1
        line = RepairPackingLine(seq=pl.line_count, imei=imei, state="unexpected", received_at=utcnow(),
                                 received_by_id=p.user_id, note=note)
        pl.lines.append(line)
        session.flush()
        core.record_audit(session, "repair_packing_list.unexpected", pl, org_id=p.org_id, after={"imei": imei})
        return line
    if line.state != "in_transit":
        raise Conflict(f"{imei} was already checked in (line {line.seq})", {"imei": [f"line {line.seq}: {line.state}"]})
    order = session.get(RepairOrder, line.order_id)
    fire(session, order, RECEIVE_EVENT[pl.purpose], {"note": f"装箱单 packing list {pl.number}"}, event_id=event_id)
    if order.current_holder_id != p.user_id:
        hand_over(session, order, p.user_id, signature, place=f"{pl.number}", note=note)
    line.state, line.received_at, line.received_by_id, line.note = "received", utcnow(), p.user_id, note
    session.flush()
    return line


def _receive_exchange(session: Session, pl: RepairPackingList, imei: str, replaces: Any, note: str,
                      event_id: str | None) -> RepairPackingLine:
    xops, _xsm, ExchangeOrder = _exchange()
    replaces = normalise_imei(replaces) if isinstance(replaces, str) else replaces
    line = next((l for l in pl.lines if l.exchange_order_id and l.imei == replaces), None)
    if line is None:
        raise InvalidInput("replaces_imei", "no exchange unit with this IMEI on the list")
    if line.state != "in_transit":
        raise Conflict(f"{replaces} was already checked in (line {line.seq})",
                       {"replaces_imei": [f"line {line.seq}: {line.state}"]})
    order = session.get(ExchangeOrder, line.exchange_order_id)
    try:
        xops.fire(session, order, "receive_replacement",
                  {"replacement_imei": imei, "note": note or f"装箱单 packing list {pl.number}"}, event_id=event_id)
    except DomainError as exc:
        raise on_line(exc, "imei", f"line {line.seq} {order.number}") from None
    p = get_principal(session)
    line.state, line.replacement_imei = "received", imei
    line.received_at, line.received_by_id, line.note = utcnow(), p.user_id, note
    session.flush()
    return line


def close_packing_list(session: Session, pl: RepairPackingList) -> RepairPackingList:
    """Close the check-in: devices never scanned are flagged ``missing`` (their orders stay away
    until found and received with the machine's event). Writes: repair_packing_list(_line), audit_log."""
    _check_receiver(session, pl)
    p = get_principal(session)
    missing = []
    for line in pl.lines:
        if line.state == "in_transit":
            line.state = "missing"
            missing.append(line.imei)
    pl.closed_at, pl.closed_by_id = utcnow(), p.user_id
    session.flush()
    core.record_audit(session, "repair_packing_list.close", pl, org_id=p.org_id, after={"missing": missing})
    return pl


def packing_detail(session: Session, pl: RepairPackingList) -> dict:
    numbers = {}
    ids = [l.order_id for l in pl.lines if l.order_id]
    if ids:
        numbers = dict(session.execute(select(RepairOrder.id, RepairOrder.number).where(RepairOrder.id.in_(ids))).all())
    xids = [l.exchange_order_id for l in pl.lines if l.exchange_order_id]
    if xids:
        _xops, _xsm, ExchangeOrder = _exchange()
        numbers.update(session.execute(select(ExchangeOrder.id, ExchangeOrder.number)
                                       .where(ExchangeOrder.id.in_(xids))).all())
    counts = {s: 0 for s in ("packed", "in_transit", "received", "missing", "unexpected")}
    for line in pl.lines:
        counts[line.state] += 1
    return {"packing_list": pl, "stage": "closed" if pl.closed_at else ("sent" if pl.status == "posted" else "packing"),
            "counts": counts,
            "lines": [{"seq": l.seq, "kind": "exchange" if l.exchange_order_id else "repair", "order_id": l.order_id,
                       "exchange_order_id": l.exchange_order_id,
                       "order_number": numbers.get(l.order_id or l.exchange_order_id), "imei": l.imei,
                       "replacement_imei": l.replacement_imei, "state": l.state, "received_at": l.received_at,
                       "note": l.note} for l in pl.lines]}


def packing_lists_query(args: dict):
    stmt = select(RepairPackingList)
    if args.get("purpose"):
        stmt = stmt.where(RepairPackingList.purpose == args["purpose"])
    if args.get("open"):
        stmt = stmt.where(RepairPackingList.closed_at.is_(None))
    return stmt.order_by(RepairPackingList.created_at.desc(), RepairPackingList.id.desc())


def in_transit(session: Session) -> list[dict]:
    """Devices on the road or at the factory that the reader's point sent or awaits: for mode B
    the two points, for mode C the factory, and the packing list they travel on."""
    orders = list(session.execute(select(RepairOrder).where(RepairOrder.forwarded_out.is_(True))
                                  .order_by(RepairOrder.created_at)).scalars())
    if not orders:
        return []
    lists = {r.order_id: r for r in session.execute(
        select(RepairPackingLine.order_id, RepairPackingList.id, RepairPackingList.number, RepairPackingList.purpose,
               RepairPackingList.org_id, RepairPackingList.destination_org_id, RepairPackingList.manufacturer_id)
        .join(RepairPackingList, RepairPackingList.id == RepairPackingLine.list_id)
        .where(RepairPackingLine.order_id.in_([o.id for o in orders]), RepairPackingLine.state == "in_transit"))}
    orgs = dict(session.execute(select(Organisation.id, Organisation.code)).all())
    out = []
    for o in orders:
        row = lists.get(o.id)
        if o.custody_org_id is not None:
            frm, to = orgs.get(o.org_id), orgs.get(o.custody_org_id)
        elif o.mode == "B":
            frm, to = orgs.get(row.org_id) if row else None, orgs.get(o.org_id)
        else:
            frm, to = orgs.get(o.org_id), "factory"
        out.append({"order_id": o.id, "number": o.number, "imei": o.imei, "mode": o.mode, "state": o.state,
                    "from": frm, "to": to, "packing_list_id": row.id if row else None,
                    "packing_list": row.number if row else None})
    return out
