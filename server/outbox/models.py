"""The outbox: what must reach CouchDB, written in the same transaction as the change.

The sync publisher reads unpublished rows in id order after commit and writes
them to ``target_db`` idempotently (deterministic document ids), retrying until
CouchDB accepts them.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, JSONType, utcnow

# SQLite only auto-increments an INTEGER PRIMARY KEY.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class OutboxMessage(Base):
    __tablename__ = "outbox_message"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # "master" for master data, "sp_<code>" for a service point's database.
    target_db: Mapped[str] = mapped_column(String(64), index=True)
    # Deterministic CouchDB id, e.g. "item:<uuid>" or "status:<event id>".
    doc_id: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40))
    # The document body without _id/_rev; None means "delete the document".
    body: Mapped[dict | None] = mapped_column(JSONType)
    published_at: Mapped[dt.datetime | None] = mapped_column(index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
