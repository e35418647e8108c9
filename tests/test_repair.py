"""Repair orders (spec §1) through the REST API, on SQLite and PostgreSQL: intake, the seven
states and their guards, quotation, deposit, parts, pickup settlement, refunds, handovers,
scoping, permissions, IMEI history."""

from __future__ import annotations

import dataclasses
import json
import re
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from server.core.models import AuditLog
from server.repair import operations as ops
from server.repair import statemachine as sm
from server.repair.models import RepairOrder, RepairTransition
from server.stock.models import StockDocument

from .conftest import row_counts
from .print_support import embedded_images, images
from .repair_fixtures import SIG, intake_body, money, rw, stock_engineer  # noqa: F401
from .stock_fixtures import imei, world  # noqa: F401


def take_in(client, net, w, username="sz01.clerk", **kw):
    r = client.post("/api/repair/orders", json=intake_body(w, **kw), headers=net.headers(username))
    assert r.status_code == 201, r.json
    return r.json


def fire(client, net, order_id, event, username, expect=200, **body):
    r = client.post(f"/api/repair/orders/{order_id}/{event.replace('_', '-')}", json=body, headers=net.headers(username))
    assert r.status_code == expect, (event, r.status_code, r.json)
    return r.json


def get(client, net, order_id, username="sz01.clerk"):
    r = client.get(f"/api/repair/orders/{order_id}", headers=net.headers(username))
    assert r.status_code == 200, r.json
    return r.json


# -- the machine, without a database --------------------------------------------------------

def test_the_machine_is_one_definition_with_real_guards():
    f = sm.Facts(chargeable=True)
    with pytest.raises(Exception) as err:
        sm.check(sm.PENDING_REPAIR, "start_repair", f)
    assert "accepted quotation" in err.value.message and err.value.errors == {"state": ["quotation_accepted_if_chargeable"]}
    assert sm.check(sm.PENDING_REPAIR, "start_repair", dataclasses.replace(f, quotation="accepted")) == sm.PENDING_REPAIR
    with pytest.raises(Exception, match="quality check"):
        sm.check(sm.PENDING_PICKUP, "pickup", sm.Facts())
    assert sm.check(sm.PENDING_PICKUP, "pickup", sm.Facts(unrepaired=True)) == sm.COMPLETED
    assert sm.check(sm.PENDING_QC, "qc_fail", sm.Facts()) == sm.PENDING_REPAIR
    with pytest.raises(Exception, match="followed up"):
        sm.check(sm.COMPLETED, "audit_without_followup", sm.Facts())
    assert sm.check(sm.COMPLETED, "audit_without_followup", sm.Facts(followup_optional=True)) == sm.AUDITED
    with pytest.raises(Exception, match="needs the permission repair.qc"):
        sm.check(sm.PENDING_QC, "qc_pass", sm.Facts(), {"repair.view"})
    assert [s["label"]["zh-CN"] for s in sm.export()["states"]] == ["待受理", "待维修", "待质检", "待取机", "已完成", "已回访", "已审计"]


def test_the_sync_schema_and_the_catalogue_follow_the_machine():
    from server.auth.permissions import ADMIN_ONLY, GRANTS, PERMISSIONS

    schema = json.loads((Path(__file__).parent.parent / "sync" / "schemas" / "repair_event.json").read_text())
    # Online-only events (un-audit: it needs the switched administrator) never travel offline.
    assert schema["properties"]["event"]["enum"] == [e for e, t in sm.TRANSITIONS.items() if not t.online]
    fields = {f for t in sm.TRANSITIONS.values() if not t.online for f in t.fields}
    assert fields <= set(schema["properties"])
    for perm in sm.permissions_used():
        assert perm in PERMISSIONS
        assert perm in ADMIN_ONLY or any(perm in GRANTS[r] for r in GRANTS if r != "admin")


# -- intake ----------------------------------------------------------------------------------

def test_intake_of_a_member_device(client, net, rw, app):
    body = take_in(client, net, rw)
    o = body["order"]
    assert re.fullmatch(r"WX-SZ01-\d{4}-00001", o["number"])
    assert o["state"] == "pending_acceptance" and body["state_label"]["zh-CN"] == "待受理"
    assert o["customer_kind"] == "member" and o["customer_name"] == "王芳" and o["member_id"] == str(rw.ids["member"])
    assert o["model_id"] == str(rw.ids["model"]) and o["model_source"] == "warranty_card"
    assert o["warranty_rule"] == "in_warranty" and o["warranty_status_id"] == str(rw.ids["IN"]) and not o["chargeable"]
    assert [(a["code"], a["received"]) for a in o["accessories"]] == [("CHG", True), ("CASE", False)]
    assert o["symptoms"][0]["code"] == "F01" and body["has_passcode"] and body["current_holder"] == "sz01.clerk"
    assert body["allowed_events"] == ["accept", "return_unrepaired", "convert_to_exchange"]
    assert [t["event"] for t in body["transitions"]] == ["intake"]
    with rw.open() as s:
        stored = s.get(RepairOrder, uuid.UUID(o["id"]))
        assert "2580" not in stored.passcode_cipher and ops.decrypt_passcode(
            app.extensions["aftercare.settings"], stored.id, stored.passcode_cipher) == "2580"
        audit = s.execute(select(AuditLog).where(AuditLog.action == "repair_order.intake")).scalar_one()
        assert audit.after["passcode_stored"] is True and "2580" not in json.dumps(audit.after)
    # The engineer reads it; the clerk may not.
    assert client.get(f"/api/repair/orders/{o['id']}/passcode", headers=net.headers("sz01.engineer")).json == {"passcode": "2580"}
    assert client.get(f"/api/repair/orders/{o['id']}/passcode", headers=net.headers("sz01.clerk")).status_code == 403


def signature_png(width: int = 240, height: int = 80) -> str:
    """A drawn-looking signature: a dark stroke on a transparent PNG, as the tablet's pad makes."""
    import base64
    import math
    import struct
    import zlib

    px = [[(0, 0, 0, 0)] * width for _ in range(height)]
    for x in range(10, width - 10):
        y = int(height / 2 + height * 0.3 * math.sin(x / 14) * math.cos(x / 53))
        for dy in (-1, 0, 1):
            px[y + dy][x] = (20, 30, 90, 255)
    raw = b"".join(b"\x00" + bytes(c for p in row for c in p) for row in px)

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
    return "data:image/png;base64," + base64.b64encode(png).decode()


SIGNATURE_PNG = signature_png()


def test_the_customers_intake_signature_is_kept_with_the_order_and_printed(client, net, rw, app):
    """Signed on the tablet at intake: stored with the order (not in the audit trail) and drawn on
    both copies of the ticket; a signature that is neither an image nor a SHA-256 names its field."""
    def ticket_images(order_id):
        pdf = client.get(f"/api/print/intake-ticket/{order_id}", headers=net.headers("sz01.clerk")).data
        if order_id == signed:
            images(pdf, "intake-ticket-signed", first=1, last=1)  # looked at: the signature sits on its line
        return embedded_images(pdf)

    unsigned = take_in(client, net, rw)["order"]["id"]
    signed = take_in(client, net, rw, imei=imei(5), signature=SIGNATURE_PNG)["order"]["id"]
    with rw.open() as s:
        assert s.get(RepairOrder, uuid.UUID(signed)).intake_signature == SIGNATURE_PNG
        assert s.get(RepairOrder, uuid.UUID(unsigned)).intake_signature == ""
        audits = s.execute(select(AuditLog.after).where(AuditLog.action == "repair_order.intake")).scalars().all()
        assert audits and all(SIGNATURE_PNG not in json.dumps(a) for a in audits)
    # On the customer copy and the stub (pdfimages also lists each one's transparency mask).
    assert ticket_images(signed) >= ticket_images(unsigned) + 2

    before = row_counts(app)
    r = client.post("/api/repair/orders", json=intake_body(rw, imei=imei(6), signature="not a signature"),
                    headers=net.headers("sz01.clerk"))
    assert r.status_code == 422 and "signature" in r.json["errors"], r.json
    assert row_counts(app) == before


def test_walk_in_with_model_from_tac_and_overridden_warranty(client, net, rw):
    body = take_in(client, net, rw, member_phone="", customer_name="李雷", customer_phone="13900000000", imei=imei(7),
                   warranty_status_id=str(rw.ids["IN"]), warranty_override_reason="发票在保")
    o = body["order"]
    assert o["customer_kind"] == "walk_in" and o["model_source"] == "tac" and o["warranty_rule"] == "pending_inspection"
    assert o["computed_status_id"] == str(rw.ids["PEND"]) and o["warranty_status_id"] == str(rw.ids["IN"])


@pytest.mark.parametrize("change,field", [
    ({"imei": "123456789012345"}, "imei"),
    ({"member_phone": "13700000000"}, "member_phone"),
    ({"member_phone": "", "customer_name": "李雷"}, "customer_phone"),
    ({"imei": "353456789012348"}, "model_id"),
    ({"accessories_received": ["00000000-0000-4000-8000-000000000000"]}, "accessories_received.0"),
    ({"symptom_ids": [], "fault_description": ""}, "symptom_ids"),
    ({"photos": ["a" * 64]}, "photos.0"),
    ({"warranty_status_id": "WILL-BE-OUT"}, "warranty_override_reason"),
    ({"mode": "D"}, "mode"),
    ({"deposit": {"amount": "50.00", "account_id": "00000000-0000-4000-8000-000000000000"}}, "deposit.account_id"),
])
def test_bad_intake_names_the_field_and_changes_nothing(client, net, rw, app, change, field):
    if change.get("warranty_status_id") == "WILL-BE-OUT":
        change = {"warranty_status_id": str(rw.ids["OUT"])}
    before = row_counts(app)
    r = client.post("/api/repair/orders", json=intake_body(rw, **change), headers=net.headers("sz01.clerk"))
    assert r.status_code in (400, 422), r.json
    assert field in r.json["errors"], r.json
    assert row_counts(app) == before


# -- mode A, in warranty: all seven states -----------------------------------------------------

def test_in_warranty_repair_through_all_seven_states(client, net, rw):
    stock_engineer(rw)
    oid = take_in(client, net, rw)["order"]["id"]
    fire(client, net, oid, "accept", "sz01.engineer", engineer_id=str(rw.ids["engineer"]))
    fire(client, net, oid, "start_repair", "sz01.engineer")
    r = client.post(f"/api/repair/orders/{oid}/parts", json={"item_id": str(rw.ids["screen"])}, headers=net.headers("sz01.engineer"))
    assert r.status_code == 201, r.json
    [part] = r.json["parts"]
    with rw.open() as s:
        used = s.get(StockDocument, uuid.UUID(part["used_document_id"]))
        back = s.get(StockDocument, uuid.UUID(part["return_document_id"]))
        assert (used.doc_type, back.doc_type, back.kind, used.reference) == (
            "engineer_use", "engineer_return", "defective", r.json["order"]["number"])
    fire(client, net, oid, "finish_repair", "sz01.engineer", repair_level_id=str(rw.ids["level"]),
         repair_method_ids=[str(rw.ids["method"])])
    fire(client, net, oid, "qc_fail", "sz01.qc", reason="屏幕有亮点")
    assert get(client, net, oid)["order"]["state"] == "pending_repair"
    fire(client, net, oid, "finish_repair", "sz01.engineer", repair_level_id=str(rw.ids["level"]))
    fire(client, net, oid, "qc_pass", "sz01.qc")
    detail = get(client, net, oid)
    assert detail["bill"]["bill_total"] == "0.00" and detail["bill"]["claim_amount"] == "50.00"
    done = fire(client, net, oid, "pickup", "sz01.clerk", signature=SIG)
    assert done["order"]["state"] == "completed" and done["order"]["passcode_erased_at"] and not done["has_passcode"]
    [settlement] = done["payments"]
    assert settlement["kind"] == "settlement" and settlement["number"].startswith("JS-SZ01-")
    # In warranty: the customer pays nothing; the labour fee is claimable from the manufacturer.
    assert money(rw, "repair_settlement") == {("party", "receivable"): Decimal("50.00"), "cash": Decimal("0")}
    assert client.get(f"/api/repair/orders/{oid}/passcode", headers=net.headers("sz01.engineer")).json == {"passcode": None}
    fire(client, net, oid, "audit", "sz01.manager", expect=409)
    fire(client, net, oid, "follow_up", "sz01.cs", satisfaction=5, note="满意")
    final = fire(client, net, oid, "audit", "sz01.manager")
    assert final["order"]["state"] == "audited" and final["allowed_events"] == []
    assert [(t["event"], t["from_state"], t["to_state"]) for t in final["transitions"]] == [
        ("intake", "", "pending_acceptance"), ("accept", "pending_acceptance", "pending_repair"),
        ("start_repair", "pending_repair", "pending_repair"), ("finish_repair", "pending_repair", "pending_qc"),
        ("qc_fail", "pending_qc", "pending_repair"), ("finish_repair", "pending_repair", "pending_qc"),
        ("qc_pass", "pending_qc", "pending_pickup"), ("pickup", "pending_pickup", "completed"),
        ("follow_up", "completed", "followed_up"), ("audit", "followed_up", "audited")]
    assert [t["username"] for t in final["transitions"]][-3:] == ["sz01.clerk", "sz01.cs", "sz01.manager"]
    with rw.open() as s:
        actions = [a.action for a in s.execute(select(AuditLog).where(AuditLog.entity_id == oid)).scalars()]
    assert "repair_order.qc_fail" in actions and "repair_order.audit" in actions


# -- out of warranty: quotation, deposit, bill, refund ----------------------------------------

def test_out_of_warranty_needs_an_accepted_quotation_and_settles_the_bill(client, net, rw, app):
    stock_engineer(rw, "battery", 1)
    oid = take_in(client, net, rw, imei=imei(2), purchase_date="2020-01-01",
                  deposit={"amount": "100.00", "account_id": str(rw.ids["SZ01.CASH"])})["order"]["id"]
    detail = get(client, net, oid)
    assert detail["order"]["chargeable"] and detail["deposit_held"] == "100.00"
    assert money(rw) == {("member", "payable"): Decimal("100.00"), "cash": Decimal("100.00")}
    fire(client, net, oid, "accept", "sz01.clerk")
    before = row_counts(app)
    refused = fire(client, net, oid, "start_repair", "sz01.engineer", expect=409)
    assert refused["code"] == "transition_refused" and "accepted quotation" in refused["message"]
    assert row_counts(app) == before
    h = net.headers("sz01.engineer")
    q = client.post(f"/api/repair/orders/{oid}/quotations", json={"lines": [
        {"kind": "part", "item_id": str(rw.ids["battery"])}, {"kind": "labour", "repair_level_id": str(rw.ids["level"])}]},
        headers=h)
    assert q.status_code == 201 and q.json["total"] == "230.00", q.json
    bad = client.post(f"/api/repair/orders/{oid}/quotations/{q.json['id']}/decision", json={"accepted": True, "signature": "x"},
                      headers=h)
    assert bad.status_code == 422 and "signature" in bad.json["errors"]
    ok = client.post(f"/api/repair/orders/{oid}/quotations/{q.json['id']}/decision", json={"accepted": True, "signature": SIG},
                     headers=h)
    assert ok.status_code == 200 and ok.json["status"] == "accepted" and ok.json["signed"]
    fire(client, net, oid, "start_repair", "sz01.engineer")
    assert client.post(f"/api/repair/orders/{oid}/parts", json={"item_id": str(rw.ids["battery"])}, headers=h).status_code == 201
    fire(client, net, oid, "finish_repair", "sz01.engineer", repair_level_id=str(rw.ids["level"]))
    fire(client, net, oid, "pickup", "sz01.clerk", expect=409, signature=SIG)  # before QC
    fire(client, net, oid, "qc_pass", "sz01.qc")
    bill = get(client, net, oid)["bill"]
    assert (bill["parts_total"], bill["labour_total"], bill["deposit_applied"], bill["amount_due"]) == (
        "150.00", "80.00", "100.00", "130.00")
    missing = fire(client, net, oid, "pickup", "sz01.clerk", expect=422, signature=SIG)
    assert "account_id" in missing["errors"]
    done = fire(client, net, oid, "pickup", "sz01.clerk", signature=SIG, account_id=str(rw.ids["SZ01.CASH"]))
    assert done["order"]["state"] == "completed"
    # Deposit 100 in, bill 230, 130 paid: the customer owes nothing and is owed nothing.
    m = money(rw)
    assert m[("member", "receivable")] == 0 and m[("member", "payable")] == 0 and m["cash"] == Decimal("230.00")
    # A refund after the repair: a draft slip, paid out on approval.
    r = client.post(f"/api/repair/orders/{oid}/refunds", json={"amount": "30.00", "account_id": str(rw.ids["SZ01.CASH"]),
                                                               "reason": "电池优惠"}, headers=net.headers("sz01.clerk"))
    assert r.status_code == 201 and r.json["status"] == "draft" and r.json["after_settlement"]
    assert money(rw)["cash"] == Decimal("230.00")
    assert client.post(f"/api/repair/refunds/{r.json['id']}/approve", headers=net.headers("sz01.clerk")).status_code == 403
    a = client.post(f"/api/repair/refunds/{r.json['id']}/approve", headers=net.headers("sz01.finance"))
    assert a.status_code == 200 and a.json["status"] == "posted" and a.json["number"].startswith("TK-SZ01-")
    m = money(rw)
    assert m["cash"] == Decimal("200.00") and m[("member", "payable")] == 0
    too_much = client.post(f"/api/repair/orders/{oid}/refunds", json={"amount": "500.00", "account_id": str(rw.ids["SZ01.CASH"]),
                                                                      "reason": "x"}, headers=net.headers("sz01.clerk"))
    assert too_much.status_code == 422 and "amount" in too_much.json["errors"]


def test_declined_quotation_returns_the_device_with_the_check_fee(client, net, rw, monkeypatch):
    real = ops.repair_settings
    monkeypatch.setattr(ops, "repair_settings", lambda s: dataclasses.replace(real(s), repair_check_fee="30.00"))
    oid = take_in(client, net, rw, imei=imei(3), purchase_date="2020-01-01", member_phone="", customer_name="李雷",
                  customer_phone="13900000000")["order"]["id"]
    h = net.headers("sz01.clerk")
    q = client.post(f"/api/repair/orders/{oid}/quotations", json={"lines": [{"kind": "labour", "repair_level_id": str(rw.ids["level"])}]},
                    headers=h).json
    d = client.post(f"/api/repair/orders/{oid}/quotations/{q['id']}/decision", json={"accepted": False, "signature": SIG}, headers=h)
    assert d.status_code == 200 and d.json["status"] == "declined"
    detail = get(client, net, oid)
    assert detail["order"]["state"] == "pending_pickup" and detail["order"]["unrepaired"]
    assert detail["bill"]["check_fee"] == "30.00" and detail["bill"]["amount_due"] == "30.00"
    fire(client, net, oid, "pickup", "sz01.clerk", signature=SIG, account_id=str(rw.ids["SZ01.CASH"]))
    assert money(rw) == {("walk_in", "receivable"): Decimal("0.00"), "cash": Decimal("30.00")}


def test_photos_taken_at_pickup_are_kept_beside_the_intake_ones(client, net, rw, app):
    """§1.4: at pickup the device is photographed again; an unknown photo names its field and
    the order stays where it was."""
    oid = take_in(client, net, rw)["order"]["id"]
    fire(client, net, oid, "return_unrepaired", "sz01.clerk", reason="客户取回")
    h = net.headers("sz01.clerk")
    shas = [client.post("/api/blobs", data=b"\x89PNG\r\n\x1a\n" + bytes([n]) * 64, content_type="image/png", headers=h).json["sha256"]
            for n in (1, 2)]
    before = row_counts(app)
    refused = fire(client, net, oid, "pickup", "sz01.clerk", expect=422, signature=SIG, photos=[shas[0], "0" * 64])
    assert "photos.1" in refused["errors"], refused
    assert row_counts(app) == before and get(client, net, oid)["order"]["state"] == "pending_pickup"
    done = fire(client, net, oid, "pickup", "sz01.clerk", signature=SIG, photos=shas)
    assert done["order"]["state"] == "completed" and done["order"]["pickup_photos"] == shas
    assert done["order"]["photos"] != shas  # the intake photos stay as they were
    assert done["transitions"][-1]["data"]["photos"] == 2


def test_audit_without_follow_up_only_when_the_settings_say_so(client, net, rw, monkeypatch):
    oid = take_in(client, net, rw)["order"]["id"]
    fire(client, net, oid, "return_unrepaired", "sz01.clerk", reason="客户取回")
    fire(client, net, oid, "pickup", "sz01.clerk", signature=SIG)
    refused = fire(client, net, oid, "audit_without_followup", "sz01.manager", expect=409)
    assert "followed up" in refused["message"]
    real = ops.repair_settings
    monkeypatch.setattr(ops, "repair_settings", lambda s: dataclasses.replace(real(s), repair_followup_optional=True))
    assert fire(client, net, oid, "audit_without_followup", "sz01.manager")["order"]["state"] == "audited"


def test_forwarded_device_cannot_be_repaired_while_away(client, net, rw):
    oid = take_in(client, net, rw, mode="C")["order"]["id"]
    fire(client, net, oid, "accept", "sz01.clerk")
    # SZ01 has no higher-level point: it cannot forward (B), only send to the factory (C).
    assert "mode" in fire(client, net, oid, "forward", "sz01.courier", expect=422, mode="B")["errors"]
    fire(client, net, oid, "forward", "sz01.courier", mode="C", note="返厂")
    refused = fire(client, net, oid, "start_repair", "sz01.engineer", expect=409)
    assert refused["errors"] == {"state": ["device_at_point"]}
    fire(client, net, oid, "forward_return", "sz01.courier")
    fire(client, net, oid, "start_repair", "sz01.engineer", engineer_id=str(rw.ids["engineer"]))
    r = client.post("/api/repair/orders", json=intake_body(rw, mode="B"), headers=net.headers("sz01.clerk"))
    assert r.status_code == 422 and "mode" in r.json["errors"]


# -- handovers, scoping, permissions -----------------------------------------------------------

def test_handover_chain_keeps_exactly_one_holder(client, net, rw, app):
    oid = take_in(client, net, rw)["order"]["id"]
    h = net.headers("sz01.clerk")
    eng = net.users["sz01.engineer"]
    r = client.post(f"/api/repair/orders/{oid}/handovers", json={"to_user_id": str(eng.id), "signature": SIG, "place": "维修间"},
                    headers=h)
    assert r.status_code == 201 and r.json["current_holder"] == "sz01.engineer"
    before = row_counts(app)
    for body, field in [({"to_user_id": str(eng.id), "signature": SIG}, "to_user_id"),
                        ({"to_user_id": str(net.users["gz01.clerk"].id), "signature": SIG}, "to_user_id"),
                        ({"to_user_id": str(net.users["sz01.qc"].id), "signature": "not a signature"}, "signature")]:
        bad = client.post(f"/api/repair/orders/{oid}/handovers", json=body, headers=h)
        assert bad.status_code == 422 and field in bad.json["errors"], bad.json
    assert row_counts(app) == before
    r = client.post(f"/api/repair/orders/{oid}/handovers", json={"to_user_id": str(net.users["sz01.qc"].id), "signature": SIG},
                    headers=net.headers("sz01.engineer"))
    assert [(x["from_user"], x["to_user"]) for x in r.json["handovers"]] == [("sz01.clerk", "sz01.engineer"),
                                                                           ("sz01.engineer", "sz01.qc")]
    assert r.json["current_holder"] == "sz01.qc"


def test_another_points_orders_are_not_found(client, net, rw):
    oid = take_in(client, net, rw)["order"]["id"]
    assert client.get(f"/api/repair/orders/{oid}", headers=net.headers("gz01.clerk")).status_code == 404
    assert client.post(f"/api/repair/orders/{oid}/accept", json={}, headers=net.headers("gz01.clerk")).status_code == 404
    assert client.get("/api/repair/orders", headers=net.headers("gz01.clerk")).json["total"] == 0
    assert client.get("/api/repair/orders", headers=net.headers("hq")).json["total"] == 1
    hist = client.get(f"/api/repair/imei/{imei(1)}/history", headers=net.headers("gz01.clerk")).json
    assert hist["orders"] == [] and [e["kind"] for e in hist["entries"]] == ["warranty_card"]
    # Headquarters sees, but takes no devices in.
    r = client.post("/api/repair/orders", json=intake_body(rw), headers=net.headers("admin"))
    assert r.status_code == 403


def test_each_event_needs_its_own_permission(client, net, rw):
    oid = take_in(client, net, rw)["order"]["id"]
    r = client.post(f"/api/repair/orders/{oid}/accept", json={}, headers=net.headers("sz01.qc"))
    assert r.status_code == 403 and r.json["errors"] == {"permission": ["repair.accept"]}
    fire(client, net, oid, "accept", "sz01.clerk")
    r = client.post(f"/api/repair/orders/{oid}/start-repair", json={}, headers=net.headers("sz01.clerk"))
    assert r.status_code == 403 and r.json["errors"] == {"permission": ["repair.repair"]}
    assert client.post("/api/repair/orders", json=intake_body(rw), headers=net.headers("sz01.engineer")).status_code == 403
    sm_doc = client.get("/api/repair/state-machine", headers=net.headers("sz01.qc")).json
    assert {e["event"]: e["permission"] for e in sm_doc["events"]}["qc_pass"] == "repair.qc"


# -- IMEI history: repair → comeback → factory → exchange ------------------------------------

def test_imei_history_of_repair_comeback_factory_and_exchange(client, net, rw):
    stock_engineer(rw)
    first = take_in(client, net, rw)["order"]["id"]
    fire(client, net, first, "accept", "sz01.engineer")
    fire(client, net, first, "start_repair", "sz01.engineer")
    client.post(f"/api/repair/orders/{first}/parts", json={"item_id": str(rw.ids["screen"])}, headers=net.headers("sz01.engineer"))
    fire(client, net, first, "finish_repair", "sz01.engineer", repair_level_id=str(rw.ids["level"]))
    fire(client, net, first, "qc_pass", "sz01.qc")
    fire(client, net, first, "pickup", "sz01.clerk", signature=SIG)
    again = take_in(client, net, rw)
    assert again["order"]["comeback_of_id"] == first
    second = again["order"]["id"]
    fire(client, net, second, "accept", "sz01.clerk")
    fire(client, net, second, "forward", "sz01.courier", mode="C", note="返厂")
    fire(client, net, second, "forward_return", "sz01.courier", note="厂家判定换机")
    swapped = fire(client, net, second, "convert_to_exchange", "sz01.manager", reason="主板无法维修")
    exchange = swapped["order"]["exchange_ref"]  # the exchange order it continues as (server/exchange)
    assert exchange.startswith("HJ-SZ01-")
    hist = client.get(f"/api/repair/imei/{imei(1)}/history", headers=net.headers("sz01.clerk")).json
    kinds = [e["kind"] for e in hist["entries"]]
    assert kinds[0] == "warranty_card" and "repair.part" in kinds and "repair.settlement" in kinds
    assert [o["mode"] for o in hist["orders"]] == ["A", "D"]
    texts = " | ".join(e["summary"] for e in hist["entries"])
    assert "comeback of WX-SZ01-" in texts and exchange in texts and "主板无法维修" in texts
    assert kinds.index("repair.intake") < kinds.index("repair.part") < kinds.index("repair.pickup")
    assert client.get("/api/repair/imei/12345/history", headers=net.headers("sz01.clerk")).status_code == 422


def test_counter_accounts_list_the_own_points_active_money_accounts(client, net, rw):
    """What a clerk chooses for a deposit or a pickup (the finance module's list needs finance.view)."""
    r = client.get("/api/repair/counter-accounts", headers=net.headers("sz01.clerk"))
    assert r.status_code == 200, r.json
    assert [(a["id"], a["code"], a["kind"]) for a in r.json] == [(str(rw.ids["SZ01.CASH"]), "CASH", "cash")]
    assert client.get("/api/finance/accounts", headers=net.headers("sz01.clerk")).status_code in (403, 404)
    gz = client.get("/api/repair/counter-accounts", headers=net.headers("gz01.engineer"))
    assert [a["id"] for a in gz.json] == [str(rw.ids["GZ01.CASH"])]
    assert client.get("/api/repair/counter-accounts").status_code == 401
    assert client.get("/api/repair/counter-accounts", headers=net.headers("admin")).status_code == 403
