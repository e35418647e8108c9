"""Personal data scope (issue 15, finding 10): members and warranty cards, role by role.

A service point lists, searches, reads and changes the members and cards it served (registered
there, or a repair there); it finds any other by the exact phone or IMEI, and that is audited.
Delete, export and import need customer.personal_data. Headquarters sees all; dealers nothing.
"""

from __future__ import annotations

import csv
import io
import uuid

import pytest
from sqlalchemy import func, select

from server.auth.models import User
from server.auth.operations import principal_for
from server.auth.principal import set_principal
from server.basedata.models import Member, WarrantyCard
from server.basedata.queries import card_by_imei, member_by_phone
from server.core.models import AuditLog
from server.errors import Forbidden

from .repair_fixtures import intake_body, rw  # noqa: F401
from .stock_fixtures import imei, world  # noqa: F401
from .sync_support import couch, event, make_worker, publish_all  # noqa: F401

A, B, H, W = "13811110001", "13922220002", "13733330003", "13800138000"  # SZ01's, GZ01's, HQ's, the system's
EVERY = {A, B, H, W}
# What each role lists: its own point's members; headquarters all of them.
MEMBERS_LISTED = {"admin": EVERY, "hq": EVERY, "sz01.manager": {A}, "sz01.clerk": {A}, "sz01.finance": {A},
                  "sz01.cs": {A}, "gz01.manager": {B}, "gz01.clerk": {B}}
NO_ACCESS = ("dealer", "sz01.engineer")


@pytest.fixture
def pd(client, net, rw):
    """Members A (entered at SZ01), B (at GZ01, with the card of imei(2)), H (at headquarters) and
    W (the repair world's, entered by the system, with the card of imei(1)); a dealer account."""
    net.add_user("dealer", "HQ", ["dealer"])
    ids = {"W": rw.ids["member"]}
    for key, phone, name, user in (("A", A, "李雷", "sz01.clerk"), ("B", B, "韩梅梅", "gz01.clerk"), ("H", H, "张三", "hq")):
        ids[key] = post(client, net, "members", {"phone": phone, "name": name}, user)["id"]
    ids["cardB"] = post(client, net, "warranty-cards", {"imei": imei(2), "sale_date": "2026-06-01", "buyer_name": "韩梅梅",
                                                        "buyer_phone": B}, "gz01.clerk")["id"]
    with rw.open() as s:
        ids["cardW"] = str(s.execute(select(WarrantyCard.id).where(WarrantyCard.imei == imei(1))).scalar_one())
    return ids


def post(client, net, kind, data, user, status=201):
    r = client.post(f"/api/{kind}", json=data, headers=net.headers(user))
    assert r.status_code == status, (kind, user, r.status_code, r.json)
    return r.json


def listed(client, net, user, kind="members", **query) -> set[str]:
    r = client.get(f"/api/{kind}", query_string={"page_size": 200, **query}, headers=net.headers(user))
    assert r.status_code == 200, (user, r.json)
    assert r.json["total"] == len(r.json["items"]), "the total counts only what the point may see"
    return {x["phone"] if kind == "members" else x["imei"] for x in r.json["items"]}


def audit_rows(rw, action: str) -> list[AuditLog]:
    with rw.open() as s:
        return list(s.execute(select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.at)).scalars())


def upload(client, net, kind, rows: list[list[str]], user):
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    return client.post(f"/api/{kind}/import", data={"file": (io.BytesIO(buf.getvalue().encode()), f"{kind}.csv")},
                       headers=net.headers(user), content_type="multipart/form-data")


def exported(client, net, kind, user) -> list[list[str]]:
    r = client.get(f"/api/{kind}/export", query_string={"format": "csv"}, headers=net.headers(user))
    assert r.status_code == 200, (user, r.json)
    return list(csv.reader(io.StringIO(r.data.decode("utf-8-sig"))))


# -- list, search, read ------------------------------------------------------------------------

def test_lists_and_searches_show_only_what_the_point_served(client, net, pd):
    for user, members in MEMBERS_LISTED.items():
        assert listed(client, net, user) == members, user
        assert listed(client, net, user, q=B[:7]) == members & {B}, user  # a prefix of another point's number
        assert listed(client, net, user, q="hmm") == members & {B}, user  # 韩梅梅 by pinyin initials
        cards = {imei(1), imei(2)} if user in ("admin", "hq") else {imei(2)} if user.startswith("gz01") else set()
        assert listed(client, net, user, "warranty-cards") == cards, user
        assert listed(client, net, user, "warranty-cards", q=B) == cards & {imei(2)}, user
    for user in NO_ACCESS:
        for path in ("/api/members", "/api/warranty-cards", f"/api/lookup/phone/{A}", f"/api/lookup/imei/{imei(2)}"):
            assert client.get(path, headers=net.headers(user)).status_code == 403, (user, path)
    for user, members in MEMBERS_LISTED.items():
        for key, phone in (("A", A), ("B", B), ("H", H), ("W", W)):
            r = client.get(f"/api/members/{pd[key]}", headers=net.headers(user))
            assert r.status_code == (200 if phone in members else 404), (user, key)


def test_exact_phone_and_imei_lookups_cross_points_and_are_audited(client, net, pd, rw):
    h = net.headers("sz01.clerk")
    r = client.get(f"/api/lookup/phone/{B}", headers=h)
    assert r.status_code == 200
    assert r.json["member"]["name"] == "韩梅梅" and [c["imei"] for c in r.json["warranty_cards"]] == [imei(2)]
    [seen] = audit_rows(rw, "members.lookup")
    assert (seen.entity_id, seen.username, seen.org_id, seen.after) == (pd["B"], "sz01.clerk", net.orgs["SZ01"].id,
                                                                        {"by": "phone"})
    assert [a.entity_id for a in audit_rows(rw, "warranty-cards.lookup")] == [pd["cardB"]]
    # One's own customer, and headquarters, leave no lookup record; nor does an unknown number.
    assert client.get(f"/api/lookup/phone/{A}", headers=h).json["member"]["name"] == "李雷"
    assert client.get(f"/api/lookup/phone/{B}", headers=net.headers("hq")).json["member"]["name"] == "韩梅梅"
    assert client.get("/api/lookup/phone/13500000000", headers=h).json["member"] is None
    assert len(audit_rows(rw, "members.lookup")) == 1 and len(audit_rows(rw, "warranty-cards.lookup")) == 1
    # The IMEI finds another point's card for the warranty (the sale, not the person).
    r = client.get(f"/api/lookup/imei/{imei(2)}", headers=h).json
    assert r["warranty"]["model_source"] == "warranty_card" and r["warranty"]["warranty_card_id"] == pd["cardB"]
    r = client.get("/api/lookup/warranty", query_string={"imei": imei(2)}, headers=h).json
    assert r["warranty_card_id"] == pd["cardB"] and r["sale_date"] == "2026-06-01"
    # The lookup answers; the record itself stays the other point's.
    assert client.get(f"/api/members/{pd['B']}", headers=h).status_code == 404
    assert client.get(f"/api/warranty-cards/{pd['cardB']}", headers=h).status_code == 404


# -- change ------------------------------------------------------------------------------------

def test_a_point_changes_only_what_it_served(client, net, pd, rw):
    h = net.headers("sz01.clerk")
    assert client.patch(f"/api/members/{pd['A']}", json={"address": "深圳市南山区"}, headers=h).status_code == 200
    assert client.patch(f"/api/members/{pd['B']}", json={"name": "改名"}, headers=h).status_code == 404
    assert client.patch(f"/api/warranty-cards/{pd['cardB']}", json={"invoice_number": "X"}, headers=h).status_code == 404
    # The phone is one person's network-wide: taken elsewhere is a 422 on the field, not a 500.
    r = client.post("/api/members", json={"phone": B, "name": "冒名"}, headers=h)
    assert r.status_code == 422 and "phone" in r.json["errors"], r.json
    # A point registers customers at itself only, at entry and later.
    gz = str(net.orgs["GZ01"].id)
    r = client.post("/api/members", json={"phone": "13600000006", "name": "赵六", "registered_org_id": gz}, headers=h)
    assert r.status_code == 403 and "registered_org_id" in r.json["errors"], r.json
    r = client.patch(f"/api/members/{pd['A']}", json={"registered_org_id": gz}, headers=h)
    assert r.status_code == 403 and "registered_org_id" in r.json["errors"], r.json
    r = client.post("/api/warranty-cards", json={"imei": imei(3), "sale_date": "2026-05-01", "registered_org_id": gz},
                    headers=h)
    assert r.status_code == 403 and "registered_org_id" in r.json["errors"], r.json
    new = post(client, net, "members", {"phone": "13600000006", "name": "赵六"}, "sz01.clerk")
    card = post(client, net, "warranty-cards", {"imei": imei(3), "sale_date": "2026-05-01"}, "sz01.clerk")
    assert new["registered_org_id"] == card["registered_org_id"] == str(net.orgs["SZ01"].id)
    assert client.get(f"/api/warranty-cards/{card['id']}", headers=h).status_code == 200
    # The owner point and headquarters change them.
    assert client.patch(f"/api/warranty-cards/{pd['cardB']}", json={"invoice_number": "FP9"},
                        headers=net.headers("gz01.clerk")).status_code == 200
    assert client.patch(f"/api/members/{pd['B']}", json={"note": "VIP"}, headers=net.headers("hq")).status_code == 200
    with rw.open() as s:
        b = s.get(Member, uuid.UUID(pd["B"]))
        a = s.get(Member, uuid.UUID(pd["A"]))
        assert (b.name, b.note, a.registered_org_id) == ("韩梅梅", "VIP", net.orgs["SZ01"].id)
        assert s.execute(select(func.count()).select_from(Member).where(Member.name == "冒名")).scalar_one() == 0


def test_the_session_refuses_to_write_data_the_point_did_not_serve(net, pd, rw):
    """Defence in depth: whatever the entry point, a flush that changes or deletes another point's
    customer is refused, also for a record found by its exact key."""
    with rw.open() as s:
        set_principal(s, principal_for(s, s.get(User, net.users["sz01.clerk"].id)))
        assert s.execute(select(Member).where(Member.phone == B)).scalar_one_or_none() is None  # not listed
        b = member_by_phone(s, B)
        assert b is not None and b.name == "韩梅梅"  # found by the exact phone
        b.name = "改名"
        with pytest.raises(Forbidden):
            s.flush()
        s.rollback()
        card = card_by_imei(s, imei(2))
        s.delete(card)
        with pytest.raises(Forbidden):
            s.flush()
        s.rollback()
        mine = member_by_phone(s, A)
        mine.registered_org_id = net.orgs["GZ01"].id  # giving one's customer to another point
        with pytest.raises(Forbidden) as refused:
            s.flush()
        assert "registered_org_id" in refused.value.errors
        s.rollback()
    with rw.open() as s:
        assert s.get(Member, uuid.UUID(pd["B"])).name == "韩梅梅"
        assert s.get(WarrantyCard, uuid.UUID(pd["cardB"])) is not None


# -- the intake: a returning customer at another point --------------------------------------------

def test_intake_of_a_customer_served_elsewhere_makes_them_served_here(client, net, pd, rw):
    h = net.headers("sz01.clerk")
    r = client.post("/api/repair/orders", json=intake_body(rw, member_phone=B, imei=imei(2)), headers=h)
    assert r.status_code == 201, r.json
    order = r.json["order"]
    assert (order["customer_name"], order["warranty_card_id"]) == ("韩梅梅", pd["cardB"])
    assert listed(client, net, "sz01.clerk") == {A, B}
    assert listed(client, net, "sz01.clerk", "warranty-cards") == {imei(2)}  # the device repaired here
    assert client.patch(f"/api/members/{pd['B']}", json={"address": "广州市天河区"}, headers=h).status_code == 200
    assert listed(client, net, "gz01.clerk") == {B}  # still GZ01's too
    net.add_user("sz02.clerk", "SZ02", ["clerk"])
    assert listed(client, net, "sz02.clerk") == set()  # a lower-level point is another point


def test_sync_intake_of_a_customer_served_elsewhere_posts(app, client, net, pd, rw, couch):
    """The tablet's intake (no server lookup offline) names GZ01's member by phone, with a deposit."""
    doc = event(net, "sz01.clerk", "repair_intake", member_phone=B, imei=imei(2), passcode="1234",
                symptom_ids=[str(rw.ids["nopower"])], accessories_received=[],
                deposit={"amount": "50.00", "account_id": str(rw.ids["SZ01.CASH"])})
    doc["order_id"] = doc["_id"]
    couch.bulk_docs("sp_sz01", [doc])
    totals = make_worker(app, couch).drain()
    assert totals["posted"] == 1 and totals["rejected"] == 0, totals
    r = client.get(f"/api/repair/orders/{doc['_id']}", headers=net.headers("sz01.clerk"))
    assert r.status_code == 200 and r.json["order"]["customer_name"] == "韩梅梅", r.json
    assert client.get(f"/api/members/{pd['B']}", headers=net.headers("sz01.clerk")).status_code == 200


# -- delete, export, import --------------------------------------------------------------------

def test_delete_export_and_import_need_the_back_office_permission(client, net, pd):
    for user in ("sz01.clerk", "sz01.cs", "sz01.finance", "gz01.clerk"):
        h = net.headers(user)
        for method, path in (("DELETE", f"/api/members/{pd['A']}"), ("DELETE", f"/api/warranty-cards/{pd['cardB']}"),
                             ("GET", "/api/members/export"), ("GET", "/api/warranty-cards/export"),
                             ("POST", "/api/members/import"), ("POST", "/api/warranty-cards/import")):
            r = client.open(path, method=method, headers=h)
            assert r.status_code == 403 and r.json["errors"] == {"permission": ["customer.personal_data"]}, (user, path)
    for user in NO_ACCESS:
        assert client.get("/api/members/export", headers=net.headers(user)).status_code == 403
    assert listed(client, net, "hq") == EVERY  # nothing was deleted


def test_exports_hold_what_the_point_served_and_are_audited(client, net, pd, rw):
    rows = exported(client, net, "members", "sz01.manager")
    phone = rows[0].index("phone")
    assert [r[phone] for r in rows[1:]] == [A]
    assert exported(client, net, "warranty-cards", "sz01.manager")[1:] == []
    gz = exported(client, net, "warranty-cards", "gz01.manager")
    assert [r[gz[0].index("imei")] for r in gz[1:]] == [imei(2)]
    assert {r[phone] for r in exported(client, net, "members", "hq")[1:]} == EVERY
    logged = [(a.username, a.org_id, a.after) for a in audit_rows(rw, "members.export")]
    assert logged == [("sz01.manager", net.orgs["SZ01"].id, {"format": "csv", "rows": 1}),
                      ("hq", net.orgs["HQ"].id, {"format": "csv", "rows": 4})]
    assert [a.after["rows"] for a in audit_rows(rw, "warranty-cards.export")] == [0, 1]
    # Master data exports are not personal data and leave no record.
    assert client.get("/api/brands/export?format=csv", headers=net.headers("hq")).status_code == 200
    assert audit_rows(rw, "brands.export") == []


def test_a_manager_deletes_only_the_points_own_customers(client, net, pd, rw):
    h = net.headers("sz01.manager")
    assert client.delete(f"/api/members/{pd['B']}", headers=h).status_code == 404
    assert client.delete(f"/api/warranty-cards/{pd['cardB']}", headers=h).status_code == 404
    assert client.delete(f"/api/members/{pd['A']}", headers=h).status_code == 204
    assert client.delete(f"/api/warranty-cards/{pd['cardB']}", headers=net.headers("gz01.manager")).status_code == 204
    assert client.delete(f"/api/members/{pd['H']}", headers=net.headers("hq")).status_code == 204
    assert listed(client, net, "admin") == {B, W}
    assert {a.entity_id for a in audit_rows(rw, "members.delete")} == {pd["A"], pd["H"]}
    assert [a.username for a in audit_rows(rw, "warranty-cards.delete")] == ["gz01.manager"]


def test_a_point_imports_only_its_own_customers(client, net, pd, rw):
    header = ["phone", "name"]
    # Another point's customer (its number exists) is not updated from here; nothing is written.
    r = upload(client, net, "members", [header, ["13600000007", "孙七"], [B, "韩梅梅改"]], "sz01.manager")
    assert r.status_code == 200 and [(e["row"], e["column"]) for e in r.json["errors"]] == [(3, "id")], r.json
    r = upload(client, net, "members", [header + ["registered_org_code"], ["13600000007", "孙七", "GZ01"]], "sz01.manager")
    assert [(e["row"], e["column"]) for e in r.json["errors"]] == [(2, "registered_org_code")], r.json
    assert listed(client, net, "admin") == EVERY
    r = upload(client, net, "members", [header, ["13600000007", "孙七"], [A, "李雷"]], "sz01.manager")
    assert r.json["errors"] == [] and (r.json["created"], r.json["unchanged"]) == (1, 1), r.json
    assert listed(client, net, "sz01.clerk") == {A, "13600000007"}
    with rw.open() as s:
        assert s.get(Member, uuid.UUID(pd["B"])).name == "韩梅梅"
    # Headquarters imports for any point.
    r = upload(client, net, "members", [header, [B, "韩梅梅"], [W, "王芳芳"]], "hq")
    assert r.json["errors"] == [] and r.json["updated"] == 1, r.json
