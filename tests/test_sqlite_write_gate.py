"""SQLite writers of one process take the write lock in turn (``server.db.WriteGate``)."""

from __future__ import annotations

import threading
import time

from sqlalchemy import text

from server.db import WriteGate, make_engine


def test_the_gate_hands_on_in_the_order_writers_asked():
    gate = WriteGate()
    order: list[str] = []
    gate.acquire()  # held by this thread
    threads = []
    for name in ("first", "second", "third"):
        def run(name=name):
            gate.acquire()
            order.append(name)
            gate.release()
        t = threading.Thread(target=run)
        t.start()
        threads.append(t)
        time.sleep(0.05)  # each asks after the one before
    gate.acquire()  # nested: this thread still holds it
    gate.release()
    assert order == []
    gate.release()
    for t in threads:
        t.join(5)
    assert order == ["first", "second", "third"]


def test_a_writer_that_waited_too_long_goes_on_without_its_turn():
    gate = WriteGate(patience=0.2)
    gate.acquire()
    done = threading.Event()

    def run():
        gate.acquire()  # gives up waiting after 0.2 s
        done.set()
        gate.release()  # not the owner: ignored

    t = threading.Thread(target=run)
    t.start()
    assert done.wait(2)
    t.join(2)
    gate.release()
    gate.acquire()  # free again, and nobody left queued
    gate.release()


def test_a_request_gets_its_turn_while_the_worker_writes_back_to_back(tmp_path):
    """A busy writer (the posting worker) no longer starves another thread's short write."""
    engine = make_engine(f"sqlite:///{tmp_path / 'gate.db'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (who TEXT)"))
    stop = threading.Event()

    def worker():
        while not stop.is_set():
            with engine.begin() as conn:
                conn.execute(text("INSERT INTO t VALUES ('worker')"))
                time.sleep(0.05)  # a batch holds the lock for a while

    t = threading.Thread(target=worker)
    t.start()
    try:
        time.sleep(0.3)
        asked = time.monotonic()
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO t VALUES ('request')"))
        waited = time.monotonic() - asked
    finally:
        stop.set()
        t.join(5)
        engine.dispose()
    assert waited < 0.5, waited  # one batch at most, not the whole backlog


def test_an_invalidated_connection_hands_its_turn_on(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'gate.db'}")
    try:
        conn = engine.connect()
        trans = conn.begin()
        conn.execute(text("CREATE TABLE t (x INTEGER)"))
        conn.invalidate()  # the transaction ends without a commit or rollback event
        done = threading.Event()

        def other():
            with engine.begin() as c:
                c.execute(text("CREATE TABLE IF NOT EXISTS u (x INTEGER)"))
            done.set()

        t = threading.Thread(target=other)
        t.start()
        assert done.wait(5)  # not the gate's 10 s patience
        t.join(5)
        trans.rollback()  # what the invalidated transaction still needs
        conn.close()
    finally:
        engine.dispose()


def test_a_read_request_writes_its_audit_row_after_another_writer_committed(tmp_path):
    """A GET reads in a deferred transaction (sqlite_read_only); once another writer has committed
    since its first read, writing in that transaction fails at once ("database is locked"). An export's
    audit row is written through ``writing``, which ends the reads and writes in a transaction begun for
    writing, and goes through."""
    import pytest
    from sqlalchemy.exc import OperationalError
    from sqlalchemy.orm import Session

    from server.db import sqlite_read_only, writing

    engine = make_engine(f"sqlite:///{tmp_path / 'snap.db'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (who TEXT)"))
        conn.execute(text("INSERT INTO t VALUES ('before')"))
    token = sqlite_read_only.set(True)
    try:
        for use_writing in (False, True):
            session = Session(engine)
            assert session.execute(text("SELECT count(*) FROM t")).scalar() >= 1  # the request's reads
            done = threading.Event()

            def other_writer():
                sqlite_read_only.set(False)  # a thread of its own: the worker, another request
                with engine.begin() as conn:
                    conn.execute(text("INSERT INTO t VALUES ('worker')"))
                done.set()

            threading.Thread(target=other_writer).start()
            assert done.wait(5)
            if use_writing:
                with writing(session):
                    session.execute(text("INSERT INTO t VALUES ('audit')"))
            else:
                with pytest.raises(OperationalError, match="locked"):
                    session.execute(text("INSERT INTO t VALUES ('audit')"))
                session.rollback()
            session.close()
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM t WHERE who = 'audit'")).scalar() == 1
    finally:
        sqlite_read_only.reset(token)
        engine.dispose()


def test_only_replayable_units_of_work_commit_without_waiting_for_the_disk(tmp_path):
    """The posting worker's batches (re-posted from the sync store if lost) run with
    synchronous=NORMAL; every other write, on the same pooled connection, with FULL."""
    from sqlalchemy.orm import Session

    from server.db import sqlite_replayable, unit_of_work

    engine = make_engine(f"sqlite:///{tmp_path / 'modes.db'}")
    engine.pool.dispose()
    seen = []

    def mode(session) -> int:
        return session.execute(text("PRAGMA synchronous")).scalar_one()

    try:
        for replayable in (False, True, False, True):
            token = sqlite_replayable.set(replayable)
            try:
                with Session(engine) as s, unit_of_work(s):
                    s.execute(text("CREATE TABLE IF NOT EXISTS t (x INTEGER)"))
                    s.execute(text("INSERT INTO t VALUES (1)"))
                    seen.append(mode(s))
            finally:
                sqlite_replayable.reset(token)
        assert seen == [2, 1, 2, 1]  # FULL, NORMAL, FULL, NORMAL
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM t")).scalar_one() == 4
    finally:
        engine.dispose()
