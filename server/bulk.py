"""Many-row INSERT (… ON CONFLICT …) for the posting hot path, one statement whatever the row count.

On PostgreSQL an executemany is sent as multi-row VALUES: a new statement text for every row
count, each parsed and planned afresh, with six parameters a row. Here the rows go as one array per
column through ``unnest``: the text depends only on the table and columns, so psycopg prepares it
once per connection and every later posting only binds arrays. On SQLite the statement is
SQLAlchemy's own insert, executed many (it plans nothing per call and has no round trips).

Values are converted by each column's own type (``UTCDateTime`` and the like) before they go into
an array, as SQLAlchemy would have done for single values.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from operator import attrgetter, itemgetter

from sqlalchemy import Boolean, Date, Table, Uuid, insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

from .db import Fixed, UTCDateTime

_PG = postgresql.dialect()


class BulkInsert:
    """``INSERT INTO table (cols) … [ON CONFLICT (conflict) DO UPDATE SET …] [RETURNING …]``.

    ``update``: columns set from the incoming row (``excluded``). ``touch`` (a column): lock instead —
    missing rows are made, existing ones locked and unchanged, RETURNING gives all of them
    (``conflict`` columns first in ``returning``).
    """

    def __init__(self, table: Table, *, conflict: Sequence[str] = (), update: Sequence[str] = (),
                 touch: str | None = None, returning: Sequence[str] = ()):
        self.table = table
        self.conflict = tuple(conflict)
        self.update = tuple(update)
        self.touch = touch
        self.returning = tuple(returning)
        self._sqlite = self._sqlalchemy(sqlite.insert)
        self._pg: dict[tuple[str, ...], tuple] = {}
        self._sqlite_plain: dict[tuple[str, ...], tuple] = {}

    def _sqlalchemy(self, insert):
        ins = insert(self.table)
        if self.update:
            ins = ins.on_conflict_do_update(index_elements=list(self.conflict),
                                            set_={c: ins.excluded[c] for c in self.update})
        elif self.touch:
            ins = ins.on_conflict_do_update(index_elements=list(self.conflict),
                                            set_={self.touch: self.table.c[self.touch]})
        if self.returning:
            ins = ins.returning(*[self.table.c[c] for c in self.returning])
        return ins

    def _postgresql(self, conn: Connection, cols: tuple[str, ...]):
        found = self._pg.get(cols)
        if found is None:
            q = _PG.identifier_preparer.quote
            name = q(self.table.name)
            columns = [self.table.c[c] for c in cols]
            arrays = ", ".join(f"%b::{col.type.compile(dialect=_PG)}[]" for col in columns)
            sql = f"INSERT INTO {name} ({', '.join(map(q, cols))}) SELECT * FROM unnest({arrays})"
            if self.update:
                sets = ", ".join(f"{q(c)} = excluded.{q(c)}" for c in self.update)
                sql += f" ON CONFLICT ({', '.join(map(q, self.conflict))}) DO UPDATE SET {sets}"
            elif self.touch:
                # Make the missing rows, lock (in key order) and read the others. A no-op DO UPDATE
                # would do it in one clause but writes a new version of every row (and its WAL);
                # FOR UPDATE only marks them. The INSERT's RETURNING gives the rows it made.
                keys = ", ".join(map(q, self.conflict))
                ret = ", ".join(map(q, self.returning))
                on = " AND ".join(f"t.{q(c)} = k.{q(c)}" for c in self.conflict)
                sql = (f"WITH k AS (SELECT * FROM unnest({arrays}) AS k({', '.join(map(q, cols))})), "
                       f"made AS (INSERT INTO {name} ({', '.join(map(q, cols))}) SELECT * FROM k "
                       f"ON CONFLICT ({keys}) DO NOTHING RETURNING {ret}), "
                       f"held AS (SELECT {', '.join(f't.{q(c)}' for c in self.returning)} FROM {name} t JOIN k ON {on} "
                       f"ORDER BY {', '.join(f't.{q(c)}' for c in self.conflict)} FOR UPDATE OF t) "
                       f"SELECT * FROM made UNION ALL SELECT * FROM held")
            if self.returning and not self.touch:
                sql += f" RETURNING {', '.join(map(q, self.returning))}"
            processors = [col.type._cached_bind_processor(conn.dialect) for col in columns]
            found = self._pg[cols] = (sql, processors)
        return found

    def _sqlite_statement(self, conn: Connection, cols: tuple[str, ...]):
        """The SQLite text for these columns, with ``?`` placeholders, and each column's converters."""
        found = self._sqlite_plain.get(cols)
        if found is None:
            q = conn.dialect.identifier_preparer.quote
            sql = (f"INSERT INTO {q(self.table.name)} ({', '.join(map(q, cols))}) "
                   f"VALUES ({', '.join('?' for _ in cols)})")
            if self.update:
                sql += (f" ON CONFLICT ({', '.join(map(q, self.conflict))}) DO UPDATE SET "
                        + ", ".join(f"{q(c)} = excluded.{q(c)}" for c in self.update))
            found = self._sqlite_plain[cols] = (sql, [_sqlite_converters(self.table.c[c], conn.dialect) for c in cols])
        return found

    def execute(self, conn: Connection, rows: list[dict]) -> list | None:
        """Insert ``rows`` (dicts with the same keys); the RETURNING rows (in no set order), if any."""
        rows = _with_defaults(self.table, rows)
        if conn.dialect.name != "postgresql":
            if self.returning or self.touch:
                result = conn.execute(self._sqlite, rows)
                return result.all() if self.returning else None
            # The rows as tuples straight to the driver: SQLAlchemy's executemany would build and
            # process a parameter dict per row, most of the time of writing a posting batch.
            # Converted column by column (a C-level map where the type allows), then zipped.
            cols = tuple(rows[0])
            sql, converters = self._sqlite_statement(conn, cols)
            columns = []
            for c, (fast, safe) in zip(cols, converters):
                values = list(map(itemgetter(c), rows))
                if fast is not None:
                    try:
                        values = list(map(fast, values))
                    except (AttributeError, TypeError, ValueError):
                        # A None (NULL) or a value of another type: the column's own processor
                        # converts or refuses it as SQLAlchemy would.
                        values = [safe(v) for v in values]
                columns.append(values)
            conn.exec_driver_sql(sql, list(zip(*columns)))
            return None
        cols = tuple(rows[0])
        stmt, processors = self._postgresql(conn, cols)
        params = []
        for c, process in zip(cols, processors):
            values = [r[c] for r in rows]
            if process is not None:
                values = [None if v is None else process(v) for v in values]
            params.append(values)
        # psycopg's own cursor, on the connection (and in the transaction) SQLAlchemy holds: the
        # arrays go in binary (%b), where psycopg would send them as text it quotes element by
        # element (a UUID array of a hundred: 0.35 ms as text, 0.05 in binary).
        cur = conn.connection.driver_connection.cursor()
        cur.execute(stmt, params)
        found = cur.fetchall() if self.returning else None
        if self.touch and len(found) < len(rows):
            # A row another transaction made after this statement's snapshot was taken: the INSERT
            # waited for it and skipped it, the SELECT could not see it. Now it can.
            have = {tuple(r[:len(self.conflict)]) for r in found}
            rest = [r for r in rows if tuple(r[c] for c in self.conflict) not in have]
            found += self.execute(conn, rest)
        return found


def _sqlite_converters(col, dialect) -> tuple:
    """(fast, safe) converters of a column's values for SQLite. ``safe`` is the column type's own
    bind processor (None stays NULL unless the type writes something for it, as JSON does);
    ``fast`` does the same for the common values in fewer calls, and raises for anything else."""
    process = col.type._cached_bind_processor(dialect)
    if process is None:
        return None, None
    keeps_none = process(None) is None
    safe = (lambda v: None if v is None else process(v)) if keeps_none else process
    t = col.type
    if isinstance(t, Uuid):
        fast = _HEX if t.as_uuid else None
    elif isinstance(t, UTCDateTime):
        fast = _utc_text
    elif isinstance(t, Fixed):
        fast = _fixed_int(t.scale)
    elif isinstance(t, Date):
        fast = _date_text
    elif isinstance(t, Boolean):
        fast = _bool_int
    else:
        fast = None
    return fast or safe, safe


_HEX = attrgetter("hex")  # a UUID as SQLAlchemy stores it where the database has no UUID type


def _utc_text(value: dt.datetime) -> str:
    # UTCDateTime on SQLite: an aware time in UTC, stored as SQLAlchemy's DATETIME text.
    zone = value.tzinfo
    if zone is None:
        raise ValueError("naive datetime given; Aftercare stores aware UTC times only")
    if zone is not _UTC:
        value = value.astimezone(_UTC)
    return value.replace(tzinfo=None).isoformat(" ", "microseconds")


_UTC = dt.timezone.utc


def _date_text(value: dt.date) -> str:
    if type(value) is not dt.date:
        raise TypeError("not a date")  # a datetime: the type's own processor takes its date part
    return value.isoformat()


def _fixed_int(scale: int):
    def convert(value):
        # Fixed on SQLite: the scaled integer; more places than the scale are refused (by the
        # type's own processor, which names the value).
        if type(value) is not Decimal:
            raise TypeError("not a Decimal")
        scaled = value.scaleb(scale)
        as_int = int(scaled)
        if as_int != scaled:
            raise ValueError("too many places")
        return as_int
    return convert


def _bool_int(value) -> int:
    if type(value) is not bool:
        raise TypeError("not a bool")
    return 1 if value else 0


def has_default(col) -> bool:
    """Whether the column has a Python-side default (a value or a function, not a sequence)."""
    return getattr(col.default, "is_scalar", False) or getattr(col.default, "is_callable", False)


def default_of(col):
    """A new value of the column's Python-side default, as SQLAlchemy's insert would make it."""
    return col.default.arg(None) if col.default.is_callable else col.default.arg


_DEFAULTS: dict[tuple, list] = {}


def _with_defaults(table: Table, rows: list[dict]) -> list[dict]:
    """Fill the Python-side column defaults a row leaves out, as SQLAlchemy's own insert would."""
    key = (table, tuple(rows[0]))
    missing = _DEFAULTS.get(key)
    if missing is None:
        missing = _DEFAULTS[key] = [c for c in table.columns if c.key not in rows[0] and has_default(c)]
    if not missing:
        return rows
    return [{**row, **{col.key: default_of(col) for col in missing}} for row in rows]


_PLAIN_INSERTS: dict[Table, BulkInsert] = {}


def insert_rows(conn: Connection, table: Table, rows: list[dict]) -> None:
    """Insert many new rows of ``table`` (dicts with the same keys): on SQLite straight to the
    driver as tuples, on PostgreSQL as SQLAlchemy's multi-row insert."""
    if not rows:
        return
    if conn.dialect.name == "postgresql":
        conn.execute(insert(table), rows)
        return
    bulk = _PLAIN_INSERTS.get(table)
    if bulk is None:
        bulk = _PLAIN_INSERTS[table] = BulkInsert(table)
    bulk.execute(conn, rows)
