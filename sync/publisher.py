"""The outbox publisher: writes committed outbox rows to the store, idempotently, retrying.

Document ids are deterministic (``status:<event id>``, ``item:<uuid>`` …), so
publishing is "make the document in the store equal this body": read the
current revision, overwrite. Every published body carries ``outbox_id``; a
document already written from a newer row is never overwritten by an older
one, so a publisher that stalled and lost its lease cannot undo a newer write.
Only the holder of the ``outbox`` lease publishes.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import defaultdict

from sqlalchemy import select, update

from server.db import sqlite_read_only, sqlite_replayable, unit_of_work, utcnow
from server.http import system_session
from server.outbox.models import OutboxMessage

from .client import CouchClient, StoreError
from .leases import OUTBOX_LEASE, LeaseLost, acquire_lease, hold_lease, release_lease

log = logging.getLogger("aftercare.sync.publisher")


class OutboxPublisher:
    def __init__(self, app, client: CouchClient, owner: str, *, lease_seconds: float, batch: int = 500):
        self.app = app
        self.client = client
        self.owner = owner
        self.lease_seconds = lease_seconds
        self.batch = batch
        self.wake = threading.Event()
        self._lease_fresh_until = 0.0  # monotonic time until which the lease need not be renewed

    def _session(self):
        return system_session(self.app, "sync")

    def publish_pending(self) -> int:
        """One round: publish up to ``batch`` unpublished rows. Returns how many rows were marked published.

        An older row left out of this round (it failed before) is never written over a newer one: every
        body carries its ``outbox_id`` and ``_write`` keeps the newer document.
        """
        # While the lease has more than half its time left, this round only reads: on SQLite it
        # then does not queue for the write lock behind the posting worker's batches.
        fresh = time.monotonic() < self._lease_fresh_until
        read_only = sqlite_read_only.set(fresh)
        session = self._session()
        try:
            with unit_of_work(session):
                if not fresh:
                    if not acquire_lease(session, OUTBOX_LEASE, self.owner, self.lease_seconds):
                        return 0
                    self._lease_fresh_until = time.monotonic() + self.lease_seconds / 2
                # Rows that failed before (e.g. a database not provisioned yet) go behind fresh ones,
                # so they never hold the status documents of every other database back.
                rows = session.execute(
                    select(OutboxMessage.id, OutboxMessage.target_db, OutboxMessage.doc_id, OutboxMessage.body)
                    .where(OutboxMessage.published_at.is_(None))
                    .order_by(OutboxMessage.attempts, OutboxMessage.id).limit(self.batch)
                ).all()
        finally:
            session.close()
            sqlite_read_only.reset(read_only)
        if not rows:
            return 0
        # The newest row per document wins; the older ones are published by it.
        latest: dict[tuple[str, str], tuple] = {}
        covered: dict[tuple[str, str], list[int]] = defaultdict(list)
        for row in rows:
            key = (row.target_db, row.doc_id)
            if key not in latest or row.id > latest[key].id:
                latest[key] = row
            covered[key].append(row.id)
        by_db: dict[str, list] = defaultdict(list)
        for (db, _doc_id), row in latest.items():
            by_db[db].append(row)
        done: list[int] = []
        failed: dict[int, str] = {}
        for db, db_rows in by_db.items():
            try:
                ok = self._write(db, db_rows)
            except StoreError as exc:
                log.warning("publishing to %s failed: %s", db, exc)
                ok = {}
                for row in db_rows:
                    failed[row.id] = str(exc)[:500]
            for row in db_rows:
                key = (db, row.doc_id)
                if ok.get(row.doc_id) is True:
                    done.extend(covered[key])
                elif row.id not in failed:
                    failed[row.id] = str(ok.get(row.doc_id) or "not written")[:500]
        session = self._session()
        # Marks lost to a power cut only publish these rows again, which the store takes as the same.
        replayable = sqlite_replayable.set(True)
        try:
            with unit_of_work(session):
                hold_lease(session, OUTBOX_LEASE, self.owner, self.lease_seconds)
                now = utcnow()
                for chunk in range(0, len(done), 500):
                    session.execute(update(OutboxMessage).where(OutboxMessage.id.in_(done[chunk:chunk + 500]))
                                    .values(published_at=now).execution_options(synchronize_session=False))
                for row_id, error in failed.items():
                    session.execute(update(OutboxMessage).where(OutboxMessage.id == row_id).values(
                        attempts=OutboxMessage.attempts + 1, last_error=error).execution_options(synchronize_session=False))
            self._lease_fresh_until = time.monotonic() + self.lease_seconds / 2  # renewed by the fence
        except LeaseLost:
            self._lease_fresh_until = 0.0
            return 0
        finally:
            sqlite_replayable.reset(replayable)
            session.close()
        return len(done)

    def _write(self, db: str, rows: list) -> dict[str, object]:
        """Overwrite each document with its row's body (or delete it). Returns doc_id → True or the error.

        Most documents are new (a status of a new event): they are written at once, without asking
        for their revision; only those the store already has (a conflict) are looked up and written
        over, and deletions."""
        result: dict[str, object] = {}
        fresh = [row for row in rows if row.body is not None]
        conflicted = {row.doc_id for row in rows if row.body is None}
        if fresh:
            for answer in self.client.bulk_docs(db, [_document(row) for row in fresh]):
                if answer.get("error") == "conflict":
                    conflicted.add(answer["id"])
                else:
                    result[answer["id"]] = _outcome(answer)
        if conflicted:
            result.update(self._overwrite(db, [row for row in rows if row.doc_id in conflicted]))
        return result

    def _overwrite(self, db: str, rows: list) -> dict[str, object]:
        """Write over what the store has, unless it came from a newer row."""
        current = {r["key"]: r for r in self.client.all_docs(db, keys=[r.doc_id for r in rows], include_docs=True)
                   if "value" in r and r["value"]}
        docs, result = [], {}
        for row in rows:
            stored = current.get(row.doc_id)
            deleted = bool(stored and stored["value"].get("deleted"))
            rev = stored["value"]["rev"] if stored and not deleted else None
            stored_doc = (stored or {}).get("doc") or {}
            if isinstance(stored_doc.get("outbox_id"), int) and stored_doc["outbox_id"] > row.id:
                result[row.doc_id] = True  # a newer row already reached the store
                continue
            if row.body is None:
                if rev is None:
                    result[row.doc_id] = True
                    continue
                docs.append({"_id": row.doc_id, "_rev": rev, "_deleted": True})
            else:
                doc = _document(row)
                if rev:
                    doc["_rev"] = rev
                docs.append(doc)
        if docs:
            for answer in self.client.bulk_docs(db, docs):
                result[answer["id"]] = _outcome(answer)
        return result

    def run(self, stop: threading.Event, idle_seconds: float = 1.0) -> None:
        """Publish until stopped; woken after every worker commit, polls otherwise."""
        failures = 0
        while not stop.is_set():
            try:
                published = self.publish_pending()
                failures = 0
            except Exception:  # noqa: BLE001 - keep publishing; the rows stay until they go through
                failures += 1
                log.exception("outbox publishing failed")
                published = 0
            if published:
                continue
            self.wake.wait(min(idle_seconds * (2 ** min(failures, 5)), 30))
            self.wake.clear()
        self.release()

    def release(self) -> None:
        """Hand the outbox lease back (clean stop), so another publisher can go on at once."""
        self._lease_fresh_until = 0.0
        session = self._session()
        try:
            with unit_of_work(session):
                release_lease(session, OUTBOX_LEASE, self.owner)
        except Exception:  # noqa: BLE001 - the lease simply expires
            log.warning("could not release the outbox lease", exc_info=True)
        finally:
            session.close()


def _document(row) -> dict:
    """The store's document of an outbox row: its body, id, and the row it came from."""
    return {**row.body, "_id": row.doc_id, "outbox_id": row.id}


def _outcome(answer: dict) -> object:
    """True for a written document, else the store's error and reason."""
    return True if answer.get("ok") else f"{answer.get('error')}: {answer.get('reason')}"
