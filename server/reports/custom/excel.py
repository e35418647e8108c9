"""A custom report as an Excel workbook, its sheet's XML written row by row straight into the zip.

The groupings are the sheet's outline: detail rows at the deepest level, each group's subtotal
row one level above what it sums (summary rows below their details, so a subtotal's button folds
its group), the grand total at level 0. The header row is frozen; money has two places, numbers
their own, dates and times the business's wall clock, a period its own format (2026-03, 2026).
Text is always written as text (an IMEI never becomes a number, ``=…`` never a formula).

Why by hand (as ``server/exports.py`` does for the lists): XlsxWriter's constant-memory mode costs
about a dozen Python calls per cell (12.4 s for a three-level export of 100,000 rows, against the
10 s the issue allows). A report needs only a fixed set of styles (each number format, plain or
bold), row outline levels, column widths and a frozen header: those are a few constant XML parts,
and each row is one formatted string. Nothing is kept per row, so memory does not grow with the
rows (which come from a server-side cursor); the sheet is deflated as it is written.
"""

from __future__ import annotations

import datetime as dt
import decimal
import io
import zipfile
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from ...exports import EXCEL_EPOCH, WORKBOOK_RELS, column_letters, xml_text
from .query import ROW_WORDS, Column, Row
from .registry import label

_FORMATS = {"money": "#,##0.00", "number": "#,##0.####", "date": "yyyy-mm-dd", "datetime": "yyyy-mm-dd hh:mm",
            "day": "yyyy-mm-dd", "week": "yyyy-mm-dd", "month": "yyyy-mm", "year": "yyyy"}
_WIDTHS = {"text": 20, "reference": 20, "choice": 14, "bool": 8, "number": 12, "money": 14, "date": 12,
           "datetime": 17}
_YES_NO = {True: {"zh-CN": "是", "en": "Yes"}, False: {"zh-CN": "否", "en": "No"}}

# The styles: one number format per distinct code (164 on are custom ids), each plain and bold.
_CODES = list(dict.fromkeys(_FORMATS.values()))
_NUMFMT = {code: 164 + i for i, code in enumerate(_CODES)}
_XF: dict[tuple[str | None, bool], int] = {}
for _bold in (False, True):
    for _code in (None, *_CODES):
        _XF[(_code, _bold)] = len(_XF)


def _style(kind: str | None, bold: bool) -> int:
    return _XF[(_FORMATS.get(kind) if kind else None, bold)]


_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    f'<numFmts count="{len(_CODES)}">'
    + "".join(f'<numFmt numFmtId="{_NUMFMT[c]}" formatCode="{c}"/>' for c in _CODES)
    + '</numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    f'<cellXfs count="{len(_XF)}">'
    + "".join(f'<xf numFmtId="{_NUMFMT[code] if code else 0}" fontId="{int(bold)}" fillId="0" borderId="0" xfId="0"'
              + (' applyNumberFormat="1"' if code else "") + (' applyFont="1"' if bold else "") + "/>"
              for (code, bold) in _XF)
    + '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>')

_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
        '<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
        '</Types>'),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
        '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>'
        '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>'
        '</Relationships>'),
    "docProps/app.xml": (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
        '<Application>Aftercare</Application></Properties>'),
    "xl/_rels/workbook.xml.rels": WORKBOOK_RELS,
    "xl/styles.xml": _STYLES,
}

_EPOCH_DAY = EXCEL_EPOCH.date()
# Characters Excel refuses in a sheet's name.
_SHEET_BAD = str.maketrans(dict.fromkeys("[]:*?/\\", "_"))


def write_report(path: str, tmpdir: str, columns: list[Column], rows: Iterable[Row], *, depth: int, lang: str,
                 timezone: str, title: str) -> int:
    """Columns and rows into a new workbook at ``path``; answers the number of rows written.
    (``tmpdir`` is kept for callers: nothing but ``path`` is written.)"""
    tz = ZoneInfo(timezone)
    # Each column's kind of cell: a grouped period its own format, a count a whole number.
    kinds = [c.by or ("number" if c.fn == "count" else c.type) for c in columns]
    refs = [column_letters(i) for i in range(len(columns))]
    # Per column and weight (plain, bold): the style of a number, of a date, of a date and time, of text.
    styles = []
    for kind in kinds:
        styles.append({bold: (_style(kind if kind in _FORMATS else "number", bold),
                              _style(kind if kind in _FORMATS else "date", bold),
                              _style(kind if kind in _FORMATS else "datetime", bold),
                              _style(None, bold)) for bold in (False, True)})
    yes_no = {v: xml_text(label(w, lang)) for v, w in _YES_NO.items()}
    sum_word, total_word = (label(ROW_WORDS[t], lang) for t in ("subtotal", "total"))
    n_groups = sum(1 for c in columns if c.role == "group")
    n_fields = sum(1 for c in columns if c.role == "field")
    width = len(columns)

    def cells(r: int, values: list, bold: bool) -> str:
        out = []
        for i, v in enumerate(values):
            if v is None:
                continue
            t = type(v)
            ref = refs[i]
            if t is str:
                out.append(f'<c r="{ref}{r}" s="{styles[i][bold][3]}" t="inlineStr"><is><t xml:space="preserve">'
                           f'{xml_text(v)}</t></is></c>')
            elif t is decimal.Decimal:
                out.append(f'<c r="{ref}{r}" s="{styles[i][bold][0]}"><v>{v:f}</v></c>')
            elif t is int or t is float:
                out.append(f'<c r="{ref}{r}" s="{styles[i][bold][0]}"><v>{v!r}</v></c>')
            elif t is bool:
                out.append(f'<c r="{ref}{r}" s="{styles[i][bold][3]}" t="inlineStr"><is><t>{yes_no[v]}</t></is></c>')
            elif t is dt.datetime:
                serial = (v.astimezone(tz).replace(tzinfo=None) - EXCEL_EPOCH).total_seconds() / 86400
                out.append(f'<c r="{ref}{r}" s="{styles[i][bold][2]}"><v>{serial:.10f}</v></c>')
            elif t is dt.date:
                out.append(f'<c r="{ref}{r}" s="{styles[i][bold][1]}"><v>{(v - _EPOCH_DAY).days}</v></c>')
            else:
                out.append(f'<c r="{ref}{r}" s="{styles[i][bold][3]}" t="inlineStr"><is><t xml:space="preserve">'
                           f'{xml_text(str(v))}</t></is></c>')
        return "".join(out)

    sheet_name = xml_text(title.translate(_SHEET_BAD)[:31] or "Report")
    written = 0
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for name, xml in _PARTS.items():
            z.writestr(name, xml)
        # The file's properties: its title (the report's) and when it was made, as Excel shows them.
        made = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        z.writestr("docProps/core.xml", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f'<dc:title>{xml_text(title)}</dc:title><dc:creator>Aftercare</dc:creator>'
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{made}</dcterms:created>'
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{made}</dcterms:modified></cp:coreProperties>'))
        z.writestr("xl/workbook.xml", (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            f'<sheets><sheet name="{sheet_name}" sheetId="1" r:id="rId1"/></sheets></workbook>'))
        raw = z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True)
        with io.TextIOWrapper(io.BufferedWriter(raw, 1 << 16), encoding="utf-8", newline="") as out:
            w = out.write
            # Summary rows below their details (Excel's default, said anyway); the outline's depth on
            # sheetFormatPr, which Excel reads to draw the outline's gutter.
            w('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
              '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
              '<sheetPr><outlinePr summaryBelow="1" summaryRight="1"/></sheetPr>'
              '<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" '
              'state="frozen"/><selection pane="bottomLeft"/></sheetView></sheetViews>'
              f'<sheetFormatPr defaultRowHeight="15" outlineLevelRow="{min(depth, 7)}"/><cols>')
            for i, c in enumerate(columns):
                wd = _WIDTHS.get(c.type, 14) if c.role != "measure" else 14
                wd = max(wd, len(label(c.label, lang)) * (2 if lang == "zh-CN" else 1) + 2)
                w(f'<col min="{i + 1}" max="{i + 1}" width="{wd}" customWidth="1"/>')
            w("</cols><sheetData>")
            w(f'<row r="1">{cells(1, [label(c.label, lang) for c in columns], True)}</row>')
            detail_level = f' outlineLevel="{min(depth, 7)}"' if depth else ""
            r = 1
            for row in rows:
                r += 1
                values = [*row.groups, *row.fields, *row.measures]
                if row.type == "detail":
                    if len(values) == width:  # the common case: every key and field present
                        w(f'<row r="{r}"{detail_level}>{cells(r, values, False)}</row>')
                        continue
                    level = depth
                elif row.type == "total":
                    level = 0
                else:
                    level = max(row.level - 1, 0)
                values = list(row.groups) + [None] * (n_groups - len(row.groups))
                values += list(row.fields) + [None] * (n_fields - len(row.fields))
                values += list(row.measures)
                bold = row.type in ("subtotal", "total")
                if bold:
                    # The row's word in the first empty cell of the keys (or of the fields).
                    at = len(row.groups) if len(row.groups) < n_groups + n_fields else None
                    if at is not None and values[at] is None:
                        values[at] = sum_word if row.type == "subtotal" else total_word
                attrs = f' outlineLevel="{min(level, 7)}"' if level else ""
                w(f'<row r="{r}"{attrs}>{cells(r, values, bold)}</row>')
            written = r - 1
            w("</sheetData></worksheet>")
    return written
