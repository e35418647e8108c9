"""Base-data lookups at scale: 50,000 items and 200,000 members (each with a warranty card).

Measures p50/p95 of the search and IMEI/phone lookup endpoints, in process
(Flask test client: routing, auth, scoping, query, serialisation), on SQLite and
PostgreSQL. Last line: ``basedata p95_ms=<worst p95 over the endpoints>``.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
import uuid

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from server.app import create_app  # noqa: E402
from server.auth.tokens import issue_access_token  # noqa: E402
from server.basedata.demo import generate_bulk, make_imei, tac_for  # noqa: E402
from server.db import unit_of_work  # noqa: E402
from server.demo import load_demo  # noqa: E402
from server.http import system_session  # noqa: E402
from server.migrate import upgrade  # noqa: E402
from server.settings import Settings  # noqa: E402

PG_ADMIN = os.environ.get("AFTERCARE_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def run(backend: str, url: str, items: int, members: int, requests: int, tmp: str) -> dict[str, tuple[float, float]]:
    t0 = time.perf_counter()
    upgrade(url)
    settings = Settings(database_url=url, var_dir=tmp, jwt_secret="b" * 40, password_hash_cost="fast").resolved()
    app = create_app(settings)
    session = system_session(app, "bench")
    with unit_of_work(session):
        load_demo(session, settings)
    with unit_of_work(session):
        generate_bulk(session, items=items, members=members)
    session.close()
    if backend == "postgresql":
        with app.extensions["aftercare.db"].engine.connect() as conn:
            conn.execute(text("ANALYZE"))
            conn.commit()
    print(f"[{backend}] loaded {items} items and {members} members in {time.perf_counter() - t0:.1f}s", flush=True)
    s = system_session(app, "bench")
    from server.auth.models import User
    from sqlalchemy import select

    clerk = s.execute(select(User).where(User.username == "sz01.clerk")).scalar_one()
    s.close()
    headers = {"Authorization": f"Bearer {issue_access_token(settings, clerk.id)[0]}"}
    client = app.test_client()
    rng = random.Random(1)
    n_members = members
    demo_imei = make_imei(tac_for("HU-MATE60PRO"), 13)
    endpoints = {
        "items q=pinyin": lambda: f"/api/items?q={rng.choice(['hwm', 'xm14', 'pmzc', 'iphone', 'dc'])}",
        "items q=words": lambda: f"/api/items?q={rng.choice(['mate 电池', '小米 屏幕', 'galaxy 排线', 'reno11 后盖'])}",
        "items q=code": lambda: f"/api/items?q=G{rng.randint(0, items - 1):07d}",
        "members q=name": lambda: f"/api/members?q={rng.choice(['王伟', 'zw', 'lif', '陈', 'huang'])}",
        "members q=phone": lambda: f"/api/members?q=17{rng.randint(0, n_members - 1):09d}",
        "members q=prefix": lambda: f"/api/members?q=17000{rng.randint(0, 99)}",
        "lookup phone": lambda: f"/api/lookup/phone/17{rng.randint(0, n_members - 1):09d}",
        "lookup imei": lambda: f"/api/lookup/imei/{make_imei('35' + f'{0:06d}', rng.randint(0, n_members - 1))}",
        "cards q=imei": lambda: f"/api/warranty-cards?q={make_imei('35' + f'{0:06d}', rng.randint(0, n_members - 1))[:12]}",
        "warranty check": lambda: f"/api/lookup/warranty?imei={demo_imei}",
    }
    results = {}
    for name, make in endpoints.items():
        for _ in range(10):
            r = client.get(make(), headers=headers)
            assert r.status_code == 200, (name, r.status_code, r.get_json())
        times = []
        for _ in range(requests):
            path = make()
            t = time.perf_counter()
            r = client.get(path, headers=headers)
            times.append((time.perf_counter() - t) * 1000)
            assert r.status_code == 200, (name, path, r.get_json())
        results[name] = (statistics.median(times), pct(times, 95))
        print(f"[{backend}] {name:<18} p50 {results[name][0]:6.1f} ms   p95 {results[name][1]:6.1f} ms", flush=True)
    app.extensions["aftercare.db"].dispose()
    return results


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--items", type=int, default=50_000)
    ap.add_argument("--members", type=int, default=200_000)
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--backends", default="sqlite,postgresql")
    args = ap.parse_args()
    worst = 0.0
    target = 50.0
    for backend in args.backends.split(","):
        with tempfile.TemporaryDirectory() as tmp:
            if backend == "sqlite":
                results = run(backend, f"sqlite:///{tmp}/bench.db", args.items, args.members, args.requests, tmp)
            else:
                admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
                name = f"aftercare_bench_{uuid.uuid4().hex[:8]}"
                with admin.connect() as c:
                    c.execute(text(f'CREATE DATABASE "{name}"'))
                try:
                    url = make_url(PG_ADMIN).set(database=name).render_as_string(hide_password=False)
                    results = run(backend, url, args.items, args.members, args.requests, tmp)
                finally:
                    with admin.connect() as c:
                        c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
                    admin.dispose()
        p95 = max(v[1] for v in results.values())
        print(f"[{backend}] worst p95 {p95:.1f} ms (target {target:.0f} ms, ratio {p95 / target:.2f})", flush=True)
        worst = max(worst, p95)
    print(f"basedata p95_ms={worst:.1f}")


if __name__ == "__main__":
    main()
