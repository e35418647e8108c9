"""Sync handlers: repair events from counters and workshops, posted by the worker through the
same operations the REST API calls (schemas in sync/schemas/repair_*.json)."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from sync.handlers import Event, PostResult, register_handler

from . import operations as ops

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
