"""Bank operations (§10.8, §10.9): transfers between money accounts, bank statements read from CSV or
Excel, and their matching to the account's cash entries. See ``bank_models`` and docs/finance.md.

Operations flush and never commit; errors name the field (or the file's row and column) and leave
nothing written.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import uuid
from decimal import Decimal, InvalidOperation
from typing import Any, Sequence

from sqlalchemy import and_, exists, select
from sqlalchemy.orm import Session, aliased

from ..auth.principal import get_principal
from ..core.operations import record_audit
from ..errors import Conflict, Forbidden, InvalidInput, NotFound
from .bank_models import BankMatch, BankStatement, BankStatementLine, FinanceTransfer
from .models import CashEntry, MoneyAccount
from .operations import CashLine, Source, post_cash_entries, reverse_entries_of
from .rules import CENT, MAX_AMOUNT

ZERO = Decimal("0.00")
MAX_ROWS = 5_000
MATCH_WINDOW_DAYS = 3  # an automatic match takes entries dated this many days either side of the bank's date


# -- transfers ------------------------------------------------------------------------------

def _amount(value: Any, field: str) -> Decimal:
    if not isinstance(value, Decimal):
        raise InvalidInput(field, "must be a decimal amount")
    if value <= 0:
        raise InvalidInput(field, "must be greater than zero")
    if value != value.quantize(CENT):
        raise InvalidInput(field, "at most two decimal places")
    if value > MAX_AMOUNT:
        raise InvalidInput(field, f"at most {MAX_AMOUNT}")
    return value


def _account(session: Session, account_id: uuid.UUID | None, org_id: uuid.UUID, field: str) -> MoneyAccount:
    account = session.get(MoneyAccount, account_id) if account_id else None
    if account is None:
        raise InvalidInput(field, "no such money account")
    if account.org_id != org_id:
        raise InvalidInput(field, "the account belongs to another organisation")
    if not account.active:
        raise InvalidInput(field, f"account {account.code} is inactive")
    return account


def check_transfer(session: Session, doc: FinanceTransfer) -> None:
    """A transfer may be saved or posted: an amount > 0 between two different active accounts of the
    document's own organisation."""
    if doc.reverses_id is None:
        _amount(doc.amount, "amount")
    _account(session, doc.from_account_id, doc.org_id, "from_account_id")
    _account(session, doc.to_account_id, doc.org_id, "to_account_id")
    if doc.from_account_id == doc.to_account_id:
        raise InvalidInput("to_account_id", "the same account as the one the money leaves")


def write_transfer(session: Session, doc: FinanceTransfer) -> None:
    """The posting hook: cash −x on the first account, +x on the second; a reversal posts the opposite."""
    src = Source.of(doc)
    if doc.reverses_id is not None:
        reverse_entries_of(session, doc.DOC_TYPE, doc.reverses_id, src)
        return
    memo = (doc.reference or doc.note or "")[:300]
    post_cash_entries(session, src, [CashLine(doc.from_account_id, -doc.amount, memo=memo),
                                     CashLine(doc.to_account_id, doc.amount, memo=memo)])


def get_transfer(session: Session, doc_id: uuid.UUID) -> FinanceTransfer:
    doc = session.execute(select(FinanceTransfer).where(FinanceTransfer.id == doc_id)).scalar_one_or_none()
    if doc is None:
        raise NotFound("no such finance_transfer", {"id": ["not found"]})
    return doc


# -- reading a statement file ---------------------------------------------------------------

# The header row names the columns; these are the headings understood (lower case, spaces kept).
HEADINGS: dict[str, str] = {
    "date": "date", "日期": "date", "交易日期": "date", "记账日期": "date", "value date": "date",
    "amount": "amount", "金额": "amount", "交易金额": "amount",
    "counterparty name": "counterparty_name", "counterparty": "counterparty_name", "对方户名": "counterparty_name",
    "对方名称": "counterparty_name", "对方单位": "counterparty_name",
    "counterparty account": "counterparty_account", "对方账号": "counterparty_account", "对方帐号": "counterparty_account",
    "reference": "reference", "摘要": "reference", "凭证号": "reference", "附言": "reference", "用途": "reference",
}
FIELD_LIMITS = {"counterparty_name": 120, "counterparty_account": 64, "reference": 120}
REQUIRED = ("date", "amount")


class StatementRefused(InvalidInput):
    """Every bad row of a statement file at once: ``errors`` names each as ``rows.<n>.<column>``."""

    def __init__(self, message: str, errors: dict[str, list[str]]):
        super().__init__("file", message)
        self.message, self.errors = message, errors


def _rows_of(data: bytes) -> list[tuple]:
    """The file's rows as tuples of cell values: an .xlsx workbook's first sheet, else CSV text
    (UTF-8, with or without BOM, or GB18030 as Chinese banks export it)."""
    if not data.strip():
        raise InvalidInput("file", "the file is empty")
    if data[:4] == b"PK\x03\x04":
        from openpyxl import load_workbook

        try:
            wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            rows = list(wb.worksheets[0].iter_rows(values_only=True, max_row=MAX_ROWS + 2))
            wb.close()
        except Exception:  # noqa: BLE001 - openpyxl raises many kinds for a file that is not a workbook
            raise InvalidInput("file", "not an Excel workbook (.xlsx) or CSV file") from None
        return rows
    if b"\x00" in data[:4096]:
        raise InvalidInput("file", "not an Excel workbook (.xlsx) or CSV file")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes any byte string
        raise InvalidInput("file", "not a text file")
    try:
        return [tuple(r) for r in csv.reader(io.StringIO(text, newline=""))][: MAX_ROWS + 2]
    except csv.Error as exc:
        raise InvalidInput("file", f"not a CSV file: {exc}") from None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    for fmt in ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%Y.%m.%d"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError("not a date (YYYY-MM-DD)")


def _money(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise ValueError("not an amount")
    if isinstance(value, float):
        value = repr(value)
    text = _text(value).replace(",", "").replace("，", "").replace("¥", "").replace("￥", "")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise ValueError("not an amount") from None
    if not amount.is_finite():
        raise ValueError("not an amount")
    if amount == 0:
        raise ValueError("must not be zero (money in is positive, money out negative)")
    if abs(amount) > MAX_AMOUNT:  # before quantize, which cannot hold 1E+999999
        raise ValueError(f"at most {MAX_AMOUNT}")
    if amount != amount.quantize(CENT):
        raise ValueError("at most two decimal places")
    return amount.quantize(CENT)


def read_statement(data: bytes) -> list[dict]:
    """The lines of a statement file, each with the row number it was read from. Any bad row refuses
    the whole file (``StatementRefused``, every bad cell named as ``rows.<n>.<column>``)."""
    rows = _rows_of(data)
    header_at = next((i for i, r in enumerate(rows) if any(_text(v) for v in r)), None)
    if header_at is None:
        raise InvalidInput("file", "the file is empty")
    cols: dict[str, int] = {}
    for i, h in enumerate(rows[header_at]):
        field = HEADINGS.get(_text(h).lower())
        if field and field not in cols:
            cols[field] = i
    missing = [f for f in REQUIRED if f not in cols]
    if missing:
        raise InvalidInput("file", "the header row needs the columns " + ", ".join(missing)
                           + " (date, amount, counterparty name, counterparty account, reference)")
    if len(rows) - header_at - 1 > MAX_ROWS:
        raise InvalidInput("file", f"at most {MAX_ROWS} lines in one statement")
    errors: dict[str, list[str]] = {}
    out = []
    for n, row in enumerate(rows[header_at + 1:], start=header_at + 2):
        if all(_text(v) == "" for v in row):
            continue
        cell = lambda f: row[cols[f]] if f in cols and cols[f] < len(row) else None  # noqa: E731
        line: dict[str, Any] = {"row_no": n}
        for field, parse in (("date", _date), ("amount", _money)):
            if _text(cell(field)) == "" and not isinstance(cell(field), (dt.date, int, float, Decimal)):
                errors[f"rows.{n}.{field}"] = ["required"]
                continue
            try:
                line["value_date" if field == "date" else field] = parse(cell(field))
            except ValueError as exc:
                errors[f"rows.{n}.{field}"] = [str(exc)]
        for field, limit in FIELD_LIMITS.items():
            value = _text(cell(field))
            if len(value) > limit:
                errors[f"rows.{n}.{field}"] = [f"at most {limit} characters"]
            line[field] = value
        out.append(line)
    if errors:
        raise StatementRefused(f"{len(errors)} bad cells in the statement file: nothing was imported", errors)
    if not out:
        raise InvalidInput("file", "no statement lines under the header row")
    return out


def import_statement(session: Session, account_id: uuid.UUID, file_name: str, data: bytes) -> BankStatement:
    """Read a statement file of one money account and store it with its lines, all or nothing.
    Writes: bank_statement, bank_statement_line, audit_log."""
    account = session.get(MoneyAccount, account_id)
    if account is None:
        raise InvalidInput("account_id", "no such money account")
    if not get_principal(session).may_write_org(account.org_id):
        raise InvalidInput("account_id", "not your organisation's account")
    lines = read_statement(data)
    stmt = BankStatement(
        org_id=account.org_id, account_id=account.id, file_name=(file_name or "")[:200],
        date_from=min(l["value_date"] for l in lines), date_to=max(l["value_date"] for l in lines),
        line_count=len(lines), total_in=sum((l["amount"] for l in lines if l["amount"] > 0), ZERO),
        total_out=-sum((l["amount"] for l in lines if l["amount"] < 0), ZERO),
        imported_by_id=get_principal(session).user_id)
    session.add(stmt)
    session.flush()
    session.add_all([BankStatementLine(org_id=account.org_id, statement_id=stmt.id, account_id=account.id, **l)
                     for l in lines])
    session.flush()
    record_audit(session, "bank_statement.import", stmt, after={
        "account_id": str(account.id), "file_name": stmt.file_name, "lines": len(lines),
        "total_in": str(stmt.total_in), "total_out": str(stmt.total_out)})
    return stmt


def get_statement(session: Session, statement_id: uuid.UUID) -> BankStatement:
    stmt = session.execute(select(BankStatement).where(BankStatement.id == statement_id)).scalar_one_or_none()
    if stmt is None:
        raise NotFound("no such bank statement", {"id": ["not found"]})
    return stmt


# -- matching ---------------------------------------------------------------------------------

def _check_writer(session: Session, stmt: BankStatement) -> None:
    if not get_principal(session).may_write_org(stmt.org_id):
        raise Forbidden("you may reconcile your own organisation's accounts only", {"org_id": ["not your organisation"]})


def _live_entries():
    """Cash entries that stand: neither a reversal nor reversed (a reversed pair nets to nothing and
    the bank never saw it, or shows both)."""
    rev = aliased(CashEntry)
    return and_(CashEntry.reverses_id.is_(None), ~exists().where(rev.reverses_id == CashEntry.id))


def unmatched_entries(session: Session, stmt: BankStatement, date_from: dt.date | None = None,
                      date_to: dt.date | None = None) -> list[CashEntry]:
    """The account's standing cash entries in a date range (default: the statement's) no line matches."""
    q = (select(CashEntry).where(CashEntry.account_id == stmt.account_id, _live_entries(),
                                 CashEntry.doc_date >= (date_from or stmt.date_from),
                                 CashEntry.doc_date <= (date_to or stmt.date_to),
                                 ~exists().where(BankMatch.cash_entry_id == CashEntry.id))
         .order_by(CashEntry.doc_date, CashEntry.posted_at, CashEntry.id))
    return list(session.execute(q).scalars())


def _has_reference(line: BankStatementLine, entry: CashEntry) -> bool:
    ref = line.reference.strip().lower()
    if not ref:
        return False
    number, memo = (entry.document_number or "").lower(), (entry.memo or "").lower()
    return (bool(number) and (number in ref or ref in number)) or (bool(memo) and (memo in ref or ref in memo))


def auto_match(session: Session, stmt: BankStatement, window_days: int = MATCH_WINDOW_DAYS) -> list[BankMatch]:
    """Match every unmatched line to a standing unmatched cash entry of the account with the same amount,
    dated within ``window_days`` of the bank's date: the one whose document number or memo the line's
    reference names, else the only candidate, else the one nearest in date if only one is nearest. A
    line with several equally good candidates is left for a hand match. Writes: bank_match, audit_log."""
    _check_writer(session, stmt)
    if not 0 <= window_days <= 60:
        raise InvalidInput("window_days", "between 0 and 60")
    window = dt.timedelta(days=window_days)
    lines = session.execute(select(BankStatementLine).where(
        BankStatementLine.statement_id == stmt.id,
        ~exists().where(BankMatch.line_id == BankStatementLine.id))
        .order_by(BankStatementLine.value_date, BankStatementLine.row_no)).scalars().all()
    if not lines:
        return []
    pool = unmatched_entries(session, stmt, stmt.date_from - window, stmt.date_to + window)
    taken: set[uuid.UUID] = set()
    user = get_principal(session).user_id
    made = []
    for line in lines:
        candidates = [e for e in pool if e.id not in taken and e.amount == line.amount
                      and abs((e.doc_date - line.value_date).days) <= window_days]
        if not candidates:
            continue
        named = [e for e in candidates if _has_reference(line, e)]
        if len(named) == 1:
            pick = named[0]
        elif len(candidates) == 1:
            pick = candidates[0]
        else:
            nearest = min(abs((e.doc_date - line.value_date).days) for e in (named or candidates))
            best = [e for e in (named or candidates) if abs((e.doc_date - line.value_date).days) == nearest]
            if len(best) != 1:
                continue
            pick = best[0]
        taken.add(pick.id)
        made.append(BankMatch(org_id=stmt.org_id, line_id=line.id, cash_entry_id=pick.id, statement_id=stmt.id,
                              kind="auto", matched_by_id=user))
    if made:
        session.add_all(made)
        session.flush()
    record_audit(session, "bank_statement.auto_match", stmt, after={"window_days": window_days, "matched": len(made)})
    return made


def _line(session: Session, stmt: BankStatement, line_id: uuid.UUID) -> BankStatementLine:
    line = session.execute(select(BankStatementLine).where(
        BankStatementLine.id == line_id, BankStatementLine.statement_id == stmt.id)).scalar_one_or_none()
    if line is None:
        raise NotFound("no such line on this statement", {"line_id": ["not found"]})
    return line


def match(session: Session, stmt: BankStatement, line_id: uuid.UUID, cash_entry_id: uuid.UUID) -> BankMatch:
    """Match one line to one cash entry by hand: an entry of the statement's account, standing, of the
    same amount, and neither matched already. Writes: bank_match, audit_log."""
    _check_writer(session, stmt)
    line = _line(session, stmt, line_id)
    if session.execute(select(BankMatch.id).where(BankMatch.line_id == line.id)).first() is not None:
        raise Conflict("the line is matched already: unmatch it first", {"line_id": ["already matched"]})
    entry = session.execute(select(CashEntry).where(CashEntry.id == cash_entry_id)).scalar_one_or_none()
    if entry is None:
        raise InvalidInput("cash_entry_id", "no such cash entry")
    if entry.account_id != stmt.account_id:
        raise InvalidInput("cash_entry_id", "an entry of another account")
    if session.execute(select(CashEntry.id).where(CashEntry.id == entry.id, _live_entries())).first() is None:
        raise InvalidInput("cash_entry_id", "a reversed entry or a reversal: nothing the bank moved")
    if entry.amount != line.amount:
        raise InvalidInput("cash_entry_id", f"the entry is {entry.amount}, the bank's line {line.amount}")
    if session.execute(select(BankMatch.id).where(BankMatch.cash_entry_id == entry.id)).first() is not None:
        raise Conflict("the entry is matched to another line already", {"cash_entry_id": ["already matched"]})
    row = BankMatch(org_id=stmt.org_id, line_id=line.id, cash_entry_id=entry.id, statement_id=stmt.id, kind="manual",
                    matched_by_id=get_principal(session).user_id)
    session.add(row)
    session.flush()
    record_audit(session, "bank_statement.match", stmt, after={"line_id": str(line.id), "row_no": line.row_no,
                                                                "cash_entry_id": str(entry.id)})
    return row


def unmatch(session: Session, stmt: BankStatement, line_id: uuid.UUID) -> None:
    """Undo a line's match (automatic or by hand): both sides are unmatched again. Writes: bank_match, audit_log."""
    _check_writer(session, stmt)
    line = _line(session, stmt, line_id)
    row = session.execute(select(BankMatch).where(BankMatch.line_id == line.id)).scalar_one_or_none()
    if row is None:
        raise Conflict("the line is not matched", {"line_id": ["not matched"]})
    record_audit(session, "bank_statement.unmatch", stmt, before={
        "line_id": str(line.id), "row_no": line.row_no, "cash_entry_id": str(row.cash_entry_id), "kind": row.kind})
    session.delete(row)
    session.flush()


def statement_view(session: Session, stmt: BankStatement) -> dict:
    """The statement with each line's match, the unmatched lines and the account's unmatched entries."""
    rows = session.execute(
        select(BankStatementLine, BankMatch, CashEntry)
        .outerjoin(BankMatch, BankMatch.line_id == BankStatementLine.id)
        .outerjoin(CashEntry, CashEntry.id == BankMatch.cash_entry_id)
        .where(BankStatementLine.statement_id == stmt.id).order_by(BankStatementLine.row_no)).all()
    lines = []
    for line, m, entry in rows:
        lines.append({
            "id": line.id, "row_no": line.row_no, "value_date": line.value_date, "amount": line.amount,
            "counterparty_name": line.counterparty_name, "counterparty_account": line.counterparty_account,
            "reference": line.reference, "matched": m is not None, "match_kind": m.kind if m else None,
            "matched_at": m.matched_at if m else None,
            "entry": _entry_out(entry) if entry is not None else None})
    account = session.get(MoneyAccount, stmt.account_id)
    unmatched = unmatched_entries(session, stmt)
    return {
        "id": stmt.id, "org_id": stmt.org_id, "account_id": stmt.account_id,
        "account_code": account.code if account else "", "account_name": account.name if account else "",
        "file_name": stmt.file_name, "date_from": stmt.date_from, "date_to": stmt.date_to,
        "line_count": stmt.line_count, "total_in": stmt.total_in, "total_out": stmt.total_out,
        "imported_at": stmt.imported_at, "imported_by_id": stmt.imported_by_id,
        "matched_count": sum(1 for l in lines if l["matched"]),
        "lines": lines, "unmatched_lines": [l for l in lines if not l["matched"]],
        "unmatched_entries": [_entry_out(e) for e in unmatched],
        "unmatched_lines_total": sum((l["amount"] for l in lines if not l["matched"]), ZERO),
        "unmatched_entries_total": sum((e.amount for e in unmatched), ZERO),
    }


def _entry_out(e: CashEntry) -> dict:
    return {"id": e.id, "doc_date": e.doc_date, "amount": e.amount, "document_type": e.document_type,
            "document_id": e.document_id, "document_number": e.document_number, "memo": e.memo}


def statements_summary(session: Session, stmts: Sequence[BankStatement]) -> dict[uuid.UUID, int]:
    """How many lines of each statement are matched."""
    from sqlalchemy import func

    ids = [s.id for s in stmts]
    if not ids:
        return {}
    return dict(session.execute(select(BankMatch.statement_id, func.count()).where(BankMatch.statement_id.in_(ids))
                                .group_by(BankMatch.statement_id)).all())
