"""Transfers between organisations (issue 18 §4, spec §8) through the REST API: a point's request (by hand
and from its shortage register), headquarters' approval with changed quantities, the transfer order
issued into transit and received with a shortfall, damage and a surplus, each settled by its rule;
nothing in transit lost or counted twice; internal settlement on both sides; reversal before receipt;
bad input refused naming the field and changing nothing; scoping. Both databases."""

from __future__ import annotations

import os
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select

from server.core.models import AuditLog
from server.finance.models import CounterpartyEntry
from server.stock.ledger import rebuild_check
from server.stock.models import StockSerial, StockLocation
from server.stock.shortages import register_shortage
from server.db import unit_of_work

from .conftest import row_counts
from .stock_fixtures import imei
from .transfer_fixtures import at, at_warehouse, stock_in, tw, world  # noqa: F401

D = "2026-11-21"


def call(client, net, method, path, username, expect=200, **body):
    r = getattr(client, method)(f"/api/transfers{path}", json=body if method in ("post", "patch") else None,
                                headers=net.headers(username))
    assert r.status_code == expect, (path, r.status_code, r.json)
    return r.json


def _order(client, net, tw, lines, username="hq", settle=False, courier=True, **kw):
    body = {"from_warehouse_id": str(tw.ids["HQ.GOOD"]), "to_warehouse_id": str(tw.ids["SZ01.GOOD"]), "doc_date": D,
            "settle": settle, "lines": lines, "waybill": "SF1234", **kw}
    if courier:
        body["courier_party_id"] = str(tw.ids["courier"])
    return call(client, net, "post", "/orders", username, 201, **body)


def _check_ledgers(tw):
    with tw.open() as s:
        assert rebuild_check(s) == []


def test_request_approve_issue_and_receive_with_a_shortfall_and_damage(client, net, tw):
    stock_in(tw, "screen", 10, 400)
    devices = [imei(n) for n in range(3)]
    stock_in(tw, "device", 3, 4000, serials=devices)
    with tw.open("sz01.manager") as s, unit_of_work(s):
        shortage = register_shortage(s, org_id=net.orgs["SZ01"].id, item_id=tw.ids["device"], quantity=Decimal(1),
                                     engineer_id=tw.ids["engineer"], reference="WX-1")
    # The point asks: screens by hand, the devices its repairs wait for from the shortage register.
    req = call(client, net, "post", "/requests", "sz01.manager", 201, warehouse_id=str(tw.ids["SZ01.GOOD"]), doc_date=D,
               lines=[{"item_id": str(tw.ids["screen"]), "quantity": "5"}], shortage_ids=[str(shortage.id)])
    assert req["state"] == "draft" and req["number"] is None and len(req["lines"]) == 2
    assert req["lines"][1]["shortage_id"] == str(shortage.id) and req["lines"][1]["quantity"] == "1.000"
    # The same shortage cannot go on a second open request.
    call(client, net, "post", "/requests", "sz01.manager", 422, warehouse_id=str(tw.ids["SZ01.GOOD"]),
         shortage_ids=[str(shortage.id)])
    req = call(client, net, "post", f"/requests/{req['id']}/submit", "sz01.manager")
    assert req["state"] == "submitted" and req["number"].startswith("SQ-SZ01-")
    # The point cannot approve its own request.
    call(client, net, "post", f"/requests/{req['id']}/approve", "sz01.manager", 403, from_warehouse_id=str(tw.ids["HQ.GOOD"]))
    # Headquarters approves 4 screens instead of 5 and 2 devices instead of 1 (one spare), and issues at once.
    screen_line, device_line = req["lines"]
    order = call(client, net, "post", f"/requests/{req['id']}/approve", "hq", from_warehouse_id=str(tw.ids["HQ.GOOD"]),
                 courier_party_id=str(tw.ids["courier"]), waybill="SF0001", issue=True, doc_date=D,
                 lines=[{"line_id": screen_line["id"], "quantity": "4"},
                        {"line_id": device_line["id"], "quantity": "2", "serials": devices[:2]}])
    assert order["stage"] == "in_transit" and order["number"].startswith("DB-HQ-") and order["request_number"] == req["number"]
    assert order["value"] == "9600.00" and order["to_org_name"] == "SZ01 网点"
    assert call(client, net, "get", f"/requests/{req['id']}", "sz01.manager")["state"] == "approved"
    # In transit: still headquarters' stock at its average, not in its warehouse, not at the point.
    assert at_warehouse(tw, "HQ.GOOD", "screen") == (Decimal(6), Decimal("2400.00"))
    assert at(tw, "transit", "HQ") == (Decimal(6), Decimal("9600.00"))
    transit = call(client, net, "get", "/in-transit", "hq")
    assert [(r["number"], r["days"] >= 0, r["quantity"]) for r in transit["items"]] == [(order["number"], True, "6.000")]
    # The point receives: 3 screens good and 1 short (a claim on the courier); one device good, one
    # damaged into its defective warehouse.
    sl, dl = order["lines"]
    got = call(client, net, "post", f"/orders/{order['id']}/receive", "sz01.manager", 201, doc_date=D, lines=[
        {"line_id": sl["id"], "received": "3", "loss_rule": "courier"},
        {"line_id": dl["id"], "received": "1", "damaged": "1", "serials": [devices[0]], "damaged_serials": [devices[1]],
         "damage_to": "defective"}])
    assert got["number"].startswith("DR-SZ01-") and got["differences"] == 2
    screen_rx, device_rx = got["lines"]
    assert (screen_rx["shortfall"], screen_rx["shortfall_value"], screen_rx["claim_amount"]) == ("1.000", "400.00", "400.00")
    assert (device_rx["received_value"], device_rx["damaged_value"], device_rx["shortfall"]) == ("4000.00", "4000.00", "0.000")
    # Nothing left in transit, nothing counted twice: what left HQ arrived, went to defective or was written off.
    assert at(tw, "transit") == (Decimal(0), Decimal(0))
    assert at_warehouse(tw, "SZ01.GOOD", "screen") == (Decimal(3), Decimal("1200.00"))
    assert at_warehouse(tw, "SZ01.GOOD", "device") == (Decimal(1), Decimal("4000.00"))
    assert at_warehouse(tw, "SZ01.DEF", "device") == (Decimal(1), Decimal("4000.00"))
    assert at(tw, "adjustment", "HQ", "screen") == (Decimal(1), Decimal("400.00"))
    with tw.open() as s:
        where = dict(s.execute(select(StockSerial.serial, StockLocation.warehouse_id)
                               .join(StockLocation, StockLocation.id == StockSerial.location_id)).all())
        assert where[devices[0]] == tw.ids["SZ01.GOOD"] and where[devices[1]] == tw.ids["SZ01.DEF"]
        assert where[devices[2]] == tw.ids["HQ.GOOD"]
        claim = s.execute(select(CounterpartyEntry).where(CounterpartyEntry.party_id == tw.ids["courier"])).scalar_one()
        assert (claim.org_id, claim.direction, claim.amount) == (net.orgs["HQ"].id, "receivable", Decimal("400.00"))
        assert s.execute(select(AuditLog.action).where(AuditLog.action.like("transfer_%"))).scalars().all()
    # The shortage the request picked is ready now that the devices are at the point.
    assert call(client, net, "get", f"/orders/{order['id']}", "sz01.manager")["stage"] == "received"
    assert call(client, net, "get", "/in-transit", "hq")["items"] == []
    # Received once only.
    call(client, net, "post", f"/orders/{order['id']}/receive", "sz01.manager", 409)
    _check_ledgers(tw)
    # The shortage the request picked is ready: its devices are at the point.
    assert call(client, net, "get", f"/requests/{req['id']}", "sz01.manager")["lines"][1]["shortage_id"]
    with tw.open() as s:
        assert s.get(type(shortage), shortage.id).status == "ready"
    # Papers: the request, the order with its packing list, the discrepancy report (both sides may print them).
    for form, doc_id, user in (("transfer-request", req["id"], "sz01.manager"), ("transfer-order", order["id"], "sz01.manager"),
                               ("transfer-discrepancy", got["id"], "hq")):
        html = client.get(f"/api/print/{form}/{doc_id}?format=html", headers=net.headers(user))
        assert html.status_code == 200, (form, html.json)
        assert (req["number"], order["number"], got["number"])[["transfer-request", "transfer-order",
                                                                 "transfer-discrepancy"].index(form)] in html.text
        if os.environ.get("TRANSFER_PDF_DIR"):  # to look at them: TRANSFER_PDF_DIR=/tmp/x pytest …
            pdf = client.get(f"/api/print/{form}/{doc_id}", headers=net.headers(user))
            Path(os.environ["TRANSFER_PDF_DIR"], f"{form}.pdf").write_bytes(pdf.data)
    assert devices[0] in html.text or devices[0] in client.get(
        f"/api/print/transfer-order/{order['id']}?format=html", headers=net.headers("hq")).text
    pdf = client.get(f"/api/print/transfer-discrepancy/{got['id']}", headers=net.headers("sz01.manager"))
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert client.get(f"/api/print/transfer-order/{order['id']}", headers=net.headers("gz01.manager")).status_code == 404


def test_a_surplus_declared_damage_sent_back_and_the_senders_loss(client, net, tw):
    stock_in(tw, "screen", 10, 400)
    stock_in(tw, "battery", 10, 100)
    order = _order(client, net, tw, [{"item_id": str(tw.ids["screen"]), "quantity": "4"},
                                     {"item_id": str(tw.ids["battery"]), "quantity": "5"}], courier=False)
    order = call(client, net, "post", f"/orders/{order['id']}/issue", "hq")
    sl, bl = order["lines"]
    # One screen more than sent (declared), batteries: 3 good, 1 damaged back to headquarters, 1 short (the sender's loss).
    got = call(client, net, "post", f"/orders/{order['id']}/receive", "sz01.manager", 201, lines=[
        {"line_id": sl["id"], "received": "5", "surplus": "1"},
        {"line_id": bl["id"], "received": "3", "damaged": "1", "damage_to": "back", "loss_rule": "sender"}])
    assert got["lines"][0]["surplus_value"] == "400.00" and got["lines"][1]["shortfall"] == "1.000"
    assert at(tw, "transit") == (Decimal(0), Decimal(0))
    assert at_warehouse(tw, "SZ01.GOOD", "screen") == (Decimal(5), Decimal("2000.00"))
    assert at_warehouse(tw, "SZ01.GOOD", "battery") == (Decimal(3), Decimal("300.00"))
    assert at_warehouse(tw, "HQ.DEF", "battery") == (Decimal(1), Decimal("100.00"))
    # The surplus came from headquarters' adjustment (its gain), the shortfall went there (its loss).
    assert at(tw, "adjustment", "HQ", "screen") == (Decimal(-1), Decimal("-400.00"))
    assert at(tw, "adjustment", "HQ", "battery") == (Decimal(1), Decimal("100.00"))
    _check_ledgers(tw)


def test_internal_settlement_posts_the_senders_receivable_and_the_receivers_payable(client, net, tw):
    stock_in(tw, "screen", 10, 400)
    order = _order(client, net, tw, [{"item_id": str(tw.ids["screen"]), "quantity": "4", "transfer_price": "450.00"}],
                   settle=True)
    order = call(client, net, "post", f"/orders/{order['id']}/issue", "hq")
    call(client, net, "post", f"/orders/{order['id']}/receive", "sz01.manager", 201,
         lines=[{"line_id": order["lines"][0]["id"], "received": "3", "loss_rule": "courier"}])
    with tw.open() as s:
        rows = {(e.org_id, e.direction, e.counterparty_kind): e.amount for e in s.execute(select(CounterpartyEntry)).scalars()}
    hq, sz = net.orgs["HQ"].id, net.orgs["SZ01"].id
    assert rows == {(hq, "receivable", "organisation"): Decimal("1350.00"),  # 3 kept × 450
                    (sz, "payable", "organisation"): Decimal("1350.00"),
                    (hq, "receivable", "party"): Decimal("400.00")}  # the lost one at its value, claimed
    # Both sides see it in their own books.
    mine = client.get("/api/finance/counterparty-balances", headers=net.headers("sz01.manager")).json["items"]
    assert [(b["payable"]) for b in mine if b["counterparty_kind"] == "organisation"] == ["1350.00"]
    theirs = client.get("/api/finance/counterparty-balances", headers=net.headers("admin")).json["items"]
    assert any(b["receivable"] == "1350.00" and b["counterparty_kind"] == "organisation" for b in theirs)
    _check_ledgers(tw)


def test_an_issued_order_is_reversed_before_receipt_and_the_goods_come_back_at_their_value(client, net, tw):
    stock_in(tw, "screen", 10, 400)
    order = _order(client, net, tw, [{"item_id": str(tw.ids["screen"]), "quantity": "4"}])
    order = call(client, net, "post", f"/orders/{order['id']}/issue", "hq")
    stock_in(tw, "screen", 2, 700)  # the average moves while the goods travel
    call(client, net, "post", f"/orders/{order['id']}/reverse", "hq", 422, reason="")
    back = call(client, net, "post", f"/orders/{order['id']}/reverse", "hq", reason="发错网点")
    assert back["stage"] == "cancelled" and back["reversal_id"] and back["actions"] == []
    assert at(tw, "transit") == (Decimal(0), Decimal(0))
    assert at_warehouse(tw, "HQ.GOOD", "screen") == (Decimal(12), Decimal("5400.00"))
    call(client, net, "post", f"/orders/{order['id']}/receive", "sz01.manager", 409)
    assert [o["id"] for o in call(client, net, "get", "/orders", "hq")["items"]] == [order["id"]]
    _check_ledgers(tw)


def test_bad_input_is_refused_naming_the_field_and_changes_nothing(app, client, net, tw):
    stock_in(tw, "screen", 3, 400)
    stock_in(tw, "device", 1, 4000, serials=[imei(1)])
    before = row_counts(app)
    r = client.post("/api/transfers/requests", json={"warehouse_id": str(tw.ids["SZ01.GOOD"]),
                    "lines": [{"item_id": str(tw.ids["screen"]), "quantity": "0"}]}, headers=net.headers("sz01.manager"))
    assert r.status_code == 422 and "lines.0.quantity" in r.json["errors"]
    r = client.post("/api/transfers/orders", json={"from_warehouse_id": str(tw.ids["HQ.GOOD"]), "to_warehouse_id": str(tw.ids["SZ01.GOOD"]),
                    "lines": [{"item_id": str(tw.ids["screen"]), "quantity": "-1"}]}, headers=net.headers("hq"))
    assert r.status_code == 422 and "lines.0.quantity" in r.json["errors"]
    assert row_counts(app) == before
    # Issuing more than in stock.
    order = _order(client, net, tw, [{"item_id": str(tw.ids["screen"]), "quantity": "5"}])
    before = row_counts(app)
    r = client.post(f"/api/transfers/orders/{order['id']}/issue", headers=net.headers("hq"))
    assert r.status_code == 409 and "lines.0.quantity" in r.json["errors"]
    assert row_counts(app) == before
    call(client, net, "patch", f"/orders/{order['id']}", "hq", lines=[{"item_id": str(tw.ids["screen"]), "quantity": "2"},
         {"item_id": str(tw.ids["device"]), "quantity": "1", "serials": [imei(1)]}])
    order = call(client, net, "post", f"/orders/{order['id']}/issue", "hq")
    sl, dl = order["lines"]
    before = row_counts(app)
    for lines, field in (
            ([{"line_id": sl["id"], "received": "3"}], "lines.0.received"),  # more than sent, no surplus declared
            ([{"line_id": sl["id"], "received": "1", "surplus": "1"}], "lines.0.surplus"),
            ([{"line_id": dl["id"], "received": "1", "serials": [imei(7)]}], "lines.0.serials"),  # not in the shipment
            ([{"line_id": dl["id"], "received": "0", "damaged": "1", "damaged_serials": [imei(1)], "damage_to": "moon"}],
             "lines.0.damage_to"),
            ([{"line_id": str(tw.ids["screen"]), "received": "1"}], "lines.0.line_id")):
        r = client.post(f"/api/transfers/orders/{order['id']}/receive", json={"lines": lines}, headers=net.headers("sz01.manager"))
        assert r.status_code == 422 and field in r.json["errors"], (lines, r.json)
    assert row_counts(app) == before
    assert at(tw, "transit") == (Decimal(3), Decimal("4800.00"))


def test_a_point_sees_its_own_requests_and_the_orders_to_it_headquarters_all(client, net, tw):
    stock_in(tw, "screen", 10, 400)
    req = call(client, net, "post", "/requests", "sz01.manager", 201, warehouse_id=str(tw.ids["SZ01.GOOD"]),
               lines=[{"item_id": str(tw.ids["screen"]), "quantity": "1"}])
    order = _order(client, net, tw, [{"item_id": str(tw.ids["screen"]), "quantity": "2"}])
    call(client, net, "post", f"/orders/{order['id']}/issue", "hq")
    assert call(client, net, "get", f"/orders/{order['id']}", "sz01.manager")["id"] == order["id"]
    assert call(client, net, "get", "/orders", "sz01.manager")["total"] == 1
    assert call(client, net, "get", "/in-transit", "sz01.manager")["total_quantity"] == "2.000"
    # Another point sees neither, cannot receive, and cannot ask for another point's warehouse.
    call(client, net, "get", f"/requests/{req['id']}", "gz01.manager", 404)
    call(client, net, "get", f"/orders/{order['id']}", "gz01.manager", 404)
    assert call(client, net, "get", "/orders", "gz01.manager")["total"] == 0
    assert call(client, net, "get", "/in-transit", "gz01.manager")["items"] == []
    call(client, net, "post", f"/orders/{order['id']}/receive", "gz01.manager", 404)
    call(client, net, "post", "/requests", "gz01.manager", 422, warehouse_id=str(tw.ids["SZ01.GOOD"]),
         lines=[{"item_id": str(tw.ids["screen"]), "quantity": "1"}])
    # Headquarters sees all; a clerk without transfer.request cannot ask.
    assert call(client, net, "get", "/requests", "hq")["total"] == 1
    call(client, net, "post", "/requests", "sz01.clerk", 403, warehouse_id=str(tw.ids["SZ01.GOOD"]))
    # The sender cannot receive for the point (its user is not the receiver's)… headquarters' staff see all,
    # but a point's warehouse cannot issue from headquarters' warehouse.
    call(client, net, "post", "/orders", "sz01.wh", 422, from_warehouse_id=str(tw.ids["HQ.GOOD"]),
         to_warehouse_id=str(tw.ids["GZ01.GOOD"]), lines=[{"item_id": str(tw.ids["screen"]), "quantity": "1"}])


def test_the_workspace_describes_requests_orders_and_receipts(client, net, tw):
    docs = {e["key"]: e for e in client.get("/api/meta/documents", headers=net.headers("hq")).json["documents"]}
    req, order, rcpt = docs["transfer_request"], docs["transfer_order"], docs["transfer_receipt"]
    assert {e["menu"]["section"] for e in (req, order, rcpt)} == {"trade"}
    assert {a["name"] for a in req["actions"]} == {"approve", "refuse"}  # headquarters decides, never asks
    assert {a["name"] for a in order["actions"]} == {"create", "edit", "delete", "issue", "reverse"}
    assert [p["name"] for p in order["prints"]] == ["transfer-order"] and rcpt["prints"][0]["name"] == "transfer-discrepancy"
    point = {e["key"]: e for e in client.get("/api/meta/documents", headers=net.headers("sz01.manager")).json["documents"]}
    assert {a["name"] for a in point["transfer_request"]["actions"]} == {"create", "edit", "delete", "submit", "cancel"}
    assert {a["name"] for a in point["transfer_order"]["actions"]} == {"receive"}
    # The paths it names answer, and a request's status is what its actions name.
    stock_in(tw, "screen", 5, 400)
    made = client.post(req["path"], json={"warehouse_id": str(tw.ids["SZ01.GOOD"]),
                                          "lines": [{"item_id": str(tw.ids["screen"]), "quantity": "2"}]},
                       headers=net.headers("sz01.manager")).json
    assert made["status"] == "draft" and "submit" in made["actions"]
    listed = client.get(f"{req['path']}?status=draft", headers=net.headers("hq")).json
    assert [r["id"] for r in listed["items"]] == [made["id"]]
    submit = next(a for a in point["transfer_request"]["actions"] if a["name"] == "submit")
    assert client.post(submit["path"].replace("{id}", made["id"]), headers=net.headers("sz01.manager")).status_code == 200
    approve = next(a for a in req["actions"] if a["name"] == "approve")
    assert {f["name"] for f in approve["input"]} >= {"from_warehouse_id", "issue"}
    # Headquarters approves on the PWA's own screen (lines, quantities, serials), a route the PWA has.
    assert approve["page"] == "/transfer/approve/{id}"
    assert "path: 'transfer/approve/:id'" in (Path(__file__).resolve().parent.parent / "pwa/src/router/transfer.js").read_text()
    r = client.post(approve["path"].replace("{id}", made["id"]), json={"from_warehouse_id": str(tw.ids["HQ.GOOD"]), "issue": True},
                    headers=net.headers("hq"))
    assert r.status_code == 200 and r.json["status"] == "posted" and r.json["actions"] == ["reverse"]


def test_an_approval_refused_names_the_approvers_line_and_changes_nothing(app, client, net, tw):
    """Approving with a line dropped (0), a refusal of a later line names that line as the approver
    gave it (not its place among the order's lines); the request still waits, no order is made."""
    stock_in(tw, "screen", 10, 400)
    devices = [imei(n) for n in range(2)]
    stock_in(tw, "device", 2, 4000, serials=devices)
    req = call(client, net, "post", "/requests", "sz01.manager", 201, warehouse_id=str(tw.ids["SZ01.GOOD"]), doc_date=D,
               lines=[{"item_id": str(tw.ids["screen"]), "quantity": "5"}, {"item_id": str(tw.ids["device"]), "quantity": "1"}])
    req = call(client, net, "post", f"/requests/{req['id']}/submit", "sz01.manager")
    screen_line, device_line = req["lines"]
    assert (screen_line["serialized"], device_line["serialized"]) == (False, True)
    before = row_counts(app)
    body = dict(from_warehouse_id=str(tw.ids["HQ.GOOD"]), issue=True, doc_date=D)
    r = call(client, net, "post", f"/requests/{req['id']}/approve", "hq", 422, **body,
             lines=[{"line_id": screen_line["id"], "quantity": "0"},
                    {"line_id": device_line["id"], "quantity": "1", "serials": [imei(7)]}])
    assert list(r["errors"]) == ["lines.1.serials"], r
    r = call(client, net, "post", f"/requests/{req['id']}/approve", "hq", 409, **body,
             lines=[{"line_id": screen_line["id"], "quantity": "0"},
                    {"line_id": device_line["id"], "quantity": "3", "serials": [*devices, imei(7)]}])
    assert list(r["errors"]) in (["lines.1.quantity"], ["lines.1.serials"]), r
    assert row_counts(app) == before
    assert call(client, net, "get", f"/requests/{req['id']}", "hq")["state"] == "submitted"
    # Given right, the order holds the device alone, as approved.
    order = call(client, net, "post", f"/requests/{req['id']}/approve", "hq", **body,
                 lines=[{"line_id": screen_line["id"], "quantity": "0"},
                        {"line_id": device_line["id"], "quantity": "1", "serials": devices[:1]}])
    assert [(l["item_id"], l["quantity"], l["serials"]) for l in order["lines"]] == [(str(tw.ids["device"]), "1.000", devices[:1])]
    got = call(client, net, "get", f"/requests/{req['id']}", "hq")
    assert [l["approved_quantity"] for l in got["lines"]] == ["0.000", "1.000"]
