"""A custom report printed (POST /api/reports/custom/print) on SQLite and PostgreSQL: an A4
landscape PDF whose header states the filters, the grouped rows with subtotals and the total; a
point's user prints only its own rows; a bad spec is a 422 naming the field."""

from __future__ import annotations

from sqlalchemy import select

from server.core.models import AuditLog

from . import print_support as ps
from .stock_fixtures import receipt, world  # noqa: F401
from .test_reports_custom import THREE, lines  # noqa: F401

PRINT = "/api/reports/custom/print"
ZH = {"Accept-Language": "zh-CN"}
EN = {"Accept-Language": "en"}


def test_a_report_prints_on_a4_landscape_with_its_filters(client, net, lines):
    good2 = lines.ids["SZ01.GOOD2"]
    spec = {**THREE, "filters": [{"field": "warehouse", "op": "ne", "value": str(good2)}],
            "date_range": {"since": "2020-01-01", "until": "2099-12-31"}}
    r = client.post(f"{PRINT}?title=Stock in", json=spec, headers={**net.headers("hq"), **EN})
    assert r.status_code == 200, r.data[:300]
    assert r.mimetype == "application/pdf" and r.data.startswith(b"%PDF")
    page = ps.pages(r.data)[0]
    assert page["width"] > page["height"]  # landscape
    assert round(page["width"] / ps.MM) == 297 and round(page["height"] / ps.MM) == 210
    text = " ".join(ps.text(r.data).split())
    assert "Stock in" in text
    # The filter reads with the warehouse's name, not its id; the dates and the groupings too.
    assert "is not SZ01 GOOD2" in text and str(good2) not in text
    assert "2020-01-01 ~ 2099-12-31" in text
    # Figures without GOOD2: GZ01 4 @400; SZ01 GOOD screen 4 (2 lines), battery 5; total 13 in 4 lines.
    assert "GZ01 GOOD Subtotal" in text and "SZ01 GOOD2" not in text.replace("is not SZ01 GOOD2", "")
    assert "Total 13.000 4" in text

    zh = client.post(PRINT, json=THREE, headers={**net.headers("hq"), **ZH})
    zh_text = " ".join(ps.text(zh.data).split())
    assert "筛选条件" in zh_text and "无（全部）" in zh_text and "合计 15.000 5" in zh_text


def test_a_point_prints_only_its_own_rows(client, net, lines):
    r = client.post(PRINT, json={**THREE, "fields": ["number"]}, headers={**net.headers("sz01.manager"), **EN})
    assert r.status_code == 200
    text = " ".join(ps.text(r.data).split())
    assert "SZ01" in text and "GZ01" not in text
    assert "Total 11.000 4" in text
    # Audited as an export is: who printed which source, how many rows.
    with net.session() as s:
        logged = s.execute(select(AuditLog).where(AuditLog.action == "custom_report.print")).scalars().all()
        assert [(a.username, a.after["source"]) for a in logged] == [("sz01.manager", "stock_document_lines")]
    # A clerk without report.view prints nothing.
    assert client.post(PRINT, json=THREE, headers=net.headers("sz01.clerk")).status_code == 403


def test_a_bad_spec_is_refused_naming_the_field(client, net, lines):
    bad = {**THREE, "filters": [{"field": "quantity", "op": "contains", "value": "1"}]}
    r = client.post(PRINT, json=bad, headers=net.headers("hq"))
    assert r.status_code == 422
    assert "filters.0.op" in str(r.json)
    r = client.post(PRINT, json={**THREE, "groupings": [{"field": "secret"}]}, headers=net.headers("hq"))
    assert r.status_code == 422 and "groupings.0.field" in str(r.json)

