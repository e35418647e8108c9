"""Pure rules: IMEI check digits, search tokens, months; and the warranty rule and counter lookups."""

from __future__ import annotations

import datetime as dt

import pytest

from server.basedata.demo import make_imei
from server.basedata.queries import add_months
from server.basedata.text import imei_problem, luhn_check_digit, query_words, tokens_for


@pytest.mark.parametrize("imei, problem", [
    ("490154203237518", None), ("356938035643809", None),
    ("490154203237519", "check digit is wrong (Luhn)"), ("49015420323751", "must be 15 digits"),
    ("49015420323751a", "must be 15 digits"), ("", "must be 15 digits"),
])
def test_imei_validation(imei, problem):
    assert imei_problem(imei) == problem


def test_luhn_check_digit_completes_a_valid_imei():
    for body in ("49015420323751", "35693803564380", "86123456000001"):
        assert imei_problem(body + luhn_check_digit(body)) is None


def test_tokens_cover_pinyin_initials_words_and_suffixes():
    tokens = tokens_for("华为Mate 60 Pro 屏幕总成", "HW-M60P-SCR")
    for expected in ("hwm6ppmzc", "huaweimate60propingmuzongcheng", "mate", "屏幕总成", "pmzc", "pingmuzongcheng", "zongcheng", "zc", "hw-m60p-scr"):
        assert expected in tokens, expected
    assert all(len(t) <= 64 for t in tokens)
    assert "13800138000" in tokens_for("张伟", exact=("138 0013 8000".replace(" ", ""),))
    assert query_words("  Mate   屏幕 ") == ["mate", "屏幕"]


@pytest.mark.parametrize("start, months, end", [
    (dt.date(2026, 1, 31), 1, dt.date(2026, 2, 28)), (dt.date(2024, 1, 31), 1, dt.date(2024, 2, 29)),
    (dt.date(2025, 11, 15), 12, dt.date(2026, 11, 15)), (dt.date(2025, 12, 1), 2, dt.date(2026, 2, 1)),
])
def test_add_months_clamps_the_day(start, months, end):
    assert add_months(start, months) == end


@pytest.fixture
def warranty_data(client, net):
    h = net.headers("admin")
    brand = client.post("/api/brands", json={"code": "HONOR", "name": "荣耀"}, headers=h).json
    model = client.post("/api/models", json={"code": "HN-90", "name": "荣耀 90", "brand_id": brand["id"], "warranty_months": 12}, headers=h).json
    client.post("/api/tacs", json={"code": "86555555", "model_id": model["id"]}, headers=h)
    for code, name, rule in [("IW", "在保", "in_warranty"), ("OOW", "过保", "out_of_warranty"), ("IWP", "在保待检", "pending_inspection")]:
        client.post("/api/warranty-statuses", json={"code": code, "name": name, "rule": rule}, headers=h)
    client.post("/api/members", json={"phone": "13800138000", "name": "张伟"}, headers=h)
    for serial, sold in [(1, "2026-01-10"), (2, "2025-06-01")]:
        client.post("/api/warranty-cards", json={"imei": make_imei("86555555", serial), "sale_date": sold,
                                                  "buyer_phone": "13800138000", "buyer_name": "张伟"}, headers=h)
    return model


def test_warranty_rule(client, net, warranty_data):
    h = net.headers("sz01.clerk")

    def check(imei, **kw):
        r = client.get("/api/lookup/warranty", query_string={"imei": imei, "on": "2026-11-27", **kw}, headers=h)
        assert r.status_code == 200, r.json
        return r.json

    inside = check(make_imei("86555555", 1))
    assert (inside["rule"], inside["status_code"], inside["expires_on"], inside["model_source"]) == \
        ("in_warranty", "IW", "2027-01-10", "warranty_card")
    expired = check(make_imei("86555555", 2))
    assert (expired["rule"], expired["status_code"], expired["expires_on"]) == ("out_of_warranty", "OOW", "2026-06-01")
    stated = check(make_imei("86555555", 3), purchase_date="2026-03-01")
    assert (stated["rule"], stated["status_code"], stated["model_id"]) == ("pending_inspection", "IWP", warranty_data["id"])
    old = check(make_imei("86555555", 4), purchase_date="2024-03-01")
    assert old["rule"] == "out_of_warranty"
    unknown = check(make_imei("12345678", 4))
    assert (unknown["rule"], unknown["model_id"], unknown["model_source"]) == ("pending_inspection", None, "none")
    bad = client.get("/api/lookup/warranty", query_string={"imei": "123"}, headers=h)
    assert bad.status_code == 422 and "imei" in bad.json["errors"]


def test_imei_and_phone_lookups(client, net, warranty_data):
    h = net.headers("sz01.clerk")
    r = client.get(f"/api/lookup/imei/{make_imei('86555555', 9)}", headers=h).json
    assert r["valid"] and r["model_id"] == warranty_data["id"]
    r = client.get("/api/lookup/imei/86555555000000", headers=h).json
    assert r["valid"] is False and r["problem"] == "must be 15 digits"
    r = client.get("/api/lookup/phone/138-0013-8000".replace("-", ""), headers=h).json
    assert r["member"]["name"] == "张伟"
    assert [c["sale_date"] for c in r["warranty_cards"]] == ["2026-01-10", "2025-06-01"]
    assert client.get("/api/lookup/phone/13800138000", headers=net.headers("gz01.manager")).status_code == 200
    net.add_user("eng", "SZ01", ["engineer"])
    assert client.get("/api/lookup/phone/13800138000", headers=net.headers("eng")).status_code == 403
