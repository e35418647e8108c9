"""Accessory swap (issue 17 §6, spec §3) through the REST API: a distributor's accessories taken
in, sent to the factory, received back with a shortfall and a substitution, returned; custody
stock counted and serial-tracked but never valued; the swap history; the accessory rule at its
day boundaries and its refund after two failed replacements; bad input refused naming the field,
changing nothing; scoping and permissions. Both databases."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from server.basedata.operations import today_in
from server.core.models import AuditLog
from server.stock.ledger import rebuild_check
from server.stock.models import StockBalance, StockCost, StockLocation, StockSerial
from server.swap import rules

from .conftest import row_counts
from .swap_fixtures import sw, world  # noqa: F401

TODAY = today_in("Asia/Shanghai")


def call(client, net, method, path, username="sz01.clerk", expect=200, **body):
    r = getattr(client, method)(f"/api/swap{path}", json=body if method == "post" else None, headers=net.headers(username))
    assert r.status_code == expect, (path, r.status_code, r.json)
    return r.json


def intake(client, net, sw, lines, username="sz01.clerk", expect=201):
    return call(client, net, "post", "/intakes", username, expect, party_id=str(sw.ids["dealer"]), contact_name="李经理",
                contact_phone="13900001111", lines=lines)


def held(sw, kind="custody"):
    """Quantity and value per item at locations of ``kind`` in SZ01."""
    with sw.open() as s:
        rows = s.execute(select(StockBalance.item_id, func.sum(StockBalance.quantity), func.sum(StockBalance.value))
                         .join(StockLocation, StockLocation.id == StockBalance.location_id)
                         .where(StockLocation.kind == kind).group_by(StockBalance.item_id)).all()
    return {i: (q, v) for i, q, v in rows}


def test_a_round_trip_with_a_shortfall_and_a_substitution_from_the_factory(client, net, sw):
    sold = (TODAY - dt.timedelta(days=30)).isoformat()
    doc = intake(client, net, sw, [
        {"item_id": str(sw.ids["charger"]), "quantity": 3, "serials": ["C1", "C2", "C3"], "condition": "faulty",
         "fault": "不充电", "sale_date": sold},
        {"item_id": str(sw.ids["sbat"]), "serials": ["B1"], "accessory_class": "battery", "sale_date": sold}])
    assert doc["number"].startswith("FJ-SZ01-") and doc["party_name"] == "迅捷通讯"
    charger_line, battery_line = doc["lines"]
    assert charger_line["accessory_class"] == "charger" and charger_line["verdict"] == "replace"
    assert battery_line["verdict"] == "replace"
    # In custody: counted, worth nothing, and no average cost; the serials are the swap's own.
    assert held(sw) == {sw.ids["charger"]: (Decimal(3), Decimal(0)), sw.ids["sbat"]: (Decimal(1), Decimal(0))}
    with sw.open() as s:
        assert s.execute(select(func.count()).select_from(StockCost)).scalar_one() == 0
        assert s.execute(select(func.count()).select_from(StockSerial)).scalar_one() == 0
    # The point's valued stock does not show the distributor's goods.
    current = client.get("/api/stock/current", headers=net.headers("sz01.manager"))
    assert current.status_code == 200 and current.json["total"] == 0, current.json

    send = call(client, net, "post", "/sends", "sz01.courier", 201, manufacturer_id=str(sw.ids["maker"]), waybill="SF100",
                lines=[{"intake_line_id": charger_line["id"]}, {"intake_line_id": battery_line["id"]}])
    assert send["number"].startswith("DF-SZ01-") and [l["quantity"] for l in send["lines"]] == ["3", "1"]
    assert send["lines"][0]["serials"] == ["C1", "C2", "C3"] and send["lines"][0]["intake_number"] == doc["number"]
    assert held(sw) == {sw.ids["charger"]: (Decimal(0), Decimal(0)), sw.ids["sbat"]: (Decimal(0), Decimal(0))}
    out = call(client, net, "get", "/history?out=true")
    assert {r["item_code"]: r["at_factory"] for r in out["items"]} == {"HW-CHARGER": "3", "HW-P60-BAT": "1"}
    assert all(r["days_out"] == 0 and r["out_since"] == TODAY.isoformat() for r in out["items"])

    # Two chargers of three come back (a shortfall of one); the battery comes back as the newer model.
    got = call(client, net, "post", "/receipts", "sz01.courier", 201, send_id=send["id"], lines=[
        {"send_line_id": send["lines"][0]["id"], "quantity": 2, "serials": ["N1", "N2"]},
        {"send_line_id": send["lines"][1]["id"], "item_id": str(sw.ids["sbat2"]), "quantity": 1, "serials": ["B9"],
         "note": "原型号停产"}])
    assert got["number"].startswith("DH-SZ01-") and got["send_number"] == send["number"]
    assert [(l["shortfall"], l["substitute"]) for l in got["lines"]] == [("1", False), ("0", True)]
    assert got["shortfall"] == "1" and got["substitutions"] == 1
    assert held(sw)[sw.ids["charger"]] == (Decimal(2), Decimal(0)) and held(sw)[sw.ids["sbat2"]] == (Decimal(1), Decimal(0))
    history = {r["item_code"]: r for r in call(client, net, "get", f"/history?party_id={sw.ids['dealer']}")["items"]}
    charger, battery = history["HW-CHARGER"], history["HW-P60-BAT"]
    assert (charger["sent"], charger["received"], charger["at_factory"], charger["at_point"]) == ("3", "2", "1", "2")
    assert (battery["received"], battery["at_factory"], battery["substitutions"]) == ("1", "0", 1)
    # What came back, per item: the return hands back the substitute custody holds.
    assert [(r["item_code"], r["quantity"]) for r in battery["received_items"]] == [("HW-P60-BAT2", "1")]
    assert [(r["item_code"], r["quantity"]) for r in charger["received_items"]] == [("HW-CHARGER", "2")]
    assert [r["item_code"] for r in call(client, net, "get", "/history?out=true")["items"]] == ["HW-CHARGER"]
    # The history by serial: one taken in, one that came back for the line.
    assert [r["intake_number"] for r in call(client, net, "get", "/history?serial=B9")["items"]] == [doc["number"]]
    assert call(client, net, "get", "/history?serial=C2")["total"] == 1

    back = call(client, net, "post", "/returns", "sz01.clerk", 201, party_id=str(sw.ids["dealer"]), lines=[
        {"intake_line_id": charger_line["id"], "quantity": 2, "serials": ["N1", "N2"]},
        {"intake_line_id": battery_line["id"], "item_id": str(sw.ids["sbat2"]), "serials": ["B9"]}])
    assert back["number"].startswith("GH-SZ01-") and back["lines"][1]["substitute"] is True
    assert all(q == (Decimal(0), Decimal(0)) for q in held(sw).values())
    with sw.open() as s:
        assert rebuild_check(s) == []
        actions = set(s.execute(select(AuditLog.action).where(AuditLog.entity_type == "swap_document")).scalars())
        assert {"swap_intake.post", "swap_send.post", "swap_receive.post", "swap_return.post"} <= actions
    charger = {r["item_code"]: r for r in call(client, net, "get", "/history")["items"]}["HW-CHARGER"]
    assert (charger["returned"], charger["at_point"], charger["at_factory"]) == ("2", "0", "1")
    # Lists and documents read back; the other point sees none of it.
    assert call(client, net, "get", f"/intakes?q={doc['number']}")["total"] == 1
    assert call(client, net, "get", "/intakes?q=C3")["total"] == 1
    assert call(client, net, "get", f"/receipts/{got['id']}")["lines"][1]["item_code"] == "HW-P60-BAT2"
    # The slip and the list print from the documents (HTML here; the PDF is the same template).
    r = client.get(f"/api/print/swap-intake-slip/{doc['id']}?format=html", headers=net.headers("sz01.clerk"))
    assert r.status_code == 200 and doc["number"] in r.text and "附件受理单" in r.text and "C3" in r.text
    r = client.get(f"/api/print/swap-send-list/{send['id']}?format=html&lang=en", headers=net.headers("sz01.clerk"))
    assert r.status_code == 200 and "Send-to-factory list" in r.text and "SF100" in r.text
    assert client.get(f"/api/print/swap-intake-slip/{doc['id']}?format=html",
                      headers=net.headers("gz01.clerk")).status_code == 404
    call(client, net, "get", f"/intakes/{doc['id']}", "gz01.clerk", 404)
    assert call(client, net, "get", "/history", "gz01.clerk")["total"] == 0
    # Headquarters reads everything.
    assert call(client, net, "get", "/history", "hq")["total"] == 2


def test_bad_input_is_refused_naming_the_field_and_changes_nothing(client, net, sw, app):
    doc = intake(client, net, sw, [{"item_id": str(sw.ids["charger"]), "quantity": 2}])
    line = doc["lines"][0]["id"]
    before = row_counts(app)
    cases = [
        ("/intakes", {"party_id": str(sw.ids["dealer"]), "lines": [{"item_id": str(sw.ids["device"])}]}, "lines.0.item_id"),
        ("/intakes", {"party_id": str(sw.ids["supplier"]), "lines": [{"item_id": str(sw.ids["charger"])}]}, "party_id"),
        ("/intakes", {"party_id": str(sw.ids["dealer"]), "lines": [{"item_id": str(sw.ids["charger"]), "quantity": 0}]},
         "lines.0.quantity"),
        ("/intakes", {"party_id": str(sw.ids["dealer"]), "lines": [{"item_id": str(sw.ids["charger"]), "quantity": 2,
                                                                   "serials": ["X1"]}]}, "lines.0.serials"),
        ("/intakes", {"party_id": str(sw.ids["dealer"]), "lines": [{"item_id": str(sw.ids["charger"]), "quantity": 2,
                                                                   "serials": ["X1", "X1"]}]}, "lines.0.serials"),
        ("/intakes", {"party_id": str(sw.ids["dealer"]), "lines": [{"item_id": str(sw.ids["charger"]),
                                                                   "sale_date": (TODAY + dt.timedelta(days=2)).isoformat()}]},
         "lines.0.sale_date"),
        ("/intakes", {"party_id": str(sw.ids["dealer"]), "lines": []}, "lines"),
        ("/sends", {"manufacturer_id": str(sw.ids["maker"]), "lines": [{"intake_line_id": line, "quantity": 3}]},
         "lines.0.quantity"),
        ("/sends", {"manufacturer_id": str(sw.ids["dealer"]), "lines": [{"intake_line_id": line}]}, "manufacturer_id"),
        ("/sends", {"manufacturer_id": str(sw.ids["maker"]), "lines": [{"intake_line_id": doc["id"]}]},
         "lines.0.intake_line_id"),
        ("/receipts", {"send_id": doc["id"], "lines": [{"send_line_id": line}]}, "send_id"),
        ("/returns", {"party_id": str(sw.ids["dealer"]), "lines": [{"intake_line_id": line, "quantity": 3}]},
         "lines.0.quantity"),
        ("/returns", {"party_id": str(sw.ids["dealer"]), "lines": [{"intake_line_id": line, "item_id": str(sw.ids["headset"])}]},
         "lines.0.quantity"),
    ]
    for path, body, field in cases:
        r = client.post(f"/api/swap{path}", json=body, headers=net.headers("sz01.manager"))
        assert r.status_code == 422 and field in r.json["errors"], (path, body, r.status_code, r.json)
    # In Chinese for a Chinese reader.
    r = client.post("/api/swap/sends", json=cases[7][1], headers={**net.headers("sz01.manager"), "Accept-Language": "zh-CN"})
    assert r.json["errors"]["lines.0.quantity"] == ["这条受理明细尚未发厂的只有 2"]
    # Another point may not send this point's goods; a clerk without the permission may not read; a dealer nothing.
    r = client.post("/api/swap/sends", json={"manufacturer_id": str(sw.ids["maker"]), "lines": [{"intake_line_id": line}]},
                    headers=net.headers("gz01.manager"))
    assert r.status_code == 422 and "lines.0.intake_line_id" in r.json["errors"]
    net.add_user("dealer.x", "SZ01", ["dealer"])
    assert client.get("/api/swap/history", headers=net.headers("dealer.x")).status_code == 403
    assert client.post("/api/swap/intakes", json={}, headers=net.headers("dealer.x")).status_code == 403
    after = row_counts(app)
    after.pop("user_account"), before.pop("user_account"), after.pop("user_role"), before.pop("user_role")
    assert after == before


def _round(client, net, sw, serial, sold):
    """Take a charger in, send it, get a new one back (``serial + 'R'``) and return it: the new unit's serial."""
    doc = intake(client, net, sw, [{"item_id": str(sw.ids["charger"]), "serials": [serial], "sale_date": sold}])
    send = call(client, net, "post", "/sends", "sz01.manager", 201, manufacturer_id=str(sw.ids["maker"]),
                lines=[{"intake_line_id": doc["lines"][0]["id"]}])
    new = serial + "R"
    call(client, net, "post", "/receipts", "sz01.manager", 201, send_id=send["id"],
         lines=[{"send_line_id": send["lines"][0]["id"], "serials": [new]}])
    call(client, net, "post", "/returns", "sz01.manager", 201, party_id=str(sw.ids["dealer"]),
         lines=[{"intake_line_id": doc["lines"][0]["id"], "serials": [new]}])
    return doc["lines"][0]["verdict"], new


def test_after_two_replacements_that_failed_the_accessory_is_refunded(client, net, sw):
    sold = (TODAY - dt.timedelta(days=60)).isoformat()
    first, s1 = _round(client, net, sw, "K1", sold)
    second, s2 = _round(client, net, sw, s1, sold)
    third = intake(client, net, sw, [{"item_id": str(sw.ids["charger"]), "serials": [s2], "sale_date": sold}])
    assert (first, second, third["lines"][0]["verdict"]) == ("replace", "replace", "refund")
    # Out of warranty: a charger sold 13 months ago, or without a sale date.
    late = intake(client, net, sw, [{"item_id": str(sw.ids["charger"]), "sale_date": "2020-01-01"},
                                    {"item_id": str(sw.ids["charger"])}])
    assert [l["verdict"] for l in late["lines"]] == ["out_of_warranty", "out_of_warranty"]
    assert call(client, net, "get", "/rules")["refund_after"] == 2


@pytest.mark.parametrize("cls,sold,today,inside", [
    ("battery", "2026-01-31", "2026-07-30", True), ("battery", "2026-01-31", "2026-07-31", False),
    ("charger", "2025-03-15", "2026-03-14", True), ("charger", "2025-03-15", "2026-03-15", False),
    ("headset", "2026-11-30", "2027-02-27", True), ("headset", "2026-11-30", "2027-02-28", False),
    ("other", "2026-11-30", "2026-11-30", False), ("charger", "2026-12-07", "2026-12-06", False),
])
def test_the_accessory_warranty_at_its_day_boundaries(cls, sold, today, inside):
    d = dt.date.fromisoformat
    assert rules.in_warranty(d(sold), cls, d(today)) is inside
    assert rules.verdict(d(sold), cls, d(today), 0) == ("replace" if inside else "out_of_warranty")
    assert rules.verdict(d(sold), cls, d(today), 2) == ("refund" if inside else "out_of_warranty")


def test_the_workspace_describes_the_four_documents_and_their_forms(client, net, sw):
    r = client.get("/api/meta/documents", headers=net.headers("sz01.clerk"))
    assert r.status_code == 200, r.json
    entries = {e["key"]: e for e in r.json["documents"] if e["family"] == "swap"}
    assert list(entries) == ["swap_intake", "swap_send", "swap_receive", "swap_return"]
    intake = entries["swap_intake"]
    assert intake["path"] == "/api/swap/intakes" and intake["read"] == "/api/swap/intakes/{id}"
    assert intake["label"] == {"zh-CN": "附件受理单", "en": "Accessory intake"}
    assert [p["name"] for p in intake["prints"]] == ["swap-intake-slip"]
    assert [p["name"] for p in entries["swap_send"]["prints"]] == ["swap-send-list"]
    verdict = next(f for f in intake["lines"]["fields"] if f["name"] == "verdict")
    assert {c["value"] for c in verdict["choices"]} == set(rules.VERDICTS)
    assert intake["ledgers"][0]["key"] == "stock_moves"
    # A dealer's account sees none of it.
    net.add_user("dealer.x", "SZ01", ["dealer"])
    r = client.get("/api/meta/documents", headers=net.headers("dealer.x"))
    assert not [e for e in r.json["documents"] if e["family"] == "swap"]


def test_the_rules_exported_for_the_tablet_carry_the_rule_its_papers_and_its_own_answers(tmp_path):
    from server.swap.pwa_export import write_rules

    out = tmp_path / "swap-rules.json"
    assert write_rules(out) and not write_rules(out)
    data = json.loads(out.read_text())
    assert data["classes"]["battery"]["months"] == 6 and data["papers"] == {"swap-intake-slip": ["a5"], "swap-send-list": ["a4"]}
    # The answers the PWA's port is checked against are the rule's own, at its day boundaries.
    for v in data["vectors"]:
        assert rules.verdict(dt.date.fromisoformat(v["sale_date"]), v["class"], dt.date.fromisoformat(v["today"]),
                             v["failed"]) == v["verdict"]
    assert {v["verdict"] for v in data["vectors"]} == {"replace", "refund", "out_of_warranty"}
