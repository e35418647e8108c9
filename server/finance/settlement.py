"""Receipts and payments posted to the money ledger, and their allocation against open items (核销).

See ``settlement_models`` for what an open item and an allocation are. The rules:

- an allocation pairs a charge (an item with a positive open amount) with a credit (negative)
  of the same organisation, counterparty and direction, for at most what each has open;
- it is dated in an open period, on or after both items' dates (so "as of" any date the open
  items still add up to the balance);
- it is undone by an opposite row (``reverses_id``), never edited;
- a receipt's or payment's reversal (红冲) undoes the original's allocations, reverses its ledger
  rows and allocates the reversal against the original: both items close, nothing is edited.

Operations flush and never commit; errors name the field and leave nothing written.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Sequence

from sqlalchemy import and_, func, select, text
from sqlalchemy.orm import Session

from ..auth.principal import get_principal
from ..basedata.models import Member, Party
from ..core.operations import check_period_open, record_audit
from ..errors import Conflict, Forbidden, InvalidInput, NotFound
from ..org.models import Organisation
from .models import CounterpartyEntry, MoneyAccount
from .operations import (CashLine, CounterpartyLine, Source, post_cash_entries, post_counterparty_entries,
                         reverse_entries_of)
from .rules import CENT, MAX_AMOUNT, Counterparty
from .settlement_models import SETTLEMENT_COUNTERPARTY_KINDS, SETTLEMENT_TYPES, FinanceAllocation, _Settlement

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Balance:
    """One balance of the ledger: whose books, which counterparty, which direction."""

    org_id: uuid.UUID
    counterparty: Counterparty
    direction: str


@dataclass
class OpenItem:
    """One document's part of a balance: its amount, what allocations took of it, what is open."""

    document_type: str
    document_id: uuid.UUID
    document_number: str
    doc_date: dt.date
    amount: Decimal
    open: Decimal

    @property
    def allocated(self) -> Decimal:
        return self.amount - self.open


@dataclass(frozen=True)
class Pair:
    """Allocate ``amount`` of ``credit`` (a document id) against ``charge``; ``field`` names it in errors."""

    charge_id: uuid.UUID
    credit_id: uuid.UUID
    amount: Decimal
    field: str = "lines"


def entry_column(kind: str):
    return {"party": CounterpartyEntry.party_id, "organisation": CounterpartyEntry.counterparty_org_id,
            "member": CounterpartyEntry.member_id}[kind]


# -- open items ----------------------------------------------------------------------------

def open_items(session: Session, bal: Balance, as_of: dt.date | None = None, *, unscoped: bool = False) -> list[OpenItem]:
    """Every item of a balance, oldest first (closed ones too: ``open`` zero), as of a date."""
    e, a = CounterpartyEntry, FinanceAllocation
    opts = {"unscoped": True} if unscoped else {}
    stmt = (select(e.document_type, e.document_id, func.max(e.document_number), func.min(e.doc_date), func.sum(e.amount))
            .where(e.org_id == bal.org_id, e.counterparty_kind == bal.counterparty.kind,
                   entry_column(bal.counterparty.kind) == bal.counterparty.id, e.direction == bal.direction)
            .group_by(e.document_type, e.document_id))
    if as_of is not None:
        stmt = stmt.where(e.doc_date <= as_of)
    items = {doc_id: OpenItem(t, doc_id, number or "", day, amount, amount)
             for t, doc_id, number, day, amount in session.execute(stmt.execution_options(**opts)).all()}
    conds = [a.org_id == bal.org_id, a.counterparty_kind == bal.counterparty.kind, a.counterparty_id == bal.counterparty.id,
             a.direction == bal.direction]
    if as_of is not None:
        conds.append(a.alloc_date <= as_of)
    for doc_id, total in session.execute(select(a.charge_id, func.sum(a.amount)).where(*conds).group_by(a.charge_id)
                                         .execution_options(**opts)).all():
        if doc_id in items:
            items[doc_id].open -= total
    for doc_id, total in session.execute(select(a.credit_id, func.sum(a.amount)).where(*conds).group_by(a.credit_id)
                                         .execution_options(**opts)).all():
        if doc_id in items:
            items[doc_id].open += total
    return sorted(items.values(), key=lambda i: (i.doc_date, i.document_number, str(i.document_id)))


def _lock_balance(session: Session, bal: Balance) -> None:
    """Allocations of one balance queue behind each other (two racing receipts must not both take
    an invoice's last open yuan). PostgreSQL: a transaction-scoped advisory lock; SQLite has one writer."""
    if session.get_bind().dialect.name != "postgresql":
        return
    digest = hashlib.blake2b(f"{bal.org_id}|{bal.counterparty.id}|{bal.direction}".encode(), digest_size=8).digest()
    session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": int.from_bytes(digest, "big", signed=True)})


def _write_allocations(session: Session, bal: Balance, pairs: Sequence[Pair], on: dt.date, by: Source) -> list[FinanceAllocation]:
    """Check every pair against the items as they stand (after the pairs before it) and write them all, or none."""
    check_period_open(session, bal.org_id, on, field="on")
    items = {i.document_id: i for i in open_items(session, bal, unscoped=True)}
    user = get_principal(session).user_id
    rows = []
    for pair in pairs:
        amount = _amount(pair.amount, f"{pair.field}.amount")
        charge, credit = items.get(pair.charge_id), items.get(pair.credit_id)
        if charge is None:
            raise InvalidInput(f"{pair.field}.document_id", "no such open item of this counterparty")
        if credit is None:
            raise InvalidInput(f"{pair.field}.credit_id", "no such open item of this counterparty")
        if charge.open <= 0:
            raise InvalidInput(f"{pair.field}.document_id", f"{charge.document_number or charge.document_id} has nothing open")
        if amount > charge.open:
            raise InvalidInput(f"{pair.field}.amount", f"more than the {charge.open} open on {charge.document_number}",
                               open=str(charge.open))
        if amount > -credit.open:
            raise InvalidInput(f"{pair.field}.amount", f"more than the {-credit.open} left to allocate",
                               open=str(-credit.open))
        if on < max(charge.doc_date, credit.doc_date):
            raise InvalidInput("on", f"an allocation is dated on or after both documents ({max(charge.doc_date, credit.doc_date)})")
        charge.open -= amount
        credit.open += amount
        rows.append(FinanceAllocation(
            org_id=bal.org_id, counterparty_kind=bal.counterparty.kind, counterparty_id=bal.counterparty.id,
            direction=bal.direction, charge_type=charge.document_type, charge_id=charge.document_id,
            credit_type=credit.document_type, credit_id=credit.document_id, amount=amount, alloc_date=on,
            document_type=by.document_type, document_id=by.document_id, posted_by_id=user))
    session.add_all(rows)
    session.flush()
    return rows


def _amount(value, field: str) -> Decimal:
    if not isinstance(value, Decimal) or isinstance(value, bool):
        raise InvalidInput(field, "must be a decimal amount")
    if value <= 0:
        raise InvalidInput(field, "must be greater than zero")
    if value != value.quantize(CENT):
        raise InvalidInput(field, "at most two decimal places")
    if value > MAX_AMOUNT:
        raise InvalidInput(field, f"at most {MAX_AMOUNT}")
    return value.quantize(CENT)


def auto_pairs(items: Sequence[OpenItem], credit_id: uuid.UUID, on: dt.date) -> list[Pair]:
    """Oldest first: the credit's open amount against every charge dated on or before ``on``."""
    credit = next(i for i in items if i.document_id == credit_id)
    left = -credit.open
    pairs = []
    for item in items:
        if left <= 0:
            break
        if item.open > 0 and item.doc_date <= on:
            take = min(item.open, left)
            pairs.append(Pair(item.document_id, credit_id, take, f"lines.{len(pairs)}"))
            left -= take
    return pairs


# -- receipts and payments ------------------------------------------------------------------

def balance_of(doc: _Settlement) -> Balance:
    return Balance(doc.org_id, doc.counterparty(), doc.DIRECTION)


def check_settlement(session: Session, doc: _Settlement) -> None:
    """A receipt or payment may be posted: a positive amount, an existing counterparty (not the
    organisation itself), an active money account of the document's own organisation."""
    if doc.reverses_id is None:
        _amount(doc.amount, "amount")
    kind = doc.counterparty_kind
    if kind not in SETTLEMENT_COUNTERPARTY_KINDS:
        raise InvalidInput("counterparty_kind", "one of " + ", ".join(SETTLEMENT_COUNTERPARTY_KINDS))
    field, model = {"party": ("party_id", Party), "organisation": ("counterparty_org_id", Organisation),
                    "member": ("member_id", Member)}[kind]
    if getattr(doc, field) is None:
        raise InvalidInput(field, "required")
    for other in {"party_id", "counterparty_org_id", "member_id"} - {field}:
        if getattr(doc, other) is not None:
            raise InvalidInput(other, f"a {kind} is named by {field} only")
    if session.get(model, getattr(doc, field), execution_options={"exact_key": True}) is None:
        raise InvalidInput(field, "no such counterparty")
    if kind == "organisation" and doc.counterparty_org_id == doc.org_id:
        raise InvalidInput(field, "an organisation is not its own counterparty")
    account = session.get(MoneyAccount, doc.account_id) if doc.account_id else None
    if account is None:
        raise InvalidInput("account_id", "no such money account")
    if account.org_id != doc.org_id:
        raise InvalidInput("account_id", "the account belongs to another organisation")
    if not account.active:
        raise InvalidInput("account_id", f"account {account.code} is inactive")


def write_settlement(session: Session, doc: _Settlement) -> None:
    """The posting hook: the ledger rows and, if asked, the allocation oldest first. A reversal
    undoes the original's allocations and its rows, then closes both items against each other."""
    src = Source.of(doc)
    bal = balance_of(doc)
    _lock_balance(session, bal)
    if doc.reverses_id is not None:
        undone = reverse_with_allocations(session, doc.DOC_TYPE, doc.reverses_id, src)
        if undone:
            record_audit(session, f"{doc.DOC_TYPE}.unallocate", doc, after={"allocations": [str(r.reverses_id) for r in undone]})
        return
    memo = (doc.reference or doc.note or "")[:300]
    post_counterparty_entries(session, src, [CounterpartyLine(doc.counterparty(), doc.DIRECTION, -doc.amount, memo=memo)])
    post_cash_entries(session, src, [CashLine(doc.account_id, doc.CASH_SIGN * doc.amount, memo=memo)])
    if doc.auto_allocate:
        items = open_items(session, bal, unscoped=True)
        pairs = auto_pairs(items, doc.id, doc.doc_date)
        if pairs:
            _write_allocations(session, bal, pairs, doc.doc_date, src)


def reverse_with_allocations(session: Session, document_type: str, original_id: uuid.UUID, by: Source) -> list[FinanceAllocation]:
    """红冲 of any document's money rows, open items included: in every balance the original touched,
    undo its live allocations, then reverse its ledger rows (``reverse_entries_of``), then allocate the
    reversal against the original, so both items close and whatever the original had settled is open
    again. Returns the undone allocations. Writes: finance_allocation, counterparty_entry, cash_entry."""
    e = CounterpartyEntry
    rows = session.execute(select(e.counterparty_kind, e.party_id, e.counterparty_org_id, e.member_id, e.direction,
                                  func.sum(e.amount))
                           .where(e.document_type == document_type, e.document_id == original_id, e.reverses_id.is_(None))
                           .group_by(e.counterparty_kind, e.party_id, e.counterparty_org_id, e.member_id, e.direction)
                           .execution_options(unscoped=True)).all()
    items = [(Balance(by.org_id, Counterparty(kind, party or org or member), direction), total)
             for kind, party, org, member, direction, total in rows if kind != "walk_in"]
    undone: list[FinanceAllocation] = []
    for bal, _total in items:
        _lock_balance(session, bal)
        undone += undo_allocations_of(session, bal, original_id, by.doc_date, by)
    reverse_entries_of(session, document_type, original_id, by)
    for bal, total in items:
        if total == 0:
            continue
        # The original's item and its reversal are opposite: the positive one is the charge.
        pair = (Pair(original_id, by.document_id, total, "reverses_id") if total > 0
                else Pair(by.document_id, original_id, -total, "reverses_id"))
        _write_allocations(session, bal, [pair], by.doc_date, by)
    return undone


def undo_allocations_of(session: Session, bal: Balance, document_id: uuid.UUID, on: dt.date, by: Source) -> list[FinanceAllocation]:
    """Undo every live allocation in which the document is the credit or the charge (opposite rows)."""
    a = FinanceAllocation
    live = session.execute(
        select(a).where(a.org_id == bal.org_id, a.counterparty_kind == bal.counterparty.kind,
                        a.counterparty_id == bal.counterparty.id, a.direction == bal.direction,
                        (a.credit_id == document_id) | (a.charge_id == document_id), a.amount > 0)
        .order_by(a.id).execution_options(unscoped=True)).scalars().all()
    undone_ids = set(session.execute(select(a.reverses_id).where(a.reverses_id.in_([r.id for r in live]))
                                     .execution_options(unscoped=True)).scalars()) if live else set()
    return _undo(session, [r for r in live if r.id not in undone_ids], on, by)


def _undo(session: Session, rows: Sequence[FinanceAllocation], on: dt.date, by: Source) -> list[FinanceAllocation]:
    if not rows:
        return []
    check_period_open(session, rows[0].org_id, on, field="on")
    user = get_principal(session).user_id
    out = []
    for r in rows:
        if on < r.alloc_date:
            raise InvalidInput("on", f"an allocation is undone on or after its date ({r.alloc_date})")
        out.append(FinanceAllocation(
            org_id=r.org_id, counterparty_kind=r.counterparty_kind, counterparty_id=r.counterparty_id,
            direction=r.direction, charge_type=r.charge_type, charge_id=r.charge_id, credit_type=r.credit_type,
            credit_id=r.credit_id, amount=-r.amount, alloc_date=on, document_type=by.document_type,
            document_id=by.document_id, posted_by_id=user, reverses_id=r.id))
    session.add_all(out)
    session.flush()
    return out


def get_settlement(session: Session, doc_type: str, doc_id: uuid.UUID) -> _Settlement:
    model = SETTLEMENT_TYPES[doc_type]
    doc = session.execute(select(model).where(model.id == doc_id)).scalar_one_or_none()
    if doc is None:
        raise NotFound(f"no such {doc_type}", {"id": ["not found"]})
    return doc


def allocate(session: Session, doc: _Settlement, lines: Sequence[dict] | None, on: dt.date) -> list[FinanceAllocation]:
    """Allocate a posted receipt's or payment's money left on account (预收/预付): ``lines``
    ``[{document_id, amount}]`` by hand, or None for oldest first. Writes: finance_allocation, audit_log."""
    if doc.status != "posted" or doc.reverses_id is not None:
        raise Conflict(f"only a posted {doc.DOC_TYPE} allocates (this one is {doc.status})", {"status": [doc.status]})
    if not get_principal(session).may_write_org(doc.org_id):
        raise Forbidden("you may allocate in your own organisation's books only", {"org_id": ["not your organisation"]})
    bal = balance_of(doc)
    _lock_balance(session, bal)
    if lines is None:
        check_period_open(session, doc.org_id, on, field="on")
        pairs = auto_pairs(open_items(session, bal, unscoped=True), doc.id, on)
        if not pairs:
            raise InvalidInput("lines", "nothing to allocate: no money left on account or no open item dated by then")
    else:
        if not lines:
            raise InvalidInput("lines", "name at least one open item")
        pairs = [Pair(line["document_id"], doc.id, line["amount"], f"lines.{i}") for i, line in enumerate(lines)]
    rows = _write_allocations(session, bal, pairs, on, Source.of(doc))
    record_audit(session, f"{doc.DOC_TYPE}.allocate", doc, after={
        "on": on.isoformat(), "lines": [{"document_id": str(r.charge_id), "amount": str(r.amount)} for r in rows]})
    return rows


def unallocate(session: Session, doc: _Settlement, allocation_id: uuid.UUID, on: dt.date) -> FinanceAllocation:
    """Undo one allocation of a receipt or payment: its money is on account again. Writes:
    finance_allocation (an opposite row), audit_log."""
    if doc.status != "posted" or doc.reverses_id is not None:
        raise Conflict(f"only a posted {doc.DOC_TYPE}'s allocations are undone (this one is {doc.status})",
                       {"status": [doc.status]})
    a = FinanceAllocation
    row = session.execute(select(a).where(a.id == allocation_id, a.credit_id == doc.id, a.amount > 0)).scalar_one_or_none()
    if row is None:
        raise InvalidInput("allocation_id", "no such allocation of this document")
    if session.execute(select(a.id).where(a.reverses_id == row.id)).first() is not None:
        raise Conflict("this allocation is undone already", {"allocation_id": ["already undone"]})
    _lock_balance(session, balance_of(doc))
    [out] = _undo(session, [row], on, Source.of(doc))
    record_audit(session, f"{doc.DOC_TYPE}.unallocate", doc, after={"allocation_id": str(row.id), "on": on.isoformat()})
    return out


def allocations_of(session: Session, doc: _Settlement) -> list[dict]:
    """A receipt's or payment's allocations, live and undone, with the charged documents' numbers."""
    a, e = FinanceAllocation, CounterpartyEntry
    rows = session.execute(select(a).where((a.credit_id == doc.id) | (a.document_id == doc.id)).order_by(a.posted_at, a.id)).scalars().all()
    ids = {r.charge_id for r in rows} | {r.credit_id for r in rows}
    numbers = dict(session.execute(select(e.document_id, func.max(e.document_number)).where(e.document_id.in_(ids))
                                   .group_by(e.document_id)).all()) if ids else {}
    undone = {r.reverses_id for r in rows if r.reverses_id}
    return [{"id": r.id, "charge_type": r.charge_type, "charge_id": r.charge_id, "charge_number": numbers.get(r.charge_id, ""),
             "credit_type": r.credit_type, "credit_id": r.credit_id, "credit_number": numbers.get(r.credit_id, ""),
             "amount": r.amount, "alloc_date": r.alloc_date, "reverses_id": r.reverses_id,
             "undone": r.id in undone, "posted_at": r.posted_at} for r in rows]


def money_left(session: Session, doc: _Settlement) -> Decimal:
    """What of a posted receipt or payment is not allocated (on account); zero for a draft."""
    if doc.status == "draft":
        return ZERO
    item = next((i for i in open_items(session, balance_of(doc)) if i.document_id == doc.id), None)
    return -item.open if item is not None else ZERO


def allocation_filter(bal: Balance):
    a = FinanceAllocation
    return and_(a.org_id == bal.org_id, a.counterparty_kind == bal.counterparty.kind,
                a.counterparty_id == bal.counterparty.id, a.direction == bal.direction)
