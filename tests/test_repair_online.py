"""The repair order list online (HQ and managers, issue 16 §5), on SQLite and PostgreSQL: the
list's filters, search, sort and totals; headquarters sees every point, a point its own; the
streamed Excel export (content, scope, permission, audit); the workspace describer; the IMEI
timeline across points."""

from __future__ import annotations

import datetime as dt
import io
import uuid

import pytest
from openpyxl import load_workbook
from sqlalchemy import select, update

from server.basedata.operations import today_in
from server.core.models import AuditLog
from server.db import unit_of_work
from server.repair.models import RepairOrder

from .repair_fixtures import intake_body, rw  # noqa: F401
from .stock_fixtures import imei, world  # noqa: F401


def take_in(client, net, w, username, **kw):
    r = client.post("/api/repair/orders", json=intake_body(w, **kw), headers=net.headers(username))
    assert r.status_code == 201, r.json
    return r.json["order"]


@pytest.fixture
def orders(rw, net, client):
    """Three SZ01 orders (walk-ins and the member), two at SZ02, one at GZ01; one SZ01 order accepted,
    one SZ02 order in mode C and promised yesterday."""
    net.add_user("sz02.clerk", "SZ02", ["clerk"])
    walk = lambda n: {"member_phone": "", "customer_name": f"客户{n}", "customer_phone": f"1390000{n:04d}"}  # noqa: E731
    o = {
        "a": take_in(client, net, rw, "sz01.clerk"),
        "b": take_in(client, net, rw, "sz01.clerk", imei=imei(2), **walk(2)),
        "c": take_in(client, net, rw, "sz01.clerk", imei=imei(3), **walk(3)),
        "d": take_in(client, net, rw, "sz02.clerk", imei=imei(4), **walk(4)),
        "e": take_in(client, net, rw, "sz02.clerk", imei=imei(5), mode="C", **walk(5),
                     promised_date=today_in("Asia/Shanghai").isoformat()),
        "f": take_in(client, net, rw, "gz01.clerk", imei=imei(6), **walk(6)),
    }
    r = client.post(f"/api/repair/orders/{o['b']['id']}/accept", json={}, headers=net.headers("sz01.clerk"))
    assert r.status_code == 200, r.json
    s = net.session()
    with unit_of_work(s):  # yesterday's promise: overdue today; an intake ten days ago
        s.execute(update(RepairOrder).where(RepairOrder.id == uuid.UUID(o["e"]["id"]))
                  .values(promised_date=today_in("Asia/Shanghai") - dt.timedelta(days=1)))
        s.execute(update(RepairOrder).where(RepairOrder.id == uuid.UUID(o["a"]["id"]))
                  .values(doc_date=today_in("Asia/Shanghai") - dt.timedelta(days=10)))
    s.close()
    return o


def listed(client, net, username, **query):
    r = client.get("/api/repair/orders", query_string=query, headers=net.headers(username))
    assert r.status_code == 200, r.json
    return r.json


def numbers(page):
    return [i["number"] for i in page["items"]]


def test_headquarters_sees_every_point_a_point_its_own(orders, net, client):
    hq = listed(client, net, "hq")
    assert hq["total"] == 6 and hq["totals"] == {"open": 6, "overdue": 1}
    assert {i["org_id"] for i in hq["items"]} == {str(net.orgs[c].id) for c in ("SZ01", "SZ02", "GZ01")}
    sz01 = listed(client, net, "sz01.clerk")
    assert sorted(numbers(sz01)) == sorted(orders[k]["number"] for k in "abc")
    assert listed(client, net, "gz01.clerk")["total"] == 1
    # A point's filter on another point finds nothing; headquarters' finds that point's orders.
    assert listed(client, net, "sz01.clerk", org_id=str(net.orgs["SZ02"].id))["total"] == 0
    sz02 = listed(client, net, "hq", org_id=str(net.orgs["SZ02"].id))
    assert sorted(numbers(sz02)) == sorted(orders[k]["number"] for k in "de")
    assert sz02["totals"] == {"open": 2, "overdue": 1}


def test_filters_search_sort_and_paging(orders, net, client):
    o = orders
    assert numbers(listed(client, net, "hq", state="pending_repair")) == [o["b"]["number"]]
    assert numbers(listed(client, net, "hq", mode="C")) == [o["e"]["number"]]
    ten_days = (today_in("Asia/Shanghai") - dt.timedelta(days=10)).isoformat()
    assert numbers(listed(client, net, "hq", until=ten_days)) == [o["a"]["number"]]
    assert o["a"]["number"] not in numbers(listed(client, net, "hq", since=(today_in("Asia/Shanghai") - dt.timedelta(days=9)).isoformat()))
    # Search: the whole number in any case, the IMEI, the phone.
    assert numbers(listed(client, net, "hq", q=o["d"]["number"].lower())) == [o["d"]["number"]]
    assert numbers(listed(client, net, "hq", q=imei(6))) == [o["f"]["number"]]
    assert numbers(listed(client, net, "hq", q="13900000003")) == [o["c"]["number"]]
    assert listed(client, net, "sz01.clerk", q=imei(6))["total"] == 0  # GZ01's device, not SZ01's order
    # Sort: newest first by default; by number both ways; paging keeps the order and the total.
    default = numbers(listed(client, net, "hq"))
    assert default == [o[k]["number"] for k in "fedcba"]
    asc = numbers(listed(client, net, "hq", sort="number"))
    assert asc == sorted(asc) and numbers(listed(client, net, "hq", sort="-number")) == asc[::-1]
    p2 = listed(client, net, "hq", sort="number", page=2, page_size=4)
    assert numbers(p2) == asc[4:] and p2["total"] == 6
    assert numbers(listed(client, net, "hq", sort="-doc_date"))[-1] == o["a"]["number"]


def test_bad_list_input_names_the_field(orders, net, client):
    for query, field in (({"mode": "X"}, "mode"), ({"sort": "customer_name"}, "sort"), ({"since": "2026-13-01"}, "since"),
                         ({"org_id": "SZ02"}, "org_id"), ({"q": "x" * 41}, "q")):
        r = client.get("/api/repair/orders", query_string=query, headers=net.headers("hq"))
        assert r.status_code == 422 and field in r.json["errors"], (query, r.json)


def _sheet(resp):
    assert resp.status_code == 200, resp.data[:300]
    assert resp.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    ws = load_workbook(io.BytesIO(resp.data), read_only=True).active
    return [list(r) for r in ws.iter_rows(values_only=True)]


def test_the_export_is_the_filtered_list_and_is_audited(orders, net, client):
    o = orders
    rows = _sheet(client.get("/api/repair/orders/export", query_string={"sort": "number"}, headers=net.headers("hq")))
    assert rows[0][:4] == ["单号", "受理日期", "网点", "状态"] and len(rows) == 7
    assert [r[0] for r in rows[1:]] == sorted(o[k]["number"] for k in "abcdef")
    e = next(r for r in rows if r[0] == o["e"]["number"])
    assert e[2] == "SZ02" and e[3] == "待受理" and e[4] == "返厂维修" and e[6] == "13900000005" and e[7] == imei(5)
    assert isinstance(e[7], str)  # an IMEI stays text, never a number
    en = _sheet(client.get("/api/repair/orders/export", query_string={"org_id": str(net.orgs["SZ02"].id), "mode": "C",
                                                                        "lang": "en"}, headers=net.headers("hq")))
    assert en[0][:4] == ["Number", "Taken in", "Point", "State"] and [r[0] for r in en[1:]] == [o["e"]["number"]]
    assert en[1][3] == "Pending acceptance" and en[1][4] == "Return-to-factory repair"
    # A point's manager exports its own orders only.
    own = _sheet(client.get("/api/repair/orders/export", headers=net.headers("sz01.manager")))
    assert sorted(r[0] for r in own[1:]) == sorted(o[k]["number"] for k in "abc")
    s = net.session()
    audit = s.execute(select(AuditLog).where(AuditLog.action == "repair_orders.export").order_by(AuditLog.at)).scalars().all()
    assert [(a.username, a.after["rows"]) for a in audit] == [("hq", 6), ("hq", 1), ("sz01.manager", 3)]
    assert audit[1].after["filters"] == {"org_id": str(net.orgs["SZ02"].id), "mode": "C"}
    s.close()


def test_the_export_is_personal_data_in_bulk(orders, net, client):
    # A clerk sees the list but may not take every customer's phone away in a sheet.
    r = client.get("/api/repair/orders/export", headers=net.headers("sz01.clerk"))
    assert r.status_code == 403
    r = client.get("/api/repair/orders/export", query_string={"format": "csv"}, headers=net.headers("hq"))
    assert r.status_code == 422 and "format" in r.json["errors"]


def test_the_workspace_describes_the_online_list(orders, net, client):
    meta = client.get("/api/meta/documents", headers=net.headers("hq")).json
    entry = next(e for e in meta["documents"] if e["key"] == "repair-orders")
    assert entry["family"] == "repair" and entry["path"] == "/api/repair/orders"
    assert entry["read"] == "/api/repair/orders/{id}" and entry["number_prefix"] == "WX"
    lst = entry["list"]
    assert {f["name"] for f in lst["filters"]} >= {"state", "mode", "org_id", "since", "until"}
    state = next(f for f in lst["filters"] if f["name"] == "state")
    assert state["type"] == "enum" and state["choices"][0]["label"] == {"zh-CN": "待受理", "en": "Pending acceptance"}
    assert next(f for f in lst["filters"] if f["name"] == "org_id")["lookup"]["kind"] == "organisations"
    assert lst["search"] == "q" and {o["value"] for o in lst["sort"]["options"]} == {"created_at", "doc_date", "number", "promised_date"}
    assert [t["name"] for t in lst["totals"]] == ["open", "overdue"]
    assert lst["export"]["path"] == "/api/repair/orders/export" and lst["export"]["query"] is True
    assert "org_id" in [c["name"] for c in lst["columns"]]
    assert entry["menu"] == {"section": "backOffice", "point_db": False}
    # A point's clerk: the same list, no point column or filter, no export (personal data in bulk).
    clerk = next(e for e in client.get("/api/meta/documents", headers=net.headers("sz01.clerk")).json["documents"]
                 if e["key"] == "repair-orders")
    assert "org_id" not in [c["name"] for c in clerk["list"]["columns"]] and clerk["list"]["export"] is None
    # Every filter the describer offers is one the route takes.
    q = {f["name"]: "x" for f in lst["filters"]}
    r = client.get("/api/repair/orders", query_string={"page_size": 1, **{k: v for k, v in q.items() if k == "q"}},
                   headers=net.headers("hq"))
    assert r.status_code == 200


def test_the_imei_timeline_crosses_points_for_headquarters(orders, rw, net, client):
    # The same device comes back at SZ02: headquarters sees both repairs, each point its own.
    again = take_in(client, net, rw, "sz02.clerk", imei=imei(2), member_phone="", customer_name="客户2",
                    customer_phone="13900000002")
    hq = client.get(f"/api/repair/imei/{imei(2)}/history", headers=net.headers("hq")).json
    assert [o["number"] for o in hq["orders"]] == [orders["b"]["number"], again["number"]]
    intake = [e for e in hq["entries"] if e["kind"] == "repair.intake"]
    assert {e["order_id"] for e in intake} == {orders["b"]["id"], again["id"]}
    sz01 = client.get(f"/api/repair/imei/{imei(2)}/history", headers=net.headers("sz01.clerk")).json
    assert [o["number"] for o in sz01["orders"]] == [orders["b"]["number"]]


def test_the_sheet_writer_keeps_text_text_and_values_typed(tmp_path):
    from decimal import Decimal

    from server.exports import write_xlsx

    path = str(tmp_path / "x.xlsx")
    stamp = dt.datetime(2026, 12, 7, 9, 30)
    n = write_xlsx(path, ["a", "b"], iter([["=1+1", "<b>&amp;"], ["0012", "x\x01y"], [dt.date(2026, 12, 7), stamp],
                                           [Decimal("12.50"), True], [None, ""]]), [10, 12])
    assert n == 5
    rows = [list(r) for r in load_workbook(path, read_only=True).active.iter_rows(values_only=True)]
    assert rows[0] == ["a", "b"]
    assert rows[1] == ["=1+1", "<b>&amp;"]  # a formula-looking text stays text; markup is escaped
    assert rows[2] == ["0012", "xy"]  # leading zeros kept; a character XML cannot carry is dropped
    assert rows[3] == [dt.datetime(2026, 12, 7), stamp]
    assert rows[4] == [12.5, True]
