"""Transfers between organisations (spec §8): requests, transfer orders, in transit, receiving.

Operations flush and never commit; the entry point commits once. Stock moves only through
``stock.ledger.post_moves``, money only through ``finance.operations.post_counterparty_entries``.
How in-transit stock is owned and valued: docs/transfer.md.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import uuid
from contextlib import contextmanager
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..auth.principal import get_principal, set_principal
from ..basedata.models import Item, Party, Warehouse
from ..basedata.operations import today_in
from ..core import operations as core
from ..core.operations import next_document_number, record_audit
from ..db import utcnow
from ..errors import DomainError, Forbidden, InvalidInput, NotFound
from ..finance.operations import post_counterparty_entries
from ..finance.rules import Counterparty, CounterpartyLine, Source
from ..org.models import Organisation
from ..stock.ledger import MoveSpec, location_for, moves_of, post_moves, reversal_specs, serial_rule
from ..stock.models import Shortage, StockLocation
from ..core.machine import acting_permissions
from . import machine
from .models import REQUEST_PREFIX, TransferOrder, TransferOrderLine, TransferReceipt, TransferReceiptLine, TransferRequest, TransferRequestLine

ZERO = Decimal("0")
CENT = Decimal("0.01")
LOSS_RULES = ("sender", "courier")
DAMAGE_TO = ("defective", "back")
OPEN_REQUEST_STATES = ("draft", "submitted")


def _money(v: Decimal) -> Decimal:
    return v.quantize(CENT, rounding=ROUND_HALF_UP)


def _today(session: Session) -> dt.date:
    """Today in the business time zone (document dates count in it)."""
    settings = session.info.get("aftercare.settings")
    return today_in(settings.timezone if settings is not None else "Asia/Shanghai")


# -- lookups -------------------------------------------------------------------

def _warehouse(session: Session, wid, field: str, *, org_id: uuid.UUID | None = None, kinds=("good",),
               visible: bool = True) -> Warehouse:
    """A warehouse by id: seen by the acting user (``visible``) or anyone's (the other side of a transfer)."""
    stmt = select(Warehouse).where(Warehouse.id == wid)
    if not visible:
        stmt = stmt.execution_options(unscoped=True)
    wh = session.execute(stmt).scalar_one_or_none() if wid else None
    if wh is None:
        raise InvalidInput(field, "no such warehouse")
    if org_id is not None and wh.org_id != org_id:
        raise InvalidInput(field, "the warehouse belongs to another organisation")
    if kinds and wh.kind not in kinds:
        raise InvalidInput(field, f"must be a {' or '.join(kinds)} warehouse")
    if not wh.active:
        raise InvalidInput(field, "the warehouse is inactive")
    return wh


def _item(session: Session, item_id, field: str) -> Item:
    item = session.get(Item, item_id) if item_id else None
    if item is None:
        raise InvalidInput(field, "no such item")
    return item


def _items_by_id(session: Session, ids) -> dict:
    """Items by id, in one query (a 500-line order asks once, not 500 times)."""
    wanted = {i for i in ids if isinstance(i, uuid.UUID)}
    if not wanted:
        return {}
    return {i.id: i for i in session.execute(select(Item).where(Item.id.in_(wanted))).scalars()}


def _quantity(value, field: str) -> Decimal:
    if value is None or not isinstance(value, Decimal) or not value.is_finite() or value <= 0:
        raise InvalidInput(field, "must be positive")
    return value


def _headquarters(session: Session) -> Organisation:
    hq = session.execute(select(Organisation).where(Organisation.kind == "hq").order_by(Organisation.code)).scalars().first()
    if hq is None:
        raise InvalidInput("org_id", "no headquarters to ask")
    return hq


def transit_location(session: Session, sender_org_id: uuid.UUID, receiver_org_id: uuid.UUID) -> StockLocation:
    """In transit from ``sender`` to ``receiver``: one location of the sender's own stock per receiver."""
    receiver = session.get(Organisation, receiver_org_id)
    return location_for(session, sender_org_id, "transit", ref=receiver_org_id,
                        name=f"在途 → {receiver.code if receiver else receiver_org_id}")


@contextmanager
def _books_of(session: Session, org_id: uuid.UUID):
    """Post to ``org_id``'s books as the acting user. A transfer order is shared by its two
    organisations (``OrgShared``); receiving it settles the sender's side (its write-offs, its claim
    on the courier, its receivable on the receiver) by the rule the two agreed, so the receiver's
    user writes those rows, audited under its own name."""
    p = get_principal(session)
    if p.may_write_org(org_id):
        yield
        return
    set_principal(session, dataclasses.replace(p, org_id=org_id))
    try:
        yield
    finally:
        set_principal(session, p)


# -- requests ------------------------------------------------------------------

def get_request(session: Session, request_id) -> TransferRequest:
    req = session.get(TransferRequest, request_id)
    if req is None:
        raise NotFound("no such transfer request")
    return req


def _check_request_event(session: Session, req: TransferRequest, event: str) -> str:
    return machine.check_request(req.state, event, acting_permissions(get_principal(session)))


def _request_lines(session: Session, req: TransferRequest, data: dict) -> list[TransferRequestLine]:
    lines: list[TransferRequestLine] = []
    for i, line in enumerate(data.get("lines") or []):
        item = _item(session, line.get("item_id"), f"lines.{i}.item_id")
        lines.append(TransferRequestLine(item_id=item.id, quantity=_quantity(line.get("quantity"), f"lines.{i}.quantity"),
                                         note=line.get("note") or ""))
    picked = set()
    for i, sid in enumerate(data.get("shortage_ids") or []):
        field = f"shortage_ids.{i}"
        row = session.get(Shortage, sid)
        if row is None or row.org_id != req.org_id:
            raise InvalidInput(field, "no such shortage at this point")
        if row.status != "waiting" or sid in picked:
            raise InvalidInput(field, f"the shortage is {row.status if row.status != 'waiting' else 'picked twice'}")
        taken = session.execute(
            select(TransferRequest.number).join(TransferRequestLine, TransferRequestLine.request_id == TransferRequest.id)
            .where(TransferRequestLine.shortage_id == sid, TransferRequest.state.in_(OPEN_REQUEST_STATES),
                   TransferRequest.id != req.id)).first()
        if taken is not None:
            raise InvalidInput(field, "the shortage is on another open request")
        picked.add(sid)
        lines.append(TransferRequestLine(item_id=row.item_id, quantity=row.quantity, shortage_id=row.id,
                                         note=(row.reference or "")[:200]))
    if not lines:
        raise InvalidInput("lines", "a request needs at least one line")
    for n, line in enumerate(lines):
        line.sort_order = n
    return lines


def create_request(session: Session, data: dict) -> TransferRequest:
    """A draft request of the acting user's point, by hand (``lines``) or from its shortage
    register (``shortage_ids``). Writes: transfer_request(+lines), audit_log."""
    p = get_principal(session)
    org_id = data.get("org_id") or p.org_id
    if not p.may_write_org(org_id):
        raise Forbidden("you may request for your own organisation only", {"org_id": ["not your organisation"]})
    hq = _headquarters(session)
    if org_id == hq.id:
        raise InvalidInput("org_id", "headquarters does not request from itself")
    wh = _warehouse(session, data.get("warehouse_id"), "warehouse_id", org_id=org_id)
    req = TransferRequest(org_id=org_id, shared_org_id=hq.id, warehouse_id=wh.id, doc_date=data.get("doc_date") or _today(session),
                          note=data.get("note") or "", created_by_id=p.user_id, state="draft")
    core.check_doc_date(session, req.doc_date)
    req.lines = _request_lines(session, req, data)
    session.add(req)
    session.flush()
    record_audit(session, "transfer_request.create", req, after=_request_snapshot(req))
    return req


def update_request(session: Session, req: TransferRequest, data: dict) -> TransferRequest:
    _check_request_event(session, req, "edit")
    before = _request_snapshot(req)
    if "warehouse_id" in data:
        req.warehouse_id = _warehouse(session, data["warehouse_id"], "warehouse_id", org_id=req.org_id).id
    if "note" in data:
        req.note = data["note"] or ""
    if "doc_date" in data and data["doc_date"]:
        core.check_doc_date(session, data["doc_date"])
        req.doc_date = data["doc_date"]
    if "lines" in data or "shortage_ids" in data:
        req.lines = _request_lines(session, req, data)
    session.flush()
    record_audit(session, "transfer_request.edit", req, before=before, after=_request_snapshot(req))
    return req


def delete_request(session: Session, req: TransferRequest) -> None:
    _check_request_event(session, req, "edit")
    record_audit(session, "transfer_request.delete", req, before=_request_snapshot(req))
    session.delete(req)
    session.flush()


def submit_request(session: Session, req: TransferRequest) -> TransferRequest:
    """draft → submitted: numbered (SQ) and waiting for headquarters."""
    req.state = _check_request_event(session, req, "submit")
    req.number = next_document_number(session, "transfer_request", REQUEST_PREFIX, session.get(Organisation, req.org_id),
                                      req.doc_date)
    req.submitted_at = utcnow()
    session.flush()
    record_audit(session, "transfer_request.submit", req, before={"state": "draft"}, after={"state": req.state, "number": req.number})
    return req


def _decide(session: Session, req: TransferRequest, event: str, note: str) -> None:
    p = get_principal(session)
    target = _check_request_event(session, req, event)
    if not p.may_write_org(req.shared_org_id):
        raise Forbidden("only the organisation asked decides a request", {"org_id": ["not the organisation asked"]})
    req.state, req.decided_at, req.decided_by_id, req.decision_note = target, utcnow(), p.user_id, note or ""


def refuse_request(session: Session, req: TransferRequest, reason: str) -> TransferRequest:
    if not (reason or "").strip():
        raise InvalidInput("reason", "a refusal needs a reason")
    _decide(session, req, "refuse", reason)
    session.flush()
    record_audit(session, "transfer_request.refuse", req, before={"state": "submitted"}, after={"state": req.state, "reason": reason})
    return req


def cancel_request(session: Session, req: TransferRequest) -> TransferRequest:
    before = req.state
    req.state = _check_request_event(session, req, "cancel")
    session.flush()
    record_audit(session, "transfer_request.cancel", req, before={"state": before}, after={"state": req.state})
    return req


def approve_request(session: Session, req: TransferRequest, data: dict) -> TransferOrder:
    """submitted → approved, quantities changed where the approver says (0 drops a line), and the
    transfer order drafted from the approved lines (issued at once with ``issue``).
    Writes: transfer_request, transfer_order(+lines), audit_log (and the issue's rows)."""
    changes = {}
    line_ids = {l.id: l for l in req.lines}
    for i, ch in enumerate(data.get("lines") or []):
        if ch.get("line_id") not in line_ids:
            raise InvalidInput(f"lines.{i}.line_id", "not a line of this request")
        q = ch.get("quantity")
        if q is None or not q.is_finite() or q < 0:
            raise InvalidInput(f"lines.{i}.quantity", "must not be negative")
        changes[ch["line_id"]] = ch
    _decide(session, req, "approve", data.get("note") or "")
    order_lines = []
    for line in req.lines:
        ch = changes.get(line.id, {})
        line.approved_quantity = ch.get("quantity", line.quantity)
        if line.approved_quantity > 0:
            order_lines.append({"item_id": line.item_id, "quantity": line.approved_quantity, "serials": ch.get("serials") or [],
                                "transfer_price": ch.get("transfer_price"), "request_line_id": line.id})
    if not order_lines:
        raise InvalidInput("lines", "approve at least one line with a quantity (or refuse the request)")
    session.flush()
    record_audit(session, "transfer_request.approve", req, before={"state": "submitted"},
                 after={"state": req.state, "approved": {str(l.id): str(l.approved_quantity) for l in req.lines}})
    try:
        order = create_order(session, {
            "from_warehouse_id": data.get("from_warehouse_id"), "to_warehouse_id": req.warehouse_id, "lines": order_lines,
            "settle": data.get("settle", False), "carrier": data.get("carrier"), "waybill": data.get("waybill"),
            "courier_party_id": data.get("courier_party_id"), "note": data.get("note") or "", "doc_date": data.get("doc_date"),
        }, request=req)
        if data.get("issue"):
            issue_order(session, order)
    except DomainError as e:
        # The order's lines are the approved ones only: name the approver's line, as given, instead.
        given = {ch["line_id"]: i for i, ch in enumerate(data.get("lines") or [])}
        _renumber_lines(e, [given.get(line["request_line_id"]) for line in order_lines])
        raise
    return order


def _renumber_lines(error: DomainError, positions: list) -> None:
    """``lines.<n>.<field>`` of the order → ``lines.<i>.<field>`` of the approve body (``lines`` where
    the approver did not name that line)."""
    def key(name: str) -> str:
        m = re.fullmatch(r"lines\.(\d+)(\..+)?", name)
        if not m or int(m.group(1)) >= len(positions):
            return name
        i = positions[int(m.group(1))]
        return "lines" if i is None else f"lines.{i}{m.group(2) or ''}"

    renamed: dict[str, list[str]] = {}
    for name, messages in error.errors.items():
        renamed.setdefault(key(name), []).extend(messages)
    error.errors = renamed
    head, sep, rest = error.message.partition(": ")
    if sep and head.startswith("lines.") and key(head) != head:
        error.message = f"{key(head)}: {rest}"
        error.args = (error.message,)


def _request_snapshot(req: TransferRequest) -> dict:
    return {"state": req.state, "number": req.number, "warehouse_id": str(req.warehouse_id), "note": req.note,
            "lines": [{"item_id": str(l.item_id), "quantity": str(l.quantity),
                       "shortage_id": str(l.shortage_id) if l.shortage_id else None} for l in req.lines]}


# -- transfer orders -------------------------------------------------------------

def get_order(session: Session, order_id) -> TransferOrder:
    order = session.get(TransferOrder, order_id)
    if order is None:
        raise NotFound("no such transfer order")
    return order


def _order_lines(session: Session, data: dict) -> list[TransferOrderLine]:
    lines = []
    given = data.get("lines") or []
    known = _items_by_id(session, [line.get("item_id") for line in given])
    for i, line in enumerate(given):
        item = known.get(line.get("item_id"))
        if item is None:
            raise InvalidInput(f"lines.{i}.item_id", "no such item")
        q = _quantity(line.get("quantity"), f"lines.{i}.quantity")
        serials = list(line.get("serials") or [])
        if serials and (problem := serial_rule(item.code, item.serialized, q, serials)) is not None:
            raise InvalidInput(f"lines.{i}.serials", problem)
        price = line.get("transfer_price")
        if price is not None and (not price.is_finite() or price < 0):
            raise InvalidInput(f"lines.{i}.transfer_price", "must not be negative")
        lines.append(TransferOrderLine(item_id=item.id, quantity=q, serials=serials, transfer_price=price, sort_order=i,
                                       request_line_id=line.get("request_line_id"), note=line.get("note") or ""))
    if not lines:
        raise InvalidInput("lines", "a transfer order needs at least one line")
    return lines


def _order_header(session: Session, data: dict, order: TransferOrder) -> None:
    p = get_principal(session)
    if "from_warehouse_id" in data or order.from_warehouse_id is None:
        src = _warehouse(session, data.get("from_warehouse_id"), "from_warehouse_id")
        if not p.may_write_org(src.org_id):
            raise InvalidInput("from_warehouse_id", "the warehouse belongs to another organisation")
        order.from_warehouse_id, order.org_id = src.id, src.org_id
    if "to_warehouse_id" in data or order.to_warehouse_id is None:
        dst = _warehouse(session, data.get("to_warehouse_id"), "to_warehouse_id", visible=False)
        order.to_warehouse_id, order.to_org_id, order.shared_org_id = dst.id, dst.org_id, dst.org_id
    if order.to_org_id == order.org_id:
        raise InvalidInput("to_warehouse_id", "a transfer goes to another organisation (a bin transfer moves stock inside one)")
    if data.get("courier_party_id"):
        if session.get(Party, data["courier_party_id"]) is None:
            raise InvalidInput("courier_party_id", "no such party")
        order.courier_party_id = data["courier_party_id"]
    for key in ("carrier", "waybill", "note"):
        if key in data and data[key] is not None:
            setattr(order, key, data[key])
    if "settle" in data and data["settle"] is not None:
        order.settle = bool(data["settle"])
    if data.get("doc_date"):
        order.doc_date = data["doc_date"]


def create_order(session: Session, data: dict, request: TransferRequest | None = None) -> TransferOrder:
    """A draft transfer order: by headquarters on its own, or from an approved request."""
    order = TransferOrder(doc_date=data.get("doc_date") or _today(session), request_id=request.id if request else None,
                          stage="draft", settle=False)
    order.from_warehouse_id = order.to_warehouse_id = None
    _order_header(session, data, order)
    if request is not None and order.to_org_id != request.org_id:
        raise InvalidInput("to_warehouse_id", "must be the requesting point's warehouse")
    order.lines = _order_lines(session, data)
    return core.create_document(session, order)


def update_order(session: Session, order: TransferOrder, data: dict) -> TransferOrder:
    machine.check_order(order.stage, "edit", acting_permissions(get_principal(session)))
    before = order.snapshot()
    _order_header(session, data, order)
    if "lines" in data:
        order.lines = _order_lines(session, data)
    session.flush()
    b, a = core.diff_snapshots(before, order.snapshot())
    record_audit(session, "transfer_order.edit", order, before=b, after=a)
    return order


def delete_order(session: Session, order: TransferOrder) -> None:
    machine.check_order(order.stage, "edit", acting_permissions(get_principal(session)))
    core.delete_draft(session, order)


def issue_order(session: Session, order: TransferOrder) -> TransferOrder:
    """draft → in transit: numbered (DB), the goods out of the sender's warehouse into its in-transit
    location for the receiver, at the sender's moving average. Writes: stock ledger, audit_log."""
    machine.check_order(order.stage, "issue", acting_permissions(get_principal(session)))
    core.post_document(session, order)
    order.stage = "in_transit"
    session.flush()
    return order


def reverse_order(session: Session, order: TransferOrder, reason: str) -> TransferOrder:
    """An issued order not received yet, reversed (红冲): a linked DB document moves the goods back from
    transit into the sender's warehouse at exactly the value they left with."""
    machine.check_order(order.stage, "reverse", acting_permissions(get_principal(session)))
    reversal = core.reverse_document(session, order, reason)
    order.stage = "cancelled"
    session.flush()
    return reversal


def write_order_ledgers(session: Session, order: TransferOrder) -> None:
    """Posting hook: issue (warehouse → transit) or, for a reversal, the exact opposite moves."""
    if order.reverses_id is not None:
        specs = reversal_specs(session, moves_of(session, order.DOC_TYPE, order.reverses_id))
        post_moves(session, specs, org_id=order.org_id, doc_type=order.DOC_TYPE, doc_id=order.id, doc_date=order.doc_date)
        return
    wh = session.get(Warehouse, order.from_warehouse_id)
    src = location_for(session, order.org_id, "warehouse", warehouse=wh)
    transit = transit_location(session, order.org_id, order.to_org_id)
    items = {i.id: i for i in session.execute(select(Item).where(Item.id.in_({l.item_id for l in order.lines}))).scalars()}
    for n, line in enumerate(order.lines):
        item = items[line.item_id]
        if item.serialized and len(line.serials or []) != line.quantity:
            raise InvalidInput(f"lines.{n}.serials", f"{item.code} is tracked by serial: give one serial per unit")
    posted = post_moves(session, [MoveSpec(item_id=l.item_id, from_location=src, to_location=transit, quantity=l.quantity,
                                           line_id=l.id, serials=list(l.serials or [])) for l in order.lines],
                        org_id=order.org_id, doc_type=order.DOC_TYPE, doc_id=order.id, doc_date=order.doc_date)
    value: dict[uuid.UUID, Decimal] = {}
    for m in posted:
        if m.to_location_id == transit.id:
            value[m.line_id] = value.get(m.line_id, ZERO) + m.value
    for line in order.lines:
        line.value = value.get(line.id, ZERO)


# -- receiving -------------------------------------------------------------------

def _split(total: Decimal, parts: list[Decimal]) -> list[Decimal]:
    """``total`` shared by quantities ``parts`` in proportion, in cents; the last non-zero part takes
    the remainder, so the shares add up to ``total`` exactly."""
    whole = sum(parts, ZERO)
    out = [ZERO] * len(parts)
    last = max((n for n, q in enumerate(parts) if q), default=None)
    if last is None:
        return out
    for n, q in enumerate(parts):
        if q and n != last:
            out[n] = _money(total * q / whole)
    out[last] = total - sum(out, ZERO)
    return out


def _serial_list(value, field: str) -> list[str]:
    serials = list(value or [])
    if len(set(serials)) != len(serials):
        raise InvalidInput(field, "a serial is given twice")
    return serials


def receive_order(session: Session, order: TransferOrder, data: dict) -> TransferReceipt:
    """The receiver counts the goods in: per line what came good, damaged, short or over, each
    difference settled by its rule; lines not given arrived as sent. Everything leaves transit.
    Writes: transfer_receipt(+lines), stock ledger, money ledger (claims, settlement), audit_log."""
    p = get_principal(session)
    machine.check_order(order.stage, "receive", acting_permissions(p))
    if not p.may_write_org(order.to_org_id):
        raise Forbidden("only the receiving organisation receives a transfer", {"org_id": ["not the receiver"]})
    wh = _warehouse(session, data.get("warehouse_id") or order.to_warehouse_id, "warehouse_id", org_id=order.to_org_id,
                    visible=False)
    if data.get("courier_party_id"):
        if session.get(Party, data["courier_party_id"]) is None:
            raise InvalidInput("courier_party_id", "no such party")
        order.courier_party_id = data["courier_party_id"]
    by_line = {l.id: l for l in order.lines}
    given: dict[uuid.UUID, tuple[int, dict]] = {}
    for i, ln in enumerate(data.get("lines") or []):
        lid = ln.get("line_id")
        if lid not in by_line:
            raise InvalidInput(f"lines.{i}.line_id", "not a line of this transfer")
        if lid in given:
            raise InvalidInput(f"lines.{i}.line_id", "the line is given twice")
        given[lid] = (i, ln)
    items = {i.id: i for i in session.execute(select(Item).where(Item.id.in_({l.item_id for l in order.lines}))).scalars()}
    rlines: list[TransferReceiptLine] = []
    need_defective = False
    for n, ol in enumerate(order.lines):
        i, ln = given.get(ol.id, (None, {}))
        f = f"lines.{i if i is not None else n}"
        item = items[ol.item_id]
        sent = ol.quantity
        received = ln.get("received", sent if i is None else None)
        if received is None:
            raise InvalidInput(f"{f}.received", "required")
        damaged, surplus = ln.get("damaged") or ZERO, ln.get("surplus") or ZERO
        for name, q in (("received", received), ("damaged", damaged), ("surplus", surplus)):
            if not q.is_finite() or q < 0:
                raise InvalidInput(f"{f}.{name}", "must not be negative")
        arrived = received + damaged
        if arrived > sent and surplus != arrived - sent:
            raise InvalidInput(f"{f}.received", f"{_q(arrived)} arrived of {_q(sent)} sent: declare the surplus of {_q(arrived - sent)}")
        if arrived <= sent and surplus:
            raise InvalidInput(f"{f}.surplus", f"no surplus: {_q(arrived)} arrived of {_q(sent)} sent")
        shortfall = max(sent - arrived, ZERO)
        loss_rule = ln.get("loss_rule") or "sender"
        damage_to = ln.get("damage_to") or "defective"
        if loss_rule not in LOSS_RULES:
            raise InvalidInput(f"{f}.loss_rule", "must be sender or courier")
        if damage_to not in DAMAGE_TO:
            raise InvalidInput(f"{f}.damage_to", "must be defective or back")
        if loss_rule == "courier" and (shortfall or damaged) and order.courier_party_id is None:
            raise InvalidInput("courier_party_id", "a claim on the courier needs the courier")
        sent_serials = list(ol.serials or [])
        good_serials = _serial_list(ln.get("serials"), f"{f}.serials")
        bad_serials = _serial_list(ln.get("damaged_serials"), f"{f}.damaged_serials")
        extra: list[str] = []
        if item.serialized:
            if not good_serials and not bad_serials and received == sent and not damaged:
                good_serials = list(sent_serials)  # confirmed as sent
            if len(good_serials) != received:
                raise InvalidInput(f"{f}.serials", f"give {_q(received)} serials received")
            if len(bad_serials) != damaged:
                raise InvalidInput(f"{f}.damaged_serials", f"give {_q(damaged)} serials damaged")
            if set(good_serials) & set(bad_serials):
                raise InvalidInput(f"{f}.damaged_serials", "a serial is both received and damaged")
            sent_set = set(sent_serials)
            extra = [s for s in good_serials + bad_serials if s not in sent_set]
            if extra and not surplus:
                raise InvalidInput(f"{f}.serials", f"{extra[0]} is not in this shipment")
            if len(extra) != surplus:
                raise InvalidInput(f"{f}.serials", f"a surplus of {_q(surplus)} needs as many serials not in the shipment")
        elif good_serials or bad_serials:
            raise InvalidInput(f"{f}.serials", f"{item.code} is not tracked by serial")
        need_defective = need_defective or bool(damaged and damage_to == "defective")
        rlines.append(TransferReceiptLine(
            order_line_id=ol.id, sort_order=n, item_id=ol.item_id, sent=sent, received=received, damaged=damaged,
            shortfall=shortfall, surplus=surplus, serials=good_serials, damaged_serials=bad_serials, surplus_serials=extra,
            loss_rule=loss_rule, damage_to=damage_to, note=ln.get("note") or ""))
    defective = None
    if need_defective:
        defective = _defective_warehouse(session, data.get("defective_warehouse_id"), order.to_org_id, "defective_warehouse_id")
    receipt = TransferReceipt(org_id=order.to_org_id, shared_org_id=order.org_id, order_id=order.id, warehouse_id=wh.id,
                              defective_warehouse_id=defective.id if defective else None, lines=rlines,
                              doc_date=data.get("doc_date") or _today(session), note=data.get("note") or "")
    _value_lines(order, rlines)
    receipt._order = order  # the hook needs it; the receipt is new, its relationship not loaded
    core.create_and_post(session, receipt)
    order.stage = "received"
    order.received_at = utcnow()
    session.flush()
    return receipt


def _q(q: Decimal) -> str:
    return format(q.normalize(), "f")


def _defective_warehouse(session: Session, wid, org_id: uuid.UUID, field: str) -> Warehouse:
    if wid:
        return _warehouse(session, wid, field, org_id=org_id, kinds=("defective",), visible=False)
    wh = session.execute(select(Warehouse).where(Warehouse.org_id == org_id, Warehouse.kind == "defective",
                                                 Warehouse.active.is_(True)).order_by(Warehouse.code)
                         .execution_options(unscoped=True)).scalars().first()
    if wh is None:
        raise InvalidInput(field, "no defective warehouse to take damaged goods")
    return wh


def _value_lines(order: TransferOrder, rlines: list[TransferReceiptLine]) -> None:
    """Each receipt line's values before it is written: the issued value (plus a surplus at the line's
    issued unit value) shared by what arrived good, damaged and short; the claim on the courier and the
    amount settled internally at the transfer price (what the receiver keeps)."""
    by_line = {l.id: l for l in order.lines}
    for rl in rlines:
        ol = by_line[rl.order_line_id]
        issued = ol.value or ZERO
        unit = issued / ol.quantity if ol.quantity else ZERO
        rl.surplus_value = _money(unit * rl.surplus) if rl.surplus else ZERO
        rl.received_value, rl.damaged_value, rl.shortfall_value = _split(issued + rl.surplus_value,
                                                                         [rl.received, rl.damaged, rl.shortfall])
        rl.claim_amount = rl.shortfall_value + rl.damaged_value if rl.loss_rule == "courier" else ZERO
        kept = rl.received + (rl.damaged if rl.damage_to == "defective" else ZERO)
        price = ol.transfer_price if ol.transfer_price is not None else _money(unit)
        rl.settled_amount = _money(price * kept) if order.settle else ZERO


def write_receipt_ledgers(session: Session, receipt: TransferReceipt) -> None:
    """Posting hook of the receipt: every unit of every line leaves transit exactly once; the claim on the
    courier and the internal settlement post one entry each per book (the lines keep the detail)."""
    order: TransferOrder = getattr(receipt, "_order", None) or session.get(TransferOrder, receipt.order_id)
    sender, receiver = order.org_id, order.to_org_id
    transit = transit_location(session, sender, receiver)
    good = location_for(session, receiver, "warehouse", warehouse=session.get(Warehouse, receipt.warehouse_id))
    adjustment = location_for(session, sender, "adjustment", name="adjustment")
    receiver_defective = (location_for(session, receiver, "warehouse", warehouse=session.get(Warehouse, receipt.defective_warehouse_id))
                          if receipt.defective_warehouse_id else None)
    sender_defective = None
    by_line = {l.id: l for l in order.lines}
    specs: list[MoveSpec] = []
    for rl in receipt.lines:
        ol = by_line[rl.order_line_id]
        if rl.surplus:
            # Found over what was sent: a gain of the sender (its count was short), valued at the
            # line's issued unit value, into transit and across with the rest.
            specs.append(MoveSpec(item_id=rl.item_id, from_location=adjustment, to_location=transit, quantity=rl.surplus,
                                  value=rl.surplus_value, line_id=rl.id, serials=list(rl.surplus_serials or [])))
        if rl.received:
            specs.append(MoveSpec(item_id=rl.item_id, from_location=transit, to_location=good, quantity=rl.received,
                                  value=rl.received_value, line_id=rl.id, serials=list(rl.serials or [])))
        if rl.damaged:
            if rl.damage_to == "defective":
                to = receiver_defective
            else:
                if sender_defective is None:
                    wh = _defective_warehouse(session, None, sender, f"lines.{rl.sort_order}.damage_to")
                    sender_defective = location_for(session, sender, "warehouse", warehouse=wh)
                to = sender_defective
            specs.append(MoveSpec(item_id=rl.item_id, from_location=transit, to_location=to, quantity=rl.damaged,
                                  value=rl.damaged_value, line_id=rl.id, serials=list(rl.damaged_serials or [])))
        if rl.shortfall:
            missing = sorted(set(ol.serials or []) - set(rl.serials or []) - set(rl.damaged_serials or []))
            specs.append(MoveSpec(item_id=rl.item_id, from_location=transit, to_location=adjustment, quantity=rl.shortfall,
                                  value=rl.shortfall_value, line_id=rl.id, serials=missing))
    post_moves(session, specs, org_id=receipt.org_id, doc_type=receipt.DOC_TYPE, doc_id=receipt.id, doc_date=receipt.doc_date)
    settled = sum((rl.settled_amount for rl in receipt.lines), ZERO)
    claimed = sum((rl.claim_amount for rl in receipt.lines), ZERO)
    memo = f"{order.number} 调拨结算"
    if settled:
        post_counterparty_entries(session, Source.of(receipt), [
            CounterpartyLine(Counterparty.organisation(sender), "payable", settled, memo=memo)])
    sender_lines = []
    if claimed:
        sender_lines.append(CounterpartyLine(Counterparty.party(order.courier_party_id), "receivable", claimed,
                                             memo=f"{order.number} 运输索赔"))
    if settled:
        sender_lines.append(CounterpartyLine(Counterparty.organisation(receiver), "receivable", settled, memo=memo))
    if sender_lines:
        # The sender's side, under the order (the sender's document), dated the day of receipt.
        with _books_of(session, sender):
            post_counterparty_entries(session, Source(order.DOC_TYPE, order.id, sender, receipt.doc_date, order.number or ""),
                                      sender_lines)


# -- in transit ------------------------------------------------------------------

def in_transit(session: Session, today: dt.date | None = None) -> list[dict]:
    """Every issued order not received yet (as the session may see them), oldest first, with its
    age in days, quantity and value in transit."""
    today = today or _today(session)
    orders = session.execute(select(TransferOrder).where(TransferOrder.stage == "in_transit")
                             .order_by(TransferOrder.doc_date, TransferOrder.number)).scalars().all()
    out = []
    for o in orders:
        out.append({"order": o, "days": (today - o.doc_date).days,
                    "quantity": sum((l.quantity for l in o.lines), ZERO),
                    "value": sum((l.value or ZERO for l in o.lines), ZERO)})
    return out


def request_of(session: Session, order: TransferOrder) -> TransferRequest | None:
    return session.get(TransferRequest, order.request_id) if order.request_id else None


def receipt_of(session: Session, order: TransferOrder) -> TransferReceipt | None:
    return session.execute(select(TransferReceipt).where(TransferReceipt.order_id == order.id)).scalar_one_or_none()


def order_of_request(session: Session, req: TransferRequest) -> TransferOrder | None:
    return session.execute(select(TransferOrder).where(TransferOrder.request_id == req.id, TransferOrder.reverses_id.is_(None))
                           .order_by(TransferOrder.created_at.desc())).scalars().first()

