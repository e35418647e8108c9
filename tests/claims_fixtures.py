"""Completed in-warranty repairs ready to claim, made fast: the orders are inserted as the repair
operations leave them at pickup (state 已完成, claimable, level, model, fault, method), and each
pickup settlement is a real ``RepairPayment`` posted through the core lifecycle, so its
``write_ledgers`` puts the labour fee on the manufacturer's receivable exactly as pick-up does."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from sqlalchemy import insert

from server.basedata.operations import today_in
from server.core import operations as core
from server.db import unit_of_work
from server.ids import uuid7
from server.repair import statemachine as sm
from server.repair.models import RepairOrder, RepairPart, RepairPayment

from .stock_fixtures import imei


def completed_repairs(w, org: str, n: int, *, start: int = 0, claimable: bool = True, parts_every: int = 0,
                      username: str | None = None, on: dt.date | None = None) -> list:
    """``n`` completed repairs at ``org`` settled today; every ``parts_every``-th has a screen fitted.
    Returns the order ids."""
    net = w.net
    on = on or today_in("Asia/Shanghai")
    org_id = net.orgs[org].id
    user = username or ("sz01.manager" if org == "SZ01" else "gz01.manager")
    rows, ids = [], []
    for i in range(start, start + n):
        oid = uuid7()
        ids.append(oid)
        rows.append(dict(
            id=oid, org_id=org_id, number=f"WX-{org}-T{i:05d}", status="posted", doc_date=on - dt.timedelta(days=3),
            state=sm.COMPLETED, mode="A", customer_kind="walk_in", customer_name="李雷", customer_phone="13900000000",
            imei=imei(1000 + i), model_id=w.ids["model"], symptoms=[{"id": str(w.ids["nopower"]), "name": "不开机"}],
            fault_description="摔后不开机", repair_level_id=w.ids["level"], repair_method_ids=[str(w.ids["method"])],
            warranty_status_id=w.ids["IN" if claimable else "OUT"], claimable=claimable, chargeable=not claimable,
            accessories=[], photos=[], pickup_photos=[]))
    with w.open(user) as s, unit_of_work(s):
        s.execute(insert(RepairOrder), rows)
        if parts_every:
            doc = w.ids.get("parts_doc")
            for k, oid in enumerate(ids):
                if k % parts_every == 0:
                    s.add(RepairPart(org_id=org_id, order_id=oid, item_id=w.ids["screen"], quantity=Decimal(1),
                                     unit_price=Decimal("0"), amount=Decimal("0"), engineer_id=w.ids["engineer"],
                                     used_document_id=doc, return_document_id=doc))
        for oid in ids:
            pay = RepairPayment(kind="settlement", org_id=org_id, order_id=oid, amount=Decimal("0"),
                                claim_amount=Decimal("50.00") if claimable else Decimal("0"),
                                manufacturer_id=w.ids["maker"] if claimable else None, doc_date=on)
            core.create_document(s, pay)
            core.post_document(s, pay)
    return ids
