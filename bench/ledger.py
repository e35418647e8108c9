"""The stock ledger at volume.

1. Posts 100,000 stock moves through ``post_moves`` (documents of 50 lines, one
   transaction each: receipts, transfers, issues across four organisations).
2. Tops the ledger up to 1,000,000 rows with bulk-inserted moves (balances and
   costs rebuilt from the ledger), then measures ``current stock`` queries as
   headquarters and as a service point, with the filters people use.

Prints moves/s and query p50/p95 per backend. Last line:
``ledger moves_per_s=<min over dbs> stock_p95_ms=<max>``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
from decimal import Decimal

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from sqlalchemy import create_engine, insert, select, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from server.app import create_app  # noqa: E402
from server.auth.models import User  # noqa: E402
from server.auth.tokens import issue_access_token  # noqa: E402
from server.basedata.demo import generate_bulk  # noqa: E402
from server.basedata.models import Item, Warehouse  # noqa: E402
from server.db import unit_of_work, utcnow  # noqa: E402
from server.demo import load_demo  # noqa: E402
from server.http import system_session  # noqa: E402
from server.ids import uuid7  # noqa: E402
from server.migrate import upgrade  # noqa: E402
from server.settings import Settings  # noqa: E402
from server.stock.ledger import MoveSpec, location_for, post_moves, rebuild_check  # noqa: E402
from server.stock.models import StockMove  # noqa: E402

PG_ADMIN = os.environ.get("AFTERCARE_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
DAY = dt.date(2026, 11, 20)


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def run(backend: str, url: str, posted_moves: int, total_rows: int, queries: int, tmp: str) -> tuple[float, float]:
    upgrade(url)
    settings = Settings(database_url=url, var_dir=tmp, jwt_secret="l" * 40, password_hash_cost="fast").resolved()
    app = create_app(settings)
    s = system_session(app, "bench")
    with unit_of_work(s):
        load_demo(s, settings)
    with unit_of_work(s):
        generate_bulk(s, items=5000, members=0)
    with unit_of_work(s):
        whs = s.execute(select(Warehouse).where(Warehouse.kind.in_(("good", "defective")))).scalars().all()
        locs = [location_for(s, w.org_id, "warehouse", warehouse=w) for w in whs]
        orgs = sorted({w.org_id for w in whs})
        supplier = {o: location_for(s, o, "supplier", name="bench supplier") for o in orgs}
        customer = {o: location_for(s, o, "customer", name="bench customer") for o in orgs}
        items = s.execute(select(Item.id).where(Item.serialized.is_(False))).scalars().all()
    s.close()
    rng = random.Random(5)
    by_org = {o: [l for l in locs if l.org_id == o] for o in orgs}
    on_hand: dict = {}

    def document() -> list[MoveSpec]:
        org = rng.choice(orgs)
        kind = rng.random()
        specs = []
        for _ in range(50):
            item = rng.choice(items[:2000])
            loc = rng.choice(by_org[org])
            have = on_hand.get((loc.id, item), 0)
            if kind < 0.5 or have < 2:
                q = rng.randint(5, 50)
                specs.append(MoveSpec(item, supplier[org], loc, Decimal(q), unit_cost=Decimal(rng.randint(100, 90_000)) / 100))
                on_hand[(loc.id, item)] = have + q
            elif kind < 0.8:
                other = rng.choice([l for l in by_org[org] if l.id != loc.id])
                q = rng.randint(1, have // 2)
                specs.append(MoveSpec(item, loc, other, Decimal(q)))
                on_hand[(loc.id, item)] = have - q
                on_hand[(other.id, item)] = on_hand.get((other.id, item), 0) + q
            else:
                q = rng.randint(1, have // 2)
                specs.append(MoveSpec(item, loc, customer[org], Decimal(q)))
                on_hand[(loc.id, item)] = have - q
        return org, specs

    t0 = time.perf_counter()
    done = 0
    while done < posted_moves:
        org, specs = document()
        s = system_session(app, "bench")
        with unit_of_work(s):
            post_moves(s, specs, org_id=org, doc_type="bench", doc_id=uuid7(), doc_date=DAY)
        s.close()
        done += len(specs)
    elapsed = time.perf_counter() - t0
    rate = done / elapsed
    print(f"[{backend}] posted {done} moves in {elapsed:.1f}s: {rate:,.0f} moves/s (target 2,000, ratio {rate / 2000:.2f})", flush=True)

    # Top up to total_rows ledger rows with bulk inserts, then rebuild the caches from the ledger.
    t1 = time.perf_counter()
    s = system_session(app, "bench")
    with unit_of_work(s):
        have = s.execute(text("SELECT count(*) FROM stock_move")).scalar_one()
        batch = []
        now = utcnow()
        for n in range(total_rows - have):
            org = orgs[n % len(orgs)]
            loc = by_org[org][n % len(by_org[org])]
            q = Decimal(rng.randint(1, 20))
            batch.append(dict(id=uuid7(), org_id=org, item_id=items[(n * 7) % len(items)], from_location_id=supplier[org].id,
                              to_location_id=loc.id, quantity=q, value=q * Decimal("12.50"), doc_type="bench_bulk",
                              doc_id=uuid.UUID(int=n // 50 + 1), line_id=None, doc_date=DAY, posted_at=now,
                              reverses_move_id=None))
            if len(batch) == 10_000:
                s.execute(insert(StockMove), batch)
                batch.clear()
        if batch:
            s.execute(insert(StockMove), batch)
        own = "SELECT id FROM stock_location WHERE kind IN ('warehouse','engineer')"
        s.execute(text("DELETE FROM stock_balance"))
        s.execute(text("DELETE FROM stock_cost"))
        s.execute(text("""
            INSERT INTO stock_balance (location_id, item_id, org_id, location_kind, quantity, value)
            SELECT m.loc, m.item_id, l.org_id, l.kind, sum(m.q), sum(m.v) FROM (
                SELECT to_location_id AS loc, item_id, quantity AS q, value AS v FROM stock_move
                UNION ALL SELECT from_location_id, item_id, -quantity, -value FROM stock_move) m
            JOIN stock_location l ON l.id = m.loc GROUP BY m.loc, m.item_id, l.org_id, l.kind"""))
        s.execute(text(f"""
            INSERT INTO stock_cost (org_id, item_id, quantity, value)
            SELECT org_id, item_id, sum(quantity), sum(value) FROM stock_balance
            WHERE location_id IN ({own}) GROUP BY org_id, item_id"""))
    rows = s.execute(text("SELECT count(*) FROM stock_move")).scalar_one()
    balances = s.execute(text("SELECT count(*) FROM stock_balance")).scalar_one()
    problems = rebuild_check(s)
    s.close()
    assert not problems, problems[:3]
    if backend == "postgresql":
        with app.extensions["aftercare.db"].engine.connect() as conn:
            conn.execute(text("ANALYZE"))
            conn.commit()
    print(f"[{backend}] ledger {rows:,} rows, {balances:,} cached balances (top-up {time.perf_counter() - t1:.1f}s, consistent)",
          flush=True)

    s = system_session(app, "bench")
    users = {u.username: u for u in s.execute(select(User)).scalars()}
    s.close()
    client = app.test_client()
    hq = {"Authorization": f"Bearer {issue_access_token(settings, users['hq.warehouse'].id)[0]}"}
    sp = {"Authorization": f"Bearer {issue_access_token(settings, users['sz01.warehouse'].id)[0]}"}
    sz01_wh = [str(w.id) for w in whs if w.org_id == users["sz01.warehouse"].org_id]
    cases = {
        "hq all": (hq, lambda: "/api/stock/current"),
        "hq item": (hq, lambda: f"/api/stock/current?item_id={rng.choice(items)}"),
        "hq kind=part q": (hq, lambda: f"/api/stock/current?item_kind=part&q={rng.choice(['屏幕', 'mate', 'g000'])}"),
        "sp all": (sp, lambda: "/api/stock/current"),
        "sp warehouse": (sp, lambda: f"/api/stock/current?warehouse_id={rng.choice(sz01_wh)}&page={rng.randint(1, 20)}"),
    }
    worst = 0.0
    for name, (headers, make) in cases.items():
        for _ in range(5):
            assert client.get(make(), headers=headers).status_code == 200
        times = []
        for _ in range(queries):
            path = make()
            t = time.perf_counter()
            r = client.get(path, headers=headers)
            times.append((time.perf_counter() - t) * 1000)
            assert r.status_code == 200, r.get_json()
        p95 = pct(times, 95)
        worst = max(worst, p95)
        print(f"[{backend}] current stock {name:<15} p50 {statistics.median(times):6.1f} ms   p95 {p95:6.1f} ms", flush=True)
    print(f"[{backend}] worst current-stock p95 {worst:.1f} ms (target 100 ms, ratio {worst / 100:.2f})", flush=True)
    app.extensions["aftercare.db"].dispose()
    return rate, worst


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--moves", type=int, default=100_000)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--queries", type=int, default=100)
    ap.add_argument("--backends", default="sqlite,postgresql")
    args = ap.parse_args()
    rates, p95s = [], []
    for backend in args.backends.split(","):
        with tempfile.TemporaryDirectory() as tmp:
            if backend == "sqlite":
                rate, p95 = run(backend, f"sqlite:///{tmp}/bench.db", args.moves, args.rows, args.queries, tmp)
            else:
                admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
                name = f"aftercare_bench_{uuid.uuid4().hex[:8]}"
                with admin.connect() as c:
                    c.execute(text(f'CREATE DATABASE "{name}"'))
                try:
                    url = make_url(PG_ADMIN).set(database=name).render_as_string(hide_password=False)
                    rate, p95 = run(backend, url, args.moves, args.rows, args.queries, tmp)
                finally:
                    with admin.connect() as c:
                        c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                    admin.dispose()
        rates.append(rate)
        p95s.append(p95)
    print(f"ledger moves_per_s={min(rates):.0f} stock_p95_ms={max(p95s):.1f}")


if __name__ == "__main__":
    main()
