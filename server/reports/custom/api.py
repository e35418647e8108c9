"""自定义报表 Custom reports: /api/reports/custom/… (the sources, run, export, saved reports).

Running needs ``report.view`` and the read permission of the report's source (a report over
money entries is ``finance.view`` too). Words follow Accept-Language (zh-CN or en).
"""

from __future__ import annotations

import datetime as dt
import decimal
import os
import tempfile
from typing import Any
from zoneinfo import ZoneInfo

from flask import Response, request

from ...basedata.operations import today_in
from ...core.operations import record_audit
from ...db import writing
from ...errors import Forbidden
from ...exports import XLSX_MIME, _tmpdir
from ...http import Blueprint, db_session, permission, principal, reads_only, settings
from ...messages import language_of
from . import operations as ops
from ..database import read_session
from .excel import write_report
from .query import ROW_WORDS, Column, Report, Row, _word
from .registry import label, sources
from .schemas import ReportOut, SavedArgs, SavedChangeIn, SavedIn, SavedList, SavedOut, SourcesOut
from .spec import _OPS_BY_TYPE, ReportSpec

blp = Blueprint("reports_custom", __name__, url_prefix="/api/reports/custom",
                description="自定义报表 Custom reports (spec §11.1): fields, filters, groupings, measures, Excel")
blueprints = [blp]  # and the schedules' (schedule_api.py), added below
CHUNK = 256 * 1024


def _lang() -> str:
    return language_of(request.headers.get("Accept-Language"))


def _readable(src) -> bool:
    return principal().can(src.permission)


@blp.route("/sources", methods=["GET"])
@permission("report.view")
@blp.response(200, SourcesOut)
def list_sources():
    """The document types a report may read (those the user may see), each with its fields in the
    reader's language: type, whether it groups and measures, the operators it takes, its choices."""
    lang = _lang()
    out = []
    for src in sources().values():
        if not _readable(src):
            continue
        out.append({"key": src.key, "label": label(src.label, lang), "date_field": src.date_field, "fields": [
            {"key": f.key, "label": label(f.label, lang), "type": f.type, "groupable": f.groupable,
             "measurable": f.measurable, "operators": sorted(_OPS_BY_TYPE[f.type]),
             "choices": [{"value": v, "label": label(w, lang)} for v, w in f.choices.items()] if f.choices else None,
             "lookup": f.ref.model.__tablename__ if f.ref else None} for f in src.fields]})
    return {"sources": out}


def _report(spec: dict) -> Report:
    src = sources()[spec["source"]]
    if not _readable(src):
        raise Forbidden(f"{src.permission} is needed to report on this source", {"source": [src.permission]})
    session = read_session()
    return Report(session, spec, lang=_lang(), timezone=settings().timezone)


@blp.route("/run", methods=["POST"])
@permission("report.view")
@reads_only
@blp.arguments(ReportSpec)
@blp.response(200, ReportOut)
def run_report(spec):
    """The report: rows of details or groups, a subtotal row per group level, the grand total;
    with `pivot`, the first grouping as rows and the second as columns as well."""
    report = _report(spec)
    columns = report.columns()
    rows, facts = report.rows(limit=spec["limit"])
    lang, tz = report.lang, report.tz
    body_rows = [_json_row(r, columns, lang, tz) for r in report.presented(rows, columns)]
    pivot = None
    if spec["pivot"]:
        pivot = report.pivot()
        g = report.groupings
        pivot = {"row_field": g[0][0].key, "column_field": g[1][0].key,
                 "columns": [_json(_shown(g[1][0], v, lang), g[1][1] or g[1][0].type, tz) for v in pivot["columns"]],
                 "rows": [{"label": _json(_shown(g[0][0], r["label"], lang), g[0][1] or g[0][0].type, tz),
                           "cells": [None if c is None else _measures(c, columns, tz) for c in r["cells"]],
                           "total": _measures(r["total"], columns, tz)} for r in pivot["rows"]],
                 "totals": [_measures(t, columns, tz) for t in pivot["totals"]],
                 "total": _measures(pivot["total"], columns, tz)}
    return {"source": spec["source"], "columns": [_column(c, lang) for c in columns], "rows": body_rows,
            "truncated": facts["truncated"], "groups": facts["groups"], "pivot": pivot}


@blp.route("/export", methods=["POST"])
@permission("report.view")
@reads_only
@blp.arguments(ReportSpec)
@blp.response(200, description="The report as .xlsx (every row, groupings as outline levels), streamed")
def export_report(spec):
    """The whole report as an Excel workbook: groupings as outline levels (collapsible subtotal
    rows), frozen header, number, money and date formats, column names in the reader's language.
    Audited (source and row count)."""
    report = _report(spec)
    columns = report.columns()
    rows, _facts = report.rows(limit=None)
    session = db_session()
    tmp = _tmpdir()
    fd, path = tempfile.mkstemp(prefix="aftercare-report-", suffix=".xlsx", dir=tmp)
    os.close(fd)
    try:
        title = label(sources()[spec["source"]].label, report.lang)
        written = write_report(path, tmp, columns, report.presented(rows, columns), depth=report.depth,
                               lang=report.lang, timezone=settings().timezone, title=title)
        with writing(session):
            record_audit(session, "custom_report.export", entity_type="custom_report",
                         after={"source": spec["source"], "rows": written})
        size = os.path.getsize(path)
        f = open(path, "rb")  # noqa: SIM115 - closed by the generator
    finally:
        os.unlink(path)  # an open handle keeps the data until it is closed (POSIX)

    def chunks():
        with f:
            while block := f.read(CHUNK):
                yield block

    name = f"report-{spec['source']}-{today_in(settings().timezone).isoformat()}.xlsx"
    return Response(chunks(), mimetype=XLSX_MIME, direct_passthrough=True,
                    headers={"Content-Disposition": f'attachment; filename="{name}"', "Content-Length": str(size)})


# -- saved reports ----------------------------------------------------------------------------

def _saved(report) -> dict:
    return {"id": report.id, "name": report.name, "spec": report.spec, "owner_id": report.owner_id,
            "org_id": report.org_id, "shared_org_id": report.shared_org_id, "shared_role": report.shared_role,
            "mine": report.owner_id == principal().user_id, "created_at": report.created_at,
            "updated_at": report.updated_at}


@blp.route("/saved", methods=["GET"])
@permission("report.view")
@blp.arguments(SavedArgs, location="query")
@blp.response(200, SavedList)
def list_saved(args):
    """The saved reports the user may open: own ones, and those shared with the user's
    organisation or one of the user's roles."""
    return {"items": [_saved(r) for r in ops.list_saved(db_session(), args.get("source"))]}


@blp.route("/saved", methods=["POST"])
@permission("report.design")
@blp.arguments(SavedIn)
@blp.response(201, SavedOut)
def create_saved(data):
    """Save a report spec under a name, optionally shared with an organisation (a service point:
    its own) or a role. Audited."""
    session = db_session()
    report = ops.save_report(session, data)
    session.commit()
    return _saved(report)


@blp.route("/saved/<uuid:report_id>", methods=["GET"])
@permission("report.view")
@blp.response(200, SavedOut)
def get_saved(report_id):
    """One saved report the user may open (else 404)."""
    return _saved(ops.get_saved(db_session(), report_id))


@blp.route("/saved/<uuid:report_id>", methods=["PATCH"])
@permission("report.design")
@blp.arguments(SavedChangeIn)
@blp.response(200, SavedOut)
def update_saved(data, report_id):
    """Change one's own saved report: name, spec, sharing. Audited."""
    session = db_session()
    report = ops.update_report(session, report_id, data)
    session.commit()
    return _saved(report)


@blp.route("/saved/<uuid:report_id>", methods=["DELETE"])
@permission("report.design")
@blp.response(204)
def delete_saved(report_id):
    """Delete one's own saved report. Audited."""
    session = db_session()
    ops.delete_report(session, report_id)
    session.commit()
    return ""


# -- JSON cells -------------------------------------------------------------------------------

def _column(c: Column, lang: str) -> dict:
    return {"key": c.key, "role": c.role, "label": label(c.label, lang), "type": c.type, "by": c.by, "fn": c.fn}


def _shown(fld, v, lang):
    return _word(fld.choices, v, lang) if fld.choices and v is not None else v


def _json(v: Any, kind: str | None, tz: ZoneInfo) -> Any:
    if v is None or isinstance(v, (bool, int, str)):
        return v
    if isinstance(v, decimal.Decimal):
        return str(v)
    if isinstance(v, dt.datetime):
        return v.astimezone(tz).isoformat(timespec="minutes")
    if isinstance(v, dt.date):
        return {"month": v.isoformat()[:7], "year": v.isoformat()[:4]}.get(kind or "", v.isoformat())
    return str(v)


def _measures(values: list, columns: list[Column], tz) -> list:
    return [_json(v, None, tz) for v in values]


def _json_row(row: Row, columns: list[Column], lang: str, tz) -> dict:
    n_groups = sum(1 for c in columns if c.role == "group")
    n_fields = sum(1 for c in columns if c.role == "field")
    values = list(row.groups) + [None] * (n_groups - len(row.groups))
    values += list(row.fields) + [None] * (n_fields - len(row.fields)) + list(row.measures)
    words = ROW_WORDS.get(row.type)
    return {"type": row.type, "level": row.level, "label": label(words, lang) if words else None,
            "cells": [_json(v, c.by, tz) for v, c in zip(values, columns)]}

# The print endpoint lives in its own module, on this blueprint.
from . import printing  # noqa: E402,F401
from .schedule_api import blp as _schedule_blp  # noqa: E402 - the saved reports' schedules

blueprints.append(_schedule_blp)
