"""The posting worker: follows every service point database's ``_changes`` and posts into the ERP core.

- One follower thread per owned database polls the feed, with the documents'
  bodies, into one bounded queue: when posting falls behind, followers wait
  (backpressure).
- The poster (the thread calling :meth:`PostingWorker.run`) takes a batch and,
  in ONE transaction: fences its lease, posts every event through its handler,
  records each (db, doc, rev) as processed, retries waiting events, stores the
  new checkpoint, and writes the status documents to the outbox. Then it wakes
  the outbox publisher.
- A crash at any point loses nothing (the checkpoint only moves with the
  postings) and posts nothing twice (processed rows are unique; the lease fence
  stops a replaced worker from committing).
- Several workers may run: each database is owned by one of them through a
  lease row (see ``sync.leases``); a worker that dies is replaced when its
  lease runs out.
"""

from __future__ import annotations

import datetime as dt
import gc
import logging
import os
import queue
import socket
import threading
import time
import uuid
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any, Callable

from sqlalchemy import event, select
from sqlalchemy.exc import DBAPIError, OperationalError

from server.core.batch import posting_batch
from server.db import carry_caches, sqlite_replayable, unit_of_work
from server.http import system_session
from server.org.models import Organisation
from server.outbox.operations import service_point_db

from .client import CouchClient, StoreError, client_for, seq_param
from .handlers import load_handlers
from .leases import LeaseLost, acquire_lease, feed_lease, hold_lease, release_lease
from .posting import BatchFallback, FeedContext, has_due_waiting, is_event_id, load_checkpoint, post_changes, retry_waiting, save_checkpoint

log = logging.getLogger("aftercare.sync.worker")


# A posting batch makes some hundred thousand short-lived objects (rows, records, Decimals): at the
# interpreter's default (a young collection every 700 net allocations) the collector took a tenth
# of posting time, walking the same survivors again and again.
YOUNG_COLLECTION_THRESHOLD = 10_000


def tune_collector() -> None:
    """Collect young objects less often in a process that posts (never more often than it does)."""
    young, middle, old = gc.get_threshold()
    if young and young < YOUNG_COLLECTION_THRESHOLD:
        gc.set_threshold(YOUNG_COLLECTION_THRESHOLD, middle, old)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def service_point_dbs(session) -> dict[str, uuid.UUID]:
    """The database of every active service point → its organisation id."""
    rows = session.execute(select(Organisation.code, Organisation.id).where(
        Organisation.kind == "service_point", Organisation.active.is_(True))).all()
    return {service_point_db(code): org_id for code, org_id in rows}


@dataclass
class Batch:
    db: str
    generation: int
    results: list[dict]
    last_seq: Any
    docs: dict[tuple[str, str], Any]


class Follower(threading.Thread):
    """Reads one database's feed from a position into the worker's bounded queue."""

    def __init__(self, worker: "PostingWorker", db: str, since: str | None, generation: int):
        super().__init__(name=f"follow-{db}", daemon=True)
        self.worker, self.db, self.since, self.generation = worker, db, since, generation
        self.stopped = threading.Event()

    def run(self) -> None:
        # Batches are counted in events: the feed also carries the server's own documents
        # (status documents interleave with the events as they are published), which cost
        # the poster nothing but would otherwise shrink every transaction.
        since, w = self.since, self.worker
        pending: list[dict] = []  # read, not yet queued: the feed from the last queued batch up to ``since``
        while not self.stopped.is_set():
            caught_up = False
            try:
                if _events_in(pending) < w.batch_size:
                    # A plain feed, polled: pouchdb-server ignores longpoll's timeout, and
                    # a poll a second is cheap next to posting.
                    # With the bodies: the poster only posts; the follower waits for the store.
                    res = w.client.changes(self.db, since=since, limit=w.batch_size, style="all_docs", include_docs=True)
                    page = res.get("results") or []
                    pending.extend(page)
                    last = res.get("last_seq")
                    since = seq_param(last) if last is not None else since
                    caught_up = len(page) < w.batch_size
                results, last_seq, pending = _take_batch(pending, w.batch_size, since, caught_up)
                docs = w.fetch_docs(self.db, results) if results else {}
            except StoreError as exc:
                log.warning("feed %s: %s", self.db, exc)
                self.stopped.wait(1.0)
                continue
            except Exception:  # noqa: BLE001 - keep following; the poster restarts us if needed
                if self.stopped.is_set():
                    return
                log.exception("feed %s failed", self.db)
                self.stopped.wait(1.0)
                continue
            if results:
                batch = Batch(self.db, self.generation, results, last_seq, docs)
                while not self.stopped.is_set():
                    try:
                        w.queue.put(batch, timeout=0.5)
                        break
                    except queue.Full:
                        continue
            if caught_up and not pending:
                self.stopped.wait(w.poll_ms / 1000)


def _events_in(results: list[dict]) -> int:
    return sum(1 for r in results if is_event_id(r["id"]))


def _take_batch(pending: list[dict], size: int, since: str | None, caught_up: bool) -> tuple[list[dict], Any, list[dict]]:
    """(changes to post, the seq to checkpoint after them, the rest): the changes up to and with the
    ``size``-th event, checkpointed at its own seq; or, when the feed has no more for now, all of
    them up to the feed's last seq (also when the feed has long run without events: bounded).
    Otherwise nothing yet: read on."""
    events = 0
    for n, row in enumerate(pending):
        if is_event_id(row["id"]):
            events += 1
            if events == size and n + 1 < len(pending):
                return pending[:n + 1], row["seq"], pending[n + 1:]
    if caught_up or events >= size or len(pending) >= 4 * size:
        return pending, since, []
    return [], None, pending


class PostingWorker:
    def __init__(self, app, *, client: CouchClient | None = None, owner: str | None = None,
                 batch_size: int | None = None, queue_size: int = 8, poll_ms: int = 1000,
                 on_commit: Callable[[], None] | None = None):
        settings = app.extensions["aftercare.settings"]
        self.app = app
        self.client = client or client_for(settings)
        self.owner = owner or worker_name()
        self.batch_size = batch_size or settings.sync_batch_size
        self.lease_seconds = settings.sync_lease_seconds
        self.order_wait = dt.timedelta(seconds=settings.sync_order_wait_seconds)
        self.timezone = settings.timezone
        self.poll_ms = poll_ms
        self.queue: queue.Queue[Batch] = queue.Queue(maxsize=queue_size)
        self.followers: dict[str, Follower] = {}
        self.orgs: dict[str, uuid.UUID] = {}
        self.on_commit = on_commit or (lambda: None)
        self._generation = 0
        self._last_maintenance: dict[str, float] = {}
        self._carried: dict[str, dict] = {}  # committed immutable records (server.db.carry_caches)
        load_handlers()

    def _session(self):
        return system_session(self.app, "sync")

    def _posting_session(self):
        """A session for one batch that keeps what it loaded (organisations, users, warehouses, items …).

        The ORM's identity map holds objects weakly: without this, every event
        would load the same reference rows (and the orders made a moment ago) again. The session lives for one
        batch, so the memory is bounded and nothing outlives the transaction.
        """
        session = self._session()
        carry_caches(self._carried, seed=session)
        kept: list = []
        event.listen(session, "loaded_as_persistent", lambda _s, obj: kept.append(obj))
        event.listen(session, "pending_to_persistent", lambda _s, obj: kept.append(obj))  # made in this batch
        session.info["kept"] = kept
        return session

    # -- ownership -------------------------------------------------------------------------

    def manage_leases(self) -> set[str]:
        """Take or renew the leases of every service point database; start and stop followers to match."""
        session = self._session()
        owned: set[str] = set()
        try:
            with unit_of_work(session):
                self.orgs = service_point_dbs(session)
                for db in sorted(self.orgs):
                    if acquire_lease(session, feed_lease(db), self.owner, self.lease_seconds):
                        owned.add(db)
        finally:
            session.close()
        for db in list(self.followers):
            if db not in owned:
                self._stop_follower(db)
        for db in owned:
            if db not in self.followers:
                self._start_follower(db)
        return owned

    def _start_follower(self, db: str) -> None:
        session = self._session()
        try:
            with unit_of_work(session):
                since = load_checkpoint(session, db)
        finally:
            session.close()
        self._generation += 1
        follower = Follower(self, db, since, self._generation)
        self.followers[db] = follower
        follower.start()

    def _stop_follower(self, db: str) -> None:
        follower = self.followers.pop(db, None)
        if follower is not None:
            follower.stopped.set()

    def release_all(self) -> None:
        followers = list(self.followers.values())
        for db in list(self.followers):
            self._stop_follower(db)
        for follower in followers:  # a poll ends within the client timeout
            follower.join(timeout=self.poll_ms / 1000 + 5)
        session = self._session()
        try:
            with unit_of_work(session):
                for db in self.orgs:
                    release_lease(session, feed_lease(db), self.owner)
        except Exception:  # noqa: BLE001 - the leases then simply expire
            log.warning("could not release leases", exc_info=True)
        finally:
            session.close()

    # -- posting ---------------------------------------------------------------------------

    def fetch_docs(self, db: str, results: list[dict]) -> dict[tuple[str, str], Any]:
        """The documents of a batch, by (id, rev): the bodies a feed read with ``include_docs`` carries
        (the winning revision), the other leaves of a collision with ``_bulk_get``."""
        docs: dict[tuple[str, str], Any] = {}
        refs = []
        for ch in results:
            if not is_event_id(ch["id"]):
                continue
            body = ch.get("doc")
            for c in ch.get("changes", []):
                if isinstance(body, dict) and body.get("_rev") == c["rev"]:
                    docs[(ch["id"], c["rev"])] = body
                else:
                    refs.append({"id": ch["id"], "rev": c["rev"]})
        for chunk in range(0, len(refs), 500):
            for item in self.client.bulk_get(db, refs[chunk:chunk + 500]):
                for entry in item.get("docs", []):
                    doc = entry.get("ok")
                    if doc is not None:
                        docs[(doc["_id"], doc["_rev"])] = doc
        return docs

    def post_batch(self, db: str, results: list[dict], last_seq: Any,
                   docs: dict[tuple[str, str], Any] | None = None) -> dict[str, int]:
        """Post one batch in one transaction (raises LeaseLost if another worker owns the feed now).

        The events go through a posting batch (``server.core.batch``): stock documents
        are checked one by one against the batch's state and written together. If
        that fails other than by refusing an event (a database constraint, a bug), the
        transaction is rolled back and the batch posted again one savepoint per event,
        where such an event is refused alone.
        """
        if docs is None:
            docs = self.fetch_docs(db, results)
        try:
            counts = self._post(db, results, last_seq, docs, batched=True)
        except (BatchFallback, DBAPIError) as exc:
            if isinstance(exc, OperationalError) or getattr(exc, "connection_invalidated", False):
                raise
            log.warning("posting a batch of %s together failed (%s); posting it event by event", db, exc)
            counts = self._post(db, results, last_seq, docs, batched=False)
        self.on_commit()
        return counts

    def _post(self, db: str, results: list[dict], last_seq: Any, docs: dict, *, batched: bool) -> dict[str, int]:
        ctx = FeedContext(db=db, org_id=self.orgs[db], order_wait=self.order_wait, timezone=self.timezone)
        session = self._posting_session()
        # Everything this transaction writes is made again from the store if it is lost (the
        # checkpoint goes with it): on SQLite its commit need not wait for the disk.
        replayable = sqlite_replayable.set(True)
        try:
            with unit_of_work(session):
                hold_lease(session, feed_lease(db), self.owner, self.lease_seconds)
                with posting_batch(session) if batched else nullcontext():
                    counts = post_changes(session, ctx, results, docs)
                    retry_waiting(session, ctx)
                save_checkpoint(session, db, seq_param(last_seq))
            carry_caches(self._carried, session)  # committed: what it made exists now
        finally:
            sqlite_replayable.reset(replayable)
            session.close()
        return counts

    def maintain(self, db: str) -> None:
        """Retry the waiting events of a database whose order has come or whose wait is over."""
        session = self._session()
        try:
            with unit_of_work(session):
                if not has_due_waiting(session, db):
                    return
                hold_lease(session, feed_lease(db), self.owner, self.lease_seconds)
                ctx = FeedContext(db=db, org_id=self.orgs[db], order_wait=self.order_wait, timezone=self.timezone)
                changed = retry_waiting(session, ctx)
        finally:
            session.close()
        if changed:
            self.on_commit()

    def _handle(self, batch: Batch) -> None:
        follower = self.followers.get(batch.db)
        if follower is None or follower.generation != batch.generation:
            return  # from a follower stopped since
        try:
            counts = self.post_batch(batch.db, batch.results, batch.last_seq, batch.docs)
            log.debug("posted %s: %s", batch.db, counts)
        except LeaseLost:
            log.info("lost %s to another worker", batch.db)
            self._stop_follower(batch.db)
        except Exception:  # noqa: BLE001 - the batch is not committed: read it again from the checkpoint
            log.exception("posting a batch of %s failed; retrying from its checkpoint", batch.db)
            self._stop_follower(batch.db)
            time.sleep(1.0)

    def run(self, stop: threading.Event) -> None:
        """Post until ``stop`` is set; then stop the followers and hand the leases back."""
        tune_collector()
        next_leases = 0.0
        try:
            while not stop.is_set():
                now = time.monotonic()
                if now >= next_leases:
                    try:
                        self.manage_leases()
                    except Exception:  # noqa: BLE001 - the database may be briefly away
                        log.exception("managing leases failed")
                    next_leases = now + max(self.lease_seconds / 3, 0.2)
                try:
                    batch = self.queue.get(timeout=0.2)
                except queue.Empty:
                    self._maintain_idle()
                    continue
                self._handle(batch)
        finally:
            self.release_all()

    def _maintain_idle(self) -> None:
        now = time.monotonic()
        for db in list(self.followers):
            if now - self._last_maintenance.get(db, 0) < 2.0:
                continue
            self._last_maintenance[db] = now
            try:
                self.maintain(db)
            except LeaseLost:
                self._stop_follower(db)
            except Exception:  # noqa: BLE001
                log.exception("retrying waiting events of %s failed", db)

    # -- synchronous use (tests, `aftercare sync worker --once`) ---------------------------

    def drain(self) -> dict[str, int]:
        """Post everything the owned databases hold now, without threads. Returns totals."""
        tune_collector()
        totals = {"posted": 0, "rejected": 0, "waiting": 0, "skipped": 0}
        session = self._session()
        owned = set()
        try:
            with unit_of_work(session):
                self.orgs = service_point_dbs(session)
                for db in sorted(self.orgs):
                    if acquire_lease(session, feed_lease(db), self.owner, self.lease_seconds):
                        owned.add(db)
        finally:
            session.close()
        for db in sorted(owned):
            session = self._session()
            try:
                with unit_of_work(session):
                    since = load_checkpoint(session, db)
            finally:
                session.close()
            while True:
                res = self.client.changes(db, since=since, limit=self.batch_size, style="all_docs", include_docs=True)
                results = res.get("results") or []
                if not results:
                    break
                for k, v in self.post_batch(db, results, res["last_seq"]).items():
                    totals[k] += v
                since = seq_param(res["last_seq"])
            self.maintain(db)
        return totals
