"""A service point ready to exchange: repair's world plus an in-transit warehouse, three replacement
units in good stock, the brand's 三包 rule naming its manufacturer, and a card sold three days ago."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from server.basedata.kinds import KINDS
from server.basedata.models import Item, ProductModel, WarrantyCard
from server.basedata.operations import create_record, today_in
from server.db import unit_of_work
from server.exchange.models import ExchangeRule
from server.finance.models import CashEntry, CounterpartyEntry
from server.stock.ledger import rebuild_check
from server.stock.models import StockBalance, StockLocation, StockSerial

from .repair_fixtures import rw  # noqa: F401
from .stock_fixtures import World, imei, receipt, world  # noqa: F401

UNITS = (101, 102, 103)


@pytest.fixture
def xw(rw: World, net) -> World:
    w = rw
    s = net.session()
    today = today_in("Asia/Shanghai")
    with unit_of_work(s):
        mk = lambda kind, data: create_record(s, KINDS[kind], data)  # noqa: E731
        w.ids["SZ01.TRANSIT"] = mk("warehouses", {"code": "TRANSIT", "name": "SZ01 在途", "kind": "in_transit",
                                                  "org_id": net.orgs["SZ01"].id}).id
        model = s.get(ProductModel, w.ids["model"])
        s.add(ExchangeRule(brand_id=model.brand_id, manufacturer_id=w.ids["maker"]))
        mk("warranty-cards", {"imei": imei(2), "model_id": model.id, "buyer_name": "王芳", "buyer_phone": "13800138000",
                              "sale_date": today - dt.timedelta(days=3), "period_months": 12})
        w.ids["other_device"] = mk("items", {"code": "DEV-X", "name": "P70 整机", "kind": "device", "serialized": True,
                                             "model_id": mk("models", {"code": "HW-P70", "name": "P70",
                                                                       "brand_id": model.brand_id}).id}).id
    s.close()
    receipt(w, "device", len(UNITS), "3000", serials=[imei(n) for n in UNITS])
    w.ids["today"] = today
    return w


def card(w: World, number: str) -> WarrantyCard | None:
    with w.open() as s:
        c = s.execute(select(WarrantyCard).where(WarrantyCard.imei == number)).scalar_one_or_none()
        if c is not None:
            s.expunge(c)
        return c


def where(w: World, serial: str) -> tuple[str, str] | None:
    """(location kind, warehouse kind or '') of a serial in the stock ledger."""
    from server.basedata.models import Warehouse

    with w.open() as s:
        loc = s.execute(select(StockLocation).join(StockSerial, StockSerial.location_id == StockLocation.id)
                        .where(StockSerial.serial == serial)).scalar_one_or_none()
        if loc is None:
            return None
        return loc.kind, (s.get(Warehouse, loc.warehouse_id).kind if loc.warehouse_id else "")


def books(w: World) -> dict:
    """Everything a step may change in the ledgers and cards, net: stock per location and item,
    where each serial is, counterparty balances per party and direction, cash, active cards."""
    with w.open() as s:
        assert rebuild_check(s) == []
        stock = {(b.location_id, b.item_id): (b.quantity, b.value) for b in s.execute(select(StockBalance)).scalars()
                 if b.quantity or b.value}
        # Units in the point's own stock, by serial (a unit sent back where it came from is out of
        # the books as one never taken in; the balances count every location, outside ones too).
        serials = dict(s.execute(select(StockSerial.serial, StockSerial.location_id)
                                 .join(StockLocation, StockLocation.id == StockSerial.location_id)
                                 .where(StockLocation.kind.in_(("warehouse", "engineer")))).all())
        cp = {}
        for e in s.execute(select(CounterpartyEntry)).scalars():
            key = (e.counterparty_kind, e.party_id or e.member_id, e.direction)
            cp[key] = cp.get(key, Decimal("0")) + e.amount
        cash = s.execute(select(func.coalesce(func.sum(CashEntry.amount), 0))).scalar_one()
        cards = {c.imei: (c.sale_date, c.period_months) for c in s.execute(select(WarrantyCard).where(WarrantyCard.active)).scalars()}
        return {"stock": stock, "serials": serials, "money": {k: v for k, v in cp.items() if v}, "cash": Decimal(cash),
                "cards": cards}


def receivable(w: World, party_id) -> Decimal:
    with w.open() as s:
        return Decimal(s.execute(select(func.coalesce(func.sum(CounterpartyEntry.amount), 0)).where(
            CounterpartyEntry.party_id == party_id, CounterpartyEntry.direction == "receivable")).scalar_one())


def item_value(w: World, code: str) -> Decimal:
    with w.open() as s:
        return s.execute(select(Item.standard_cost).where(Item.code == code)).scalar_one()
