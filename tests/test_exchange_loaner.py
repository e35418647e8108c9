"""The exchange loaner slip (换机备机单, issue 17 §5) on SQLite and PostgreSQL: repair's loaner slip lent
against a return-to-factory exchange while the customer waits, by REST and sync; the pickup is
refused while it is out (the field named, nothing changed), so it comes back at pickup; the
deposit taken and paid back; the ledgers' rebuild check holds."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest

from server.repair.models import RepairLoaner

from .conftest import row_counts
from .exchange_fixtures import books, where, xw  # noqa: F401
from .repair_fixtures import SIG, money, rw  # noqa: F401
from .stock_fixtures import imei, world  # noqa: F401
from .sync_support import couch, event, make_worker, publish_all  # noqa: F401
from .test_exchange import fire, intake
from .test_repair_logistics import _loaner_stock, post


def _due(w) -> str:
    return (w.ids["today"] + dt.timedelta(days=10)).isoformat()


def test_a_loaner_while_the_unit_is_at_the_factory_returned_at_pickup(app, client, net, xw):
    w = xw
    _loaner_stock(net, w)
    a = intake(client, net, w, imei=imei(63), purchase_date=(w.ids["today"] - dt.timedelta(days=2)).isoformat()
               )["order"]["id"]  # mode A: the customer gets a unit now, no loaner
    h = net.headers("sz01.clerk")
    body = {"serial": imei(50), "due_date": _due(w), "deposit": "300.00", "account_id": str(w.ids["SZ01.CASH"])}
    r = client.post(f"/api/exchange/orders/{a}/loaners", json=body, headers=h)
    assert r.status_code == 409 and "mode" in r.json["errors"]
    b = intake(client, net, w, mode="B")["order"]["id"]
    before = row_counts(app)
    for bad, field in (({"serial": imei(51)}, "serial"), ({"due_date": "2020-01-01"}, "due_date"),
                       ({"deposit": "-5"}, "deposit")):
        r = client.post(f"/api/exchange/orders/{b}/loaners", json={**body, **bad}, headers=h)
        assert r.status_code == 422 and field in r.json["errors"], r.json
    assert row_counts(app) == before
    r = client.post(f"/api/exchange/orders/{b}/loaners", json=body, headers=h)
    assert r.status_code == 201, r.json
    loaner = r.json
    assert loaner["number"].startswith("BJ-SZ01-") and loaner["exchange_order_id"] == b and loaner["order_id"] is None
    assert where(w, imei(50)) == ("customer", "")
    assert money(w, "repair_loaner") == {("member", "payable"): Decimal("300.00"), "cash": Decimal("300.00")}
    detail = client.get(f"/api/exchange/orders/{b}", headers=h).json
    assert [x["number"] for x in detail["loaners"]] == [loaner["number"]]
    listed = client.get("/api/repair/loaners", query_string={"order_id": b}, headers=h).json["items"]
    assert [(x["number"], x["order_number"]) for x in listed] == [(loaner["number"], detail["order"]["number"])]
    # The unit goes to the factory and the manufacturer's comes back while the loaner is out.
    fire(client, net, b, "dispatch")
    fire(client, net, b, "receive_replacement", replacement_imei=imei(202))
    # Pickup refused while the loaner is out: the field named, nothing changed.
    ledgers, before = books(w), row_counts(app)
    r = client.post(f"/api/exchange/orders/{b}/pickup", json={"signature": SIG}, headers=h)
    assert r.status_code == 422 and loaner["number"] in r.json["errors"]["loaner_id"][0]
    assert books(w) == ledgers and row_counts(app) == before
    # Back at pickup: good condition, the deposit paid back; then the customer signs for their unit.
    r = client.post(f"/api/repair/loaners/{loaner['id']}/return", json={"condition": "good"}, headers=h)
    assert r.status_code == 200 and r.json["returned_at"]
    assert where(w, imei(50)) == ("warehouse", "loaner")
    assert money(w, "repair_loaner_return") == {("member", "payable"): Decimal("-300.00"), "cash": Decimal("-300.00")}
    d = fire(client, net, b, "pickup", signature=SIG)
    assert d["order"]["state"] == "completed" and where(w, imei(202)) == ("customer", "")
    books(w)


@pytest.fixture
def worker(app, couch):
    return make_worker(app, couch)


def test_exchange_loaner_through_sync(app, client, net, xw, couch, worker):
    w = xw
    _loaner_stock(net, w)
    b = intake(client, net, w, mode="B")["order"]["id"]
    lend = event(net, "sz01.clerk", "exchange_loaner_lend", order_id=b, serial=imei(50), due_date=_due(w))
    back = event(net, "sz01.clerk", "exchange_loaner_return", order_id=b, loaner_id=lend["_id"], condition="damaged")
    couch.bulk_docs("sp_sz01", [lend, back])
    worker.drain()
    publish_all(app, couch)
    with w.open() as s:
        loaner = s.get(RepairLoaner, uuid.UUID(lend["_id"]))
        assert loaner.exchange_order_id == uuid.UUID(b) and loaner.return_condition == "damaged"
    assert where(w, imei(50)) == ("warehouse", "defective")
    # A return naming a loaner of another order is refused naming the field.
    other = intake(client, net, w, mode="B", imei=imei(62),
                   purchase_date=(w.ids["today"] - dt.timedelta(days=2)).isoformat())["order"]["id"]
    wrong = event(net, "sz01.clerk", "exchange_loaner_return", order_id=other, loaner_id=lend["_id"], condition="good")
    couch.bulk_docs("sp_sz01", [wrong])
    worker.drain()
    publish_all(app, couch)
    status = {r["id"][7:]: r["doc"] for r in couch.all_docs("sp_sz01", include_docs=True) if r["id"].startswith("status:")}
    assert status[wrong["_id"]]["state"] == "rejected" and "loaner_id" in str(status[wrong["_id"]])
    books(w)
