"""The SQL side: declarative base, column types, engine and the unit of work.

Operations only ``flush``; the entry point (API request, worker batch, CLI
command) commits once through :func:`unit_of_work`.
"""

from __future__ import annotations

import collections
import datetime as dt
import threading
import uuid
from decimal import Decimal
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Iterator

from sqlalchemy import JSON, BigInteger, DateTime, MetaData, Numeric, Uuid, create_engine, event, inspect, select
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, scoped_session, sessionmaker, Session
from sqlalchemy.types import TypeDecorator

from .ids import uuid7

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator):
    """Timezone-aware datetimes stored in UTC on every backend (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; Aftercare stores aware UTC times only")
        value = value.astimezone(dt.timezone.utc)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.timezone.utc)
        return value.astimezone(dt.timezone.utc)


JSONType = JSON().with_variant(JSONB(), "postgresql")

CENT = Decimal("0.01")


class Fixed(TypeDecorator):
    """Exact fixed-point numbers: NUMERIC(p, s) on PostgreSQL, scaled integers on SQLite.

    SQLite has no decimal type: a NUMERIC column stores REAL, and SUM over it
    is float arithmetic. Scaled integers keep every stored value and every SQL
    sum (ledger balances are sums) exact on both backends. Python sees
    ``Decimal`` with ``scale`` places either way; a value with more places is
    refused rather than rounded.
    """

    impl = Numeric
    cache_ok = True

    def __init__(self, precision: int = 14, scale: int = 2):
        super().__init__()
        self.precision = precision
        self.scale = scale
        self._quantum = Decimal(1).scaleb(-scale)

    def load_dialect_impl(self, dialect):
        if dialect.name == "sqlite":
            return dialect.type_descriptor(BigInteger())
        return dialect.type_descriptor(Numeric(self.precision, self.scale))

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (Decimal, int)):
            raise TypeError(f"expected Decimal (or int), not {type(value).__name__}")
        exact = Decimal(value).quantize(self._quantum)
        if exact != value:
            raise ValueError(f"at most {self.scale} decimal places: {value}")
        return int(exact.scaleb(self.scale)) if dialect.name == "sqlite" else exact

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if dialect.name == "sqlite":
            return Decimal(int(value)).scaleb(-self.scale)
        return Decimal(value).quantize(self._quantum)


class Money(Fixed):
    """Money in yuan, two decimals."""

    cache_ok = True

    def __init__(self):
        super().__init__(14, 2)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dt.datetime: UTCDateTime(), uuid.UUID: Uuid()}


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class IdMixin:
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid7)


class TimestampMixin:
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
        _configure_sqlite(engine)
        return engine
    engine = create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)
    # Bulk inserts (ledger moves, balance upserts) as multi-row VALUES statements:
    # psycopg's own executemany sends one statement per row, a round trip each.
    engine.dialect.use_insertmanyvalues_wo_returning = True
    return engine


# Set for units of work that only read (GET requests): they begin DEFERRED and,
# under WAL, neither wait for writers nor make writers wait.
sqlite_read_only: ContextVar[bool] = ContextVar("sqlite_read_only", default=False)

# Set for units of work whose every write can be made again from a durable source: the posting
# worker's batches, re-posted from the sync store when they are lost (their feed checkpoint and
# processed marks are in the same transaction). Their commits do not wait for the disk (WAL with
# synchronous=NORMAL: a power loss may roll the last of them back, never corrupt or half-apply
# one; a crash of the process loses nothing). Every other write keeps synchronous=FULL: a person
# was told it is saved.
sqlite_replayable: ContextVar[bool] = ContextVar("sqlite_replayable", default=False)


def _configure_sqlite(engine: Engine) -> None:
    """WAL, foreign keys, and BEGIN IMMEDIATE for anything that may write.

    pysqlite's deferred BEGIN lets two transactions read and then both try to
    write, and one fails at once with "database is locked". Taking the write
    lock at BEGIN serialises writers through the busy timeout instead; the
    embedded default is a single node, so this costs little. Read-only units
    of work (``sqlite_read_only``) begin deferred.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.execute("PRAGMA synchronous=FULL")
        cur.close()

    gate = WriteGate()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        if sqlite_read_only.get():
            conn.exec_driver_sql("BEGIN")
            return
        gate.acquire()
        conn.info["aftercare.gated"] = True
        try:
            sync_mode = "NORMAL" if sqlite_replayable.get() else "FULL"
            if conn.connection.info.get("aftercare.synchronous", "FULL") != sync_mode:
                conn.exec_driver_sql(f"PRAGMA synchronous={sync_mode}")  # outside a transaction, as SQLite requires
                conn.connection.info["aftercare.synchronous"] = sync_mode
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            _on_end(conn)
            raise

    @event.listens_for(engine, "commit")
    @event.listens_for(engine, "rollback")
    def _on_end(conn):
        if conn.invalidated:
            return  # handed on when it was invalidated (and its info would reconnect it)
        if conn.info.pop("aftercare.gated", False):  # only the transaction that took its turn
            gate.release()

    # A connection returned or dropped with its transaction never ended by commit or rollback
    # (an invalidated connection) hands its turn on too.
    @event.listens_for(engine, "checkin")
    @event.listens_for(engine, "invalidate")
    def _on_gone(_dbapi_conn, record, *_exc):
        if record.info.pop("aftercare.gated", False):
            gate.release()


class WriteGate:
    """The threads of this process take SQLite's write lock in the order they asked for it.

    SQLite's busy handler retries a locked database after sleeps that grow to 100 ms, so a thread
    that writes back to back (the posting worker, batch after batch) takes the lock again before
    a waiting thread (a clerk's request, the outbox publisher) wakes to try: it can wait for the
    whole backlog. Here writers queue, each waiting only for those before it. A thread may hold
    the gate more than once (a nested unit of work). It is handed on when the transaction ends
    (commit or rollback), just before SQLite's own lock is released, so the next writer may wait
    a moment more in SQLite's busy handler. Other processes still queue through the busy handler
    alone. A writer that waited ``patience`` seconds goes on without its turn: SQLite's lock
    still serialises it, order is all that is lost.
    """

    def __init__(self, patience: float = 10.0) -> None:
        self._lock = threading.Lock()
        self._queue: collections.deque[tuple[int, threading.Event]] = collections.deque()
        self._owner: int | None = None
        self._depth = 0
        self.patience = patience

    def acquire(self) -> None:
        me = threading.get_ident()
        with self._lock:
            if self._owner == me:
                self._depth += 1
                return
            if self._owner is None and not self._queue:
                self._owner, self._depth = me, 1
                return
            entry = (me, threading.Event())
            self._queue.append(entry)
        entry[1].wait(self.patience)
        with self._lock:
            if self._owner != me:  # not handed on in time: go on without a turn
                try:
                    self._queue.remove(entry)
                except ValueError:
                    pass

    def release(self) -> None:
        with self._lock:
            if self._owner != threading.get_ident():
                return  # a transaction that went on without its turn
            self._depth -= 1
            if self._depth:
                return
            if self._queue:
                nxt, ready = self._queue.popleft()
                self._owner, self._depth = nxt, 1
                ready.set()
            else:
                self._owner = None


class Database:
    """Engine plus a scoped session factory, one per app (tests run two apps)."""

    def __init__(self, url: str):
        self.url = url
        self.engine = make_engine(url)
        self.session_factory = sessionmaker(bind=self.engine, expire_on_commit=False)
        self.session = scoped_session(self.session_factory)

    def new_session(self) -> Session:
        return self.session_factory()

    def dispose(self) -> None:
        self.session.remove()
        self.engine.dispose()


@contextmanager
def writing(session: Session) -> Iterator[Session]:
    """A write inside a read request (an export's or a passcode read's audit row), committed on leaving.

    On SQLite a GET reads in a deferred transaction, which cannot take the write lock once another
    writer has committed since its first read ("database is locked" at once, whatever the busy
    timeout). So the reads end first and the write gets a transaction of its own, begun for writing
    (the gate, BEGIN IMMEDIATE). Elsewhere it is one more commit.
    """
    if session.in_transaction():
        session.commit()  # reads only: nothing is pending in a read request
    token = sqlite_read_only.set(False)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        sqlite_read_only.reset(token)


@contextmanager
def unit_of_work(session: Session) -> Iterator[Session]:
    """Commit once at the end, or roll everything back."""
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise


# -- append-only ledgers -------------------------------------------------------

PG_APPEND_ONLY_FUNCTION = """
CREATE OR REPLACE FUNCTION aftercare_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: post an opposite entry instead', TG_TABLE_NAME
        USING ERRCODE = 'restrict_violation';
END
$$ LANGUAGE plpgsql
"""


def append_only_ddl(table: str, dialect: str) -> tuple[list[str], list[str]]:
    """(create, drop) statements for triggers that refuse UPDATE and DELETE on a ledger table.

    Used by migrations (and by the test suite, which must empty tables between
    tests). The guard sits in the database so no code path, ORM or raw SQL,
    can rewrite history.
    """
    if dialect == "postgresql":
        return (
            [PG_APPEND_ONLY_FUNCTION,
             f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
             f"FOR EACH ROW EXECUTE FUNCTION aftercare_append_only()"],
            [f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}"],
        )
    return (
        [f"CREATE TRIGGER {table}_no_update BEFORE UPDATE ON {table} "
         f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: post an opposite entry instead'); END",
         f"CREATE TRIGGER {table}_no_delete BEFORE DELETE ON {table} "
         f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: post an opposite entry instead'); END"],
        [f"DROP TRIGGER IF EXISTS {table}_no_update", f"DROP TRIGGER IF EXISTS {table}_no_delete"],
    )


# Every append-only table; tests and migrations read this list.
APPEND_ONLY_TABLES: list[str] = [
    "stock_move", "stock_move_serial",  # server.stock: the stock ledger
    "counterparty_entry",  # server.finance: receivable/payable ledger
    "cash_entry",  # server.finance: cash and bank ledger
    "finance_allocation",  # server.finance: allocations of receipts and payments against open items
]


# Keys of ``session.info`` caches whose records never change once committed (stock locations): a
# long-running worker carries them from one committed session to the next (``carry_caches``).
IMMUTABLE_CACHES: list[str] = []


def carry_caches(into: dict[str, dict], session: Session | None = None, *, seed: Session | None = None) -> None:
    """Keep what a committed ``session`` cached in ``into``; or ``seed`` a new session from it."""
    if session is not None:
        for key in IMMUTABLE_CACHES:
            into.setdefault(key, {}).update(session.info.get(key, {}))
    if seed is not None:
        for key, values in into.items():
            seed.info.setdefault(key, {}).update(values)


_IDENTITY_CLASSES: dict[type, type] = {}


def _identity_key(model, pk) -> tuple:
    """``identity_key_from_primary_key`` without ``inspect`` (the hot path of posting asks it tens of
    thousands of times a batch): the key is (identity class, (pk,), None) for one-column keys."""
    cls = _IDENTITY_CLASSES.get(model)
    if cls is None:
        cls = _IDENTITY_CLASSES[model] = inspect(model)._identity_class
    return (cls, (pk,), None)


def load_many(session: Session, model, ids) -> list:
    """The rows of ``model`` with these primary keys (those that exist), the ones the session does not
    hold yet loaded in a few statements (no organisation criteria, as :func:`get_loaded`). What a
    posting batch will ask :func:`get_loaded` for one by one; the batch's session keeps what it loaded."""
    found, missing = [], []
    for pk in ids:
        obj = session.identity_map.get(_identity_key(model, pk))
        (missing.append(pk) if obj is None else found.append(obj))
    pk = inspect(model).primary_key[0]
    for start in range(0, len(missing), 500):
        found.extend(session.execute(select(model).where(pk.in_(missing[start:start + 500]))
                                     .execution_options(unscoped=True)).scalars())
    return found


def get_loaded(session: Session, model, pk):
    """``session.get`` answered from the identity map when the object is loaded (the hot path of
    posting asks for the same warehouses, items and parties again and again); otherwise loaded.

    Like ``session.get`` from the identity map, it applies no organisation criteria: callers check
    the organisation of what they get.
    """
    if pk is None:
        return None
    obj = session.identity_map.get(_identity_key(model, pk))
    if obj is not None:
        return obj
    return session.get(model, pk, execution_options={"unscoped": True})
