"""The labour-fee claim at volume (issue 19 §3), on PostgreSQL: ``claim_build_s``.

On the demo data, one point (SZ01) gets 5,000+ completed in-warranty repairs of one manufacturer, as
pick-up leaves them: the repair order (已完成, claimable, level, model, fault, method), its posted
settlement (repair_payment, claim_amount = the level's labour fee) and the receivable the settlement
posted on the manufacturer (counterparty_entry); every tenth order has a part fitted. All are loaded
with SQLAlchemy Core bulk inserts (the ledger's triggers refuse only UPDATE and DELETE). Then
headquarters' finance builds the claim through the API in process (routing, auth, scoping, the one
set-based eligibility query, the parts at cost, the bulk insert of the lines, the answer):
``claim_build_s`` is the wall time of that POST, the median of 3 builds (each draft deleted after).

Last line: ``claims claim_build_s=<n>``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
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
from server.basedata import models as bd  # noqa: E402
from server.db import unit_of_work, utcnow  # noqa: E402
from server.demo import load_demo  # noqa: E402
from server.finance.models import CounterpartyEntry  # noqa: E402
from server.http import system_session  # noqa: E402
from server.migrate import upgrade  # noqa: E402
from server.org.models import Organisation  # noqa: E402
from server.repair.models import RepairOrder, RepairPart, RepairPayment  # noqa: E402
from server.settings import Settings  # noqa: E402

PG_ADMIN = os.environ.get("AFTERCARE_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
DAY = dt.date(2026, 11, 15)


def seed(s, n: int) -> dict:
    now = utcnow()
    org = s.execute(select(Organisation).where(Organisation.code == "SZ01")).scalar_one()
    ids = {k: uuid.uuid4() for k in ("maker", "brand", "model", "level", "method", "item", "doc")}
    s.execute(insert(bd.Party.__table__), [dict(id=ids["maker"], code="BENCH-M", name="基准厂家", roles_text=",manufacturer,",
                                                created_at=now, updated_at=now)])
    s.execute(insert(bd.Brand.__table__), [dict(id=ids["brand"], code="BENCH", name="基准", created_at=now, updated_at=now)])
    s.execute(insert(bd.ProductModel.__table__), [dict(id=ids["model"], code="BENCH-1", name="基准机型", brand_id=ids["brand"],
                                                       created_at=now, updated_at=now)])
    s.execute(insert(bd.RepairLevel.__table__), [dict(id=ids["level"], manufacturer_id=ids["maker"], code="B2", name="换件维修",
                                                      labour_charge=Decimal("80"), labour_fee=Decimal("50"),
                                                      created_at=now, updated_at=now)])
    s.execute(insert(bd.RepairMethod.__table__), [dict(id=ids["method"], code="BENCH-M01", name="更换屏幕", created_at=now,
                                                       updated_at=now)])
    s.execute(insert(bd.Item.__table__), [dict(id=ids["item"], code="BENCH-SCR", name="基准屏幕", kind="part",
                                               standard_cost=Decimal("380.00"), created_at=now, updated_at=now)])
    # Parts reference the stock documents that moved them; any stock document stands in for them here.
    from server.stock.models import StockDocument

    doc = s.execute(select(StockDocument.id).limit(1)).scalar()
    orders, pays, entries, parts = [], [], [], []
    for i in range(n):
        oid, pid = uuid.uuid4(), uuid.uuid4()
        orders.append(dict(
            id=oid, org_id=org.id, number=f"WX-BENCH-{i:06d}", status="posted", doc_date=DAY - dt.timedelta(days=3),
            created_at=now, version=1, note="", reversal_reason="", state="completed", mode="A", customer_kind="walk_in",
            customer_name="李雷", customer_phone="13900000000", imei=f"86{i:013d}", model_id=ids["model"],
            model_source="", colour="", accessories=[], symptoms=[{"name": "不开机"}], fault_description="摔后不开机",
            appearance_note="", photos=[], warranty_rule="in_warranty", warranty_reason="", warranty_override_reason="",
            chargeable=False, claimable=True, repair_level_id=ids["level"], repair_method_ids=[str(ids["method"])],
            qc_fail_count=0, unrepaired=False, forwarded_out=False, exchange_ref="", exchange_reason="",
            intake_signature="", pickup_photos=[], followup_note="", handover_count=0, transition_count=0, device_id="",
            provisional_code=""))
        number = f"JS-BENCH-{i:06d}"
        pays.append(dict(id=pid, org_id=org.id, number=number, status="posted", doc_date=DAY, created_at=now, version=1,
                         note="", reversal_reason="", kind="settlement", order_id=oid, amount=Decimal("0"), reason="",
                         parts_total=Decimal("0"), labour_total=Decimal("0"), check_fee=Decimal("0"),
                         deposit_applied=Decimal("0"), change_returned=Decimal("0"), claim_amount=Decimal("50.00"),
                         manufacturer_id=ids["maker"], signature="", after_settlement=False, refusal_reason="",
                         posted_at=now))
        entries.append(dict(id=uuid.uuid4(), org_id=org.id, amount=Decimal("50.00"), document_type="repair_settlement",
                            document_id=pid, document_number=number, doc_date=DAY, posted_at=now, memo="保内劳务费应收厂家",
                            counterparty_kind="party", party_id=ids["maker"], direction="receivable"))
        if doc is not None and i % 10 == 0:
            parts.append(dict(id=uuid.uuid4(), org_id=org.id, order_id=oid, item_id=ids["item"], quantity=Decimal(1),
                              unit_price=Decimal("0"), amount=Decimal("0"),
                              engineer_id=s.execute(select(bd.Engineer.id).limit(1)).scalar() if i == 0 else parts[0]["engineer_id"],
                              used_document_id=doc, return_document_id=doc, serials=[], defective_serials=[], created_at=now))
    for table, rows in ((RepairOrder.__table__, orders), (RepairPayment.__table__, pays),
                        (CounterpartyEntry.__table__, entries), (RepairPart.__table__, parts)):
        for k in range(0, len(rows), 2000):
            s.execute(insert(table), rows[k:k + 2000])
    return {"org": org.id, "maker": ids["maker"], "parts": len(parts)}


def run(url: str, n: int, tmp: str) -> float:
    upgrade(url)
    settings = Settings(database_url=url, var_dir=tmp, jwt_secret="f" * 40, password_hash_cost="fast").resolved()
    app = create_app(settings)
    s = system_session(app, "bench")
    with unit_of_work(s):
        load_demo(s, settings)
    t0 = time.perf_counter()
    with unit_of_work(s):
        ids = seed(s, n)
    user = s.execute(select(User).where(User.username == "hq.finance")).scalar_one()
    s.close()
    engine = app.extensions["aftercare.db"].engine
    with engine.connect() as conn:
        conn.execute(text("ANALYZE"))
        conn.commit()
    print(f"[postgresql] {n:,} completed in-warranty repairs ({ids['parts']:,} with a part) seeded in "
          f"{time.perf_counter() - t0:.1f}s", flush=True)
    client = app.test_client()
    headers = {"Authorization": f"Bearer {issue_access_token(settings, user.id)[0]}"}
    body = {"manufacturer_id": str(ids["maker"]), "org_id": str(ids["org"]), "period_from": "2026-11-01",
            "period_to": "2026-11-30"}
    times = []
    for n_run in range(3):
        prof = None
        if os.environ.get("CLAIMS_PROFILE") and n_run == 2:
            import cProfile
            prof = cProfile.Profile()
            prof.enable()
        t = time.perf_counter()
        r = client.post("/api/claims", json=body, headers=headers)
        if prof is not None:
            import pstats
            prof.disable()
            pstats.Stats(prof).sort_stats("cumulative").print_stats(30)
        times.append(time.perf_counter() - t)
        assert r.status_code == 201, r.get_json()
        claim = r.get_json()
        assert claim["line_count"] >= n, claim["line_count"]
        expected = Decimal(50 * n + 380 * ids["parts"])
        assert Decimal(claim["claimed_total"]) >= expected, (claim["claimed_total"], expected)
        assert client.delete(f"/api/claims/{claim['id']}", headers=headers).status_code == 204
    build = statistics.median(times)
    print(f"[postgresql] claim of {claim['line_count']:,} lines (¥{claim['claimed_total']}): "
          f"{', '.join(f'{x:.2f}' for x in times)} s (median {build:.2f} s, target 5 s)", flush=True)
    app.extensions["aftercare.db"].dispose()
    return build


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repairs", type=int, default=5_000)
    ap.add_argument("--keep", action="store_true", help="keep the database (its URL is printed) to look at plans")
    args = ap.parse_args()
    admin = create_engine(PG_ADMIN, isolation_level="AUTOCOMMIT")
    name = f"aftercare_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        with tempfile.TemporaryDirectory() as tmp:
            url = make_url(PG_ADMIN).set(database=name).render_as_string(hide_password=False)
            build = run(url, args.repairs, tmp)
    finally:
        if args.keep:
            print(f"kept database {name}")
        else:
            with admin.connect() as c:
                c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    print(f"claims claim_build_s={build:.2f}")


if __name__ == "__main__":
    main()
