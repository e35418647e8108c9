"""A network for transfers: the stocked world of tests/stock_fixtures.py, headquarters' warehouses, a
courier party and the people who request, approve, issue and receive."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from server.basedata.kinds import KINDS
from server.basedata.operations import create_record
from server.db import unit_of_work
from server.stock.models import StockBalance, StockLocation

from .stock_fixtures import World, receipt, world  # noqa: F401


@pytest.fixture
def tw(world) -> World:  # noqa: F811
    w: World = world
    net = w.net
    net.add_user("hq.wh", "HQ", ["warehouse"])
    net.add_user("sz01.wh", "SZ01", ["warehouse"])
    s = net.session()
    with unit_of_work(s):
        for code, kind in (("GOOD", "good"), ("DEF", "defective")):
            w.ids[f"HQ.{code}"] = create_record(s, KINDS["warehouses"], {
                "code": code, "name": f"总部 {code}", "kind": kind, "org_id": net.orgs["HQ"].id}).id
        w.ids["courier"] = create_record(s, KINDS["parties"], {"code": "SF", "name": "顺丰速运", "roles": ["supplier"]}).id
    s.close()
    return w


def stock_in(w: World, item: str, qty, cost, serials=()):
    """Goods received at headquarters' good warehouse."""
    return receipt(w, item, qty, cost, wh="HQ.GOOD", serials=serials, username="admin")


def at(w: World, kind: str, org: str | None = None, item: str | None = None) -> tuple[Decimal, Decimal]:
    """Quantity and value at every location of ``kind`` (of ``org``), of ``item`` or all."""
    with w.open() as s:
        stmt = (select(func.coalesce(func.sum(StockBalance.quantity), 0), func.coalesce(func.sum(StockBalance.value), 0))
                .join(StockLocation, StockLocation.id == StockBalance.location_id).where(StockLocation.kind == kind))
        if org:
            stmt = stmt.where(StockLocation.org_id == w.net.orgs[org].id)
        if item:
            stmt = stmt.where(StockBalance.item_id == w.ids.get(item, item))
        q, v = s.execute(stmt).one()
    return Decimal(q), Decimal(v)


def at_warehouse(w: World, wh: str, item: str) -> tuple[Decimal, Decimal]:
    with w.open() as s:
        row = s.execute(select(StockBalance.quantity, StockBalance.value)
                        .join(StockLocation, StockLocation.id == StockBalance.location_id)
                        .where(StockLocation.warehouse_id == w.ids[wh], StockBalance.item_id == w.ids[item])).first()
    return (row[0], row[1]) if row else (Decimal(0), Decimal(0))
