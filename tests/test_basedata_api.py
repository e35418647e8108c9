"""Base data API: every kind's create/read/update/deactivate/delete, search, scoping, rules, outbox."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from server.basedata.demo import make_imei
from server.basedata.operations import today_in
from server.outbox.models import OutboxMessage

from .conftest import row_counts


def post(client, net, kind, data, user="admin", status=201):
    r = client.post(f"/api/{kind}", json=data, headers=net.headers(user))
    assert r.status_code == status, (kind, r.status_code, r.json)
    return r.json


@pytest.fixture
def cat(client, net):
    """A small catalogue: one brand, model, TAC, items, a manufacturer and a dealer."""
    c = {}
    c["brand"] = post(client, net, "brands", {"code": "huawei", "name": "华为", "name_en": "Huawei"})
    c["model"] = post(client, net, "models", {"code": "HW-M60P", "name": "华为 Mate 60 Pro", "brand_id": c["brand"]["id"]})
    post(client, net, "tacs", {"code": "86123456", "model_id": c["model"]["id"]})
    c["device"] = post(client, net, "items", {"code": "HW-M60P-DEV", "name": "华为Mate 60 Pro 整机", "kind": "device",
                                              "model_id": c["model"]["id"], "serialized": True, "retail_price": "6999.00"})
    c["screen"] = post(client, net, "items", {"code": "HW-M60P-SCR", "name": "华为Mate 60 Pro 屏幕总成", "kind": "part",
                                              "model_id": c["model"]["id"], "standard_cost": "380.00", "repair_price": "620"})
    c["board"] = post(client, net, "items", {"code": "HW-M60P-MB", "name": "主板", "kind": "mainboard", "model_id": c["model"]["id"]})
    c["charger"] = post(client, net, "items", {"code": "HW-CHG", "name": "华为充电器", "kind": "accessory", "brand_id": c["brand"]["id"]})
    c["maker"] = post(client, net, "parties", {"code": "M-HW", "name": "华为终端有限公司", "roles": ["manufacturer", "supplier"]})
    c["dealer"] = post(client, net, "parties", {"code": "D-XJ", "name": "深圳迅捷通讯", "roles": ["dealer"], "phone": "0755-1234"})
    return c


def payloads(c, net):
    """A valid create payload and one change for every kind."""
    return {
        "brands": ({"code": "XIAOMI", "name": "小米"}, {"name_en": "Xiaomi"}),
        "models": ({"code": "HW-P60", "name": "华为 P60", "brand_id": c["brand"]["id"], "warranty_months": 24}, {"warranty_months": 12}),
        "items": ({"code": "HW-M60P-BAT", "name": "电池", "kind": "part", "model_id": c["model"]["id"], "barcode": "6901234567890"},
                  {"repair_price": "149.00"}),
        "accessories": ({"code": "HW-M60P-CHG", "model_id": c["model"]["id"], "name": "充电器", "item_id": c["charger"]["id"]},
                        {"sort_order": 2}),
        "parties": ({"code": "S-HQB", "name": "华强北配件行", "roles": ["supplier", "distributor"], "bank_account": "6222 0000"},
                    {"roles": ["supplier"]}),
        "repair-levels": ({"manufacturer_id": c["maker"]["id"], "code": "L2", "name": "二级", "grade": 2,
                           "labour_charge": "80.00", "labour_fee": "50.00"}, {"labour_fee": "55.00"}),
        "engineers": ({"code": "E01", "name": "张磊", "grade": 2, "brand_ids": [c["brand"]["id"]],
                       "org_id": str(net.orgs["SZ01"].id)}, {"grade": 3}),
        "fault-symptoms": ({"code": "F002", "name": "屏幕碎裂", "category": "显示", "model_ids": [c["model"]["id"]]},
                           {"category": "外观"}),
        "repair-methods": ({"code": "R002", "name": "更换屏幕总成", "grade": 2}, {"name": "更换屏幕"}),
        "warranty-statuses": ({"code": "IW", "name": "在保", "rule": "in_warranty", "claimable": True}, {"name_en": "In warranty"}),
        "warehouses": ({"code": "GOOD", "name": "良品仓", "kind": "good", "org_id": str(net.orgs["SZ01"].id)}, {"name": "福田良品仓"}),
        "disassembly-formulas": ({"code": "HW-M60P-BOM", "device_item_id": c["device"]["id"],
                                  "lines": [{"component_item_id": c["board"]["id"], "quantity": "1"},
                                            {"component_item_id": c["screen"]["id"], "quantity": "1"}]},
                                 {"lines": [{"component_item_id": c["board"]["id"], "quantity": "1"}]}),
        "members": ({"phone": "138 0013 8000", "name": "张伟", "gender": "male"}, {"address": "深圳市福田区"}),
        "warranty-cards": ({"imei": make_imei("86123456", 1), "sale_date": "2026-06-01", "buyer_name": "张伟",
                            "buyer_phone": "13800138000", "dealer_id": c["dealer"]["id"]}, {"invoice_number": "FP001"}),
        "tacs": ({"code": "86999999", "model_id": c["model"]["id"]}, {"model_id": c["model"]["id"]}),
        "money-accounts": ({"code": "BANK-WS", "name": "批发收款账户", "kind": "bank", "bank_name": "招商银行深圳分行",
                            "account_number": "6214 8307 0000 0001", "business_line": "批发",
                            "org_id": str(net.orgs["SZ01"].id)}, {"business_line": "配件批发"}),
        "commission-rules": ({"code": "C-PART", "name": "配件提成", "scope": "category", "item_kind": "part",
                              "rate_percent": "5.00", "grade": None}, {"fixed_amount": "2.50"}),
    }


def test_every_kind_round_trips_through_the_api(client, net, cat):
    from server.basedata.kinds import KINDS

    cases = payloads(cat, net)
    assert set(cases) == set(KINDS), "every kind needs a case"
    h = net.headers("admin")
    for kind, (data, change) in cases.items():
        created = post(client, net, kind, data)
        got = client.get(f"/api/{kind}/{created['id']}", headers=h)
        assert got.status_code == 200 and got.json == created
        patched = client.patch(f"/api/{kind}/{created['id']}", json=change, headers=h)
        assert patched.status_code == 200, (kind, patched.json)
        for key, value in change.items():
            if key != "lines":
                assert patched.json[key] == value, (kind, key)
        if "active" in created:
            off = client.patch(f"/api/{kind}/{created['id']}", json={"active": False}, headers=h)
            assert off.json["active"] is False
            listed = client.get(f"/api/{kind}?active=false&page_size=200", headers=h).json
            assert created["id"] in [x["id"] for x in listed["items"]], kind
            on = client.get(f"/api/{kind}?active=true&page_size=200", headers=h).json
            assert created["id"] not in [x["id"] for x in on["items"]], kind
        deleted = client.delete(f"/api/{kind}/{created['id']}", headers=h)
        assert deleted.status_code == 204, (kind, deleted.json)
        assert client.get(f"/api/{kind}/{created['id']}", headers=h).status_code == 404


def test_normalisation_and_derived_fields(client, net, cat):
    assert cat["brand"]["code"] == "HUAWEI"
    assert cat["charger"]["brand_id"] == cat["brand"]["id"]
    assert cat["screen"]["brand_id"] == cat["brand"]["id"]  # from the model
    member = post(client, net, "members", {"phone": "138 0013 8000", "name": "张伟"})
    assert member["phone"] == "13800138000"
    card = post(client, net, "warranty-cards", {"imei": make_imei("86123456", 77), "sale_date": "2026-01-15",
                                                "buyer_phone": "13800138000"})
    assert card["model_id"] == cat["model"]["id"]  # from the TAC table


def test_rules_name_the_field_and_change_nothing(client, net, cat, app):
    before = row_counts(app)
    cases = [
        ("warranty-cards", {"imei": "861234560000011", "sale_date": "2026-01-01"}, "imei"),  # Luhn
        ("warranty-cards", {"imei": "12345", "sale_date": "2026-01-01"}, "imei"),
        ("warranty-cards", {"imei": make_imei("99999999", 1), "sale_date": "2026-01-01"}, "model_id"),  # unknown TAC
        ("warranty-cards", {"imei": make_imei("86123456", 2), "sale_date": "2026-01-01", "dealer_id": cat["maker"]["id"]}, "dealer_id"),
        ("warranty-cards", {"imei": make_imei("86123456", 3), "sale_date": (today_in("Asia/Shanghai") + dt.timedelta(days=9)).isoformat()}, "sale_date"),
        ("items", {"code": "X1", "name": "x", "kind": "part", "serialized": True}, "serialized"),
        ("items", {"code": "HW-M60P-SCR", "name": "dup", "kind": "part"}, "code"),
        ("items", {"code": "X2", "name": "x", "kind": "part", "model_id": cat["model"]["id"], "brand_id": cat["maker"]["id"]}, "brand_id"),
        ("repair-levels", {"manufacturer_id": cat["dealer"]["id"], "code": "L1", "name": "x"}, "manufacturer_id"),
        ("accessories", {"code": "A1", "model_id": cat["model"]["id"], "name": "屏", "item_id": cat["screen"]["id"]}, "item_id"),
        ("disassembly-formulas", {"code": "B1", "device_item_id": cat["screen"]["id"],
                                  "lines": [{"component_item_id": cat["board"]["id"], "quantity": "1"}]}, "device_item_id"),
        ("disassembly-formulas", {"code": "B2", "device_item_id": cat["device"]["id"],
                                  "lines": [{"component_item_id": cat["device"]["id"], "quantity": "1"}]}, "lines.0.component_item_id"),
        ("members", {"phone": "call me", "name": "x"}, "phone"),
        ("parties", {"code": "P1", "name": "x", "roles": []}, "roles"),
        ("tacs", {"code": "8612", "model_id": cat["model"]["id"]}, "code"),
        ("engineers", {"code": "E9", "name": "x", "user_id": str(net.users["sz01.clerk"].id), "org_id": str(net.orgs["SZ01"].id)}, "user_id"),
    ]
    for kind, data, field in cases:
        r = client.post(f"/api/{kind}", json=data, headers=net.headers("admin"))
        assert r.status_code == 422, (kind, data, r.json)
        assert field in r.json["errors"], (kind, field, r.json)
    assert row_counts(app) == before


def test_records_in_use_are_deactivated_not_deleted(client, net, cat):
    h = net.headers("admin")
    r = client.delete(f"/api/brands/{cat['brand']['id']}", headers=h)
    assert r.status_code == 409 and "deactivate" in r.json["message"]
    r = client.delete(f"/api/models/{cat['model']['id']}", headers=h)
    assert r.status_code == 409
    assert client.patch(f"/api/brands/{cat['brand']['id']}", json={"active": False}, headers=h).status_code == 200
    assert client.get(f"/api/brands/{cat['brand']['id']}", headers=h).json["active"] is False


def test_search_by_pinyin_initials_words_code_and_identifiers(client, net, cat):
    h = net.headers("sz01.clerk")

    def codes(kind, q):
        r = client.get(f"/api/{kind}", query_string={"q": q}, headers=h)
        assert r.status_code == 200
        return sorted(x.get("code") or x.get("phone") or x.get("imei") for x in r.json["items"])

    assert codes("items", "hwm") == ["HW-M60P-DEV", "HW-M60P-SCR"]  # 华为Mate…
    assert codes("items", "huawei") == ["HW-CHG", "HW-M60P-DEV", "HW-M60P-SCR"]
    assert codes("items", "mate 屏幕") == ["HW-M60P-SCR"]
    assert codes("items", "hw-m60p-s") == ["HW-M60P-SCR"]
    assert codes("items", "pmzc") == ["HW-M60P-SCR"]  # 屏幕总成
    assert codes("items", "nokia") == []
    assert codes("brands", "hw") == ["HUAWEI"]
    assert codes("parties", "xunjie") == ["D-XJ"]
    # Entered at the clerk's point: a point searches the customers it served (test_personal_data_scope).
    post(client, net, "members", {"phone": "13800138000", "name": "张伟"}, user="sz01.clerk")
    post(client, net, "members", {"phone": "13912345678", "name": "王芳"}, user="sz01.clerk")
    assert codes("members", "zw") == ["13800138000"]
    assert codes("members", "1391234") == ["13912345678"]
    imei = make_imei("86123456", 5)
    post(client, net, "warranty-cards", {"imei": imei, "sale_date": "2026-03-01", "buyer_name": "王芳", "buyer_phone": "13912345678"},
         user="sz01.clerk")
    assert codes("warranty-cards", imei[:10]) == [imei]
    assert codes("warranty-cards", "王芳") == [imei]


def test_list_filters_sort_and_paging(client, net, cat):
    h = net.headers("admin")
    r = client.get(f"/api/items?kind=part&model_id={cat['model']['id']}", headers=h).json
    assert [i["code"] for i in r["items"]] == ["HW-M60P-SCR"]
    r = client.get("/api/items?sort=-code&page_size=2", headers=h).json
    assert [i["code"] for i in r["items"]] == ["HW-M60P-SCR", "HW-M60P-MB"] and r["total"] == 4
    r = client.get("/api/items?sort=-code&page_size=2&page=2", headers=h).json
    assert [i["code"] for i in r["items"]] == ["HW-M60P-DEV", "HW-CHG"]
    assert [p["code"] for p in client.get("/api/parties?role=supplier", headers=h).json["items"]] == ["M-HW"]
    other = post(client, net, "models", {"code": "HW-P60", "name": "P60", "brand_id": cat["brand"]["id"]})
    post(client, net, "fault-symptoms", {"code": "F1", "name": "不开机"})
    post(client, net, "fault-symptoms", {"code": "F2", "name": "屏幕碎裂", "model_ids": [cat["model"]["id"]]})
    post(client, net, "fault-symptoms", {"code": "F3", "name": "P60 专有", "model_ids": [other["id"]]})
    r = client.get(f"/api/fault-symptoms?model_id={cat['model']['id']}", headers=h).json
    assert [f["code"] for f in r["items"]] == ["F1", "F2"]  # general ones plus the model's own


def test_organisation_owned_kinds_are_scoped(client, net):
    sz, gz = str(net.orgs["SZ01"].id), str(net.orgs["GZ01"].id)
    mine = post(client, net, "warehouses", {"code": "GOOD", "name": "良品仓", "kind": "good"}, user="sz01.manager")
    assert mine["org_id"] == sz
    theirs = post(client, net, "warehouses", {"code": "GOOD", "name": "良品仓", "kind": "good"}, user="gz01.manager")
    assert theirs["org_id"] == gz  # same code, other organisation
    r = client.post("/api/warehouses", json={"code": "X", "name": "x", "kind": "good", "org_id": gz},
                    headers=net.headers("sz01.manager"))
    assert r.status_code == 403
    listed = client.get("/api/warehouses", headers=net.headers("sz01.clerk")).json["items"]
    assert [w["id"] for w in listed] == [mine["id"]]
    assert client.get(f"/api/warehouses/{theirs['id']}", headers=net.headers("sz01.manager")).status_code == 404
    assert client.patch(f"/api/warehouses/{theirs['id']}", json={"name": "x"}, headers=net.headers("sz01.manager")).status_code == 404
    assert client.delete(f"/api/warehouses/{theirs['id']}", headers=net.headers("sz01.manager")).status_code == 404
    assert client.get("/api/warehouses", headers=net.headers("hq")).json["total"] == 2
    dup = client.post("/api/warehouses", json={"code": "good", "name": "x", "kind": "good"}, headers=net.headers("sz01.manager"))
    assert dup.status_code == 422 and "code" in dup.json["errors"]


def test_permissions_by_role(client, net, cat):
    r = client.post("/api/brands", json={"code": "OPPO", "name": "OPPO"}, headers=net.headers("sz01.manager"))
    assert r.status_code == 403
    assert client.get("/api/brands", headers=net.headers("sz01.clerk")).status_code == 200
    assert client.post("/api/members", json={"phone": "13700000000", "name": "李娜"}, headers=net.headers("sz01.clerk")).status_code == 201
    net.add_user("sz01.engineer", "SZ01", ["engineer"])
    assert client.get("/api/members", headers=net.headers("sz01.engineer")).status_code == 403


def test_changes_write_outbox_rows_for_devices(client, net, cat):
    s = net.session()
    rows = s.execute(select(OutboxMessage).order_by(OutboxMessage.id)).scalars().all()
    item_msgs = [r for r in rows if r.doc_id == f"items:{cat['screen']['id']}"]
    assert len(item_msgs) == 1 and item_msgs[0].target_db == "master"
    assert item_msgs[0].body["code"] == "HW-M60P-SCR" and item_msgs[0].body["kind"] == "items"
    s.close()
    client.patch(f"/api/items/{cat['screen']['id']}", json={"repair_price": "599.00"}, headers=net.headers("admin"))
    client.patch(f"/api/items/{cat['screen']['id']}", json={"repair_price": "599.00"}, headers=net.headers("admin"))  # no change
    wh = post(client, net, "warehouses", {"code": "DEF", "name": "坏件仓", "kind": "defective"}, user="sz01.manager")
    post(client, net, "members", {"phone": "13700000001", "name": "刘洋"})
    s = net.session()
    rows = s.execute(select(OutboxMessage).order_by(OutboxMessage.id)).scalars().all()
    s.close()
    screen = [r for r in rows if r.doc_id == f"items:{cat['screen']['id']}"]
    assert [r.body["repair_price"] for r in screen] == ["620.00", "599.00"]
    [wmsg] = [r for r in rows if r.doc_id == f"md:warehouses:{wh['id']}"]
    assert wmsg.target_db == "sp_sz01"
    assert not [r for r in rows if "member" in r.kind]  # personal data stays on the server


def test_changes_are_audited(client, net, cat):
    client.patch(f"/api/items/{cat['screen']['id']}", json={"repair_price": "599.00"}, headers=net.headers("admin"))
    log = client.get(f"/api/audit-log?entity_id={cat['screen']['id']}", headers=net.headers("admin")).json["items"]
    assert [a["action"] for a in log] == ["items.update", "items.create"]
    assert log[0]["before"] == {"repair_price": "620.00"} and log[0]["after"] == {"repair_price": "599.00"}
