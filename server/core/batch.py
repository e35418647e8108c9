"""Posting many documents in one transaction, written together: the sync worker's batch.

A posting batch is installed on a session for one transaction. While it is,
documents posted in *deferred* mode are checked and valued one after another
against state the batch holds in memory (balances, average costs, serial
locations, document counters — each locked and read from the database on
first use, as a single posting would), and their rows are written together
when the batch is written: one set of bulk statements for many documents
instead of a dozen statements each.

A deferred posting that is refused is undone in memory (``undo``): the
state it changed goes back to what it was, its pending rows and ORM objects
are dropped; nothing of it reached the database. Postings that cannot be
deferred (they read the ledgers' tables, or need their rows flushed) run in a
savepoint after the batch is written, still numbering and posting moves
through the batch's state; code that reads a ledger's tables first writes
what the batch holds pending (``server.stock.ledger.settle``). If such a
posting is refused, the savepoint rolls back its rows and ``undo`` its
effects on the state (what it locked first is dropped, so it is read again).

A deferred posting may add ORM objects (a document later postings of the batch change, like
an exchange order opened by its intake): they stay pending in the session until the batch is
written, and ``find_made`` finds them by id meanwhile (``session.get`` sees flushed objects only).
A deferred posting that finds it needs what the batch holds unwritten raises ``NotDeferred``: it is
undone and posted again, optimistically, once the batch is written.

Participants (the stock ledger, the counters) keep their own state and
implement ``begin`` / ``undo`` / ``write``.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Any, Callable, Iterator, Protocol

from sqlalchemy import event
from sqlalchemy.orm import Session

from ..bulk import default_of, has_default, insert_rows

_KEY = "aftercare.posting_batch"


class Participant(Protocol):
    def begin(self) -> None: ...

    def undo(self) -> None: ...

    def write(self, session: Session) -> None: ...


_ABSENT = object()


class NotDeferred(Exception):
    """A deferred posting needs rows the batch holds unwritten: undo it, write the batch, post it again."""


class Journal:
    """Originals of the entries a posting changes, so a refused one can be put back.

    A plain log, undone in reverse: saving an entry twice costs one more line, where looking
    first whether it was saved would cost every save (the keys are tuples of UUIDs, whose
    hashing is Python code)."""

    def __init__(self) -> None:
        self.log: list[tuple[dict, Any, Any]] = []

    def begin(self) -> None:
        self.log = []

    def save(self, table: dict, key: Any) -> None:
        """Call before changing or adding ``table[key]`` (a list of numbers, or an immutable value)."""
        value = table.get(key, _ABSENT)
        self.log.append((table, key, value.copy() if type(value) is list else value))

    def undo(self) -> None:
        for table, key, value in reversed(self.log):
            if value is _ABSENT:
                table.pop(key, None)
            else:
                table[key] = value
        self.log = []


class PostingBatch:
    def __init__(self, session: Session):
        self.session = session
        self.parts: dict[str, Participant] = {}
        self.new_objects: list = []
        # True while a deferred posting runs: its rows must not reach the database yet.
        self.deferring = False
        # The ORM objects accepted deferred postings added, by class and id, until written.
        self.made: dict[type, dict[Any, Any]] = {}
        # An optimistic posting ran since the batch was last written: its changes are in the
        # session, unflushed (a deferred posting runs without autoflush).
        self.unflushed = False

    def part(self, name: str, factory: Callable[[], Participant]) -> Participant:
        part = self.parts.get(name)
        if part is None:
            part = self.parts[name] = factory()
            if self.deferring:
                part.begin()  # made during a posting: it must be able to undo it
        return part

    # -- one deferred posting ------------------------------------------------------------

    def begin(self) -> None:
        self.new_objects = []
        self.deferring = True
        for part in self.parts.values():
            part.begin()

    def end(self) -> list:
        """The posting went through: its pending rows stay. Returns the ORM objects it added."""
        self.deferring = False
        added, self.new_objects = self.new_objects, []
        for obj in added:
            if (pk := getattr(obj, "id", None)) is not None:
                self.made.setdefault(type(obj), {})[pk] = obj
        return added

    def find_made(self, model: type, pk: Any) -> Any | None:
        """The object of ``model`` with this id an accepted deferred posting of the batch added."""
        return self.made.get(model, {}).get(pk)

    def settle(self) -> None:
        """Flush what optimistic postings left in the session, before a deferred posting that
        reads the tables they write (it runs without autoflush)."""
        if self.unflushed:
            self.session.flush()
            self.unflushed = False

    def undo(self) -> None:
        """The posting was refused: drop what it added and put back what it changed."""
        self.deferring = False
        for part in self.parts.values():
            part.undo()
        for obj in reversed(self.new_objects):
            if obj in self.session:
                self.session.expunge(obj)
        self.new_objects = []

    # -- the batch -----------------------------------------------------------------------

    def write(self, *, final: bool = True) -> None:
        """Write every pending row (ORM objects first, then each participant's rows).

        ``final=False`` (before an optimistic posting, or a read of the ledgers) leaves the rows of
        participants that nothing reads during the batch (``read_back = False``) for later."""
        if self.deferring:
            raise RuntimeError("a deferred posting cannot write the batch: it must not read the ledgers' tables")
        self.session.flush()
        self.made, self.unflushed = {}, False  # in the identity map now
        for part in list(self.parts.values()):
            if final or getattr(part, "read_back", True):
                part.write(self.session)
        self.session.flush()


def fill_defaults(obj) -> None:
    """Set a new ORM object's column defaults now, as its flush would (a deferred posting's
    object is flushed when the batch is written, and read before)."""
    cols = _DEFAULTED.get(obj.__table__)
    if cols is None:
        cols = _DEFAULTED[obj.__table__] = [c for c in obj.__table__.columns if has_default(c)]
    values = obj.__dict__
    for col in cols:
        if values.get(col.key) is None:
            setattr(obj, col.key, default_of(col))


_DEFAULTED: dict[Any, list] = {}


def row_of(obj) -> dict[str, Any]:
    """The column values of a new ORM object as an INSERT row, defaults filled in as a flush would."""
    row = {}
    for col in obj.__table__.columns:
        value = obj.__dict__.get(col.key)
        if value is None and has_default(col):
            value = default_of(col)
            setattr(obj, col.key, value)
        row[col.key] = value
    return row


class PendingRows:
    """New records a batch inserts together when written (tables in dependency order).

    The records are kept, not their rows: a later posting of the batch may still change one
    (a reversal marks the document it reverses), and ``find`` gives them to it."""

    def __init__(self) -> None:
        self.records: dict[Any, list] = {}
        self._marks: dict[Any, int] = {}

    def add(self, obj) -> None:
        self.records.setdefault(obj.__table__, []).append(obj)

    def find(self, table, pk) -> Any | None:
        """The pending record of ``table`` with this id, if a posting of this batch made it."""
        for obj in self.records.get(table, ()):
            if obj.id == pk:
                return obj
        return None

    def begin(self) -> None:
        self._marks = {t: len(r) for t, r in self.records.items()}

    def undo(self) -> None:
        for table, records in self.records.items():
            del records[self._marks.get(table, 0):]

    def write(self, session: Session) -> None:
        conn = session.connection()
        for table in sorted(self.records, key=_dependency_rank):
            if self.records[table]:
                insert_rows(conn, table, [row_of(obj) for obj in self.records[table]])
        self.records, self._marks = {}, {}


_RANKS: dict[Any, dict] = {}


def _dependency_rank(table) -> int:
    """A table's place in its metadata's dependency order (computed once per metadata)."""
    ranks = _RANKS.get(table.metadata)
    if ranks is None or table not in ranks:  # a table defined since
        ranks = _RANKS[table.metadata] = {t: n for n, t in enumerate(table.metadata.sorted_tables)}
    return ranks[table]


class LateRows(PendingRows):
    """New records nothing reads while the batch runs (audit records, an exchange order's steps):
    an optimistic posting's go here too, and all are inserted once, when the batch is written at
    its end, instead of one INSERT per posting at each flush."""

    read_back = False


def late_rows(session: Session) -> PendingRows | None:
    """Where a posting in a batch puts new records that nothing reads before the batch ends: a
    deferred posting's pending rows, an optimistic posting's late rows; None without a batch."""
    batch = batch_of(session)
    if batch is None:
        return None
    if batch.deferring:
        return batch.part("rows", PendingRows)
    return batch.part("late_rows", LateRows)


def pending_rows(session: Session) -> PendingRows | None:
    """Where a deferred posting puts its new records instead of the session (None when not deferring)."""
    batch = batch_of(session)
    if batch is None or not batch.deferring:
        return None
    return batch.part("rows", PendingRows)


def batch_of(session: Session) -> PostingBatch | None:
    return session.info.get(_KEY)


@contextmanager
def posting_batch(session: Session) -> Iterator[PostingBatch]:
    """Install a batch on ``session``; written when the block ends without an error."""
    batch = PostingBatch(session)
    session.info[_KEY] = batch
    try:
        yield batch
        batch.write()
    finally:
        session.info.pop(_KEY, None)


@event.listens_for(Session, "transient_to_pending")
def _track_new(session: Session, obj) -> None:
    batch = session.info.get(_KEY)
    # Only a deferred posting's objects need dropping by hand; a savepoint takes back the others.
    if batch is not None and batch.deferring:
        batch.new_objects.append(obj)
