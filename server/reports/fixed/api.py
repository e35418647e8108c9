"""固定报表 Fixed reports: /api/reports/fixed/… (the list, run, export as .xlsx, print on A4 landscape).

Each needs ``report.view`` and the read permission of every source its figures read; the list
shows only those the user may run. Words follow Accept-Language (zh-CN or en).
"""

from __future__ import annotations

import datetime as dt
import decimal
import io
from typing import Any
from zoneinfo import ZoneInfo

import marshmallow as ma
from flask import Response, request

from ...basedata.operations import today_in
from ...core.operations import record_audit
from ...db import writing
from ...errors import Forbidden, NotFound
from ...exports import XLSX_MIME
from ...http import Blueprint, Schema, db_session, permission, principal, reads_only, settings
from ...messages import language_of
from ..database import read_session
from . import engine as e
from .reports import reports

blp = Blueprint("reports_fixed", __name__, url_prefix="/api/reports/fixed",
                description="固定报表 Fixed reports (spec §11.2–§11.7): figures, drill-down, Excel, A4 print")
blueprints = [blp]


class FiltersIn(Schema):
    filters = ma.fields.Dict(keys=ma.fields.String(), load_default=dict,
                             metadata={"description": "org_id, since, until, brand_id, model_id, item_id and the "
                                                      "report's own choices (GET /api/reports/fixed lists them)"})


def _lang() -> str:
    return language_of(request.headers.get("Accept-Language"))


def _may_run(report: e.FixedReport) -> bool:
    p = principal()
    return all(p.can(perm) for perm in report.permissions())


def _report(key: str) -> e.FixedReport:
    report = reports().get(key)
    if report is None:
        raise NotFound("no such report", {"key": ["no such report"]})
    if not _may_run(report):
        missing = sorted(p for p in report.permissions() if not principal().can(p))
        raise Forbidden("missing permission " + ", ".join(missing), {"permission": missing})
    return report


@blp.route("", methods=["GET"])
@permission("report.view")
@blp.response(200, description="The fixed reports the user may run, with their filters")
def list_reports():
    """The fixed reports the user may run, each with its filters in the reader's language: type
    (org, date, reference with the base-data kind to look up, choice with its values)."""
    lang = _lang()
    out = []
    for r in reports().values():
        if not _may_run(r):
            continue
        out.append({"key": r.key, "title": e.label(r.title, lang), "filters": [
            {"key": f.key, "label": e.label(f.label, lang), "type": f.type, "lookup": f.lookup,
             "choices": [{"value": v, "label": e.label(words, lang)} for v, words in f.choices.items()]
             if f.choices else None, "default": f.default}
            for f in (e.FILTERS[k] for k in r.filters)]})
    return {"reports": out}


def _build(key: str, body: dict) -> dict:
    """The report as the JSON answer: columns, rows with each cell's drill, the total."""
    report = _report(key)
    session = read_session()
    tz = settings().timezone
    lang = _lang()
    filters = e.check_filters(session, report, body.get("filters"), today_in(tz))
    dims, columns, rows, total = e.compute(session, report, filters, lang, tz)
    shown = [c for c in columns if not (isinstance(c, e.Figure) and c.hidden)]
    figures = {c.key: c for c in columns if isinstance(c, e.Figure)}
    cols = [{"key": d.key, "label": e.label(d.label, lang), "type": "text"} for d in dims]
    cols += [{"key": c.key, "label": e.label(c.label, lang), "type": c.type} for c in shown]

    def words(v):
        return e.label(v, lang) if isinstance(v, dict) else v

    def out(line: e.Line, keys) -> dict:
        cells: dict[str, Any] = {}
        if keys is None:
            cells.update({d.key: None for d in dims})
            cells[dims[0].key] = e.label(e.w("合计", "Total"), lang)
        else:
            cells.update({d.key: words(v) for d, v in zip(dims, line.labels)})
        drills = {}
        for c in shown:
            cells[c.key] = words(e.cell(line.cells.get(c.key), c.type))
            spec = e.drill(report, c, filters, dims, keys, figures)
            if spec is not None:
                drills[c.key] = spec
        row = {"cells": cells, "drill": drills}
        row.update(line.extra)
        return row

    return {"key": report.key, "title": e.label(report.title, lang),
            "filters": e.resolved(session, report, filters, lang), "columns": cols,
            "rows": [out(ln, ln.keys) for ln in rows], "total": out(total, None)}


@blp.route("/<key>/run", methods=["POST"])
@permission("report.view")
@reads_only
@blp.arguments(FiltersIn)
@blp.response(200, description="The report: columns, rows (cells and each cell's drill spec), the total")
def run_report(body, key):
    """One fixed report under its filters. Each cell's ``drill`` is a spec for
    POST /api/reports/custom/run listing the documents behind the figure."""
    return _build(key, body)


def _number(v):
    return float(decimal.Decimal(v)) if isinstance(v, str) else v


@blp.route("/<key>/export", methods=["POST"])
@permission("report.view")
@reads_only
@blp.arguments(FiltersIn)
@blp.response(200, description="The report as .xlsx")
def export_report(body, key):
    """The report as an Excel workbook: title, the filters, the header (frozen), rows, the total in
    bold; money with two places. Audited (``fixed_report.export``). Written in memory: a fixed
    report's rows are groups (points, warehouses × items), not documents."""
    import xlsxwriter

    data = _build(key, body)
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False,
                                   "strings_to_urls": False})
    ws = wb.add_worksheet(data["title"][:31])
    bold = wb.add_format({"bold": True})
    fmts = {"money": wb.add_format({"num_format": "#,##0.00"}), "percent": wb.add_format({"num_format": "0.0"}),
            "number": wb.add_format({"num_format": "#,##0.##"})}
    bold_fmts = {k: wb.add_format({"num_format": f.num_format, "bold": True}) for k, f in fmts.items()}
    ws.write_string(0, 0, data["title"], bold)
    ws.write_string(1, 0, _filter_text(data))
    head = 3
    for i, c in enumerate(data["columns"]):
        ws.write_string(head, i, c["label"], bold)
        ws.set_column(i, i, 18 if c["type"] == "text" else 13)
    ws.freeze_panes(head + 1, 0)
    for r, row in enumerate([*data["rows"], data["total"]], start=head + 1):
        is_total = row is data["total"]
        for i, c in enumerate(data["columns"]):
            v = row["cells"].get(c["key"])
            if v is None:
                continue
            if c["type"] == "text":
                ws.write_string(r, i, str(v), bold if is_total else None)
            else:
                ws.write_number(r, i, _number(v), (bold_fmts if is_total else fmts)[c["type"]])
    wb.close()
    session = db_session()
    with writing(session):
        record_audit(session, "fixed_report.export", entity_type="fixed_report",
                     after={"report": key, "filters": {k: v["value"] for k, v in data["filters"].items()},
                            "rows": len(data["rows"])})
    name = f"{key}-{today_in(settings().timezone).isoformat()}.xlsx"
    return Response(buf.getvalue(), mimetype=XLSX_MIME,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _filter_text(data: dict) -> str:
    lang = _lang()
    labels = {f.key: e.label(f.label, lang) for f in e.FILTERS.values()}
    return "  ".join(f"{labels[k]}：{v['label']}" if lang == "zh-CN" else f"{labels[k]}: {v['label']}"
                     for k, v in data["filters"].items())


@blp.route("/<key>/print", methods=["POST"])
@permission("report.view")
@reads_only
@blp.arguments(FiltersIn)
@blp.response(200, description="The report on A4 landscape: application/pdf")
def print_report(body, key):
    """The report printed on A4 landscape, the filters in its header, page numbers at the foot."""
    from ...printing.api import available_printer
    from ...printing.render import PAPERS

    data = _build(key, body)
    lang = "zh" if _lang() == "zh-CN" else "en"
    vm = {"title": data["title"], "filters": _filter_text(data), "columns": data["columns"], "rows": data["rows"],
          "total": data["total"], "printed_at": dt.datetime.now(ZoneInfo(settings().timezone)), "org": _org_name()}
    p = available_printer()
    resp = Response(p.pdf("print/fixed_report.html", vm, PAPERS["a4_landscape"], lang), mimetype="application/pdf")
    resp.headers["Content-Disposition"] = f'inline; filename="{key}.pdf"'
    resp.headers["Cache-Control"] = "no-store"
    return resp


def _org_name() -> str:
    from ...org.models import Organisation

    org_id = principal().org_id
    org = db_session().get(Organisation, org_id) if org_id else None
    return org.name if org else ""
