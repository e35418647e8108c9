"""The repair order list online at volume (issue 16 §5): headquarters over 200,000 repair orders.

1. A database migrated to head with the demo network, then 200,000 repair orders spread over the
   demo's service points and the last 400 days, in bulk rows (SQLite by default; ``--backend
   postgresql`` on a throwaway database of the local server).
2. ``list_p95_ms``: ``GET /api/repair/orders`` as hq.manager, a filtered and sorted first page
   (one point, one state, a 90-day intake range, sorted by intake date, 50 rows, with the total and
   the open/overdue totals), p95 over ``--queries`` requests with varying points, states and ranges.
3. ``render_ms``: the same page in Chromium (playwright-core from pwa/node_modules, /usr/bin/chromium)
   against the built PWA served by the app: from the click on the menu entry to the rows drawn.
4. ``export_s`` / ``export_mem_mb``: ``GET /api/repair/orders/export`` of 100,000 rows through the
   WSGI app, in a child process whose peak RSS (ru_maxrss) is the figure: the whole process, data
   and interpreter, measured after the export only (the child does nothing else).

Last line: ``workspace list_p95_ms=<n> render_ms=<n> export_s=<n> export_mem_mb=<n>``.
Targets: 150 ms, 1,000 ms, 15 s, 300 MB.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, select, text  # noqa: E402

from bench.ledger import pct  # noqa: E402
from server.app import create_app  # noqa: E402
from server.auth.models import User  # noqa: E402
from server.auth.tokens import issue_access_token  # noqa: E402
from server.basedata.demo import make_imei  # noqa: E402
from server.basedata.models import ProductModel  # noqa: E402
from server.db import unit_of_work, utcnow  # noqa: E402
from server.demo import load_demo  # noqa: E402
from server.http import system_session  # noqa: E402
from server.ids import uuid7  # noqa: E402
from server.migrate import upgrade  # noqa: E402
from server.org.models import Organisation  # noqa: E402
from server.repair import statemachine as sm  # noqa: E402
from server.repair.models import RepairOrder  # noqa: E402
from server.settings import Settings  # noqa: E402

PWA_DIR = ROOT / "pwa"


def build_app(url: str, tmp: Path, pwa_dir: str | None = None):
    settings = Settings(database_url=url, var_dir=str(tmp), jwt_secret="s" * 40, password_hash_cost="fast",
                        **({"pwa_dir": pwa_dir} if pwa_dir else {})).resolved()
    return settings, create_app(settings)


def fill(app, total: int, rng: random.Random) -> dict:
    """The demo network, then ``total`` repair orders in bulk rows; answers ids the queries use."""
    s = system_session(app, "bench")
    try:
        with unit_of_work(s):
            settings = app.extensions["aftercare.settings"]
            load_demo(s, settings)
        points = list(s.execute(select(Organisation).where(Organisation.kind == "service_point")).scalars())
        models = list(s.execute(select(ProductModel.id)).scalars())
        hq_user = s.execute(select(User.id).where(User.username == "hq.manager").execution_options(unscoped=True)).scalar_one()
        now = utcnow()
        states = list(sm.STATES)
        weights = [3, 6, 2, 4, 10, 20, 55]  # most orders of a year are done
        with unit_of_work(s):
            rows = []
            for n in range(total):
                org = points[n % len(points)]
                created = now - dt.timedelta(minutes=n * 3 + rng.randrange(3))
                state = rng.choices(states, weights)[0]
                rows.append(dict(
                    id=uuid7(), org_id=org.id, number=f"WX-{org.code}-B{n:07d}", status="posted", doc_date=created.date(),
                    note="", version=1, created_at=created, state=state, mode=rng.choice("AAAAABC"),
                    customer_kind="walk_in", customer_name=f"客户{n % 5000}", customer_phone=f"139{n:08d}",
                    imei=make_imei("86777777", n % 900_000), model_id=rng.choice(models), model_source="tac", colour="黑",
                    accessories=[], symptoms=[], fault_description="不开机", appearance_note="", photos=[],
                    warranty_rule="in_warranty", warranty_reason="", warranty_override_reason="", chargeable=n % 4 == 0,
                    claimable=n % 4 != 0, promised_date=created.date() + dt.timedelta(days=3), repair_method_ids=[],
                    qc_fail_count=0, unrepaired=False, forwarded_out=False, exchange_ref="", exchange_reason="",
                    pickup_photos=[], followup_note="", handover_count=0, transition_count=1, device_id="bench",
                    provisional_code="", intake_signature="",
                    picked_up_at=created + dt.timedelta(days=2) if states.index(state) >= 4 else None))
                if len(rows) >= 5000:
                    s.execute(insert(RepairOrder.__table__), rows)
                    rows = []
            if rows:
                s.execute(insert(RepairOrder.__table__), rows)
        if s.get_bind().dialect.name == "sqlite":
            s.execute(text("ANALYZE"))
        else:
            s.execute(text("ANALYZE repair_order"))
        s.commit()
        return {"points": [p.id for p in points], "hq_user": hq_user}
    finally:
        s.close()


def page_query(rng: random.Random, points: list, today: dt.date) -> dict:
    since = today - dt.timedelta(days=rng.randrange(0, 300))
    return {"org_id": str(rng.choice(points)), "state": rng.choice(["completed", "followed_up", "audited", "pending_repair"]),
            "since": (since - dt.timedelta(days=90)).isoformat(), "until": since.isoformat(), "sort": "-doc_date",
            "page_size": 50}


def measure_list(app, token: str, points: list, queries: int, rng: random.Random) -> tuple[float, float, int]:
    web = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    today = dt.date.today()
    times, rows = [], 0
    for k in range(queries + 10):
        q = page_query(rng, points, today)
        t = time.perf_counter()
        r = web.get("/api/repair/orders", query_string=q, headers=headers)
        elapsed = (time.perf_counter() - t) * 1000
        assert r.status_code == 200, r.json
        if k >= 10:
            times.append(elapsed)
            rows += len(r.json["items"])
    return pct(times, 50), pct(times, 95), rows // max(len(times), 1)


# -- render: the PWA in Chromium ----------------------------------------------------------------

RENDER_JS = r"""
import { chromium } from 'playwright-core'
const [base, user, password, imeiOrg] = process.argv.slice(2)
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox'] })
const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' })
const page = await context.newPage()
await page.goto(base + '/login')
await page.locator('[data-test="login-username"] input, input[data-test="login-username"]').first().fill(user)
await page.locator('[data-test="login-password"] input, input[data-test="login-password"]').first().fill(password)
await page.locator('[data-test="login-submit"]').click()
const entry = page.locator('[data-test="menu-ws-repair-orders"]').first()
await entry.waitFor({ timeout: 60000 })
const times = []
for (let k = 0; k < 6; k++) {
  // Leave the list, then time the click on its menu entry until the first page's rows are drawn.
  await page.locator('[data-test="menu-home"]').first().click()
  await page.waitForURL((u) => u.pathname === '/', { timeout: 30000 })
  const t0 = Date.now()
  await entry.click()
  await page.locator('[data-test="ws-table"] tbody tr [data-test^="ws-row-"]').first().waitFor({ timeout: 30000 })
  await page.locator('[data-test="ws-total-count"]').filter({ hasText: /\d/ }).first().waitFor({ timeout: 30000 })
  times.push(Date.now() - t0)
}
console.log(JSON.stringify({ times }))
await browser.close()
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def measure_render(app, tmp: Path) -> list[int]:
    from waitress import create_server

    port = free_port()
    server = create_server(app, host="127.0.0.1", port=port, threads=8)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        script = PWA_DIR / f".bench-render-{os.getpid()}.mjs"  # inside pwa/ so playwright-core resolves
        script.write_text(RENDER_JS)
        try:
            out = subprocess.run(["node", str(script), f"http://127.0.0.1:{port}", "hq.manager", "demo-2026", ""],
                                 cwd=PWA_DIR, capture_output=True, text=True, timeout=600)
        finally:
            script.unlink(missing_ok=True)
        if out.returncode != 0:
            raise RuntimeError(f"render failed: {out.stdout}\n{out.stderr}")
        return json.loads(out.stdout.strip().splitlines()[-1])["times"]
    finally:
        server.close()


# -- export: a child process, so its peak memory is the export's -------------------------------

def export_child(url: str, tmp: str, token: str, query: str) -> None:
    settings, app = build_app(url, Path(tmp))
    web = app.test_client()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t = time.perf_counter()
    r = web.get(f"/api/repair/orders/export?{query}", headers={"Authorization": f"Bearer {token}"}, buffered=False)
    size = 0
    for chunk in r.response:
        size += len(chunk)
    r.close()
    took = time.perf_counter() - t
    assert r.status_code == 200, r.status_code
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"s": took, "bytes": size, "peak_mb": peak / 1024, "before_mb": before / 1024}))


def measure_export(url: str, tmp: Path, token: str, rows: int, app) -> dict:
    # The newest ``rows`` orders: an intake range that holds them (3 minutes apart, newest first).
    s = system_session(app, "bench")
    try:
        since = s.execute(select(RepairOrder.doc_date).order_by(RepairOrder.created_at.desc()).offset(rows - 1).limit(1)).scalar_one()
        n = s.execute(select(text("count(*)")).select_from(RepairOrder).where(RepairOrder.doc_date >= since)).scalar_one()
    finally:
        s.close()
    query = f"since={since.isoformat()}&sort=-created_at"
    out = subprocess.run([sys.executable, __file__, "--export-child", url, str(tmp), token, query],
                         capture_output=True, text=True, timeout=900)
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-3000:])
    res = json.loads(out.stdout.strip().splitlines()[-1])
    res["rows"] = n
    return res


def pg_url() -> tuple[str, callable]:
    import psycopg

    base = os.environ.get("AFTERCARE_BENCH_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    name = f"bench_workspace_{os.getpid()}"
    raw = base.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(raw, autocommit=True) as c:
        c.execute(f"CREATE DATABASE {name}")

    def drop():
        with psycopg.connect(raw, autocommit=True) as c:
            c.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    return base.rsplit("/", 1)[0] + f"/{name}", drop


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--export-child":
        export_child(*sys.argv[2:6])
        return
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--total", type=int, default=200_000)
    ap.add_argument("--export-rows", type=int, default=100_000)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    ap.add_argument("--no-render", action="store_true", help="skip Chromium (no built PWA)")
    args = ap.parse_args()
    print("note: the machine is shared (2 cores); figures are indicative", flush=True)
    tmp = Path(tempfile.mkdtemp(prefix="bench-workspace-"))
    drop = None
    try:
        if args.backend == "postgresql":
            url, drop = pg_url()
        else:
            url = f"sqlite:///{tmp / 'aftercare.db'}"
        upgrade(url)
        dist = Path(os.environ.get("PWA_DIST", PWA_DIR / "dist"))  # a build made elsewhere: PWA_DIST
        settings, app = build_app(url, tmp, str(dist) if (dist / "index.html").exists() else None)
        rng = random.Random(16)
        t0 = time.perf_counter()
        ids = fill(app, args.total, rng)
        print(f"[{args.backend}] {args.total:,} repair orders over {len(ids['points'])} points in "
              f"{time.perf_counter() - t0:.1f} s", flush=True)
        token = issue_access_token(settings, ids["hq_user"])[0]
        p50, p95, rows = measure_list(app, token, ids["points"], args.queries, rng)
        print(f"[{args.backend}] list (one point, one state, 90 days, by intake date, 50 a page, totals): "
              f"p50 {p50:.1f} ms, p95 {p95:.1f} ms, {rows} rows a page (target p95 150 ms)", flush=True)
        render = 0.0
        if not args.no_render:
            if not (dist / "index.html").exists():
                raise SystemExit("build the PWA first (make pwa) or pass --no-render")
            times = measure_render(app, tmp)
            render = sorted(times[1:])[len(times[1:]) // 2]  # median of the warm runs
            print(f"[{args.backend}] list rendered in Chromium, click to rows drawn: {times} ms, median {render} ms "
                  "(target 1,000 ms)", flush=True)
        ex = measure_export(url, tmp, token, args.export_rows, app)
        print(f"[{args.backend}] export of {ex['rows']:,} rows: {ex['s']:.1f} s, {ex['bytes'] / 1e6:.1f} MB of xlsx, "
              f"peak RSS {ex['peak_mb']:.0f} MB ({ex['before_mb']:.0f} MB before the request; targets 15 s, 300 MB)",
              flush=True)
        app.extensions["aftercare.db"].dispose()
        print(f"workspace list_p95_ms={p95:.1f} render_ms={render:.0f} export_s={ex['s']:.1f} "
              f"export_mem_mb={ex['peak_mb']:.0f}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        if drop is not None:
            drop()


if __name__ == "__main__":
    main()
