"""Exchange orders by REST (spec §2.1), on SQLite and PostgreSQL: modes A–D end to end with the
stock ledger (every unit and hop by serial), the manufacturer's receivable, the customer's fee,
warranty cards and the IMEI history right at every step; every step reversed and done again with
the ledgers as they were; bad input refused naming the field, changing nothing; eligibility at
its day boundaries; permissions and scoping."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from .conftest import row_counts
from .exchange_fixtures import books, card, receivable, where, xw  # noqa: F401
from .repair_fixtures import SIG, rw  # noqa: F401
from .stock_fixtures import imei, world  # noqa: F401

R1, R2, R3 = imei(101), imei(102), imei(103)


def intake(client, net, w, expect=201, username="sz01.clerk", **kw):
    body = {"member_phone": "13800138000", "imei": imei(2), "symptom_ids": [str(w.ids["nopower"])],
            "fault_description": "开机黑屏", "mode": "A"}
    body.update(kw)
    r = client.post("/api/exchange/orders", json=body, headers=net.headers(username))
    assert r.status_code == expect, r.json
    return r.json


def fire(client, net, oid, event, username="sz01.clerk", expect=200, **body):
    r = client.post(f"/api/exchange/orders/{oid}/{event.replace('_', '-')}", json=body, headers=net.headers(username))
    assert r.status_code == expect, r.json
    return r.json


def reverse(client, net, oid, expect=200, username="sz01.manager"):
    r = client.post(f"/api/exchange/orders/{oid}/reverse", json={"reason": "录错了"}, headers=net.headers(username))
    assert r.status_code == expect, r.json
    return r.json


def undone_then_done(client, net, w, oid, event, username="sz01.clerk", **body):
    """Fire, reverse (the ledgers, cards and order as before), fire again."""
    before = books(w)
    state = client.get(f"/api/exchange/orders/{oid}", headers=net.headers(username)).json["order"]
    fire(client, net, oid, event, username, **body)
    back = reverse(client, net, oid)
    assert books(w) == before, event
    assert {k: back["order"][k] for k in ("state", "mode", "unit_at", "replacement_imei", "factory_imei", "fee")} == \
        {k: state[k] for k in ("state", "mode", "unit_at", "replacement_imei", "factory_imei", "fee")}
    return fire(client, net, oid, event, username, **body)


def test_mode_a_on_site_end_to_end_with_reversal_at_every_step(client, net, xw):
    w = xw
    maker = w.ids["maker"]
    start = books(w)
    d = intake(client, net, w)
    order = d["order"]
    oid = order["id"]
    assert order["number"].startswith("HJ-SZ01-") and order["state"] == "pending_exchange"
    assert d["order"]["eligibility"]["exchange"] and d["order"]["eligibility"]["days_since_sale"] == 3
    assert d["order"]["eligibility"]["reasons"][0]["code"] == "within_return_days" and not order["override_reason"]
    assert d["allowed_events"] == ["hand_over", "convert_to_repair"]
    assert books(w) == start  # the unit is still the customer's
    # Handover: the point's unit to the customer (fee paid), the old unit into defective stock at its value.
    d = undone_then_done(client, net, w, oid, "hand_over", replacement_imei=R1, signature=SIG, fee="50.00",
                         account_id=str(w.ids["SZ01.CASH"]))
    assert (d["order"]["state"], d["order"]["unit_at"], d["order"]["unit_value"]) == ("pending_dispatch", "defective", "3000.00")
    assert where(w, R1) == ("customer", "") and where(w, imei(2)) == ("warehouse", "defective")
    assert card(w, imei(2)).active is False and card(w, R1).active and card(w, R1).sale_date == w.ids["today"]
    b = books(w)
    assert b["cash"] == Decimal("50.00")
    # Dispatch: defective → in transit (the old unit scanned as it is packed).
    d = undone_then_done(client, net, w, oid, "dispatch", imei=imei(2), carrier="顺丰", tracking_no="SF1")
    assert (d["order"]["state"], d["order"]["unit_at"]) == ("at_factory", "transit")
    assert where(w, imei(2)) == ("warehouse", "in_transit")
    # The manufacturer has it: its location, and it owes the unit's value.
    d = undone_then_done(client, net, w, oid, "factory_receipt", note="厂家签收")
    assert where(w, imei(2)) == ("manufacturer", "") and receivable(w, maker) == Decimal("3000.00")
    # Its unit arrives into the point's good stock, and pays what it owed.
    d = undone_then_done(client, net, w, oid, "receive_replacement", replacement_imei=imei(201))
    assert d["order"]["state"] == "completed" and d["order"]["factory_imei"] == imei(201)
    assert where(w, imei(201)) == ("warehouse", "good") and receivable(w, maker) == Decimal("0")
    from server.stock.models import StockCost

    with w.open() as s:  # three units in stock, worth what they were
        cost = s.get(StockCost, (net.orgs["SZ01"].id, w.ids["device"]))
        assert (cost.quantity, cost.value) == (Decimal("3"), Decimal("9000.00"))
    # The IMEI history: the old unit leads to the new one and back.
    old = client.get(f"/api/repair/imei/{imei(2)}/history", headers=net.headers("sz01.clerk")).json
    new = client.get(f"/api/repair/imei/{R1}/history", headers=net.headers("sz01.clerk")).json
    assert [(x["role"], x["new_imei"]) for x in old["exchanges"]] == [("old", R1)]
    assert [(x["role"], x["old_imei"]) for x in new["exchanges"]] == [("replacement", imei(2))]
    kinds = [e["kind"] for e in old["entries"]]
    assert kinds.count("exchange.hand_over") == 2 and "exchange.reverse" in kinds and "stock.move" in kinds
    assert any(f"{imei(2)} → {R1}" in e["summary"] for e in new["entries"])


def test_mode_b_return_to_factory_then_signed_pickup(client, net, xw):
    w = xw
    maker = w.ids["maker"]
    oid = intake(client, net, w, mode="B")["order"]["id"]
    fire(client, net, oid, "hand_over", expect=409, replacement_imei=R1, signature=SIG)  # not an on-site exchange
    d = undone_then_done(client, net, w, oid, "dispatch")
    assert d["order"]["unit_at"] == "transit" and d["order"]["unit_value"] == "3000.00"  # the model's average cost
    assert where(w, imei(2)) == ("warehouse", "in_transit")
    # The replacement arrives (the old unit is at the factory by then): held in good stock for the customer.
    d = undone_then_done(client, net, w, oid, "receive_replacement", replacement_imei=imei(202))
    assert (d["order"]["state"], d["order"]["replacement_imei"]) == ("pending_pickup", imei(202))
    assert where(w, imei(2)) == ("manufacturer", "") and where(w, imei(202)) == ("warehouse", "good")
    assert receivable(w, maker) == Decimal("0")
    d = undone_then_done(client, net, w, oid, "pickup", signature=SIG)
    assert d["order"]["state"] == "completed" and where(w, imei(202)) == ("customer", "")
    assert card(w, imei(202)).active and not card(w, imei(2)).active
    # A second pickup is refused by the machine, naming the state; nothing changes.
    before = books(w)
    r = client.post(f"/api/exchange/orders/{oid}/pickup", json={"signature": SIG}, headers=net.headers("sz01.clerk"))
    assert r.status_code == 409 and "state" in r.json["errors"]
    assert books(w) == before


def test_mode_c_b_turned_on_site_after_dispatch_then_the_factory_unit_restocks(client, net, xw):
    w = xw
    oid = intake(client, net, w, mode="B")["order"]["id"]
    fire(client, net, oid, "dispatch")
    d = undone_then_done(client, net, w, oid, "convert_to_onsite", replacement_imei=R2, signature=SIG, reason="客户等不及")
    assert (d["order"]["mode"], d["order"]["state"], d["order"]["unit_at"]) == ("C", "at_factory", "transit")
    assert where(w, R2) == ("customer", "") and card(w, R2).active
    d = undone_then_done(client, net, w, oid, "receive_replacement", replacement_imei=imei(203))
    assert d["order"]["state"] == "completed" and where(w, imei(203)) == ("warehouse", "good")
    assert receivable(w, w.ids["maker"]) == Decimal("0")


def test_mode_c_before_dispatch_and_the_credit_path(client, net, xw):
    w = xw
    oid = intake(client, net, w, mode="B")["order"]["id"]
    d = fire(client, net, oid, "convert_to_onsite", replacement_imei=R3, signature=SIG)
    assert (d["order"]["state"], d["order"]["unit_at"]) == ("pending_dispatch", "defective")
    fire(client, net, oid, "dispatch")
    d = undone_then_done(client, net, w, oid, "credit", note="厂家折价")
    assert d["order"]["state"] == "completed" and where(w, imei(2)) == ("manufacturer", "")
    assert receivable(w, w.ids["maker"]) == Decimal("3000.00")  # finance collects it


def test_mode_d_exchange_converted_to_repair_and_repair_converted_to_exchange_link_both_ways(client, net, xw):
    w = xw
    oid = intake(client, net, w, mode="B")["order"]["id"]
    d = fire(client, net, oid, "convert_to_repair", reason="检测后可修")
    assert (d["order"]["state"], d["order"]["mode"]) == ("converted", "D") and d["links"]["repair"]["number"].startswith("WX-")
    repair = client.get(f"/api/repair/orders/{d['order']['repair_order_id']}", headers=net.headers("sz01.clerk")).json
    assert repair["order"]["exchange_ref"] == d["order"]["number"] and repair["order"]["imei"] == imei(2)
    reverse(client, net, oid, expect=409)  # it continues as the repair
    # Repair → exchange: a real exchange order, linked both ways.
    rid = repair["order"]["id"]
    r = client.post(f"/api/repair/orders/{rid}/convert-to-exchange", json={"reason": "主板无法维修"},
                    headers=net.headers("sz01.manager"))
    assert r.status_code == 200, r.json
    number = r.json["order"]["exchange_ref"]
    ex = client.get("/api/exchange/orders", query_string={"q": number}, headers=net.headers("sz01.clerk")).json["items"]
    assert len(ex) == 1 and ex[0]["from_repair_order_id"] == rid and ex[0]["mode"] == "B"
    assert "主板无法维修" in ex[0]["override_reason"] or ex[0]["eligibility"]["exchange"]


def test_bad_input_is_refused_naming_the_field_and_changes_nothing(app, client, net, xw):
    w = xw
    oid = intake(client, net, w)["order"]["id"]
    before, rows = books(w), row_counts(app)
    cases = [
        ({"replacement_imei": imei(999), "signature": SIG}, "replacement_imei"),  # a unit not in stock
        ({"replacement_imei": imei(2), "signature": SIG}, "replacement_imei"),  # the customer's own
        ({"replacement_imei": R1, "signature": SIG, "fee": "10.00"}, "account_id"),
        ({"replacement_imei": R1, "signature": "not a signature"}, "signature"),
    ]
    for body, field in cases:
        r = client.post(f"/api/exchange/orders/{oid}/hand-over", json=body, headers=net.headers("sz01.clerk"))
        assert r.status_code in (409, 422) and field in r.json["errors"], (body, r.json)
    assert books(w) == before and row_counts(app) == rows
    # A replacement of another model.
    from .stock_fixtures import receipt

    receipt(w, "other_device", 1, "2000", serials=[imei(301)])
    before = books(w)
    r = client.post(f"/api/exchange/orders/{oid}/hand-over", json={"replacement_imei": imei(301), "signature": SIG},
                    headers=net.headers("sz01.clerk"))
    assert r.status_code == 422 and "same model" in r.json["errors"]["replacement_imei"][0]
    assert books(w) == before
    fire(client, net, oid, "hand_over", replacement_imei=R1, signature=SIG)
    # An IMEI that is not the order's, scanned at dispatch.
    before = books(w)
    r = client.post(f"/api/exchange/orders/{oid}/dispatch", json={"imei": imei(7)}, headers=net.headers("sz01.clerk"))
    assert r.status_code == 422 and "imei" in r.json["errors"] and books(w) == before
    # A second intake of the same device while this order is open.
    r = client.post("/api/exchange/orders", json={"member_phone": "13800138000", "imei": imei(2),
                                                  "symptom_ids": [str(w.ids["nopower"])]}, headers=net.headers("sz01.clerk"))
    assert r.status_code == 422 and "HJ-SZ01-" in r.json["errors"]["imei"][0]


@pytest.mark.parametrize("days,allowed", [(7, True), (8, True), (15, True), (16, False)])
def test_intake_eligibility_at_the_day_boundaries(client, net, xw, days, allowed):
    from server.basedata.kinds import KINDS
    from server.basedata.operations import create_record
    from server.db import unit_of_work

    w = xw
    s = net.session()
    with unit_of_work(s):
        create_record(s, KINDS["warranty-cards"], {"imei": imei(50), "model_id": w.ids["model"], "buyer_name": "李雷",
                                                   "sale_date": w.ids["today"] - dt.timedelta(days=days)})
    s.close()
    body = {"customer_name": "李雷", "customer_phone": "13900000000", "imei": imei(50),
            "symptom_ids": [str(w.ids["nopower"])], "mode": "B"}
    r = client.post("/api/exchange/orders", json=body, headers=net.headers("sz01.clerk"))
    if allowed:
        assert r.status_code == 201, r.json
        assert r.json["order"]["eligibility"]["reasons"][0]["code"] == ("within_return_days" if days <= 7 else "within_exchange_days")
        return
    assert r.status_code == 422 and "override_reason" in r.json["errors"]
    body["override_reason"] = "店长特批"
    r = client.post("/api/exchange/orders", json=body, headers=net.headers("sz01.clerk"))
    assert r.status_code == 403 and "override_reason" in r.json["errors"]  # a clerk may not override
    r = client.post("/api/exchange/orders", json=body, headers=net.headers("sz01.manager"))
    assert r.status_code == 201 and r.json["order"]["override_reason"] == "店长特批"
    check = client.post("/api/exchange/eligibility", json={"imei": imei(50), "symptom_ids": [str(w.ids["nopower"])]},
                        headers=net.headers("sz01.clerk")).json
    assert check["options"] == ["repair"] and check["days_since_sale"] == days


def test_permissions_scoping_and_the_exported_machine(client, net, xw):
    w = xw
    oid = intake(client, net, w)["order"]["id"]
    assert client.get(f"/api/exchange/orders/{oid}", headers=net.headers("gz01.clerk")).status_code == 404
    assert client.get("/api/exchange/orders", headers=net.headers("gz01.clerk")).json["total"] == 0
    assert client.get("/api/exchange/orders", headers=net.headers("hq")).json["total"] == 1
    reverse(client, net, oid, expect=403, username="sz01.clerk")
    r = client.post(f"/api/exchange/orders/{oid}/hand-over", json={"replacement_imei": R1, "signature": SIG},
                    headers=net.headers("sz01.engineer"))
    assert r.status_code == 403
    machine = client.get("/api/exchange/state-machine", headers=net.headers("sz01.clerk")).json
    assert [s["name"] for s in machine["states"]][:2] == ["pending_exchange", "pending_dispatch"]
    # Cancelling by reversing the intake.
    d = reverse(client, net, oid)
    assert d["order"]["state"] == "cancelled" and d["allowed_events"] == []
    r = client.put("/api/exchange/rules", json={"brand_id": None, "return_days": 5, "exchange_days": 12},
                   headers=net.headers("hq"))
    assert r.status_code == 200 and r.json["return_days"] == 5
    assert client.put("/api/exchange/rules", json={"return_days": 5}, headers=net.headers("sz01.manager")).status_code == 403


def test_the_workspace_describes_exchange_orders(client, net, xw):
    intake(client, net, xw)
    docs = client.get("/api/meta/documents", headers=net.headers("sz01.clerk")).json["documents"]
    [entry] = [d for d in docs if d["key"] == "exchange-orders"]
    assert entry["path"] == "/api/exchange/orders" and entry["read"] == "/api/exchange/orders/{id}"
    # The read answer carries the document under `record`, with every header field and its id (the page
    # reads fields and prints by it).
    listed = client.get(entry["path"], headers=net.headers("sz01.clerk")).json["items"][0]
    answer = client.get(entry["read"].replace("{id}", listed["id"]), headers=net.headers("sz01.clerk")).json
    record = answer[entry["record"]]
    assert record["id"] == listed["id"] and {f["name"] for f in entry["fields"]} <= set(record)
    assert entry["menu"]["section"] == "counter" and entry["number_prefix"] == "HJ"
    assert [c["name"] for c in entry["list"]["columns"]][:3] == ["number", "doc_date", "state"]
    assert {c["value"] for c in next(f for f in entry["list"]["filters"] if f["name"] == "state")["choices"]} >= {
        "pending_exchange", "completed"}
    hq = client.get("/api/meta/documents", headers=net.headers("hq")).json["documents"]
    assert any(c["name"] == "org_id" for c in next(d for d in hq if d["key"] == "exchange-orders")["list"]["columns"])
    engineer = client.get("/api/meta/documents", headers=net.headers("sz01.engineer")).json["documents"]
    assert not any(d["key"] == "exchange-orders" for d in engineer)  # no exchange.view
