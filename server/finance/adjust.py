"""Opening balances (财务初始化), reclassification (调账单) and closing periods (结账 / 反结账).

Posting goes through the money ledger's posting functions and the allocation rules of
``settlement`` (open items, oldest first, 红冲 with its allocations undone); nothing here writes a
ledger row or an allocation itself. Operations flush and never commit; errors name the field and
leave nothing written. See docs/finance.md.
"""

from __future__ import annotations

import datetime as dt
import io
import uuid
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..auth.principal import get_principal
from ..basedata.models import Party
from ..core.models import AuditLog, PeriodLock
from ..core.operations import closed_through, record_audit, set_closed_through
from ..errors import Conflict, Forbidden, InvalidInput, NotFound
from ..org.models import Organisation
from .adjust_models import ADJUST_TYPES, OPENING_LINE_KINDS, RECLASS_KINDS, FinanceOpening, FinanceOpeningLine, FinanceReclass
from .models import DIRECTIONS, MoneyAccount
from .operations import CashLine, CounterpartyLine, Source, post_cash_entries, post_counterparty_entries
from .rules import CENT, MAX_AMOUNT, Counterparty, check_amount
from .settlement import Balance, _write_allocations, auto_pairs, open_items, reverse_with_allocations

MAX_OPENING_LINES = 5000


class RowsRefused(InvalidInput):
    """Every bad line or row at once: ``errors`` names each (``lines.<i>.<field>`` / ``rows.<n>.<column>``)."""

    def __init__(self, message: str, errors: dict[str, list[str]]):
        super().__init__("lines", message)
        self.message, self.errors = message, errors


def get_adjust_document(session: Session, doc_type: str, doc_id: uuid.UUID):
    model = ADJUST_TYPES[doc_type]
    doc = session.execute(select(model).where(model.id == doc_id)).scalar_one_or_none()
    if doc is None:
        raise NotFound(f"no such {doc_type}", {"id": ["not found"]})
    return doc


# -- opening balances ---------------------------------------------------------------------------

def _line_problems(session: Session, org_id: uuid.UUID, line: dict, accounts: dict) -> dict[str, str]:
    """What is wrong with one opening line (``{field: message}``; empty when it is good)."""
    out: dict[str, str] = {}
    named = [k for k, f in (("party", "party_id"), ("organisation", "counterparty_org_id"), ("account", "account_id"))
             if line.get(f)]
    kind = line.get("line_kind") or (named[0] if len(named) == 1 else None)
    if kind not in OPENING_LINE_KINDS:
        out["party_id"] = "name one party, organisation or money account" if len(named) != 1 else "one of party, organisation, account"
        return out
    if len(named) > 1 or (named and named[0] != kind):
        out["party_id"] = "name one party, organisation or money account"
        return out
    field = {"party": "party_id", "organisation": "counterparty_org_id", "account": "account_id"}[kind]
    ref = line.get(field)
    if ref is None:
        out[field] = "required"
    elif kind == "party" and session.get(Party, ref) is None:
        out[field] = "no such party"
    elif kind == "organisation":
        if session.get(Organisation, ref) is None:
            out[field] = "no such organisation"
        elif ref == org_id:
            out[field] = "an organisation is not its own counterparty"
    elif kind == "account":
        account = accounts.get(ref) or session.get(MoneyAccount, ref)
        if account is None:
            out[field] = "no such money account"
        elif account.org_id != org_id:
            out[field] = "the account belongs to another organisation"
        elif not account.active:
            out[field] = f"account {account.code} is inactive"
    direction = line.get("direction")
    if kind == "account":
        if direction:
            out["direction"] = "a money account's balance has no direction"
    elif direction not in DIRECTIONS:
        out["direction"] = "must be receivable or payable"
    try:
        check_amount(line.get("amount"), "amount")
    except InvalidInput as exc:
        out["amount"] = exc.errors["amount"][0]
    return out


def _opening_lines(session: Session, org_id: uuid.UUID, lines: Any, where: str = "lines",
                   numbers: list[int] | None = None) -> list[FinanceOpeningLine]:
    """Check every line (all problems reported at once: ``<where>.<n>.<field>``) and build them."""
    if not isinstance(lines, list) or not lines:
        raise InvalidInput(where, "at least one line")
    if len(lines) > MAX_OPENING_LINES:
        raise InvalidInput(where, f"at most {MAX_OPENING_LINES} lines")
    errors: dict[str, list[str]] = {}
    seen: dict[tuple, int] = {}
    accounts: dict = {}
    out = []
    for i, line in enumerate(lines):
        n = numbers[i] if numbers else i
        problems = _line_problems(session, org_id, line, accounts)
        if not problems:
            key = (line.get("party_id"), line.get("counterparty_org_id"), line.get("account_id"), line.get("direction"))
            if key in seen:
                problems["party_id" if not line.get("account_id") else "account_id"] = f"the same balance is on line {seen[key]} already"
            else:
                seen[key] = n
        for f, message in problems.items():
            errors[f"{where}.{n}.{f}"] = [message]
        if problems:
            continue
        kind = line.get("line_kind") or next(k for k, f in (("party", "party_id"), ("organisation", "counterparty_org_id"),
                                                             ("account", "account_id")) if line.get(f))
        out.append(FinanceOpeningLine(seq=i + 1, line_kind=kind, party_id=line.get("party_id"),
                                      counterparty_org_id=line.get("counterparty_org_id"), account_id=line.get("account_id"),
                                      direction=line.get("direction") or None, amount=line["amount"],
                                      memo=(line.get("memo") or "")[:300]))
    if errors:
        raise RowsRefused(f"{len(errors)} bad fields: nothing was saved", errors)
    return out


def set_opening_lines(session: Session, doc: FinanceOpening, lines: list[dict]) -> None:
    """Replace a draft's lines (all checked first)."""
    new = _opening_lines(session, doc.org_id, lines)
    doc.lines.clear()
    session.flush()
    doc.lines.extend(new)


def _live_opening(session: Session, org_id: uuid.UUID, other_than: uuid.UUID | None = None):
    o = FinanceOpening
    stmt = select(o.number).where(o.org_id == org_id, o.status == "posted", o.reverses_id.is_(None))
    if other_than is not None:
        stmt = stmt.where(o.id != other_than)
    return session.execute(stmt.execution_options(unscoped=True)).scalar()


def check_opening_postable(session: Session, doc: FinanceOpening) -> None:
    """Posted once per organisation; every line good (checked again: a party or account may have changed)."""
    if doc.reverses_id is not None:
        return
    number = _live_opening(session, doc.org_id, doc.id)
    if number:
        raise Conflict(f"the opening balances of this organisation are posted already ({number})",
                       {"org_id": [f"posted already: {number}"]})
    _opening_lines(session, doc.org_id, [
        {"line_kind": l.line_kind, "party_id": l.party_id, "counterparty_org_id": l.counterparty_org_id,
         "account_id": l.account_id, "direction": l.direction, "amount": l.amount, "memo": l.memo} for l in doc.lines])


def write_opening(session: Session, doc: FinanceOpening) -> None:
    """The posting hook: a counterparty entry per counterparty line (each an open item of its
    balance) and a cash entry per account line; then the books are closed through the day before
    go-live. A reversal undoes the rows (and what was allocated against them); the period stays."""
    src = Source.of(doc)
    if doc.reverses_id is not None:
        reverse_with_allocations(session, doc.DOC_TYPE, doc.reverses_id, src)
        return
    cp = [CounterpartyLine(Counterparty(l.line_kind, l.party_id or l.counterparty_org_id), l.direction, l.amount, l.id,
                           l.memo or "期初余额") for l in doc.lines if l.line_kind != "account"]
    cash = [CashLine(l.account_id, l.amount, l.id, l.memo or "期初余额") for l in doc.lines if l.line_kind == "account"]
    if cp:
        post_counterparty_entries(session, src, cp)
    if cash:
        post_cash_entries(session, src, cash)
    before = doc.doc_date - dt.timedelta(days=1)
    through = closed_through(session, doc.org_id)
    if through is None or through < before:
        set_closed_through(session, doc.org_id, before, reason=f"{doc.number} 财务初始化")


# -- the Excel import ---------------------------------------------------------------------------

COLUMNS = {"kind": "类型", "code": "编码", "direction": "方向", "amount": "金额", "memo": "摘要"}
ALIASES = {"类型": "kind", "kind": "kind", "type": "kind", "编码": "code", "code": "code", "往来单位编码": "code",
           "账户编码": "code", "方向": "direction", "direction": "direction", "金额": "amount", "amount": "amount",
           "余额": "amount", "摘要": "memo", "memo": "memo", "备注": "memo"}
KIND_WORDS = {"往来单位": "party", "单位": "party", "party": "party", "客户": "party", "供应商": "party", "厂家": "party",
              "机构": "organisation", "网点": "organisation", "organisation": "organisation", "organization": "organisation",
              "账户": "account", "资金账户": "account", "银行": "account", "现金": "account", "account": "account"}
DIRECTION_WORDS = {"应收": "receivable", "receivable": "receivable", "应付": "payable", "payable": "payable"}
MAX_ROWS = MAX_OPENING_LINES


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        value = Decimal(str(value))
    return str(value).strip()


def read_opening_workbook(session: Session, org_id: uuid.UUID, data: bytes) -> list[dict]:
    """The lines of an opening balance workbook (columns 类型, 编码, 方向, 金额, 摘要 in the first
    sheet's header row): every bad row reported (``rows.<row number>.<column>``), nothing kept when
    any is bad."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        rows = list(wb.worksheets[0].iter_rows(values_only=True, max_row=MAX_ROWS + 2))
        wb.close()
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds for a file that is not a workbook
        raise InvalidInput("file", "not an Excel workbook (.xlsx)") from None
    if not rows:
        raise InvalidInput("file", "the workbook is empty")
    cols: dict[str, int] = {}
    for i, h in enumerate(rows[0]):
        name = ALIASES.get(_cell(h).lower())
        if name and name not in cols:
            cols[name] = i
    missing = [COLUMNS[c] for c in ("kind", "code", "amount") if c not in cols]
    if missing:
        raise InvalidInput("file", f"the header row needs the columns {', '.join(missing)}")
    if len(rows) > MAX_ROWS + 1:
        raise InvalidInput("file", f"at most {MAX_ROWS} rows")
    parties = {code: pid for code, pid in session.execute(select(Party.code, Party.id))}
    orgs = {code: oid for code, oid in session.execute(select(Organisation.code, Organisation.id))}
    accounts = {code: aid for code, aid in session.execute(
        select(MoneyAccount.code, MoneyAccount.id).where(MoneyAccount.org_id == org_id))}
    errors: dict[str, list[str]] = {}
    lines, numbers = [], []
    for n, row in enumerate(rows[1:], start=2):
        get = lambda f: _cell(row[cols[f]]) if f in cols and cols[f] < len(row) else ""  # noqa: E731
        if all(_cell(v) == "" for v in row):
            continue
        bad: dict[str, str] = {}
        kind = KIND_WORDS.get(get("kind").lower())
        if kind is None:
            bad["kind"] = "one of 往来单位, 机构, 账户"
        code = get("code")
        ref = None
        if not code:
            bad["code"] = "required"
        elif kind is not None:
            ref = {"party": parties, "organisation": orgs, "account": accounts}[kind].get(code)
            if ref is None:
                bad["code"] = {"party": "no such party", "organisation": "no such organisation",
                               "account": "no money account of this organisation has this code"}[kind]
        direction = DIRECTION_WORDS.get(get("direction").lower()) if get("direction") else None
        if kind in ("party", "organisation") and direction is None:
            bad["direction"] = "应收 or 应付 (receivable or payable)"
        if kind == "account" and get("direction"):
            bad["direction"] = "a money account's balance has no direction"
        try:
            amount = Decimal(get("amount").replace(",", ""))
            if not amount.is_finite():
                raise InvalidOperation
            if amount != amount.quantize(CENT):
                bad["amount"] = "at most two decimal places"
            elif amount == 0:
                bad["amount"] = "must not be zero"
            elif abs(amount) > MAX_AMOUNT:
                bad["amount"] = f"must be at most {MAX_AMOUNT} in absolute value"
            amount = amount.quantize(CENT) if "amount" not in bad else None
        except (InvalidOperation, ValueError):
            bad["amount"] = "must be an amount"
            amount = None
        memo = get("memo")
        if len(memo) > 300:
            bad["memo"] = "at most 300 characters"
        for f, message in bad.items():
            errors[f"rows.{n}.{f}"] = [message]
        if bad:
            continue
        field = {"party": "party_id", "organisation": "counterparty_org_id", "account": "account_id"}[kind]
        lines.append({"line_kind": kind, field: ref, "direction": direction, "amount": amount, "memo": memo})
        numbers.append(n)
    if errors:
        raise RowsRefused(f"{len(errors)} bad cells in the file: nothing was saved", errors)
    if not lines:
        raise InvalidInput("file", "no row carries a balance")
    # The rows' own references (an organisation as its own counterparty, the same balance twice), by row number.
    _opening_lines(session, org_id, lines, where="rows", numbers=numbers)
    return lines


# -- reclassification ---------------------------------------------------------------------------

def _side(doc: FinanceReclass, end: str) -> Counterparty | None:
    party, org = getattr(doc, f"{end}_party_id"), getattr(doc, f"{end}_org_id")
    if party and not org:
        return Counterparty("party", party)
    if org and not party:
        return Counterparty("organisation", org)
    return None


def check_reclass(session: Session, doc: FinanceReclass) -> None:
    """A reclassification may be saved or posted: a positive amount, a reason, two different sides of
    the kind chosen — counterparties (a party or an organisation each, with a direction) or money
    accounts of the document's own organisation (active)."""
    if doc.reverses_id is not None:
        return
    if doc.kind not in RECLASS_KINDS:
        raise InvalidInput("kind", "one of counterparty, account")
    if doc.amount is None:
        raise InvalidInput("amount", "required")
    if not isinstance(doc.amount, Decimal) or doc.amount <= 0:
        raise InvalidInput("amount", "must be greater than zero")
    if not (doc.reason or "").strip():
        raise InvalidInput("reason", "required")
    if doc.kind == "counterparty":
        if doc.direction not in DIRECTIONS:
            raise InvalidInput("direction", "must be receivable or payable")
        for end in ("from", "to"):
            if getattr(doc, f"{end}_account_id"):
                raise InvalidInput(f"{end}_account_id", "a counterparty reclassification names no money account")
            cp = _side(doc, end)
            if cp is None:
                raise InvalidInput(f"{end}_party_id", "name one party or one organisation")
            if cp.kind == "party" and session.get(Party, cp.id) is None:
                raise InvalidInput(f"{end}_party_id", "no such party")
            if cp.kind == "organisation":
                if session.get(Organisation, cp.id) is None:
                    raise InvalidInput(f"{end}_org_id", "no such organisation")
                if cp.id == doc.org_id:
                    raise InvalidInput(f"{end}_org_id", "an organisation is not its own counterparty")
        if _side(doc, "from") == _side(doc, "to"):
            raise InvalidInput("to_party_id", "the same counterparty on both sides")
    else:
        for name in ("from_party_id", "from_org_id", "to_party_id", "to_org_id"):
            if getattr(doc, name):
                raise InvalidInput(name, "an account reclassification names no counterparty")
        if doc.direction:
            raise InvalidInput("direction", "an account reclassification has no direction")
        for end in ("from", "to"):
            field = f"{end}_account_id"
            account = session.get(MoneyAccount, getattr(doc, field)) if getattr(doc, field) else None
            if account is None:
                raise InvalidInput(field, "no such money account")
            if account.org_id != doc.org_id:
                raise InvalidInput(field, "the account belongs to another organisation")
            if not account.active:
                raise InvalidInput(field, f"account {account.code} is inactive")
        if doc.from_account_id == doc.to_account_id:
            raise InvalidInput("to_account_id", "the same account on both sides")


LINE_OUT, LINE_IN = uuid.UUID(int=1), uuid.UUID(int=2)  # the two sides' line ids on the ledger rows


def write_reclass(session: Session, doc: FinanceReclass) -> None:
    """The posting hook: out of one side, into the other, as two rows of this document (line 1 and 2,
    both carrying the reason). A counterparty move leaves a credit item on the first side, allocated
    oldest first against its open charges (the settlement rule), and a charge on the second. A
    reversal undoes allocations and rows alike."""
    src = Source.of(doc)
    if doc.reverses_id is not None:
        reverse_with_allocations(session, doc.DOC_TYPE, doc.reverses_id, src)
        return
    memo = f"{doc.reason}"[:300]
    if doc.kind == "account":
        post_cash_entries(session, src, [CashLine(doc.from_account_id, -doc.amount, LINE_OUT, memo),
                                         CashLine(doc.to_account_id, doc.amount, LINE_IN, memo)])
        return
    source, target = _side(doc, "from"), _side(doc, "to")
    post_counterparty_entries(session, src, [CounterpartyLine(source, doc.direction, -doc.amount, LINE_OUT, memo),
                                             CounterpartyLine(target, doc.direction, doc.amount, LINE_IN, memo)])
    bal = Balance(doc.org_id, source, doc.direction)
    pairs = auto_pairs(open_items(session, bal, unscoped=True), doc.id, doc.doc_date)
    if pairs:
        _write_allocations(session, bal, pairs, doc.doc_date, src)


# -- closing and reopening periods ------------------------------------------------------------------

def close_period(session: Session, org_id: uuid.UUID, through: dt.date, reason: str) -> PeriodLock:
    """结账: close the organisation's books through ``through`` (later than they are closed now).
    Writes: period_lock, audit_log (``period.close``)."""
    _check_period_org(session, org_id)
    now = closed_through(session, org_id)
    if now is not None and through <= now:
        raise InvalidInput("closed_through", f"the books are closed through {now.isoformat()} already: choose a later date")
    return set_closed_through(session, org_id, through, reason=reason)


def reopen_period(session: Session, org_id: uuid.UUID, through: dt.date, reason: str) -> PeriodLock:
    """反结账: reopen the organisation's books after ``through`` (earlier than they are closed now), for
    a reason. Writes: period_lock, audit_log (``period.reopen``)."""
    _check_period_org(session, org_id)
    if not (reason or "").strip():
        raise InvalidInput("reason", "a reopening needs a reason")
    now = closed_through(session, org_id)
    if now is None:
        raise InvalidInput("closed_through", "no period of this organisation is closed")
    if through >= now:
        raise InvalidInput("closed_through", f"the books are closed through {now.isoformat()}: choose an earlier date")
    return set_closed_through(session, org_id, through, reason=reason)


def _check_period_org(session: Session, org_id: uuid.UUID) -> None:
    if session.get(Organisation, org_id) is None:
        raise NotFound("no such organisation", {"org_id": ["not found"]})
    if not get_principal(session).may_write_org(org_id):
        raise Forbidden("you may close periods of your own organisation only", {"org_id": ["not your organisation"]})


def period_rows(session: Session) -> list[dict]:
    """Every organisation the principal sees with its closed-through date (none: nothing closed)."""
    p = get_principal(session)
    orgs = session.execute(select(Organisation).order_by(Organisation.code)).scalars().all()
    if not p.sees_all:
        orgs = [o for o in orgs if o.id == p.org_id]
    locks = {l.org_id: l for l in session.execute(select(PeriodLock).execution_options(unscoped=True)).scalars()}
    out = []
    for o in orgs:
        lock = locks.get(o.id)
        out.append({"org_id": o.id, "org_code": o.code, "org_name": o.name,
                    "closed_through": lock.closed_through if lock else None,
                    "updated_at": lock.updated_at if lock else None})
    return out


def period_history(session: Session, org_id: uuid.UUID | None, limit: int = 200) -> list[dict]:
    """The closes and reopens (the audit log's ``period.close`` / ``period.reopen``), newest first."""
    a = AuditLog
    stmt = select(a).where(a.action.in_(("period.close", "period.reopen"))).order_by(a.at.desc(), a.id.desc()).limit(limit)
    if org_id is not None:
        stmt = stmt.where(a.org_id == org_id)
    rows = session.execute(stmt).scalars().all()
    codes = dict(session.execute(select(Organisation.id, Organisation.code)).all())
    return [{"at": r.at, "action": r.action.split(".")[1], "org_id": r.org_id, "org_code": codes.get(r.org_id, ""),
             "username": r.username, "before": (r.before or {}).get("closed_through"),
             "closed_through": (r.after or {}).get("closed_through"), "reason": (r.after or {}).get("reason", "")}
            for r in rows]
