"""The warehouse documents' printed forms through the API, on SQLite and PostgreSQL: every type
(入库单, 出库单, 转仓单, 领料单, 退料单, 维修用料单, 盘点表, 调整单, 拆装单, 调价单) posted at SZ01 and printed
on A4 and A5, in Chinese and English, as PDF and HTML; the stocktake's book, counted and
difference columns; a draft, a reversed document and its reversal marked; a 40-line document
across pages; the QR code resolved back to the document; scoping and bad input."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from server.stock import operations as ops
from server.stock.documents import DOC_TYPES
from server.stock.models import StockBalance, StockLocation
from server.db import unit_of_work

from .print_support import images, pages, qr_codes, text
from .stock_fixtures import imei, world  # noqa: F401

D = dt.date(2026, 11, 20)


def _words(pdf: bytes) -> str:
    """The PDF's text without white space: a narrow cell may wrap a phrase anywhere."""
    return "".join(text(pdf).split())


def _print(client, net, form, doc_id, username="sz01.manager", **args):
    return client.get(f"/api/print/{form}/{doc_id}", query_string=args, headers=net.headers(username))


def _book(world, item: str, wh: str = "SZ01.GOOD") -> Decimal:
    with world.open() as s:
        return s.execute(select(StockBalance.quantity).join(StockLocation, StockLocation.id == StockBalance.location_id)
                         .where(StockLocation.warehouse_id == world.ids[wh], StockBalance.item_id == world.ids[item])
                         ).scalar_one_or_none() or Decimal(0)


def _line(world, item: str, qty, **extra) -> dict:
    return {"item_id": world.ids[item], "quantity": Decimal(str(qty)), **extra}


@pytest.fixture
def stock(world, net):
    """Every warehouse document type posted at SZ01, in an order whose values are known: a
    purchase, a sale, a transfer (then reversed), an engineer's requisition, surplus return and
    use, a stocktake (a loss, a gain, a swapped IMEI), a defective return and its scrapping, a
    disassembly, a price adjustment; and two drafts (a receipt, a stocktake sheet)."""
    w, ids = world, world.ids
    docs = {}
    docs["goods_receipt"] = w.post("goods_receipt", {
        "kind": "purchase", "party_id": ids["supplier"], "warehouse_id": ids["SZ01.GOOD"], "reference": "PO-7781",
        "note": "月度补货", "lines": [_line(w, "screen", 5, unit_cost=Decimal("400")),
                                   _line(w, "device", 2, unit_cost=Decimal("4000"), serials=[imei(1), imei(2)]),
                                   _line(w, "battery", 4)]})  # no cost given: the standard cost, 100
    docs["goods_issue"] = w.post("goods_issue", {
        "kind": "wholesale", "party_id": ids["dealer"], "warehouse_id": ids["SZ01.GOOD"],
        "lines": [_line(w, "screen", 2), _line(w, "device", 1, serials=[imei(1)])]})
    transfer = w.post("bin_transfer", {"warehouse_id": ids["SZ01.GOOD"], "to_warehouse_id": ids["SZ01.GOOD2"],
                                       "lines": [_line(w, "screen", 1)]})
    docs["bin_transfer_reversal"] = w.reverse(transfer, reason="调错仓库")
    docs["bin_transfer"] = transfer
    docs["engineer_requisition"] = w.post("engineer_requisition", {
        "warehouse_id": ids["SZ01.GOOD"], "engineer_id": ids["engineer"], "reference": "WX-SZ01-2611-00042",
        "lines": [_line(w, "battery", 2)]})
    docs["engineer_return"] = w.post("engineer_return", {
        "kind": "surplus", "warehouse_id": ids["SZ01.GOOD"], "engineer_id": ids["engineer"],
        "lines": [_line(w, "battery", 1)]})
    docs["engineer_use"] = w.post("engineer_use", {"engineer_id": ids["engineer"], "reference": "WX-SZ01-2611-00042",
                                                    "lines": [_line(w, "battery", 1)]})
    docs["book"] = {item: _book(w, item) for item in ("screen", "battery", "device")}
    docs["stocktake"] = w.post("stock_adjustment", {"kind": "stocktake", "warehouse_id": ids["SZ01.GOOD"], "lines": [
        {"item_id": ids["screen"], "counted_quantity": Decimal(2)},
        {"item_id": ids["battery"], "counted_quantity": Decimal(5)},
        {"item_id": ids["device"], "counted_quantity": Decimal(1), "serials": [imei(9)]}]})
    w.post("engineer_return", {"kind": "defective", "warehouse_id": ids["SZ01.DEF"], "engineer_id": ids["engineer"],
                               "lines": [_line(w, "screen", 1)]})
    docs["stock_adjustment"] = w.post("stock_adjustment", {"kind": "scrap", "warehouse_id": ids["SZ01.DEF"],
                                                           "lines": [_line(w, "screen", 1)]})
    docs["disassembly"] = w.post("disassembly", {"kind": "disassemble", "warehouse_id": ids["SZ01.GOOD"], "lines": [
        _line(w, "device", 1, serials=[imei(9)]), {"item_id": ids["board"], "role": "component", "serials": ["MB-0001"]}]})
    docs["price_adjustment"] = w.post("price_adjustment", {"lines": [{"item_id": ids["screen"], "unit_cost": Decimal("350")}]})
    with w.open("sz01.manager") as s, unit_of_work(s):
        docs["draft_receipt"] = ops.create_stock_document(s, "goods_receipt", {
            "doc_date": D, "kind": "purchase", "party_id": ids["supplier"], "warehouse_id": ids["SZ01.GOOD"],
            "lines": [{"item_id": ids["screen"], "quantity": Decimal(2), "unit_cost": Decimal("410")}]})
        docs["draft_stocktake"] = ops.create_stock_document(s, "stock_adjustment", {
            "doc_date": D, "kind": "stocktake", "warehouse_id": ids["SZ01.GOOD"],
            "lines": [{"item_id": ids["screen"], "counted_quantity": Decimal(4)}, {"item_id": ids["battery"]}]})
    return docs


# What each posted document must print: its title, kind, lines and totals as the ledger valued them.
EXPECTED = {
    "goods_receipt": ["入库单", "采购入库", "配件供应商（S1）", "PO-7781", "月度补货", "SCR", "Mate60屏幕总成", "DEV", "BAT",
                      imei(1), imei(2), "¥400.00", "¥2,000.00", "¥8,000.00", "¥100.00", "合计：共3行11", "¥10,400.00",
                      "送货人", "仓管员", "审核"],
    "goods_issue": ["出库单", "批发出库", "迅捷通讯（D1）", "¥800.00", "¥4,000.00", "合计：共2行3", "¥4,800.00", "收货人"],
    "bin_transfer": ["转仓单", "调出仓库SZ01GOOD", "调入仓库SZ01GOOD2", "¥400.00", "已红冲", "调错仓库", "调出仓管", "调入仓管"],
    "engineer_requisition": ["工程师领料单", "张磊（E1）", "WX-SZ01-2611-00042", "¥200.00", "领料人"],
    "engineer_return": ["工程师退料单", "余料退回（良品）", "¥100.00", "退料人"],
    "engineer_use": ["维修用料单", "张磊（E1）", "¥100.00", "维修工程师"],
    "stocktake": ["库存盘点表", "盘盈盘亏", "账面数量", "实盘数量", "盈亏数量", "盘点人", "监盘人", imei(9)],
    "stock_adjustment": ["库存调整单", "坏件销毁", "SZ01DEF", "¥0.00", "监销人"],
    "disassembly": ["拆装单", "拆整为散", "Mate60整机（出）", "Mate60主板（入）", "MB-0001", "-¥4,000.00", "¥3,000.00",
                    "¥800.00", "¥200.00"],
    "price_adjustment": ["调价单", "新单价", "¥350.00", "-¥550.00", "合计：共1行3"],
}
FORM_OF = {"stocktake": "stock-adjustment", "bin_transfer_reversal": "bin-transfer", "draft_receipt": "goods-receipt",
           "draft_stocktake": "stock-adjustment"}


def _form(key: str) -> str:
    return FORM_OF.get(key) or key.replace("_", "-")


def test_every_warehouse_document_prints_on_a4_and_a5_in_both_languages(client, net, stock, backend):
    for key, expected in EXPECTED.items():
        doc = stock[key]
        for paper in ("a4", "a5"):
            for lang in ("zh", "en"):
                r = _print(client, net, _form(key), doc.id, paper=paper, lang=lang)
                assert r.status_code == 200 and r.mimetype == "application/pdf", (key, paper, lang, r.get_data()[:300])
                assert r.headers["Cache-Control"] == "no-store"
                words = _words(r.data)
                assert doc.number and doc.number in words, (key, paper, lang)
                if lang == "zh":
                    for word in expected:
                        assert word in words, (key, paper, word)
                else:
                    title = "Stocktakesheet" if key == "stocktake" else DOC_TYPES[doc.doc_type].label["en"].replace(" ", "")
                    assert title in words and "Prepared" in words, (key, paper)
                    # Amounts and codes are the same in either language.
                    assert all(w in words for w in expected if w.isascii()), (key, paper)
                page = _print(client, net, _form(key), doc.id, paper=paper, lang=lang, format="html")
                assert page.status_code == 200 and page.mimetype == "text/html", (key, paper, lang)
                assert doc.number in page.get_data(as_text=True)
                assert "default-src 'none'" in page.headers["Content-Security-Policy"]
        images(_print(client, net, _form(key), doc.id).data, f"stock-{_form(key)}-a4-zh-{backend}", dpi=90, first=1, last=1)
    # Each form's default paper is A4.
    assert abs(pages(_print(client, net, "goods-receipt", stock["goods_receipt"].id).data)[0]["width"] - 595.3) < 1
    a5 = _print(client, net, "goods-receipt", stock["goods_receipt"].id, paper="a5", lang="en").data
    assert abs(pages(a5)[0]["width"] - 419.5) < 1
    images(a5, f"stock-goods-receipt-a5-en-{backend}", dpi=110, first=1, last=1)


def _rows(pdf: bytes) -> dict[str, list[str]]:
    """The table rows of a form by item code (the second cell), as their words."""
    out = {}
    for line in text(pdf).splitlines():
        cells = line.split()
        if len(cells) > 2 and cells[0].isdigit() and cells[1] in ("SCR", "BAT", "DEV", "MB"):
            out[cells[1]] = cells
    return out


def test_the_stocktake_sheet_shows_book_counted_and_differences(client, net, stock, backend):
    """Book (what the ledger held when the count was posted), counted, the signed difference and
    its value: screens 3 → 2 (a loss of one at 400), batteries 3 → 5 (a gain of two at 100), the
    device 1 → 1 with its IMEI swapped (imei 2 missing, imei 9 found: no difference in number)."""
    doc = stock["stocktake"]
    book = stock["book"]
    assert book == {"screen": Decimal(3), "battery": Decimal(3), "device": Decimal(1)}
    pdf = _print(client, net, "stock-adjustment", doc.id).data
    rows = _rows(pdf)
    assert rows["SCR"][-4:] == ["3", "2", "-1", "-¥400.00"], rows
    assert rows["BAT"][-4:] == ["3", "5", "+2", "¥200.00"], rows
    assert rows["DEV"][-4:] == ["1", "1", "0", "¥0.00"], rows
    words = _words(pdf)
    assert f"盘盈{imei(9)}；盘亏{imei(2)}" in words and "合计：共3行+1-¥200.00" in words, words
    images(pdf, f"stock-stocktake-a4-zh-{backend}", dpi=110, first=1, last=1)
    english = _words(_print(client, net, "stock-adjustment", doc.id, lang="en", paper="a5").data)
    for word in ["Stocktakesheet", "Book", "Counted", "Diff.", "Value", "Countedby", "Witnessedby", "Total:3lines+1-¥200.00",
                 f"Found{imei(9)};Missing{imei(2)}"]:
        assert word in english, word
    # A draft is the counting sheet: today's book quantities, the counts as far as entered.
    draft = _print(client, net, "stock-adjustment", stock["draft_stocktake"].id).data
    rows = _rows(draft)
    assert rows["SCR"][-3:] == ["3", "4", "+1"] and rows["BAT"][-1] == "6", rows  # the battery is not counted yet
    assert "草稿·未过账" in _words(draft)
    images(draft, f"stock-stocktake-draft-a4-zh-{backend}", dpi=110, first=1, last=1)


def test_drafts_reversed_documents_and_reversals_are_marked(client, net, stock, backend):
    draft = _print(client, net, "goods-receipt", stock["draft_receipt"].id, paper="a5").data
    words = _words(draft)
    assert "草稿·未过账" in words and "¥820.00" in words and "RK-" not in words
    assert "".join(text(draft, raw=True).split()).count("草稿") == 2  # the stamp and the watermark
    assert "DRAFT·notposted" in _words(_print(client, net, "goods-receipt", stock["draft_receipt"].id, lang="en").data)
    images(draft, f"stock-draft-a5-zh-{backend}", dpi=110, first=1, last=1)
    original, reversal = stock["bin_transfer"], stock["bin_transfer_reversal"]
    reversed_pdf = _print(client, net, "bin-transfer", original.id).data
    words = _words(reversed_pdf)
    # The stamp, the watermark on the page, who reversed it, why, and the reversal's number.
    assert "".join(text(reversed_pdf, raw=True).split()).count("已红冲") == 2
    assert "调错仓库" in words and f"红冲单号{reversal.number}" in words
    assert "REVERSED" in _words(_print(client, net, "bin-transfer", original.id, lang="en").data)
    images(reversed_pdf, f"stock-reversed-a4-zh-{backend}", dpi=110, first=1, last=1)
    # The reversal says what it reverses, with the amounts negated; not the generated note.
    words = _words(_print(client, net, "bin-transfer", reversal.id).data)
    assert "红冲单" in words and f"冲销原单{original.number}" in words and "-¥400.00" in words and "-1" in words
    assert f"红冲{original.number}" not in words
    english = _words(_print(client, net, "bin-transfer", reversal.id, lang="en").data)
    assert "REVERSAL" in english and f"Reverses{original.number}" in english


def test_a_40_line_document_runs_over_pages_with_its_header_on_each(client, net, world, backend):
    lines = []
    for n in range(40):
        item = ("screen", "battery", "device")[n % 3]
        lines.append(_line(world, item, 1, unit_cost=Decimal("10") + n, serials=[imei(100 + n)] if item == "device" else []))
    doc = world.post("goods_receipt", {"kind": "purchase", "party_id": world.ids["supplier"],
                                       "warehouse_id": world.ids["SZ01.GOOD"], "lines": lines})
    total = sum(Decimal("10") + n for n in range(40))
    for paper, lang, head in (("a4", "zh", ("序号", "编码", "单价")), ("a5", "en", ("#", "Code", "Unit"))):
        pdf = _print(client, net, "goods-receipt", doc.id, paper=paper, lang=lang).data
        doc_pages = pages(pdf)
        assert len(doc_pages) >= 2, (paper, len(doc_pages))
        seqs = []
        for n, page in enumerate(doc_pages, start=1):
            words = [w["text"] for w in page["words"]]
            assert all(h in words for h in head), (paper, n)  # the table's header, on every page
            assert f"{n}/{len(doc_pages)}" in "".join(words), (paper, n)
        for line in text(pdf).splitlines():
            cells = line.split()
            if len(cells) > 2 and cells[0].isdigit() and cells[1] in ("SCR", "BAT", "DEV"):
                seqs.append(int(cells[0]))
        assert seqs == list(range(1, 41)), (paper, seqs)  # every line once, in order, none split
        assert f"{total:,.2f}" in _words(pdf) and all(imei(100 + n) in _words(pdf) for n in range(2, 40, 3))
        images(pdf, f"stock-40-lines-{paper}-{lang}-{backend}", dpi=90, first=1, last=len(doc_pages))


def test_the_qr_code_opens_the_document_for_whoever_may_see_it(client, net, stock, backend):
    doc = stock["goods_receipt"]
    png = images(_print(client, net, "goods-receipt", doc.id).data, f"stock-qr-{backend}", first=1, last=1)[0]
    (token,) = qr_codes(png)
    assert token.startswith("S1")
    r = client.get(f"/api/print/resolve/{token}", headers=net.headers("sz01.clerk"))
    assert r.status_code == 200 and r.json == {"kind": "stock_document", "id": str(doc.id), "number": doc.number,
                                               "provisional_code": "", "state": "posted", "doc_type": "goods_receipt"}
    assert client.get(f"/api/print/resolve/{token}", headers=net.headers("gz01.clerk")).status_code == 404
    net.add_user("sz01.qc", "SZ01", ["qc"])  # may see repairs, not stock
    r = client.get(f"/api/print/resolve/{token}", headers=net.headers("sz01.qc"))
    assert r.status_code == 403 and r.json["errors"] == {"permission": ["stock.view"]}


def test_another_points_document_is_not_found_and_a_form_prints_only_its_type(client, net, stock):
    for key in ("goods_receipt", "stocktake", "bin_transfer_reversal", "draft_receipt"):
        doc = stock[key]
        assert _print(client, net, _form(key), doc.id, username="gz01.manager").status_code == 404, key
        assert _print(client, net, _form(key), doc.id, username="hq").status_code == 200, key  # headquarters sees all
        assert _print(client, net, _form(key), doc.id, username="sz01.clerk").status_code == 200, key  # stock.view
    # A receipt is no issue.
    assert _print(client, net, "goods-issue", stock["goods_receipt"].id).status_code == 404
    net.add_user("sz01.courier", "SZ01", ["courier"])  # prints repair papers, may not see stock
    r = _print(client, net, "goods-receipt", stock["goods_receipt"].id, username="sz01.courier")
    assert r.status_code == 403 and r.json["errors"] == {"permission": ["stock.view"]}


@pytest.mark.parametrize("args, field", [
    ({"paper": "80mm"}, "paper"), ({"paper": "label"}, "paper"), ({"paper": "a3"}, "paper"), ({"lang": "fr"}, "lang"),
    ({"format": "docx"}, "format"), ({"copies": "2"}, "copies"),
])
def test_bad_print_requests_name_the_field(client, net, stock, args, field):
    r = _print(client, net, "goods-receipt", stock["goods_receipt"].id, **args)
    assert r.status_code == 422 and field in r.json["errors"], r.json


def test_every_stock_type_has_its_form_in_the_registry():
    from server.printing.forms import FORMS

    forms = {f.document_type: f for f in FORMS.values() if f.template == "print/stock_document.html"}
    assert set(forms) == set(DOC_TYPES)
    for name, form in forms.items():
        assert form.name == name.replace("_", "-") and form.papers == ("a4", "a5") and form.permission == "stock.view"
