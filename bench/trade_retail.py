"""Retail at volume: counter sales through the posting worker (issue 18, ``retail_events_per_s``).

10,000 retail sales of the demo service point SZ01 (1–5 lines each: accessories and parts at their
retail prices, one in ten with a phone by IMEI; split payments: part to the bank account, the rest
in cash with change), made by two counter tablets, pushed into the point's store database and
posted by the worker and the outbox publisher as in production (threads), until every event is
processed and every status document is in the store. The point's good stock is received first
(one goods receipt), so no sale waits for stock except the few that are oversold on purpose
(the last units of one item, sold by both tablets: their stock side waits in the exception list).
Checked after: every sale posted, its cash entries adding up to the totals kept, the stock ledger's
rebuild check, the exceptions counted as planned.

Last line: ``retail_events_per_s=<n>``. Target: >= 500 on SQLite.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import shutil
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402

from bench.sync import COUCH_PASSWORD, COUCH_USER, DB, admin_url, demo_network, drive, post_all  # noqa: E402
from server.auth.models import User  # noqa: E402
from server.auth.operations import principal_for  # noqa: E402
from server.auth.principal import set_principal  # noqa: E402
from server.basedata.demo import make_imei  # noqa: E402
from server.basedata.models import Item, Party, Tac, Warehouse  # noqa: E402
from server.basedata.operations import today_in  # noqa: E402
from server.db import unit_of_work, utcnow  # noqa: E402
from server.finance.models import CashEntry, MoneyAccount  # noqa: E402
from server.http import system_session  # noqa: E402
from server.ids import uuid7  # noqa: E402
from server.org.models import Organisation  # noqa: E402
from server.retail.models import RetailPayment, RetailSale, RetailStockException  # noqa: E402
from server.stock import operations as stock_ops  # noqa: E402
from server.stock.ledger import rebuild_check  # noqa: E402
from server.trade import pricing  # noqa: E402
from sync.models import SyncProcessed  # noqa: E402
from sync.store import start_store  # noqa: E402

IMEI_BASE = 900_000
OVERSOLD = 6  # sales of the scarce item beyond its stock: their stock side waits


class Counter:
    """SZ01's counter: its clerk, good-stock warehouse, cash drawer and bank account, the items it sells."""

    def __init__(self, session):
        org = session.execute(select(Organisation).where(Organisation.code == "SZ01")).scalar_one()
        self.org_id = org.id
        users = {u.username: u.id for u in session.execute(select(User).where(User.org_id == org.id)
                                                            .execution_options(unscoped=True)).scalars()}
        self.clerk, self.manager = users["sz01.clerk"], users["sz01.manager"]
        self.good = session.execute(select(Warehouse.id).where(Warehouse.org_id == org.id, Warehouse.kind == "good")
                                    .order_by(Warehouse.code)).scalars().first()
        accounts = session.execute(select(MoneyAccount).where(MoneyAccount.org_id == org.id)).scalars().all()
        self.cash = next(a.id for a in accounts if a.kind == "cash")
        self.bank = next(a.id for a in accounts if a.kind == "bank")
        items = session.execute(select(Item).where(Item.active, Item.retail_price > 0).order_by(Item.code)).scalars().all()
        self.goods = [(i.id, i.retail_price) for i in items if not i.serialized][:40]
        tac = session.execute(select(Tac).order_by(Tac.code)).scalars().first()
        self.tac = tac.code
        phone = session.execute(select(Item).where(Item.model_id == tac.model_id, Item.kind == "device", Item.serialized)
                                .order_by(Item.code)).scalars().first()
        if phone.retail_price <= 0:
            phone.retail_price = Decimal("4999")
            session.commit()
        self.phone = (phone.id, phone.retail_price)


def sales(c: Counter, count: int, rng: random.Random) -> tuple[list[dict], dict[uuid7, int], Decimal]:
    """The counter's events: returns them, the units of each item sold, and the money kept."""
    docs, sold, kept_total, phones = [], {}, Decimal(0), 0
    start = utcnow() - dt.timedelta(hours=8)
    scarce = c.goods[0][0]
    for n in range(count):
        lines = []
        for item_id, price in rng.sample(c.goods[1:], rng.randint(1, 5)):
            q = rng.randint(1, 3)
            lines.append((item_id, price, q, []))
        if n % 10 == 0:
            lines[0] = (c.phone[0], c.phone[1], 1, [make_imei(c.tac, IMEI_BASE + phones)])
            phones += 1
        if n % (count // (OVERSOLD * 2)) == 0:  # the scarce item: its stock covers half of these
            lines.append((scarce, c.goods[0][1], 1, []))
        total = sum((pricing.line_amounts(Decimal(q), p.quantize(pricing.PRICE_PLACES), tax_rate=Decimal("0.13")).gross
                     for _, p, q, _ in lines), Decimal(0))
        bank = pricing.cents(total * Decimal(rng.choice((0, 30, 50, 80))) / 100)
        cash = (total - bank).quantize(Decimal("1"), rounding="ROUND_UP") + rng.choice((0, 0, 10, 50))
        payments = [{"account_id": str(c.cash), "amount": str(cash)}]
        if bank:
            payments.insert(0, {"account_id": str(c.bank), "amount": str(bank)})
        kept_total += total
        for item_id, _, q, _ in lines:
            sold[item_id] = sold.get(item_id, 0) + q
        docs.append({"_id": str(uuid7()), "type": "retail_sale", "org": str(c.org_id),
                     "device_id": "tab-counter-1" if n % 2 else "tab-counter-2", "user_id": str(c.clerk),
                     "created_at": (start + dt.timedelta(seconds=2 * n)).isoformat(),
                     "warehouse_id": str(c.good), "customer_name": "", "customer_phone": "",
                     "lines": [{"id": str(uuid7()), "item_id": str(i), "quantity": str(q), **({"serials": s} if s else {})}
                               for i, _, q, s in lines],
                     "payments": payments})
    return docs, sold, kept_total


def receive(app, c: Counter, sold: dict, phones: int) -> None:
    """The point's stock before the day: enough of everything, but only half of what is sold of the
    scarce item. One goods receipt."""
    s = system_session(app, "bench")
    try:
        set_principal(s, principal_for(s, s.get(User, c.manager)))
        with unit_of_work(s):
            supplier = next(p.id for p in s.execute(select(Party).where(Party.active)).scalars() if "supplier" in p.roles)
            scarce = c.goods[0][0]
            lines = [{"item_id": i, "quantity": Decimal(q if i != scarce else q - OVERSOLD), "unit_cost": Decimal("20")}
                     for i, q in sold.items() if i != c.phone[0]]
            lines.append({"item_id": c.phone[0], "quantity": Decimal(phones), "unit_cost": Decimal("3000"),
                          "serials": [make_imei(c.tac, IMEI_BASE + k) for k in range(phones)]})
            doc = stock_ops.create_stock_document(s, "goods_receipt", {
                "kind": "purchase", "party_id": supplier, "warehouse_id": c.good, "doc_date": today_in("Asia/Shanghai"),
                "lines": lines})
            stock_ops.post_stock_document(s, doc)
    finally:
        s.close()


def run(count: int, batch: int, tmp: Path) -> float:
    url = f"sqlite:///{tmp / 'aftercare.db'}"
    store = start_store(user=COUCH_USER, password=COUCH_PASSWORD, workdir=tmp / "couch")
    try:
        settings, app, client, c = demo_network(url, tmp, store, batch, Counter)
        rng = random.Random(18)
        docs, sold, kept = sales(c, count, rng)
        receive(app, c, sold, sum(1 for d in docs for x in d["lines"] if x.get("serials")))
        (tmp / "events.json").write_text(json.dumps(docs, ensure_ascii=False))
        device = tmp / "tablets"
        put = drive(cmd="put", dir=str(device), file=str(tmp / "events.json"))
        assert put["ok"] and put["count"] == len(docs), put
        pushed = drive(cmd="push", dir=str(device), url=admin_url(store, DB))
        assert pushed["ok"] and pushed["docs_written"] == len(docs), pushed
        lines = sum(len(d["lines"]) for d in docs)
        split = sum(1 for d in docs if len(d["payments"]) > 1)
        print(f"[sqlite] {len(docs)} retail sales ({lines} lines, {split} paid split) pushed to the store", flush=True)

        post_s = post_all(app, client, len(docs), batch)
        s = system_session(app, "bench")
        try:
            outcomes = dict(s.execute(select(SyncProcessed.outcome, func.count()).group_by(SyncProcessed.outcome)).all())
            if outcomes != {"posted": len(docs)}:
                from sync.models import SyncDeadLetter

                reasons = s.execute(select(SyncDeadLetter.event_type, SyncDeadLetter.reasons).limit(3)).all()
                raise AssertionError(f"{outcomes}: {reasons}")
            assert s.execute(select(func.count()).select_from(RetailSale)).scalar_one() == len(docs)
            cash = s.execute(select(func.sum(CashEntry.amount)).where(CashEntry.document_type == "retail_sale")).scalar_one()
            payments = s.execute(select(func.sum(RetailPayment.kept))).scalar_one()
            assert cash == payments == kept, (cash, payments, kept)
            waiting = s.execute(select(func.count()).select_from(RetailStockException)).scalar_one()
            assert waiting == OVERSOLD, waiting
            assert rebuild_check(s) == []
        finally:
            s.close()
        rate = len(docs) / post_s
        print(f"[sqlite] posted {len(docs)} sales in {post_s:.1f} s: {rate:.0f} events/s (target 500, ratio {rate / 500:.2f}); "
              f"cash entries = payments kept = totals ({kept}), {waiting} lines waiting for stock, rebuild check holds",
              flush=True)
        client.close()
        app.extensions["aftercare.db"].dispose()
        return rate
    finally:
        store.stop()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sales", type=int, default=10_000)
    ap.add_argument("--batch", type=int, default=200)
    args = ap.parse_args()
    print("note: the machine is shared (2 cores); rates are indicative", flush=True)
    tmp = Path(tempfile.mkdtemp(prefix="bench-retail-"))
    try:
        rate = run(args.sales, args.batch, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"retail_events_per_s={rate:.0f}")


if __name__ == "__main__":
    main()
