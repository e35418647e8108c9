"""Transfers at volume (issue 18): one 500-line transfer order from headquarters to a service point,
drafted, issued into transit and received at the point (a few lines short, claimed from the courier, a few
damaged into defective stock, internal settlement on), on SQLite.

Setup (untimed): a fresh database migrated to head with the demo network, 500 items received at
headquarters' good warehouse. Timed: ``create_order`` + ``issue_order`` in one transaction as
headquarters' warehouse, ``receive_order`` in one transaction as the point's warehouse (each committed),
best of ``--rounds``. Checks the ledger rebuilds and transit is empty after each round.

Last line: ``transfer_s=<seconds>`` (target ≤ 2).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from decimal import Decimal

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from sqlalchemy import func, select  # noqa: E402

from server.app import create_app  # noqa: E402
from server.auth.models import User  # noqa: E402
from server.auth.operations import principal_for  # noqa: E402
from server.auth.principal import set_principal  # noqa: E402
from server.basedata.demo import generate_bulk  # noqa: E402
from server.basedata.models import Item, Party, Warehouse  # noqa: E402
from server.db import unit_of_work  # noqa: E402
from server.demo import load_demo  # noqa: E402
from server.http import system_session  # noqa: E402
from server.migrate import upgrade  # noqa: E402
from server.org.models import Organisation  # noqa: E402
from server.settings import Settings  # noqa: E402
from server.stock.ledger import MoveSpec, location_for, post_moves, rebuild_check  # noqa: E402
from server.stock.models import StockBalance, StockLocation  # noqa: E402
from server.transfer import operations as ops  # noqa: E402

LINES = 500
DAY = dt.date.today()


def _as(app, username: str):
    s = system_session(app, "bench")
    set_principal(s, principal_for(s, s.execute(select(User).where(User.username == username)).scalar_one()))
    return s


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--lines", type=int, default=LINES)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="bench-transfer-")
    url = f"sqlite:///{tmp}/bench.db"
    upgrade(url)
    settings = Settings(database_url=url, var_dir=tmp, jwt_secret="t" * 40, password_hash_cost="fast").resolved()
    app = create_app(settings)
    s = system_session(app, "bench")
    with unit_of_work(s):
        load_demo(s, settings)
    with unit_of_work(s):
        generate_bulk(s, items=args.lines + 100, members=0)
    with unit_of_work(s):
        hq = s.execute(select(Organisation).where(Organisation.code == "HQ")).scalar_one()
        sz = s.execute(select(Organisation).where(Organisation.code == "SZ01")).scalar_one()
        src = s.execute(select(Warehouse).where(Warehouse.org_id == hq.id, Warehouse.kind == "good")
                        .order_by(Warehouse.code)).scalars().first()
        dst = s.execute(select(Warehouse).where(Warehouse.org_id == sz.id, Warehouse.kind == "good")
                        .order_by(Warehouse.code)).scalars().first()
        items = s.execute(select(Item.id).where(Item.serialized.is_(False), Item.active.is_(True)).order_by(Item.code)
                          .limit(args.lines)).scalars().all()
        courier = s.execute(select(Party.id).order_by(Party.code)).scalars().first()
        supplier = location_for(s, hq.id, "supplier", name="bench supplier")
        wh = location_for(s, hq.id, "warehouse", warehouse=src)
        post_moves(s, [MoveSpec(i, supplier, wh, Decimal(1000), unit_cost=Decimal(n % 900 + 10) / 10)
                       for n, i in enumerate(items)], org_id=hq.id, doc_type="bench", doc_id=hq.id, doc_date=DAY)
    s.close()
    assert len(items) == args.lines, f"only {len(items)} items"
    times = []
    for r in range(args.rounds):
        t0 = time.perf_counter()
        s = _as(app, "hq.warehouse")
        with unit_of_work(s):
            order = ops.create_order(s, {"from_warehouse_id": src.id, "to_warehouse_id": dst.id, "doc_date": DAY,
                                         "settle": True, "courier_party_id": courier, "waybill": f"BENCH{r}",
                                         "lines": [{"item_id": i, "quantity": Decimal(n % 5 + 1)} for n, i in enumerate(items)]})
            ops.issue_order(s, order)
            order_id = order.id
        s.close()
        t1 = time.perf_counter()
        s = _as(app, "sz01.warehouse")
        with unit_of_work(s):
            order = ops.get_order(s, order_id)
            lines = []
            for n, line in enumerate(order.lines):
                if n % 50 == 1:  # one short, claimed from the courier
                    lines.append({"line_id": line.id, "received": line.quantity - 1, "loss_rule": "courier"})
                elif n % 50 == 2:  # one damaged, into the point's defective stock
                    lines.append({"line_id": line.id, "received": line.quantity - 1, "damaged": Decimal(1)})
            ops.receive_order(s, order, {"doc_date": DAY, "lines": lines})
        s.close()
        t2 = time.perf_counter()
        times.append(t2 - t0)
        print(f"round {r + 1}: {args.lines} lines issued in {t1 - t0:.3f} s, received in {t2 - t1:.3f} s, total {t2 - t0:.3f} s")
        s = system_session(app, "bench")
        assert rebuild_check(s) == []
        transit = s.execute(select(func.coalesce(func.sum(StockBalance.quantity), 0))
                            .join(StockLocation, StockLocation.id == StockBalance.location_id)
                            .where(StockLocation.kind == "transit")).scalar_one()
        assert transit == 0, transit
        s.close()
    print(f"transfer_s={min(times):.3f}")


if __name__ == "__main__":
    main()
