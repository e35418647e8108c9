"""Posting one batch of a feed: the part of the worker that runs inside the SQL transaction.

The entry point (the worker) opens the transaction, fences its lease, calls
:func:`post_changes` and :func:`retry_waiting`, stores the checkpoint with
:func:`save_checkpoint`, and commits once. Every event taken from the feed
leaves exactly one ``sync_processed`` row (unique per database, document and
revision), so a replay or a duplicate delivery posts nothing again.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import inspect, or_, select
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session

from server.auth.models import User
from server.auth.operations import principal_for
from server.auth.principal import get_principal, set_principal
from server.bulk import insert_rows
from server.db import get_loaded, utcnow
from server.core.batch import NotDeferred, PostingBatch, batch_of
from server.errors import DomainError
from server.org.scoping import check_writes, may_see
from server.outbox.models import OutboxMessage
from server.outbox.operations import enqueue_document

from . import reasons as R
from .handlers import Event, Handler, PostResult, find_order, handler_for, loaded_order, order_models
from .models import SyncCheckpoint, SyncDeadLetter, SyncOrder, SyncProcessed
from .schemas import parse_time, validate_event

log = logging.getLogger("aftercare.sync.posting")

STATUS_PREFIX = "status:"
# Master data the server publishes into a service point's database (``md:<kind>:<id>``).
MASTER_DATA_PREFIX = "md:"
SERVER_PREFIXES = (STATUS_PREFIX, MASTER_DATA_PREFIX)


@dataclass(frozen=True)
class FeedContext:
    """The database being posted and the organisation it belongs to."""

    db: str
    org_id: uuid.UUID
    order_wait: dt.timedelta
    timezone: str = "Asia/Shanghai"


def is_event_id(doc_id: str) -> bool:
    """Server-owned (status, master data) and special documents are not events."""
    return not doc_id.startswith((*SERVER_PREFIXES, "_design/", "_local/"))


def status_id(event_id: str) -> str:
    return f"{STATUS_PREFIX}{event_id}"


def status_body(event_id: str, event_type: str, state: str, *, numbers: dict | None = None,
                reasons: list | None = None) -> dict:
    return {"type": "status", "event_id": event_id, "event_type": event_type, "state": state,
            "numbers": numbers or {}, "reasons": reasons or [], "updated_at": utcnow().isoformat()}


_POSTED_ORDERS = "aftercare.sync.posted_orders"
# Orders a batch's opening events will make, found nowhere when the batch began (prefetch_opened):
# each leaves the set when its opening event posts it.
_UNPOSTED_ORDERS = "aftercare.sync.unposted_orders"
_ORDER_OWNERS = "aftercare.sync.order_owners"


def order_is_posted(session: Session, order_id: uuid.UUID) -> bool:
    """Whether the order an event names was posted, through sync or at the REST API; a batch asks
    the database once per order."""
    known = session.info.setdefault(_POSTED_ORDERS, set())
    if order_id in known:
        return True
    if order_id in session.info.get(_UNPOSTED_ORDERS, ()):
        return False
    if (loaded_order(session, order_id) is None
            and session.execute(select(SyncOrder.order_id).where(SyncOrder.order_id == order_id)).first() is None
            and find_order(session, order_id) is None):
        return False
    known.add(order_id)
    return True


def prefetch_opened(session: Session, order_ids: list[uuid.UUID]) -> None:
    """Whether the orders a batch's opening events name exist already, asked once per kind of
    order for the whole batch instead of once per kind for each event."""
    known = session.info.setdefault(_POSTED_ORDERS, set())
    ids = sorted(set(order_ids) - known)
    found: set[uuid.UUID] = set()
    for start in range(0, len(ids), 500):
        chunk = ids[start:start + 500]
        found.update(session.execute(select(SyncOrder.order_id).where(SyncOrder.order_id.in_(chunk))).scalars())
        for model in order_models():
            pk = inspect(model).primary_key[0]
            found.update(session.execute(select(pk).where(pk.in_(chunk)).execution_options(unscoped=True)).scalars())
    known.update(found)
    session.info.setdefault(_UNPOSTED_ORDERS, set()).update(i for i in ids if i not in found)


def _opened(session: Session, order_id: uuid.UUID) -> None:
    session.info.get(_UNPOSTED_ORDERS, set()).discard(order_id)


def may_use_order(session: Session, actor, order_id: uuid.UUID) -> bool:
    """The REST API's rule for the order an event names: the acting user must see it (its own
    point's, or shared with that point by forwarding; headquarters sees all). Another point's order
    reads as missing, as it does at the API."""
    if actor.sees_all:
        return True
    order = find_order(session, order_id)
    if order is not None:
        return may_see(actor, order)
    owners = session.info.setdefault(_ORDER_OWNERS, {})  # an order's owner never changes
    owner = owners.get(order_id)
    if owner is None:
        owner = session.execute(select(SyncOrder.org_id).where(SyncOrder.order_id == order_id)).scalar_one_or_none()
        if owner is not None:
            owners[order_id] = owner
    return owner is not None and owner in actor.visible_org_ids


# -- recording outcomes ------------------------------------------------------------------

class _SyncRows:
    """A posting batch's processed rows and status documents, inserted together when it is written.

    They are recorded outside any posting (after it went through or was undone),
    so a posting's undo never touches them."""

    # Nothing reads them while the batch runs (retry_waiting writes the batch first), and they are
    # never written inside a posting's savepoint, where a refusal would take them back.
    read_back = False

    def __init__(self) -> None:
        self.processed: list[dict] = []
        self.outbox: list[dict] = []

    def begin(self) -> None:
        pass

    def undo(self) -> None:
        pass

    def write(self, session: Session) -> None:
        conn = session.connection()
        insert_rows(conn, SyncProcessed.__table__, self.processed)
        insert_rows(conn, OutboxMessage.__table__, self.outbox)
        self.processed, self.outbox = [], []


@dataclass
class _Seen:
    """An event already taken from the feed, now being retried (its rows get updated)."""

    processed: SyncProcessed
    letter: SyncDeadLetter


def _record(session: Session, ctx: FeedContext, doc_id: str, rev: str, event_type: str, outcome: str, *,
            doc: Any = None, result: dict | None = None, reasons: list | None = None,
            order_id: uuid.UUID | None = None, seen: _Seen | None = None, publish: bool = True) -> None:
    """Write the processed row, the dead letter (waiting or dead) and the status document's outbox row."""
    now = utcnow()
    batch = batch_of(session)
    rows = batch.part("sync_rows", _SyncRows) if batch is not None else None
    if seen is None:
        if rows is not None:
            rows.processed.append({"db": ctx.db, "doc_id": doc_id, "rev": rev, "event_type": event_type[:40],
                                   "outcome": outcome, "result": result, "processed_at": now, "updated_at": now})
        else:
            session.add(SyncProcessed(db=ctx.db, doc_id=doc_id, rev=rev, event_type=event_type[:40], outcome=outcome,
                                      result=result))
    else:
        seen.processed.outcome = outcome
        seen.processed.result = result
    if outcome in ("waiting", "rejected"):
        state = "waiting" if outcome == "waiting" else "dead"
        if seen is None:
            session.add(SyncDeadLetter(
                db=ctx.db, doc_id=doc_id, rev=rev, event_type=event_type[:40], order_id=order_id,
                doc=doc if isinstance(doc, dict) else {"_id": doc_id}, state=state, reasons=reasons or [],
                wait_until=now + ctx.order_wait if state == "waiting" else None))
        else:
            letter = seen.letter
            letter.state, letter.reasons, letter.last_tried_at = state, reasons or [], now
            letter.attempts += 1
    elif seen is not None:
        seen.letter.state, seen.letter.last_tried_at = "resolved", now
        seen.letter.attempts += 1
    if publish:
        body = status_body(doc_id, event_type, outcome, numbers=(result or {}).get("numbers"), reasons=reasons)
        if rows is not None:
            rows.outbox.append({"target_db": ctx.db, "doc_id": status_id(doc_id), "kind": "status", "body": body,
                                "created_at": now})
        else:
            enqueue_document(session, ctx.db, status_id(doc_id), "status", body)


# -- one event ---------------------------------------------------------------------------

def _to_event(ctx: FeedContext, doc: dict, rev: str) -> Event:
    return Event(db=ctx.db, id=doc["_id"], rev=rev, type=doc["type"], org_id=uuid.UUID(doc["org"]),
                 user_id=uuid.UUID(doc["user_id"]), device_id=doc["device_id"],
                 created_at=parse_time(doc["created_at"]),
                 order_id=uuid.UUID(doc["order_id"]) if doc.get("order_id") else None, doc=doc,
                 timezone=ctx.timezone)


def _order_of(event: Event, handler: Handler) -> uuid.UUID | None:
    if handler.opens_order:
        return event.order_id or uuid.UUID(event.id)
    return event.order_id


def process_event(session: Session, ctx: FeedContext, doc_id: str, rev: str, doc: Any,
                  seen: _Seen | None = None) -> str:
    """Validate, order, authorise and post one event; record the outcome. Returns the outcome."""
    event_type = doc.get("type") if isinstance(doc, dict) and isinstance(doc.get("type"), str) else ""

    def reject(reasons: list, order_id: uuid.UUID | None = None) -> str:
        _record(session, ctx, doc_id, rev, event_type, "rejected", doc=doc, reasons=reasons, order_id=order_id,
                seen=seen)
        return "rejected"

    if not isinstance(doc, dict) or doc.get("_deleted"):
        return reject([R.reason("invalid_event", "events are never deleted")])
    problems = validate_event(doc)
    if problems:
        return reject(R.from_problems(problems))
    event = _to_event(ctx, doc, rev)
    if event.org_id != ctx.org_id:
        return reject([R.reason("wrong_organisation", field="org")])
    handler = handler_for(event.type)
    if handler is None:
        return reject([R.reason("unknown_type", event.type, "type")])
    order_id = _order_of(event, handler)
    if order_id is not None and not handler.opens_order and not order_is_posted(session, order_id):
        if seen is not None and seen.letter.wait_until is not None and utcnow() >= seen.letter.wait_until:
            return reject([R.reason("order_missing", str(order_id), "order_id")], order_id)
        if seen is not None and seen.letter.state == "waiting" and seen.processed.outcome == "waiting":
            seen.letter.last_tried_at = utcnow()
            return "waiting"  # nothing new to tell the device
        reasons = [R.reason("waiting_for_order", str(order_id), "order_id")]
        _record(session, ctx, doc_id, rev, event.type, "waiting", doc=doc, reasons=reasons, order_id=order_id,
                seen=seen)
        if seen is not None and seen.letter.wait_until is None:
            seen.letter.wait_until = utcnow() + ctx.order_wait
        return "waiting"
    if handler.opens_order and order_is_posted(session, order_id):
        return reject([R.reason("conflict", "this order was already opened", "order_id")], order_id)
    user = get_loaded(session, User, event.user_id)
    if user is None or user.org_id != event.org_id:
        return reject([R.reason("unknown_user", field="user_id")], order_id)
    actor = dataclasses.replace(principal_for(session, user), source="sync", request_id=f"sync:{event.id}"[:64])
    missing = [p for p in handler.permissions if not actor.can(p)]
    if missing:
        return reject([R.reason("not_permitted", ", ".join(missing), "user_id")], order_id)
    if order_id is not None and not handler.opens_order and not may_use_order(session, actor, order_id):
        return reject([R.reason("not_found", "no such order", "order_id")], order_id)
    batch = batch_of(session)
    if batch is not None and handler.defers(event.doc):
        return _post_deferred(session, ctx, batch, handler, event, actor, order_id, doc_id, rev, seen, reject)
    if batch is None:
        return _post_in_savepoint(session, ctx, handler, event, actor, order_id, doc_id, rev, seen, reject)
    # Earlier postings of the batch reach the database before this one reads or writes it.
    batch.write(final=False)
    return _post_optimistic(session, ctx, handler, event, actor, order_id, doc_id, rev, seen)


def _post_optimistic(session: Session, ctx: FeedContext, handler: Handler, event: Event, actor, order_id,
                     doc_id: str, rev: str, seen: _Seen | None) -> str:
    """Post in a batch without a savepoint of its own: its rows are flushed with the others.

    Devices check events before they send them, so refusals are rare; when one comes (or the
    database refuses a row at a later flush), the whole batch is rolled back and posted again one
    savepoint per event (``BatchFallback``), where the event is refused alone. A savepoint and a
    flush per event were a third of the time of posting repair events."""
    system = get_principal(session)
    set_principal(session, actor)
    try:
        result = handler.post(session, event)
        if handler.opens_order:
            session.add(SyncOrder(order_id=order_id, org_id=event.org_id, event_type=event.type,
                                  document_type=result.document_type, document_id=result.document_id,
                                  number=result.number))
            _opened(session, order_id)
    except OperationalError:
        set_principal(session, system)
        raise  # the database itself failed: the whole batch is retried
    except Exception as exc:
        set_principal(session, system)
        raise BatchFallback(f"{event.type} {event.id}: {exc}") from exc
    set_principal(session, system)
    batch = batch_of(session)
    if batch is not None:
        batch.unflushed = True  # a deferred posting after it may need its changes flushed (settle)
    _record(session, ctx, doc_id, rev, event.type, "posted", result=_result_json(result), seen=seen)
    return "posted"


def _post_in_savepoint(session: Session, ctx: FeedContext, handler: Handler, event: Event, actor, order_id,
                       doc_id: str, rev: str, seen: _Seen | None, reject) -> str:
    system = get_principal(session)
    set_principal(session, actor)
    try:
        with session.begin_nested():
            result = handler.post(session, event)
            if handler.opens_order:
                session.add(SyncOrder(order_id=order_id, org_id=event.org_id, event_type=event.type,
                                      document_type=result.document_type, document_id=result.document_id,
                                      number=result.number))
                _opened(session, order_id)
            session.flush()
    except DomainError as exc:
        set_principal(session, system)
        return reject(R.from_error(exc), order_id)
    except (OperationalError, DBAPIError) as exc:
        if isinstance(exc, OperationalError) or exc.connection_invalidated:
            raise  # the database itself failed: the whole batch is retried
        set_principal(session, system)
        log.exception("posting %s %s failed in the database", event.type, event.id)
        return reject([R.reason("internal_error")], order_id)
    except Exception:  # noqa: BLE001 - a handler bug must not stop the feed; the dead letter keeps the event
        set_principal(session, system)
        log.exception("posting %s %s failed", event.type, event.id)
        return reject([R.reason("internal_error")], order_id)
    set_principal(session, system)
    _record(session, ctx, doc_id, rev, event.type, "posted", result=_result_json(result), seen=seen)
    return "posted"


class BatchFallback(Exception):
    """A deferred posting failed other than by refusal: post the batch again, one savepoint per event."""


def _post_deferred(session: Session, ctx: FeedContext, batch: PostingBatch, handler: Handler, event: Event, actor,
                   order_id, doc_id: str, rev: str, seen: _Seen | None, reject) -> str:
    """Post through the batch: checked now against its state, written with the batch; a refusal
    is undone in memory (nothing of it reached the database).

    An event opening an order (an exchange intake) reads tables optimistic postings write: what
    they left unflushed is flushed first (``settle``). Its order stays pending in the session
    until the batch is written; the events naming it find it there (``loaded_order``)."""
    if handler.opens_order:
        batch.settle()
    system = get_principal(session)
    set_principal(session, actor)
    batch.begin()
    try:
        # No autoflush: this posting's objects must not reach the database before it is accepted.
        with session.no_autoflush:
            result = handler.post(session, event)
            if handler.opens_order:
                session.add(SyncOrder(order_id=order_id, org_id=event.org_id, event_type=event.type,
                                      document_type=result.document_type, document_id=result.document_id,
                                      number=result.number))
        check_writes(session, batch.new_objects)
        batch.end()
    except NotDeferred:
        batch.undo()
        set_principal(session, system)
        batch.write(final=False)
        return _post_optimistic(session, ctx, handler, event, actor, order_id, doc_id, rev, seen)
    except DomainError as exc:
        batch.undo()
        set_principal(session, system)
        return reject(R.from_error(exc), order_id)
    except OperationalError:
        batch.undo()
        set_principal(session, system)
        raise  # the database itself failed: the whole batch is retried
    except Exception as exc:
        batch.undo()
        set_principal(session, system)
        raise BatchFallback(f"{event.type} {event.id}") from exc
    set_principal(session, system)
    if handler.opens_order:
        _opened(session, order_id)
        session.info.setdefault(_POSTED_ORDERS, set()).add(order_id)
    _record(session, ctx, doc_id, rev, event.type, "posted", result=_result_json(result), seen=seen)
    return "posted"


def _result_json(result: PostResult) -> dict:
    return {"numbers": dict(result.numbers), "document_type": result.document_type,
            "document_id": str(result.document_id) if result.document_id else None}


# -- a batch -----------------------------------------------------------------------------

def _prefetch(session: Session, docs: list[Any]) -> None:
    """Let each handler load at once what its events of this batch will look up (one call per
    prefetch function, which several types may share)."""
    by_function: dict[Any, list[dict]] = {}
    opened: list[uuid.UUID] = []
    for doc in docs:
        if isinstance(doc, dict) and isinstance(doc.get("type"), str) and not doc.get("_deleted"):
            handler = handler_for(doc["type"])
            if handler is not None and handler.prefetch is not None:
                by_function.setdefault(handler.prefetch, []).append(doc)
            if handler is not None and handler.opens_order:
                try:  # the order it opens, as _order_of names it
                    opened.append(uuid.UUID(doc.get("order_id") or doc.get("_id")))
                except (TypeError, ValueError, AttributeError):
                    pass  # the schema check refuses it later
    if opened:
        prefetch_opened(session, opened)
    for prefetch, of_function in by_function.items():
        prefetch(session, of_function)


def post_changes(session: Session, ctx: FeedContext, changes: list[dict], docs: dict[tuple[str, str], Any]) -> dict[str, int]:
    """Post the events of one ``_changes`` batch (``style=all_docs``), skipping what was processed.

    ``docs`` maps (id, rev) to the document fetched with ``_bulk_get``. Two
    leaf revisions of one event are a collision: refused, never merged.
    Writes: sync_processed, sync_dead_letter, sync_order, outbox_message, and whatever the handlers write.
    """
    counts = {"posted": 0, "rejected": 0, "waiting": 0, "skipped": 0}
    leaves = [(ch["id"], [c["rev"] for c in ch.get("changes", [])]) for ch in changes if is_event_id(ch["id"])]
    if not leaves:
        return counts
    ids = sorted({doc_id for doc_id, _ in leaves})
    done: set[tuple[str, str]] = set()
    for chunk in range(0, len(ids), 500):
        rows = session.execute(select(SyncProcessed.doc_id, SyncProcessed.rev).where(
            SyncProcessed.db == ctx.db, SyncProcessed.doc_id.in_(ids[chunk:chunk + 500]))).all()
        done.update((r.doc_id, r.rev) for r in rows)
    # An event is posted once, by its id: any later revision of it (the store may hold one the proxy
    # never let through, or one written behind it) is a collision, whatever it says.
    taken = {doc_id for doc_id, _ in done}
    _prefetch(session, [docs.get((doc_id, revs[0])) for doc_id, revs in leaves
                        if len(revs) == 1 and (doc_id, revs[0]) not in done])
    for doc_id, revs in leaves:
        new = [r for r in revs if (doc_id, r) not in done]
        if not new:
            counts["skipped"] += 1
            continue
        if len(revs) > 1 or doc_id in taken or not new[0].startswith("1-"):
            # An earlier version already went through: its status stands, the collision is only dead-lettered.
            publish = len(new) == len(revs) and doc_id not in taken
            for rev in new:
                doc = docs.get((doc_id, rev))
                event_type = doc.get("type", "") if isinstance(doc, dict) and isinstance(doc.get("type"), str) else ""
                _record(session, ctx, doc_id, rev, event_type, "rejected", doc=doc,
                        reasons=[R.reason("collision", field="_id")], publish=publish)
                done.add((doc_id, rev))
                counts["rejected"] += 1
            taken.add(doc_id)
            continue
        rev = new[0]
        outcome = process_event(session, ctx, doc_id, rev, docs.get((doc_id, rev)))
        done.add((doc_id, rev))
        taken.add(doc_id)
        counts[outcome] += 1
    return counts


def retry_waiting(session: Session, ctx: FeedContext, limit: int = 500) -> int:
    """Post the waiting events whose order has come, and dead-letter those that waited too long.

    Also takes dead letters re-queued by ``aftercare sync retry``. Writes: as :func:`post_changes`.
    """
    now = utcnow()
    batch = batch_of(session)
    if batch is not None:
        batch.write()  # the letters' processed rows may be pending
    letters = session.execute(
        select(SyncDeadLetter).where(
            SyncDeadLetter.db == ctx.db, SyncDeadLetter.state == "waiting",
            or_(SyncDeadLetter.order_id.is_(None),
                SyncDeadLetter.order_id.in_(select(SyncOrder.order_id)),
                SyncDeadLetter.wait_until < now),
        ).order_by(SyncDeadLetter.id).limit(limit)
    ).scalars().all()
    changed = 0
    for letter in letters:
        processed = session.execute(select(SyncProcessed).where(
            SyncProcessed.db == ctx.db, SyncProcessed.doc_id == letter.doc_id, SyncProcessed.rev == letter.rev)).scalar_one()
        before = (letter.state, processed.outcome)
        process_event(session, ctx, letter.doc_id, letter.rev, letter.doc, seen=_Seen(processed, letter))
        changed += (letter.state, processed.outcome) != before
    return changed


def has_due_waiting(session: Session, db: str) -> bool:
    now = utcnow()
    return session.execute(select(SyncDeadLetter.id).where(
        SyncDeadLetter.db == db, SyncDeadLetter.state == "waiting",
        or_(SyncDeadLetter.order_id.is_(None), SyncDeadLetter.order_id.in_(select(SyncOrder.order_id)),
            SyncDeadLetter.wait_until < now)).limit(1)).first() is not None


def load_checkpoint(session: Session, db: str) -> str | None:
    return session.execute(select(SyncCheckpoint.seq).where(SyncCheckpoint.db == db)).scalar_one_or_none()


def save_checkpoint(session: Session, db: str, seq: str) -> None:
    """Store the feed position reached (opaque). Writes: sync_checkpoint."""
    row = session.get(SyncCheckpoint, db)
    if row is None:
        session.add(SyncCheckpoint(db=db, seq=seq))
    else:
        row.seq = seq
