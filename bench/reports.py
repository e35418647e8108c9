"""Reports at a real network's volume (issue 20), on PostgreSQL.

1. A throwaway database of the local server, migrated, with the demo network, 500 more items, then
   200,000 repair orders (bench/workspace.py's generator), 1,000,000 stock moves (receipts from the
   supplier and issues to customers at each point's good warehouse, over 400 days, by COPY) and
   200,000 retail sale lines (100,000 posted sales of two lines, bulk inserts).
2. Through the API in process (routing, auth, scoping, queries, JSON), as hq.manager:
   - ``fixed_p95_ms``: each fixed report (``POST /api/reports/fixed/<key>/run``) over the last 90 days
     and over one point, the worst report's p95 (``n/a`` while the fixed reports are not there);
   - ``custom_p95_ms``: a two-level custom report over every repair order (point × month, count and
     the average of the QC failures), p95;
   - ``export_s`` / ``export_mem_mb``: ``POST /api/reports/custom/export`` of about 100,000 stock moves
     grouped by point, item and month (three detail fields, three measures), in a child process
     that has answered one small run first; its peak RSS while it exports (the kernel's high-water
     mark, reset once the app is loaded: interpreter, app and export) is the figure.

Last line: ``reports fixed_p95_ms=<n> custom_p95_ms=<n> export_s=<n> export_mem_mb=<n>``.
Targets: 500 ms, 1,000 ms, 10 s, 200 MB. The machine is shared: each figure is printed with the load.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


# The export's child process: only the app is loaded (not the generators), so its peak is the app's and the export's.
def export_child(url: str, tmp: str, token: str, spec: str) -> None:
    from server.app import create_app
    from server.settings import Settings

    app = create_app(Settings(database_url=url, var_dir=tmp, jwt_secret="s" * 40, password_hash_cost="fast").resolved())
    web = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    # A server that has answered before: one small run of the same report (statements compiled, the
    # pool connected), as every export but a fresh process's first finds it.
    warm = web.post("/api/reports/custom/run", json={**json.loads(spec), "limit": 10}, headers=headers)
    assert warm.status_code == 200, warm.get_data(as_text=True)[:500]

    def status(key: str) -> float:  # MB, from the kernel's own accounting of this process
        with open("/proc/self/status") as f:
            return next(int(line.split()[1]) for line in f if line.startswith(key + ":")) / 1024

    # Starting the app peaks above where it settles (imports, the route table): the high-water mark is
    # reset to what the process holds now, so the peak below is the process's while it exports.
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
    before = status("VmRSS")
    t = time.perf_counter()
    r = web.post("/api/reports/custom/export", json=json.loads(spec), headers=headers, buffered=False)
    size = 0
    for chunk in r.response:
        size += len(chunk)
    r.close()
    took = time.perf_counter() - t
    assert r.status_code == 200, r.status_code
    peak = status("VmHWM")
    print(json.dumps({"s": took, "bytes": size, "peak_mb": peak, "before_mb": before, "growth_mb": peak - before}))


if __name__ == "__main__" and sys.argv[1:2] == ["--export-child"]:
    export_child(*sys.argv[2:6])
    sys.exit(0)


from sqlalchemy import insert, select, text  # noqa: E402

from bench.finance import copy  # noqa: E402
from bench.ledger import pct  # noqa: E402
from bench.workspace import build_app, fill  # noqa: E402
from server.auth.tokens import issue_access_token  # noqa: E402
from server.basedata.demo import generate_bulk  # noqa: E402
from server.basedata.models import Item, Warehouse  # noqa: E402
from server.db import unit_of_work, utcnow  # noqa: E402
from server.http import system_session  # noqa: E402
from server.ids import uuid7  # noqa: E402
from server.migrate import upgrade  # noqa: E402
from server.retail.models import RetailSale, RetailSaleLine  # noqa: E402
from server.stock.ledger import location_for  # noqa: E402

PG_ADMIN = os.environ.get("AFTERCARE_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
DAYS = 400
MOVE_COLS = ("id", "org_id", "item_id", "from_location_id", "to_location_id", "quantity", "value", "doc_type", "doc_id",
             "line_id", "doc_date", "posted_at")


def load() -> str:
    return "load %.1f" % os.getloadavg()[0]


def pg_url() -> tuple[str, callable]:
    import psycopg

    raw = PG_ADMIN.replace("postgresql+psycopg://", "postgresql://")
    name = f"bench_reports_{os.getpid()}"
    with psycopg.connect(raw, autocommit=True) as c:
        c.execute(f"CREATE DATABASE {name}")

    def drop():
        with psycopg.connect(raw, autocommit=True) as c:
            c.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    return PG_ADMIN.rsplit("/", 1)[0] + f"/{name}", drop


def fill_stock_and_sales(app, moves: int, lines: int, rng: random.Random) -> dict:
    """Stock moves at every point's good warehouse, and posted retail sales of two lines there."""
    s = system_session(app, "bench")
    try:
        with unit_of_work(s):
            generate_bulk(s, items=500, members=0)
        warehouses = [w for w in s.execute(select(Warehouse).execution_options(unscoped=True)).scalars()
                      if w.kind == "good" and w.org_id is not None]
        by_org = {}
        for w in warehouses:
            by_org.setdefault(w.org_id, w)  # one good warehouse per organisation
        items = [(i.id, i.standard_cost or Decimal(50)) for i in s.execute(select(Item).where(Item.kind == "part")).scalars()]
        with unit_of_work(s):
            places = [(org, wh, location_for(s, org, "warehouse", warehouse=wh).id,
                       location_for(s, org, "supplier").id, location_for(s, org, "customer").id)
                      for org, wh in by_org.items()]
        today = utcnow().date()
        now = utcnow()
        rows = []
        conn = s.connection().connection.driver_connection
        for n in range(moves):
            org, _wh, own, supplier, customer = places[n % len(places)]
            item, cost = items[rng.randrange(len(items))]
            qty = rng.randint(1, 5)
            receipt = n % 3 != 0
            day = today - dt.timedelta(days=rng.randrange(DAYS))
            rows.append((uuid7(), org, item, supplier if receipt else own, own if receipt else customer, qty,
                         Decimal(qty) * cost, "goods_receipt" if receipt else "goods_issue", uuid.uuid4(), "\\N", day,
                         now))
            if len(rows) >= 50_000:
                copy(conn, "stock_move", MOVE_COLS, rows)
                rows = []
        if rows:
            copy(conn, "stock_move", MOVE_COLS, rows)
        s.commit()
        sales, sale_lines = [], []
        for n in range(lines // 2):
            org, wh, *_ = places[n % len(places)]
            sid = uuid7()
            day = today - dt.timedelta(days=rng.randrange(DAYS))
            total = Decimal(0)
            for k in range(2):
                item, cost = items[rng.randrange(len(items))]
                price = (cost * Decimal("1.6")).quantize(Decimal("0.01"))
                net = (price / Decimal("1.13")).quantize(Decimal("0.01"))
                sale_lines.append(dict(id=uuid7(), sale_id=sid, sort_order=k, item_id=item, quantity=Decimal(1),
                                       list_price=price, unit_price=price, tax_rate=Decimal("0.13"), net=net,
                                       tax=price - net, gross=price, cost=cost, serials=[]))
                total += price
            sales.append(dict(id=sid, org_id=org, number=f"LS-B{n:07d}", status="posted", doc_date=day,
                              posted_at=now, warehouse_id=wh.id, net_total=total, total=total, tendered=total))
            if len(sales) >= 5000:
                s.execute(insert(RetailSale.__table__), sales)
                s.execute(insert(RetailSaleLine.__table__), sale_lines)
                sales, sale_lines = [], []
        if sales:
            s.execute(insert(RetailSale.__table__), sales)
            s.execute(insert(RetailSaleLine.__table__), sale_lines)
        s.commit()
        s.execute(text("ANALYZE"))
        s.commit()
        return {"today": today}
    finally:
        s.close()


def timed(web, method: str, path: str, headers: dict, body: dict | None, runs: int, warm: int = 2) -> list[float]:
    times = []
    for k in range(runs + warm):
        t = time.perf_counter()
        r = web.open(path, method=method, json=body, headers=headers)
        took = (time.perf_counter() - t) * 1000
        assert r.status_code == 200, (path, r.status_code, r.get_data(as_text=True)[:500])
        if k >= warm:
            times.append(took)
    return times


def measure_fixed(web, headers: dict, points: list, today: dt.date, runs: int) -> tuple[str, dict]:
    r = web.get("/api/reports/fixed", headers=headers)
    if r.status_code == 404:
        return "n/a", {}
    assert r.status_code == 200, r.get_data(as_text=True)[:500]
    worst, each = 0.0, {}
    since, until = (today - dt.timedelta(days=90)).isoformat(), today.isoformat()
    for report in r.json["reports"]:
        keys = {f["key"] for f in report["filters"]}
        times = []
        for org in (None, points[0]):
            filters = {k: v for k, v in (("since", since), ("until", until), ("org_id", org and str(org)))
                       if k in keys and v}
            times += timed(web, "POST", f"/api/reports/fixed/{report['key']}/run", headers, {"filters": filters},
                           runs // 2)
        each[report["key"]] = (pct(times, 50), pct(times, 95))
        worst = max(worst, pct(times, 95))
    return f"{worst:.0f}", each


CUSTOM = {"source": "repair_orders", "groupings": [{"field": "org"}, {"field": "doc_date", "by": "month"}],
          "measures": [{"fn": "count"}, {"fn": "avg", "field": "qc_fail_count"}]}


def export_spec(since: dt.date, until: dt.date) -> dict:
    return {"source": "stock_moves", "fields": ["doc_date", "doc_type", "quantity"],
            "groupings": [{"field": "org"}, {"field": "item"}, {"field": "doc_date", "by": "month"}],
            "measures": [{"fn": "sum", "field": "quantity"}, {"fn": "count"}, {"fn": "sum", "field": "value"}],
            "date_range": {"since": since.isoformat(), "until": until.isoformat()}}


def measure_export(url: str, tmp: Path, token: str, rows: int, app, today: dt.date) -> dict:
    # The date range ending today that holds ``rows`` moves (and the rest of its first day's).
    s = system_session(app, "bench")
    try:
        since = s.execute(text("SELECT doc_date FROM stock_move ORDER BY doc_date DESC OFFSET :n LIMIT 1"),
                          {"n": rows - 1}).scalar_one()
        n = s.execute(text("SELECT count(*) FROM stock_move WHERE doc_date >= :d"), {"d": since}).scalar_one()
    finally:
        s.close()
    chosen, moves = export_spec(since, today), n
    out = subprocess.run([sys.executable, __file__, "--export-child", url, str(tmp), token, json.dumps(chosen)],
                         capture_output=True, text=True, timeout=900)
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-3000:])
    res = json.loads(out.stdout.strip().splitlines()[-1])
    res["moves"] = moves
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--orders", type=int, default=200_000)
    ap.add_argument("--moves", type=int, default=1_000_000)
    ap.add_argument("--sales-lines", type=int, default=200_000)
    ap.add_argument("--export-rows", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--keep", action="store_true", help="keep the database (its URL is printed)")
    args = ap.parse_args()
    print("note: the machine is shared (2 cores); each figure is printed with the load average", flush=True)
    tmp = Path(tempfile.mkdtemp(prefix="bench-reports-"))
    url, drop = pg_url()
    if args.keep:
        print(f"keeping {url}", flush=True)
        drop = None
    try:
        upgrade(url)
        settings, app = build_app(url, tmp)
        rng = random.Random(20)
        t0 = time.perf_counter()
        ids = fill(app, args.orders, rng)
        print(f"{args.orders:,} repair orders over {len(ids['points'])} points in {time.perf_counter() - t0:.1f} s "
              f"({load()})", flush=True)
        t0 = time.perf_counter()
        facts = fill_stock_and_sales(app, args.moves, args.sales_lines, rng)
        print(f"{args.moves:,} stock moves and {args.sales_lines:,} retail sale lines in {time.perf_counter() - t0:.1f} s "
              f"({load()})", flush=True)
        token = issue_access_token(settings, ids["hq_user"])[0]
        headers = {"Authorization": f"Bearer {token}"}
        web = app.test_client()

        fixed, each = measure_fixed(web, headers, ids["points"], facts["today"], args.runs)
        for key, (p50, p95) in each.items():
            print(f"fixed {key}: p50 {p50:.0f} ms, p95 {p95:.0f} ms", flush=True)
        print(f"fixed reports, the worst p95: {fixed} ms (target 500 ms; {load()})", flush=True)

        times = timed(web, "POST", "/api/reports/custom/run", headers, CUSTOM, args.runs)
        custom = pct(times, 95)
        body = web.post("/api/reports/custom/run", json=CUSTOM, headers=headers).json
        assert body["rows"][-1]["cells"][2] >= args.orders, body["rows"][-1]  # every order (and the demo's) counted
        print(f"custom report: {body['groups']} groups, {body['rows'][-1]['cells'][2]:,} orders in the total", flush=True)
        print(f"custom report over {args.orders:,} orders (point x month): p50 {pct(times, 50):.0f} ms, "
              f"p95 {custom:.0f} ms (target 1,000 ms; {load()})", flush=True)

        ex = measure_export(url, tmp, token, args.export_rows, app, facts["today"])
        print(f"export of {ex['moves']:,} moves grouped by point, item and month: {ex['s']:.1f} s, "
              f"{ex['bytes'] / 1e6:.1f} MB of xlsx, peak RSS {ex['peak_mb']:.0f} MB ({ex['before_mb']:.0f} MB with the app "
              f"loaded, {ex['growth_mb']:.0f} MB more during the export; targets 10 s, 200 MB; {load()})", flush=True)
        app.extensions["aftercare.db"].dispose()
        print(f"reports fixed_p95_ms={fixed} custom_p95_ms={custom:.0f} export_s={ex['s']:.1f} "
              f"export_mem_mb={ex['peak_mb']:.0f}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        if drop is not None:
            drop()


if __name__ == "__main__":
    main()
