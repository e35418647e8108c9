"""kill -9 the worker at random points while it posts; after the last restart every event is posted once."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import func, select

from server.notes.models import OrderNote
from server.outbox.models import OutboxMessage
from sync.models import SyncDeadLetter, SyncProcessed

from .sample_docs import SampleVoucher
from .sync_support import couch, note, order  # noqa: F401
from .test_sync_worker import cli_env, status_docs

ROOT = Path(__file__).resolve().parent.parent
ORDERS, NOTES_PER_ORDER, KILLS = 200, 4, 8


def _count(net, stmt) -> int:
    s = net.session()
    try:
        return s.execute(stmt).scalar_one()
    finally:
        s.close()


def _processed(net) -> int:
    return _count(net, select(func.count()).select_from(SyncProcessed))


def _start(env) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "tests.sync_crash_worker"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def test_killing_the_worker_loses_nothing_and_posts_nothing_twice(app, net, couch):
    rng = random.Random(20261127)
    docs = []
    for _ in range(ORDERS):
        o = order(net, "sz01.clerk", amount=f"{rng.randint(1, 999)}.00")
        notes = [note(net, "sz01.clerk", o, f"note {i}") for i in range(NOTES_PER_ORDER)]
        # A quarter of the orders arrive after their first note (another tablet synced first).
        docs += [notes[0], o, *notes[1:]] if rng.random() < 0.25 else [o, *notes]
    total = len(docs)
    for chunk in range(0, total, 500):
        couch.bulk_docs("sp_sz01", docs[chunk:chunk + 500])

    env = {**os.environ, **cli_env(app), "AFTERCARE_SYNC_LEASE_SECONDS": "1", "AFTERCARE_SYNC_BATCH_SIZE": "10",
           "AFTERCARE_LOG_LEVEL": "ERROR"}
    seen = []
    proc = None
    try:
        for _ in range(KILLS):
            before = _processed(net)
            proc = _start(env)
            deadline = time.monotonic() + 30
            while _processed(net) == before and time.monotonic() < deadline and proc.poll() is None:
                time.sleep(0.02)
            assert proc.poll() is None, proc.stderr.read().decode()[-2000:]
            time.sleep(rng.uniform(0, 0.15))  # somewhere in the middle of a batch, or between two
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            seen.append(_processed(net))
        print("processed at each kill:", seen)
        assert seen[-1] < total, "the kills came too late to interrupt anything"
        proc = _start(env)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            unpublished = _count(net, select(func.count()).select_from(OutboxMessage).where(OutboxMessage.published_at.is_(None)))
            if _processed(net) == total and unpublished == 0 and len(status_docs(couch)) == total:
                break
            time.sleep(0.2)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 0, proc.stderr.read().decode()[-2000:]
    finally:
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.wait()

    assert len(set(seen)) > 1, seen  # the worker made progress between kills
    s = net.session()
    try:
        outcomes = dict(s.execute(select(SyncProcessed.outcome, func.count()).group_by(SyncProcessed.outcome)).all())
        assert outcomes == {"posted": total}
        numbers = sorted(int(n[-5:]) for n in s.execute(select(SampleVoucher.number)).scalars())
        assert numbers == list(range(1, ORDERS + 1))  # gapless and unique: each order posted once
        assert s.execute(select(func.count()).select_from(OrderNote)).scalar_one() == ORDERS * NOTES_PER_ORDER
        assert set(s.execute(select(SyncDeadLetter.state)).scalars()) <= {"resolved"}
    finally:
        s.close()
    assert {d["state"] for d in status_docs(couch).values()} == {"posted"}
