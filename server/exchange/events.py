"""Sync handlers: exchange events from counters, posted by the worker through the same
operations the REST API calls (schemas in sync/schemas/exchange_*.json). The intake takes the
event's ``_id`` as the order's id, so the handover recorded on the same tablet can name it."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from sync.handlers import Event, PostResult, register_handler, register_order_model

from ..basedata.text import normalise_imei
from ..core.batch import batch_of
from ..errors import InvalidInput
from . import operations as ops
from .models import ExchangeOrder

register_order_model(ExchangeOrder)

ENVELOPE_KEYS = {"_id", "_rev", "_revisions", "type", "org", "device_id", "user_id", "created_at", "order_id"}


def _payload(event: Event) -> dict:
    return {k: v for k, v in event.doc.items() if k not in ENVELOPE_KEYS}


def prefetch_orders(session: Session, docs: list[dict]) -> None:
    """What a batch's exchange events look up one by one, read in a few statements
    (``operations.prefetch``): the orders they name and the IMEIs they and their orders name."""
    ids, serials = [], []
    for doc in docs:
        for key in ("imei", "replacement_imei"):
            if isinstance(doc.get(key), str):
                serials.append(normalise_imei(doc[key]))
        if doc.get("type") == "exchange_intake":
            continue  # its order is new
        try:
            ids.append(uuid.UUID(doc["order_id"]))
        except (KeyError, TypeError, ValueError, AttributeError):
            continue  # the schema check refuses it later
    if ids or serials:
        ops.prefetch(session, ids, serials)


@register_handler("exchange_intake", permission="exchange.intake", opens_order=True, prefetch=prefetch_orders,
                  deferred=True)
def post_intake(session: Session, event: Event) -> PostResult:
    """A device taken in for an exchange offline; the HJ number goes back in the status document."""
    order_id = uuid.UUID(event.id)
    if event.order_id is not None and event.order_id != order_id:
        raise InvalidInput("order_id", "an intake opens the order named by its own _id")
    order = ops.take_in_exchange(session, _payload(event), order_id=order_id, device_id=event.device_id,
                                 event_id=event.id)
    return PostResult(numbers={"exchange_order": order.number}, document_type="exchange_order", document_id=order.id,
                      number=order.number)


@register_handler("exchange_loaner_lend", permission="repair.loaner", prefetch=prefetch_orders)
def post_loaner_lend(session: Session, event: Event) -> PostResult:
    """换机备机单 lent (order_id = the exchange order); the slip's id is the event's id (its return names it)."""
    from ..repair import loaners

    loaner = loaners.lend_loaner(session, ops.get_order(session, event.order_id), _payload(event),
                                 loaner_id=uuid.UUID(event.id))
    _settle(session, loaner.exchange_order_id)
    return PostResult(numbers={"repair_loaner": loaner.number}, document_type="repair_loaner", document_id=loaner.id,
                      number=loaner.number)


@register_handler("exchange_loaner_return", permission="repair.loaner", prefetch=prefetch_orders)
def post_loaner_return(session: Session, event: Event) -> PostResult:
    """The exchange's loaner back (before the pickup, which waits for it on the same order)."""
    from ..errors import NotFound
    from ..repair import loaners

    data = _payload(event)
    order = ops.get_order(session, event.order_id)
    loaner = loaners.get_loaner(session, data.pop("loaner_id"))
    if loaner.exchange_order_id != order.id:
        raise NotFound("no such loaner slip on this order", {"loaner_id": ["not found"]})
    loaners.return_loaner(session, loaner, data)
    _settle(session, order.id)
    return PostResult(numbers={"repair_loaner": loaner.number, "condition": loaner.return_condition},
                      document_type="repair_loaner", document_id=loaner.id)


def _settle(session: Session, order_id: uuid.UUID) -> None:
    """A loaner lent or returned in a posting batch reaches the database now: the deferred exchange
    events after it ask the database whether the order still has a loaner out (no autoflush there)."""
    ops.loaner_changed(session, order_id)
    if batch_of(session) is not None:
        session.flush()


def _defers(doc: dict) -> bool:
    return doc.get("event") in ops.DEFERRED_EVENTS


@register_handler("exchange_event", permission="exchange.view", prefetch=prefetch_orders, deferred=_defers)
def post_event(session: Session, event: Event) -> PostResult:
    """One machine event (the handover of the replacement, pickup …); the machine checks the event's
    own permission, state and guards."""
    data = _payload(event)
    name = data.pop("event")
    order = ops.get_order(session, event.order_id)
    ops.fire(session, order, name, data, event_id=event.id)
    return PostResult(numbers={"exchange_order": order.number, "state": order.state}, document_type="exchange_order",
                      document_id=order.id, number=order.number or "")
