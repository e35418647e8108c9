"""Wholesale demo data for ``make run``: the dealers' credit limits and discounts, stock of a few
accessories in headquarters' good warehouse (a purchase receipt), and one order to 广州天河数码城
partly delivered, five cases of it returned, so the lists, the receivable and the profit show
business. Through the operations, as a user would (the system acting)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..basedata.models import Item, Party, Warehouse
from ..org.models import Organisation
from ..stock.operations import create_and_post_stock_document
from . import operations as ops

TERMS = {"D-XUNJIE": ("5000", "3"), "D-TIANHE": ("20000", "5"), "D-NANSHAN": ("10000", "0")}
STOCK = {"HUAWEI-CHARGER": (200, "39"), "HUAWEI-CABLE": (300, "9"), "HUAWEI-CASE": (200, "8")}


def load_wholesale_demo(session: Session) -> None:
    hq = session.execute(select(Organisation).where(Organisation.kind == "hq")).scalar_one_or_none()
    parties = {p.code: p for p in session.execute(select(Party).where(Party.code.in_([*TERMS, "S-HQB"]))).scalars()}
    items = {i.code: i for i in session.execute(select(Item).where(Item.code.in_(list(STOCK)))).scalars()}
    if hq is None or len(parties) < len(TERMS) + 1 or len(items) < len(STOCK):
        return  # not the demo's base data
    for code, (limit, discount) in TERMS.items():
        parties[code].credit_limit, parties[code].discount_percent = Decimal(limit), Decimal(discount)
    good = session.execute(select(Warehouse).where(Warehouse.org_id == hq.id, Warehouse.kind == "good")).scalars().first()
    today = dt.date.today()
    create_and_post_stock_document(session, "goods_receipt", {
        "org_id": hq.id, "kind": "purchase", "party_id": parties["S-HQB"].id, "warehouse_id": good.id,
        "doc_date": today - dt.timedelta(days=3), "note": "批发备货",
        "lines": [{"item_id": items[c].id, "quantity": Decimal(q), "unit_cost": Decimal(cost)} for c, (q, cost) in STOCK.items()]})
    order = ops.create_order(session, {"org_id": hq.id, "party_id": parties["D-TIANHE"].id, "warehouse_id": good.id,
                                       "doc_date": today - dt.timedelta(days=2), "contact_name": "黄店长",
                                       "address": "广州市天河区天河路 208 号",
                                       "lines": [{"item_id": items["HUAWEI-CHARGER"].id, "quantity": Decimal(50)},
                                                 {"item_id": items["HUAWEI-CASE"].id, "quantity": Decimal(40)}]})
    ops.fire(session, order, "submit")
    delivery = ops.create_delivery(session, {"order_id": order.id, "doc_date": today - dt.timedelta(days=1), "carrier": "顺丰",
                                             "lines": [{"item_id": items["HUAWEI-CHARGER"].id, "quantity": Decimal(30)},
                                                       {"item_id": items["HUAWEI-CASE"].id, "quantity": Decimal(40)}]})
    ops.post_delivery(session, delivery)
    back = ops.create_return(session, {"delivery_id": delivery.id, "doc_date": today, "reason": "外壳划伤",
                                       "lines": [{"item_id": items["HUAWEI-CASE"].id, "quantity": Decimal(5)}]})
    ops.post_return(session, back)
