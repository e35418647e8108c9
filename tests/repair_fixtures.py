"""A service point ready to repair: the stocked world plus warranty statuses, a TAC, accessories,
fault codes, a manufacturer's repair level, a cash drawer, a member and a warranty card."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from server.basedata.kinds import KINDS
from server.basedata.models import Item
from server.basedata.operations import create_record, today_in
from server.db import unit_of_work
from server.finance.models import CashEntry, CounterpartyEntry

from .stock_fixtures import World, imei, receipt, world  # noqa: F401

SIG = "data:image/png;base64,iVBORw0KGgo="


@pytest.fixture
def rw(world: World, net) -> World:
    """``world`` + repair base data. ids: tac model, statuses, level, accessories, symptom, cash drawers, member."""
    w = world
    net.add_user("sz01.qc", "SZ01", ["qc"])
    net.add_user("sz01.courier", "SZ01", ["courier"])
    net.add_user("sz01.cs", "SZ01", ["cs_agent"])
    net.add_user("sz01.clerk2", "SZ01", ["clerk"])
    net.add_user("gz01.engineer", "GZ01", ["engineer"])
    s = net.session()
    today = today_in("Asia/Shanghai")
    with unit_of_work(s):
        mk = lambda kind, data: create_record(s, KINDS[kind], data)  # noqa: E731
        model_id = s.get(Item, w.ids["device"]).model_id
        w.ids["model"] = model_id
        mk("tacs", {"code": "86777777", "model_id": model_id})
        w.ids["IN"] = mk("warranty-statuses", {"code": "IN", "name": "保内", "rule": "in_warranty", "claimable": True}).id
        w.ids["OUT"] = mk("warranty-statuses", {"code": "OUT", "name": "保外", "rule": "out_of_warranty",
                                                "chargeable": True}).id
        w.ids["PEND"] = mk("warranty-statuses", {"code": "PEND", "name": "待检", "rule": "pending_inspection",
                                                 "chargeable": True}).id
        w.ids["maker"] = mk("parties", {"code": "HW-F", "name": "华为厂家", "roles": ["manufacturer"]}).id
        w.ids["level"] = mk("repair-levels", {"manufacturer_id": w.ids["maker"], "code": "L2", "name": "换件维修",
                                              "labour_charge": Decimal("80"), "labour_fee": Decimal("50")}).id
        w.ids["charger"] = mk("accessories", {"code": "CHG", "model_id": model_id, "name": "充电器", "sort_order": 1}).id
        w.ids["case"] = mk("accessories", {"code": "CASE", "model_id": model_id, "name": "保护壳", "sort_order": 2}).id
        w.ids["nopower"] = mk("fault-symptoms", {"code": "F01", "name": "不开机"}).id
        w.ids["method"] = mk("repair-methods", {"code": "M01", "name": "更换屏幕"}).id
        for org in ("SZ01", "GZ01"):
            w.ids[f"{org}.CASH"] = mk("money-accounts", {"code": "CASH", "name": f"{org} 现金", "kind": "cash",
                                                          "org_id": net.orgs[org].id}).id
        w.ids["member"] = mk("members", {"phone": "13800138000", "name": "王芳"}).id
        mk("warranty-cards", {"imei": imei(1), "model_id": model_id, "buyer_name": "王芳", "buyer_phone": "13800138000",
                              "sale_date": today - dt.timedelta(days=100), "period_months": 12})
        for code, price in (("SCR", "600"), ("BAT", "150")):
            item = s.execute(select(Item).where(Item.code == code)).scalar_one()
            item.repair_price = Decimal(price)
    s.close()
    return w


def intake_body(w: World, **kw) -> dict:
    body = {"member_phone": "13800138000", "imei": imei(1), "colour": "黑", "passcode": "2580",
            "accessories_received": [str(w.ids["charger"])], "symptom_ids": [str(w.ids["nopower"])],
            "fault_description": "摔后不开机", "appearance_note": "左上角磕碰"}
    body.update(kw)
    return body


def stock_engineer(w: World, item: str = "screen", qty: int = 2) -> None:
    """Parts in the good warehouse, drawn by the engineer (a requisition)."""
    receipt(w, item, qty, "400")
    w.post("engineer_requisition", {"warehouse_id": w.ids["SZ01.GOOD"], "engineer_id": w.ids["engineer"],
                                    "lines": [{"item_id": w.ids[item], "quantity": Decimal(qty)}]}, "sz01.engineer")


def money(w: World, document_type: str | None = None) -> dict:
    """Counterparty balances by (kind, direction) and the cash total, optionally of one document type."""
    s = w.session()
    try:
        cp = select(CounterpartyEntry)
        cash = select(CashEntry)
        if document_type:
            cp = cp.where(CounterpartyEntry.document_type == document_type)
            cash = cash.where(CashEntry.document_type == document_type)
        out: dict = {}
        for e in s.execute(cp).scalars():
            key = (e.counterparty_kind, e.direction)
            out[key] = out.get(key, Decimal("0")) + e.amount
        out["cash"] = sum((e.amount for e in s.execute(cash).scalars()), Decimal("0"))
        return out
    finally:
        s.close()
