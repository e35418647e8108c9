"""Writing to the outbox (publishing is the sync side's job)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from .models import OutboxMessage

MASTER_DB = "master"


def service_point_db(org_code: str) -> str:
    return f"sp_{org_code.lower()}"


def enqueue_document(session: Session, target_db: str, doc_id: str, kind: str, body: dict[str, Any] | None) -> OutboxMessage:
    """Queue one CouchDB document write (or delete, body=None). Writes: outbox_message."""
    msg = OutboxMessage(target_db=target_db, doc_id=doc_id, kind=kind, body=body)
    session.add(msg)
    return msg
