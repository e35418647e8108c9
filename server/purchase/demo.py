"""Purchasing demo data for ``make run``: SZ01 orders Mate 60 Pro parts from its supplier (深圳华强北配件行),
the order is approved and half of it has arrived, so the purchase lists, the order's 部分到货 and the
supplier's payable show business. Through the operations, as a user would (the system acting)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..basedata.models import Item, Party, Warehouse
from ..org.models import Organisation
from . import operations as ops

# item code suffix: (quantity ordered, unit price excl. VAT, quantity received)
LINES = {"-SCR": (20, "360.00", 8), "-BAT": (30, "55.00", 30), "-BCV": (10, "42.50", 0)}


def load_purchase_demo(session: Session) -> None:
    sz01 = session.execute(select(Organisation).where(Organisation.code == "SZ01")).scalar_one_or_none()
    supplier = session.execute(select(Party).where(Party.code == "S-HQB")).scalar_one_or_none()
    if sz01 is None or supplier is None:
        return  # not the demo's base data
    good = session.execute(select(Warehouse).where(Warehouse.org_id == sz01.id, Warehouse.kind == "good")
                           .order_by(Warehouse.code)).scalars().first()
    parts = session.execute(select(Item).where(Item.code.like("HU-MATE60PRO-%"), Item.kind == "part")).scalars().all()
    items = {suffix: next((i for i in parts if i.code.endswith(suffix)), None) for suffix in LINES}
    if good is None or None in items.values():
        return
    today = dt.date.today()
    order = ops.create_order(session, {
        "org_id": sz01.id, "party_id": supplier.id, "warehouse_id": good.id, "doc_date": today - dt.timedelta(days=4),
        "expected_date": today + dt.timedelta(days=3), "note": "月度备件补货",
        "lines": [{"item_id": items[s].id, "quantity": Decimal(q), "unit_price": Decimal(price), "tax_rate": Decimal("0.13")}
                  for s, (q, price, _got) in LINES.items()]})
    ops.fire(session, order, "approve")
    receipt = ops.create_receipt(session, {
        "order_id": order.id, "doc_date": today - dt.timedelta(days=1), "note": "第一批到货",
        "lines": [{"item_id": items[s].id, "quantity": Decimal(got)} for s, (_q, _p, got) in LINES.items() if got]})
    ops.post_receipt(session, receipt)
