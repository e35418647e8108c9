"""The exchange packing list (换机装箱单, issue 17 §5) on SQLite and PostgreSQL: a factory box mixing
repair devices and exchange units, by REST and through the sync path. Sending fires each exchange
order's own ``dispatch`` (defective / the customer's unit → in transit), receiving the manufacturer's
unit against the old one fires ``receive_replacement`` (in transit → the manufacturer → good stock,
the receivable settled); bad input is refused naming the field and changes nothing; the ledgers'
rebuild check holds at every step (``books``)."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest

from server.exchange.models import ExchangeOrder
from server.repair.models import RepairPackingList

from .conftest import row_counts
from .exchange_fixtures import books, receivable, where, xw  # noqa: F401
from .repair_fixtures import SIG, rw  # noqa: F401
from .stock_fixtures import imei, world  # noqa: F401
from .sync_support import couch, event, make_worker, publish_all  # noqa: F401
from .test_exchange import fire as xfire
from .test_exchange import intake as xintake
from .test_repair import fire, take_in
from .test_repair_logistics import post

OLD_B = imei(60)


def _mixed(client, net, w):
    """A repair device for the factory (mode C), an on-site exchange whose old unit sits in defective
    stock, and a return-to-factory exchange whose unit is still the customer's."""
    rid = take_in(client, net, w, mode="C")["order"]["id"]
    fire(client, net, rid, "accept", "sz01.clerk")
    a = xintake(client, net, w)["order"]["id"]
    xfire(client, net, a, "hand_over", replacement_imei=imei(101), signature=SIG)
    b = xintake(client, net, w, mode="B", 
                imei=OLD_B, purchase_date=(w.ids["today"] - dt.timedelta(days=5)).isoformat())["order"]["id"]
    return rid, a, b


def _x(client, net, oid):
    return client.get(f"/api/exchange/orders/{oid}", headers=net.headers("sz01.clerk")).json["order"]


def test_a_mixed_box_to_the_factory_and_the_replacements_back(app, client, net, xw):
    w = xw
    maker = str(w.ids["maker"])
    rid, a, b = _mixed(client, net, w)
    pl = post(client, net, "/packing-lists", "sz01.courier", 201, purpose="factory", manufacturer_id=maker,
              carrier="顺丰", tracking_no="SF9", order_ids=[rid], exchange_order_ids=[a])
    lid = pl["packing_list"]["id"]
    assert [(l["kind"], l["imei"]) for l in pl["lines"]] == [("repair", imei(1)), ("exchange", imei(2))]
    # Bad input, each refused naming its field, nothing written.
    before, ledgers = row_counts(app), books(w)
    assert "exchange_order_id" in post(client, net, f"/packing-lists/{lid}/lines", "sz01.courier", 422,
                                       exchange_order_id=str(uuid.uuid4()))["errors"]
    dup = post(client, net, f"/packing-lists/{lid}/lines", "sz01.courier", 422, imei=imei(2))  # scanned again
    assert "line 2" in dup["errors"]["imei"][0]
    fwd = post(client, net, "/packing-lists", "sz01.courier", 422, purpose="factory", manufacturer_id=str(uuid.uuid4()),
               exchange_order_ids=[b])
    assert "manufacturer_id" in fwd["errors"]
    assert row_counts(app) == before and books(w) == ledgers
    # The B unit packed by scanning its IMEI (no open repair order has it: the exchange is found).
    post(client, net, f"/packing-lists/{lid}/lines", "sz01.courier", 201, imei=OLD_B)
    other = post(client, net, "/packing-lists", "sz01.courier", 201, purpose="factory", manufacturer_id=maker)
    busy = post(client, net, f"/packing-lists/{other['packing_list']['id']}/lines", "sz01.courier", 422, exchange_order_id=b)
    assert "already packed" in busy["errors"]["exchange_order_id"][0]
    # Sent: every unit moves with its own machine's event; the exchange units are in transit in the ledger.
    sent = post(client, net, f"/packing-lists/{lid}/send", "sz01.courier")
    assert sent["counts"]["in_transit"] == 3 and sent["packing_list"]["number"].startswith("ZX-SZ01-")
    assert where(w, imei(2)) == ("warehouse", "in_transit") and where(w, OLD_B) == ("warehouse", "in_transit")
    xa, xb = _x(client, net, a), _x(client, net, b)
    assert (xa["state"], xa["unit_at"], xa["carrier"], xa["tracking_no"]) == ("at_factory", "transit", "顺丰", "SF9")
    assert (xb["state"], xb["unit_at"], xb["unit_value"]) == ("at_factory", "transit", "3000.00")
    assert client.get(f"/api/repair/orders/{rid}", headers=net.headers("sz01.clerk")).json["order"]["forwarded_out"]
    books(w)  # rebuild check holds
    # Check-in: bad scans refused naming the field, nothing changed.
    before, ledgers = row_counts(app), books(w)
    rec = f"/packing-lists/{lid}/receive"
    assert "imei" in post(client, net, rec, "sz01.clerk", 422, imei=imei(2), signature=SIG)["errors"]  # the old unit
    assert "replaces_imei" in post(client, net, rec, "sz01.clerk", 422, imei=imei(201), replaces_imei=imei(7))["errors"]
    other_model = post(client, net, rec, "sz01.clerk", 422, imei=imei(2), replaces_imei=imei(2))
    assert "imei" in other_model["errors"]  # the customer's own unit is no replacement
    assert row_counts(app) == before and books(w) == ledgers
    # The repair device back (signed), A's replacement into good stock, B's held for its customer.
    post(client, net, rec, "sz01.clerk", imei=imei(1), signature=SIG)
    post(client, net, rec, "sz01.clerk", imei=imei(201), replaces_imei=imei(2))
    assert receivable(w, w.ids["maker"]) == Decimal("0")
    got = post(client, net, rec, "sz01.clerk", imei=imei(202), replaces_imei=OLD_B)
    assert {l["imei"]: (l["state"], l["replacement_imei"]) for l in got["lines"] if l["kind"] == "exchange"} == {
        imei(2): ("received", imei(201)), OLD_B: ("received", imei(202))}
    xa, xb = _x(client, net, a), _x(client, net, b)
    assert (xa["state"], xa["factory_imei"]) == ("completed", imei(201))
    assert (xb["state"], xb["replacement_imei"]) == ("pending_pickup", imei(202))
    assert where(w, imei(2)) == ("manufacturer", "") and where(w, OLD_B) == ("manufacturer", "")
    assert where(w, imei(201)) == ("warehouse", "good") and where(w, imei(202)) == ("warehouse", "good")
    assert receivable(w, w.ids["maker"]) == Decimal("0")  # what it owed, paid with its units
    again = post(client, net, rec, "sz01.clerk", 409, imei=imei(203), replaces_imei=OLD_B)
    assert "replaces_imei" in again["errors"]
    closed = post(client, net, f"/packing-lists/{lid}/close", "sz01.clerk")
    assert closed["stage"] == "closed" and closed["counts"]["missing"] == 0
    xfire(client, net, b, "pickup", signature=SIG)
    assert where(w, imei(202)) == ("customer", "")
    books(w)
    # The IMEI history shows the box the old unit travelled in.
    hist = client.get(f"/api/repair/imei/{imei(2)}/history", headers=net.headers("sz01.clerk")).json
    assert any(e["kind"] == "repair.packing_sent" for e in hist["entries"])


def test_exchange_units_only_on_factory_lists_of_their_manufacturer(client, net, xw):
    w = xw
    _rid, a, _b = _mixed(client, net, w)
    from server.basedata.kinds import KINDS
    from server.basedata.operations import create_record
    from server.db import unit_of_work

    s = net.session()
    with unit_of_work(s):
        other = create_record(s, KINDS["parties"], {"code": "OPPO-F", "name": "OPPO 厂家", "roles": ["manufacturer"]}).id
    s.close()
    pl = post(client, net, "/packing-lists", "sz01.courier", 201, purpose="factory", manufacturer_id=str(other))
    r = post(client, net, f"/packing-lists/{pl['packing_list']['id']}/lines", "sz01.courier", 422, exchange_order_id=a)
    assert "another manufacturer" in r["errors"]["exchange_order_id"][0]
    # The machine is asked at the box: an on-site exchange not handed over yet may not be sent.
    c = xintake(client, net, w, imei=imei(61), 
                purchase_date=(w.ids["today"] - dt.timedelta(days=2)).isoformat())["order"]["id"]
    pl = post(client, net, "/packing-lists", "sz01.courier", 201, purpose="factory", manufacturer_id=str(w.ids["maker"]))
    r = post(client, net, f"/packing-lists/{pl['packing_list']['id']}/lines", "sz01.courier", 409, exchange_order_id=c)
    assert r["errors"] == {"exchange_order_id": ["state: handed_over_or_factory_mode"]}


@pytest.fixture
def worker(app, couch):
    return make_worker(app, couch)


def test_the_mixed_box_through_sync(app, client, net, xw, couch, worker):
    w = xw
    rid, a, b = _mixed(client, net, w)
    box = event(net, "sz01.courier", "repair_packing_list", purpose="factory", manufacturer_id=str(w.ids["maker"]),
                carrier="京东", order_ids=[rid], exchange_order_ids=[a, b])
    box["order_id"] = box["_id"]
    couch.bulk_docs("sp_sz01", [box])
    worker.drain()
    publish_all(app, couch)
    with w.open() as s:
        pl = s.get(RepairPackingList, uuid.UUID(box["_id"]))
        assert pl.status == "posted" and len(pl.lines) == 3
        assert s.get(ExchangeOrder, uuid.UUID(a)).state == "at_factory"
    back = event(net, "sz01.clerk", "repair_packing_receive", order_id=box["_id"], imei=imei(201), replaces_imei=imei(2))
    bad = event(net, "sz01.clerk", "repair_packing_receive", order_id=box["_id"], imei=imei(202), replaces_imei=imei(8))
    ledgers = books(w)
    couch.bulk_docs("sp_sz01", [bad])
    worker.drain()
    publish_all(app, couch)
    status = {r["id"][7:]: r["doc"] for r in couch.all_docs("sp_sz01", include_docs=True) if r["id"].startswith("status:")}
    assert status[bad["_id"]]["state"] == "rejected" and "replaces_imei" in str(status[bad["_id"]])
    assert books(w) == ledgers
    couch.bulk_docs("sp_sz01", [back])
    worker.drain()
    publish_all(app, couch)
    with w.open() as s:
        order = s.get(ExchangeOrder, uuid.UUID(a))
        assert (order.state, order.factory_imei) == ("completed", imei(201))
    assert where(w, imei(201)) == ("warehouse", "good")
    books(w)
