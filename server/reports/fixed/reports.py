"""The fixed reports of spec §11.2–§11.7 and the first-time-fix report, each declared once: its
filters, row dimensions, figures (custom-report measures over the registry) and derived columns."""

from __future__ import annotations

import decimal
import math
from functools import cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...basedata.models import Warehouse
from ...core import lifecycle
from ...exchange import statemachine as esm
from ...org.models import Organisation
from .engine import Derived, Dim, Figure, Filter, FixedReport, Line, add_filter, w

D = decimal.Decimal
POSTED = [lifecycle.POSTED, lifecycle.AUDITED]

REPAIRS, EXCHANGES, MOVES = "repair_orders", "exchange_orders", "stock_moves"
RETAIL, WHOLESALE = "retail_sale_lines", "sales_delivery_lines"

GROUP = add_filter(Filter("group", w("分组", "Rows"), "choice", choices={
    "org": w("按网点", "By point"), "brand": w("按网点和品牌", "By point and brand"),
    "model": w("按网点和型号", "By point and model")}, default="org"))
KIND = add_filter(Filter("kind", w("类别", "Kind"), "choice", choices={
    "repair": w("维修", "Repairs"), "exchange": w("换机", "Exchanges")}, default="repair"))
BY = add_filter(Filter("by", w("统计维度", "By"), "choice", choices={
    "engineer": w("按工程师", "By engineer"), "model": w("按型号", "By model"), "fault": w("按故障", "By fault"),
    "method": w("按处理方法", "By repair method")}, default="engineer"))
DAYS = add_filter(Filter("days", w("消耗天数", "Consumption days"), "choice",
                         choices={str(n): w(f"最近{n}天", f"Last {n} days") for n in (7, 14, 30, 60, 90)}, default="30"))
COVER_MIN = add_filter(Filter("cover_min", w("短缺线（天）", "Short below (days)"), "choice",
                              choices={str(n): w(f"{n}天", f"{n} days") for n in (3, 7, 14, 30)}, default="7"))
COVER_MAX = add_filter(Filter("cover_max", w("积压线（天）", "Over-stocked above (days)"), "choice",
                              choices={str(n): w(f"{n}天", f"{n} days") for n in (30, 60, 90, 180)}, default="60"))

ORDERS = (REPAIRS, EXCHANGES, RETAIL, WHOLESALE)
ORG = Dim("org", w("网点", "Point"), {s: "org" for s in ORDERS})
BRAND = Dim("brand", w("品牌", "Brand"), {s: "brand" for s in ORDERS})
MODEL = Dim("model", w("型号", "Model"), {s: "model" for s in ORDERS})
ENGINEER = Dim("engineer", w("工程师", "Engineer"), {REPAIRS: "engineer"})
FAULT = Dim("fault", w("主要故障", "Main fault"), {REPAIRS: "fault"})
METHOD = Dim("method", w("主要处理方法", "Main repair method"), {REPAIRS: "repair_method"})
WAREHOUSE = Dim("warehouse", w("仓库", "Warehouse"), {MOVES: "to_warehouse"})
ITEM = Dim("item", w("产品", "Item"), {MOVES: "item"})

ORDER_MAPS = {"org_id": "org", "brand_id": "brand", "model_id": "model"}
STOCK_MAPS = {"org_id": "to_warehouse", "brand_id": "brand", "model_id": "model", "item_id": "item"}
OUT_MAPS = {**STOCK_MAPS, "org_id": "from_warehouse"}
ISSUED = {"warehouse": "from_warehouse"}
IN_WH = ({"field": "to_kind", "op": "eq", "value": "warehouse"},)
OUT_WH = ({"field": "from_kind", "op": "eq", "value": "warehouse"},)
# Consumption: stock leaving a warehouse to be used (an engineer's requisition) or sold.
CONSUMED = ({"field": "from_kind", "op": "eq", "value": "warehouse"},
            {"field": "to_kind", "op": "in", "value": ["engineer", "customer"]})


def eq(field, value) -> dict:
    return {"field": field, "op": "eq", "value": value}


def pct(part, whole):
    return D(part) * 100 / D(whole) if whole else None


def by_group(filters: dict) -> list[Dim]:
    return [ORG] + {"org": [], "brand": [BRAND], "model": [MODEL]}[filters["group"]]


# -- 维修汇总表 / 换机汇总表 --------------------------------------------------------------------

def repair_summary_columns(_filters):
    f = lambda key, words, **kw: Figure(key, words, kw.pop("type", "number"), REPAIRS, maps=ORDER_MAPS, **kw)  # noqa: E731
    return [
        f("taken_in", w("受理", "Taken in"), period="doc_date"),
        f("in_warranty", w("其中保内", "In warranty"), period="doc_date", filters=(eq("chargeable", False),)),
        f("out_of_warranty", w("其中保外", "Out of warranty"), period="doc_date", filters=(eq("chargeable", True),)),
        f("repaired", w("修复", "Repaired"), period="finished_at"),
        f("picked_up", w("取机", "Picked up"), period="picked_up_at"),
        f("charges", w("维修收费", "Charges"), type="money", fn="sum", field="charges", period="picked_up_at"),
    ]


def exchange_summary_columns(_filters):
    f = lambda key, words, **kw: Figure(key, words, kw.pop("type", "number"), EXCHANGES, maps=ORDER_MAPS, **kw)  # noqa: E731
    return [
        f("taken_in", w("受理", "Taken in"), period="doc_date"),
        f("handed_over", w("交机", "Handed over"), period="handed_over_at"),
        f("converted", w("转维修", "Turned into repairs"), period="doc_date", filters=(eq("state", "converted"),)),
        f("cancelled", w("取消", "Cancelled"), period="doc_date", filters=(eq("state", "cancelled"),)),
        f("fees", w("换机收费", "Fees"), type="money", fn="sum", field="fee", period="handed_over_at"),
    ]


# -- 维修换机统计 ------------------------------------------------------------------------------

def turnaround_columns(filters):
    src = REPAIRS if filters["kind"] == "repair" else EXCHANGES
    # An exchange cancelled or turned into a repair is neither done nor waiting: not counted.
    live = () if src == REPAIRS else ({"field": "state", "op": "in", "value": [
        s for s in esm.STATES if s not in (esm.CANCELLED, esm.CONVERTED)]},)
    f = lambda key, words, *flt: Figure(key, words, "number", src, maps=ORDER_MAPS, period="doc_date",  # noqa: E731
                                        filters=live + flt)
    return [
        f("taken_in", w("受理", "Taken in")),
        f("within_3", w("3天内完成", "Done within 3 days"), eq("turnaround", "within_3")),
        f("within_7", w("3–7天完成", "Done in 3–7 days"), eq("turnaround", "within_7")),
        f("over_7", w("超过7天完成", "Done after 7 days"), eq("turnaround", "over_7")),
        f("open", w("未完成", "Not done"), eq("turnaround", "open")),
        Derived("within_3_rate", w("3天完成率%", "Within 3 days %"), "percent",
                lambda c: pct(c["within_3"], c["taken_in"]), drill="within_3"),
        Derived("within_7_rate", w("7天完成率%", "Within 7 days %"), "percent",
                lambda c: pct(c["within_3"] + c["within_7"], c["taken_in"]), drill="taken_in"),
    ]


# -- 一次修复率与返修 ----------------------------------------------------------------------------

def first_time_columns(_filters):
    rep = eq("counted_repair", True)
    f = lambda key, words, **kw: Figure(key, words, "number", REPAIRS, maps=ORDER_MAPS, period="picked_up_at", **kw)  # noqa: E731
    return [
        f("repairs", w("维修数", "Repairs"), filters=(rep,)),
        f("first_time", w("一次修复", "Fixed first time"), filters=(rep, eq("came_back", False))),
        f("came_back", w("返修", "Came back"), filters=(rep, eq("came_back", True))),
        Derived("first_time_rate", w("一次修复率%", "First-time fix %"), "percent",
                lambda c: pct(c["first_time"], c["repairs"]), drill="first_time"),
        Derived("comeback_rate", w("返修率%", "Comeback rate %"), "percent",
                lambda c: pct(c["came_back"], c["repairs"]), drill="came_back"),
    ]


def first_time_dims(filters):
    return [{"engineer": ENGINEER, "model": MODEL, "fault": FAULT, "method": METHOD}[filters["by"]]]


# -- 收发存报表 --------------------------------------------------------------------------------

def _org_of_warehouse(session: Session, rows: list[Line], total: Line) -> None:
    ids = {ln.keys[0] for ln in rows if ln.keys and ln.keys[0]}
    names = dict(session.execute(select(Warehouse.id, Organisation.name).join(
        Organisation, Organisation.id == Warehouse.org_id).where(Warehouse.id.in_(ids))).all()) if ids else {}
    for ln in rows:
        ln.cells["org"] = names.get(ln.keys[0])
    total.cells["org"] = None


def movement_columns(_filters):
    f = lambda key, words, **kw: Figure(key, words, "number", MOVES, fn="sum", field="quantity", period="doc_date", **kw)  # noqa: E731
    return [
        Derived("org", w("机构", "Organisation"), "text", lambda c: None),
        f("in_before", w("期初前收入", "Received before"), filters=IN_WH, maps=STOCK_MAPS, before=True, hidden=True),
        f("out_before", w("期初前发出", "Issued before"), filters=OUT_WH, maps=OUT_MAPS, dims=ISSUED, before=True,
          hidden=True),
        Derived("opening", w("期初", "Opening"), "number", lambda c: c["in_before"] - c["out_before"], drill="in_before"),
        f("receipts", w("收入", "Receipts"), filters=IN_WH, maps=STOCK_MAPS),
        f("issues", w("发出", "Issues"), filters=OUT_WH, maps=OUT_MAPS, dims=ISSUED),
        Derived("closing", w("期末", "Closing"), "number",
                lambda c: c["in_before"] - c["out_before"] + c["receipts"] - c["issues"], drill="receipts"),
    ]


def movement_finish(session, _filters, rows, total, _dims):
    _org_of_warehouse(session, rows, total)


# -- 库存分析 ----------------------------------------------------------------------------------

SHORT, OVER, OK = w("短缺", "Short"), w("积压", "Over-stocked"), w("正常", "OK")


def analysis_columns(filters):
    days = int(filters["days"])
    f = lambda key, words, **kw: Figure(key, words, "number", MOVES, fn="sum", field="quantity", period="doc_date", **kw)  # noqa: E731
    lo, hi = int(filters["cover_min"]), int(filters["cover_max"])

    def status(c):
        cover = c["cover_days"]
        if cover is not None and cover < lo:
            return SHORT
        if (cover is None and c["on_hand"] > 0) or (cover is not None and cover > hi):
            return OVER
        return OK

    def daily(c):
        return (D(c["consumed"]) / days).quantize(D("0.01"), decimal.ROUND_HALF_UP)

    def cover(c):
        d = D(c["consumed"]) / days
        return (D(c["on_hand"]) / d).quantize(D("0.1"), decimal.ROUND_HALF_UP) if d else None

    return [
        Derived("org", w("机构", "Organisation"), "text", lambda c: None),
        f("in_all", w("累计收入", "Received"), filters=IN_WH, maps=STOCK_MAPS, through=True, hidden=True),
        f("out_all", w("累计发出", "Issued"), filters=OUT_WH, maps=OUT_MAPS, dims=ISSUED, through=True, hidden=True),
        Derived("on_hand", w("结存", "On hand"), "number", lambda c: c["in_all"] - c["out_all"], drill="in_all"),
        f("consumed", w("期间消耗", "Consumed"), filters=CONSUMED, maps=OUT_MAPS, dims=ISSUED),
        Derived("daily", w("日均消耗", "Daily use"), "number", daily, drill="consumed"),
        Derived("cover_days", w("可用天数", "Cover (days)"), "number", cover, drill="consumed"),
        Derived("status", w("状态", "Status"), "text", status, drill="consumed"),
        Derived("suggest_qty", w("建议调入数量", "Suggested transfer in"), "number", lambda c: None, drill="consumed"),
        Derived("suggest_from", w("建议调出仓库", "From warehouse"), "text", lambda c: None, drill="in_all"),
    ]


def analysis_finish(session, filters, rows, total, _dims):
    """Suggested transfers, per item: each short warehouse gets what brings it to the short line
    (``cover_min`` days of its use), from the warehouses holding more than ``cover_max`` days (all of
    their stock when they use none), the largest surplus first. A suggestion is one call away from a
    draft transfer request of the short point, made by its user (``action``: POST /api/transfers/requests;
    headquarters then approves it and picks the sending warehouse)."""
    _org_of_warehouse(session, rows, total)
    total.cells["status"] = None  # a network's sum is neither short nor over-stocked
    lo, hi, days = int(filters["cover_min"]), int(filters["cover_max"]), int(filters["days"])
    whs = {wh.id: wh for wh in session.execute(select(Warehouse).where(
        Warehouse.id.in_({ln.keys[0] for ln in rows if ln.keys[0]}))).scalars()} if rows else {}
    hq = {o.id for o in session.execute(select(Organisation).where(Organisation.kind == "hq")).scalars()}
    by_item: dict = {}
    for ln in rows:
        if ln.keys[0] in whs and whs[ln.keys[0]].kind == "good":
            by_item.setdefault(ln.keys[1], []).append(ln)
    for item_id, lines in by_item.items():
        surplus = []
        for ln in lines:
            c = ln.cells
            use = D(c["consumed"]) / days
            spare = D(c["on_hand"]) - (D(math.ceil(use * hi)) if use else D(0))
            if c["status"] is OVER and spare > 0:
                surplus.append([spare.to_integral_value(decimal.ROUND_FLOOR), ln])
        surplus.sort(key=lambda s: -s[0])
        for ln in sorted(lines, key=lambda x: (x.cells["cover_days"] or 0)):
            c = ln.cells
            if c["status"] is not SHORT:
                continue
            need = D(math.ceil(D(c["consumed"]) / days * lo)) - D(c["on_hand"])
            for s in surplus:
                if need <= 0 or s[0] <= 0:
                    continue
                qty = min(need, s[0])
                s[0] -= qty
                need -= qty
                c["suggest_qty"] = (c["suggest_qty"] or 0) + qty
                c["suggest_from"] = (c["suggest_from"] + "、" if c["suggest_from"] else "") + s[1].labels[0]
            wh = whs[ln.keys[0]]
            if c["suggest_qty"] and wh.org_id not in hq:
                ln.extra["action"] = {"method": "POST", "url": "/api/transfers/requests", "body": {
                    "warehouse_id": str(wh.id),
                    "lines": [{"item_id": str(item_id), "quantity": str(c["suggest_qty"])}],
                    "note": f"库存分析建议 stock analysis: from {c['suggest_from']}"}}


# -- 利润汇总表 --------------------------------------------------------------------------------

def profit_columns(_filters):
    out_of_warranty = (eq("chargeable", True),)
    sold = ({"field": "status", "op": "in", "value": POSTED},)
    r = lambda key, words, field: Figure(key, words, "money", REPAIRS, "sum", field, out_of_warranty, "picked_up_at",  # noqa: E731
                                         maps=ORDER_MAPS)
    s = lambda src, key, words, field: Figure(key, words, "money", src, "sum", field, sold, "doc_date",  # noqa: E731
                                              maps=ORDER_MAPS)
    return [
        r("repair_revenue", w("保外维修收入", "Out-of-warranty repair revenue"), "charges"),
        r("repair_parts", w("配件成本", "Parts at cost"), "parts_cost"),
        r("repair_commission", w("工程师提成", "Commissions"), "commission"),
        r("repair_profit", w("维修利润", "Repair profit"), "repair_profit"),
        s(WHOLESALE, "wholesale_revenue", w("批发收入", "Wholesale revenue"), "net"),
        s(WHOLESALE, "wholesale_cost", w("批发成本", "Wholesale cost"), "cost"),
        s(WHOLESALE, "wholesale_profit", w("批发利润", "Wholesale profit"), "profit"),
        s(RETAIL, "retail_revenue", w("零售收入", "Retail revenue"), "net"),
        s(RETAIL, "retail_cost", w("零售成本", "Retail cost"), "cost"),
        s(RETAIL, "retail_profit", w("零售利润", "Retail profit"), "profit"),
        Derived("profit", w("利润合计", "Total profit"), "money",
                lambda c: c["repair_profit"] + c["wholesale_profit"] + c["retail_profit"]),
    ]


# -- the catalogue ---------------------------------------------------------------------------

ORDER_FILTERS = ("org_id", "since", "until", "brand_id", "model_id")
STOCK_FILTERS = ("org_id", "since", "until", "brand_id", "model_id", "item_id")
DRILL = {
    REPAIRS: ["number", "doc_date", "org", "model", "engineer", "state", "chargeable", "picked_up_at", "charges",
              "parts_cost", "commission", "repair_profit"],
    EXCHANGES: ["number", "doc_date", "org", "model", "state", "handed_over_at", "fee"],
    MOVES: ["doc_date", "doc_type", "item", "from_warehouse", "to_warehouse", "quantity", "value"],
    RETAIL: ["number", "doc_date", "org", "item", "quantity", "net", "cost", "profit"],
    WHOLESALE: ["number", "doc_date", "org", "item", "quantity", "net", "cost", "profit"],
}


@cache
def reports() -> dict[str, FixedReport]:
    return {r.key: r for r in (
        FixedReport("repair_summary", w("维修汇总表", "Repair summary"), ORDER_FILTERS + ("group",), by_group,
                    repair_summary_columns, DRILL),
        FixedReport("exchange_summary", w("换机汇总表", "Exchange summary"), ORDER_FILTERS + ("group",), by_group,
                    exchange_summary_columns, DRILL),
        FixedReport("turnaround", w("维修换机统计", "Turnaround statistics"), ORDER_FILTERS + ("kind",),
                    lambda f: [ORG, ENGINEER] if f["kind"] == "repair" else [ORG], turnaround_columns, DRILL),
        FixedReport("stock_movement", w("收发存报表", "Stock movement"), STOCK_FILTERS, lambda f: [WAREHOUSE, ITEM],
                    movement_columns, DRILL, finish=movement_finish),
        FixedReport("stock_analysis", w("库存分析", "Stock analysis"),
                    ("org_id", "brand_id", "model_id", "item_id", "days", "cover_min", "cover_max"),
                    lambda f: [WAREHOUSE, ITEM], analysis_columns, DRILL, finish=analysis_finish),
        FixedReport("profit", w("利润汇总表", "Profit summary"), ORDER_FILTERS, lambda f: [ORG], profit_columns, DRILL),
        FixedReport("first_time_fix", w("一次修复率与返修", "First-time fix and comebacks"), ORDER_FILTERS + ("by",),
                    first_time_dims, first_time_columns, DRILL),
    )}
