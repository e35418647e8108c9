"""Excel export of the warehouse document lists (GET /api/stock/<type>s/export): the list's filters
and sort, one row per line, a reversal taken off, a stocktake's book and counted quantities, both
languages, scoped by organisation, audited, bad input named; the workspace export offers it. Both
databases."""

from __future__ import annotations

import io
from decimal import Decimal

from openpyxl import load_workbook
from sqlalchemy import select

from server.core.models import AuditLog

from .stock_fixtures import receipt, world  # noqa: F401

RECEIPTS = "/api/stock/goods-receipts"


def _sheet(resp) -> list[list]:
    assert resp.status_code == 200, resp.data[:300]
    assert resp.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert resp.headers["Content-Disposition"].startswith("attachment; filename=")
    ws = load_workbook(io.BytesIO(resp.data), read_only=True).active
    return [list(r) for r in ws.iter_rows(values_only=True)]


def _rows(client, net, username, path=RECEIPTS, **query) -> list[dict]:
    rows = _sheet(client.get(f"{path}/export", query_string=query, headers=net.headers(username)))
    # A row's empty cells at its end are not written: read as empty.
    return [dict(zip(rows[0], list(r) + [None] * (len(rows[0]) - len(r)))) for r in rows[1:]]


def _receipts(world, net):
    a = receipt(world, "device", 2, 3900, serials=["861111111111111", "861111111111129"])
    b = world.post("goods_receipt", {"kind": "other", "warehouse_id": world.ids["SZ01.GOOD2"], "reference": "=SUM(A1)",
                                     "lines": [{"item_id": world.ids["screen"], "quantity": Decimal("5"), "unit_cost": Decimal("400")},
                                               {"item_id": world.ids["battery"], "quantity": Decimal("3"), "unit_cost": Decimal("90")}]})
    g = receipt(world, "screen", 4, 380, wh="GZ01.GOOD", username="gz01.manager")
    return a, b, g


def test_the_sheet_is_the_list_one_row_per_line(client, net, world):
    a, b, g = _receipts(world, net)
    reversal = world.reverse(a)
    rows = _rows(client, net, "sz01.manager", sort="number")
    # SZ01's documents only, in the list's order (by number), each line a row.
    assert [r["单号"] for r in rows] == sorted([a.number, b.number, b.number, reversal.number])
    assert list(rows[0])[:8] == ["单号", "单据日期", "业务类型", "所属网点", "仓库", "往来单位", "关联单号", "状态"]
    first = next(r for r in rows if r["单号"] == a.number)
    assert first["业务类型"] == "采购入库" and first["仓库"] == "SZ01 GOOD" and first["往来单位"] == "配件供应商"
    assert first["所属网点"] == "SZ01" and first["状态"] == "已红冲"
    assert first["产品编码"] == "DEV" and first["数量"] == 2 and first["单位成本"] == 3900
    assert first["串号"] == "861111111111111、861111111111129"
    # Text stays text: a reference that looks like a formula is not one.
    assert {r["关联单号"] for r in rows if r["单号"] == b.number} == {"=SUM(A1)"}
    assert [r["产品名称"] for r in rows if r["单号"] == b.number] == ["Mate 60 屏幕总成", "Mate 60 电池"]
    # The reversal's quantity is taken off, so the column adds up as the list's total does.
    assert next(r for r in rows if r["单号"] == reversal.number)["数量"] == -2
    total = client.get(RECEIPTS, headers=net.headers("sz01.manager")).json["totals"]["quantity"]
    assert sum(Decimal(str(r["数量"])) for r in rows) == Decimal(total) == 8


def test_filters_sort_and_language_follow_the_list(client, net, world):
    a, b, g = _receipts(world, net)
    draft = client.post(RECEIPTS, json={"kind": "purchase", "warehouse_id": str(world.ids["SZ01.GOOD"]),
                                        "party_id": str(world.ids["supplier"]), "lines": []},
                        headers=net.headers("sz01.manager")).json
    rows = _rows(client, net, "sz01.manager", status="draft")
    # A draft without lines is one row; it has no number yet.
    assert len(rows) == 1 and rows[0]["单号"] is None and rows[0]["状态"] == "草稿" and rows[0]["产品编码"] is None
    assert draft["status"] == "draft"
    assert {r["单号"] for r in _rows(client, net, "sz01.manager", kind="other")} == {b.number}
    assert {r["单号"] for r in _rows(client, net, "sz01.manager", number=a.number)} == {a.number}
    en = _rows(client, net, "sz01.manager", kind="purchase", status="posted", lang="en")
    assert list(en[0])[:8] == ["Number", "Date", "Type", "Service point", "Warehouse", "Party", "Reference", "Status"]
    assert en[0]["Type"] == "Purchase" and en[0]["Status"] == "Posted" and en[0]["Item code"] == "DEV"
    # Headquarters sees every point, each row naming its own.
    hq = _rows(client, net, "hq", sort="-number", status="posted")
    assert {r["所属网点"] for r in hq} == {"SZ01", "GZ01"} and g.number in {r["单号"] for r in hq}
    assert [r["单号"] for r in hq] == sorted((r["单号"] for r in hq), reverse=True)
    only = _rows(client, net, "hq", warehouse_id=str(world.ids["GZ01.GOOD"]))
    assert [r["单号"] for r in only] == [g.number]


def test_a_stocktake_sheet_exports_book_counted_and_difference(client, net, world):
    receipt(world, "screen", 5, 400)
    h = net.headers("sz01.manager")
    path = "/api/stock/stock-adjustments"
    r = client.post(path, json={"kind": "stocktake", "warehouse_id": str(world.ids["SZ01.GOOD"]),
                                "lines": [{"item_id": str(world.ids["screen"]), "counted_quantity": "3"}]}, headers=h)
    assert client.post(f"{path}/{r.json['id']}/post", headers=h).status_code == 200
    row = _rows(client, net, "sz01.manager", path=path, kind="stocktake")[0]
    assert (row["账面数量"], row["实盘数量"], row["盘盈(+)/盘亏(−)"]) == (5, 3, -2)


def test_the_export_is_audited_and_needs_stock_view(client, net, world):
    _receipts(world, net)
    _rows(client, net, "sz01.manager", kind="purchase")
    _rows(client, net, "hq")
    s = net.session()
    try:
        audit = s.execute(select(AuditLog).where(AuditLog.action == "stock_documents.export").order_by(AuditLog.at)).scalars().all()
        assert [(a.username, a.after["doc_type"], a.after["rows"]) for a in audit] == [
            ("sz01.manager", "goods_receipt", 1), ("hq", "goods_receipt", 4)]
        assert audit[0].after["filters"] == {"kind": "purchase"}
    finally:
        s.close()
    net.add_user("sz01.qc", "SZ01", ["qc"])  # no stock.view
    assert client.get(f"{RECEIPTS}/export", headers=net.headers("sz01.qc")).status_code == 403
    assert client.get(f"{RECEIPTS}/export").status_code == 401


def test_bad_input_names_the_field_and_writes_nothing(client, net, world):
    for query, field in (({"format": "csv"}, "format"), ({"lang": "fr"}, "lang"), ({"sort": "note"}, "sort"),
                         ({"since": "2026-13-01"}, "since"), ({"warehouse_id": "GOOD"}, "warehouse_id"),
                         ({"page": "1"}, "page")):
        r = client.get(f"{RECEIPTS}/export", query_string=query, headers=net.headers("sz01.manager"))
        assert r.status_code == 422 and field in r.json["errors"], (query, r.json)
    s = net.session()
    try:
        assert s.execute(select(AuditLog).where(AuditLog.action == "stock_documents.export")).first() is None
    finally:
        s.close()


def test_the_workspace_offers_every_warehouse_list_export(client, net):
    from server.stock.documents import DOC_TYPES

    m = client.get("/api/meta/documents", headers=net.headers("sz01.manager")).json
    for e in m["documents"]:
        if e["key"] in DOC_TYPES:
            assert e["list"]["export"] == {"path": f"{e['path']}/export", "formats": ["xlsx"], "query": True,
                                           "lang": "lang"}, e["key"]
            # Every list filter is one the export takes.
            r = client.get(e["list"]["export"]["path"], headers=net.headers("sz01.manager"))
            assert r.status_code == 200, (e["key"], r.data[:200])
