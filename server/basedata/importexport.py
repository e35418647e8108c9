"""Import and export of every base-data kind, as .xlsx or CSV.

An import validates every row first and reports every bad row (row number,
column, reason); with any bad row nothing is written. Rows are upserted by the
kind's natural key, so an import can be rerun. Export writes the same columns,
so an exported file imports back unchanged.

Text that a spreadsheet would read as a formula (it starts with ``=``, ``+``,
``-``, ``@``, tab or CR: OWASP's "CSV injection") is written with a leading
single quote, and the import takes exactly that quote off again, so a member
named ``=HYPERLINK(…)`` stays inert text and still round-trips (as does a phone
``+86…``). Control characters (stored before they were refused at the edge) are
left out of an export rather than breaking it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Callable, Iterable

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..auth.models import User
from ..auth.principal import get_principal
from ..errors import DomainError, InvalidInput
from ..inputs import CONTROL_MESSAGE, control_problem, without_control
from ..org.models import Organisation
from .kinds import KINDS, F, Kind
from .operations import upsert_record
from .text import normalise_imei

# A cell starting with one of these is a formula to a spreadsheet; with any run of quotes
# before it, the quote we add is told from the value's own.
_FORMULA = re.compile(r"^'*[=+\-@\t\r]")
_QUOTED_FORMULA = re.compile(r"^'+[=+\-@\t\r]")

TRUE = {"1", "true", "yes", "y", "是", "t"}
FALSE = {"0", "false", "no", "n", "否", "f"}
MAX_ROWS = 500_000


@dataclass
class RowError:
    row: int
    column: str
    message: str


@dataclass
class ImportReport:
    kind: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    dry_run: bool = False
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def columns(kind: Kind) -> list[str]:
    cols = ["org_code"] if kind.org_owned else []
    for f in kind.fields:
        if f.type == "lines":
            cols += ["component_item_code", "quantity"]
        else:
            cols.append(f.column)
    return cols


# -- reading files ---------------------------------------------------------------

class FileProblem(InvalidInput):
    def __init__(self, message: str):
        super().__init__("file", message)


def read_table(filename: str, data: bytes) -> list[dict[str, Any]]:
    """Rows as dicts keyed by the header row (first row)."""
    name = filename.lower()
    if name.endswith(".xlsx"):
        try:
            wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            ws = wb.worksheets[0]
            it = ws.iter_rows(values_only=True)  # read-only: the sheet is parsed while iterating
            header = next(it, None)
            rows = [list(r) for r in it]
            wb.close()
        except Exception:  # noqa: BLE001 - openpyxl raises many kinds for a bad file
            raise FileProblem("not a readable .xlsx workbook") from None
    elif name.endswith(".csv"):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise FileProblem("a CSV file must be UTF-8") from None
        reader = csv.reader(io.StringIO(text))
        try:
            header = next(reader, None)
            rows = list(reader)
        except csv.Error as exc:  # e.g. a field past the reader's size limit
            raise FileProblem(f"not a readable CSV file: {exc}") from None
    else:
        raise FileProblem("upload a .xlsx or .csv file")
    if not header:
        raise FileProblem("the file is empty")
    keys = [str(h).strip() if h is not None else "" for h in header]
    if len(rows) > MAX_ROWS:
        raise FileProblem(f"at most {MAX_ROWS} rows per import")
    out = []
    for r in rows:
        r = [unquote_cell(v) for v in r]
        if all(v is None or str(v).strip() == "" for v in r):
            out.append(None)  # keep row numbers right; blank rows are skipped
            continue
        out.append({k: (r[i] if i < len(r) else None) for i, k in enumerate(keys) if k})
    return out


def quote_cell(value: Any) -> Any:
    """Text as written to a file: never a formula, never a control character."""
    if not isinstance(value, str):
        return value
    value = without_control(value)
    return "'" + value if _FORMULA.match(value) else value


def unquote_cell(value: Any) -> Any:
    """The inverse of ``quote_cell`` on what a file holds: the one quote it added comes off."""
    if isinstance(value, str) and _QUOTED_FORMULA.match(value):
        return value[1:]
    return value


# -- parsing cells ---------------------------------------------------------------

class _Refs:
    """code → id maps, loaded once per import."""

    def __init__(self, session: Session):
        self.session = session
        self.cache: dict[str, dict[str, uuid.UUID]] = {}

    def ids(self, kind_name: str) -> dict[str, uuid.UUID]:
        if kind_name not in self.cache:
            model = KINDS[kind_name].model
            self.cache[kind_name] = dict(self.session.execute(select(model.code, model.id)).all())
        return self.cache[kind_name]

    def orgs(self) -> dict[str, uuid.UUID]:
        if "_orgs" not in self.cache:
            self.cache["_orgs"] = dict(self.session.execute(select(Organisation.code, Organisation.id)).all())
        return self.cache["_orgs"]

    def users(self) -> dict[str, uuid.UUID]:
        if "_users" not in self.cache:
            self.cache["_users"] = dict(self.session.execute(
                select(User.username, User.id).execution_options(unscoped=True)).all())
        return self.cache["_users"]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()[:10]
    return str(value).strip()


def parse_cell(f: F, value: Any, refs: _Refs) -> Any:
    """The field's value from a cell, or ValueError with a reason."""
    text = _text(value)
    if control_problem(text):
        raise ValueError(CONTROL_MESSAGE)
    if f.type in ("code", "str", "text", "phone", "imei"):
        if f.type == "code":
            text = text.upper()
        elif f.type == "imei":
            text = normalise_imei(text)
        if f.max_len and len(text) > f.max_len:
            raise ValueError(f"longer than {f.max_len} characters")
        return text
    if f.type == "int":
        try:
            number = int(Decimal(text))
        except (InvalidOperation, ValueError):
            raise ValueError("not a whole number") from None
        if (f.min is not None and number < f.min) or (f.max is not None and number > f.max):
            raise ValueError(f"must be between {f.min} and {f.max}")
        return number
    if f.type == "decimal":
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError("not a number") from None
        if not number.is_finite() or number < 0:
            raise ValueError("must be a non-negative number")
        if number != number.quantize(Decimal("0.01")):
            raise ValueError("at most 2 decimal places")  # never rounded away
        return number.quantize(Decimal("0.01"))
    if f.type == "bool":
        if text.lower() in TRUE:
            return True
        if text.lower() in FALSE:
            return False
        raise ValueError("must be true or false")
    if f.type == "date":
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise ValueError("not a date (YYYY-MM-DD)") from None
    if f.type == "enum":
        if text not in f.choices:
            raise ValueError(f"must be one of {', '.join(c for c in f.choices if c)}")
        return text
    if f.type == "enums":
        items = [t.strip() for t in text.replace(",", ";").split(";") if t.strip()]
        bad = [t for t in items if t not in f.choices]
        if bad:
            raise ValueError(f"unknown: {', '.join(bad)} (allowed: {', '.join(f.choices)})")
        return items
    if f.type == "ref":
        code = text.upper()
        ids = refs.ids(f.ref)
        if code not in ids:
            raise ValueError(f"no {KINDS[f.ref].label['en'].lower()} with code {code}")
        return ids[code]
    if f.type == "refs":
        codes = [t.strip().upper() for t in text.replace(",", ";").split(";") if t.strip()]
        ids = refs.ids(f.ref)
        missing = [c for c in codes if c not in ids]
        if missing:
            raise ValueError(f"unknown codes: {', '.join(missing[:5])}")
        return [ids[c] for c in codes]
    if f.type == "user":
        users = refs.users()
        if text.lower() not in users:
            raise ValueError(f"no user {text}")
        return users[text.lower()]
    if f.type == "org":
        orgs = refs.orgs()
        if text.upper() not in orgs:
            raise ValueError(f"no organisation {text}")
        return orgs[text.upper()]
    raise ValueError(f"unsupported field type {f.type}")


def _row_data(kind: Kind, row: dict[str, Any], refs: _Refs, rownum: int, errors: list[RowError]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for f in kind.fields:
        if f.type == "lines":
            continue
        raw = row.get(f.column)
        if raw is None or _text(raw) == "":
            if f.required:
                errors.append(RowError(rownum, f.column, "required"))
            continue
        try:
            data[f.name] = parse_cell(f, raw, refs)
        except ValueError as exc:
            errors.append(RowError(rownum, f.column, str(exc)))
    return data


def _row_org(kind: Kind, row: dict[str, Any], refs: _Refs, rownum: int, errors: list[RowError], session: Session):
    if not kind.org_owned:
        return None
    p = get_principal(session)
    code = _text(row.get("org_code")).upper()
    if not code:
        if p.org_id is None:
            errors.append(RowError(rownum, "org_code", "required"))
        return p.org_id
    org_id = refs.orgs().get(code)
    if org_id is None:
        errors.append(RowError(rownum, "org_code", f"no organisation {code}"))
    elif not p.may_write_org(org_id):
        errors.append(RowError(rownum, "org_code", "not your organisation"))
    return org_id


def _records(kind: Kind, rows: list[dict | None], refs: _Refs, errors: list[RowError], session: Session):
    """(row number, data, org_id) per record; formulas gather their line rows."""
    if kind.name == "disassembly-formulas":
        grouped: OrderedDict[str, tuple[int, dict, list]] = OrderedDict()
        for i, row in enumerate(rows, start=2):
            if row is None:
                continue
            data = _row_data(kind, row, refs, i, errors)
            code = data.get("code")
            line = {}
            try:
                comp_code = _text(row.get("component_item_code")).upper()
                ids = refs.ids("items")
                if comp_code not in ids:
                    raise ValueError(f"no item with code {comp_code}" if comp_code else "required")
                line["component_item_id"] = ids[comp_code]
            except ValueError as exc:
                errors.append(RowError(i, "component_item_code", str(exc)))
            try:
                qty = Decimal(_text(row.get("quantity")))
                if not qty.is_finite() or qty <= 0:
                    raise InvalidOperation
                if qty != qty.quantize(Decimal("0.001")) or qty > 1_000_000:
                    errors.append(RowError(i, "quantity", "at most 1,000,000 with 3 decimal places"))
                else:
                    line["quantity"] = qty
            except InvalidOperation:
                errors.append(RowError(i, "quantity", "must be a positive number"))
            if code is None:
                continue
            if code not in grouped:
                grouped[code] = (i, data, [])
            grouped[code][2].append(line)
        for code, (i, data, lines) in grouped.items():
            yield i, {**data, "lines": lines}, None
        return
    for i, row in enumerate(rows, start=2):
        if row is None:
            continue
        before = len(errors)
        org_id = _row_org(kind, row, refs, i, errors, session)
        data = _row_data(kind, row, refs, i, errors)
        if len(errors) == before:
            yield i, data, org_id


def import_rows(session: Session, kind: Kind, rows: list[dict | None], dry_run: bool = False,
                progress: Callable[[int], None] | None = None) -> ImportReport:
    """Validate every row, then upsert them all. The caller commits only if
    ``report.ok and not dry_run``; otherwise it rolls back."""
    report = ImportReport(kind=kind.name, dry_run=dry_run)
    report.rows = sum(1 for r in rows if r is not None)
    if rows and any(r is not None for r in rows):
        header = next(r for r in rows if r is not None).keys()
        unknown = [h for h in header if h not in columns(kind)]
        if unknown:
            report.errors.append(RowError(1, unknown[0], f"unknown column(s): {', '.join(unknown)}; expected {', '.join(columns(kind))}"))
            return report
    refs = _Refs(session)
    records = list(_records(kind, rows, refs, report.errors, session))
    seen: dict[tuple, int] = {}
    for i, data, org_id in records:
        key = tuple([org_id] + [str(data.get(k)).upper() for k in kind.key])
        if key in seen:
            report.errors.append(RowError(i, kind.field(kind.key[-1]).column, f"duplicate of row {seen[key]}"))
        seen.setdefault(key, i)
    if report.errors:
        report.errors.sort(key=lambda e: (e.row, e.column))
        return report
    for n, (i, data, org_id) in enumerate(records, start=1):
        try:
            with session.begin_nested():
                _, outcome = upsert_record(session, kind, data, org_id)
        except DomainError as exc:
            for fld, msgs in (exc.errors or {"_": [exc.message]}).items():
                column = kind.field(fld).column if any(f.name == fld for f in kind.fields) else fld
                report.errors.append(RowError(i, column, "; ".join(msgs)))
            continue
        setattr(report, outcome, getattr(report, outcome) + 1)
        if progress:
            progress(n)
    report.errors.sort(key=lambda e: (e.row, e.column))
    return report


# -- export --------------------------------------------------------------------

def _cell(f: F, obj: Any, codes: dict[str, dict[uuid.UUID, str]]) -> Any:
    value = getattr(obj, f.model_attr)
    if value is None:
        return ""
    if f.type == "ref":
        return codes[f.ref].get(value, "")
    if f.type == "refs":
        return ";".join(x.code for x in value)
    if f.type == "enums":
        return ";".join(value)
    if f.type == "bool":
        return "true" if value else "false"
    if f.type == "decimal":
        return str(value)
    if f.type == "date":
        return value.isoformat()
    if f.type == "user":
        return codes["_users"].get(value, "")
    if f.type == "org":
        return codes["_orgs"].get(value, "")
    return value


def export_rows(session: Session, kind: Kind) -> Iterable[list[Any]]:
    """Header, then one row per record (formulas: one row per line), in key order."""
    from .queries import list_query

    codes: dict[str, dict[uuid.UUID, str]] = {}
    for f in kind.fields:
        if f.type == "ref" and f.ref not in codes:
            model = KINDS[f.ref].model
            codes[f.ref] = {i: c for c, i in session.execute(select(model.code, model.id)).all()}
    codes["_users"] = {i: u for u, i in session.execute(select(User.username, User.id).execution_options(unscoped=True)).all()}
    orgs = {i: c for c, i in session.execute(select(Organisation.code, Organisation.id)).all()}
    codes["_orgs"] = orgs
    yield columns(kind)
    stmt, _ = list_query(session, kind, {"sort": kind.sort[0]})
    for obj in session.execute(stmt.execution_options(yield_per=2000)).scalars():
        head = [orgs[obj.org_id]] if kind.org_owned else []
        if kind.name == "disassembly-formulas":
            for line in obj.lines:
                row = []
                for f in kind.fields:
                    if f.type == "lines":
                        row += [codes["items"][line.component_item_id], format(line.quantity.normalize(), "f")]
                    else:
                        row.append(_cell(f, obj, codes))
                yield row
            continue
        yield head + [_cell(f, obj, codes) for f in kind.fields]


def write_file(rows: Iterable[list[Any]], fmt: str) -> bytes:
    if fmt == "csv":
        buf = io.StringIO()
        writer = csv.writer(buf)
        for row in rows:
            writer.writerow([quote_cell(v) for v in row])
        return buf.getvalue().encode("utf-8-sig")
    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    for row in rows:
        # Text cells keep IMEIs, phones and codes from turning into numbers.
        ws.append([_text_cell(ws, str(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else v) for v in row])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _text_cell(ws, value: Any) -> Any:
    """A string as a string cell: openpyxl would otherwise store text starting with ``=`` as a formula."""
    if not isinstance(value, str):
        return value
    cell = WriteOnlyCell(ws, value=quote_cell(value))
    cell.data_type = "s"
    return cell
