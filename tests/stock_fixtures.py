"""A small stocked world for ledger tests: catalogue, parties, warehouses, an engineer."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal

import pytest

from server.auth.operations import principal_for
from server.auth.principal import set_principal
from server.auth.models import User
from server.basedata.demo import make_imei
from server.basedata.kinds import KINDS
from server.basedata.operations import create_record
from server.db import unit_of_work
from server.stock import operations as ops
from server.stock.models import StockDocument

D = "2026-11-20"


@dataclass
class World:
    net: object
    ids: dict = field(default_factory=dict)

    def session(self, username: str | None = None):
        s = self.net.session()
        if username:
            set_principal(s, principal_for(s, s.get(User, self.net.users[username].id)))
        return s

    @contextmanager
    def open(self, username: str | None = None):
        """A session that is closed however the block ends (on SQLite an open
        one would keep the write lock and stall every later test)."""
        s = self.session(username)
        try:
            yield s
        finally:
            s.close()

    def post(self, doc_type: str, data: dict, username: str = "sz01.manager", expect_error=None) -> StockDocument:
        """Create and post a document in one transaction, as ``username``."""
        s = self.session(username)
        try:
            with unit_of_work(s):
                doc = ops.create_stock_document(s, doc_type, {"doc_date": __import__("datetime").date(2026, 11, 20), **data})
                ops.post_stock_document(s, doc)
            return doc
        finally:
            s.close()

    def reverse(self, doc: StockDocument, username: str = "sz01.manager", reason: str = "录入错误") -> StockDocument:
        s = self.session(username)
        try:
            with unit_of_work(s):
                return ops.reverse_stock_document(s, s.get(StockDocument, doc.id), reason)
        finally:
            s.close()


def imei(n: int) -> str:
    return make_imei("86777777", n)


@pytest.fixture
def world(net) -> World:
    w = World(net)
    net.add_user("sz01.engineer", "SZ01", ["engineer"])
    s = net.session()
    with unit_of_work(s):
        mk = lambda kind, data: create_record(s, KINDS[kind], data)  # noqa: E731
        brand = mk("brands", {"code": "HW", "name": "华为"})
        model = mk("models", {"code": "HW-M60", "name": "Mate 60", "brand_id": brand.id})
        w.ids["device"] = mk("items", {"code": "DEV", "name": "Mate 60 整机", "kind": "device", "model_id": model.id,
                                       "serialized": True, "standard_cost": Decimal("4000")}).id
        w.ids["board"] = mk("items", {"code": "MB", "name": "Mate 60 主板", "kind": "mainboard", "model_id": model.id,
                                      "serialized": True, "standard_cost": Decimal("1500")}).id
        w.ids["screen"] = mk("items", {"code": "SCR", "name": "Mate 60 屏幕总成", "kind": "part", "model_id": model.id,
                                       "standard_cost": Decimal("400")}).id
        w.ids["battery"] = mk("items", {"code": "BAT", "name": "Mate 60 电池", "kind": "part", "model_id": model.id,
                                        "standard_cost": Decimal("100")}).id
        mk("disassembly-formulas", {"code": "BOM", "device_item_id": w.ids["device"], "lines": [
            {"component_item_id": w.ids["board"], "quantity": "1"}, {"component_item_id": w.ids["screen"], "quantity": "1"},
            {"component_item_id": w.ids["battery"], "quantity": "1"}]})
        w.ids["supplier"] = mk("parties", {"code": "S1", "name": "配件供应商", "roles": ["supplier"]}).id
        w.ids["dealer"] = mk("parties", {"code": "D1", "name": "迅捷通讯", "roles": ["dealer", "distributor"]}).id
        for org in ("SZ01", "GZ01"):
            for code, kind in (("GOOD", "good"), ("GOOD2", "good"), ("DEF", "defective"), ("SCRAP", "scrap")):
                w.ids[f"{org}.{code}"] = mk("warehouses", {"code": code, "name": f"{org} {code}", "kind": kind,
                                                           "org_id": net.orgs[org].id}).id
        w.ids["engineer"] = mk("engineers", {"code": "E1", "name": "张磊", "org_id": net.orgs["SZ01"].id,
                                             "user_id": net.users["sz01.engineer"].id}).id
    s.close()
    return w


def receipt(w: World, item: str, qty, cost, wh="SZ01.GOOD", serials=(), username="sz01.manager"):
    return w.post("goods_receipt", {"kind": "purchase", "party_id": w.ids["supplier"], "warehouse_id": w.ids[wh],
                                    "lines": [{"item_id": w.ids[item], "quantity": Decimal(str(qty)),
                                               "unit_cost": Decimal(str(cost)), "serials": list(serials)}]}, username)


def issue(w: World, item: str, qty, wh="SZ01.GOOD", serials=(), username="sz01.manager"):
    return w.post("goods_issue", {"kind": "wholesale", "party_id": w.ids["dealer"], "warehouse_id": w.ids[wh],
                                  "lines": [{"item_id": w.ids[item], "quantity": Decimal(str(qty)), "serials": list(serials)}]},
                  username)
