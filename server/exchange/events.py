"""Sync handlers: exchange events from counters, posted by the worker through the same
operations the REST API calls (schemas in sync/schemas/exchange_*.json). The intake takes the
event's ``_id`` as the order's id, so the handover recorded on the same tablet can name it."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from sync.handlers import Event, PostResult, register_handler, register_order_model

from ..errors import InvalidInput
from . import operations as ops
from .models import ExchangeOrder

register_order_model(ExchangeOrder)

ENVELOPE_KEYS = {"_id", "_rev", "_revisions", "type", "org", "device_id", "user_id", "created_at", "order_id"}


def _payload(event: Event) -> dict:
    return {k: v for k, v in event.doc.items() if k not in ENVELOPE_KEYS}


@register_handler("exchange_intake", permission="exchange.intake", opens_order=True)
def post_intake(session: Session, event: Event) -> PostResult:
    """A device taken in for an exchange offline; the HJ number goes back in the status document."""
    order_id = uuid.UUID(event.id)
    if event.order_id is not None and event.order_id != order_id:
        raise InvalidInput("order_id", "an intake opens the order named by its own _id")
    order = ops.take_in_exchange(session, _payload(event), order_id=order_id, device_id=event.device_id,
                                 event_id=event.id)
    return PostResult(numbers={"exchange_order": order.number}, document_type="exchange_order", document_id=order.id,
                      number=order.number)


@register_handler("exchange_event", permission="exchange.view")
def post_event(session: Session, event: Event) -> PostResult:
    """One machine event (the handover of the replacement, pickup …); the machine checks the event's
    own permission, state and guards."""
    data = _payload(event)
    name = data.pop("event")
    order = ops.get_order(session, event.order_id)
    ops.fire(session, order, name, data, event_id=event.id)
    return PostResult(numbers={"exchange_order": order.number, "state": order.state}, document_type="exchange_order",
                      document_id=order.id, number=order.number or "")
