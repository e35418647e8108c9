"""Custom reports (自定义报表, /api/reports/custom) on SQLite and PostgreSQL: a three-level grouping
with hand-computed subtotals, the Excel export read back with openpyxl, refused specs, organisation
scoping, periods in the business time zone, the pivot, saved and shared reports."""

from __future__ import annotations

import io
import itertools
import threading
import uuid

import openpyxl
import pytest
from sqlalchemy import select, update

from server.core.models import AuditLog
from server.org.models import Organisation
from server.reports.custom.registry import sources

from .repair_fixtures import rw  # noqa: F401
from .stock_fixtures import imei, receipt, world  # noqa: F401
from .test_reports import set_times, take_in

RUN = "/api/reports/custom/run"
EXPORT = "/api/reports/custom/export"
SAVED = "/api/reports/custom/saved"
ZH = {"Accept-Language": "zh-CN"}


def run(client, net, username, spec, expect=200, lang=None):
    r = client.post(RUN, json=spec, headers={**net.headers(username), **(lang or {})})
    assert r.status_code == expect, r.json
    return r.json


@pytest.fixture
def lines(world, net):
    """Goods receipts (posted), by hand: SZ01 GOOD: screen 3 @400 and 1 @420, battery 5 @100;
    SZ01 GOOD2: screen 2 @410; GZ01 GOOD: screen 4 @400."""
    receipt(world, "screen", 3, "400")
    receipt(world, "screen", 1, "420")
    receipt(world, "battery", 5, "100")
    receipt(world, "screen", 2, "410", wh="SZ01.GOOD2")
    receipt(world, "screen", 4, "400", wh="GZ01.GOOD", username="gz01.manager")
    return world


THREE = {"source": "stock_document_lines",
         "groupings": [{"field": "org"}, {"field": "warehouse"}, {"field": "item"}],
         "measures": [{"fn": "sum", "field": "quantity"}, {"fn": "count"}, {"fn": "avg", "field": "unit_cost"}]}


def table(body) -> list[tuple]:
    return [(r["type"], r["level"], r["label"], *r["cells"]) for r in body["rows"]]


def test_three_levels_with_subtotals_and_total(client, net, lines):
    body = run(client, net, "hq", THREE)
    assert [(c["key"], c["role"]) for c in body["columns"]] == [
        ("org", "group"), ("warehouse", "group"), ("item", "group"), ("sum_quantity", "measure"),
        ("count", "measure"), ("avg_unit_cost", "measure")]
    # Groups in the order of their labels.
    assert table(body) == [
        ("group", 3, None, "GZ01 网点", "GZ01 GOOD", "Mate 60 屏幕总成", "4.000", 1, "400.0000"),
        ("subtotal", 2, "Subtotal", "GZ01 网点", "GZ01 GOOD", None, "4.000", 1, "400.0000"),
        ("subtotal", 1, "Subtotal", "GZ01 网点", None, None, "4.000", 1, "400.0000"),
        ("group", 3, None, "SZ01 网点", "SZ01 GOOD", "Mate 60 屏幕总成", "4.000", 2, "410.0000"),
        ("group", 3, None, "SZ01 网点", "SZ01 GOOD", "Mate 60 电池", "5.000", 1, "100.0000"),
        ("subtotal", 2, "Subtotal", "SZ01 网点", "SZ01 GOOD", None, "9.000", 3, "306.6667"),
        ("group", 3, None, "SZ01 网点", "SZ01 GOOD2", "Mate 60 屏幕总成", "2.000", 1, "410.0000"),
        ("subtotal", 2, "Subtotal", "SZ01 网点", "SZ01 GOOD2", None, "2.000", 1, "410.0000"),
        ("subtotal", 1, "Subtotal", "SZ01 网点", None, None, "11.000", 4, "332.5000"),
        ("total", 0, "Total", None, None, None, "15.000", 5, "346.0000"),
    ]
    assert body["groups"] == 4 and body["truncated"] is False

    # Sorted by a measure: the innermost groups by quantity, largest first, within their parent.
    spec = {**THREE, "sort": [{"key": "sum_quantity", "desc": True}]}
    items = [r["cells"][2] for r in run(client, net, "hq", spec)["rows"] if r["type"] == "group"]
    assert items == ["Mate 60 屏幕总成", "Mate 60 电池", "Mate 60 屏幕总成", "Mate 60 屏幕总成"]
    sz01 = [r for r in run(client, net, "hq", spec)["rows"] if r["type"] == "group"][1:3]
    assert [r["cells"][3] for r in sz01] == ["5.000", "4.000"]


def test_details_under_their_groups_and_a_limit(client, net, lines):
    spec = {"source": "stock_document_lines", "fields": ["doc_date", "quantity", "unit_cost"],
            "groupings": [{"field": "org"}, {"field": "item"}], "measures": [{"fn": "sum", "field": "quantity"}],
            "sort": [{"key": "unit_cost", "desc": True}], "filters": [{"field": "quantity", "op": "ge", "value": "2"}]}
    body = run(client, net, "hq", spec, lang=ZH)
    assert [c["label"] for c in body["columns"]] == ["所属网点", "产品", "单据日期", "数量", "单位成本", "数量合计"]
    assert table(body) == [
        ("detail", 2, None, "GZ01 网点", "Mate 60 屏幕总成", "2026-11-20", "4.000", "400.0000", "4.000"),
        ("subtotal", 2, "小计", "GZ01 网点", "Mate 60 屏幕总成", None, None, None, "4.000"),
        ("subtotal", 1, "小计", "GZ01 网点", None, None, None, None, "4.000"),
        ("detail", 2, None, "SZ01 网点", "Mate 60 屏幕总成", "2026-11-20", "2.000", "410.0000", "2.000"),
        ("detail", 2, None, "SZ01 网点", "Mate 60 屏幕总成", "2026-11-20", "3.000", "400.0000", "3.000"),
        ("subtotal", 2, "小计", "SZ01 网点", "Mate 60 屏幕总成", None, None, None, "5.000"),
        ("detail", 2, None, "SZ01 网点", "Mate 60 电池", "2026-11-20", "5.000", "100.0000", "5.000"),
        ("subtotal", 2, "小计", "SZ01 网点", "Mate 60 电池", None, None, None, "5.000"),
        ("subtotal", 1, "小计", "SZ01 网点", None, None, None, None, "10.000"),
        ("total", 0, "合计", None, None, None, None, None, "14.000"),
    ]
    # A limit cuts the details, never the figures: subtotals and the total stay whole.
    cut = run(client, net, "hq", {**spec, "limit": 2})
    assert cut["truncated"] is True
    assert [r["type"] for r in cut["rows"]] == ["detail", "subtotal", "subtotal", "detail", "subtotal", "subtotal",
                                                "total"]
    assert cut["rows"][-1]["cells"][-1] == "14.000" and cut["rows"][-2]["cells"][-1] == "10.000"


def test_the_export_has_outline_levels_subtotals_formats_and_a_frozen_header(client, net, lines):
    spec = {**THREE, "fields": ["number", "doc_date", "quantity"], "measures": [{"fn": "sum", "field": "quantity"},
                                                                               {"fn": "count"}]}
    r = client.post(EXPORT, json=spec, headers={**net.headers("hq"), **ZH})
    assert r.status_code == 200, r.json
    assert r.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = openpyxl.load_workbook(io.BytesIO(r.data)).active
    assert ws.freeze_panes == "A2"
    assert [c.value for c in ws[1]] == ["所属网点", "仓库", "产品", "单号", "单据日期", "数量", "数量合计", "笔数"]
    assert ws[1][0].font.b
    got = [(ws.row_dimensions[i].outline_level, [c.value for c in row]) for i, row in enumerate(ws.iter_rows(min_row=2),
                                                                                               start=2)]
    shape = [(level, vals[:3], vals[6:]) for level, vals in got]
    assert shape == [
        (3, ["GZ01 网点", "GZ01 GOOD", "Mate 60 屏幕总成"], [4, None]),
        (2, ["GZ01 网点", "GZ01 GOOD", "Mate 60 屏幕总成"], [4, 1]),
        (1, ["GZ01 网点", "GZ01 GOOD", "小计"], [4, 1]),
        (0, ["GZ01 网点", "小计", None], [4, 1]),
        (3, ["SZ01 网点", "SZ01 GOOD", "Mate 60 屏幕总成"], [3, None]),
        (3, ["SZ01 网点", "SZ01 GOOD", "Mate 60 屏幕总成"], [1, None]),
        (2, ["SZ01 网点", "SZ01 GOOD", "Mate 60 屏幕总成"], [4, 2]),
        (3, ["SZ01 网点", "SZ01 GOOD", "Mate 60 电池"], [5, None]),
        (2, ["SZ01 网点", "SZ01 GOOD", "Mate 60 电池"], [5, 1]),
        (1, ["SZ01 网点", "SZ01 GOOD", "小计"], [9, 3]),
        (3, ["SZ01 网点", "SZ01 GOOD2", "Mate 60 屏幕总成"], [2, None]),
        (2, ["SZ01 网点", "SZ01 GOOD2", "Mate 60 屏幕总成"], [2, 1]),
        (1, ["SZ01 网点", "SZ01 GOOD2", "小计"], [2, 1]),
        (0, ["SZ01 网点", "小计", None], [11, 4]),
        (0, ["合计", None, None], [15, 5]),
    ]
    # The leaf subtotal names its word in the first field column; details carry their own cells.
    assert got[1][1][3] == "小计" and got[0][1][3].startswith("RK-GZ01-")
    detail, subtotal = ws[2], ws[3]
    assert detail[4].number_format == "yyyy-mm-dd" and detail[4].value.date().isoformat() == "2026-11-20"
    assert detail[5].number_format == "#,##0.####" and detail[3].data_type == "s"
    assert subtotal[6].font.b and subtotal[6].number_format == "#,##0.####"
    assert ws.sheet_properties.outlinePr.summaryBelow in (None, True)  # absent: below, Excel's default

    # Money has two places; English column names for an English reader; a detail row shows what it
    # adds to its group's sum.
    money = {"source": "stock_moves", "groupings": [{"field": "org"}], "fields": ["doc_date", "value"],
             "measures": [{"fn": "sum", "field": "value"}],
             "filters": [{"field": "value", "op": "gt", "value": "0"}]}
    r = client.post(EXPORT, json=money, headers=net.headers("sz01.manager"))
    ws = openpyxl.load_workbook(io.BytesIO(r.data)).active
    assert [c.value for c in ws[1]] == ["Service point", "Date", "Value", "Value (sum)"]
    got = [(ws.row_dimensions[i].outline_level, [c.value for c in row]) for i, row in
           enumerate(ws.iter_rows(min_row=2), start=2)]
    assert [(level, vals[0], vals[1] if isinstance(vals[1], str) else None, vals[2], vals[3]) for level, vals in got] == [
        (1, "SZ01 网点", None, 1200, 1200), (1, "SZ01 网点", None, 420, 420), (1, "SZ01 网点", None, 500, 500),
        (1, "SZ01 网点", None, 820, 820), (0, "SZ01 网点", "Subtotal", None, 2940), (0, "Total", None, None, 2940)]
    assert ws[2][2].number_format == "#,##0.00" and ws[7][3].number_format == "#,##0.00" and ws[7][3].font.b
    s = net.session()
    try:
        logged = s.execute(select(AuditLog).where(AuditLog.action == "custom_report.export")).scalars().all()
        assert sorted((a.username, a.after["rows"]) for a in logged) == [("hq", 15), ("sz01.manager", 6)]
    finally:
        s.close()


def test_refused_specs_name_the_field(client, net, lines):
    cases = [
        ({"fields": ["password_hash"]}, "fields.0"),
        ({"groupings": [{"field": "id; DROP TABLE item"}]}, "groupings.0.field"),
        ({"groupings": [{"field": "number"}]}, "groupings.0.field"),  # declared, does not group
        ({"groupings": [{"field": "org", "by": "month"}]}, "groupings.0.by"),
        ({"measures": [{"fn": "sum", "field": "number"}]}, "measures.0.field"),
        ({"measures": [{"fn": "avg"}]}, "measures.0.field"),
        ({"filters": [{"field": "quantity", "op": "gt", "value": "1 OR 1=1"}]}, "filters.0.value"),
        ({"filters": [{"field": "quantity", "op": "gt", "value": "1.0001"}]}, "filters.0.value"),  # more places
        ({"filters": [{"field": "quantity", "op": "in", "value": [1, {"$gt": 0}]}]}, "filters.0.value.1"),
        ({"filters": [{"field": "doc_date", "op": "between", "value": ["2026-01-01"]}]}, "filters.0.value"),
        ({"filters": [{"field": "doc_date", "op": "ge", "value": "0001-01-01"}]}, "filters.0.value"),
        ({"date_range": {"until": "9999-12-31"}}, "date_range.until"),
        ({"filters": [{"field": "item", "op": "eq", "value": "not-an-id"}]}, "filters.0.value"),
        ({"filters": [{"field": "status", "op": "eq", "value": "anything"}]}, "filters.0.value"),
        ({"filters": [{"field": "quantity", "op": "contains", "value": "1"}]}, "filters.0.op"),
        ({"filters": [{"field": "secret", "op": "eq", "value": "x"}]}, "filters.0.field"),
        ({"filters": [{"field": "quantity", "op": "like", "value": "%"}]}, "filters.0.op"),
        ({"sort": [{"key": "password_hash"}]}, "sort.0.key"),
        ({"date_range": {"field": "quantity", "since": "2026-01-01"}}, "date_range.field"),
        ({"pivot": True}, "pivot"),
        ({"sql": "SELECT 1"}, "sql"),
    ]
    for extra, field in cases:
        for url in (RUN, EXPORT):
            r = client.post(url, json={"source": "stock_document_lines", **extra}, headers=net.headers("hq"))
            assert r.status_code == 422, (extra, r.json)
            assert field in r.json["errors"], (extra, r.json["errors"])
    r = client.post(RUN, json={"source": "user_account"}, headers=net.headers("hq"))
    assert r.status_code == 422 and "source" in r.json["errors"]
    zh = client.post(RUN, json={"source": "stock_document_lines", "fields": ["x"]}, headers={**net.headers("hq"), **ZH})
    assert zh.json["errors"]["fields.0"] == ["不是该数据源的字段"]
    # Running needs report.view and the source's own permission.
    assert client.post(RUN, json=THREE, headers=net.headers("sz01.clerk")).status_code == 403
    assert client.get("/api/reports/custom/sources", headers=net.headers("sz01.clerk")).status_code == 403


def test_a_point_sees_only_its_own_rows(client, net, lines):
    def total(username, **extra):
        body = run(client, net, username, {**THREE, **extra})
        return body["rows"][-1]["cells"][3:5], {r["cells"][0] for r in body["rows"] if r["type"] == "group"}

    assert total("sz01.manager") == (["11.000", 4], {"SZ01 网点"})
    assert total("gz01.manager") == (["4.000", 1], {"GZ01 网点"})
    assert total("hq") == (["15.000", 5], {"SZ01 网点", "GZ01 网点"})
    # Asking for another point by its id finds nothing; so do the details and the export.
    gz01 = str(net.orgs["GZ01"].id)
    assert total("sz01.manager", filters=[{"field": "org", "op": "eq", "value": gz01}]) == (["0.000", 0], set())
    details = run(client, net, "sz01.manager", {"source": "stock_moves", "fields": ["org", "item", "quantity"]})
    assert {r["cells"][0] for r in details["rows"] if r["type"] == "detail"} == {"SZ01 网点"}
    r = client.post(EXPORT, json={**THREE, "fields": ["number"]}, headers=net.headers("sz01.manager"))
    ws = openpyxl.load_workbook(io.BytesIO(r.data)).active
    assert {row[0].value for row in ws.iter_rows(min_row=2)} == {"SZ01 网点", "Total"}


def test_periods_in_the_business_time_zone_and_the_pivot(client, net, rw):
    ids = [take_in(client, net, rw, imei=imei(n))["order"]["id"] for n in (1, 2, 3)]
    ids.append(take_in(client, net, rw, username="gz01.clerk", imei=imei(4))["order"]["id"])
    set_times(rw, ids[0], "2026-03-01 23:30")  # Sunday: the week of 23 February, March by the clock
    set_times(rw, ids[1], "2026-03-02 00:30")  # 16:30 UTC on 1 March: Monday 2 March in Shanghai
    set_times(rw, ids[2], "2026-04-10 12:00")
    set_times(rw, ids[3], "2026-03-05 11:00")
    spec = {"source": "repair_orders", "groupings": [{"field": "created_at", "by": "week"}]}
    weeks = [(r["cells"][0], r["cells"][1]) for r in run(client, net, "hq", spec)["rows"]]
    assert weeks == [("2026-02-23", 1), ("2026-03-02", 2), ("2026-04-06", 1), (None, 4)]
    spec = {"source": "repair_orders", "groupings": [{"field": "created_at", "by": "month"}, {"field": "org"}],
            "pivot": True, "date_range": {"field": "created_at", "since": "2026-03-01", "until": "2026-04-30"}}
    body = run(client, net, "hq", spec, lang=ZH)
    assert [c["label"] for c in body["columns"]][:1] == ["受理时间（月）"]
    assert body["pivot"] == {
        "row_field": "created_at", "column_field": "org", "columns": ["GZ01 网点", "SZ01 网点"],
        "rows": [{"label": "2026-03", "cells": [[1], [2]], "total": [3]},
                 {"label": "2026-04", "cells": [None, [1]], "total": [1]}],
        "totals": [[1], [3]], "total": [4]}
    # One day, the Shanghai day: the order of 23:30 on 1 March is not on 2 March.
    spec = {"source": "repair_orders", "date_range": {"field": "created_at", "since": "2026-03-02", "until": "2026-03-02"},
            "groupings": [{"field": "state"}]}
    rows = run(client, net, "sz01.manager", spec, lang=ZH)["rows"]
    assert [(r["cells"][0], r["cells"][1]) for r in rows] == [("待受理", 1), (None, 1)]


def test_the_sources_speak_the_readers_language(client, net):
    r = client.get("/api/reports/custom/sources", headers={**net.headers("sz01.manager"), **ZH})
    assert r.status_code == 200
    by_key = {s["key"]: s for s in r.json["sources"]}
    assert set(by_key) == {k for k, s in sources().items()}
    repair = {f["key"]: f for f in by_key["repair_orders"]["fields"]}
    assert by_key["repair_orders"]["label"] == "维修单" and repair["state"]["label"] == "状态"
    assert {"value": "pending_repair", "label": "待维修"} in repair["state"]["choices"]
    assert repair["engineer"]["type"] == "reference" and repair["engineer"]["lookup"] == "engineer"
    assert "contains" not in repair["qc_fail_count"]["operators"] and repair["qc_fail_count"]["measurable"]
    assert not any(f["key"] in ("customer_name", "customer_phone") for f in by_key["repair_orders"]["fields"])


def test_saved_reports_per_user_and_shared(client, net, lines):
    net.add_user("sz01.manager2", "SZ01", ["sp_manager"])
    spec = {"source": "stock_document_lines", "groupings": [{"field": "item"}]}

    def save(username, name, expect=201, **share):
        r = client.post(SAVED, json={"name": name, "spec": spec, **share}, headers=net.headers(username))
        assert r.status_code == expect, r.json
        return r.json

    def names(username):
        r = client.get(SAVED, headers=net.headers(username))
        assert r.status_code == 200, r.json
        return sorted(x["name"] for x in r.json["items"])

    mine = save("sz01.manager", "mine")
    point = save("sz01.manager", "point", shared_org_id=str(net.orgs["SZ01"].id))
    role = save("sz01.manager", "managers here", shared_role="sp_manager")
    network = save("hq", "network", shared_role="sp_manager")
    assert names("sz01.manager") == ["managers here", "mine", "network", "point"]
    assert names("sz01.manager2") == ["managers here", "network", "point"]
    assert names("gz01.manager") == ["network"]
    assert names("hq") == ["network"]
    # Out of reach reads as 404; in reach but another's is 403 to change; the owner changes it.
    assert client.get(f"{SAVED}/{mine['id']}", headers=net.headers("gz01.manager")).status_code == 404
    assert client.get(f"{SAVED}/{point['id']}", headers=net.headers("sz01.manager2")).json["mine"] is False
    assert client.patch(f"{SAVED}/{point['id']}", json={"name": "x"}, headers=net.headers("sz01.manager2")).status_code == 403
    assert client.delete(f"{SAVED}/{role['id']}", headers=net.headers("gz01.manager")).status_code == 404
    r = client.patch(f"{SAVED}/{mine['id']}", json={"shared_org_id": str(net.orgs["SZ01"].id)},
                     headers=net.headers("sz01.manager"))
    assert r.status_code == 200 and r.json["name"] == "mine"
    assert names("sz01.manager2") == ["managers here", "mine", "network", "point"]
    # A point shares with itself only; names are the owner's own; specs are checked as a run checks them.
    save("sz01.manager", "elsewhere", 422, shared_org_id=str(net.orgs["GZ01"].id))
    assert save("sz01.manager", "mine", 422)["errors"] == {"name": ["you have a saved report of this name"]}
    bad = client.post(SAVED, json={"name": "bad", "spec": {"source": "stock_document_lines", "fields": ["nope"]}},
                      headers=net.headers("sz01.manager"))
    assert bad.status_code == 422 and "spec.fields.0" in bad.json["errors"]
    assert save("sz01.manager", "role?", 422, shared_role="root")["errors"] == {"shared_role": ["no such role"]}
    # Designing needs report.design; the spec comes back as saved and runs.
    assert client.post(SAVED, json={"name": "n", "spec": spec}, headers=net.headers("sz01.clerk")).status_code == 403
    got = client.get(f"{SAVED}/{network['id']}", headers=net.headers("gz01.manager")).json
    assert got["spec"] == spec and run(client, net, "gz01.manager", got["spec"])["rows"][-1]["cells"] == [None, 1]
    assert client.delete(f"{SAVED}/{mine['id']}", headers=net.headers("sz01.manager")).status_code == 204
    assert names("sz01.manager2") == ["managers here", "network", "point"]
    s = net.session()
    try:
        audit = [(a.action, a.username) for a in s.execute(
            select(AuditLog).where(AuditLog.entity_type == "saved_report").order_by(AuditLog.at)).scalars()]
    finally:
        s.close()
    assert audit == [("saved_report.create", "sz01.manager")] * 3 + [("saved_report.create", "hq"),
                                                                       ("saved_report.update", "sz01.manager"),
                                                                       ("saved_report.delete", "sz01.manager")]
    assert uuid.UUID(network["owner_id"]) == net.users["hq"].id


def test_a_report_reads_beside_a_writer(client, net, lines, app):
    """A run is a POST that only reads: on SQLite it begins deferred and never queues for the write
    lock (a long export would otherwise stall the posting worker)."""
    engine = app.extensions["aftercare.db"].engine
    headers = net.headers("hq")
    answers: list = []
    with engine.begin() as conn:
        conn.execute(update(Organisation).where(Organisation.code == "GZ01").values(name="GZ01 网点"))
        t = threading.Thread(target=lambda: answers.append(client.post(RUN, json=THREE, headers=headers)))
        t.start()
        t.join(timeout=10)
        assert [a.status_code for a in answers] == [200]
    t.join()
    assert answers[0].json["rows"][-1]["cells"][3:5] == ["15.000", 5]


def test_every_declared_field_runs(client, net, lines):
    """Each source's every field as a detail column, every groupable one as a grouping (dates by each
    period) and every measurable one summed, averaged and bounded: the declarations are SQL both
    backends run, and the workbook takes every type."""
    periods = itertools.cycle(("day", "week", "month", "year"))
    for src in sources().values():
        keys = [f.key for f in src.fields]
        groupable = [f for f in src.fields if f.groupable]
        measures = [{"fn": fn, "field": f.key} for f in src.fields if f.measurable for fn in ("sum", "avg", "min", "max")]
        body = run(client, net, "admin", {"source": src.key, "fields": keys, "measures": measures[:20] or [{"fn": "count"}]})
        assert body["rows"][-1]["type"] == "total", src.key
        for i in range(0, len(groupable), 5):
            chunk = groupable[i:i + 5]
            spec = {"source": src.key, "measures": measures[:4] or [{"fn": "count"}],
                    "groupings": [{"field": f.key, **({"by": next(periods)} if f.type in ("date", "datetime") else {})}
                                  for f in chunk]}
            body = run(client, net, "admin", spec)
            assert body["rows"][-1]["type"] == "total", (src.key, spec)
        r = client.post(EXPORT, json={"source": src.key, "fields": keys, "groupings": [{"field": groupable[0].key}],
                                      "measures": measures[:20] or [{"fn": "count"}]}, headers=net.headers("admin"))
        assert r.status_code == 200, (src.key, r.json)
        assert openpyxl.load_workbook(io.BytesIO(r.data)).active.max_row >= 2
    stock = run(client, net, "admin", {"source": "stock_moves", "measures": [{"fn": "sum", "field": "value"}]})
    assert stock["rows"] == [{"type": "total", "level": 0, "label": "Total", "cells": ["4540.00"]}]  # 1200 + 420 + 500 + 820 + 1600


def test_each_operator_filters_as_it_says(client, net, lines):
    def qty(*filters, **extra):
        body = run(client, net, "hq", {"source": "stock_document_lines", "filters": list(filters),
                                       "measures": [{"fn": "sum", "field": "quantity"}, {"fn": "count"}], **extra})
        return tuple(body["rows"][-1]["cells"])

    f = lambda field, op, value=None: {"field": field, "op": op, "value": value}  # noqa: E731
    sz01, gz01 = str(net.orgs["SZ01"].id), str(net.orgs["GZ01"].id)
    assert qty() == ("15.000", 5)
    assert qty(f("org", "eq", sz01)) == ("11.000", 4)
    assert qty(f("org", "ne", sz01)) == ("4.000", 1)
    assert qty(f("org", "in", [sz01, gz01])) == ("15.000", 5)
    assert qty(f("item", "contains", "电池")) == ("5.000", 1)  # a reference searched by its label
    assert qty(f("item", "contains", "%")) == ("0.000", 0)  # LIKE's wildcards are text
    assert qty(f("quantity", "lt", "3")) == ("3.000", 2)
    assert qty(f("quantity", "le", "3")) == ("6.000", 3)
    assert qty(f("quantity", "gt", "4")) == ("5.000", 1)
    assert qty(f("quantity", "ge", "4")) == ("9.000", 2)
    assert qty(f("quantity", "between", ["2", "4"])) == ("9.000", 3)
    assert qty(f("unit_cost", "eq", "410")) == ("2.000", 1)
    assert qty(f("engineer", "is_null", True)) == ("15.000", 5)
    assert qty(f("engineer", "is_null", False)) == ("0.000", 0)
    assert qty(f("doc_type", "eq", "goods_receipt"), f("kind", "in", ["purchase"])) == ("15.000", 5)
    assert qty(f("number", "contains", "-GZ01-")) == ("4.000", 1)
    assert qty(date_range={"since": "2026-11-21"}) == ("0.000", 0)
    assert qty(date_range={"since": "2026-11-20", "until": "2026-11-20"}) == ("15.000", 5)
    assert qty(f("doc_date", "between", ["2026-11-01", "2026-11-30"])) == ("15.000", 5)
    saved = client.post(SAVED, json={"name": "moves", "spec": {"source": "stock_moves"}}, headers=net.headers("hq"))
    assert saved.status_code == 201
    for source, n in (("stock_moves", 1), ("repair_orders", 0)):
        r = client.get(SAVED, query_string={"source": source}, headers=net.headers("hq"))
        assert len(r.json["items"]) == n
