"""A fitted repair part keeps its cost (issue 18 §5): what its use document took out of stock, the
moving average it left at; the migration's backfill gives the same; only money viewers see it.
On SQLite and PostgreSQL."""

from __future__ import annotations

import importlib
import uuid
from decimal import Decimal

from sqlalchemy import select, text, update

from server.core.batch import posting_batch
from server.db import unit_of_work
from server.repair import operations as ops
from server.repair.models import RepairOrder, RepairPart
from server.stock.models import StockCost

from .repair_fixtures import intake_body, rw  # noqa: F401
from .stock_fixtures import imei, receipt, world  # noqa: F401

backfill = importlib.import_module("server.migrations.versions.20261207_repair_part_cost_3e8b5c71d2a6").BACKFILL


def _average(w, item: str) -> Decimal:
    with w.open() as s:
        c = s.execute(select(StockCost).where(StockCost.org_id == w.net.orgs["SZ01"].id,
                                              StockCost.item_id == w.ids[item])).scalar_one()
        return (c.value / c.quantity).quantize(Decimal("0.01"))


def _order_in_repair(client, net, w) -> str:
    r = client.post("/api/repair/orders", json=intake_body(w), headers=net.headers("sz01.clerk"))
    assert r.status_code == 201, r.json
    oid = r.json["order"]["id"]
    h = net.headers("sz01.engineer")
    for event, body in (("accept", {"engineer_id": str(w.ids["engineer"])}), ("start-repair", {})):
        assert client.post(f"/api/repair/orders/{oid}/{event}", json=body, headers=h).status_code == 200
    return oid


def test_a_fitted_part_costs_the_moving_average_it_left_at_and_the_backfill_agrees(client, net, rw):
    # Two receipts at different prices: the average is not either price.
    receipt(rw, "screen", 2, "400")
    receipt(rw, "screen", 1, "431")
    rw.post("engineer_requisition", {"warehouse_id": rw.ids["SZ01.GOOD"], "engineer_id": rw.ids["engineer"],
                                     "lines": [{"item_id": rw.ids["screen"], "quantity": Decimal(3)}]}, "sz01.engineer")
    oid = _order_in_repair(client, net, rw)
    average = _average(rw, "screen")
    assert average == Decimal("410.33")
    r = client.post(f"/api/repair/orders/{oid}/parts", json={"item_id": str(rw.ids["screen"])},
                    headers=net.headers("sz01.engineer"))
    assert r.status_code == 201, r.json
    [part] = r.json["parts"]
    assert "cost" not in part  # an engineer does not see money
    [seen] = client.get(f"/api/repair/orders/{oid}", headers=net.headers("sz01.finance")).json["parts"]
    assert Decimal(seen["cost"]) == average
    with rw.open() as s:
        assert s.get(RepairPart, uuid.UUID(part["id"])).cost == average
    # The migration's backfill, from the use document's moves, gives the same.
    with rw.open() as s, unit_of_work(s):
        s.execute(update(RepairPart).values(cost=Decimal("0")))
        s.execute(text(backfill))
    with rw.open() as s:
        assert s.get(RepairPart, uuid.UUID(part["id"])).cost == average


def test_a_part_fitted_inside_a_posting_batch_takes_its_cost_from_what_posting_returned(client, net, rw):
    receipt(rw, "screen", 1, "300")
    receipt(rw, "screen", 1, "321")
    rw.post("engineer_requisition", {"warehouse_id": rw.ids["SZ01.GOOD"], "engineer_id": rw.ids["engineer"],
                                     "lines": [{"item_id": rw.ids["screen"], "quantity": Decimal(2)}]}, "sz01.engineer")
    oid = _order_in_repair(client, net, rw)
    average = _average(rw, "screen")
    with rw.open("sz01.engineer") as s, unit_of_work(s), posting_batch(s):
        part = ops.record_part(s, s.get(RepairOrder, uuid.UUID(oid)), {"item_id": str(rw.ids["screen"])})
        pid = part.id
    with rw.open() as s:
        assert s.get(RepairPart, pid).cost == average == Decimal("310.50")
