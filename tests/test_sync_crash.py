"""kill -9 the workers at random points while they post; after the last restart every event is posted once.

Two worker processes run on the same databases throughout (each feed is owned
by one at a time; a killed one's feed is taken over when its lease runs out).
The feed of SZ01 is a realistic warehouse mix (tests/sync_mix.py, which keeps
the book of what every balance must be); GZ01's is orders and their notes,
some notes arriving before their order. Sizes: AFTERCARE_CRASH_EVENTS (default
600) and AFTERCARE_CRASH_KILLS (default 6); `make crash-test` runs 5,000 and 20.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

from sqlalchemy import func, select, update

from server.basedata.kinds import KINDS
from server.basedata.operations import create_record
from server.db import sqlite_read_only, unit_of_work, utcnow
from server.notes.models import OrderNote
from server.outbox.models import OutboxMessage
from server.stock.ledger import rebuild_check
from server.stock.models import StockBalance, StockDocument, StockLocation
from sync.models import SyncCheckpoint, SyncDeadLetter, SyncLease, SyncProcessed

from .conftest import row_counts
from .sample_docs import SampleVoucher
from .stock_fixtures import world  # noqa: F401
from .sync_mix import Place, make_mix
from .sync_support import couch, make_worker, note, order, publish_all  # noqa: F401
from .test_sync_worker import cli_env, status_docs

ROOT = Path(__file__).resolve().parent.parent
EVENTS = int(os.environ.get("AFTERCARE_CRASH_EVENTS", "600"))
KILLS = int(os.environ.get("AFTERCARE_CRASH_KILLS", "6"))
NOTES_PER_ORDER = 4
BATCH = 10


@contextmanager
def _reading(net):
    """A session for the test's own looks at the database while workers write: on SQLite it begins
    deferred (WAL readers wait for no one), where BEGIN IMMEDIATE would queue behind the workers'
    write locks and, on a busy machine, lose that race for longer than the busy timeout."""
    token = sqlite_read_only.set(True)
    s = net.session()
    try:
        yield s
    finally:
        s.close()
        sqlite_read_only.reset(token)


def _count(net, stmt) -> int:
    with _reading(net) as s:
        return s.execute(stmt).scalar_one()


def _processed(net) -> int:
    return _count(net, select(func.count()).select_from(SyncProcessed))


def _owners(net) -> set[int]:
    """Process ids of the workers holding a live feed lease (owner names are host:pid:tag)."""
    with _reading(net) as s:
        owners = s.execute(select(SyncLease.owner).where(SyncLease.name.like("feed:%"), SyncLease.lease_until > utcnow())).scalars()
        return {int(o.split(":")[-2]) for o in owners if o.count(":") >= 2}


def _start(env) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "tests.sync_crash_worker"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _place(net, w) -> Place:
    net.add_user("sz01.warehouse", "SZ01", ["warehouse"])
    s = net.session()
    with unit_of_work(s):
        extra = [create_record(s, KINDS["items"], {"code": f"P{n:02d}", "name": f"配件 {n}", "kind": "part",
                                                   "standard_cost": Decimal(10 + n)}).id for n in range(10)]
    s.close()
    return Place(org_id=net.orgs["SZ01"].id, user_id=net.users["sz01.warehouse"].id, good=w.ids["SZ01.GOOD"],
                 good2=w.ids["SZ01.GOOD2"], defective=w.ids["SZ01.DEF"], engineer=w.ids["engineer"],
                 supplier=w.ids["supplier"], dealer=w.ids["dealer"], items=[w.ids["screen"], w.ids["battery"], *extra],
                 foreign_warehouse=w.ids["GZ01.GOOD"])


def test_killing_workers_loses_nothing_and_posts_nothing_twice(app, net, couch, world):
    rng = random.Random(20261127)
    publish_all(app, couch)  # the world's master data: md:* documents are in the feeds too, and are no events
    mix = make_mix(_place(net, world), EVENTS * 4 // 5, seed=20261127)
    orders = max(1, (EVENTS - len(mix.events)) // (1 + NOTES_PER_ORDER))
    gz = []
    for _ in range(orders):
        o = order(net, "gz01.clerk", amount=f"{rng.randint(1, 999)}.00")
        notes = [note(net, "gz01.clerk", o, f"note {i}") for i in range(NOTES_PER_ORDER)]
        # A quarter of the orders arrive after their first note (another tablet synced first).
        gz += [notes[0], o, *notes[1:]] if rng.random() < 0.25 else [o, *notes]
    for db, docs in (("sp_sz01", mix.events), ("sp_gz01", gz)):
        for chunk in range(0, len(docs), 500):
            couch.bulk_docs(db, docs[chunk:chunk + 500])
    total = len(mix.events) + len(gz)

    # Each batch transaction is held open longer, so kills land inside transactions too, and the
    # feed lasts longer than the kills and restarts take however fast the posting itself is.
    delay_ms = 200
    env = {**os.environ, **cli_env(app), "AFTERCARE_SYNC_LEASE_SECONDS": "1", "AFTERCARE_SYNC_BATCH_SIZE": str(BATCH),
           "AFTERCARE_LOG_LEVEL": "ERROR", "AFTERCARE_CRASH_DELAY_MS": str(delay_ms)}
    seen: list[int] = []
    procs: list[subprocess.Popen] = []
    started = time.monotonic()
    try:
        for k in range(KILLS):
            procs = [p for p in procs if p.poll() is None]
            while len(procs) < 2:  # two workers on the same databases, all the time
                procs.append(_start(env))
            # Kills spread over the whole feed: the k-th once a random point of the k-th stretch is
            # processed. The victim owns a feed (it is posting, or about to) and dies at a random
            # moment: in a batch, between two, while publishing, or while taking a feed over.
            target = int(total * (k + rng.random()) / (KILLS + 1))
            deadline = time.monotonic() + 300
            while not (working := [p for p in procs if p.pid in _owners(net)]) or _processed(net) < target:
                assert time.monotonic() < deadline, f"no progress towards {target} events"
                for p in procs:
                    assert p.poll() is None, p.stderr.read().decode()[-2000:]
                time.sleep(0.05)
            time.sleep(rng.uniform(0, 0.2))  # a random moment of a batch (each takes longer than the delay)
            for p in procs if rng.random() < 0.15 else [rng.choice(working)]:
                p.send_signal(signal.SIGKILL)
                p.wait()
            seen.append(_processed(net))
        print(f"\n{total} events, {KILLS} kills in {time.monotonic() - started:.1f} s; processed at each kill: {seen}")
        # Kills are paced by progress, but a restart can take longer than the rest of the feed
        # (a fast poster finishes while a worker starts): at least half must interrupt work in progress.
        assert sum(n < total for n in seen) >= KILLS // 2, "the kills came too late to interrupt anything"
        # The survivors stop cleanly (handing their leases over); two fresh workers finish.
        for p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)  # (one still starting up has no handler yet: -15)
                assert p.wait(timeout=30) in (0, -signal.SIGTERM), p.stderr.read().decode()[-2000:]
        env["AFTERCARE_CRASH_DELAY_MS"] = "0"
        procs = [_start(env), _start(env)]
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            unpublished = _count(net, select(func.count()).select_from(OutboxMessage).where(OutboxMessage.published_at.is_(None)))
            if _processed(net) == total and unpublished == 0:
                if len(status_docs(couch)) + len(status_docs(couch, "sp_gz01")) == total:
                    break
            time.sleep(0.5)
        for p in procs:
            p.send_signal(signal.SIGTERM)
        for p in procs:
            # A fast feed can be done before the second worker has even installed its handler (-15).
            assert p.wait(timeout=30) in (0, -signal.SIGTERM), p.stderr.read().decode()[-2000:]
        print(f"all posted and published {time.monotonic() - started:.1f} s after the first start")
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()

    assert len(set(seen)) > 1, seen  # the workers made progress between kills
    s = net.session()
    try:
        outcome = dict(s.execute(select(SyncProcessed.doc_id, SyncProcessed.outcome)).all())
        assert len(outcome) == total
        assert {i: outcome[i] for i in mix.outcome} == mix.outcome  # each as the book says: posted or refused
        assert {outcome[d["_id"]] for d in gz} == {"posted"}
        # Each posted warehouse event made exactly one document, numbered gaplessly per type.
        docs = s.execute(select(StockDocument.id, StockDocument.doc_type, StockDocument.number)
                         .execution_options(unscoped=True)).all()
        made = {str(d.id) for d in docs}
        opened = {e["_id"] for e in mix.events if e["type"] != "stock_reversal" and mix.outcome[e["_id"]] == "posted"}
        assert opened <= made and len(docs) == len(opened) + mix.kinds.get("reversal", 0)
        for doc_type, n in Counter(d.doc_type for d in docs).items():
            numbers = sorted(int(d.number[-5:]) for d in docs if d.doc_type == doc_type)
            assert numbers == list(range(1, n + 1)), doc_type
        # The ledgers add up and hold what the book says.
        assert rebuild_check(s) == []
        rows = s.execute(select(StockLocation.kind, StockLocation.warehouse_id, StockLocation.engineer_id,
                                StockBalance.item_id, StockBalance.quantity)
                         .join(StockBalance, StockBalance.location_id == StockLocation.id)
                         .where(StockLocation.kind.in_(("warehouse", "engineer"))).execution_options(unscoped=True)).all()
        assert {((k, wh or eng), i): q for k, wh, eng, i, q in rows if q} == {k: q for k, q in mix.expected.items() if q}
        numbers = sorted(int(n[-5:]) for n in s.execute(select(SampleVoucher.number)).scalars())
        assert numbers == list(range(1, orders + 1))  # gapless and unique: each order posted once
        assert s.execute(select(func.count()).select_from(OrderNote)).scalar_one() == orders * NOTES_PER_ORDER
        assert set(s.execute(select(SyncDeadLetter.state).where(SyncDeadLetter.db == "sp_gz01")).scalars()) <= {"resolved"}
    finally:
        s.close()
    states = {d["event_id"]: d["state"] for d in status_docs(couch).values()}
    assert states == mix.outcome
    assert {d["state"] for d in status_docs(couch, "sp_gz01").values()} == {"posted"}

    # Replaying both feeds from seq 0 changes nothing.
    before = row_counts(app)
    s = net.session()
    with unit_of_work(s):
        s.execute(update(SyncCheckpoint).values(seq=None))
    s.close()
    assert make_worker(app, couch).drain()["skipped"] == total
    assert publish_all(app, couch) == 0
    assert row_counts(app) == before
