"""The deposit of a repair order converted to an exchange (issue 16 §9), on SQLite and PostgreSQL:
refunded through the normal refund slip, or carried over to the exchange order (押金结转, JZ-…: two
linked rows, no posted row edited) where the customer's charge uses it and the rest is paid back
at pickup. The ledgers add up; a second carry-over is refused; a carry-over after a refund is
refused beyond what is left; reversing the pickup puts the deposit back on the exchange; by REST
and through sync."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest
from sqlalchemy import select

from server.finance.models import CounterpartyEntry

from .conftest import row_counts
from .exchange_fixtures import books, where, xw  # noqa: F401
from .repair_fixtures import SIG, money, rw  # noqa: F401
from .stock_fixtures import imei, world  # noqa: F401
from .sync_support import couch, event, make_worker, publish_all  # noqa: F401
from .test_exchange import fire as xfire
from .test_exchange import reverse
from .test_repair import take_in


def _converted(client, net, w, deposit="200.00"):
    """A repair order holding a deposit, converted to an exchange: (repair id, exchange id)."""
    rid = take_in(client, net, w, deposit={"amount": deposit, "account_id": str(w.ids["SZ01.CASH"])})["order"]["id"]
    r = client.post(f"/api/repair/orders/{rid}/convert-to-exchange", json={"reason": "主板无法维修"},
                    headers=net.headers("sz01.manager"))
    assert r.status_code == 200, r.json
    ex = client.get("/api/exchange/orders", query_string={"q": r.json["order"]["exchange_ref"]},
                    headers=net.headers("sz01.clerk")).json["items"]
    return rid, ex[0]["id"]


def carry(client, net, rid, expect=201, **body):
    r = client.post(f"/api/repair/orders/{rid}/carry-over-deposit", json=body, headers=net.headers("sz01.clerk"))
    assert r.status_code == expect, r.json
    return r.json


def refund(client, net, w, rid, amount, expect=201):
    r = client.post(f"/api/repair/orders/{rid}/refunds", json={"amount": amount, "account_id": str(w.ids["SZ01.CASH"]),
                                                              "reason": "客户要求退押金"}, headers=net.headers("sz01.clerk"))
    assert r.status_code == expect, r.json
    if expect != 201:
        return r.json
    r = client.post(f"/api/repair/refunds/{r.json['id']}/approve", headers=net.headers("sz01.manager"))
    assert r.status_code == 200, r.json
    return r.json


def _held(client, net, xid) -> str:
    return client.get(f"/api/exchange/orders/{xid}", headers=net.headers("sz01.clerk")).json["deposit_held"]


def test_a_converted_repair_deposit_refunded_through_the_refund_slip(client, net, xw):
    w = xw
    rid, xid = _converted(client, net, w)
    refund(client, net, w, rid, "200.00")
    assert money(w)[("member", "payable")] == Decimal("0") and money(w)["cash"] == Decimal("0")
    # Nothing left to carry over; the exchange holds nothing.
    assert "amount" in carry(client, net, rid, 422)["errors"]
    assert _held(client, net, xid) == "0.00"


def test_carry_over_after_a_partial_refund_then_the_exchange_charge_uses_it(app, client, net, xw):
    w = xw
    rid, xid = _converted(client, net, w)
    refund(client, net, w, rid, "50.00")
    # Beyond what is left after the refund: refused naming the amount, nothing changed.
    before, ledgers = row_counts(app), books(w)
    r = carry(client, net, rid, 422, amount="180.00")
    assert "150.00" in r["errors"]["amount"][0]
    assert row_counts(app) == before and books(w) == ledgers
    t = carry(client, net, rid)  # all that is held
    assert t["number"].startswith("JZ-SZ01-") and t["amount"] == "150.00" and t["exchange_order_id"] == xid
    # Two linked rows under the transfer: off the repair, onto the exchange; the customer's money unchanged.
    with w.open() as s:
        rows = s.execute(select(CounterpartyEntry).where(CounterpartyEntry.document_id == uuid.UUID(t["id"]))).scalars().all()
        assert sorted(e.amount for e in rows) == [Decimal("-150.00"), Decimal("150.00")]
        assert {e.document_type for e in rows} == {"repair_deposit_transfer"}
    assert books(w)["money"] == ledgers["money"] and books(w)["cash"] == ledgers["cash"] == Decimal("150.00")
    assert _held(client, net, xid) == "150.00"
    # A second carry-over, and a refund of what moved, refused naming the field.
    assert "order_id" in carry(client, net, rid, 409)["errors"]
    assert "amount" in refund(client, net, w, rid, "10.00", expect=422)["errors"]
    # The exchange: the unit to the factory, the manufacturer's back, pickup with a 100.00 fee.
    xfire(client, net, xid, "dispatch")
    xfire(client, net, xid, "receive_replacement", replacement_imei=imei(202))
    before, ledgers = row_counts(app), books(w)
    r = client.post(f"/api/exchange/orders/{xid}/pickup", json={"signature": SIG, "fee": "100.00"},
                    headers=net.headers("sz01.clerk"))
    assert r.status_code == 422 and "account_id" in r.json["errors"]  # the rest is paid back from a drawer
    assert row_counts(app) == before and books(w) == ledgers
    d = xfire(client, net, xid, "pickup", signature=SIG, fee="100.00", account_id=str(w.ids["SZ01.CASH"]))
    o = d["order"]
    assert (o["state"], o["fee"], o["deposit_applied"], o["deposit_returned"]) == ("completed", "100.00", "100.00", "50.00")
    assert d["deposit_held"] == "0.00"
    m = money(w)
    # Deposit 200 − refund 50 − 50 paid back, nothing more paid in (the fee came out of the deposit).
    assert m["cash"] == Decimal("100.00") and m[("member", "payable")] == Decimal("0")
    assert m[("member", "receivable")] == Decimal("0")
    assert where(w, imei(202)) == ("customer", "")
    # Reversing the pickup puts the deposit back on the exchange order and the books as they were.
    back = reverse(client, net, xid)
    assert back["deposit_held"] == "150.00" and books(w) == ledgers


def test_carry_over_refused_without_a_conversion_or_once_the_customer_has_a_unit(client, net, xw):
    w = xw
    rid = take_in(client, net, w, imei=imei(3), deposit={"amount": "80.00", "account_id": str(w.ids["SZ01.CASH"])})
    assert "exchange_order_id" in carry(client, net, rid["order"]["id"], 409)["errors"]
    rid, xid = _converted(client, net, w)
    xfire(client, net, xid, "convert_to_onsite", replacement_imei=imei(101), signature=SIG,
          account_id=str(w.ids["SZ01.CASH"]))
    assert "exchange_order_id" in carry(client, net, rid, 409)["errors"]
    # Mode C's handover found no deposit on the exchange: the repair still holds it, refundable.
    refund(client, net, w, rid, "200.00")
    books(w)


@pytest.fixture
def worker(app, couch):
    return make_worker(app, couch)


def test_carry_over_through_sync(app, client, net, xw, couch, worker):
    w = xw
    rid, xid = _converted(client, net, w)
    ev = event(net, "sz01.clerk", "repair_deposit_carry_over", order_id=rid, amount="120.00")
    again = event(net, "sz01.clerk", "repair_deposit_carry_over", order_id=rid)
    couch.bulk_docs("sp_sz01", [ev])
    worker.drain()
    couch.bulk_docs("sp_sz01", [again])
    worker.drain()
    publish_all(app, couch)
    status = {r["id"][7:]: r["doc"] for r in couch.all_docs("sp_sz01", include_docs=True) if r["id"].startswith("status:")}
    assert status[ev["_id"]]["state"] == "posted" and status[ev["_id"]]["numbers"]["repair_deposit_transfer"].startswith("JZ-")
    assert status[again["_id"]]["state"] == "rejected" and "order_id" in str(status[again["_id"]])
    assert _held(client, net, xid) == "120.00"
    # What stayed on the repair (80.00) is still refundable there.
    refund(client, net, w, rid, "80.00")
    books(w)
