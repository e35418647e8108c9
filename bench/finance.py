"""Receivables at volume (issue 19), on PostgreSQL.

Loads 10,000 counterparties (dealers) and 2,000,000 money entries over a year: per party about 120
invoices (receivable +), 40 receipts (receivable −, each with its cash entry) and the receipts'
allocations against the invoices, oldest first (about 1.2 million allocation rows). Parties are
inserted through SQLAlchemy Core; ledger and allocation rows by COPY (the append-only triggers refuse
only UPDATE and DELETE). Then, through the API in process (routing, auth, scoping, query, JSON):

- ``statement_p95_ms``: one party's statement of account over the year (``/api/finance/statement``),
  200 random parties, p95;
- ``aging_s``: aging over every party and organisation as the open items stand (``/api/finance/aging``,
  read from the trigger-kept open-item cache), the median of 3 runs after a warm-up;
- ``claim_build_s``: a labour-fee claim of 5,000 lines, built by ``bench/claims.py`` (run after the rest).

Last line: ``finance statement_p95_ms=<n> aging_s=<n> claim_build_s=<n>``.
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
from server.basedata.models import Party  # noqa: E402
from server.db import unit_of_work, utcnow  # noqa: E402
from server.demo import load_demo  # noqa: E402
from server.finance.models import MoneyAccount  # noqa: E402
from server.finance.settlement_models import open_item_fill_sql  # noqa: E402
from server.http import system_session  # noqa: E402
from server.migrate import upgrade  # noqa: E402
from server.org.models import Organisation  # noqa: E402
from server.settings import Settings  # noqa: E402

PG_ADMIN = os.environ.get("AFTERCARE_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
YEAR_START = dt.date(2026, 1, 1)
AS_OF = dt.date(2026, 12, 31)
CP_COLS = ("id", "org_id", "amount", "document_type", "document_id", "document_number", "doc_date", "posted_at",
           "memo", "counterparty_kind", "party_id", "direction")
CASH_COLS = ("id", "org_id", "amount", "document_type", "document_id", "document_number", "doc_date", "posted_at", "memo",
             "account_id")
ALLOC_COLS = ("id", "org_id", "counterparty_kind", "counterparty_id", "direction", "charge_type", "charge_id", "credit_type",
              "credit_id", "amount", "alloc_date", "document_type", "document_id", "posted_at")


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def generate(party_ids, orgs, accounts, entries: int, rng: random.Random):
    """Rows for the three COPYs: each party's invoices and receipts over the year, the receipts
    allocated oldest first when posted, and money left on account applied to later invoices."""
    per_party = entries // len(party_ids)
    receipts_n = per_party // 5  # each receipt writes two entries (receivable and cash)
    invoices_n = per_party - 2 * receipts_n
    now = utcnow()
    cp, cash, alloc = [], [], []
    days = (AS_OF - YEAR_START).days
    for n, party in enumerate(party_ids):
        org = orgs[n % len(orgs)]
        account = accounts[org]
        invoices = sorted((YEAR_START + dt.timedelta(days=rng.randrange(days)), Decimal(rng.randint(10_000, 500_000)) / 100)
                          for _ in range(invoices_n))
        total = sum(a for _d, a in invoices)
        receipt_days = sorted(YEAR_START + dt.timedelta(days=rng.randrange(days)) for _ in range(receipts_n))
        # Receipts pay about 90 % of what was invoiced, in roughly equal parts.
        share = (total * Decimal("0.9") / receipts_n).quantize(Decimal("0.01"))
        open_items = []  # [id, day, open] of invoices
        credits = []  # [receipt id, left, day] of receipts with money on account
        i = 0

        def add_invoice(day, amount, number):
            inv_id = uuid.uuid4()
            cp.append((inv_id, org, amount, "wholesale_delivery", inv_id, number, day, now, "", "party", party, "receivable"))
            left = amount
            # Money on account is applied to the new invoice, oldest receipt first (the clerk's later
            # allocation), so what stays open is what a dealer really still owes.
            for credit in credits:
                if left <= 0:
                    break
                take = min(credit[1], left)
                credit[1] -= take
                left -= take
                alloc.append((uuid.uuid4(), org, "party", party, "receivable", "wholesale_delivery", inv_id, "finance_receipt",
                              credit[0], take, day, "finance_receipt", credit[0], now))
            credits[:] = [c for c in credits if c[1] > 0]
            if left > 0:
                open_items.append([inv_id, day, left])

        for r, rday in enumerate(receipt_days):
            while i < len(invoices) and invoices[i][0] <= rday:
                add_invoice(invoices[i][0], invoices[i][1], f"FH-{n}-{i}")
                i += 1
            rid = uuid.uuid4()
            number = f"SK-{n}-{r}"
            cp.append((uuid.uuid4(), org, -share, "finance_receipt", rid, number, rday, now, "", "party", party, "receivable"))
            cash.append((uuid.uuid4(), org, share, "finance_receipt", rid, number, rday, now, "", account))
            left = share
            for item in open_items:
                if left <= 0:
                    break
                take = min(item[2], left)
                item[2] -= take
                left -= take
                alloc.append((uuid.uuid4(), org, "party", party, "receivable", "wholesale_delivery", item[0], "finance_receipt",
                              rid, take, rday, "finance_receipt", rid, now))
            open_items = [it for it in open_items if it[2] > 0]
            if left > 0:
                credits.append([rid, left, rday])
        for day, amount in invoices[i:]:
            add_invoice(day, amount, f"FH-{n}-{i}")
            i += 1
    return cp, cash, alloc


def copy(conn, table: str, cols, rows) -> None:
    """COPY in text format, written in chunks (the generated values hold no tab, newline or backslash)."""
    with conn.cursor() as cur:
        with cur.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as cp:
            for i in range(0, len(rows), 20_000):
                cp.write("".join("\t".join(map(str, row)) + "\n" for row in rows[i:i + 20_000]))


def run(url: str, parties: int, entries: int, statements: int, tmp: str) -> tuple[float, float]:
    upgrade(url)
    settings = Settings(database_url=url, var_dir=tmp, jwt_secret="f" * 40, password_hash_cost="fast").resolved()
    app = create_app(settings)
    s = system_session(app, "bench")
    with unit_of_work(s):
        load_demo(s, settings)
    t0 = time.perf_counter()
    rng = random.Random(19)
    with unit_of_work(s):
        now = utcnow()
        rows = [dict(id=uuid.uuid4(), code=f"BD{n:05d}", name=f"经销商 {n:05d}", roles_text=",dealer,", created_at=now,
                     updated_at=now) for n in range(parties)]
        for i in range(0, len(rows), 5000):
            s.execute(insert(Party.__table__), rows[i:i + 5000])
        party_ids = [r["id"] for r in rows]
        orgs = s.execute(select(Organisation.id).order_by(Organisation.code)).scalars().all()
        accounts = {}
        for org in orgs:
            acc = s.execute(select(MoneyAccount.id).where(MoneyAccount.org_id == org, MoneyAccount.active.is_(True))
                            .order_by(MoneyAccount.code).limit(1)).scalar()
            if acc is None:
                acc = uuid.uuid4()
                s.execute(insert(MoneyAccount.__table__), [dict(id=acc, org_id=org, code="BENCH", name="bench", kind="cash",
                                                                created_at=now, updated_at=now)])
            accounts[org] = acc
    s.close()
    cp, cash, alloc = generate(party_ids, orgs, accounts, entries, rng)
    t1 = time.perf_counter()
    engine = app.extensions["aftercare.db"].engine
    raw = engine.raw_connection()
    try:
        # A bulk load: row triggers (foreign keys, the open-item cache) off while copying; the cache is
        # then filled in one pass, as the migration that made it does.
        with raw.driver_connection.cursor() as cur:
            cur.execute("SET session_replication_role = replica")
        copy(raw.driver_connection, "counterparty_entry", CP_COLS, cp)
        copy(raw.driver_connection, "cash_entry", CASH_COLS, cash)
        copy(raw.driver_connection, "finance_allocation", ALLOC_COLS, alloc)
        with raw.driver_connection.cursor() as cur:
            cur.execute("SET session_replication_role = DEFAULT")
            cur.execute("DELETE FROM finance_open_item")
            for stmt in open_item_fill_sql("postgresql"):
                cur.execute(stmt)
        raw.commit()
    finally:
        raw.close()
    with engine.connect() as conn:
        conn.execute(text("ANALYZE"))
        conn.commit()
        counts = {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()
                  for t in ("counterparty_entry", "cash_entry", "finance_allocation", "party", "finance_open_item")}
        # The open items add up to the ledger (the property the tests check, here over the whole load).
        assert conn.execute(text("SELECT (SELECT sum(open_amount) FROM finance_open_item)"
                                 " = (SELECT sum(amount) FROM counterparty_entry)")).scalar_one()
    print(f"[postgresql] {counts['party']:,} parties, {counts['counterparty_entry'] + counts['cash_entry']:,} money entries "
          f"({counts['counterparty_entry']:,} receivable, {counts['cash_entry']:,} cash), {counts['finance_allocation']:,} "
          f"allocations, {counts['finance_open_item']:,} items; generated in {t1 - t0:.1f}s, copied in {time.perf_counter() - t1:.1f}s", flush=True)

    s = system_session(app, "bench")
    user = s.execute(select(User).where(User.username == "hq.finance")).scalar_one()
    s.close()
    client = app.test_client()
    headers = {"Authorization": f"Bearer {issue_access_token(settings, user.id)[0]}"}
    org_of = {party_ids[n]: orgs[n % len(orgs)] for n in range(len(party_ids))}

    def statement_path():
        party = rng.choice(party_ids)
        return (f"/api/finance/statement?org_id={org_of[party]}&counterparty_id={party}&direction=receivable"
                f"&date_from={YEAR_START}&date_to={AS_OF}")

    for _ in range(5):
        assert client.get(statement_path(), headers=headers).status_code == 200
    times = []
    lines = 0
    for _ in range(statements):
        path = statement_path()
        t = time.perf_counter()
        r = client.get(path, headers=headers)
        times.append((time.perf_counter() - t) * 1000)
        assert r.status_code == 200, r.get_json()
        body = r.get_json()
        lines += len(body["lines"])
        assert Decimal(body["opening_balance"]) + Decimal(body["increase"]) - Decimal(body["decrease"]) == Decimal(body["closing_balance"])
    p95 = pct(times, 95)
    print(f"[postgresql] statement over a year ({lines / statements:.0f} documents each): p50 {statistics.median(times):.1f} ms, "
          f"p95 {p95:.1f} ms (target 200 ms)", flush=True)

    aging_times = []
    for n in range(4):
        t = time.perf_counter()
        r = client.get("/api/finance/aging", headers=headers)
        elapsed = time.perf_counter() - t
        assert r.status_code == 200, r.get_json()
        if n:
            aging_times.append(elapsed)
        else:
            body = r.get_json()
            print(f"[postgresql] aging: {len(body['items']):,} party balances, totals {body['totals']}", flush=True)
    aging_s = statistics.median(aging_times)
    print(f"[postgresql] aging over every party: {', '.join(f'{x:.2f}' for x in aging_times)} s (median {aging_s:.2f} s, "
          f"target 2 s)", flush=True)
    app.extensions["aftercare.db"].dispose()
    return p95, aging_s


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--parties", type=int, default=10_000)
    ap.add_argument("--entries", type=int, default=2_000_000)
    ap.add_argument("--statements", type=int, default=200)
    ap.add_argument("--keep", action="store_true", help="keep the database (its URL is printed) to look at plans")
    args = ap.parse_args()
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    name = f"aftercare_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        with tempfile.TemporaryDirectory() as tmp:
            url = make_url(PG_ADMIN).set(database=name).render_as_string(hide_password=False)
            p95, aging_s = run(url, args.parties, args.entries, args.statements, tmp)
    finally:
        if args.keep:
            print(f"kept database {name}")
        else:
            with admin.connect() as c:
                c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    # The claim's own benchmark (its own database and data), after this one's database is gone.
    import subprocess
    from pathlib import Path

    out = subprocess.run([sys.executable, str(Path(__file__).with_name("claims.py"))], check=True, text=True,
                         stdout=subprocess.PIPE).stdout
    sys.stdout.write(out)
    claim_s = out.strip().splitlines()[-1].rpartition("claim_build_s=")[2]
    print(f"ratios to target: statement {200 / p95:.2f}, aging {2 / aging_s:.2f}, claim {5 / float(claim_s):.2f}")
    print(f"finance statement_p95_ms={p95:.1f} aging_s={aging_s:.2f} claim_build_s={claim_s}")


if __name__ == "__main__":
    main()
