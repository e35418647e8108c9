"""Sync handlers: repair events from counters and workshops, posted by the worker through the
same operations the REST API calls (schemas in sync/schemas/repair_*.json).

Documents made on a device take the event's ``_id`` as their id (order, quotation, refund slip,
packing list, loaner slip, batch), so later events from the same device can name them. Events of
a packing list or a batch name it as their ``order_id``: they wait for it like any order's events."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from sync.handlers import Event, PostResult, register_handler, register_order_model

from . import batches, loaners, packing
from . import operations as ops
from .models import RepairBatch, RepairOrder, RepairPackingList

# Events name these as their order, whether a device or the REST API made them.
for _model in (RepairOrder, RepairPackingList, RepairBatch):
    register_order_model(_model)

ENVELOPE_KEYS = {"_id", "_rev", "_revisions", "type", "org", "device_id", "user_id", "created_at", "order_id"}


def _payload(event: Event) -> dict:
    return {k: v for k, v in event.doc.items() if k not in ENVELOPE_KEYS}


@register_handler("repair_intake", permission="repair.intake", opens_order=True)
def post_intake(session: Session, event: Event) -> PostResult:
    """A device taken in offline: the order's id is the event's id; the WX number goes back in
    the status document. Writes: as ``take_in_device``."""
    order_id = uuid.UUID(event.id)
    if event.order_id is not None and event.order_id != order_id:
        from ..errors import InvalidInput

        raise InvalidInput("order_id", "an intake opens the order named by its own _id")
    order = ops.take_in_device(session, _payload(event), order_id=order_id, device_id=event.device_id, event_id=event.id)
    numbers = {"repair_order": order.number}
    return PostResult(numbers=numbers, document_type="repair_order", document_id=order.id, number=order.number)


@register_handler("repair_event", permission="repair.view")
def post_event(session: Session, event: Event) -> PostResult:
    """One state-machine event; the machine checks the event's own permission, state and guards."""
    data = _payload(event)
    name = data.pop("event")
    order = ops.get_order(session, event.order_id)
    ops.fire(session, order, name, data, event_id=event.id)
    return PostResult(numbers={"repair_order": order.number, "state": order.state}, document_type="repair_order",
                      document_id=order.id, number=order.number or "")


@register_handler("repair_handover", permission="repair.handover")
def post_handover(session: Session, event: Event) -> PostResult:
    data = _payload(event)
    order = ops.get_order(session, event.order_id)
    ops.hand_over(session, order, data["to_user_id"], data["signature"], place=data.get("place", ""),
                  note=data.get("note", ""), event_id=event.id)
    return PostResult(numbers={"repair_order": order.number}, document_type="repair_order", document_id=order.id)


@register_handler("repair_deposit", permission="repair.deposit")
def post_deposit(session: Session, event: Event) -> PostResult:
    data = _payload(event)
    order = ops.get_order(session, event.order_id)
    pay = ops.take_deposit(session, order, data["amount"], data["account_id"])
    return PostResult(numbers={"repair_deposit": pay.number}, document_type="repair_deposit", document_id=pay.id,
                      number=pay.number)


@register_handler("repair_deposit_carry_over", permission="repair.deposit")
def post_deposit_carry_over(session: Session, event: Event) -> PostResult:
    """押金结转: a converted repair's deposit to its exchange order (the transfer's id is the event's id)."""
    order = ops.get_order(session, event.order_id)
    t = ops.carry_over_deposit(session, order, _payload(event), transfer_id=uuid.UUID(event.id))
    return PostResult(numbers={"repair_deposit_transfer": t.number, "amount": str(t.amount)},
                      document_type="repair_deposit_transfer", document_id=t.id, number=t.number)


# -- quotation, parts, refunds ----------------------------------------------------------------

@register_handler("repair_quotation", permission="repair.quote")
def post_quotation(session: Session, event: Event) -> PostResult:
    """The quotation's id is the event's id, so a decision made on the same device can name it."""
    data = _payload(event)
    order = ops.get_order(session, event.order_id)
    q = ops.make_quotation(session, order, data["lines"], data.get("note", ""), quotation_id=uuid.UUID(event.id))
    return PostResult(numbers={"repair_order": order.number, "quotation_total": str(q.total)},
                      document_type="repair_quotation", document_id=q.id)


@register_handler("repair_quotation_decision", permission="repair.quote")
def post_quotation_decision(session: Session, event: Event) -> PostResult:
    data = _payload(event)
    order = ops.get_order(session, event.order_id)
    q = ops.decide_quotation(session, order, data["quotation_id"], data["accepted"], data["signature"], event_id=event.id)
    return PostResult(numbers={"repair_order": order.number, "quotation": q.status, "state": order.state},
                      document_type="repair_quotation", document_id=q.id)


@register_handler("repair_part", permission="repair.repair")
def post_part(session: Session, event: Event) -> PostResult:
    data = _payload(event)
    order = ops.get_order(session, event.order_id)
    part = ops.record_part(session, order, data)
    return PostResult(numbers={"repair_order": order.number, "engineer_use": _number(session, part.used_document_id),
                               "engineer_return": _number(session, part.return_document_id)},
                      document_type="repair_part", document_id=part.id)


def _number(session: Session, document_id) -> str:
    from ..stock.models import StockDocument

    return session.get(StockDocument, document_id).number or ""


@register_handler("repair_refund", permission="repair.refund")
def post_refund(session: Session, event: Event) -> PostResult:
    """A draft refund slip; its id is the event's id (an approval names it)."""
    data = _payload(event)
    order = ops.get_order(session, event.order_id)
    pay = ops.create_refund(session, order, data["amount"], data["account_id"], data["reason"],
                            refund_id=uuid.UUID(event.id))
    return PostResult(numbers={"repair_order": order.number}, document_type="repair_refund", document_id=pay.id)


@register_handler("repair_refund_approval", permission="repair.approve_refund")
def post_refund_approval(session: Session, event: Event) -> PostResult:
    from ..errors import NotFound
    from .models import RepairPayment

    data = _payload(event)
    order = ops.get_order(session, event.order_id)
    pay = session.get(RepairPayment, uuid.UUID(data["refund_id"]))
    if pay is None or pay.kind != "refund" or pay.order_id != order.id:
        raise NotFound("no such refund slip on this order", {"refund_id": ["not found"]})
    ops.approve_refund(session, pay)
    return PostResult(numbers={"repair_refund": pay.number}, document_type="repair_refund", document_id=pay.id,
                      number=pay.number)


# -- packing lists ------------------------------------------------------------------------------

def _opened_here(event: Event) -> uuid.UUID:
    own = uuid.UUID(event.id)
    if event.order_id is not None and event.order_id != own:
        from ..errors import InvalidInput

        raise InvalidInput("order_id", "this event opens the document named by its own _id")
    return own


@register_handler("repair_packing_list", permission="repair.packing", opens_order=True)
def post_packing_list(session: Session, event: Event) -> PostResult:
    """Packed on the device, sent when the event posts: create, pack every device, send."""
    data = _payload(event)
    pl = packing.create_packing_list(session, data, list_id=_opened_here(event))
    packing.send_packing_list(session, pl, event_id=event.id)
    return PostResult(numbers={"repair_packing_list": pl.number}, document_type="repair_packing_list",
                      document_id=pl.id, number=pl.number)


@register_handler("repair_packing_receive", permission="repair.packing")
def post_packing_receive(session: Session, event: Event) -> PostResult:
    data = _payload(event)
    pl = packing.get_packing_list(session, event.order_id)
    line = packing.receive_packing_item(session, pl, data["imei"], data.get("signature"), note=data.get("note", ""),
                                        replaces_imei=data.get("replaces_imei"), event_id=event.id)
    return PostResult(numbers={"repair_packing_list": pl.number, "line": str(line.seq), "state": line.state},
                      document_type="repair_packing_list", document_id=pl.id)


@register_handler("repair_packing_close", permission="repair.packing")
def post_packing_close(session: Session, event: Event) -> PostResult:
    pl = packing.close_packing_list(session, packing.get_packing_list(session, event.order_id))
    missing = sum(1 for l in pl.lines if l.state == "missing")
    return PostResult(numbers={"repair_packing_list": pl.number, "missing": str(missing)},
                      document_type="repair_packing_list", document_id=pl.id)


# -- loaners ------------------------------------------------------------------------------------

@register_handler("repair_loaner_lend", permission="repair.loaner")
def post_loaner_lend(session: Session, event: Event) -> PostResult:
    """The loaner slip's id is the event's id (its return names it)."""
    data = _payload(event)
    order = ops.get_order(session, event.order_id)
    loaner = loaners.lend_loaner(session, order, data, loaner_id=uuid.UUID(event.id))
    return PostResult(numbers={"repair_loaner": loaner.number}, document_type="repair_loaner", document_id=loaner.id,
                      number=loaner.number)


@register_handler("repair_loaner_return", permission="repair.loaner")
def post_loaner_return(session: Session, event: Event) -> PostResult:
    from ..errors import NotFound

    data = _payload(event)
    order = ops.get_order(session, event.order_id)
    loaner = loaners.get_loaner(session, data.pop("loaner_id"))
    if loaner.order_id != order.id:
        raise NotFound("no such loaner slip on this order", {"loaner_id": ["not found"]})
    loaners.return_loaner(session, loaner, data)
    return PostResult(numbers={"repair_loaner": loaner.number, "condition": loaner.return_condition},
                      document_type="repair_loaner", document_id=loaner.id)


# -- batches ------------------------------------------------------------------------------------

@register_handler("repair_batch", permission="repair.batch", opens_order=True)
def post_batch(session: Session, event: Event) -> PostResult:
    batch = batches.open_batch(session, _payload(event), batch_id=_opened_here(event))
    return PostResult(numbers={}, document_type="repair_batch", document_id=batch.id)


@register_handler("repair_batch_device", permission=("repair.batch", "repair.intake"))
def post_batch_device(session: Session, event: Event) -> PostResult:
    """A scanned device: an intake whose order id is the event's id. The order is made known to
    the feed here (the event's own order_id is the batch it waits for), so the device's later
    events can post."""
    from sync.models import SyncOrder

    batch = batches.get_batch(session, event.order_id)
    order = batches.add_batch_device(session, batch, _payload(event), order_id=uuid.UUID(event.id),
                                     device_id=event.device_id, event_id=event.id)
    session.add(SyncOrder(order_id=order.id, org_id=event.org_id, event_type=event.type, document_type="repair_order",
                          document_id=order.id, number=order.number))
    return PostResult(numbers={"repair_order": order.number}, document_type="repair_order", document_id=order.id,
                      number=order.number)


@register_handler("repair_batch_close", permission="repair.batch")
def post_batch_close(session: Session, event: Event) -> PostResult:
    batch = batches.close_batch_intake(session, batches.get_batch(session, event.order_id))
    return PostResult(numbers={"repair_batch": batch.number}, document_type="repair_batch", document_id=batch.id,
                      number=batch.number)


@register_handler("repair_batch_event", permission="repair.batch")
def post_batch_event(session: Session, event: Event) -> PostResult:
    data = _payload(event)
    name, order_ids = data.pop("event"), data.pop("order_ids", None)
    batch = batches.get_batch(session, event.order_id)
    orders = batches.fire_batch(session, batch, name, data, order_ids)
    return PostResult(numbers={"repair_batch": batch.number, "devices": str(len(orders))}, document_type="repair_batch",
                      document_id=batch.id)


@register_handler("repair_batch_pickup", permission="repair.batch")
def post_batch_pickup(session: Session, event: Event) -> PostResult:
    batch = batches.pick_up_batch(session, batches.get_batch(session, event.order_id), _payload(event)["signature"])
    return PostResult(numbers={"repair_batch": batch.number, "bill_total": str(batch.bill_total)},
                      document_type="repair_batch", document_id=batch.id)
