"""Ownership of a feed (or of the outbox) by one worker, enforced by the database.

A lease row names its owner and an expiry. Taking it is one conditional
UPDATE (free, expired, or already ours), so two workers cannot both win. Every
batch transaction starts by re-asserting ownership with another conditional
UPDATE: on PostgreSQL that row lock is held until commit and a competing
takeover waits and then finds the owner changed; on SQLite the transaction
holds the write lock from BEGIN IMMEDIATE. A worker that stalled past its
lease and was replaced therefore commits nothing.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from server.db import utcnow

from .models import SyncLease

OUTBOX_LEASE = "outbox"


class LeaseLost(Exception):
    """Another worker owns the lease now; the transaction must not commit."""


def feed_lease(db: str) -> str:
    return f"feed:{db}"


def _update(session: Session, name: str, condition, values: dict) -> bool:
    stmt = update(SyncLease).where(SyncLease.name == name, condition).values(**values)
    return session.execute(stmt.execution_options(synchronize_session=False)).rowcount == 1


def acquire_lease(session: Session, name: str, owner: str, seconds: float) -> bool:
    """Take the lease if it is free, expired or ours, until now + seconds. Writes: sync_lease."""
    now = utcnow()
    until = now + dt.timedelta(seconds=seconds)
    if _update(session, name, or_(SyncLease.owner == owner, SyncLease.lease_until < now),
               {"owner": owner, "lease_until": until}):
        return True
    exists = session.execute(select(SyncLease.name).where(SyncLease.name == name)).first()
    if exists is not None:
        return False
    try:
        with session.begin_nested():
            session.add(SyncLease(name=name, owner=owner, lease_until=until))
        return True
    except IntegrityError:  # another worker created it first
        return False


def hold_lease(session: Session, name: str, owner: str, seconds: float) -> None:
    """Fence: re-assert ownership as the first write of a transaction. Raises LeaseLost. Writes: sync_lease.

    Only another owner's takeover ends a lease: an expired lease nobody took is
    still ours, since nobody else can have worked on it.
    """
    until = utcnow() + dt.timedelta(seconds=seconds)
    if not _update(session, name, SyncLease.owner == owner, {"lease_until": until}):
        raise LeaseLost(name)


def release_lease(session: Session, name: str, owner: str) -> None:
    """Let another worker take over at once (clean shutdown). Writes: sync_lease."""
    _update(session, name, SyncLease.owner == owner, {"lease_until": utcnow() - dt.timedelta(seconds=1)})
