"""Sync handlers: a `note` event from a device becomes a note on its order."""

from __future__ import annotations

from sqlalchemy.orm import Session

from sync.handlers import Event, PostResult, register_handler

from .operations import add_order_note


@register_handler("note", permission="note.add")
def post_note(session: Session, event: Event) -> PostResult:
    """Precondition (checked by the worker): the order is posted. Writes: order_note, audit_log."""
    note = add_order_note(session, order_id=event.order_id, text=event.doc["text"], org_id=event.org_id,
                          written_at=event.created_at, event_id=event.id, device_id=event.device_id)
    return PostResult(document_type="order_note", document_id=note.id)
