"""Lifecycle operations every document type uses, numbering, closed periods, the audit log.

Operations flush and never commit; the entry point commits once.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, TypeVar

from sqlalchemy import bindparam, event, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ..auth.principal import get_principal
from ..db import get_loaded, utcnow
from ..errors import Forbidden, InvalidInput, PeriodClosed
from ..ids import uuid7
from ..org.models import Organisation
from ..org.scoping import check_writes
from . import lifecycle
from .batch import Journal, batch_of, fill_defaults, late_rows, pending_rows
from .models import AuditLog, DocumentCounter, DocumentMixin, PeriodLock, snapshot
from .plain import Plain


class PlainAuditLog(Plain, model=AuditLog):
    """An audit record of a deferred posting (``server.core.plain``)."""


D = TypeVar("D", bound=DocumentMixin)


# -- audit log -----------------------------------------------------------------

def record_audit(
    session: Session,
    action: str,
    entity: Any = None,
    *,
    entity_type: str | None = None,
    entity_id: Any = None,
    org_id: uuid.UUID | None = None,
    before: dict | None = None,
    after: dict | None = None,
) -> AuditLog:
    """Append one audit record for the session's principal. Writes: audit_log."""
    p = get_principal(session)
    if entity is not None:
        entity_type = entity_type or entity.__tablename__
        entity_id = entity_id or entity.id
        org_id = org_id or getattr(entity, "org_id", None)
    # In a posting batch nothing reads the audit log before the batch ends: its records are
    # inserted together when it is written.
    pending = late_rows(session)
    row = (AuditLog if pending is None else PlainAuditLog)(
        # A batch's records get their id (time-ordered) now, not when their part of the batch is
        # written: a deferred posting's rows are written before the late rows of earlier postings.
        **({} if pending is None else {"id": uuid7()}),
        # Network-wide records are logged under the acting user's organisation.
        org_id=org_id or p.org_id,
        at=utcnow(),
        user_id=p.user_id,
        actor_id=p.actor_id or p.user_id,
        username=p.username or "",
        actor_username=p.actor_username or p.username or "",
        source=p.source,
        action=action,
        entity_type=entity_type or "",
        entity_id=str(entity_id or ""),
        before=before,
        after=after,
        request_id=p.request_id or "",
    )
    if pending is not None:
        pending.add(row)  # inserted with its batch
    else:
        session.add(row)
    return row


def diff_snapshots(before: dict, after: dict) -> tuple[dict, dict]:
    """Only the changed keys of two snapshots, so audit rows stay readable."""
    keys = [k for k in after if before.get(k) != after.get(k) and k not in ("updated_at", "version")]
    return {k: before.get(k) for k in keys}, {k: after.get(k) for k in keys}


# -- numbering -----------------------------------------------------------------

def _counter_statement(dialect: str, lock_only: bool = False):
    """INSERT … ON CONFLICT DO UPDATE … RETURNING: make the row or increment it (or, ``lock_only``,
    lock and read it), in one statement."""
    stmt = _COUNTER_STATEMENTS.get((dialect, lock_only))
    if stmt is None:
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        ins = insert(DocumentCounter).values(
            doc_type=bindparam("doc_type"), org_id=bindparam("org_id"), period=bindparam("period"),
            last_value=0 if lock_only else 1)
        step = DocumentCounter.last_value if lock_only else DocumentCounter.last_value + 1
        stmt = _COUNTER_STATEMENTS[(dialect, lock_only)] = ins.on_conflict_do_update(
            index_elements=["doc_type", "org_id", "period"], set_={"last_value": step}).returning(DocumentCounter.last_value)
    return stmt


_COUNTER_STATEMENTS: dict[tuple, Any] = {}
_COUNTER_WRITE = (update(DocumentCounter)
                  .where(DocumentCounter.doc_type == bindparam("k_type"), DocumentCounter.org_id == bindparam("k_org"),
                         DocumentCounter.period == bindparam("k_period"))
                  .values(last_value=bindparam("v")))


class _Counters:
    """The counters a posting batch numbers from: each row locked and read once, written back at the end."""

    def __init__(self) -> None:
        self.values: dict[tuple, int] = {}
        self.dirty: set[tuple] = set()
        self.journal = Journal()

    def begin(self) -> None:
        self.journal.begin()

    def undo(self) -> None:
        self.journal.undo()

    def next(self, session: Session, key: tuple) -> int:
        if key not in self.values:
            value = session.execute(_counter_statement(session.get_bind().dialect.name, lock_only=True),
                                    dict(zip(("doc_type", "org_id", "period"), key))).scalar_one()
            if session.in_nested_transaction():
                # Locked (and perhaps made) inside a savepoint: a refusal rolls that back, so forget it.
                self.journal.save(self.values, key)
            # Otherwise the row stays locked to the batch whatever this posting's fate: a refusal
            # keeps the value read (and does not read it again).
            self.values[key] = value
        self.journal.save(self.values, key)
        self.values[key] += 1
        self.dirty.add(key)
        return self.values[key]

    def write(self, session: Session) -> None:
        rows = [{"k_type": k[0], "k_org": k[1], "k_period": k[2], "v": self.values[k]} for k in self.dirty if k in self.values]
        if rows:
            session.connection().execute(_COUNTER_WRITE, rows)
        self.dirty.clear()

def next_document_number(session: Session, doc_type: str, prefix: str, org: Organisation, doc_date: dt.date) -> str:
    """The next gapless number, e.g. ``WX-SZ01-2611-00042``. Writes: document_counter.

    The counter row is made or incremented by one atomic upsert … RETURNING in
    the caller's transaction: concurrent posters queue on the row lock
    (PostgreSQL) or the write lock (SQLite), and a rollback returns the number.
    In a posting batch the row is locked once and the number kept in memory
    until the batch is written (a refused posting gives its number back).
    """
    period = doc_date.strftime("%y%m")
    batch = batch_of(session)
    if batch is not None:
        value = batch.part("counters", _Counters).next(session, (doc_type, org.id, period))
    else:
        value = session.execute(_counter_statement(session.get_bind().dialect.name),
                                {"doc_type": doc_type, "org_id": org.id, "period": period}).scalar_one()
    return f"{prefix}-{org.code}-{period}-{value:05d}"


# -- closed periods ------------------------------------------------------------

_PERIODS = "aftercare.closed_through"


@event.listens_for(Session, "after_soft_rollback")
def _forget_periods(session: Session, _previous) -> None:
    session.info.pop(_PERIODS, None)


def closed_through(session: Session, org_id: uuid.UUID) -> dt.date | None:
    """The organisation's closing date; a session asks the database once per organisation
    (a batch of postings checks the same one again and again). Closing a period in the
    same session updates what it remembers; a rollback forgets it."""
    known = session.info.setdefault(_PERIODS, {})
    if org_id not in known:
        known[org_id] = session.execute(
            select(PeriodLock.closed_through).where(PeriodLock.org_id == org_id).execution_options(unscoped=True)
        ).scalar_one_or_none()
    return known[org_id]


def check_period_open(session: Session, org_id: uuid.UUID, when: dt.date, field: str = "doc_date") -> None:
    through = closed_through(session, org_id)
    if through is not None and when <= through:
        raise PeriodClosed(field, f"{when.isoformat()} is in a closed period (closed through {through.isoformat()})")


def check_doc_date(session: Session, when: dt.date, field: str = "doc_date") -> None:
    """A document's date lies in the window around today (business time zone) that the settings
    allow (``AFTERCARE_DOC_DATE_PAST_DAYS`` / ``_FUTURE_DAYS``): 9999-12-31 would number a document
    in a month that never comes and sort after everything for ever."""
    from zoneinfo import ZoneInfo

    from ..settings import Settings

    if when is None:
        return  # not dated yet: the type's own rule (or the column) answers
    settings = session.info.get("aftercare.settings") or Settings()
    today = dt.datetime.now(ZoneInfo(settings.timezone)).date()
    earliest = today - dt.timedelta(days=settings.doc_date_past_days)
    latest = today + dt.timedelta(days=settings.doc_date_future_days)
    if isinstance(when, dt.datetime) or not isinstance(when, dt.date):
        raise InvalidInput(field, "must be a date")
    if not earliest <= when <= latest:
        raise InvalidInput(field, f"must be between {earliest.isoformat()} and {latest.isoformat()}")


def set_closed_through(session: Session, org_id: uuid.UUID, through: dt.date, reason: str = "") -> PeriodLock:
    """Close (or, moving the date back, reopen) an organisation's books; ``reason`` goes to the audit
    record. Writes: period_lock, audit_log."""
    p = get_principal(session)
    if not p.may_write_org(org_id):
        raise Forbidden("you may close periods of your own organisation only", {"org_id": ["not your organisation"]})
    if session.get(Organisation, org_id) is None:
        raise InvalidInput("org_id", "no such organisation")
    lock = session.execute(select(PeriodLock).where(PeriodLock.org_id == org_id)).scalar_one_or_none()
    before = {"closed_through": lock.closed_through.isoformat()} if lock else None
    if lock is None:
        lock = PeriodLock(org_id=org_id, closed_through=through, updated_by_id=p.user_id)
        session.add(lock)
    else:
        lock.closed_through = through
        lock.updated_by_id = p.user_id
    session.flush()
    session.info.setdefault(_PERIODS, {})[org_id] = through
    action = "period.reopen" if before and before["closed_through"] > through.isoformat() else "period.close"
    after = {"closed_through": through.isoformat(), **({"reason": reason} if reason else {})}
    record_audit(session, action, lock, before=before, after=after)
    return lock


# -- the lifecycle ---------------------------------------------------------------

def _transition(doc: DocumentMixin, action: str) -> str | None:
    return lifecycle.next_status(doc.doc_state, action)


def _deferring(session: Session) -> bool:
    batch = batch_of(session)
    return batch is not None and batch.deferring


def create_document(session: Session, doc: D) -> D:
    """Add a new draft. Writes: the document table, audit_log. In a posting batch's deferred
    mode (a document opened deferred and posted at once, like an exchange intake) nothing is
    flushed: the document stays pending in the session until the batch is written."""
    p = get_principal(session)
    check_doc_date(session, doc.doc_date)
    doc.status = lifecycle.DRAFT
    doc.created_by_id = p.user_id
    session.add(doc)
    if _deferring(session):
        fill_defaults(doc)  # pending until its batch is written, as a flush would have it
    else:
        session.flush()
    record_audit(session, f"{doc.DOC_TYPE}.create", doc, after=doc.snapshot())
    return doc


def update_draft(session: Session, doc: D, changes: dict[str, Any]) -> D:
    """Change a draft's fields. Posted documents are corrected by reversal only."""
    _transition(doc, "edit")
    if "doc_date" in changes:
        check_doc_date(session, changes["doc_date"])
    before = doc.snapshot()
    for key, value in changes.items():
        setattr(doc, key, value)
    session.flush()
    b, a = diff_snapshots(before, doc.snapshot())
    record_audit(session, f"{doc.DOC_TYPE}.edit", doc, before=b, after=a)
    return doc


def delete_draft(session: Session, doc: DocumentMixin) -> None:
    """Drafts touch no ledger and may be deleted; the audit log keeps their last state."""
    _transition(doc, "delete")
    record_audit(session, f"{doc.DOC_TYPE}.delete", doc, before=doc.snapshot())
    session.delete(doc)
    session.flush()


def post_document(session: Session, doc: D) -> D:
    """draft → posted: validate, check the period, number, write ledgers, freeze.

    Writes: document_counter, the document's ledgers (hook), audit_log.
    """
    new_status = _transition(doc, "post")
    check_doc_date(session, doc.doc_date)
    check_period_open(session, doc.org_id, doc.doc_date)
    doc.check_postable(session)
    org = session.get(Organisation, doc.org_id)
    doc.number = next_document_number(session, doc.DOC_TYPE, doc.NUMBER_PREFIX, org, doc.doc_date)
    p = get_principal(session)
    doc.status = new_status
    doc.posted_at = utcnow()
    doc.posted_by_id = p.user_id
    deferring = _deferring(session)
    if not deferring:
        session.flush()
    doc.write_ledgers(session)
    if not deferring:
        session.flush()
    record_audit(session, f"{doc.DOC_TYPE}.post", doc, before={"status": lifecycle.DRAFT}, after={"status": doc.status, "number": doc.number})
    return doc


def create_and_post(session: Session, doc: D) -> D:
    """A new document made and posted in one step (a device's event, a generated or reversing
    document): the same checks, numbering and ledgers as create + post, but written once,
    already numbered, with one audit row. Writes: the document table, document_counter, the
    document's ledgers (hook), audit_log."""
    p = get_principal(session)
    doc.status = lifecycle.DRAFT
    new_status = _transition(doc, "post")
    check_doc_date(session, doc.doc_date)
    check_period_open(session, doc.org_id, doc.doc_date)
    doc.check_postable(session)
    org = get_loaded(session, Organisation, doc.org_id)
    doc.number = next_document_number(session, doc.DOC_TYPE, doc.NUMBER_PREFIX, org, doc.doc_date)
    doc.status = new_status
    doc.created_by_id = doc.posted_by_id = p.user_id
    doc.posted_at = doc.created_at = utcnow()
    pending = pending_rows(session)
    if pending is not None:
        # A deferred posting: the document never enters the session; its rows are inserted
        # with the batch's, after the same write check a flush would make.
        doc.id = doc.id or uuid7()
        check_writes(session, [doc])
        doc.write_ledgers(session)
        for obj in doc.new_records():
            pending.add(obj)
    else:
        session.add(doc)
        session.flush()
        doc.write_ledgers(session)
        session.flush()
    record_audit(session, f"{doc.DOC_TYPE}.post", doc, after=doc.snapshot())
    return doc


def audit_document(session: Session, doc: D) -> D:
    """posted → audited (document types that declare AUDITABLE). Writes: audit_log."""
    doc.status = _transition(doc, "audit")
    doc.audited_at = utcnow()
    doc.audited_by_id = get_principal(session).user_id
    session.flush()
    record_audit(session, f"{doc.DOC_TYPE}.audit", doc, before={"status": lifecycle.POSTED}, after={"status": doc.status})
    return doc


def unaudit_document(session: Session, doc: D, reason: str) -> D:
    """audited → posted (反审核). Writes: audit_log."""
    if not reason.strip():
        raise InvalidInput("reason", "an un-audit needs a reason")
    doc.status = _transition(doc, "unaudit")
    doc.audited_at = None
    doc.audited_by_id = None
    session.flush()
    record_audit(session, f"{doc.DOC_TYPE}.unaudit", doc, before={"status": lifecycle.AUDITED}, after={"status": doc.status, "reason": reason})
    return doc


def reverse_document(session: Session, doc: D, reason: str, on: dt.date | None = None) -> D:
    """posted → reversed (红冲): post a linked opposite document; the original is never changed otherwise.

    The reversal is dated ``on`` (default: the original's date, or today if that
    period is closed is the caller's choice — a closed date is refused).
    Writes: the reversal's ledgers (opposite rows), document_counter, audit_log.
    """
    if not reason.strip():
        raise InvalidInput("reason", "a reversal needs a reason")
    new_status = _transition(doc, "reverse")
    reversal = doc.build_reversal()
    reversal.org_id = doc.org_id
    reversal.reverses_id = doc.id
    reversal.doc_date = on or doc.doc_date
    reversal.reversal_reason = reason
    check_doc_date(session, reversal.doc_date, field="on")
    check_period_open(session, doc.org_id, reversal.doc_date, field="on")
    create_and_post(session, reversal)
    p = get_principal(session)
    deferred = pending_rows(session) is not None
    if deferred:
        # The change reaches the database with the batch: by its flush, or, for a document
        # posted earlier in the batch (a plain record), in the row it is inserted with.
        check_writes(session, [doc])
        if isinstance(doc, Plain):
            doc.version += 1  # as the update of a stored document would
    doc.status = new_status
    doc.reversed_at = utcnow()
    doc.reversed_by_id = p.user_id
    doc.reversal_reason = reason
    if not deferred:
        session.flush()
    record_audit(
        session, f"{doc.DOC_TYPE}.reverse", doc,
        before={"status": lifecycle.POSTED},
        after={"status": doc.status, "reversal_id": str(reversal.id), "reversal_number": reversal.number, "reason": reason},
    )
    return reversal
