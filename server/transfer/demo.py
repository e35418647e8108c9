"""Transfer demo data for ``make run``: SZ01 asked headquarters for chargers and cables; headquarters
approved and sent them, and SZ01 received them two cables short (the sender's loss); a second
request waits for approval. Through the operations, as the users would (the system acting), so the
lists, the papers and the in-transit view show business."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..basedata.models import Item, Warehouse
from ..org.models import Organisation
from . import operations as ops


def load_transfer_demo(session: Session) -> None:
    hq = session.execute(select(Organisation).where(Organisation.kind == "hq")).scalar_one_or_none()
    sz = session.execute(select(Organisation).where(Organisation.code == "SZ01")).scalar_one_or_none()
    items = {i.code: i for i in session.execute(select(Item).where(Item.code.in_(["HUAWEI-CHARGER", "HUAWEI-CABLE"]))).scalars()}
    if hq is None or sz is None or len(items) < 2:
        return  # not the demo's base data
    good = {w.org_id: w for w in session.execute(select(Warehouse).where(Warehouse.kind == "good",
                                                                          Warehouse.org_id.in_([hq.id, sz.id]))).scalars()}
    if len(good) < 2:
        return
    today = dt.date.today()
    req = ops.create_request(session, {"org_id": sz.id, "warehouse_id": good[sz.id].id, "doc_date": today - dt.timedelta(days=2),
                                       "note": "柜台零售补货", "lines": [
                                           {"item_id": items["HUAWEI-CHARGER"].id, "quantity": Decimal(10)},
                                           {"item_id": items["HUAWEI-CABLE"].id, "quantity": Decimal(20)}]})
    ops.submit_request(session, req)
    order = ops.approve_request(session, req, {"from_warehouse_id": good[hq.id].id, "carrier": "顺丰速运",
                                               "waybill": "SF7788990011", "doc_date": today - dt.timedelta(days=1),
                                               "issue": True})
    cable = next(l for l in order.lines if l.item_id == items["HUAWEI-CABLE"].id)
    ops.receive_order(session, order, {"doc_date": today, "note": "两条数据线未到",
                                       "lines": [{"line_id": cable.id, "received": cable.quantity - 2, "loss_rule": "sender"}]})
    waiting = ops.create_request(session, {"org_id": sz.id, "warehouse_id": good[sz.id].id, "doc_date": today,
                                           "lines": [{"item_id": items["HUAWEI-CHARGER"].id, "quantity": Decimal(5)}]})
    ops.submit_request(session, waiting)
