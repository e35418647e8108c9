"""server.bulk: the posting hot path's many-row statements, on both databases, with the column types
the ledgers use, and the lock's answer when another transaction makes a row it asked for."""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from decimal import Decimal

import pytest
from sqlalchemy import Boolean, Column, Date, MetaData, Numeric, String, Table, Uuid, create_engine, insert, select

from server.bulk import BulkInsert
from server.db import Fixed, JSONType, Money, UTCDateTime

meta = MetaData()
cell = Table("bulk_cell", meta,
             Column("place", Uuid, primary_key=True), Column("item", Uuid, primary_key=True),
             Column("kind", String(16)), Column("quantity", Numeric(18, 4)), Column("value", Numeric(18, 2)),
             Column("day", Date), Column("at", UTCDateTime, nullable=True), Column("note", String(40), nullable=True))

LOCK = BulkInsert(cell, conflict=("place", "item"), touch="quantity", returning=("place", "item", "quantity", "value"))
TOTALS = BulkInsert(cell, conflict=("place", "item"), update=("quantity", "value"))
ADD = BulkInsert(cell)

AT = dt.datetime(2026, 11, 28, 5, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def _row(place, item, quantity="0", value="0", note=None):
    return {"place": place, "item": item, "kind": "warehouse", "quantity": Decimal(quantity), "value": Decimal(value),
            "day": dt.date(2026, 11, 28), "at": AT, "note": note}


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request, fresh_database_url):
    eng = create_engine(fresh_database_url(request.param))
    meta.create_all(eng)
    yield eng
    eng.dispose()


def _cells(engine) -> dict:
    with engine.connect() as conn:
        return {(r.place, r.item): r for r in conn.execute(select(cell))}


def test_insert_lock_and_write_back_keep_every_value_and_type(engine):
    a, b, c, x, y = (uuid.uuid4() for _ in range(5))
    with engine.begin() as conn:
        assert ADD.execute(conn, [_row(a, x, "5", "12.50", note="first"), _row(b, x, "1.2345", "0.01")]) is None
    with engine.begin() as conn:
        # Existing rows come back as they are (the incoming zeros are not written); the missing one is made.
        locked = LOCK.execute(conn, [_row(a, x), _row(b, x), _row(c, y)])
        assert sorted(tuple(r) for r in locked) == sorted([(a, x, Decimal("5.0000"), Decimal("12.50")),
                                                          (b, x, Decimal("1.2345"), Decimal("0.01")),
                                                          (c, y, Decimal("0.0000"), Decimal("0.00"))])
        TOTALS.execute(conn, [_row(a, x, "3", "7.50"), _row(c, y, "2", "4.00")])
    rows = _cells(engine)
    assert (rows[(a, x)].quantity, rows[(a, x)].value, rows[(a, x)].note) == (Decimal("3"), Decimal("7.50"), "first")
    assert (rows[(b, x)].quantity, rows[(c, y)].quantity, rows[(c, y)].value) == (Decimal("1.2345"), Decimal("2"), Decimal("4.00"))
    assert rows[(c, y)].at == AT and rows[(c, y)].at.tzinfo is not None and rows[(c, y)].note is None
    assert rows[(a, x)].day == dt.date(2026, 11, 28)


def test_a_failed_bulk_statement_writes_nothing(engine):
    a, x = uuid.uuid4(), uuid.uuid4()
    with pytest.raises(Exception):
        with engine.begin() as conn:
            ADD.execute(conn, [_row(a, x), _row(a, x)])  # the same key twice
    assert _cells(engine) == {}


def test_the_lock_returns_a_row_another_transaction_made_while_it_waited(fresh_database_url):
    """PostgreSQL: the lock's INSERT waits for a concurrent insert of the same key and skips it, and
    its SELECT, on the statement's snapshot, cannot see that row: the row must still come back."""
    eng = create_engine(fresh_database_url("postgresql"))
    meta.create_all(eng)
    try:
        old, new, x = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
        with eng.begin() as conn:
            ADD.execute(conn, [_row(old, x, "4", "8.00")])
        other = eng.connect()
        tx = other.begin()
        ADD.execute(other, [_row(new, x, "9", "18.00")])  # made, not yet committed
        result: list = []

        def lock():
            with eng.begin() as conn:
                result.extend(tuple(r) for r in LOCK.execute(conn, [_row(old, x), _row(new, x)]))

        t = threading.Thread(target=lock)
        t.start()
        t.join(timeout=1.0)
        assert t.is_alive()  # waiting for the other transaction's row
        tx.commit()
        other.close()
        t.join(timeout=10)
        assert sorted(result) == sorted([(old, x, Decimal("4.0000"), Decimal("8.00")), (new, x, Decimal("9.0000"), Decimal("18.00"))])
    finally:
        eng.dispose()


typed = MetaData()
_TYPED_COLUMNS = lambda: [Column("id", Uuid, primary_key=True), Column("ref", Uuid, nullable=True),  # noqa: E731
                          Column("money", Money, nullable=True), Column("qty", Fixed(18, 4), nullable=True),
                          Column("flag", Boolean, nullable=True), Column("day", Date, nullable=True),
                          Column("at", UTCDateTime, nullable=True), Column("data", JSONType, nullable=True),
                          Column("note", String(40), nullable=True)]
by_bulk = Table("bulk_typed", typed, *_TYPED_COLUMNS())
by_sqlalchemy = Table("bulk_typed_ref", typed, *_TYPED_COLUMNS())


def test_bulk_rows_are_stored_exactly_as_sqlalchemy_stores_them_and_bad_values_are_refused_alike(fresh_database_url):
    """SQLite converts bulk rows column by column with its own converters: what they store must be
    byte for byte what SQLAlchemy's insert stores, None and odd values included."""
    eng = create_engine(fresh_database_url("sqlite"))
    typed.create_all(eng)
    base = {"ref": None, "money": None, "qty": None, "flag": None, "day": None, "at": None, "data": None, "note": None}
    full = lambda n: {"id": uuid.uuid4(), "ref": uuid.uuid4(), "money": Decimal(n) / 4, "qty": Decimal("-1.2345") * n,  # noqa: E731
                      "flag": n % 2 == 0, "day": dt.date(2026, 12, n), "at": AT + dt.timedelta(microseconds=n * 7919),
                      "data": {"a": [n, "二"]}, "note": "x"}
    groups = [
        [full(n) for n in range(1, 4)] + [{**full(4), "at": dt.datetime(999, 1, 1, tzinfo=dt.timezone.utc),
                                           "qty": Decimal("3E+2")}],  # every column by its fast converter
        [{**base, "id": uuid.uuid4(), "money": 7, "day": dt.datetime(2026, 1, 2, 3, 4)}, {**base, "id": uuid.uuid4()},
         full(5)],  # NULLs, an int for money, a datetime for a date: the types' own processors
    ]
    try:
        with eng.begin() as conn:
            for rows in groups:
                BulkInsert(by_bulk).execute(conn, rows)
                conn.execute(insert(by_sqlalchemy), rows)
            stored = [conn.exec_driver_sql(f"SELECT * FROM {t} ORDER BY id").all() for t in ("bulk_typed", "bulk_typed_ref")]
        assert stored[0] == stored[1] and len(stored[0]) == 7
        for bad, message in (({"money": Decimal("1.005")}, "at most 2 decimal places"),
                             ({"at": dt.datetime(2026, 1, 1)}, "naive datetime"),
                             ({"money": 1.5}, "expected Decimal")):
            with pytest.raises((ValueError, TypeError), match=message):
                with eng.begin() as conn:
                    BulkInsert(by_bulk).execute(conn, [{**base, "id": uuid.uuid4()}, {**base, "id": uuid.uuid4(), **bad}])
        with eng.connect() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM bulk_typed").scalar() == 7
    finally:
        eng.dispose()
