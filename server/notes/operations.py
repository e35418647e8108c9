"""Adding notes to orders."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy.orm import Session

from ..auth.principal import get_principal
from ..core.operations import record_audit
from ..db import utcnow
from ..errors import InvalidInput
from .models import OrderNote


def add_order_note(session: Session, *, order_id: uuid.UUID, text: str, org_id: uuid.UUID,
                   written_at: dt.datetime | None = None, event_id: str | None = None,
                   device_id: str = "") -> OrderNote:
    """Append a note to an order by the session's user. Precondition: the order exists
    (the caller checks; orders are owned by the repair module). Writes: order_note, audit_log."""
    text = text.strip()
    if not text:
        raise InvalidInput("text", "must not be empty")
    principal = get_principal(session)
    note = OrderNote(order_id=order_id, text=text, org_id=org_id, author_id=principal.user_id,
                     event_id=event_id, device_id=device_id, written_at=written_at or utcnow())
    session.add(note)
    session.flush()
    record_audit(session, "note.add", note, after={"order_id": str(order_id), "text": text})
    return note
