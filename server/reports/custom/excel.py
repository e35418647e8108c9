"""A custom report as an Excel workbook, written row by row by XlsxWriter in constant-memory mode.

The groupings are the sheet's outline: detail rows at the deepest level, each group's subtotal
row one level above what it sums (summary rows below their details, so a subtotal's button folds
its group), the grand total at level 0. The header row is frozen; money has two places, numbers
their own, dates and times the business's wall clock, a period its own format (2026-03, 2026).
Text is always written as text (an IMEI never becomes a number, ``=…`` never a formula).

Constant-memory mode flushes each row to a temporary file as soon as the next one starts, so the
memory an export takes does not grow with its rows (the rows come from a server-side cursor).
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterable
from zoneinfo import ZoneInfo

import xlsxwriter

from .query import ROW_WORDS, Column, Row
from .registry import label

_FORMATS = {"money": "#,##0.00", "number": "#,##0.####", "date": "yyyy-mm-dd", "datetime": "yyyy-mm-dd hh:mm",
            "day": "yyyy-mm-dd", "week": "yyyy-mm-dd", "month": "yyyy-mm", "year": "yyyy"}
_WIDTHS = {"text": 20, "reference": 20, "choice": 14, "bool": 8, "number": 12, "money": 14, "date": 12,
           "datetime": 17}


def write_report(path: str, tmpdir: str, columns: list[Column], rows: Iterable[Row], *, depth: int, lang: str,
                 timezone: str, title: str) -> int:
    """Columns and rows into a new workbook at ``path``; answers the number of rows written."""
    tz = ZoneInfo(timezone)
    wb = xlsxwriter.Workbook(path, {"constant_memory": True, "tmpdir": tmpdir, "strings_to_numbers": False,
                                    "strings_to_formulas": False, "strings_to_urls": False})
    try:
        ws = wb.add_worksheet(title[:31])
        formats: dict[tuple[str | None, bool], object] = {}

        def fmt(kind: str | None, bold: bool):
            if (kind, bold) not in formats:
                props = {"bold": True} if bold else {}
                if kind in _FORMATS:
                    props["num_format"] = _FORMATS[kind]
                formats[(kind, bold)] = wb.add_format(props) if props else None
            return formats[(kind, bold)]

        # Each column's kind of cell: a grouped period its own format, a count a whole number.
        kinds = [c.by or ("number" if c.fn == "count" else c.type) for c in columns]
        for i, c in enumerate(columns):
            width = _WIDTHS.get(c.type, 14) if c.role != "measure" else 14
            ws.set_column(i, i, max(width, len(label(c.label, lang)) * (2 if lang == "zh-CN" else 1) + 2))
        ws.outline_settings(True, True, True, False)  # summary rows below their details
        ws.freeze_panes(1, 0)
        head = fmt(None, True)
        for i, c in enumerate(columns):
            ws.write_string(0, i, label(c.label, lang), head)

        n_groups = sum(1 for c in columns if c.role == "group")
        n_fields = sum(1 for c in columns if c.role == "field")
        r = 0
        for row in rows:
            r += 1
            bold = row.type in ("subtotal", "total")
            if row.type == "detail":
                level = depth
            elif row.type == "total":
                level = 0
            else:
                level = max(row.level - 1, 0)
            if level:
                ws.set_row(r, None, None, {"level": min(level, 7)})
            values = list(row.groups) + [None] * (n_groups - len(row.groups))
            values += list(row.fields) + [None] * (n_fields - len(row.fields))
            values += list(row.measures)
            if bold:
                # The row's word in the first empty cell of the keys (or of the fields).
                at = len(row.groups) if len(row.groups) < n_groups + n_fields else None
                if at is not None and values[at] is None:
                    values[at] = label(ROW_WORDS[row.type], lang)
            for i, v in enumerate(values):
                if v is None:
                    continue
                _write(ws, r, i, v, kinds[i] if not isinstance(v, str) else None, fmt, bold, tz, columns[i], lang)
            # XlsxWriter keeps every row's set_row properties to the end, even in constant-memory mode
            # (about 200 bytes a row). Writing this row's first cell wrote the row before out, so its
            # entry goes.
            ws.row_info.pop(r - 1, None)
        return r
    finally:
        wb.close()


def _write(ws, r: int, c: int, v, kind, fmt, bold: bool, tz: ZoneInfo, column: Column, lang: str) -> None:
    if isinstance(v, bool):
        choices = {True: {"zh-CN": "是", "en": "Yes"}, False: {"zh-CN": "否", "en": "No"}}
        ws.write_string(r, c, label(choices[v], lang), fmt(None, bold))
    elif isinstance(v, str):
        ws.write_string(r, c, v, fmt(None, bold))
    elif isinstance(v, (int, decimal.Decimal, float)):
        ws.write_number(r, c, float(v), fmt(kind if kind in _FORMATS else "number", bold))
    elif isinstance(v, dt.datetime):
        ws.write_datetime(r, c, v.astimezone(tz).replace(tzinfo=None), fmt(kind if kind in _FORMATS else "datetime", bold))
    elif isinstance(v, dt.date):
        ws.write_datetime(r, c, dt.datetime.combine(v, dt.time()), fmt(kind if kind in _FORMATS else "date", bold))
    else:
        ws.write_string(r, c, str(v), fmt(None, bold))
