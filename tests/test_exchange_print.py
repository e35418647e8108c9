"""The exchange order's printed forms through the API on SQLite and PostgreSQL: the exchange ticket
(80 mm and A5, its QR code an E1 token that resolves to the order) and the exchange certificate
(the old and the new IMEI, the new card's warranty), before and after the handover; scoping,
permissions, and the token's scheme."""

from __future__ import annotations

import datetime as dt
import uuid

from server.basedata.operations import today_in
from server.basedata.queries import add_months
from server.printing.qr import exchange_token, parse_token

from .exchange_fixtures import xw  # noqa: F401
from .print_support import images, pages, qr_codes, text
from .repair_fixtures import SIG, rw  # noqa: F401
from .stock_fixtures import imei, world  # noqa: F401
from .test_exchange import fire, intake

R1 = imei(101)


def _pdf(client, net, form, oid, user="sz01.clerk", expect=200, **query):
    r = client.get(f"/api/print/{form}/{oid}", query_string={"format": "pdf", **query}, headers=net.headers(user))
    assert r.status_code == expect, r.json
    return r.data if expect == 200 else r.json


def test_exchange_ticket_and_certificate(client, net, xw):
    w = xw
    order = intake(client, net, w, provisional_code="K7QD5-0007")["order"]
    oid, number = order["id"], order["number"]
    token = exchange_token(uuid.UUID(oid))
    assert token.startswith("E1") and len(token) == 28 and parse_token(token) == ("exchange_order", uuid.UUID(oid))

    # The ticket on the thermal roll: customer copy (number, old IMEI, the rule's reason) and stub.
    pdf = _pdf(client, net, "exchange-ticket", oid)
    body = text(pdf)
    for word in ("换机受理单", "客户联", "存根联", number, imei(2), "K7QD5-0007", "现场换机", "售出 7 天内出现性能故障"):
        assert word in body, word
    assert "138****8000" in body  # masked on the customer's copy, whole on the stub
    assert round(pages(pdf)[0]["width"] / 72 * 25.4) == 80
    png = images(pdf, "exchange-ticket-80mm", first=1, last=1)[0]
    assert token in qr_codes(png)
    # A5 in English.
    pdf = _pdf(client, net, "exchange-ticket", oid, paper="a5", lang="en")
    body = text(pdf)
    for word in ("Exchange ticket", "Customer copy", number, "Old IMEI", "On-site exchange", "within 7 days of sale"):
        assert word in body, word
    images(pdf, "exchange-ticket-a5-en", first=1, last=1)
    # The code resolves to the order for whoever may see it; another point's user gets a 404.
    r = client.get(f"/api/print/resolve/{token}", headers=net.headers("sz01.clerk"))
    assert r.status_code == 200 and r.json["kind"] == "exchange_order" and r.json["number"] == number
    assert client.get(f"/api/print/resolve/{token}", headers=net.headers("gz01.clerk")).status_code == 404
    assert client.get(f"/api/print/exchange-ticket/{oid}", headers=net.headers("gz01.clerk")).status_code == 404

    # Before the handover the certificate says so and names no new unit.
    body = text(_pdf(client, net, "exchange-certificate", oid))
    assert "换机凭证" in body and "新机尚未交付" in body and R1 not in body

    fire(client, net, oid, "hand_over", replacement_imei=R1, signature=SIG, fee="50.00", account_id=str(w.ids["SZ01.CASH"]))
    today = w.ids["today"]
    pdf = _pdf(client, net, "exchange-certificate", oid)
    body = text(pdf)
    until = add_months(today, 12)
    for word in ("换机凭证", number, imei(2), R1, today.isoformat(), until.isoformat(), "¥50.00", "重新计算"):
        assert word in body, word
    assert "新机尚未交付" not in body
    png = images(pdf, "exchange-certificate-a5", first=1, last=1)[0]
    assert token in qr_codes(png)
    body = text(_pdf(client, net, "exchange-certificate", oid, lang="en", paper="80mm"))
    assert "Exchange certificate" in body and "New IMEI" in body and R1 in body and "(12 months)" in body

    # Bad input: a paper the form does not print on, a document that is not an exchange order.
    assert _pdf(client, net, "exchange-certificate", oid, expect=422, paper="a4")["errors"]["paper"]
    assert client.get(f"/api/print/exchange-ticket/{uuid.uuid4()}", headers=net.headers("sz01.clerk")).status_code == 404


def test_the_forms_are_offered_on_the_exchange_order_in_the_workspace(client, net, xw):
    docs = client.get("/api/meta/documents", headers=net.headers("sz01.clerk")).json["documents"]
    entry = next(d for d in docs if d["key"] == "exchange-orders")
    assert {(p["name"], tuple(p["papers"])) for p in entry["prints"]} == {
        ("exchange-ticket", ("80mm", "a5")), ("exchange-certificate", ("a5", "80mm"))}
    # Without exchange.view (an engineer), no exchange order to print.
    assert today_in("Asia/Shanghai") and client.get(f"/api/print/exchange-ticket/{uuid.uuid4()}",
                                          headers=net.headers("sz01.engineer")).status_code == 403


def test_intake_photos_and_signature_are_kept_and_printed_on_the_ticket(app, client, net, xw):
    """As repair's intake: photos of the unit's condition (uploaded blobs) and the customer's drawn
    signature; a photo not uploaded is refused naming it and nothing is written."""
    import base64
    import io

    from PIL import Image, ImageDraw

    from .conftest import row_counts
    from .print_support import embedded_images

    def png(size, colour):
        img = Image.new("RGB", size, "white")
        ImageDraw.Draw(img).rectangle([10, 10, size[0] - 10, size[1] - 10], outline=colour, width=6)
        buf = io.BytesIO()
        img.save(buf, format="PNG")
        return buf.getvalue()

    h = net.headers("sz01.clerk")
    photo = client.post("/api/blobs", data=png((320, 240), "red"), content_type="image/png", headers=h).json["sha256"]
    signature = "data:image/png;base64," + base64.b64encode(png((240, 80), "black")).decode()
    before = row_counts(app)
    refused = intake(client, net, xw, expect=422, photos=[photo, "0" * 64], signature=signature)
    assert "photos.1" in refused["errors"], refused
    assert intake(client, net, xw, expect=422, signature="not an image")["errors"]["signature"]
    assert row_counts(app) == before

    order = intake(client, net, xw, photos=[photo], signature=signature)["order"]
    assert order["photos"] == [photo] and order["intake_signed"] is True
    plain = intake(client, net, xw, imei=imei(3), purchase_date=(xw.ids["today"] - dt.timedelta(days=3)).isoformat())["order"]
    assert plain["photos"] == [] and plain["intake_signed"] is False
    # The ticket carries the signature on both copies and, on A5, the photo; without them, neither.
    signed_a5 = _pdf(client, net, "exchange-ticket", order["id"], paper="a5")
    unsigned_a5 = _pdf(client, net, "exchange-ticket", plain["id"], paper="a5")
    assert embedded_images(signed_a5) >= embedded_images(unsigned_a5) + 3  # 2 signatures + the photo
    assert embedded_images(_pdf(client, net, "exchange-ticket", order["id"])) >= \
        embedded_images(_pdf(client, net, "exchange-ticket", plain["id"])) + 2
    roll = text(_pdf(client, net, "exchange-ticket", order["id"]))
    assert "1张" in roll, roll  # 80 mm: the photos counted, not shown
    images(signed_a5, "exchange-ticket-a5-signed", first=1, last=1)
