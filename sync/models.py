"""The worker's bookkeeping in SQL, written in the same transaction as the postings.

- ``sync_processed``: every (database, document, revision) taken from a feed,
  unique, so a replay or a duplicate delivery is a no-op.
- ``sync_checkpoint``: the opaque ``seq`` a database's feed was read up to.
- ``sync_lease``: who owns a database's feed (or the outbox) until when; taken
  and renewed by conditional UPDATEs, so two workers never post from one feed.
- ``sync_dead_letter``: events that wait for their order, or failed, with the
  document and the reasons; ``aftercare sync retry`` re-queues them.
- ``sync_order``: orders posted through sync (order id → what the opening event
  produced); an event naming an order waits until its order is here.
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from server.db import Base, JSONType, utcnow
from server.outbox.models import BigId

OUTCOMES = ("posted", "rejected", "waiting")
DEAD_LETTER_STATES = ("waiting", "dead", "resolved")


class SyncProcessed(Base):
    __tablename__ = "sync_processed"
    __table_args__ = (
        UniqueConstraint("db", "doc_id", "rev"),
        CheckConstraint("outcome IN ('posted', 'rejected', 'waiting')", name="outcome"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    db: Mapped[str] = mapped_column(String(64))
    doc_id: Mapped[str] = mapped_column(String(200))
    rev: Mapped[str] = mapped_column(String(200))
    event_type: Mapped[str] = mapped_column(String(40), default="")
    outcome: Mapped[str] = mapped_column(String(16))
    # What posting produced, e.g. {"numbers": {...}}; shown in the status document.
    result: Mapped[dict | None] = mapped_column(JSONType)
    processed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class SyncCheckpoint(Base):
    __tablename__ = "sync_checkpoint"

    db: Mapped[str] = mapped_column(String(64), primary_key=True)
    # Opaque: exactly what the store returned as last_seq, never parsed.
    seq: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class SyncLease(Base):
    __tablename__ = "sync_lease"

    # "feed:<db>" for a database's feed, "outbox" for the publisher.
    name: Mapped[str] = mapped_column(String(80), primary_key=True)
    owner: Mapped[str] = mapped_column(String(120), default="")
    lease_until: Mapped[dt.datetime] = mapped_column(default=utcnow)


class SyncDeadLetter(Base):
    __tablename__ = "sync_dead_letter"
    __table_args__ = (
        UniqueConstraint("db", "doc_id", "rev"),
        CheckConstraint("state IN ('waiting', 'dead', 'resolved')", name="state"),
        Index("ix_sync_dead_letter_db_state", "db", "state"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    db: Mapped[str] = mapped_column(String(64))
    doc_id: Mapped[str] = mapped_column(String(200))
    rev: Mapped[str] = mapped_column(String(200))
    event_type: Mapped[str] = mapped_column(String(40), default="")
    order_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    doc: Mapped[dict] = mapped_column(JSONType)
    state: Mapped[str] = mapped_column(String(16))
    # [{"code", "field", "en", "zh-CN"}]
    reasons: Mapped[list] = mapped_column(JSONType)
    attempts: Mapped[int] = mapped_column(default=1)
    first_seen_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_tried_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # A waiting event is dead-lettered when its order has not come by then.
    wait_until: Mapped[dt.datetime | None]


class SyncOrder(Base):
    __tablename__ = "sync_order"

    order_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisation.id"), index=True)
    event_type: Mapped[str] = mapped_column(String(40))
    document_type: Mapped[str] = mapped_column(String(40), default="")
    document_id: Mapped[uuid.UUID | None]
    number: Mapped[str] = mapped_column(String(64), default="")
    posted_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
