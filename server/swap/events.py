"""Sync handlers: accessory intake and return at the counter, offline like repair's intake
(schemas in sync/schemas/swap_*.json), posted by the worker through the REST API's operations.

The intake's id is the event's ``_id`` and its lines' ids are made on the tablet too, so a return
made on the same tablet before the intake posted names them; the return names the intake as its
``order_id`` and waits for it like any order's event."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from sync.handlers import Event, PostResult, register_handler, register_order_model

from . import operations as ops
from .models import SwapDocument

register_order_model(SwapDocument)

ENVELOPE_KEYS = {"_id", "_rev", "_revisions", "type", "org", "device_id", "user_id", "created_at", "order_id"}


def _payload(event: Event) -> dict:
    return {k: v for k, v in event.doc.items() if k not in ENVELOPE_KEYS}


@register_handler("swap_intake", permission="swap.intake", opens_order=True)
def post_intake(session: Session, event: Event) -> PostResult:
    """附件受理 taken offline: the document's id is the event's id. Writes: as ``take_in_accessories``."""
    doc = ops.take_in_accessories(session, _payload(event), doc_id=uuid.UUID(event.id), device_id=event.device_id)
    return PostResult(numbers={"swap_intake": doc.number}, document_type="swap_intake", document_id=doc.id,
                      number=doc.number)


@register_handler("swap_return", permission="swap.intake")
def post_return(session: Session, event: Event) -> PostResult:
    """归还客户 at the counter: the document's id is the event's id. Writes: as ``return_to_distributor``."""
    doc = ops.return_to_distributor(session, _payload(event), doc_id=uuid.UUID(event.id), device_id=event.device_id)
    return PostResult(numbers={"swap_return": doc.number}, document_type="swap_return", document_id=doc.id,
                      number=doc.number)
