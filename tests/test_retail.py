"""Retail at the counter (spec §7, issue 18): sales by REST and by sync event (split payments, change,
warranty cards, revenue and cost per line), the offline rule (two tablets sell the last unit: both
keep their money, the late one's stock side waits in the exception list until a receipt posts it),
returns within the window, the cash-up's over/short, refusals that change nothing, scoping, and
replays that post nothing twice. Both databases."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from server.basedata.kinds import KINDS
from server.basedata.models import Item, WarrantyCard
from server.basedata.operations import create_record, today_in
from server.db import unit_of_work
from server.finance.models import CashEntry
from server.ids import uuid7
from server.retail.models import RetailSale, RetailSaleLine, RetailStockException
from server.stock.ledger import rebuild_check
from server.stock.models import StockBalance, StockLocation, StockSerial

from .conftest import row_counts
from .repair_fixtures import rw  # noqa: F401
from .stock_fixtures import World, imei, receipt, world  # noqa: F401
from .sync_support import couch, event, make_worker, publish_all  # noqa: F401

TODAY = today_in("Asia/Shanghai")


@pytest.fixture
def shop(rw: World, net) -> World:
    """SZ01's counter: cash drawer, WeChat Pay, Alipay; a phone at 5999 (three IMEIs in stock) and a
    battery at 199 (two in stock)."""
    w = rw
    s = net.session()
    with unit_of_work(s):
        mk = lambda kind, data: create_record(s, KINDS[kind], data)  # noqa: E731
        for code, name in (("WECHAT", "微信支付"), ("ALIPAY", "支付宝")):
            w.ids[f"SZ01.{code}"] = mk("money-accounts", {"code": code, "name": name, "kind": "bank", "bank_name": name,
                                                          "account_number": f"{code}-01", "org_id": net.orgs["SZ01"].id}).id
        for key, price in (("device", "5999"), ("battery", "199")):
            s.get(Item, w.ids[key]).retail_price = Decimal(price)
    s.close()
    net.add_user("sz01.store", "SZ01", ["warehouse"])
    receipt(w, "device", 3, "4000", serials=[imei(n) for n in (301, 302, 303)])
    receipt(w, "battery", 2, "60")
    return w


def sale_body(w: World, lines=None, payments=None, **kw) -> dict:
    body = {"warehouse_id": str(w.ids["SZ01.GOOD"]),
            "lines": lines or [{"item_id": str(w.ids["device"]), "quantity": "1", "serials": [imei(301)]},
                               {"item_id": str(w.ids["battery"]), "quantity": "1"}],
            "payments": payments or [{"account_id": str(w.ids["SZ01.WECHAT"]), "amount": "5000.00"},
                                     {"account_id": str(w.ids["SZ01.CASH"]), "amount": "1300.00"}]}
    body.update(kw)
    return body


def cash(w: World, account: str) -> Decimal:
    with w.open() as s:
        return s.execute(select(func.coalesce(func.sum(CashEntry.amount), 0))
                         .where(CashEntry.account_id == w.ids[account])).scalar_one()


def on_hand(w: World, item: str, wh: str = "SZ01.GOOD") -> Decimal:
    with w.open() as s:
        return s.execute(select(func.coalesce(func.sum(StockBalance.quantity), 0))
                         .join(StockLocation, StockLocation.id == StockBalance.location_id)
                         .where(StockLocation.warehouse_id == w.ids[wh], StockBalance.item_id == w.ids[item])).scalar_one()


def sale_event(net, w, username="sz01.clerk", device="tab-A", **kw) -> dict:
    body = sale_body(w, **kw)
    for line in body["lines"]:
        line.setdefault("id", str(uuid7()))
    doc = event(net, username, "retail_sale", **body)
    doc["device_id"] = device
    return doc


def status_docs(couch, db="sp_sz01") -> dict[str, dict]:
    return {r["id"][7:]: r["doc"] for r in couch.all_docs(db, include_docs=True) if r["id"].startswith("status:")}


def post_events(app, couch, docs, worker=None) -> dict:
    couch.bulk_docs("sp_sz01", docs)
    (worker or make_worker(app, couch)).drain()
    publish_all(app, couch)
    return status_docs(couch)


def test_rest_sale_split_payment_change_card_revenue_and_cost(app, client, net, shop):
    w = shop
    r = client.post("/api/retail/sales", json=sale_body(w), headers=net.headers("sz01.clerk"))
    assert r.status_code == 201, r.json
    sale = r.json
    assert sale["number"].startswith("LS-SZ01-") and sale["stock_state"] == "posted"
    # 5999 + 199 = 6198, tax inside at 13 %; 6300 tendered, 102 back from the cash.
    assert (sale["total"], sale["tendered"], sale["change"]) == ("6198.00", "6300.00", "102.00")
    assert sale["net_total"] == "5484.96" and sale["tax_total"] == "713.04"  # per line, summed
    assert [(p["account_code"], p["amount"], p["kept"]) for p in sale["payments"]] == [
        ("WECHAT", "5000.00", "5000.00"), ("CASH", "1300.00", "1198.00")]
    phone, battery = sale["lines"]
    assert (phone["net"], phone["cost"], phone["profit"]) == ("5308.85", "4000.00", "1308.85")
    assert (battery["net"], battery["cost"]) == ("176.11", "60.00")
    assert cash(w, "SZ01.WECHAT") == Decimal("5000.00") and cash(w, "SZ01.CASH") == Decimal("1198.00")
    assert on_hand(w, "device") == 2 and on_hand(w, "battery") == 1
    with w.open() as s:
        card = s.execute(select(WarrantyCard).where(WarrantyCard.imei == imei(301))).scalar_one()
        assert (card.sale_date, card.active, card.invoice_number) == (TODAY, True, sale["number"])
        assert rebuild_check(s) == []
    # The receipt's QR code finds the sale.
    from server.printing.qr import retail_token

    found = client.get(f"/api/print/resolve/{retail_token(uuid.UUID(sale['id']))}", headers=net.headers("sz01.clerk"))
    assert found.status_code == 200 and found.json["id"] == sale["id"], found.json
    # The 80 mm receipt prints.
    pdf = client.get(f"/api/print/retail-receipt/{sale['id']}?format=pdf", headers=net.headers("sz01.clerk"))
    assert pdf.status_code == 200 and pdf.data[:4] == b"%PDF"
    # Profit is a query.
    p = client.get(f"/api/retail/profit?date_from={TODAY}&date_to={TODAY}", headers=net.headers("sz01.manager")).json
    assert p["totals"] == {"revenue": "5484.96", "cost": "4060.00", "profit": "1424.96"}


def test_refusals_name_the_field_and_change_nothing(app, client, net, shop):
    w = shop
    h = net.headers("sz01.clerk")
    before = row_counts(app)
    dev = {"item_id": str(w.ids["device"]), "quantity": "1", "serials": [imei(301)]}
    cases = [
        (sale_body(w, lines=[{**dev, "unit_price": "-1"}]), "lines.0.unit_price"),
        (sale_body(w, lines=[{**dev, "unit_price": "5000"}]), "lines.0.unit_price"),  # a clerk: no override
        (sale_body(w, payments=[{"account_id": str(w.ids["SZ01.CASH"]), "amount": "100.00"}]), "payments"),
        (sale_body(w, payments=[{"account_id": str(w.ids["SZ01.WECHAT"]), "amount": "7000.00"}]), "payments"),
        (sale_body(w, lines=[{**dev, "serials": ["SN-OF-A-BATTERY"]}]), None),
        (sale_body(w, lines=[{**dev, "serials": [imei(301), imei(302)]}]), "lines.0.serials"),
        (sale_body(w, payments=[{"account_id": str(w.ids["GZ01.CASH"]), "amount": "7000.00"}]), "payments.0.account_id"),
        (sale_body(w, warehouse_id=str(w.ids["SZ01.DEF"])), "warehouse_id"),
    ]
    # A serial that is another item's is refused (the ledger knows it as the phone's).
    cases[4] = (sale_body(w, lines=[{"item_id": str(w.ids["battery"]), "quantity": "1", "serials": [imei(301)]}]),
                "lines.0.serials")
    for body, field in cases:
        r = client.post("/api/retail/sales", json=body, headers=h)
        assert r.status_code in (403, 409, 422), (field, r.json)
        assert field in r.json["errors"], (field, r.json)
    assert row_counts(app) == before
    # An IMEI the ledger does not know yet is no refusal: the line waits for its receipt.
    r = client.post("/api/retail/sales", json=sale_body(w, lines=[{**dev, "serials": ["999999999999999"]}]), headers=h)
    assert r.status_code == 201 and r.json["stock_state"] == "waiting", r.json
    # The manager may sell at another price.
    r = client.post("/api/retail/sales", json=sale_body(w, lines=[{**dev, "unit_price": "5800"}], payments=[
        {"account_id": str(w.ids["SZ01.CASH"]), "amount": "5800.00"}]), headers=net.headers("sz01.manager"))
    assert r.status_code == 201 and r.json["lines"][0]["list_price"] == "5999.0000", r.json
    # GZ01 sees none of SZ01's sales.
    assert client.get(f"/api/retail/sales/{r.json['id']}", headers=net.headers("gz01.clerk")).status_code == 404
    assert client.get("/api/retail/sales", headers=net.headers("gz01.manager")).json["total"] == 0


def test_return_window_refund_card_and_never_more_than_sold(app, client, net, shop):
    w = shop
    h = net.headers("sz01.clerk")
    sale = client.post("/api/retail/sales", json=sale_body(w), headers=h).json
    phone, battery = sale["lines"]
    before = row_counts(app)
    too_many = {"sale_id": sale["id"], "lines": [{"sale_line_id": battery["id"], "quantity": "2"}]}
    r = client.post("/api/retail/returns", json=too_many, headers=h)
    assert r.status_code == 422 and "lines.0.quantity" in r.json["errors"]
    late = {"sale_id": sale["id"], "doc_date": (TODAY + dt.timedelta(days=8)).isoformat(),
            "lines": [{"sale_line_id": battery["id"], "quantity": "1"}]}
    r = client.post("/api/retail/returns", json=late, headers=h)
    assert r.status_code == 422 and "sale_id" in r.json["errors"]
    wrong_serial = {"sale_id": sale["id"], "lines": [{"sale_line_id": phone["id"], "quantity": "1", "serials": [imei(302)]}]}
    assert client.post("/api/retail/returns", json=wrong_serial, headers=h).status_code == 422
    assert row_counts(app) == before
    # The phone comes back the next day (within the window): refunded in the order paid (WeChat first).
    ret = client.post("/api/retail/returns", json={"sale_id": sale["id"], "reason": "不想要了",
                                                   "doc_date": (TODAY + dt.timedelta(days=1)).isoformat(),
                                                   "lines": [{"sale_line_id": phone["id"], "quantity": "1"}]}, headers=h)
    assert ret.status_code == 201, ret.json
    assert ret.json["number"].startswith("LT-SZ01-") and ret.json["total"] == "5999.00"
    assert [(x["account_code"], x["amount"]) for x in ret.json["refunds"]] == [("WECHAT", "5000.00"), ("CASH", "999.00")]
    assert cash(w, "SZ01.WECHAT") == 0 and cash(w, "SZ01.CASH") == Decimal("199.00")
    assert on_hand(w, "device") == 3
    with w.open() as s:
        assert not s.execute(select(WarrantyCard.active).where(WarrantyCard.imei == imei(301))).scalar_one()
        assert rebuild_check(s) == []
    # Not twice; the battery then takes what is left of the cash.
    again = {"sale_id": sale["id"], "lines": [{"sale_line_id": phone["id"], "quantity": "1"}]}
    assert client.post("/api/retail/returns", json=again, headers=h).status_code == 422
    r = client.post("/api/retail/returns", json={"sale_id": sale["id"], "lines": [
        {"sale_line_id": battery["id"], "quantity": "1"}]}, headers=h)
    assert r.status_code == 201 and cash(w, "SZ01.CASH") == 0
    detail = client.get(f"/api/retail/sales/{sale['id']}", headers=h).json
    assert [x["returnable_quantity"] for x in detail["lines"]] == ["0.000", "0.000"]


def test_two_tablets_sell_the_last_unit_offline_both_keep_their_money(app, client, net, shop, couch):
    w = shop
    bat = str(w.ids["battery"])
    one = lambda amount: [{"account_id": str(w.ids["SZ01.CASH"]), "amount": amount}]  # noqa: E731
    # Two batteries: tablet A sold two, then A and B each sold "the last" one offline.
    first = sale_event(net, w, device="tab-A", lines=[{"item_id": bat, "quantity": "2"}], payments=one("398.00"))
    a = sale_event(net, w, device="tab-A", lines=[{"item_id": bat, "quantity": "1"}], payments=one("199.00"))
    b = sale_event(net, w, username="sz01.clerk2", device="tab-B", lines=[{"item_id": bat, "quantity": "1"}],
                   payments=[{"account_id": str(w.ids["SZ01.ALIPAY"]), "amount": "199.00"}])
    worker = make_worker(app, couch)
    st = post_events(app, couch, [first], worker)
    st = post_events(app, couch, [a, b], worker)
    assert st[a["_id"]]["state"] == "posted" and st[b["_id"]]["state"] == "posted", st
    assert st[a["_id"]]["numbers"]["stock_state"] == "waiting" and st[b["_id"]]["numbers"]["stock_state"] == "waiting"
    # Both keep their money; no stock went negative.
    assert cash(w, "SZ01.CASH") == Decimal("597.00") and cash(w, "SZ01.ALIPAY") == Decimal("199.00")
    assert on_hand(w, "battery") == 0
    exc = client.get("/api/retail/exceptions?state=open", headers=net.headers("sz01.store")).json
    assert exc["total"] == 2 and {e["sale_number"] for e in exc["items"]} == {
        st[a["_id"]]["numbers"]["retail_sale"], st[b["_id"]]["numbers"]["retail_sale"]}
    # By hand while the stock is still not there: refused, nothing changes.
    r = client.post(f"/api/retail/exceptions/{exc['items'][0]['id']}/post", headers=net.headers("sz01.store"))
    assert r.status_code == 409 and "quantity" in r.json["errors"]
    # A receipt of one battery resolves the oldest by itself; the other waits.
    receipt(w, "battery", 1, "66")
    left = client.get("/api/retail/exceptions?state=open", headers=net.headers("sz01.store")).json
    assert left["total"] == 1 and left["items"][0]["sale_number"] == exc["items"][1]["sale_number"]
    assert on_hand(w, "battery") == 0
    done = client.get(f"/api/retail/sales/{exc['items'][0]['sale_id']}", headers=net.headers("sz01.clerk")).json
    assert done["stock_state"] == "posted" and done["lines"][0]["cost"] == "66.00"
    # The other customer brings theirs back before any stock came: the exception shrinks to nothing
    # (no stock moves back), the money goes back to the account paid.
    waiting = client.get(f"/api/retail/sales/{left['items'][0]['sale_id']}", headers=net.headers("sz01.clerk")).json
    r = client.post("/api/retail/returns", json={"sale_id": waiting["id"], "lines": [
        {"sale_line_id": waiting["lines"][0]["id"], "quantity": "1"}]}, headers=net.headers("sz01.clerk"))
    assert r.status_code == 201 and r.json["lines"][0]["cost"] is None, r.json
    assert cash(w, "SZ01.ALIPAY") == 0 and on_hand(w, "battery") == 0
    gone = client.get("/api/retail/exceptions", headers=net.headers("sz01.store")).json["items"]
    assert sorted(e["state"] for e in gone) == ["posted", "returned"]
    with w.open() as s:
        assert rebuild_check(s) == []
        assert s.execute(select(func.count()).select_from(RetailSale).where(RetailSale.stock_state == "waiting")).scalar_one() == 0
    # Replaying the feed posts nothing twice.
    from .sync_support import restart_worker

    worker = restart_worker(app, couch, worker)
    assert worker.drain()["posted"] == 0


def test_sale_events_in_one_batch_card_refusal_and_a_receipt_in_the_same_batch(app, client, net, shop, couch):
    w = shop
    bat = str(w.ids["battery"])
    cash_pay = lambda amount: [{"account_id": str(w.ids["SZ01.CASH"]), "amount": amount}]  # noqa: E731
    ok = sale_event(net, w)  # the phone 301 and a battery, split WeChat + cash with change
    bad = sale_event(net, w, lines=[{"item_id": bat, "quantity": "1", "unit_price": "-5"}], payments=cash_pay("10.00"))
    short = sale_event(net, w, lines=[{"item_id": bat, "quantity": "3"}], payments=cash_pay("597.00"))
    rec = event(net, "sz01.manager", "goods_receipt", kind="purchase", party_id=str(w.ids["supplier"]),
                warehouse_id=str(w.ids["SZ01.GOOD"]),
                lines=[{"id": str(uuid7()), "item_id": bat, "quantity": "5", "unit_cost": "60"}])
    st = post_events(app, couch, [ok, bad, short, rec])
    assert st[ok["_id"]]["state"] == "posted" and st[ok["_id"]]["numbers"]["stock_state"] == "posted"
    assert st[bad["_id"]]["state"] == "rejected" and "lines.0.unit_price" in str(st[bad["_id"]]), st[bad["_id"]]
    assert st[short["_id"]]["state"] == "posted" and st[short["_id"]]["numbers"]["stock_state"] == "waiting"
    # The receipt later in the same batch brought the stock: the waiting line posted with the batch.
    assert client.get("/api/retail/exceptions?state=open", headers=net.headers("sz01.store")).json["total"] == 0
    assert on_hand(w, "battery") == Decimal(3)  # 2 + 5 − 1 − 3
    assert cash(w, "SZ01.CASH") == Decimal("1198.00") + Decimal("597.00")
    with w.open() as s:
        assert s.execute(select(WarrantyCard.sale_date).where(WarrantyCard.imei == imei(301))).scalar_one() == TODAY
        assert rebuild_check(s) == []
        costs = s.execute(select(RetailSaleLine.cost).join(RetailSale).where(RetailSale.id == uuid.UUID(short["_id"]))).scalars().all()
        assert costs == [Decimal("180.00")]
        assert s.execute(select(RetailStockException.resolution)).scalars().all() == ["arrival"]


def test_return_and_cashup_by_events_and_the_difference_posted(app, client, net, shop, couch):
    w = shop
    sale = sale_event(net, w)
    worker = make_worker(app, couch)
    post_events(app, couch, [sale], worker)
    detail = client.get(f"/api/retail/sales/{sale['_id']}", headers=net.headers("sz01.clerk")).json
    ret = event(net, "sz01.clerk", "retail_return", sale_id=sale["_id"],
                lines=[{"sale_line_id": detail["lines"][1]["id"], "quantity": "1"}])
    st = post_events(app, couch, [ret], worker)
    assert st[ret["_id"]]["state"] == "posted" and st[ret["_id"]]["numbers"]["total"] == "199.00", st[ret["_id"]]
    # Expected today: the refund went back in the order paid (WeChat first): WeChat 5000 − 199, cash 1198.
    prev = client.get(f"/api/retail/cashup-preview?warehouse_id={w.ids['SZ01.GOOD']}", headers=net.headers("sz01.clerk")).json
    expected = {x["account_code"]: x["expected"] for x in prev["lines"]}
    assert expected["WECHAT"] == "4801.00" and expected["CASH"] == "1198.00" and prev["closed"] is None
    up = event(net, "sz01.clerk", "retail_cashup", warehouse_id=str(w.ids["SZ01.GOOD"]),
               counted=[{"account_id": str(w.ids["SZ01.WECHAT"]), "amount": "4801.00"},
                        {"account_id": str(w.ids["SZ01.CASH"]), "amount": "1190.00"}])
    missing = event(net, "sz01.clerk", "retail_cashup", warehouse_id=str(w.ids["SZ01.GOOD"]),
                    counted=[{"account_id": str(w.ids["SZ01.CASH"]), "amount": "1198.00"}])
    st = post_events(app, couch, [missing, up], worker)
    assert st[missing["_id"]]["state"] == "rejected" and "counted" in str(st[missing["_id"]])
    assert st[up["_id"]]["state"] == "posted" and st[up["_id"]]["numbers"]["difference"] == "-8.00", st[up["_id"]]
    assert cash(w, "SZ01.CASH") == Decimal("1190.00")
    # One per counter and day.
    r = client.post("/api/retail/cashups", json={"warehouse_id": str(w.ids["SZ01.GOOD"]), "counted": []},
                    headers=net.headers("sz01.clerk"))
    assert r.status_code == 409 and "business_date" in r.json["errors"]
    # The feed replayed from the start: nothing posts twice.
    from .sync_support import restart_worker

    assert restart_worker(app, couch, worker).drain()["posted"] == 0
    assert cash(w, "SZ01.CASH") == Decimal("1190.00")
