"""Printing through the API on SQLite and PostgreSQL: a repair order taken through intake,
quotation, deposit, handovers, repair, pickup and a refund, each of its documents printed and
read back (text, QR code resolved to the order); a packing list (sent, checked in, closed; and
one of 500 lines), a loaner slip (lent, returned) and a batch acceptance list; scoping,
permissions and bad input."""

from __future__ import annotations

import base64
import datetime as dt
import io
import uuid

import pytest
from PIL import Image, ImageDraw
from sqlalchemy import insert, select, update

from server.basedata.operations import today_in
from server.db import unit_of_work
from server.repair.models import RepairOrder, RepairPackingLine, RepairPackingList

from .print_support import images, pages, qr_codes, text
from .repair_fixtures import intake_body, rw, stock_engineer  # noqa: F401
from .stock_fixtures import imei, world  # noqa: F401
from .test_repair_logistics import _loaner_stock


def _png(size=(240, 80), draw=None) -> bytes:
    img = Image.new("RGB", size, "white")
    d = ImageDraw.Draw(img)
    (draw or (lambda d: d.line([(10, 60), (60, 15), (110, 55), (170, 20), (230, 50)], fill="black", width=5)))(d)
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    return buf.getvalue()


SIGNATURE = "data:image/png;base64," + base64.b64encode(_png()).decode()


def _ok(r, status=200):
    assert r.status_code == status, r.json
    return r.json


@pytest.fixture
def documents(client, net, rw):
    """An out-of-warranty repair at SZ01 with every document a counter prints."""
    clerk = net.headers("sz01.clerk")
    photo = client.post("/api/blobs", data=_png((640, 480), lambda d: d.rectangle([100, 100, 400, 300], fill="red")),
                        content_type="image/png", headers=clerk).json["sha256"]
    stock_engineer(rw, "battery", 1)
    body = intake_body(rw, imei=imei(2), purchase_date="2020-01-01", photos=[photo], provisional_code="K7QD5-0042",
                       deposit={"amount": "100.00", "account_id": str(rw.ids["SZ01.CASH"])})
    order = _ok(client.post("/api/repair/orders", json=body, headers=clerk), 201)["order"]
    oid = order["id"]
    eng = net.headers("sz01.engineer")
    _ok(client.post(f"/api/repair/orders/{oid}/accept", json={}, headers=clerk))
    q = _ok(client.post(f"/api/repair/orders/{oid}/quotations", json={"lines": [
        {"kind": "part", "item_id": str(rw.ids["battery"])}, {"kind": "labour", "repair_level_id": str(rw.ids["level"])}]},
        headers=eng), 201)
    _ok(client.post(f"/api/repair/orders/{oid}/quotations/{q['id']}/decision", json={"accepted": True, "signature": SIGNATURE},
                    headers=eng))
    _ok(client.post(f"/api/repair/orders/{oid}/handovers", json={
        "to_user_id": str(net.users["sz01.engineer"].id), "signature": SIGNATURE, "place": "维修间", "note": "附件齐全"},
        headers=clerk), 201)
    _ok(client.post(f"/api/repair/orders/{oid}/start-repair", json={}, headers=eng))
    _ok(client.post(f"/api/repair/orders/{oid}/parts", json={"item_id": str(rw.ids["battery"])}, headers=eng), 201)
    _ok(client.post(f"/api/repair/orders/{oid}/finish-repair", json={"repair_level_id": str(rw.ids["level"])}, headers=eng))
    _ok(client.post(f"/api/repair/orders/{oid}/handovers", json={
        "to_user_id": str(net.users["sz01.qc"].id), "signature": SIGNATURE, "place": "质检台"}, headers=eng), 201)
    _ok(client.post(f"/api/repair/orders/{oid}/qc-pass", json={}, headers=net.headers("sz01.qc")))
    _ok(client.post(f"/api/repair/orders/{oid}/handovers", json={
        "to_user_id": str(net.users["sz01.clerk"].id), "signature": SIGNATURE, "place": "前台"},
        headers=net.headers("sz01.qc")), 201)
    _ok(client.post(f"/api/repair/orders/{oid}/pickup", json={"signature": SIGNATURE, "account_id": str(rw.ids["SZ01.CASH"])},
                    headers=clerk))
    _ok(client.post(f"/api/repair/orders/{oid}/refunds", json={"amount": "30.00", "account_id": str(rw.ids["SZ01.CASH"]),
                                                                "reason": "电池活动优惠"}, headers=clerk), 201)
    detail = _ok(client.get(f"/api/repair/orders/{oid}", headers=clerk))
    pay = {p["kind"]: p for p in detail["payments"]}
    return {"order": detail["order"], "quotation": q["id"], "deposit": pay["deposit"], "settlement": pay["settlement"],
            "refund": pay["refund"]}


def _print(client, net, form, doc_id, username="sz01.clerk", **args):
    return client.get(f"/api/print/{form}/{doc_id}", query_string=args, headers=net.headers(username))


def test_every_document_prints_and_its_qr_code_resolves_to_the_order(client, net, documents, backend):
    order = documents["order"]
    number, oid = order["number"], order["id"]
    cases = [
        ("intake-ticket", oid, "80mm", ["维修受理单", "客户联", "存根联", number, "K7QD5-0042", imei(2), "王芳", "充电器（已收）",
                                        "摔后不开机", "左上角磕碰", "¥100.00"]),
        ("intake-ticket", oid, "a5", [number, imei(2), "外观照片"]),
        ("device-label", oid, "label", [number, "K7QD5-0042", imei(2)]),
        ("quotation", documents["quotation"], "80mm", ["维修报价单", number, "客户已同意", "¥230.00"]),
        ("pickup-receipt", documents["settlement"]["id"], "80mm", ["取机结算单", documents["settlement"]["number"], number,
                                                                   "¥230.00", "¥130.00", "押金抵扣", "SZ01 现金"]),
        ("deposit-receipt", documents["deposit"]["id"], "80mm", ["押金收据", documents["deposit"]["number"], "¥100.00"]),
        ("refund-receipt", documents["refund"]["id"], "a5", ["退款单", "待审批", "¥30.00", "电池活动优惠"]),
        ("handover-slip", oid, "a4", ["维修机移交单", number, "维修间", "质检台", "前台", "Sz01.Engineer", "已完成"]),
    ]
    for form, doc_id, paper, expected in cases:
        r = _print(client, net, form, doc_id, paper=paper)
        assert r.status_code == 200 and r.mimetype == "application/pdf", (form, r.status_code, r.get_data()[:300])
        assert r.headers["Cache-Control"] == "no-store"
        content = " ".join(text(r.data).split())
        for word in expected:
            assert word in content, (form, word)
        png = images(r.data, f"api-{form}-{paper}-{backend}", dpi=300 if paper == "label" else 200, first=1, last=1)[0]
        (token,) = qr_codes(png)
        resolved = _ok(client.get(f"/api/print/resolve/{token}", headers=net.headers("sz01.engineer")))
        assert resolved == {"kind": "repair_order", "id": oid, "number": number, "provisional_code": "K7QD5-0042",
                            "state": "completed"}
    # The A5 ticket carries the appearance photo as a thumbnail image.
    a5 = _print(client, net, "intake-ticket", oid, paper="a5").data
    assert a5.count(b"/Subtype /Image") >= 2  # the QR code and the photo
    english = _print(client, net, "intake-ticket", oid, lang="en")
    assert "Repair intake ticket" in text(english.data) and "Customer copy" in text(english.data)
    page = _print(client, net, "quotation", documents["quotation"], format="html")
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert number in page.get_data(as_text=True) and "default-src 'none'" in page.headers["Content-Security-Policy"]


def test_another_points_documents_and_codes_are_not_found(client, net, documents):
    order = documents["order"]
    ticket = _print(client, net, "intake-ticket", order["id"])
    token = qr_codes(images(ticket.data, "api-scoping", first=1, last=1)[0])[0]
    for form, doc_id in [("intake-ticket", order["id"]), ("quotation", documents["quotation"]),
                         ("pickup-receipt", documents["settlement"]["id"]), ("handover-slip", order["id"])]:
        r = _print(client, net, form, doc_id, username="gz01.clerk")
        assert r.status_code == 404, (form, r.json)
    assert client.get(f"/api/print/resolve/{token}", headers=net.headers("gz01.clerk")).status_code == 404
    # Headquarters sees every point.
    assert _print(client, net, "intake-ticket", order["id"], username="hq").status_code == 200
    assert client.get(f"/api/print/resolve/{token}", headers=net.headers("hq")).status_code == 200
    # A payment printed as the wrong kind of receipt is no such document.
    assert _print(client, net, "refund-receipt", documents["deposit"]["id"]).status_code == 404


def test_printing_needs_its_permission(client, net, documents):
    net.add_user("dealer1", "SZ01", ["dealer"])
    r = _print(client, net, "intake-ticket", documents["order"]["id"], username="dealer1")
    assert r.status_code == 403 and r.json["errors"] == {"permission": ["print.forms"]}
    assert client.get(f"/api/print/intake-ticket/{documents['order']['id']}").status_code == 401


@pytest.mark.parametrize("form, args, field", [
    ("receipt", {}, "form"),
    ("intake-ticket", {"paper": "a3"}, "paper"),
    ("intake-ticket", {"paper": "a4"}, "paper"),
    ("device-label", {"paper": "80mm"}, "paper"),
    ("intake-ticket", {"format": "docx"}, "format"),
    ("intake-ticket", {"lang": "fr"}, "lang"),
    ("intake-ticket", {"copies": "2"}, "copies"),
])
def test_bad_requests_name_the_field(client, net, documents, form, args, field):
    r = _print(client, net, form, documents["order"]["id"], **args)
    assert r.status_code == 422 and field in r.json["errors"], r.json


def test_a_bad_document_id_or_token_names_the_field(client, net, documents):
    r = _print(client, net, "intake-ticket", "WX-SZ01-2611-00001")
    assert r.status_code == 422 and "document_id" in r.json["errors"]
    r = client.get("/api/print/resolve/13800138000", headers=net.headers("sz01.clerk"))
    assert r.status_code == 422 and "token" in r.json["errors"]


# -- packing lists, loaners, batches ------------------------------------------------------------------

def _post(client, net, path, username, expect=200, **body):
    r = client.post(f"/api/repair{path}", json=body, headers=net.headers(username))
    assert r.status_code == expect, (path, r.status_code, r.json)
    return r.json


def _words(pdf: bytes) -> str:
    """The PDF's text without white space: a narrow cell may wrap a phrase anywhere."""
    return "".join(text(pdf).split())


@pytest.fixture
def logistics(client, net, rw):
    """At SZ01: a factory packing list of two devices (sent; one checked in, a stranger found in
    the box, closed: the other missing), a draft list, a loaner lent against an order, and a
    distributor batch of two devices."""
    clerk = net.headers("sz01.clerk")
    ids = []
    for n, extra in ((1, {}), (2, {"accessories_received": []})):
        body = intake_body(rw, imei=imei(n), mode="C", **extra)
        ids.append(_ok(client.post("/api/repair/orders", json=body, headers=clerk), 201)["order"]["id"])
        _ok(client.post(f"/api/repair/orders/{ids[-1]}/accept", json={}, headers=clerk))
    pl = _post(client, net, "/packing-lists", "sz01.courier", 201, purpose="factory", manufacturer_id=str(rw.ids["maker"]),
               carrier="顺丰速运", tracking_no="SF1402887", note="易碎轻放", order_ids=ids)
    lid = pl["packing_list"]["id"]
    draft = _post(client, net, "/packing-lists", "sz01.courier", 201, purpose="factory",
                  manufacturer_id=str(rw.ids["maker"]))["packing_list"]["id"]
    sent = _post(client, net, f"/packing-lists/{lid}/send", "sz01.courier")
    _post(client, net, f"/packing-lists/{lid}/receive", "sz01.clerk", imei=imei(1), signature=SIGNATURE)
    _post(client, net, f"/packing-lists/{lid}/receive", "sz01.clerk", imei=imei(9), note="箱内多出")
    _post(client, net, f"/packing-lists/{lid}/close", "sz01.clerk")
    numbers = [_ok(client.get(f"/api/repair/orders/{i}", headers=clerk))["order"]["number"] for i in ids]

    _loaner_stock(net, rw)
    borrower = _ok(client.post("/api/repair/orders", json=intake_body(rw, imei=imei(3), provisional_code="K7QD5-0077"),
                               headers=clerk), 201)["order"]
    loaner = _post(client, net, f"/orders/{borrower['id']}/loaners", "sz01.clerk", 201, item_id=str(rw.ids["device"]),
                   serial=imei(50), due_date=(today_in("Asia/Shanghai") + dt.timedelta(days=7)).isoformat(), deposit="500.00",
                   account_id=str(rw.ids["SZ01.CASH"]), note="九成新，屏幕完好")

    batch = _post(client, net, "/batches", "sz01.clerk", 201, party_id=str(rw.ids["dealer"]), contact_name="陈经理",
                  contact_phone="13912345678", note="月结")
    bid = batch["batch"]["id"]
    for n, fault in ((11, "批量不开机"), (12, "屏幕闪烁")):
        _post(client, net, f"/batches/{bid}/devices", "sz01.clerk", 201, imei=imei(n), symptom_ids=[str(rw.ids["nopower"])],
              fault_description=fault, appearance_note="边框磕碰" if n == 12 else "",
              accessories_received=[str(rw.ids["charger"])])
    closed = _post(client, net, f"/batches/{bid}/close", "sz01.clerk")
    return {"list": sent["packing_list"], "draft": draft, "orders": ids, "numbers": numbers, "loaner": loaner,
            "borrower": borrower, "batch": closed}


def test_packing_list_prints_what_was_sent_and_what_the_check_in_found(client, net, logistics, backend):
    pl = logistics["list"]
    r = _print(client, net, "packing-list", pl["id"])
    assert r.status_code == 200 and r.mimetype == "application/pdf", r.get_data()[:300]
    words = _words(r.data)
    for word in ["维修装箱单", pl["number"], "返厂维修", "华为厂家", "顺丰速运", "SF1402887", "易碎轻放", *logistics["numbers"],
                 imei(1), imei(2), imei(9), "不开机", "摔后不开机", "充电器", "未到货", "清单外", "箱内多出", "设备合计：3",
                 "1/1"]:
        assert word in words, word
    # Line 2 went missing; line 3 is the stranger, with no order.
    rows = [line.split() for line in text(r.data).splitlines()]
    assert [row[:3] for row in rows if row[:1] == ["2"]][0][1:3] == [logistics["numbers"][1], imei(2)]
    assert any(row[:3] == ["3", "—", imei(9)] for row in rows), rows
    images(r.data, f"api-packing-list-{backend}", first=1, last=1)
    english = _words(_print(client, net, "packing-list", pl["id"], lang="en").data)
    assert "Repairpackinglist" in english and "Returntofactory" in english and "missing" in english
    # A list still being packed has no number: it prints as such.
    draft = _words(_print(client, net, "packing-list", logistics["draft"]).data)
    assert "装箱中，未发出" in draft and "设备合计：0" in draft


def test_loaner_slip_prints_lending_and_return_and_its_code_opens_the_order(client, net, logistics, backend):
    loaner, borrower = logistics["loaner"], logistics["borrower"]
    r = _print(client, net, "loaner-slip", loaner["id"])
    assert r.status_code == 200, r.json
    words = _words(r.data)
    for word in ["维修备机单", loaner["number"], borrower["number"], imei(50), "九成新，屏幕完好", "¥500.00", "王芳",
                 "138****8000", loaner["due_date"], "未归还", "备机仅供维修期间使用"]:
        assert word in words, word
    png = images(r.data, f"api-loaner-slip-{backend}", first=1, last=1)[0]
    (token,) = qr_codes(png)
    resolved = _ok(client.get(f"/api/print/resolve/{token}", headers=net.headers("sz01.engineer")))
    assert resolved["id"] == borrower["id"] and resolved["number"] == borrower["number"]
    _post(client, net, f"/loaners/{loaner['id']}/return", "sz01.clerk", condition="damaged", damage_charge="120.00",
          note="屏幕划伤")
    returned = _print(client, net, "loaner-slip", loaner["id"], paper="80mm")
    words = _words(returned.data)
    for word in ["损坏", "¥120.00", "屏幕划伤", "归还时间"]:
        assert word in words, word
    assert "未归还" not in words
    images(returned.data, f"api-loaner-slip-returned-80mm-{backend}", first=1, last=1)


def test_batch_acceptance_lists_every_device_of_the_batch(client, net, logistics, backend):
    batch = logistics["batch"]
    r = _print(client, net, "batch-acceptance", batch["batch"]["id"])
    assert r.status_code == 200, r.json
    words = _words(r.data)
    for word in ["批量受理清单", batch["batch"]["number"], "迅捷通讯", "D1", "陈经理", "13912345678", "月结", imei(11),
                 imei(12), "批量不开机", "屏幕闪烁", "边框磕碰", "充电器", "设备合计：2",
                 *[o["number"] for o in batch["orders"]]]:
        assert word in words, word
    images(r.data, f"api-batch-acceptance-{backend}", first=1, last=1)


def test_another_points_logistics_documents_are_not_found(client, net, logistics):
    docs = [("packing-list", logistics["list"]["id"]), ("loaner-slip", logistics["loaner"]["id"]),
            ("batch-acceptance", logistics["batch"]["batch"]["id"])]
    for form, doc_id in docs:
        r = _print(client, net, form, doc_id, username="gz01.clerk")
        assert r.status_code == 404, (form, r.json)
        assert _print(client, net, form, doc_id, username="hq").status_code == 200, form
    # An id of one kind of document is no document of another kind.
    assert _print(client, net, "packing-list", logistics["loaner"]["id"]).status_code == 404
    assert _print(client, net, "loaner-slip", logistics["orders"][0]).status_code == 404
    assert _print(client, net, "batch-acceptance", logistics["list"]["id"]).status_code == 404


@pytest.mark.parametrize("form, doc, args, field", [
    ("packing-list", "list", {"paper": "80mm"}, "paper"),
    ("batch-acceptance", "batch", {"paper": "a5"}, "paper"),
    ("loaner-slip", "loaner", {"paper": "label"}, "paper"),
    ("loaner-slip", "loaner", {"lang": "de"}, "lang"),
    ("packing-list", None, {}, "document_id"),
])
def test_bad_logistics_print_requests_name_the_field(client, net, logistics, form, doc, args, field):
    doc_id = {"list": logistics["list"]["id"], "batch": logistics["batch"]["batch"]["id"],
              "loaner": logistics["loaner"]["id"], None: "ZX-SZ01-2611-00001"}[doc]
    r = _print(client, net, form, doc_id, **args)
    assert r.status_code == 422 and field in r.json["errors"], r.json


LONG = 500


def test_a_500_line_packing_list_pages_with_its_header_and_every_line_once(client, net, logistics, backend):
    """The sent list grows to 500 devices (rows copied in SQL: 500 intakes through the API would
    take minutes), then prints through the API: the header repeats on every page, rows never
    split, every line once and in order, page x / y at each foot."""
    lid = uuid.UUID(logistics["list"]["id"])
    with net.session() as s, unit_of_work(s):
        order = s.execute(select(RepairOrder.__table__).where(RepairOrder.id == uuid.UUID(logistics["orders"][1]))
                          ).mappings().one()
        line = s.execute(select(RepairPackingLine.__table__).where(RepairPackingLine.list_id == lid,
                                                                   RepairPackingLine.seq == 2)).mappings().one()
        s.execute(RepairPackingLine.__table__.delete().where(RepairPackingLine.list_id == lid))
        orders, lines = [], []
        for n in range(1, LONG + 1):
            # Month 13 never comes, so these numbers cannot meet the fixture's real ones.
            oid = uuid.uuid4()
            orders.append({**order, "id": oid, "number": f"WX-SZ01-9913-{n:05d}", "imei": imei(1000 + n)})
            lines.append({**line, "id": uuid.uuid4(), "seq": n, "order_id": oid, "imei": imei(1000 + n),
                          "state": "in_transit", "note": ""})
        s.execute(insert(RepairOrder.__table__), orders)
        s.execute(insert(RepairPackingLine.__table__), lines)
        s.execute(update(RepairPackingList).where(RepairPackingList.id == lid).values(line_count=LONG, closed_at=None))
    r = _print(client, net, "packing-list", lid)
    assert r.status_code == 200, r.json
    doc = pages(r.data)
    assert 6 <= len(doc) <= 20, len(doc)
    seen = []
    for n, page in enumerate(doc, start=1):
        words = [w["text"] for w in page["words"]]
        assert "序号" in words and "IMEI/串号" in words, n  # the table header, on every page
        assert f"{n}/{len(doc)}" in "".join(words), n
        seen += [w for w in words if w.startswith("WX-SZ01-9913-")]
    assert seen == [f"WX-SZ01-9913-{n:05d}" for n in range(1, LONG + 1)]
    # No page but the last is short: the breaks come from the page's height, not from the rows.
    per_page = [sum(w["text"].startswith("WX-SZ01-9913-") for w in page["words"]) for page in doc]
    assert min(per_page[1:-1]) >= 30 and max(per_page[1:-1]) - min(per_page[1:-1]) < 5, per_page
    images(r.data, f"api-packing-list-500-{backend}", first=2, last=2)


def test_the_ticket_names_the_brand_once_and_the_english_ticket_speaks_english(client, net, rw, backend):
    """Issue 16: a model named with its brand, as the demo names them ("华为 Mate 60"), printed as
    "华为 华为 Mate 60"; the English ticket kept the warranty status's Chinese name, full-width
    marks, and said "1 photos"."""
    from server.basedata.models import Brand, ProductModel, WarrantyStatus

    with net.session() as s, unit_of_work(s):
        s.execute(update(ProductModel).where(ProductModel.id == rw.ids["model"]).values(name="华为 Mate 60"))
        s.execute(update(Brand).where(Brand.name == "华为").values(name_en="Huawei"))
        for code, name in (("IN", "In warranty"), ("OUT", "Out of warranty"), ("PEND", "Pending inspection")):
            s.execute(update(WarrantyStatus).where(WarrantyStatus.code == code).values(name_en=name))
    clerk = net.headers("sz01.clerk")
    photo = client.post("/api/blobs", data=_png((640, 480)), content_type="image/png", headers=clerk).json["sha256"]
    body = intake_body(rw, imei=imei(2), purchase_date="2020-01-01", photos=[photo])
    oid = _ok(client.post("/api/repair/orders", json=body, headers=clerk), 201)["order"]["id"]
    zh = _words(_print(client, net, "intake-ticket", oid).data)
    assert "华为Mate60" in zh and "华为华为" not in zh and "保外（收费）" in zh and "（外观照片1张）" in zh
    en = _print(client, net, "intake-ticket", oid, lang="en").data
    words = _words(en)
    assert "HuaweiMate60" in words and "华为" not in words, words
    assert "Outofwarranty(chargeable)" in words and "Repairmodeselfrepair" in words and "保外" not in words, words
    assert "(1photo)" in words and "photos)" not in words, words
    assert "充电器(received)" in words and "不开机;摔后不开机" in words  # English marks between the data
    label = _words(_print(client, net, "device-label", oid, lang="en").data)
    assert "HuaweiMate60" in label and "华为" not in label
    images(en, f"api-intake-ticket-en-80mm-{backend}", first=1, last=1)
