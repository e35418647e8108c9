"""The sync path at volume: 5,000 events of a realistic warehouse mix from a service point's tablet.

1. Replication: a real PouchDB client (pouchdb-node, the test driver) pushes the
   5,000 documents directly to the store (admin credentials) and, from the same
   local database, through the sync proxy (JWT, per-document checks) served by
   waitress as in ``make run``. Times are the driver's own (replication only).
2. (a) raw: read the 5,000 from ``_changes`` with their bodies and insert each
   as one JSON row into SQL, a transaction per batch: the limit of this machine
   for this path.
3. (b) the posting worker as it runs in production (follower threads, the
   poster, the outbox publisher): every event posted with its ledger effects
   and its status document written to the store.

Then checks what the worker left: every event processed once, the refusals
the mix expects, balances as the mix's own book says, ``rebuild_check`` empty.

Last line: ``sync posting_ratio=<b/a> proxy_ratio=<proxy/direct>``.
Targets: posting >= 500 events/s on SQLite and >= 1/3 of raw; proxy <= 1.5x direct.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import Column, MetaData, String, Table, Text, create_engine, func, insert, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from server.app import create_app  # noqa: E402
from server.auth.models import User  # noqa: E402
from server.auth.tokens import issue_access_token  # noqa: E402
from server.basedata.models import Engineer, Item, Party, Warehouse  # noqa: E402
from server.db import sqlite_read_only, unit_of_work  # noqa: E402
from server.demo import load_demo  # noqa: E402
from server.http import system_session  # noqa: E402
from server.migrate import upgrade  # noqa: E402
from server.org.models import Organisation  # noqa: E402
from server.outbox.models import OutboxMessage  # noqa: E402
from server.settings import Settings  # noqa: E402
from server.stock.ledger import rebuild_check  # noqa: E402
from server.stock.models import StockBalance, StockLocation  # noqa: E402
from sync.client import CouchClient, seq_param  # noqa: E402
from sync.models import SyncProcessed  # noqa: E402
from sync.provision import provision  # noqa: E402
from sync.publisher import OutboxPublisher  # noqa: E402
from sync.store import start_store  # noqa: E402
from sync.worker import PostingWorker  # noqa: E402
from tests.sync_mix import Place, make_mix  # noqa: E402
from tests.waitress_server import Serving  # noqa: E402

DRIVER = ROOT / "sync" / "testdriver" / "driver.js"
PG_ADMIN = os.environ.get("AFTERCARE_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
COUCH_USER, COUCH_PASSWORD = "aftercare", "bench-" + uuid.uuid4().hex
DB = "sp_sz01"


def drive(**command) -> dict:
    proc = subprocess.run(["node", str(DRIVER), json.dumps(command)], capture_output=True, text=True, timeout=900)
    lines = [line for line in proc.stdout.splitlines() if line.startswith("{")]
    if not lines:
        raise RuntimeError(f"driver printed nothing: rc={proc.returncode} {proc.stderr[-2000:]}")
    return json.loads(lines[-1])


def place_from_demo(session) -> Place:
    org = session.execute(select(Organisation).where(Organisation.code == "SZ01")).scalar_one()
    gz = session.execute(select(Organisation).where(Organisation.code == "GZ01")).scalar_one()
    user = session.execute(select(User).where(User.username == "sz01.warehouse").execution_options(unscoped=True)).scalar_one()
    whs = {(w.org_id, w.code): w.id for w in session.execute(select(Warehouse).execution_options(unscoped=True)).scalars()}
    engineer = session.execute(select(Engineer.id).where(Engineer.org_id == org.id).execution_options(unscoped=True)).scalars().first()
    supplier = session.execute(select(Party.id).where(Party.code == "M-HUAWEI")).scalar_one()
    dealer = session.execute(select(Party).order_by(Party.code)).scalars().all()
    dealer = next(p.id for p in dealer if "dealer" in p.roles)
    items = session.execute(select(Item.id).where(Item.kind.in_(("part", "accessory")), Item.serialized.is_(False))
                            .order_by(Item.code).limit(60)).scalars().all()
    return Place(org_id=org.id, user_id=user.id, good=whs[(org.id, "GOOD")], good2=whs[(org.id, "LOAN")],
                 defective=whs[(org.id, "DEF")], engineer=engineer, supplier=supplier, dealer=dealer, items=list(items),
                 foreign_warehouse=whs[(gz.id, "GOOD")])


def raw_ingest(client: CouchClient, engine, db: str, batch: int) -> tuple[int, float]:
    """(a): _changes with bodies → one JSON row per document, one transaction per batch."""
    table = Table("bench_raw_event", MetaData(), Column("doc_id", String(200), primary_key=True),
                  Column("rev", String(200)), Column("body", Text))
    table.create(engine, checkfirst=True)
    n, since = 0, None
    started = time.perf_counter()
    while True:
        res = client.changes(db, since=since, limit=batch, include_docs=True)
        results = [r for r in res.get("results") or [] if r.get("doc") and not r["id"].startswith(("status:", "md:", "_"))]
        if not res.get("results"):
            break
        if results:
            with engine.begin() as conn:
                conn.execute(insert(table), [{"doc_id": r["id"], "rev": r["doc"]["_rev"],
                                              "body": json.dumps(r["doc"], ensure_ascii=False)} for r in results])
        n += len(results)
        since = seq_param(res["last_seq"])
    return n, time.perf_counter() - started


def post_all(app, client: CouchClient, expected: int, batch: int) -> float:
    """(b): the worker and the publisher as threads, until every event is processed and every status is in the store."""
    stop = threading.Event()
    # Polling and idling as ``aftercare run`` sets them (sync.runtime): the feed holds every event
    # before the worker starts, and the publisher is woken by each commit.
    publisher = OutboxPublisher(app, client, "bench-worker", lease_seconds=30)
    worker = PostingWorker(app, client=client, owner="bench-worker", batch_size=batch, on_commit=publisher.wake.set)
    cpu: dict[str, float] = {}

    def timed(name: str, run):
        # Each thread's own CPU time: figures a shared machine's load hardly moves.
        def body() -> None:
            start = time.thread_time()
            try:
                run(stop)
            finally:
                cpu[name] = time.thread_time() - start
        return body

    threads = [threading.Thread(target=timed("worker", worker.run), daemon=True),
               threading.Thread(target=timed("publisher", publisher.run), daemon=True)]
    # The watch only reads (on SQLite it takes no turn for the write lock), and looks at the
    # outbox only once everything is processed: it should not slow down what it measures.
    read_only = sqlite_read_only.set(True)
    s = system_session(app, "bench")
    started = time.perf_counter()
    processed_at = None
    left = None
    for t in threads:
        t.start()
    try:
        while True:
            time.sleep(0.05)
            done = s.execute(select(func.count()).select_from(SyncProcessed)).scalar_one()
            if done >= expected:
                left = s.execute(select(func.count()).select_from(OutboxMessage)
                                 .where(OutboxMessage.published_at.is_(None))).scalar_one()
            s.rollback()
            if done >= expected and processed_at is None:
                processed_at = time.perf_counter() - started
            if done >= expected and left == 0:
                print(f"    every event processed after {processed_at:.2f} s, every status published after "
                      f"{time.perf_counter() - started:.2f} s", flush=True)
                break
            if time.perf_counter() - started > 1800:
                raise RuntimeError(f"posting did not finish: {done}/{expected} processed, {left} unpublished")
        return time.perf_counter() - started
    finally:
        stop.set()
        for t in threads:
            t.join(30)
        if "worker" in cpu:
            print(f"    the worker thread's CPU time: {cpu['worker']:.2f} s, {cpu['worker'] * 1000 / expected:.2f} ms per event; "
                  f"the publisher's {cpu.get('publisher', 0):.2f} s", flush=True)
        s.close()
        sqlite_read_only.reset(read_only)


def check(app, mix, client: CouchClient) -> None:
    s = system_session(app, "bench")
    try:
        outcomes = dict(s.execute(select(SyncProcessed.outcome, func.count()).group_by(SyncProcessed.outcome)).all())
        want = {}
        for o in mix.outcome.values():
            want[o] = want.get(o, 0) + 1
        assert outcomes == want, (outcomes, want)
        by_doc = dict(s.execute(select(SyncProcessed.doc_id, SyncProcessed.outcome)).all())
        wrong = [i for i, o in mix.outcome.items() if by_doc.get(i) != o]
        assert not wrong, wrong[:5]
        problems = rebuild_check(s)
        assert not problems, problems[:5]
        rows = s.execute(select(StockLocation.kind, StockLocation.warehouse_id, StockLocation.engineer_id, StockBalance.item_id,
                                StockBalance.quantity).join(StockBalance, StockBalance.location_id == StockLocation.id)
                         .where(StockLocation.kind.in_(("warehouse", "engineer")))
                         .execution_options(unscoped=True)).all()
        got = {((k, w or e), i): q for k, w, e, i, q in rows if q}
        want_q = {k: q for k, q in mix.expected.items() if q}
        assert got == want_q, "balances differ from the mix's book"
    finally:
        s.close()
    statuses = sum(1 for r in client.all_docs(DB) if r["id"].startswith("status:"))
    assert statuses == len(mix.events), statuses


def demo_network(url: str, tmp: Path, store, batch: int, make_place):
    """Migrate ``url``, load the demo network, provision the store and publish the master data
    (as on a running server: the md:* documents are in the feed too). Returns (settings, app,
    store client, ``make_place(session)``)."""
    upgrade(url)
    settings = Settings(database_url=url, var_dir=str(tmp), jwt_secret="s" * 40, password_hash_cost="fast",
                        couchdb_url=store.url, couchdb_user=COUCH_USER, couchdb_password=COUCH_PASSWORD,
                        sync_batch_size=batch).resolved()
    app = create_app(settings)
    client = CouchClient(store.url, COUCH_USER, COUCH_PASSWORD)
    s = system_session(app, "bench")
    with unit_of_work(s):
        load_demo(s, settings)
    provision(s, client, COUCH_USER)
    s.commit()
    place = make_place(s)
    s.close()
    pub = OutboxPublisher(app, client, "bench-setup", lease_seconds=30)
    while pub.publish_pending():
        pass
    pub.release()
    return settings, app, client, place


def admin_url(store, db: str) -> str:
    """The store's URL of ``db`` with the server's credentials (for the test driver's pushes)."""
    return store.url.replace("://", f"://{COUCH_USER}:{COUCH_PASSWORD}@") + f"/{db}"


def run(backend: str, events: int, batch: int, tmp: Path) -> dict:
    if backend == "sqlite":
        url = f"sqlite:///{tmp / 'aftercare.db'}"
        admin = None
    else:
        name = f"aftercare_bench_{uuid.uuid4().hex[:8]}"
        admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        url = make_url(PG_ADMIN).set(database=name).render_as_string(hide_password=False)
    store = start_store(user=COUCH_USER, password=COUCH_PASSWORD, workdir=tmp / "couch")
    serving = None
    try:
        settings, app, client, place = demo_network(url, tmp, store, batch, place_from_demo)
        mix = make_mix(place, events, seed=2026)
        print(f"[{backend}] mix of {len(mix.events)} events: " + ", ".join(f"{k} {v}" for k, v in sorted(mix.kinds.items()))
              + f"; expected posted {mix.posted}, refused {len(mix.events) - mix.posted}", flush=True)

        device = tmp / "tablet"
        docs_file = tmp / "events.json"
        docs_file.write_text(json.dumps(mix.events, ensure_ascii=False))
        put = drive(cmd="put", dir=str(device), file=str(docs_file))
        assert put["ok"] and put["count"] == len(mix.events), put
        client.create_db("bench_direct")
        direct = drive(cmd="push", dir=str(device), url=admin_url(store, "bench_direct"))
        assert direct["ok"] and direct["docs_written"] == len(mix.events), direct
        serving = Serving(app)
        token = issue_access_token(settings, place.user_id)[0]
        proxied = drive(cmd="push", dir=str(device), url=f"http://127.0.0.1:{serving.port}/sync/{DB}", token=token)
        assert proxied["ok"] and proxied["docs_written"] == len(mix.events), {k: v for k, v in proxied.items() if k != "denied"}
        client.request("DELETE", "/bench_direct")

        engine = app.extensions["aftercare.db"].engine
        raw_n, raw_s = raw_ingest(client, engine, DB, batch)
        assert raw_n == len(mix.events), raw_n
        post_s = post_all(app, client, len(mix.events), batch)
        check(app, mix, client)
        client.close()
        app.extensions["aftercare.db"].dispose()
        out = {"backend": backend, "events": len(mix.events), "direct_s": direct["elapsed_ms"] / 1000,
               "proxy_s": proxied["elapsed_ms"] / 1000, "raw_s": raw_s, "post_s": post_s}
        n = len(mix.events)
        print(f"[{backend}] replication direct to the store: {out['direct_s']:.2f} s ({n / out['direct_s']:.0f} docs/s)")
        print(f"[{backend}] replication through the proxy:   {out['proxy_s']:.2f} s ({n / out['proxy_s']:.0f} docs/s)")
        print(f"[{backend}] (a) raw _changes -> JSON rows:    {raw_s:.2f} s ({n / raw_s:.0f} events/s)")
        print(f"[{backend}] (b) worker posting + statuses:   {post_s:.2f} s ({n / post_s:.0f} events/s)")
        print(f"[{backend}] checked: every event processed once as expected, balances as booked, rebuild_check empty",
              flush=True)
        return out
    finally:
        if serving is not None:
            serving.close()
        store.stop()
        if admin is not None:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
            admin.dispose()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=5000)
    ap.add_argument("--batch", type=int, default=200, help="events per SQL transaction (raw and worker alike)")
    ap.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="sqlite")
    args = ap.parse_args()
    print("note: the machine is shared (2 cores); rates are indicative", flush=True)
    results = []
    for backend in (["sqlite", "postgresql"] if args.backend == "both" else [args.backend]):
        tmp = Path(tempfile.mkdtemp(prefix=f"bench-sync-{backend}-"))
        try:
            results.append(run(backend, args.events, args.batch, tmp))
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    for r in results:
        n = r["events"]
        print(f"[{r['backend']}] posting {n / r['post_s']:.0f} events/s = {r['raw_s'] / r['post_s']:.2f} of raw "
              f"(target >= 500/s on SQLite and >= 0.33); proxy/direct replication {r['proxy_s'] / r['direct_s']:.2f} "
              f"(target <= 1.5)")
    main_r = results[0]
    print(f"sync posting_ratio={main_r['raw_s'] / main_r['post_s']:.3f} proxy_ratio={main_r['proxy_s'] / main_r['direct_s']:.3f}")


if __name__ == "__main__":
    main()
