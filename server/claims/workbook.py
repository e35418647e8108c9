"""The claim as an Excel workbook in the manufacturer's layout, and the manufacturer's answer read back.

Export: the layout's columns (stored per manufacturer, else ``DEFAULT_LAYOUT``) then the three answer
columns the manufacturer fills in (结果, 核定金额, 原因), written by ``server.exports``. Import
(openpyxl, read-only): the header row names the columns; a row is matched by its line id (列 行ID) or
by IMEI + order number; every bad row is reported (``rows.<n>.<column>``) and nothing changes when
any row is bad.
"""

from __future__ import annotations

import io
import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..auth.principal import get_principal
from ..core import operations as core
from ..errors import InvalidInput
from .models import ClaimLayout, LabourClaim
from .operations import AnswerRefused, _apply, _check, _parse_answer

# Every field a layout may show, with its default heading.
FIELDS: dict[str, str] = {
    "line_id": "行ID", "seq": "序号", "order_number": "维修单号", "imei": "IMEI", "model_name": "机型",
    "fault": "故障现象", "methods": "处理方法", "level_name": "维修级别", "taken_in": "接机日期",
    "completed": "完成日期", "labour_fee": "劳务费", "parts_amount": "备件费", "amount": "申报金额", "note": "备注",
}
DEFAULT_LAYOUT = [{"field": f, "title": t} for f, t in FIELDS.items() if f != "note"]
ANSWER_COLUMNS = {"result": "结果", "accepted_amount": "核定金额", "reason": "原因"}
# Headings the import understands besides the layout's own titles.
ALIASES = {"line id": "line_id", "行id": "line_id", "imei": "imei", "串号": "imei", "维修单号": "order_number",
           "order number": "order_number", "单号": "order_number", "结果": "result", "result": "result",
           "核定金额": "accepted_amount", "accepted amount": "accepted_amount", "原因": "reason", "reason": "reason"}
MAX_ROWS = 20_000


def layout_of(session: Session, manufacturer_id: uuid.UUID) -> list[dict]:
    row = session.execute(select(ClaimLayout).where(ClaimLayout.manufacturer_id == manufacturer_id)).scalar_one_or_none()
    return list(row.columns) if row is not None and row.columns else list(DEFAULT_LAYOUT)


def save_layout(session: Session, manufacturer_id: uuid.UUID, columns: Any) -> list[dict]:
    """A manufacturer's layout: a list of ``{field, title}``, fields from ``FIELDS``, each once."""
    if not isinstance(columns, list) or not columns:
        raise InvalidInput("columns", "at least one column")
    out, seen = [], set()
    for i, c in enumerate(columns):
        field = (c or {}).get("field") if isinstance(c, dict) else None
        if field not in FIELDS:
            raise InvalidInput(f"columns.{i}.field", "not a claim line field")
        if field in seen:
            raise InvalidInput(f"columns.{i}.field", "the field is shown twice")
        seen.add(field)
        title = str(c.get("title") or FIELDS[field]).strip()[:40]
        out.append({"field": field, "title": title})
    row = session.execute(select(ClaimLayout).where(ClaimLayout.manufacturer_id == manufacturer_id)).scalar_one_or_none()
    if row is None:
        row = ClaimLayout(manufacturer_id=manufacturer_id)
        session.add(row)
    row.columns, row.updated_by_id = out, get_principal(session).user_id
    session.flush()
    core.record_audit(session, "labour_claim_layout.save", row, after={"columns": out})
    return out


def export_table(session: Session, claim: LabourClaim) -> tuple[list[str], list[list[Any]]]:
    layout = layout_of(session, claim.manufacturer_id)
    header = [c["title"] for c in layout] + list(ANSWER_COLUMNS.values())
    rows = []
    for seq, line in enumerate(claim.lines, start=1):
        values = {"seq": seq, "line_id": str(line.id)}
        row = [values[c["field"]] if c["field"] in values else getattr(line, c["field"]) for c in layout]
        answer = [_result_word(line.result), line.accepted_amount if line.result == "cut" else None, line.reason or None]
        rows.append(row + answer)
    return header, rows


def _result_word(result: str | None) -> str | None:
    return {"accepted": "通过", "cut": "核减", "rejected": "拒绝"}.get(result or "")


def _same(line, result: str, amount: str) -> bool:
    from .operations import RESULT_WORDS

    if RESULT_WORDS.get(result.lower()) != line.result:
        return False
    try:
        return line.result != "cut" or Decimal(amount) == line.accepted_amount
    except ArithmeticError:
        return False


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        value = Decimal(str(value))
    return str(value).strip()


def read_answer(session: Session, claim: LabourClaim, data: bytes) -> LabourClaim:
    """Apply the manufacturer's answer workbook: all rows checked first, any bad row refuses the file."""
    _check(session, claim, "answer")
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        rows = list(wb.worksheets[0].iter_rows(values_only=True, max_row=MAX_ROWS + 1))
        wb.close()
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds for a file that is not a workbook
        raise InvalidInput("file", "not an Excel workbook (.xlsx)") from None
    if not rows:
        raise InvalidInput("file", "the workbook is empty")
    layout_titles = {c["title"].strip().lower(): c["field"] for c in layout_of(session, claim.manufacturer_id)}
    cols: dict[str, int] = {}
    for i, h in enumerate(rows[0]):
        name = _cell(h).lower()
        field = ALIASES.get(name) or layout_titles.get(name)
        if field and field not in cols:
            cols[field] = i
    if "result" not in cols:
        raise InvalidInput("file", "no 结果 (result) column in the header row")
    if "line_id" not in cols and not {"imei", "order_number"} <= cols.keys():
        raise InvalidInput("file", "the header row needs 行ID, or IMEI and 维修单号, to match the lines")
    by_id = {str(l.id): l for l in claim.lines}
    by_key = {(l.imei, l.order_number): l for l in claim.lines}
    errors: dict[str, list[str]] = {}
    parsed, seen = [], {}
    for n, row in enumerate(rows[1:], start=2):
        get = lambda f: row[cols[f]] if f in cols and cols[f] < len(row) else None  # noqa: E731
        if all(_cell(v) == "" for v in row):
            continue
        line = None
        if "line_id" in cols and _cell(get("line_id")):
            line = by_id.get(_cell(get("line_id")))
            if line is None:
                errors[f"rows.{n}.line_id"] = ["no such line on this claim"]
                continue
        else:
            key = (_cell(get("imei")), _cell(get("order_number")))
            line = by_key.get(key)
            if line is None:
                errors[f"rows.{n}.imei"] = ["no line of this claim has this IMEI and order number"]
                continue
        if line.id in seen:
            errors[f"rows.{n}.line_id"] = [f"the line is answered twice (row {seen[line.id]})"]
            continue
        seen[line.id] = n
        if not _cell(get("result")):
            # A row left blank is not answered yet (the line stays open for a later answer).
            continue
        if line.result is not None and _same(line, _cell(get("result")), _cell(get("accepted_amount"))):
            continue  # the answer recorded already, read again (a file exported after a hand answer)
        errs, value = _parse_answer(line, _cell(get("result")), _cell(get("accepted_amount")), _cell(get("reason")))
        for k, v in errs.items():
            errors[f"rows.{n}.{k}"] = [v]
        parsed.append((line, value))
    if errors:
        raise AnswerRefused(f"{len(errors)} bad cells in the answer file: nothing was changed", errors)
    if not parsed:
        raise InvalidInput("file", "no row carries an answer")
    _apply(session, claim, parsed)
    core.record_audit(session, "labour_claim.import_answer", claim, after={"rows": len(parsed)})
    return claim
