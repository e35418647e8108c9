"""A custom report printed: POST /api/reports/custom/print → an A4 landscape PDF (spec §11, issue 20).

The same spec as a run, the same checks, scoping and session (``_report``); the rows go through the
project's one rendering service (``server.printing``, WeasyPrint) with the filters, the date range and
the groupings stated in the header, so a sheet on a desk says what it counts. A print shows at most
``MAX_ROWS`` detail rows (the subtotals and the total are always whole: they come from the aggregate);
the rest is the export's work. Audited like an export (``custom_report.print``).
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from typing import Any

from flask import Response
from sqlalchemy import select

from ...core.operations import record_audit
from ...db import writing
from ...http import Schema, Str, db_session, permission, principal, reads_only
from ...printing.render import PAPERS
from ..database import read_session
from .api import _json, _report, blp
from .query import ROW_WORDS, Column
from .registry import Field, label, sources
from .spec import ReportSpec

MAX_ROWS = 2000

OP_WORDS = {
    "eq": {"zh-CN": "等于", "en": "is"}, "ne": {"zh-CN": "不等于", "en": "is not"},
    "in": {"zh-CN": "属于", "en": "is one of"}, "lt": {"zh-CN": "早于/小于", "en": "<"},
    "le": {"zh-CN": "≤", "en": "≤"}, "gt": {"zh-CN": "晚于/大于", "en": ">"}, "ge": {"zh-CN": "≥", "en": "≥"},
    "between": {"zh-CN": "介于", "en": "between"}, "contains": {"zh-CN": "包含", "en": "contains"},
    "is_null": {"zh-CN": "为空", "en": "is empty"},
}
WORDS = {
    "zh-CN": {"filters": "筛选条件", "none": "无（全部）", "period": "日期范围", "groupings": "分组",
              "printed": "打印时间", "by": "打印人",
              "truncated": "明细只打印前 {n} 行，小计与合计为全部数据；"
                           "完整报表请导出 Excel。",
              "empty": "没有符合条件的数据", "and": "、", "not_empty": "不为空", "from": "{day} 起", "to": "至 {day}"},
    "en": {"filters": "Filters", "none": "none (everything)", "period": "Dates", "groupings": "Grouped by",
           "printed": "Printed", "by": "By",
           "truncated": "Only the first {n} detail rows are printed; subtotals and the total cover everything. "
                        "Export to Excel for the whole report.", "empty": "Nothing matches",
           "and": ", ", "not_empty": "is not empty", "from": "from {day}", "to": "until {day}"},
}


class PrintArgs(Schema):
    title = Str(120, metadata={"description": "The heading (a saved report's name); default: the source's name"})


@blp.route("/print", methods=["POST"])
@permission("report.view")
@reads_only
@blp.arguments(ReportSpec)
@blp.arguments(PrintArgs, location="query")
@blp.response(200, description="The report as an A4 landscape application/pdf, the filters in its header")
def print_report(spec, args):
    """The report on A4 landscape: title, filters, date range and groupings in the header, the grouped
    table with its subtotals (each in its group's column, shaded by level) and the grand total;
    detail rows up to 2,000."""
    from ...printing.api import available_printer

    report = _report(spec)
    lang = report.lang
    columns = report.columns()
    rows, facts = report.rows(limit=MAX_ROWS)
    body = [_row(r, columns, report) for r in report.presented(rows, columns)]
    src = sources()[spec["source"]]
    w = WORDS[lang]
    now = dt.datetime.now(report.tz)
    vm = {
        "title": args.get("title") or label(src.label, lang),
        "source": label(src.label, lang),
        "filters": _filters(spec, src, lang) or [w["none"]],
        "period": _period(spec, src, lang, w),
        "groupings": w["and"].join(c.label[lang] if lang in c.label else c.label["en"]
                                   for c in columns if c.role == "group"),
        "printed": now.strftime("%Y-%m-%d %H:%M"),
        "by": principal().username or "",
        "columns": [{"label": label(c.label, lang), "num": c.role == "measure" or c.type in ("number", "money")}
                    for c in columns],
        "rows": body,
        "truncated": w["truncated"].format(n=MAX_ROWS) if facts["truncated"] else "",
        "w": w,
    }
    p = available_printer()
    pdf = p.pdf("print/custom_report.html", vm, PAPERS["a4_landscape"], "zh" if lang == "zh-CN" else "en")
    # A printed report takes the rows out of the system as an export does: audited alike.
    session = db_session()
    with writing(session):
        record_audit(session, "custom_report.print", entity_type="custom_report",
                     after={"source": spec["source"], "rows": len(body), "truncated": facts["truncated"]})
    resp = Response(pdf, mimetype="application/pdf")
    resp.headers["Content-Disposition"] = f'inline; filename="report-{spec["source"]}-{now.date().isoformat()}.pdf"'
    resp.headers["Cache-Control"] = "no-store"
    return resp


def _row(row, columns: list[Column], report) -> dict:
    n_groups = sum(1 for c in columns if c.role == "group")
    n_fields = sum(1 for c in columns if c.role == "field")
    values = list(row.groups) + [None] * (n_groups - len(row.groups))
    values += list(row.fields) + [None] * (n_fields - len(row.fields)) + list(row.measures)
    cells = [_cell(v, c, report.tz) for v, c in zip(values, columns)]
    if row.type == "subtotal":
        # A subtotal names its group in the group's own column, its level's indent says how deep.
        cells = [x if i < row.level else "" for i, x in enumerate(cells[:n_groups])] + cells[n_groups:]
        words = ROW_WORDS["subtotal"]
        cells[row.level - 1] = f"{cells[row.level - 1]} {label(words, report.lang)}"
    elif row.type == "total":
        cells = [label(ROW_WORDS["total"], report.lang)] + cells[1:] if cells else cells
    return {"type": row.type, "level": row.level, "cells": cells}


def _cell(v: Any, c: Column, tz) -> str:
    if v is None:
        return ""
    if isinstance(v, decimal.Decimal) and c.type == "money":
        return f"{v:,.2f}"
    if isinstance(v, bool):
        return str(v)
    out = _json(v, c.by, tz)
    return "" if out is None else str(out)


def _filters(spec: dict, src, lang: str) -> list[str]:
    """Each filter in words: the field's label, the operator, the value as the reader knows it (a
    reference's name, a choice's word)."""
    out = []
    for flt in spec["filters"]:
        fld = src.by_key[flt["field"]]
        op, v = flt["op"], flt.get("value")
        if op == "is_null":
            text = label(OP_WORDS["is_null"], lang) if v else WORDS[lang]["not_empty"]
            out.append(f"{label(fld.label, lang)} {text}")
            continue
        values = v if isinstance(v, list) else [v]
        shown = [_shown(fld, x, lang) for x in values]
        joined = " ~ " if op == "between" else WORDS[lang]["and"]
        out.append(f"{label(fld.label, lang)} {label(OP_WORDS[op], lang)} {joined.join(shown)}")
    return out


def _shown(fld: Field, v: Any, lang: str) -> str:
    if fld.type == "reference" and isinstance(v, uuid.UUID):
        model = fld.ref.model
        name = read_session().execute(select(getattr(model, fld.ref.label)).where(model.id == v)).scalar()
        return str(name) if name is not None else str(v)
    if fld.choices and v in fld.choices:
        return label(fld.choices[v], lang)
    if isinstance(v, (dt.date, dt.datetime)):
        return v.isoformat(sep=" ", timespec="minutes") if isinstance(v, dt.datetime) else v.isoformat()
    return str(v)


def _period(spec: dict, src, lang: str, w: dict) -> str:
    dr = spec.get("date_range")
    if not dr or not (dr.get("since") or dr.get("until")):
        return ""
    fld = src.by_key[dr["field"]]
    since, until = dr.get("since"), dr.get("until")
    if since and until:
        span = f"{since.isoformat()} ~ {until.isoformat()}"
    else:
        span = w["from" if since else "to"].format(day=(since or until).isoformat())
    return f"{label(fld.label, lang)}{'：' if lang == 'zh-CN' else ': '}{span}"
