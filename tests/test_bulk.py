"""server.bulk: the posting hot path's many-row statements, on both databases, with the column types
the ledgers use, and the lock's answer when another transaction makes a row it asked for."""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from decimal import Decimal

import pytest
from sqlalchemy import Column, Date, MetaData, Numeric, String, Table, Uuid, create_engine, select

from server.bulk import BulkInsert
from server.db import UTCDateTime

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
