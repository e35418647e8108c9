"""Exchange at volume: exchange orders of every mode through the posting worker, then the IMEI history.

1. 2,000 exchange orders of the demo service point SZ01, mixed across the modes, with all their
   events made by the counter tablet: A (intake, the point's unit handed over, dispatch, the
   manufacturer's receipt, its unit into stock: 5 events), B (intake, dispatch, the manufacturer's
   unit received, signed pickup: 4), C (intake as B, dispatch, turned on-site, the manufacturer's
   unit into stock: 4), D (intake, converted to a repair order: 2). Pushed into the store and
   posted by the worker and the outbox publisher as in production (threads), until every event
   is processed and every status document is in the store; each step after its order's earlier
   ones, in waves, as tablets syncing in turn would deliver them. Every order must end where its
   mode ends (completed, or converted), with the stock ledger's rebuild check holding.
2. The repair and exchange tables topped up to 200,000 orders together (bulk rows; exchange orders
   share IMEIs with repair orders, so a timeline holds both), then
   ``GET /api/repair/imei/<imei>/history`` as the service point's manager for random IMEIs: bulk
   ones, and the worker's own (with their stock moves, steps and cards).

Last line: ``exchange events_per_s=<n> imei_p95_ms=<n>``.
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
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, insert, select, text  # noqa: E402

from bench.ledger import pct  # noqa: E402
from bench.repair import SIG, Place, top_up  # noqa: E402
from bench.sync import COUCH_PASSWORD, COUCH_USER, DB, admin_url, demo_network, drive, post_all  # noqa: E402
from server.auth.models import User  # noqa: E402
from server.auth.operations import principal_for  # noqa: E402
from server.auth.principal import set_principal  # noqa: E402
from server.auth.tokens import issue_access_token  # noqa: E402
from server.basedata.demo import make_imei  # noqa: E402
from server.basedata.models import Item, Party, ProductModel, Tac, Warehouse  # noqa: E402
from server.basedata.operations import today_in  # noqa: E402
from server.db import unit_of_work, utcnow  # noqa: E402
from server.exchange.models import ExchangeOrder, ExchangeRule, ExchangeStep  # noqa: E402
from server.http import system_session  # noqa: E402
from server.ids import uuid7  # noqa: E402
from server.repair.models import RepairOrder  # noqa: E402
from server.stock import operations as stock_ops  # noqa: E402
from server.stock.ledger import rebuild_check  # noqa: E402
from sync.models import SyncProcessed  # noqa: E402
from sync.store import start_store  # noqa: E402

# The mix of modes (shares of the orders) and how many events each mode's order makes.
MIX = (("A", 0.30), ("B", 0.30), ("C", 0.25), ("D", 0.15))
EVENTS = {"A": 5, "B": 4, "C": 4, "D": 2}
ENDS = {"A": "completed", "B": "completed", "C": "completed", "D": "converted"}
# IMEI serial ranges (make_imei's n): customers' units, the point's replacements, the manufacturer's.
CUSTOMER, STOCK, FACTORY = 500_000, 700_000, 800_000


class ExchangePlace(Place):
    """SZ01 as repair's bench sees it, plus the model behind the TAC, its device item, the brand's
    manufacturer (a 三包 rule naming it) and the point's good stock."""

    def __init__(self, session):
        super().__init__(session)
        self.model_id = session.execute(select(Tac.model_id).where(Tac.code == self.tac)).scalar_one()
        model = session.get(ProductModel, self.model_id)
        self.item_id = session.execute(select(Item.id).where(Item.model_id == model.id, Item.kind == "device",
                                                             Item.serialized).order_by(Item.code)).scalars().first()
        makers = session.execute(select(Party).where(Party.active)).scalars().all()
        self.maker = next(p.id for p in makers if "manufacturer" in p.roles)
        self.good = session.execute(select(Warehouse.id).where(Warehouse.org_id == self.org_id, Warehouse.kind == "good")
                                    .order_by(Warehouse.code)).scalars().first()
        if session.execute(select(ExchangeRule).where(ExchangeRule.brand_id == model.brand_id)).scalar_one_or_none() is None:
            session.add(ExchangeRule(id=uuid7(), brand_id=model.brand_id, manufacturer_id=self.maker))
            session.commit()


def modes(orders: int, rng: random.Random) -> list[str]:
    out = [m for m, share in MIX for _ in range(round(orders * share))]
    out = (out + ["A"] * orders)[:orders]
    rng.shuffle(out)
    return out


def stock_replacements(app, place: ExchangePlace, count: int) -> None:
    """The point's own units the counter hands over (modes A and C): one goods receipt."""
    s = system_session(app, "bench")
    try:
        set_principal(s, principal_for(s, s.get(User, place.users["manager"])))
        with unit_of_work(s):
            supplier = next(p.id for p in s.execute(select(Party).where(Party.active)).scalars() if "supplier" in p.roles)
            doc = stock_ops.create_stock_document(s, "goods_receipt", {
                "kind": "purchase", "party_id": supplier, "warehouse_id": place.good, "doc_date": today_in("Asia/Shanghai"),
                "lines": [{"item_id": place.item_id, "quantity": Decimal(count), "unit_cost": Decimal("2000"),
                           "serials": [make_imei(place.tac, STOCK + k) for k in range(count)]}]})
            stock_ops.post_stock_document(s, doc)
    finally:
        s.close()


def order_events(place: ExchangePlace, n: int, mode: str, unit: int | None, at: dt.datetime) -> list[list[dict]]:
    """The events of one exchange order of ``mode``, grouped by the step they belong to."""
    oid = str(uuid7())
    t = [at + dt.timedelta(minutes=k) for k in range(6)]

    def ev(etype: str, k: int, **payload) -> dict:
        doc = {"_id": str(uuid7()), "type": etype, "org": str(place.org_id), "device_id": "tab-counter",
               "user_id": str(place.users["clerk"]), "created_at": t[k].isoformat(), "order_id": oid}
        doc.update(payload)
        return doc

    def step(k: int, event: str, **payload) -> list[dict]:
        return [ev("exchange_event", k, event=event, **payload)]

    intake = ev("exchange_intake", 0, imei=make_imei(place.tac, CUSTOMER + n), customer_name=f"客户{n}",
                customer_phone=f"137{n:08d}", model_id=str(place.model_id), symptom_ids=[str(place.symptom)],
                fault_description="开机黑屏",
                purchase_date=(t[0].date() - dt.timedelta(days=3)).isoformat(), mode="A" if mode == "A" else "B",
                provisional_code=f"X{n:05d}")
    intake["_id"] = oid
    factory = make_imei(place.tac, FACTORY + n)
    given = make_imei(place.tac, STOCK + unit) if unit is not None else ""
    if mode == "A":
        return [[intake], step(1, "hand_over", replacement_imei=given, signature=SIG), step(2, "dispatch", carrier="顺丰"),
                step(3, "factory_receipt"), step(4, "receive_replacement", replacement_imei=factory)]
    if mode == "B":
        return [[intake], step(1, "dispatch", carrier="顺丰"), step(2, "receive_replacement", replacement_imei=factory),
                step(3, "pickup", signature=SIG)]
    if mode == "C":
        return [[intake], step(1, "dispatch", carrier="顺丰"),
                step(2, "convert_to_onsite", replacement_imei=given, signature=SIG, reason="客户等不及"),
                step(3, "receive_replacement", replacement_imei=factory)]
    return [[intake], step(1, "convert_to_repair", reason="检测后可修")]


def feed(place: ExchangePlace, kinds: list[str], wave: int) -> list[dict]:
    """Orders in waves of ``wave``: every step of a wave's orders before the next step."""
    docs: list[dict] = []
    start = utcnow() - dt.timedelta(days=1)
    units = iter(range(len(kinds)))
    for first in range(0, len(kinds), wave):
        steps = []
        for n in range(first, min(len(kinds), first + wave)):
            unit = next(units) if kinds[n] in ("A", "C") else None
            steps.append(order_events(place, n, kinds[n], unit, start + dt.timedelta(seconds=n)))
        for k in range(max(len(s) for s in steps)):
            for s in steps:
                if k < len(s):
                    docs.extend(s[k])
    return docs


def top_up_exchanges(app, place: ExchangePlace, count: int, rng: random.Random) -> list[str]:
    """Bulk exchange orders (three steps each): the old IMEIs drawn from the repair top-up's pool, so
    those devices' timelines hold repair and exchange orders. Returns IMEIs to look up."""
    s = system_session(app, "bench")
    try:
        with unit_of_work(s):
            template = s.execute(select(ExchangeOrder).where(ExchangeOrder.state == "completed").limit(1)).scalar_one()
            base = {c.key: getattr(template, c.key) for c in ExchangeOrder.__table__.columns}
            now = utcnow()
            orders, steps, imeis = [], [], []
            for n in range(count):
                old = make_imei(place.tac, 100_000 + rng.randrange(150_000))
                oid = uuid7()
                row = dict(base, id=oid, imei=old, number=f"HJ-SZ01-2611-B{n:07d}", provisional_code="", state="at_factory",
                           replacement_imei=make_imei(place.tac, 300_000 + n), factory_imei="", device_id="bench",
                           unit_at="transit", replacement_received_at=None,
                           created_at=now - dt.timedelta(minutes=n), reverses_id=None, from_repair_order_id=None,
                           repair_order_id=None, warranty_card_id=None, new_card_id=None, step_count=3)
                orders.append(row)
                if n % 100 == 0:
                    imeis.append(old)
                for k, (event, a, b) in enumerate((("intake", "", "pending_exchange"),
                                                   ("hand_over", "pending_exchange", "pending_dispatch"),
                                                   ("dispatch", "pending_dispatch", "at_factory"))):
                    steps.append(dict(id=uuid7(), org_id=place.org_id, order_id=oid, seq=k + 1, event=event, from_state=a,
                                      to_state=b, at=row["created_at"] + dt.timedelta(hours=k),
                                      doc_date=row["doc_date"], user_id=place.users["clerk"], username="sz01.clerk",
                                      source="api", event_id=None, data={}, before={}, reverses_seq=None,
                                      reversed_by_seq=None))
                if len(orders) >= 5_000:
                    s.execute(insert(ExchangeOrder.__table__), orders)
                    s.execute(insert(ExchangeStep.__table__), steps)
                    orders, steps = [], []
            if orders:
                s.execute(insert(ExchangeOrder.__table__), orders)
                s.execute(insert(ExchangeStep.__table__), steps)
        return imeis
    finally:
        s.close()


def run(orders: int, total: int, queries: int, batch: int, tmp: Path) -> tuple[float, float]:
    url = f"sqlite:///{tmp / 'aftercare.db'}"
    store = start_store(user=COUCH_USER, password=COUCH_PASSWORD, workdir=tmp / "couch")
    try:
        settings, app, client, place = demo_network(url, tmp, store, batch, ExchangePlace)
        rng = random.Random(17)
        kinds = modes(orders, rng)
        stock_replacements(app, place, sum(1 for k in kinds if k in ("A", "C")))
        docs = feed(place, kinds, wave=50)
        assert len(docs) == sum(EVENTS[k] for k in kinds)
        (tmp / "events.json").write_text(json.dumps(docs, ensure_ascii=False))
        device = tmp / "tablets"
        put = drive(cmd="put", dir=str(device), file=str(tmp / "events.json"))
        assert put["ok"] and put["count"] == len(docs), put
        pushed = drive(cmd="push", dir=str(device), url=admin_url(store, DB))
        assert pushed["ok"] and pushed["docs_written"] == len(docs), pushed
        mix = {m: kinds.count(m) for m, _ in MIX}
        print(f"[sqlite] {orders} exchange orders {mix}, {len(docs)} events pushed to the store", flush=True)

        post_s = post_all(app, client, len(docs), batch)
        s = system_session(app, "bench")
        try:
            outcomes = dict(s.execute(select(SyncProcessed.outcome, func.count()).group_by(SyncProcessed.outcome)).all())
            if outcomes != {"posted": len(docs)}:
                from sync.models import SyncDeadLetter

                reasons = s.execute(select(SyncDeadLetter.event_type, SyncDeadLetter.reasons).limit(3)).all()
                raise AssertionError(f"{outcomes}: {reasons}")
            states = {(m, st): c for m, st, c in s.execute(select(ExchangeOrder.mode, ExchangeOrder.state, func.count())
                                                              .group_by(ExchangeOrder.mode, ExchangeOrder.state)).all()}
            assert states == {(m, ENDS[m]): c for m, c in mix.items() if c}, states
            assert rebuild_check(s) == []
        finally:
            s.close()
        rate = len(docs) / post_s
        print(f"[sqlite] posted {len(docs)} events in {post_s:.1f} s: {rate:.0f} events/s (target 300, ratio {rate / 300:.2f}); "
              f"every order where its mode ends, the stock ledger's rebuild check holds", flush=True)

        t0 = time.perf_counter()
        # A quarter exchange orders (the worker's included), the rest repair orders (top_up counts its own).
        imeis = top_up_exchanges(app, place, max(0, total // 4 - orders), rng)
        imeis += top_up(app, place, total - total // 4, rng)
        s = system_session(app, "bench")
        try:
            counts = (s.execute(select(func.count()).select_from(RepairOrder)).scalar_one(),
                      s.execute(select(func.count()).select_from(ExchangeOrder)).scalar_one())
            s.execute(text("ANALYZE"))
            s.commit()
        finally:
            s.close()
        worked = [make_imei(place.tac, CUSTOMER + n) for n in rng.sample(range(orders), min(orders, 40))]
        imeis += worked + [make_imei(place.tac, FACTORY + n) for n in rng.sample(range(orders), min(orders, 10))]
        print(f"[sqlite] topped up to {counts[0]:,} repair + {counts[1]:,} exchange orders = {sum(counts):,} "
              f"in {time.perf_counter() - t0:.1f} s", flush=True)
        token = issue_access_token(settings, place.users["manager"])[0]
        web = app.test_client()
        headers = {"Authorization": f"Bearer {token}"}
        times, entries, with_exchange = [], 0, 0
        for k in range(queries + 10):
            imei = rng.choice(imeis)
            t = time.perf_counter()
            r = web.get(f"/api/repair/imei/{imei}/history", headers=headers)
            elapsed = (time.perf_counter() - t) * 1000
            assert r.status_code == 200, r.json
            if k >= 10:  # the first few warm the caches
                times.append(elapsed)
                entries += len(r.json["entries"])
                with_exchange += bool(r.json.get("exchanges"))
        p50, p95 = pct(times, 50), pct(times, 95)
        print(f"[sqlite] IMEI history over {sum(counts):,} orders: p50 {p50:.1f} ms, p95 {p95:.1f} ms "
              f"({entries / len(times):.1f} entries per timeline, {with_exchange} of {len(times)} with an exchange; "
              f"target p95 20 ms, ratio {p95 / 20:.2f})", flush=True)
        client.close()
        app.extensions["aftercare.db"].dispose()
        return rate, p95
    finally:
        store.stop()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--orders", type=int, default=2000)
    ap.add_argument("--total", type=int, default=200_000, help="repair and exchange orders for the IMEI history")
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--batch", type=int, default=200)
    args = ap.parse_args()
    print("note: the machine is shared (2 cores); rates are indicative", flush=True)
    tmp = Path(tempfile.mkdtemp(prefix="bench-exchange-"))
    try:
        rate, p95 = run(args.orders, args.total, args.queries, args.batch, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"exchange events_per_s={rate:.0f} imei_p95_ms={p95:.1f}")


if __name__ == "__main__":
    main()
