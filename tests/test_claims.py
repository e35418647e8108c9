"""Labour-fee claims (issue 19 §3, spec §10.7) through the REST API, on both databases: the claim cycle
of the acceptance — 300 completed in-warranty repairs claimed, submitted, exported, answered from an
Excel file with cuts and rejections, the rejected lines claimed again, settled — with no line claimed
twice and the manufacturer's receivable right at every step; the refusals (a line of an
out-of-warranty repair, a cut larger than the line, a line answered twice, a malformed answer file),
each naming the field or row and changing nothing; scoping and permissions; the print form."""

from __future__ import annotations

import io
import os
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, insert, select
from sqlalchemy.exc import IntegrityError

from server.claims.models import LabourClaim, LabourClaimLine
from server.db import unit_of_work
from server.finance.models import CounterpartyEntry

from .claims_fixtures import completed_repairs
from .repair_fixtures import rw  # noqa: F401 - fixture
from .stock_fixtures import receipt, world  # noqa: F401 - fixture


def call(client, net, method, path, username, expect=200, **body):
    r = getattr(client, method)(f"/api/claims{path}", json=body if method in ("post", "put") else None,
                                headers=net.headers(username))
    assert r.status_code == expect, (path, r.status_code, r.get_data(as_text=True)[:500])
    return r.json if r.data else None


def receivable(rw, org="SZ01") -> Decimal:
    """The manufacturer's receivable in ``org``'s books, summed from the ledger."""
    with rw.open() as s:
        return s.execute(select(func.coalesce(func.sum(CounterpartyEntry.amount), 0)).where(
            CounterpartyEntry.org_id == rw.net.orgs[org].id, CounterpartyEntry.party_id == rw.ids["maker"],
            CounterpartyEntry.direction == "receivable").execution_options(unscoped=True)).scalar_one()


def upload(client, net, claim_id, data: bytes, username="sz01.finance", expect=200):
    r = client.post(f"/api/claims/{claim_id}/answer-file", headers=net.headers(username),
                    data={"file": (io.BytesIO(data), "answer.xlsx")}, content_type="multipart/form-data")
    assert r.status_code == expect, r.json
    return r.json


def workbook_bytes(rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


@pytest.fixture
def cw(rw, request):
    rw.ids["parts_doc"] = receipt(rw, "screen", 1, "400").id
    # 300 claimable repairs at SZ01 (fewer where the count does not matter), every 30th with a screen
    # fitted (standard cost 400): 10 with parts.
    n = getattr(request, "param", 300)
    rw.ids["orders"] = completed_repairs(rw, "SZ01", n, parts_every=30)
    rw.ids["out"] = completed_repairs(rw, "SZ01", 2, start=300, claimable=False)
    rw.ids["gz"] = completed_repairs(rw, "GZ01", 5, start=400)
    return rw


def test_the_claim_cycle(client, net, cw):
    maker = str(cw.ids["maker"])
    period = {"period_from": "2020-01-01", "period_to": "2099-12-31"}
    assert receivable(cw) == Decimal("15000.00")  # repair posted 300 × 50
    claim = call(client, net, "post", "", "sz01.finance", 201, manufacturer_id=maker, **period)
    assert claim["stage"] == "draft" and claim["number"] is None and claim["line_count"] == 300
    assert claim["claimed_total"] == "19000.00"  # 300 × 50 labour + 10 screens × 400
    line = claim["lines"][0]
    assert (line["imei"], line["model_name"], line["fault"], line["methods"], line["level_name"]) == (
        line["imei"], "Mate 60", "不开机；摔后不开机", "更换屏幕", "换件维修")
    assert line["parts_amount"] == "400.00" and line["amount"] == "450.00" and line["booked"] == "50.00"
    assert claim["actions"] == ["edit", "delete", "submit"]
    # Nothing is left to claim: a second build is empty, and the database refuses a second live line.
    again = call(client, net, "post", "", "sz01.finance", 201, manufacturer_id=maker, **period)
    assert again["line_count"] == 0
    call(client, net, "delete", f"/{again['id']}", "sz01.finance", 204)
    with cw.open() as s:
        first = s.execute(select(LabourClaimLine).limit(1)).scalar_one()
        dup = {c.key: getattr(first, c.key) for c in LabourClaimLine.__table__.columns}
        dup["id"] = __import__("uuid").uuid4()
        with pytest.raises(IntegrityError):
            with unit_of_work(s):
                s.execute(insert(LabourClaimLine), [dup])
    # An out-of-warranty repair is refused naming the order, and nothing changes.
    r = call(client, net, "post", f"/{claim['id']}/lines", "sz01.finance", 422, order_id=str(cw.ids["out"][0]))
    assert "order_id" in r["errors"] and "out of warranty" in r["errors"]["order_id"][0]
    assert call(client, net, "get", f"/{claim['id']}", "sz01.finance")["line_count"] == 300
    assert receivable(cw) == Decimal("15000.00")  # a draft moves no money

    # Submitted: numbered, the parts go onto the receivable.
    claim = call(client, net, "post", f"/{claim['id']}/submit", "sz01.finance")
    assert claim["stage"] == "submitted" and claim["number"].startswith("LW-SZ01-")
    assert receivable(cw) == Decimal("19000.00")

    # Exported in the default layout, with the answer columns.
    r = client.get(f"/api/claims/{claim['id']}/export", headers=net.headers("sz01.finance"))
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(r.data), read_only=True).worksheets[0]
    rows = [list(row) for row in ws.iter_rows(values_only=True)]
    rows = [row + [None] * (len(rows[0]) - len(row)) for row in rows]  # trailing empty cells are not read
    assert rows[0][:4] == ["行ID", "序号", "维修单号", "IMEI"] and rows[0][-3:] == ["结果", "核定金额", "原因"]
    assert len(rows) == 301

    # One line answered by hand; answering it again is refused.
    lines = claim["lines"]
    call(client, net, "post", f"/{claim['id']}/answers", "sz01.finance", answers=[{"line_id": lines[1]["id"], "result": "accepted"}])
    r = call(client, net, "post", f"/{claim['id']}/answers", "sz01.finance", 422,
             answers=[{"line_id": lines[1]["id"], "result": "rejected", "reason": "重复"}])
    assert r["errors"] == {"answers.0.result": ["the line is answered already"]}

    # The manufacturer's file: lines 10 cut to 30 (and line 0, with parts, to 300), 5 rejected, the rest accepted.
    header = rows[0]
    filled = [header]
    for k, row in enumerate(rows[1:]):
        row = list(row)
        if k == 1:
            pass  # exported with its answer (通过): read again as it is
        elif k == 0:
            row[-3:] = ["核减", "300", "屏幕非保修"]
        elif k < 10:
            row[-3:] = ["核减", "30", "工时超标"]
        elif k < 15:
            row[-3:] = ["拒绝", None, "IMEI 不在保"]
        else:
            row[-3:] = ["通过", None, None]
        filled.append(row)
    good = workbook_bytes(filled)
    # A bad file first: a cut over the line, a rejection without reason, an unknown line; nothing changes.
    bad = [list(r) for r in filled]
    bad[3][-3:] = ["核减", "80", ""]
    bad[12][-3:] = ["拒绝", None, None]
    bad[20][0] = "00000000-0000-0000-0000-000000000000"
    r = upload(client, net, claim["id"], workbook_bytes(bad), expect=422)
    assert r["errors"] == {"rows.4.accepted_amount": ["a cut must be less than the line's amount"],
                           "rows.13.reason": ["a rejection needs the manufacturer's reason"],
                           "rows.21.line_id": ["no such line on this claim"]}
    r = upload(client, net, claim["id"], b"not a workbook", expect=422)
    assert r["errors"] == {"file": ["not an Excel workbook (.xlsx)"]}
    r = upload(client, net, claim["id"], workbook_bytes([["IMEI", "备注"], ["1", "x"]]), expect=422)
    assert "file" in r["errors"]
    same = call(client, net, "get", f"/{claim['id']}", "sz01.finance")
    assert same["stage"] == "submitted" and sum(1 for l in same["lines"] if l["result"]) == 1
    assert receivable(cw) == Decimal("19000.00")

    claim = upload(client, net, claim["id"], good)
    assert claim["stage"] == "answered"
    # 19000 − (450 − 300) − 8 × 20 (lines 2–9; line 1 was accepted by hand) − 5 × 50
    assert claim["accepted_total"] == "18440.00" and receivable(cw) == Decimal("18440.00")
    assert [l["result"] for l in claim["lines"][10:16]] == ["rejected"] * 5 + ["accepted"]
    call(client, net, "post", f"/{claim['id']}/answers", "sz01.finance", 409,
         answers=[{"line_id": lines[20]["id"], "result": "accepted"}])

    # The rejected lines, fixed, are claimed again — only they.
    second = call(client, net, "post", "", "sz01.finance", 201, manufacturer_id=maker, **period)
    assert second["line_count"] == 5 and {l["booked"] for l in second["lines"]} == {"0.00"}
    assert {l["order_id"] for l in second["lines"]} == {l["order_id"] for l in claim["lines"][10:15]}
    second = call(client, net, "post", f"/{second['id']}/submit", "sz01.finance")
    assert receivable(cw) == Decimal("18690.00")
    second = call(client, net, "post", f"/{second['id']}/answers", "sz01.finance",
                  answers=[{"line_id": l["id"], "result": "accepted"} for l in second["lines"]])
    assert second["stage"] == "answered" and receivable(cw) == Decimal("18690.00")
    # Settled without a receipt: the accepted amount stays the open receivable.
    settled = call(client, net, "post", f"/{second['id']}/settle", "sz01.finance", note="月结")
    assert settled["stage"] == "settled" and settled["actions"] == []
    call(client, net, "post", f"/{claim['id']}/settle", "sz01.finance", 422, receipt_id=str(cw.ids["maker"]))
    assert receivable(cw) == Decimal("18690.00")
    # The first claim is settled with the manufacturer's payment: its posted receipt (收款单) of the accepted
    # amount took the money off the receivable; the claim records it, and a receipt settles one claim.
    h = net.headers("sz01.finance")
    r = client.post("/api/finance/receipts", headers=h, json={"party_id": str(cw.ids["maker"]), "amount": claim["accepted_total"],
                                                              "account_id": str(cw.ids["SZ01.CASH"])})
    assert r.status_code == 201, r.json
    assert client.post(f"/api/finance/receipts/{r.json['id']}/post", headers=h).status_code == 200
    assert receivable(cw) == Decimal("250.00")  # the re-claimed lines, still open
    settled = call(client, net, "post", f"/{claim['id']}/settle", "sz01.finance", receipt_id=r.json["id"])
    assert settled["stage"] == "settled" and settled["receipt_id"] == r.json["id"]
    assert receivable(cw) == Decimal("250.00")
    # No order is on two live lines.
    with cw.open() as s:
        live = s.execute(select(LabourClaimLine.order_id, func.count()).where(LabourClaimLine.live.is_(True))
                         .group_by(LabourClaimLine.order_id).having(func.count() > 1)).all()
        assert live == [] and s.execute(select(func.count()).select_from(LabourClaimLine)).scalar_one() == 305


@pytest.mark.parametrize("cw", [30], indirect=True)
def test_refusals_scoping_and_permissions(client, net, cw):
    maker = str(cw.ids["maker"])
    period = {"period_from": "2020-01-01", "period_to": "2099-12-31"}
    call(client, net, "post", "", "sz01.clerk", 403, manufacturer_id=maker, **period)
    r = call(client, net, "post", "", "sz01.finance", 422, manufacturer_id=maker, period_from="2026-12-01", period_to="2026-11-01")
    assert "period_to" in r["errors"]
    r = call(client, net, "post", "", "sz01.finance", 422, manufacturer_id=str(cw.ids["supplier"]), **period)
    assert "manufacturer_id" in r["errors"]
    r = call(client, net, "post", "", "gz01.manager", 422, manufacturer_id=maker, org_id=str(net.orgs["SZ01"].id), **period)
    assert "org_id" in r["errors"]
    with cw.open() as s:
        assert s.execute(select(func.count()).select_from(LabourClaim)).scalar_one() == 0
    sz = call(client, net, "post", "", "sz01.finance", 201, manufacturer_id=maker, **period)
    gz = call(client, net, "post", "", "gz01.manager", 201, manufacturer_id=maker, **period)
    assert gz["line_count"] == 5 and sz["line_count"] == 30
    call(client, net, "get", f"/{sz['id']}", "gz01.manager", 404)
    assert [c["id"] for c in call(client, net, "get", "", "gz01.manager")["items"]] == [gz["id"]]
    assert len(call(client, net, "get", "", "hq")["items"]) == 2
    # Headquarters builds for a point (its books), and the draft is the point's.
    call(client, net, "delete", f"/{gz['id']}", "gz01.manager", 204)
    hq = call(client, net, "post", "", "hq", 201, manufacturer_id=maker, org_id=str(net.orgs["GZ01"].id), **period)
    assert hq["org_id"] == str(net.orgs["GZ01"].id) and hq["line_count"] == 5
    # An empty claim is not submitted; a draft's line goes back to the pool when removed.
    sz = call(client, net, "delete", f"/{sz['id']}/lines/{sz['lines'][0]['id']}", "sz01.finance")
    assert sz["line_count"] == 29
    sz = call(client, net, "post", f"/{sz['id']}/lines", "sz01.finance", order_id=str(cw.ids["orders"][0]))
    assert sz["line_count"] == 30
    r = call(client, net, "post", f"/{sz['id']}/lines", "sz01.finance", 422, order_id=str(cw.ids["orders"][0]))
    assert r["errors"] == {"order_id": ["the order is on a claim already"]}
    empty = call(client, net, "post", "", "sz01.finance", 201, manufacturer_id=maker, **period)
    r = call(client, net, "post", f"/{empty['id']}/submit", "sz01.finance", 409)
    assert r["errors"] == {"state": ["has_lines"]}
    # A cut larger than the line, answered by hand, names the answer's field.
    sz = call(client, net, "post", f"/{sz['id']}/submit", "sz01.finance")
    r = call(client, net, "post", f"/{sz['id']}/answers", "sz01.finance", 422,
             answers=[{"line_id": sz["lines"][1]["id"], "result": "cut", "accepted_amount": "60.00"},
                      {"line_id": sz["lines"][2]["id"], "result": "cut"}])
    assert r["errors"] == {"answers.0.accepted_amount": ["a cut must be less than the line's amount"],
                           "answers.1.accepted_amount": ["a cut needs the amount accepted"]}
    # A layout per manufacturer: chosen columns with its own headings; the import reads them back.
    bad = call(client, net, "put", f"/layouts/{maker}", "sz01.finance", 422, columns=[{"field": "price"}])
    assert "columns.0.field" in bad["errors"]
    call(client, net, "put", f"/layouts/{maker}", "sz01.finance",
         columns=[{"field": "order_number", "title": "工单号"}, {"field": "imei", "title": "串码"}, {"field": "amount", "title": "金额"}])
    r = client.get(f"/api/claims/{sz['id']}/export", headers=net.headers("sz01.finance"))
    rows = [list(x) for x in load_workbook(io.BytesIO(r.data), read_only=True).worksheets[0].iter_rows(values_only=True)]
    rows = [row + [None] * (6 - len(row)) for row in rows]
    assert rows[0] == ["工单号", "串码", "金额", "结果", "核定金额", "原因"]
    rows[1][3:] = ["通过", None, None]
    claim = upload(client, net, sz["id"], workbook_bytes(rows[:2]))
    assert claim["lines"][0]["result"] == "accepted" and claim["stage"] == "submitted"
    # The print form (A4; one line answered, the rest open); another point's claim does not print.
    pdf = client.get(f"/api/print/labour-claim/{sz['id']}?format=pdf&paper=a4", headers=net.headers("sz01.finance"))
    assert pdf.status_code == 200 and pdf.data[:4] == b"%PDF"
    out = Path(os.environ.get("PRINT_ARTIFACTS", "test-artifacts/print"))
    out.mkdir(parents=True, exist_ok=True)
    (out / "labour_claim_submitted.pdf").write_bytes(pdf.data)
    assert client.get(f"/api/print/labour-claim/{sz['id']}?format=pdf&paper=a4",
                      headers=net.headers("gz01.manager")).status_code == 404


@pytest.mark.parametrize("cw", [3], indirect=True)
def test_the_system_may_take_any_step_a_user_needs_a_permission_for(client, net, cw):
    """The machine checks a user's permissions; the system (demo loader, command line) holds none and
    may take any step (core.machine.acting_permissions, as transfer and wholesale)."""
    from server.claims import operations as ops

    maker = str(cw.ids["maker"])
    claim = call(client, net, "post", "", "sz01.finance", 201, manufacturer_id=maker,
                 period_from="2020-01-01", period_to="2099-12-31")
    call(client, net, "post", f"/{claim['id']}/submit", "sz01.clerk", 403)
    s = net.session()
    try:
        with unit_of_work(s):
            done = ops.submit_claim(s, ops.get_claim(s, claim["id"]))
        assert done.stage == "submitted" and done.number.startswith("LW-SZ01-")
    finally:
        s.close()
    assert call(client, net, "get", f"/{claim['id']}", "sz01.finance")["stage"] == "submitted"
