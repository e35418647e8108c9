"""Repair beyond the single counter, through the REST API on SQLite and PostgreSQL: packing lists
(§1.9), mode B forwarding shared with the higher-level point, loaner slips (§1.10), distributor
batches (§1.12) and comebacks."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from sqlalchemy import select, update

from server.basedata.kinds import KINDS
from server.basedata.operations import create_record, today_in
from server.db import unit_of_work
from server.repair.models import RepairLoaner, RepairOrder
from server.stock.models import StockSerial, StockLocation

from .conftest import row_counts
from .repair_fixtures import SIG, intake_body, money, rw  # noqa: F401
from .stock_fixtures import imei, receipt, world  # noqa: F401
from .test_repair import fire, get, take_in


def post(client, net, path, username, expect=200, **body):
    r = client.post(f"/api/repair{path}", json=body, headers=net.headers(username))
    assert r.status_code == expect, (path, r.status_code, r.json)
    return r.json


# -- packing list, mode C ------------------------------------------------------------------------

def test_factory_packing_list_sends_checks_in_and_flags_missing_and_unexpected(client, net, rw, app):
    a = take_in(client, net, rw, mode="C")["order"]["id"]
    b = take_in(client, net, rw, imei=imei(2), mode="C")["order"]["id"]
    for oid in (a, b):
        fire(client, net, oid, "accept", "sz01.clerk")
    pl = post(client, net, "/packing-lists", "sz01.courier", 201, purpose="factory", manufacturer_id=str(rw.ids["maker"]),
              carrier="顺丰", tracking_no="SF123", order_ids=[a])
    lid = pl["packing_list"]["id"]
    # The same device twice, by order and by scan: refused naming the line, nothing added.
    before = row_counts(app)
    dup = post(client, net, f"/packing-lists/{lid}/lines", "sz01.courier", 422, imei=imei(1))
    assert "line 1" in dup["errors"]["imei"][0]
    assert row_counts(app) == before
    post(client, net, f"/packing-lists/{lid}/lines", "sz01.courier", 201, order_id=b)
    # Another list cannot take a device already packed.
    other = post(client, net, "/packing-lists", "sz01.courier", 201, purpose="factory", manufacturer_id=str(rw.ids["maker"]))
    busy = post(client, net, f"/packing-lists/{other['packing_list']['id']}/lines", "sz01.courier", 422, order_id=a)
    assert "already packed" in busy["errors"]["order_id"][0]
    sent = post(client, net, f"/packing-lists/{lid}/send", "sz01.courier")
    assert sent["packing_list"]["number"].startswith("ZX-SZ01-") and sent["counts"]["in_transit"] == 2
    order = get(client, net, a)
    assert order["order"]["forwarded_out"] and order["order"]["mode"] == "C"
    assert fire(client, net, a, "start_repair", "sz01.engineer", expect=409)["errors"] == {"state": ["device_at_point"]}
    away = client.get("/api/repair/in-transit", headers=net.headers("sz01.clerk")).json["items"]
    assert {(i["number"], i["to"], i["packing_list"]) for i in away} == {
        (get(client, net, x)["order"]["number"], "factory", sent["packing_list"]["number"]) for x in (a, b)}
    # Check-in: one device back, one stranger in the box, then close: the other is missing.
    got = post(client, net, f"/packing-lists/{lid}/receive", "sz01.clerk", imei=imei(1), signature=SIG)
    assert [l["state"] for l in got["lines"]] == ["received", "in_transit"]
    again = post(client, net, f"/packing-lists/{lid}/receive", "sz01.clerk", 409, imei=imei(1), signature=SIG)
    assert "already checked in" in again["message"]
    stranger = post(client, net, f"/packing-lists/{lid}/receive", "sz01.clerk", imei=imei(9))
    assert stranger["lines"][-1] == {**stranger["lines"][-1], "imei": imei(9), "state": "unexpected", "order_id": None}
    closed = post(client, net, f"/packing-lists/{lid}/close", "sz01.clerk")
    assert closed["stage"] == "closed" and closed["counts"] == {"packed": 0, "in_transit": 0, "received": 1,
                                                                 "missing": 1, "unexpected": 1}
    assert post(client, net, f"/packing-lists/{lid}/receive", "sz01.clerk", 409, imei=imei(2), signature=SIG)
    back = get(client, net, a)
    assert not back["order"]["forwarded_out"] and back["current_holder"] == "sz01.clerk"
    assert get(client, net, b)["order"]["forwarded_out"]  # still away: flagged missing
    hist = client.get(f"/api/repair/imei/{imei(1)}/history", headers=net.headers("sz01.clerk")).json
    kinds = [e["kind"] for e in hist["entries"]]
    assert kinds.index("repair.packing_sent") < kinds.index("repair.packing_received")
    missing = client.get(f"/api/repair/imei/{imei(2)}/history", headers=net.headers("sz01.clerk")).json
    assert "repair.packing_missing" in [e["kind"] for e in missing["entries"]]


# -- mode B: forwarded to the higher-level point and back ----------------------------------------

def _sz02(net, rw):
    for name, roles in (("sz02.clerk", ["clerk"]), ("sz02.courier", ["courier"])):
        net.add_user(name, "SZ02", roles)
    net.add_user("sz01.courier2", "SZ01", ["courier"])


def test_mode_b_order_is_worked_at_the_higher_point_and_comes_back(client, net, rw):
    _sz02(net, rw)
    oid = take_in(client, net, rw, "sz02.clerk", mode="B")["order"]["id"]
    fire(client, net, oid, "accept", "sz02.clerk")
    # Before it is forwarded the higher-level point does not see it, nor does anyone else.
    assert client.get(f"/api/repair/orders/{oid}", headers=net.headers("sz01.engineer")).status_code == 404
    pl = post(client, net, "/packing-lists", "sz02.courier", 201, purpose="forward", order_ids=[oid])
    assert pl["packing_list"]["destination_org_id"] == str(net.orgs["SZ01"].id)
    lid = post(client, net, f"/packing-lists/{pl['packing_list']['id']}/send", "sz02.courier")["packing_list"]["id"]
    # Now SZ01 sees the order (and its earlier history) and the list; GZ01 still does not.
    seen = get(client, net, oid, "sz01.engineer")
    assert [t["event"] for t in seen["transitions"]] == ["intake", "accept", "forward"]
    assert client.get(f"/api/repair/orders/{oid}", headers=net.headers("gz01.clerk")).status_code == 404
    assert client.get("/api/repair/orders", headers=net.headers("sz01.engineer")).json["total"] == 1
    # Only the receiving point checks the box in.
    assert post(client, net, f"/packing-lists/{lid}/receive", "sz02.clerk", 403, imei=imei(1), signature=SIG)
    post(client, net, f"/packing-lists/{lid}/receive", "sz01.courier", imei=imei(1), signature=SIG)
    post(client, net, f"/packing-lists/{lid}/close", "sz01.courier")
    at_sz01 = get(client, net, oid, "sz01.engineer")
    assert at_sz01["order"]["custody_org_id"] == str(net.orgs["SZ01"].id) and at_sz01["current_holder"] == "sz01.courier"
    # The owner cannot work a device that is not there; the higher point can.
    assert fire(client, net, oid, "return_unrepaired", "sz02.clerk", expect=409, reason="x")["errors"] == {"state": ["device_here"]}
    fire(client, net, oid, "start_repair", "sz01.engineer")
    fire(client, net, oid, "finish_repair", "sz01.engineer", repair_level_id=str(rw.ids["level"]))
    fire(client, net, oid, "qc_pass", "sz01.qc")
    refused = fire(client, net, oid, "pickup", "sz01.manager", expect=409, signature=SIG)
    assert refused["errors"] == {"state": ["device_at_owner"]}
    back = post(client, net, "/packing-lists", "sz01.courier", 201, purpose="return",
                destination_org_id=str(net.orgs["SZ02"].id), order_ids=[oid])
    back_id = post(client, net, f"/packing-lists/{back['packing_list']['id']}/send", "sz01.courier")["packing_list"]["id"]
    in_transit = client.get("/api/repair/in-transit", headers=net.headers("sz02.clerk")).json["items"]
    assert [(i["from"], i["to"]) for i in in_transit] == [("SZ01", "SZ02")]
    post(client, net, f"/packing-lists/{back_id}/receive", "sz02.clerk", imei=imei(1), signature=SIG)
    done = fire(client, net, oid, "pickup", "sz02.clerk", signature=SIG)
    assert done["order"]["state"] == "completed"
    legs = [(h["from_user"], h["to_user"]) for h in done["handovers"]]
    assert legs == [("sz02.clerk", "sz01.courier"), ("sz01.courier", "sz02.clerk")]
    events = [t["event"] for t in done["transitions"]]
    assert events == ["intake", "accept", "forward", "forward_receive", "start_repair", "finish_repair", "qc_pass",
                      "send_back", "forward_return", "pickup"]
    # The higher point's audit rows are its own; the manufacturer claim is in the owner's books.
    assert money(rw, "repair_settlement")[("party", "receivable")] == Decimal("50.00")


# -- loaner slip -----------------------------------------------------------------------------------

def _loaner_stock(net, rw):
    s = net.session()
    with unit_of_work(s):
        for org, kind in (("SZ01", "loaner"), ("SZ01", "defective")):
            if kind == "loaner":
                rw.ids["SZ01.LOAN"] = create_record(s, KINDS["warehouses"], {
                    "code": "LOAN", "name": "SZ01 备机仓", "kind": "loaner", "org_id": net.orgs[org].id}).id
    s.close()
    receipt(rw, "device", 1, "3000", wh="SZ01.LOAN", serials=[imei(50)])


def test_loaner_lent_against_an_order_overdue_and_returned_damaged(client, net, rw, app):
    _loaner_stock(net, rw)
    oid = take_in(client, net, rw)["order"]["id"]
    today = today_in("Asia/Shanghai")
    body = {"item_id": str(rw.ids["device"]), "serial": imei(50), "due_date": (today + dt.timedelta(days=7)).isoformat(),
            "deposit": "500.00", "account_id": str(rw.ids["SZ01.CASH"])}
    before = row_counts(app)
    for change, field in (({"serial": imei(51)}, "serial"), ({"item_id": str(rw.ids["screen"])}, "item_id"),
                          ({"warehouse_id": str(rw.ids["SZ01.GOOD"])}, "warehouse_id"),
                          ({"due_date": "2020-01-01"}, "due_date"), ({"account_id": None}, "account_id")):
        bad = {k: v for k, v in {**body, **change}.items() if v is not None}
        assert field in post(client, net, f"/orders/{oid}/loaners", "sz01.clerk", 422, **bad)["errors"]
    assert row_counts(app) == before
    loaner = post(client, net, f"/orders/{oid}/loaners", "sz01.clerk", 201, **body)
    assert loaner["number"].startswith("BJ-SZ01-") and loaner["value"] == "3000.00"
    assert "serial" in post(client, net, f"/orders/{oid}/loaners", "sz01.clerk", 422, **body)["errors"]
    with rw.open() as s:
        loc = s.execute(select(StockLocation.kind).join(StockSerial, StockSerial.location_id == StockLocation.id)
                        .where(StockSerial.serial == imei(50))).scalar_one()
        assert loc == "customer"
    assert money(rw, "repair_loaner") == {("member", "payable"): Decimal("500.00"), "cash": Decimal("500.00")}
    h = net.headers("sz01.clerk")
    assert client.get("/api/repair/loaners?overdue=true", headers=h).json["total"] == 0
    with rw.open() as s, unit_of_work(s):
        s.execute(update(RepairLoaner).values(due_date=today - dt.timedelta(days=3)))
    overdue = client.get("/api/repair/loaners?overdue=true", headers=h).json
    assert [i["serial"] for i in overdue["items"]] == [imei(50)]
    assert "damage_charge" in post(client, net, f"/loaners/{loaner['id']}/return", "sz01.clerk", 422,
                                   condition="good", damage_charge="10.00")["errors"]
    assert "damage_charge" in post(client, net, f"/loaners/{loaner['id']}/return", "sz01.clerk", 422,
                                   condition="damaged", damage_charge="600.00")["errors"]
    back = post(client, net, f"/loaners/{loaner['id']}/return", "sz01.clerk", condition="damaged", damage_charge="120.00",
                note="屏幕划伤")
    assert back["return_condition"] == "damaged" and back["return_warehouse_id"] == str(rw.ids["SZ01.DEF"])
    assert post(client, net, f"/loaners/{loaner['id']}/return", "sz01.clerk", 409, condition="good")
    ret = money(rw, "repair_loaner_return")
    assert ret[("member", "payable")] == Decimal("-500.00") and ret[("member", "receivable")] == Decimal("0")
    assert ret["cash"] == Decimal("-380.00")
    with rw.open() as s:
        at = s.execute(select(StockSerial.location_id).where(StockSerial.serial == imei(50))).scalar_one()
        assert s.get(StockLocation, at).warehouse_id == rw.ids["SZ01.DEF"]
    assert client.get("/api/repair/loaners?out=true", headers=h).json["total"] == 0
    for number in (imei(1), imei(50)):
        hist = client.get(f"/api/repair/imei/{number}/history", headers=h).json
        kinds = [e["kind"] for e in hist["entries"]]
        assert kinds.index("repair.loaner_lent") < kinds.index("repair.loaner_returned"), number


# -- batch acceptance, repair, pickup -----------------------------------------------------------

def test_distributor_batch_in_repaired_and_picked_up_on_one_account(client, net, rw, app):
    batch = post(client, net, "/batches", "sz01.clerk", 201, party_id=str(rw.ids["dealer"]), contact_phone="13912345678")
    bid = batch["batch"]["id"]
    device = {"symptom_ids": [str(rw.ids["nopower"])], "fault_description": "批量不开机"}
    for n in (11, 12):
        post(client, net, f"/batches/{bid}/devices", "sz01.clerk", 201, imei=imei(n), **device)
    before = row_counts(app)
    dup = post(client, net, f"/batches/{bid}/devices", "sz01.clerk", 422, imei=imei(11), **device)
    assert "line 1" in dup["errors"]["imei"][0]
    assert row_counts(app) == before
    assert post(client, net, f"/batches/{bid}/events", "sz01.clerk", 409, event="accept")["errors"] == {"status": ["draft"]}
    closed = post(client, net, f"/batches/{bid}/close", "sz01.clerk")
    assert closed["batch"]["number"].startswith("PL-SZ01-") and [o["line"] for o in closed["orders"]] == [1, 2]
    assert post(client, net, f"/batches/{bid}/devices", "sz01.clerk", 409, imei=imei(13), **device)
    ids = [o["id"] for o in closed["orders"]]
    # No warranty card: chargeable. Quoted and accepted per device, then repaired as a batch.
    for oid in ids:
        q = post(client, net, f"/orders/{oid}/quotations", "sz01.clerk", 201,
                 lines=[{"kind": "labour", "repair_level_id": str(rw.ids["level"])}])
        post(client, net, f"/orders/{oid}/quotations/{q['id']}/decision", "sz01.clerk", accepted=True, signature=SIG)
    post(client, net, f"/batches/{bid}/events", "sz01.clerk", event="accept")
    post(client, net, f"/batches/{bid}/events", "sz01.engineer", 403, event="start_repair")  # needs repair.batch
    post(client, net, f"/batches/{bid}/events", "sz01.manager", event="start_repair", engineer_id=str(rw.ids["engineer"]))
    post(client, net, f"/batches/{bid}/events", "sz01.manager", event="finish_repair", repair_level_id=str(rw.ids["level"]))
    # All or nothing: one device refused stops the batch, naming its line.
    fire(client, net, ids[1], "qc_fail", "sz01.qc", reason="复检")
    before = row_counts(app)
    refused = post(client, net, f"/batches/{bid}/events", "sz01.manager", 409, event="qc_pass")
    assert list(refused["errors"]) == ["orders.1"] and "line 2" in refused["message"]
    assert row_counts(app) == before
    fire(client, net, ids[1], "finish_repair", "sz01.engineer", repair_level_id=str(rw.ids["level"]))
    post(client, net, f"/batches/{bid}/events", "sz01.manager", event="qc_pass")
    # One device alone is not picked up, nor does it take deposits: the batch is one account.
    assert fire(client, net, ids[0], "pickup", "sz01.clerk", expect=409, signature=SIG)["errors"] == {
        "batch_id": ["settled with the batch"]}
    done = post(client, net, f"/batches/{bid}/pickup", "sz01.clerk", signature=SIG)
    assert done["batch"]["bill_total"] == "160.00" and {o["state"] for o in done["orders"]} == {"completed"}
    assert money(rw, "repair_batch") == {("party", "receivable"): Decimal("160.00"), "cash": Decimal("0")}
    assert post(client, net, f"/batches/{bid}/pickup", "sz01.clerk", 409, signature=SIG)
    listed = client.get(f"/api/repair/orders?batch_id={bid}", headers=net.headers("sz01.clerk")).json
    assert listed["total"] == 2 and {o["customer_name"] for o in listed["items"]} == {"迅捷通讯"}


# -- comebacks ------------------------------------------------------------------------------------

def test_comebacks_count_against_the_engineer_and_fault_code(client, net, rw):
    first = take_in(client, net, rw)["order"]["id"]
    fire(client, net, first, "accept", "sz01.clerk")
    fire(client, net, first, "start_repair", "sz01.engineer")
    fire(client, net, first, "finish_repair", "sz01.engineer", repair_level_id=str(rw.ids["level"]))
    fire(client, net, first, "qc_pass", "sz01.qc")
    fire(client, net, first, "pickup", "sz01.clerk", signature=SIG)
    other = take_in(client, net, rw, imei=imei(3))["order"]["id"]
    fire(client, net, other, "return_unrepaired", "sz01.clerk", reason="客户取回")
    fire(client, net, other, "pickup", "sz01.clerk", signature=SIG)
    second = take_in(client, net, rw)["order"]
    assert second["comeback_of_id"] == first
    r = client.get("/api/repair/comebacks", headers=net.headers("sz01.manager")).json
    assert [(i["number"], i["comeback_number"], i["fault_codes"]) for i in r["items"]] == [
        (get(client, net, first)["order"]["number"], second["number"], ["F01"])]
    assert r["by_engineer"][0] | {} == {**r["by_engineer"][0], "code": "E1", "repairs": 1, "comebacks": 1, "rate": 1.0}
    assert r["by_fault"][0]["code"] == "F01" and r["by_fault"][0]["comebacks"] == 1
    listed = client.get("/api/repair/orders?comebacks=true", headers=net.headers("sz01.clerk")).json
    assert [o["id"] for o in listed["items"]] == [second["id"]]
    assert client.get("/api/repair/comebacks", headers=net.headers("gz01.manager")).json["items"] == []
