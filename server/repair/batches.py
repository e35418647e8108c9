"""Batch acceptance, repair and pickup (批量受理、批量维修、批量取机, spec §1.12).

A distributor brings devices in bulk: the clerk opens a batch for the distributor and scans the
devices one after another; each scan is an ordinary intake (``take_in_device``: the same rules,
a posted ``WX`` order) tied to the batch. Events are fired on the whole batch at once, all or
nothing, a refusal naming the line. Pickup is together: one bill for the batch, on the
distributor's receivable (paid later through finance), and the in-warranty labour fees
claimable from the manufacturer, all one posting of the batch document.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ..auth.principal import get_principal
from ..basedata import models as bd
from ..basedata.text import imei_problem, normalise_imei, normalise_phone, phone_problem
from ..core import operations as core
from ..db import utcnow
from ..errors import Conflict, DomainError, InvalidInput, NotFound, TransitionRefused
from ..finance.operations import Counterparty, CounterpartyLine, Source, post_counterparty_entries
from ..ids import uuid7
from ..org.scoping import may_see
from . import statemachine as sm
from .models import RepairBatch, RepairOrder
from .operations import (ZERO, _erase_passcode, _record_transition, _service_point, _text, _today, _uuid, bill_of,
                         check_signature, facts_of, fire, take_in_device)
from .packing import on_line

# What a scan may carry: the device's own intake fields (the customer is the batch's distributor).
DEVICE_FIELDS = ("imei", "model_id", "colour", "passcode", "accessories_received", "symptom_ids", "fault_description",
                 "appearance_note", "photos", "purchase_date", "warranty_status_id", "warranty_override_reason",
                 "promised_date", "provisional_code", "note")
# Exported to devices (rules.desk()): a batch opened offline is checked the same.
MODES = ("A", "B", "C")
CONTACT_NAME_MAX, CONTACT_PHONE_MAX, NOTE_MAX = 80, 20, 500


def get_batch(session: Session, batch_id: Any) -> RepairBatch:
    bid = _uuid(batch_id, "batch_id")
    batch = session.get(RepairBatch, bid) if bid else None
    if batch is None or not may_see(get_principal(session), batch):
        raise NotFound("no such batch")
    return batch


def batch_orders(session: Session, batch: RepairBatch) -> list[RepairOrder]:
    return list(session.execute(select(RepairOrder).where(RepairOrder.batch_id == batch.id)
                                .order_by(RepairOrder.created_at, RepairOrder.id)).scalars())


def open_batch(session: Session, data: dict, *, batch_id: uuid.UUID | None = None) -> RepairBatch:
    """A new batch (draft) for a distributor or dealer (``party_id``), with its contact and the
    repair mode of its devices. Writes: repair_batch, audit_log."""
    org = _service_point(session)
    pid = _uuid(data.get("party_id"), "party_id")
    party = session.get(bd.Party, pid) if pid else None
    if party is None or not party.active or not {"distributor", "dealer"} & set(party.roles):
        raise InvalidInput("party_id", "no such active distributor or dealer")
    name = _text(data, "contact_name", CONTACT_NAME_MAX) or party.name[:CONTACT_NAME_MAX]
    phone = normalise_phone(_text(data, "contact_phone", CONTACT_PHONE_MAX, required=True))
    if problem := phone_problem(phone):
        raise InvalidInput("contact_phone", problem)
    mode = data.get("mode") or "A"
    if mode not in MODES:
        raise InvalidInput("mode", "A (self), B (forwarded) or C (return to factory)")
    if mode == "B" and org.parent_id is None:
        raise InvalidInput("mode", "this service point has no higher-level point to forward to")
    batch = RepairBatch(id=batch_id or uuid7(), org_id=org.id, party_id=party.id, contact_name=name, contact_phone=phone,
                        mode=mode, doc_date=_today(session), note=_text(data, "note", NOTE_MAX))
    return core.create_document(session, batch)


def add_batch_device(session: Session, batch: RepairBatch, data: dict, *, order_id: uuid.UUID | None = None,
                     device_id: str = "", event_id: str | None = None) -> RepairOrder:
    """Scan one device into the batch: an intake (posted ``WX`` order) for the distributor. An
    IMEI already in the batch is refused naming its line. Writes: as ``take_in_device``, repair_batch."""
    if batch.status != "draft":
        raise TransitionRefused("the batch's intake is closed", {"status": [batch.status]})
    imei = normalise_imei(data["imei"]) if isinstance(data.get("imei"), str) else data.get("imei")
    if not isinstance(imei, str) or imei_problem(imei):
        raise InvalidInput("imei", imei_problem(imei) if isinstance(imei, str) else "scan the IMEI")
    data = {**data, "imei": imei}
    for n, order in enumerate(batch_orders(session, batch), start=1):
        if order.imei == imei:
            raise InvalidInput("imei", f"already in this batch as line {n} ({order.number})")
    unknown = set(data) - set(DEVICE_FIELDS)
    if unknown:
        raise InvalidInput(sorted(unknown)[0], "not a field of a batch device")
    intake = {**data, "customer_name": batch.contact_name, "customer_phone": batch.contact_phone, "mode": batch.mode}
    order = take_in_device(session, intake, order_id=order_id, device_id=device_id, event_id=event_id)
    order.batch_id = batch.id
    batch.device_count += 1
    session.flush()
    return order


def close_batch_intake(session: Session, batch: RepairBatch) -> RepairBatch:
    """All devices are in: the batch is posted (number ``PL-…``); no more scans.
    Writes: repair_batch, document_counter, audit_log."""
    if batch.status != "draft":
        raise TransitionRefused("the batch's intake is closed already", {"status": [batch.status]})
    if batch.device_count == 0:
        raise InvalidInput("devices", "scan at least one device")
    return core.post_document(session, batch)


def _posted(batch: RepairBatch) -> None:
    if batch.status != "posted":
        raise TransitionRefused("close the batch's intake first", {"status": [batch.status]})


def fire_batch(session: Session, batch: RepairBatch, event: str, data: dict | None = None,
               order_ids: list | None = None) -> list[RepairOrder]:
    """批量维修: one machine event on every device of the batch (or the listed ones), all or
    nothing; a refusal names the line. ``pickup`` is :func:`pick_up_batch`.
    Writes: as ``fire`` for each order."""
    _posted(batch)
    if event not in sm.TRANSITIONS or event == "pickup":
        raise InvalidInput("event", "an event of the repair machine (pickup: use the batch pickup)")
    orders = batch_orders(session, batch)
    if order_ids:
        wanted = [_uuid(v, f"order_ids.{i}") for i, v in enumerate(order_ids)]
        by_id = {o.id: o for o in orders}
        for i, oid in enumerate(wanted):
            if oid not in by_id:
                raise InvalidInput(f"order_ids.{i}", "not a device of this batch")
        orders = [by_id[oid] for oid in dict.fromkeys(wanted)]
    for n, order in enumerate(orders, start=1):
        try:
            fire(session, order, event, dict(data or {}))
        except DomainError as exc:
            raise on_line(exc, f"orders.{n - 1}", f"line {n} {order.number}") from None
    return orders


def pick_up_batch(session: Session, batch: RepairBatch, signature: Any) -> RepairBatch:
    """批量取机: every device not yet completed must pass the machine's pickup; then one bill for
    the batch: the distributor's receivable +bill per device and the manufacturer's receivable
    +labour fee per in-warranty claimable device, posted once under the batch (line = order).
    Writes: counterparty_entry, repair_batch, repair_order, repair_transition, audit_log."""
    _posted(batch)
    if batch.picked_up_at is not None:
        raise Conflict(f"{batch.number} was picked up already", {"batch_id": ["already picked up"]})
    sig = check_signature(signature, "signature")
    p = get_principal(session)
    orders = [o for o in batch_orders(session, batch) if o.state not in (sm.COMPLETED, sm.FOLLOWED_UP, sm.AUDITED)]
    if not orders:
        raise TransitionRefused("every device of the batch has been completed already", {"state": ["completed"]})
    bills = []
    for n, order in enumerate(orders):
        try:
            sm.check(order.state, "pickup", facts_of(session, order), p.permissions)
        except TransitionRefused as exc:
            raise on_line(exc, f"orders.{n}", f"{order.number}") from None
        bills.append(bill_of(session, order))
    lines = []
    distributor = Counterparty.party(batch.party_id)
    for order, bill in zip(orders, bills):
        if bill["bill_total"]:
            lines.append(CounterpartyLine(distributor, "receivable", bill["bill_total"], line_id=order.id,
                                          memo=f"批量维修费 batch repair bill {batch.number} {order.number}"))
        if bill["claim_amount"] and bill["manufacturer_id"]:
            lines.append(CounterpartyLine(Counterparty.party(bill["manufacturer_id"]), "receivable", bill["claim_amount"],
                                          line_id=order.id, memo=f"保内劳务费应收厂家 labour fee claimable {order.number}"))
    if lines:
        post_counterparty_entries(session, Source(batch.DOC_TYPE, batch.id, batch.org_id, _today(session),
                                                  batch.number or ""), lines)
    for order, bill in zip(orders, bills):
        before = order.state
        order.state = sm.COMPLETED
        order.picked_up_at = utcnow()
        _erase_passcode(order)
        session.flush()
        _record_transition(session, order, "pickup", before, {"batch": batch.number,
                                                               "bill_total": str(bill["bill_total"])})
    batch.picked_up_at, batch.picked_up_by_id, batch.signature = utcnow(), p.user_id, sig
    batch.bill_total = sum((b["bill_total"] for b in bills), ZERO)
    session.flush()
    core.record_audit(session, "repair_batch.pickup", batch, after={"devices": len(orders), "bill_total": str(batch.bill_total)})
    return batch


def batch_actions(batch: RepairBatch) -> list[str]:
    """What may be done to the batch now: scan devices and close the intake (draft), pick it up (posted)."""
    if batch.status == "draft":
        return ["add_device", "close"] if batch.device_count else ["add_device"]
    if batch.status == "posted" and batch.picked_up_at is None:
        return ["pickup"]
    return []


def batch_detail(session: Session, batch: RepairBatch) -> dict:
    """The batch (its columns also at the top, as every document's answer has them) with its
    devices as lines, and the actions it allows now."""
    orders = batch_orders(session, batch)
    lines = [{"line": n, "id": o.id, "number": o.number, "imei": o.imei, "model_id": o.model_id, "state": o.state,
              "bill_total": bill_of(session, o)["bill_total"]} for n, o in enumerate(orders, start=1)]
    flat = {c.key: getattr(batch, c.key) for c in batch.__table__.columns if c.key != "signature"}
    return {**flat, "batch": batch, "orders": lines, "lines": lines, "actions": batch_actions(batch)}


def batches_query(args: dict):
    """Batches, newest first: ``open`` not picked up yet, ``party_id``, ``q`` the batch number or contact phone."""
    stmt = select(RepairBatch)
    if args.get("open"):
        stmt = stmt.where(RepairBatch.picked_up_at.is_(None))
    if args.get("party_id"):
        stmt = stmt.where(RepairBatch.party_id == args["party_id"])
    if args.get("status"):
        stmt = stmt.where(RepairBatch.status == args["status"])
    if args.get("q"):
        q = args["q"].strip()
        stmt = stmt.where(or_(RepairBatch.number == q.upper(), RepairBatch.contact_phone == q))
    return stmt.order_by(RepairBatch.created_at.desc(), RepairBatch.id.desc())
