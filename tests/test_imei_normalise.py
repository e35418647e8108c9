"""IMEIs typed in other scripts' digits (issue 15, finding 8) are stored, compared and looked up as
ASCII digits, wherever they enter: the API, import, lookups and searches, stock serials; sync
events carry ASCII only (the PWA normalises before saving, the schema refuses anything else)."""

from __future__ import annotations

import datetime as dt

from server.basedata.demo import make_imei
from server.basedata.operations import today_in
from server.basedata.text import imei_problem, normalise_imei
from sync.schemas import validate_event

from .repair_fixtures import intake_body, rw  # noqa: F401
from .stock_fixtures import imei, world  # noqa: F401
from .sync_support import event
from .test_basedata_import import upload


def fullwidth(digits: str) -> str:
    return "".join(chr(0xFF10 + int(c)) for c in digits)


def arabic_indic(digits: str) -> str:
    return "".join(chr(0x0660 + int(c)) for c in digits)


def persian(digits: str) -> str:
    return "".join(chr(0x06F0 + int(c)) for c in digits)


def devanagari(digits: str) -> str:
    return "".join(chr(0x0966 + int(c)) for c in digits)


GOOD = make_imei("86777777", 42)


def test_one_normaliser_maps_every_scripts_digits_to_ascii():
    for form in (fullwidth, arabic_indic, persian, devanagari):
        typed = form(GOOD)
        assert imei_problem(typed) is not None  # never accepted as typed
        assert normalise_imei(f"  {typed} ") == GOOD
        assert imei_problem(normalise_imei(typed)) is None
    assert normalise_imei(GOOD) == GOOD
    assert normalise_imei(fullwidth(GOOD[:7]) + GOOD[7:]) == GOOD  # mixed, as a keyboard switch leaves it
    assert imei_problem(normalise_imei("²" + GOOD[1:])) == "must be 15 digits"  # a superscript is no digit


def test_warranty_cards_by_api_lookup_search_and_import(client, net, rw):
    h = net.headers("admin")
    r = client.post("/api/warranty-cards", json={"imei": fullwidth(GOOD), "model_id": str(rw.ids["model"]),
                                                 "sale_date": (today_in("Asia/Shanghai") - dt.timedelta(days=10)).isoformat()},
                    headers=h)
    assert r.status_code == 201, r.json
    card = r.json
    assert card["imei"] == GOOD
    # The same device typed another way is the same card.
    r = client.post("/api/warranty-cards", json={"imei": arabic_indic(GOOD), "model_id": str(rw.ids["model"]),
                                                 "sale_date": today_in("Asia/Shanghai").isoformat()}, headers=h)
    assert r.status_code == 422 and "imei" in r.json["errors"]
    found = client.get(f"/api/lookup/imei/{arabic_indic(GOOD)}", headers=h).json
    assert (found["imei"], found["valid"], found["warranty"]["warranty_card_id"]) == (GOOD, True, card["id"])
    verdict = client.get("/api/lookup/warranty", query_string={"imei": persian(GOOD)}, headers=h).json
    assert verdict["warranty_card_id"] == card["id"]
    listed = client.get("/api/warranty-cards", query_string={"q": devanagari(GOOD)}, headers=h).json["items"]
    assert [c["id"] for c in listed] == [card["id"]]
    other = make_imei("86777777", 43)
    r = client.patch(f"/api/warranty-cards/{card['id']}", json={"imei": fullwidth(other)}, headers=h)
    assert r.status_code == 200 and r.json["imei"] == other
    # Import: a file with the IMEI in fullwidth digits updates nothing (same card), creates nothing.
    exported = client.get("/api/warranty-cards/export", query_string={"format": "csv"}, headers=h).data
    text = exported.decode("utf-8-sig")
    assert other in text
    r = upload(client, net, "warranty-cards", text.replace(other, fullwidth(other)).encode("utf-8-sig"),
               name="cards.csv")
    assert r.json["errors"] == [] and (r.json["created"], r.json["updated"]) == (0, 0), r.json


def test_repair_intake_list_and_history_by_other_digits(client, net, rw):
    h = net.headers("sz01.clerk")
    r = client.post("/api/repair/orders", json=intake_body(rw, imei=fullwidth(imei(1))), headers=h)
    assert r.status_code == 201, r.json
    order = r.json["order"]
    assert order["imei"] == imei(1)
    assert order["warranty_rule"] == "in_warranty"  # the card of imei(1) was found
    listed = client.get("/api/repair/orders", query_string={"imei": arabic_indic(imei(1))}, headers=h).json["items"]
    assert [o["id"] for o in listed] == [order["id"]]
    hist = client.get(f"/api/repair/imei/{persian(imei(1))}/history", headers=h)
    assert hist.status_code == 200 and hist.json["imei"] == imei(1)


def test_stock_serials_by_other_digits(client, net, world):
    h = net.headers("sz01.manager")
    serial = imei(7)
    r = client.post("/api/stock/goods-receipts", json={
        "kind": "purchase", "warehouse_id": str(world.ids["SZ01.GOOD"]), "party_id": str(world.ids["supplier"]),
        "lines": [{"item_id": str(world.ids["device"]), "quantity": "1", "unit_cost": "4000",
                   "serials": [fullwidth(serial)]}]}, headers=h)
    assert r.status_code == 201, r.json
    assert r.json["lines"][0]["serials"] == [serial]
    assert client.post(f"/api/stock/goods-receipts/{r.json['id']}/post", headers=h).status_code == 200
    where = client.get(f"/api/stock/serials/{arabic_indic(serial)}", headers=h)
    assert where.status_code == 200 and where.json and where.json[0]["serial"] == serial
    moves = client.get("/api/stock/moves", query_string={"serial": fullwidth(serial)}, headers=h).json
    assert moves["total"] == 1


def test_sync_events_carry_ascii_imeis_only(net):
    doc = event(net, "sz01.clerk", "repair_intake", imei=fullwidth(GOOD), customer_name="张三",
                customer_phone="13912345678")
    doc["order_id"] = doc["_id"]
    assert "imei" in {p.field for p in validate_event(doc)}
    assert "imei" not in {p.field for p in validate_event({**doc, "imei": GOOD})}
