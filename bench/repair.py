"""Repair at volume: complete repair orders through the posting worker, then the IMEI history.

1. 2,000 complete in-warranty repair orders of the demo service point SZ01, 11 events each
   (intake, accept, handover to the engineer, start, finish, handover to QC, QC pass,
   handover back to the counter, pickup, follow-up, audit), made by the counter, workshop,
   QC, customer-service and manager tablets, pushed into the store and posted by the worker
   and the outbox publisher as in production (threads), until every event is processed and
   every status document is in the store. Orders arrive in waves, each event after the ones
   of its order it depends on, as tablets syncing in turn would deliver them.
2. The repair tables topped up to 200,000 orders (bulk rows: a quarter of the IMEIs come back
   more than once), then ``GET /api/repair/imei/<imei>/history`` as the service point's
   manager for random IMEIs.

Last line: ``repair events_per_s=<n> imei_p95_ms=<n>``.
Targets: >= 300 events/s posted on SQLite; IMEI history p95 <= 20 ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, insert, select, text  # noqa: E402

from bench.ledger import pct  # noqa: E402
from bench.sync import COUCH_PASSWORD, COUCH_USER, DB, admin_url, demo_network, drive, post_all  # noqa: E402
from server.auth.models import User  # noqa: E402
from server.auth.tokens import issue_access_token  # noqa: E402
from server.basedata.demo import make_imei  # noqa: E402
from server.basedata.models import Engineer, FaultSymptom, RepairLevel, Tac, WarrantyStatus  # noqa: E402
from server.db import unit_of_work, utcnow  # noqa: E402
from server.http import system_session  # noqa: E402
from server.ids import uuid7  # noqa: E402
from server.org.models import Organisation  # noqa: E402
from server.repair.models import RepairOrder, RepairTransition  # noqa: E402
from sync.models import SyncProcessed  # noqa: E402
from sync.store import start_store  # noqa: E402

SIG = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="


class Place:
    def __init__(self, session):
        org = session.execute(select(Organisation).where(Organisation.code == "SZ01")).scalar_one()
        users = {u.username: u for u in session.execute(select(User).where(User.org_id == org.id)
                                                         .execution_options(unscoped=True)).scalars()}
        self.org_id = org.id
        self.users = {name: users[f"sz01.{name}"].id for name in ("clerk", "engineer", "qc", "cs", "manager")}
        self.engineer = session.execute(select(Engineer.id).where(Engineer.user_id == self.users["engineer"])
                                        .execution_options(unscoped=True)).scalar_one()
        self.level = session.execute(select(RepairLevel.id).where(RepairLevel.code == "L2")).scalars().first()
        self.in_warranty = session.execute(select(WarrantyStatus.id).where(WarrantyStatus.rule == "in_warranty")).scalars().first()
        self.symptom = session.execute(select(FaultSymptom.id).order_by(FaultSymptom.code)).scalars().first()
        self.tac = session.execute(select(Tac.code).order_by(Tac.code)).scalars().first()


def order_events(place: Place, n: int, at: dt.datetime) -> list[list[dict]]:
    """The events of one complete repair, grouped by the step they belong to."""
    oid = str(uuid7())
    t = [at + dt.timedelta(minutes=k) for k in range(11)]

    def ev(who: str, etype: str, k: int, **payload) -> dict:
        doc = {"_id": str(uuid7()), "type": etype, "org": str(place.org_id), "device_id": f"tab-{who}",
               "user_id": str(place.users[who]), "created_at": t[k].isoformat(), "order_id": oid}
        doc.update(payload)
        return doc

    intake = ev("clerk", "repair_intake", 0, imei=make_imei(place.tac, n), customer_name=f"客户{n}",
                customer_phone=f"139{n:08d}", symptom_ids=[str(place.symptom)], fault_description="不开机",
                warranty_status_id=str(place.in_warranty), warranty_override_reason="保修卡遗失，凭发票 invoice",
                provisional_code=f"B{n:05d}")
    intake["_id"] = oid
    return [
        [intake],
        [ev("clerk", "repair_event", 1, event="accept", engineer_id=str(place.engineer))],
        [ev("clerk", "repair_handover", 2, to_user_id=str(place.users["engineer"]), signature=SIG, place="前台 counter")],
        [ev("engineer", "repair_event", 3, event="start_repair", engineer_id=str(place.engineer))],
        [ev("engineer", "repair_event", 4, event="finish_repair", repair_level_id=str(place.level))],
        [ev("engineer", "repair_handover", 5, to_user_id=str(place.users["qc"]), signature=SIG)],
        [ev("qc", "repair_event", 6, event="qc_pass")],
        [ev("qc", "repair_handover", 7, to_user_id=str(place.users["clerk"]), signature=SIG)],
        [ev("clerk", "repair_event", 8, event="pickup", signature=SIG)],
        [ev("cs", "repair_event", 9, event="follow_up", satisfaction=5)],
        [ev("manager", "repair_event", 10, event="audit")],
    ]


def feed(place: Place, orders: int, wave: int) -> list[dict]:
    """Orders in waves of ``wave``: every step of a wave's orders before the next step."""
    docs: list[dict] = []
    start = utcnow() - dt.timedelta(days=1)
    for first in range(0, orders, wave):
        steps = [order_events(place, n, start + dt.timedelta(seconds=n)) for n in range(first, min(orders, first + wave))]
        for k in range(len(steps[0])):
            for s in steps:
                docs.extend(s[k])
    return docs


def top_up(app, place: Place, total: int, rng: random.Random) -> list[str]:
    """Bulk repair orders (and four transitions each) up to ``total``; returns IMEIs to look up."""
    s = system_session(app, "bench")
    try:
        with unit_of_work(s):
            have = s.execute(select(func.count()).select_from(RepairOrder)).scalar_one()
            template = s.execute(select(RepairOrder).limit(1)).scalar_one()
            columns = [c.key for c in RepairOrder.__table__.columns]
            base = {c: getattr(template, c) for c in columns}
            now = utcnow()
            orders, transitions, imeis = [], [], []
            pool = 150_000  # distinct IMEIs for the bulk orders: some devices come back
            for n in range(have, total):
                imei = make_imei(place.tac, 100_000 + (n if rng.random() < 0.75 else rng.randrange(pool)) % 900_000)
                oid = uuid7()
                row = dict(base, id=oid, imei=imei, number=f"WX-SZ01-2611-B{n:07d}", provisional_code="",
                           created_at=now - dt.timedelta(minutes=n), device_id="bench", reverses_id=None,
                           comeback_of_id=None)
                orders.append(row)
                if n % 200 == 0:
                    imeis.append(imei)
                for k, (event, a, b) in enumerate((("intake", "", "pending_acceptance"),
                                                   ("accept", "pending_acceptance", "pending_repair"),
                                                   ("pickup", "pending_pickup", "completed"),
                                                   ("audit", "followed_up", "audited"))):
                    transitions.append(dict(id=uuid7(), org_id=place.org_id, order_id=oid, seq=k + 1, event=event, from_state=a,
                                            to_state=b, at=row["created_at"] + dt.timedelta(hours=k),
                                            user_id=place.users["clerk"], username="sz01.clerk", source="api",
                                            event_id=None, data={}))
                if len(orders) >= 5_000:
                    s.execute(insert(RepairOrder.__table__), orders)
                    s.execute(insert(RepairTransition.__table__), transitions)
                    orders, transitions = [], []
            if orders:
                s.execute(insert(RepairOrder.__table__), orders)
                s.execute(insert(RepairTransition.__table__), transitions)
        if s.get_bind().dialect.name == "sqlite":
            s.execute(text("ANALYZE"))
            s.commit()
        return imeis
    finally:
        s.close()


def run(orders: int, total: int, queries: int, batch: int, tmp: Path) -> tuple[float, float]:
    url = f"sqlite:///{tmp / 'aftercare.db'}"
    store = start_store(user=COUCH_USER, password=COUCH_PASSWORD, workdir=tmp / "couch")
    try:
        settings, app, client, place = demo_network(url, tmp, store, batch, Place)

        docs = feed(place, orders, wave=50)
        (tmp / "events.json").write_text(json.dumps(docs, ensure_ascii=False))
        device = tmp / "tablets"
        put = drive(cmd="put", dir=str(device), file=str(tmp / "events.json"))
        assert put["ok"] and put["count"] == len(docs), put
        pushed = drive(cmd="push", dir=str(device), url=admin_url(store, DB))
        assert pushed["ok"] and pushed["docs_written"] == len(docs), pushed
        print(f"[sqlite] {orders} repair orders, {len(docs)} events pushed to the store", flush=True)

        post_s = post_all(app, client, len(docs), batch)
        s = system_session(app, "bench")
        try:
            outcomes = dict(s.execute(select(SyncProcessed.outcome, func.count()).group_by(SyncProcessed.outcome)).all())
            if outcomes != {"posted": len(docs)}:
                from sync.models import SyncDeadLetter

                reasons = s.execute(select(SyncDeadLetter.event_type, SyncDeadLetter.reasons).limit(3)).all()
                raise AssertionError(f"{outcomes}: {reasons}")
            states = dict(s.execute(select(RepairOrder.state, func.count()).group_by(RepairOrder.state)).all())
            assert states == {"audited": orders}, states
        finally:
            s.close()
        rate = len(docs) / post_s
        print(f"[sqlite] posted {len(docs)} events in {post_s:.1f} s: {rate:.0f} events/s (target 300, ratio {rate / 300:.2f}); "
              f"every order audited", flush=True)

        rng = random.Random(11)
        t0 = time.perf_counter()
        imeis = top_up(app, place, total, rng)
        imeis += [make_imei(place.tac, n) for n in rng.sample(range(orders), min(orders, 50))]
        print(f"[sqlite] repair orders topped up to {total:,} in {time.perf_counter() - t0:.1f} s", flush=True)
        token = issue_access_token(settings, place.users["manager"])[0]
        web = app.test_client()
        headers = {"Authorization": f"Bearer {token}"}
        times, entries = [], 0
        for k in range(queries + 10):
            imei = rng.choice(imeis)
            t = time.perf_counter()
            r = web.get(f"/api/repair/imei/{imei}/history", headers=headers)
            elapsed = (time.perf_counter() - t) * 1000
            assert r.status_code == 200, r.json
            if k >= 10:  # the first few warm the caches
                times.append(elapsed)
                entries += len(r.json["entries"])
        p50, p95 = pct(times, 50), pct(times, 95)
        print(f"[sqlite] IMEI history over {total:,} orders: p50 {p50:.1f} ms, p95 {p95:.1f} ms "
              f"({entries / len(times):.1f} entries per timeline; target p95 20 ms, ratio {p95 / 20:.2f})", flush=True)
        client.close()
        app.extensions["aftercare.db"].dispose()
        return rate, p95
    finally:
        store.stop()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--orders", type=int, default=2000)
    ap.add_argument("--total", type=int, default=200_000, help="repair orders in the database for the IMEI history")
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--batch", type=int, default=200)
    args = ap.parse_args()
    print("note: the machine is shared (2 cores); rates are indicative", flush=True)
    tmp = Path(tempfile.mkdtemp(prefix="bench-repair-"))
    try:
        rate, p95 = run(args.orders, args.total, args.queries, args.batch, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"repair events_per_s={rate:.0f} imei_p95_ms={p95:.1f}")


if __name__ == "__main__":
    main()
