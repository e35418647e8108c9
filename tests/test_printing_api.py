"""Printing through the API on SQLite and PostgreSQL: a repair order taken through intake,
quotation, deposit, handovers, repair, pickup and a refund, each of its documents printed and
read back (text, QR code resolved to the order); scoping, permissions and bad input."""

from __future__ import annotations

import base64
import io

import pytest
from PIL import Image, ImageDraw

from .print_support import images, qr_codes, text
from .repair_fixtures import intake_body, rw, stock_engineer  # noqa: F401
from .stock_fixtures import imei, world  # noqa: F401


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
    ("packing-list", {}, "form"),
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
