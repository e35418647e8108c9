"""Fixed reports (/api/reports/fixed, spec §11.2–§11.7) on SQLite and PostgreSQL: every figure against
hand-computed fixtures, each drill listing exactly the documents behind its figure, stock movement
equal to the ledger, profit equal to revenue minus cost line by line, comebacks under one rule
(the report, the dashboard and GET /api/repair/comebacks agree), permissions and scoping, refused
filters, the export read back and the print as a PDF."""

from __future__ import annotations

import datetime as dt
import io
import uuid
from decimal import Decimal

import openpyxl
from sqlalchemy import select, update

from server.basedata.operations import today_in
from server.core.models import AuditLog
from server.repair.models import RepairOrder
from server.stock.models import StockBalance, StockLocation

from .print_support import images, pages
from .repair_fixtures import rw  # noqa: F401
from .stock_fixtures import imei, world  # noqa: F401
from .test_reports import at, complete, take_in
from .test_repair import fire
from .test_retail import sale_body, shop  # noqa: F401
from .wholesale_fixtures import ws  # noqa: F401

BASE = "/api/reports/fixed"
ZH = {"Accept-Language": "zh-CN"}
MARCH = {"since": "2026-03-02", "until": "2026-03-15"}


def run(client, net, user, key, filters=None, expect=200, lang=None):
    r = client.post(f"{BASE}/{key}/run", json={"filters": filters or {}}, headers={**net.headers(user), **(lang or {})})
    assert r.status_code == expect, r.json
    return r.json


def table(body, *keys) -> list[tuple]:
    return [tuple(r["cells"][k] for k in keys) for r in [*body["rows"], body["total"]]]


def drilled(client, net, user, spec) -> list[str]:
    """The document numbers a drill spec lists (through the custom report's own run)."""
    r = client.post("/api/reports/custom/run", json={**spec, "limit": 5000}, headers=net.headers(user))
    assert r.status_code == 200, r.json
    col = [c["key"] for c in r.json["columns"]].index("number")
    return sorted(row["cells"][col] for row in r.json["rows"] if row["type"] == "detail")


def details(client, net, spec, key: str, user="hq") -> list:
    """One field of every document a drill spec lists."""
    r = client.post("/api/reports/custom/run", json=spec, headers=net.headers(user))
    assert r.status_code == 200, r.json
    col = [c["key"] for c in r.json["columns"]].index(key)
    return [row["cells"][col] for row in r.json["rows"] if row["type"] == "detail"]


def set_order(w, oid: str, created: str, picked_up: str | None = None) -> None:
    """Intake (created_at and its business day) and pickup at known Shanghai times; repaired an
    hour before pickup."""
    values = {"created_at": at(created), "doc_date": at(created).date()}
    if picked_up:
        values.update(picked_up_at=at(picked_up), repair_finished_at=at(picked_up) - dt.timedelta(hours=1))
    with w.open() as s:
        s.execute(update(RepairOrder).where(RepairOrder.id == uuid.UUID(oid)).values(**values))
        s.commit()


def numbers(w, o: dict, keys: str) -> list[str]:
    """The numbers of the orders ``keys`` (letters of ``o``)."""
    with w.open() as s:
        return sorted(s.execute(select(RepairOrder.number).where(RepairOrder.id.in_([uuid.UUID(o[k]) for k in keys])))
                      .scalars())


def repair_orders(client, net, w) -> dict:
    """SZ01, engineer 张磊 (E1): A 2 days, B 5 days, C exactly 3 days, H 10 days (all repaired in
    warranty and picked up in March), D accepted and open, E the comeback of A (open, no engineer);
    GZ01: G open."""
    o = {}
    o["A"] = take_in(client, net, w, imei=imei(1))["order"]["id"]
    complete(client, net, w, o["A"])
    again = take_in(client, net, w, imei=imei(1))["order"]
    assert again["comeback_of_id"] == o["A"]
    o["E"] = again["id"]
    for key, n in (("B", 2), ("C", 3), ("H", 7)):
        o[key] = take_in(client, net, w, imei=imei(n))["order"]["id"]
        complete(client, net, w, o[key])
    o["D"] = take_in(client, net, w, imei=imei(4))["order"]["id"]
    fire(client, net, o["D"], "accept", "sz01.engineer", engineer_id=str(w.ids["engineer"]))
    o["G"] = take_in(client, net, w, username="gz01.clerk", imei=imei(5))["order"]["id"]
    set_order(w, o["A"], "2026-03-02 10:00", "2026-03-04 10:00")
    set_order(w, o["B"], "2026-03-03 09:00", "2026-03-08 09:00")
    set_order(w, o["C"], "2026-03-09 08:00", "2026-03-12 08:00")
    set_order(w, o["H"], "2026-03-02 08:00", "2026-03-12 09:00")
    set_order(w, o["D"], "2026-03-10 12:00")
    set_order(w, o["E"], "2026-03-11 15:00")
    set_order(w, o["G"], "2026-03-05 11:00")
    return o


def test_repair_reports_figures_drills_and_one_comeback_rule(client, net, rw):
    o = repair_orders(client, net, rw)
    sz, gz = "SZ01 网点", "GZ01 网点"

    # 维修汇总表: taken in by intake day, repaired, picked up, in/out of warranty, charges.
    body = run(client, net, "hq", "repair_summary", MARCH)
    assert [c["key"] for c in body["columns"]] == ["org", "taken_in", "in_warranty", "out_of_warranty", "repaired",
                                                   "picked_up", "charges"]
    assert table(body, "org", "taken_in", "in_warranty", "out_of_warranty", "repaired", "picked_up", "charges") == [
        (gz, 1, 1, 0, 0, 0, "0.00"), (sz, 6, 6, 0, 4, 4, "0.00"), ("Total", 7, 7, 0, 4, 4, "0.00")]
    assert body["filters"]["since"] == {"value": "2026-03-02", "label": "2026-03-02"}
    assert body["filters"]["org_id"]["value"] is None and body["filters"]["group"]["value"] == "org"
    sz_row = body["rows"][1]
    assert drilled(client, net, "hq", sz_row["drill"]["taken_in"]) == numbers(rw, o, "ABCDEH")
    assert drilled(client, net, "hq", sz_row["drill"]["picked_up"]) == numbers(rw, o, "ABCH")
    assert drilled(client, net, "hq", body["total"]["drill"]["taken_in"]) == numbers(rw, o, "ABCDEGH")
    by_model = run(client, net, "hq", "repair_summary", {**MARCH, "group": "model"})
    assert table(by_model, "org", "model", "taken_in") == [(gz, "Mate 60", 1), (sz, "Mate 60", 6), ("Total", None, 7)]

    # 维修换机统计: each order taken in falls in one bucket (a day is 24 hours; exactly 3 is within 3).
    turn = run(client, net, "hq", "turnaround", MARCH)
    cols = ("org", "engineer", "taken_in", "within_3", "within_7", "over_7", "open", "within_3_rate", "within_7_rate")
    assert table(turn, *cols) == [
        (gz, None, 1, 0, 0, 0, 1, "0.0", "0.0"),
        (sz, "张磊", 5, 2, 1, 1, 1, "40.0", "60.0"),
        (sz, None, 1, 0, 0, 0, 1, "0.0", "0.0"),
        ("Total", None, 7, 2, 1, 1, 3, "28.6", "42.9")]
    e1 = turn["rows"][1]["drill"]
    for key, orders in (("within_3", "AC"), ("within_7", "B"), ("over_7", "H"), ("open", "D"), ("taken_in", "ABCDH")):
        assert drilled(client, net, "hq", e1[key]) == numbers(rw, o, orders), key
    assert drilled(client, net, "hq", turn["rows"][2]["drill"]["open"]) == numbers(rw, o, "E")

    # First-time fix: the repairs picked up in the period, A came back.
    ftf = run(client, net, "hq", "first_time_fix", MARCH)
    assert table(ftf, "engineer", "repairs", "first_time", "came_back", "first_time_rate", "comeback_rate") == [
        ("张磊", 4, 3, 1, "75.0", "25.0"), ("Total", 4, 3, 1, "75.0", "25.0")]
    assert drilled(client, net, "hq", ftf["rows"][0]["drill"]["came_back"]) == numbers(rw, o, "A")
    assert drilled(client, net, "hq", ftf["rows"][0]["drill"]["first_time"]) == numbers(rw, o, "BCH")
    by_fault = run(client, net, "hq", "first_time_fix", {**MARCH, "by": "fault"})
    assert table(by_fault, "fault", "repairs", "came_back") == [("不开机", 4, 1), ("Total", 4, 1)]
    with rw.open() as s:  # A was repaired by a recorded method (the first of its list counts)
        s.execute(update(RepairOrder).where(RepairOrder.id == uuid.UUID(o["A"]))
                  .values(repair_method_ids=[str(rw.ids["method"])]))
        s.commit()
    by_method = run(client, net, "hq", "first_time_fix", {**MARCH, "by": "method"})
    assert table(by_method, "method", "repairs", "came_back") == [("更换屏幕", 1, 1), (None, 3, 0), ("Total", 4, 1)]
    assert drilled(client, net, "hq", by_method["rows"][0]["drill"]["repairs"]) == numbers(rw, o, "A")
    assert drilled(client, net, "hq", by_method["rows"][1]["drill"]["repairs"]) == numbers(rw, o, "BCH")
    # The same rule in the dashboard and in the repair module's list.
    dash = client.get("/api/reports/dashboard", query_string=MARCH, headers=net.headers("sz01.manager")).json
    assert [(e["repairs"], e["comebacks"]) for e in dash["comebacks_by_engineer"]] == [(4, 1)]
    assert (dash["totals"]["repairs"], dash["totals"]["comeback_rate"]) == (4, 0.25)
    listed = client.get("/api/repair/comebacks", query_string=MARCH, headers=net.headers("sz01.manager")).json
    assert [(e["repairs"], e["comebacks"]) for e in listed["by_engineer"]] == [(4, 1)]

    # A point sees its own rows only, whatever it asks for.
    own = run(client, net, "gz01.manager", "repair_summary", MARCH)
    assert table(own, "org", "taken_in") == [(gz, 1), ("Total", 1)]
    assert drilled(client, net, "gz01.manager", own["total"]["drill"]["taken_in"]) == numbers(rw, o, "G")
    other = run(client, net, "sz01.manager", "repair_summary", {**MARCH, "org_id": str(net.orgs["GZ01"].id)})
    assert other["rows"] == [] and other["total"]["cells"]["taken_in"] == 0
    one = run(client, net, "hq", "repair_summary", {**MARCH, "org_id": str(net.orgs["GZ01"].id)}, lang=ZH)
    assert table(one, "org", "taken_in") == [(gz, 1), ("合计", 1)] and one["filters"]["org_id"]["label"] == gz
    assert one["columns"][1]["label"] == "受理" and one["title"] == "维修汇总表"


def test_exchange_summary_figures(client, net, rw):
    from server.exchange.models import ExchangeOrder

    body = run(client, net, "hq", "exchange_summary", MARCH)
    assert body["rows"] == [] and body["total"]["cells"]["taken_in"] == 0 and body["total"]["cells"]["fees"] == "0.00"
    # One exchange order, inserted as posted: taken in on 3 March, handed over on the 6th for a fee.
    with rw.open() as s:
        s.add(ExchangeOrder(org_id=net.orgs["SZ01"].id, number="HJ-SZ01-2603-00002", status="posted",
                            doc_date=dt.date(2026, 3, 4), created_at=at("2026-03-04 10:00"), state="cancelled",
                            customer_kind="walk_in", imei=imei(8), model_id=rw.ids["model"], item_id=rw.ids["device"]))
        s.add(ExchangeOrder(org_id=net.orgs["SZ01"].id, number="HJ-SZ01-2603-00001", status="posted",
                            doc_date=dt.date(2026, 3, 3), created_at=at("2026-03-03 10:00"), state="completed",
                            customer_kind="walk_in", imei=imei(9), model_id=rw.ids["model"], item_id=rw.ids["device"],
                            handed_over_at=at("2026-03-06 11:00"), fee=Decimal("50.00")))
        s.commit()
    body = run(client, net, "hq", "exchange_summary", MARCH)
    assert table(body, "org", "taken_in", "handed_over", "converted", "cancelled", "fees") == [
        ("SZ01 网点", 2, 1, 0, 1, "50.00"), ("Total", 2, 1, 0, 1, "50.00")]
    turn = run(client, net, "hq", "turnaround", {**MARCH, "kind": "exchange"})
    assert [c["key"] for c in turn["columns"]][:2] == ["org", "taken_in"]
    # The cancelled one is neither done nor waiting.
    assert table(turn, "org", "taken_in", "within_3", "within_7", "open") == [("SZ01 网点", 1, 0, 1, 0),
                                                                             ("Total", 1, 0, 1, 0)]
    assert drilled(client, net, "hq", turn["rows"][0]["drill"]["within_7"]) == ["HJ-SZ01-2603-00001"]


def _post(w, doc_type, data, day, user="sz01.manager"):
    return w.post(doc_type, {**data, "doc_date": day}, user)


def _lines(w, item, qty, cost=None):
    line = {"item_id": w.ids[item], "quantity": Decimal(qty)}
    if cost:
        line["unit_cost"] = Decimal(cost)
    return [line]


def test_stock_movement_equals_the_ledger_and_exports_and_prints(client, net, world):
    w = world
    d = lambda day: dt.date(2026, 11, day)  # noqa: E731
    buy = lambda wh, item, qty, day, user="sz01.manager": _post(  # noqa: E731
        w, "goods_receipt", {"kind": "purchase", "party_id": w.ids["supplier"], "warehouse_id": w.ids[wh],
                             "lines": _lines(w, item, qty, "400")}, d(day), user)
    buy("SZ01.GOOD", "screen", 5, 2)
    _post(w, "goods_issue", {"kind": "wholesale", "party_id": w.ids["dealer"], "warehouse_id": w.ids["SZ01.GOOD"],
                             "lines": _lines(w, "screen", 2)}, d(10))
    buy("SZ01.GOOD2", "screen", 4, 12)
    _post(w, "engineer_requisition", {"warehouse_id": w.ids["SZ01.GOOD"], "engineer_id": w.ids["engineer"],
                                      "lines": _lines(w, "screen", 1)}, d(15), "sz01.engineer")
    _post(w, "goods_issue", {"kind": "wholesale", "party_id": w.ids["dealer"], "warehouse_id": w.ids["SZ01.GOOD2"],
                             "lines": _lines(w, "screen", 1)}, d(20))
    buy("GZ01.GOOD", "battery", 3, 25, "gz01.manager")
    period = {"since": "2026-11-10", "until": "2026-11-30"}
    body = run(client, net, "hq", "stock_movement", period)
    assert [c["key"] for c in body["columns"]] == ["warehouse", "item", "org", "opening", "receipts", "issues", "closing"]
    got = table(body, "warehouse", "item", "org", "opening", "receipts", "issues", "closing")
    assert got == [("GZ01 GOOD", "Mate 60 电池", "GZ01 网点", "0.000", "3.000", "0.000", "3.000"),
                   ("SZ01 GOOD", "Mate 60 屏幕总成", "SZ01 网点", "5.000", "0.000", "3.000", "2.000"),
                   ("SZ01 GOOD2", "Mate 60 屏幕总成", "SZ01 网点", "0.000", "4.000", "1.000", "3.000"),
                   ("Total", None, None, "5.000", "7.000", "4.000", "8.000")]
    # opening + receipts − issues = closing, and closing is what the ledger's balances hold.
    with w.open() as s:
        balances = {(str(wh), str(item)): q for wh, item, q in s.execute(
            select(StockLocation.warehouse_id, StockBalance.item_id, StockBalance.quantity)
            .join(StockLocation, StockLocation.id == StockBalance.location_id)
            .where(StockLocation.kind == "warehouse", StockBalance.quantity != 0))}
    for row in body["rows"]:
        c = row["cells"]
        assert Decimal(c["opening"]) + Decimal(c["receipts"]) - Decimal(c["issues"]) == Decimal(c["closing"])
    closing = {(r["drill"]["receipts"]["filters"][-2]["value"], r["drill"]["receipts"]["filters"][-1]["value"]):
               Decimal(r["cells"]["closing"]) for r in body["rows"]}
    assert closing == balances
    issues = body["rows"][1]["drill"]["issues"]
    assert sorted(details(client, net, issues, "quantity")) == ["1.000", "2.000"]
    # One organisation: its warehouses only; a point sees its own.
    gz = run(client, net, "hq", "stock_movement", {**period, "org_id": str(net.orgs["GZ01"].id)})
    assert [r["cells"]["warehouse"] for r in gz["rows"]] == ["GZ01 GOOD"]
    assert [r["cells"]["warehouse"] for r in run(client, net, "sz01.manager", "stock_movement", period)["rows"]] == [
        "SZ01 GOOD", "SZ01 GOOD2"]

    # The export, read back; audited.
    x = client.post(f"{BASE}/stock_movement/export", json={"filters": period}, headers={**net.headers("hq"), **ZH})
    assert x.status_code == 200 and x.headers["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = openpyxl.load_workbook(io.BytesIO(x.data)).active
    assert ws["A1"].value == "收发存报表" and "开始日期：2026-11-10" in ws["A2"].value
    assert [c.value for c in ws[4]] == ["仓库", "产品", "机构", "期初", "收入", "发出", "期末"]
    assert [c.value for c in ws[6]] == ["SZ01 GOOD", "Mate 60 屏幕总成", "SZ01 网点", 5, 0, 3, 2]
    assert [c.value for c in ws[8]][:1] + [c.value for c in ws[8]][3:] == ["合计", 5, 7, 4, 8] and ws["A8"].font.b
    assert ws.freeze_panes == "A5"
    with w.open() as s:
        audit = s.execute(select(AuditLog).where(AuditLog.action == "fixed_report.export")).scalar_one()
        assert audit.after["report"] == "stock_movement" and audit.after["rows"] == 3

    # The print: an A4 landscape PDF.
    p = client.post(f"{BASE}/stock_movement/print", json={"filters": period}, headers={**net.headers("hq"), **ZH})
    assert p.status_code == 200 and p.mimetype == "application/pdf" and p.data.startswith(b"%PDF")
    page = pages(p.data)[0]
    assert (round(page["width"]), round(page["height"])) == (842, 595)  # A4 landscape, in points
    words = " ".join(x["text"] for x in page["words"])
    assert "收发存报表" in words and "2026-11-10" in words and "SZ01 GOOD2" in words
    images(p.data, "fixed-stock-movement", dpi=60, last=1)


def test_stock_analysis_flags_and_a_transfer_request_in_one_call(client, net, world):
    w = world
    today = today_in("Asia/Shanghai")
    ago = lambda n: today - dt.timedelta(days=n)  # noqa: E731
    _post(w, "goods_receipt", {"kind": "purchase", "party_id": w.ids["supplier"], "warehouse_id": w.ids["SZ01.GOOD"],
                               "lines": _lines(w, "screen", 4, "400")}, ago(20))
    _post(w, "engineer_requisition", {"warehouse_id": w.ids["SZ01.GOOD"], "engineer_id": w.ids["engineer"],
                                      "lines": _lines(w, "screen", 3)}, ago(3), "sz01.engineer")
    _post(w, "goods_receipt", {"kind": "purchase", "party_id": w.ids["supplier"], "warehouse_id": w.ids["GZ01.GOOD"],
                               "lines": _lines(w, "screen", 9, "400")}, ago(20), "gz01.manager")
    body = run(client, net, "hq", "stock_analysis", {"cover_min": "14"})
    cols = ("warehouse", "on_hand", "consumed", "daily", "cover_days", "status", "suggest_qty", "suggest_from")
    # SZ01: 3 used in 30 days (0.1 a day), 1 left = 10 days < 14: short by ceil(1.4) − 1 = 1, from GZ01 (unused).
    assert table(body, *cols) == [("GZ01 GOOD", "9.000", "0.000", "0.00", None, "Over-stocked", None, None),
                                  ("SZ01 GOOD", "1.000", "3.000", "0.10", "10.0", "Short", "1.000", "GZ01 GOOD"),
                                  ("Total", "10.000", "3.000", "0.10", "100.0", None, None, None)]
    action = body["rows"][1]["action"]
    r = client.post(action["url"], json=action["body"], headers=net.headers("sz01.manager"))
    assert r.status_code == 201, r.json
    assert [(ln["item_id"], ln["quantity"]) for ln in r.json["lines"]] == [(str(w.ids["screen"]), "1.000")]
    consumed = body["rows"][1]["drill"]["consumed"]
    assert details(client, net, consumed, "quantity") == ["3.000"]


def test_profit_equals_revenue_minus_cost_line_by_line(client, net, shop):
    w = shop
    r = client.post("/api/retail/sales", json=sale_body(w), headers=net.headers("sz01.clerk"))
    assert r.status_code == 201, r.json
    today = today_in("Asia/Shanghai").isoformat()
    body = run(client, net, "hq", "profit", {"since": today, "until": today})
    cols = ("org", "repair_revenue", "repair_profit", "wholesale_profit", "retail_revenue", "retail_cost",
            "retail_profit", "profit")
    # 5308.85 − 4000.00 (the phone) + 176.11 − 60.00 (the battery).
    assert table(body, *cols) == [("SZ01 网点", "0.00", "0.00", "0.00", "5484.96", "4060.00", "1424.96", "1424.96"),
                                  ("Total", "0.00", "0.00", "0.00", "5484.96", "4060.00", "1424.96", "1424.96")]
    spec = body["rows"][0]["drill"]["retail_profit"]
    got = client.post("/api/reports/custom/run", json=spec, headers=net.headers("hq")).json
    keys = [c["key"] for c in got["columns"]]
    lines = [dict(zip(keys, row["cells"])) for row in got["rows"] if row["type"] == "detail"]
    assert len(lines) == 2
    for line in lines:
        assert Decimal(line["net"]) - Decimal(line["cost"]) == Decimal(line["profit"])
    assert sum(Decimal(x["profit"]) for x in lines) == Decimal("1424.96")


def test_repair_profit_is_charges_less_parts_at_cost_less_commission(client, net, rw):
    from .repair_fixtures import stock_engineer
    from .test_commissions import pick_up, repaired, rule

    rule(client, net, code="G1", name="一级", scope="grade", grade=1, rate_percent="10.00")
    stock_engineer(rw, "battery", 1)  # one battery at 400
    oid = repaired(client, net, rw, 41)  # out of warranty: battery 150 + labour 80
    pick_up(client, net, rw, oid)
    in_warranty = take_in(client, net, rw, imei=imei(42))["order"]["id"]
    complete(client, net, rw, in_warranty)  # free: not in the out-of-warranty profit
    today = today_in("Asia/Shanghai").isoformat()
    body = run(client, net, "hq", "profit", {"since": today, "until": today})
    cols = ("repair_revenue", "repair_parts", "repair_commission", "repair_profit", "retail_profit", "profit")
    # 230 − 400 − 23 (10 % of 230).
    assert table(body, *cols) == [("230.00", "400.00", "23.00", "-193.00", "0.00", "-193.00")] * 2
    assert details(client, net, body["rows"][0]["drill"]["repair_profit"], "number") == [_order(rw, oid).number]
    [line] = rows_of(client, net, body["rows"][0]["drill"]["repair_profit"])
    assert (line["charges"], line["parts_cost"], line["commission"], line["repair_profit"]) == (
        "230.00", "400.00", "23.00", "-193.00")
    p = client.post(f"{BASE}/profit/print", json={"filters": {"since": today, "until": today}}, headers=net.headers("hq"))
    assert p.status_code == 200 and "Out-of-warranty repair revenue" in " ".join(x["text"] for x in pages(p.data)[0]["words"])
    images(p.data, "fixed-profit", dpi=60, last=1)
    summary = run(client, net, "hq", "repair_summary", {"since": today, "until": today})
    assert table(summary, "taken_in", "in_warranty", "out_of_warranty", "picked_up", "charges") == [
        (2, 1, 1, 2, "230.00")] * 2


def test_wholesale_profit_line_by_line(client, net, ws):
    from server.trade import pricing

    from .test_wholesale import deliver, fire as fire_order, order

    o = fire_order(client, net, order(client, net, ws, [("screen", 2)])["id"], "submit")
    deliver(client, net, ws, o["id"], [("screen", 2)])  # at the moving average of 400 and 500: 900
    part = pricing.line_amounts(Decimal(2), Decimal(600), discount_rate=Decimal("0.05"), tax_rate=Decimal("0.13"))
    body = run(client, net, "hq", "profit", {"since": "2026-11-01", "until": "2026-11-30"})
    assert table(body, "wholesale_revenue", "wholesale_cost", "wholesale_profit", "profit") == [
        (str(part.net), "900.00", str(part.net - 900), str(part.net - 900))] * 2
    [line] = rows_of(client, net, body["rows"][0]["drill"]["wholesale_profit"])
    assert Decimal(line["net"]) - Decimal(line["cost"]) == Decimal(line["profit"]) == part.net - 900


def _order(w, oid):
    with w.open() as s:
        return s.get(RepairOrder, uuid.UUID(oid))


def rows_of(client, net, spec, user="hq") -> list[dict]:
    r = client.post("/api/reports/custom/run", json=spec, headers=net.headers(user))
    assert r.status_code == 200, r.json
    keys = [c["key"] for c in r.json["columns"]]
    return [dict(zip(keys, row["cells"])) for row in r.json["rows"] if row["type"] == "detail"]


def test_permissions_and_refused_filters(client, net, rw):
    listed = client.get(BASE, headers={**net.headers("hq"), **ZH}).json["reports"]
    assert [r["key"] for r in listed] == ["repair_summary", "exchange_summary", "turnaround", "stock_movement",
                                          "stock_analysis", "profit", "first_time_fix"]
    assert listed[0]["title"] == "维修汇总表"
    assert listed[0]["filters"][0] == {"key": "org_id", "label": "机构", "type": "org", "lookup": "organisations",
                                       "choices": None, "default": None}
    assert client.get(BASE, headers=net.headers("gz01.clerk")).status_code == 403
    assert client.post(f"{BASE}/repair_summary/run", json={}, headers=net.headers("gz01.clerk")).status_code == 403
    assert client.post(f"{BASE}/nothing/run", json={}, headers=net.headers("hq")).status_code == 404
    for filters, field in (({"since": "2026-13-01"}, "filters.since"), ({"item_id": str(rw.ids["screen"])}, "filters.item_id"),
                           ({"brand_id": str(uuid.uuid4())}, "filters.brand_id"), ({"brand_id": "x"}, "filters.brand_id"),
                           ({"group": "week"}, "filters.group"), ({"since": "2026-03-10", "until": "2026-03-01"}, "filters.since")):
        r = client.post(f"{BASE}/repair_summary/run", json={"filters": filters}, headers=net.headers("hq"))
        assert r.status_code == 422 and field in r.json["errors"], (filters, r.json)
    r = client.post(f"{BASE}/repair_summary/run", json={"filter": {}}, headers=net.headers("hq"))
    assert r.status_code == 422 and "filter" in r.json["errors"]
