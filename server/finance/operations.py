"""The one place that writes the money ledger: post counterparty and cash entries, reverse them.

Nothing else inserts ``counterparty_entry`` or ``cash_entry`` rows, and the
database refuses UPDATE and DELETE of them. Operations flush and never commit;
the entry point commits once.

A document posts to each ledger once, with all its lines, from its
``write_ledgers`` hook::

    def write_ledgers(self, session):
        src = Source.of(self)
        post_counterparty_entries(session, src, [CounterpartyLine(Counterparty.party(self.supplier_id), "payable", self.total)])
        post_cash_entries(session, src, [CashLine(self.account_id, -self.total)])

and its reversal document undoes every row it wrote::

    def write_ledgers(self, session):   # on the reversal (reverses_id set)
        reverse_entries_of(session, self.DOC_TYPE, self.reverses_id, Source.of(self))
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Sequence

from sqlalchemy import exists, func, inspect, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..auth.principal import get_principal
from ..basedata.models import Member, Party
from ..core.batch import pending_rows
from ..core.operations import check_period_open
from ..core.plain import Plain
from ..errors import Conflict, Forbidden, InvalidInput
from ..org.models import Organisation
from .models import CashEntry, CounterpartyEntry, MoneyAccount
from .rules import (CashLine, Counterparty, CounterpartyLine, Source, check_cash_lines, check_counterparty_lines,
                    check_source)

__all__ = ["Source", "Counterparty", "CounterpartyLine", "CashLine", "Reversal", "post_counterparty_entries",
           "post_cash_entries", "reverse_entries_of", "check_money_account"]


def _unscoped(session: Session, stmt):
    # Integrity checks look across organisations on purpose: a document id is
    # global, and "already posted" must not depend on who asks.
    return session.execute(stmt.execution_options(unscoped=True))


def _check_books(session: Session, source: Source) -> None:
    """The organisation exists, the principal may write its books, and the date is in an open period."""
    check_source(source)
    if not get_principal(session).may_write_org(source.org_id):
        raise Forbidden("you may post to your own organisation's books only", {"org_id": ["not your organisation"]})
    if session.get(Organisation, source.org_id) is None:
        raise InvalidInput("org_id", "no such organisation")
    check_period_open(session, source.org_id, source.doc_date)


def _check_not_posted(session: Session, model: type, source: Source) -> None:
    pending = pending_rows(session)
    if pending is not None:
        # A deferred posting's document is made in that posting (core.create_and_post), so it has no
        # rows in the database yet: only this batch may have posted it (a refused posting's entry
        # stays, but its event is never posted again in the batch).
        seen = pending.__dict__.setdefault("posted_documents", set())
        key = (model.__tablename__, source.document_type, source.document_id)
        posted = key in seen
        seen.add(key)
    else:
        posted = _unscoped(session, select(exists().where(
            model.document_type == source.document_type, model.document_id == source.document_id,
            model.reverses_id.is_(None)))).scalar()
    if posted:
        raise Conflict(f"{source.document_type} {source.number or source.document_id} is already posted to {model.__tablename__}",
                       {"document_id": ["already posted to this ledger"]})


def _counterparty_columns(session: Session, source: Source, cp: Counterparty, field_name: str) -> dict:
    if cp.kind == "party":
        if session.get(Party, cp.id) is None:
            raise InvalidInput(field_name, "no such party")
        return {"party_id": cp.id}
    if cp.kind == "organisation":
        # Organisations are not OrgOwned: any organisation may be a counterparty.
        if session.get(Organisation, cp.id) is None:
            raise InvalidInput(field_name, "no such organisation")
        if cp.id == source.org_id:
            raise InvalidInput(field_name, "an organisation is not its own counterparty")
        return {"counterparty_org_id": cp.id}
    if cp.kind == "member":
        # By id, across service points: the repair order naming the member is the reference checked.
        if session.get(Member, cp.id, execution_options={"exact_key": True}) is None:
            raise InvalidInput(field_name, "no such member")
        return {"member_id": cp.id}
    return {}


def _row_common(session: Session, source: Source, line, amount: Decimal) -> dict:
    return dict(
        org_id=source.org_id, amount=amount, document_type=source.document_type, document_id=source.document_id,
        line_id=line.line_id, document_number=source.number, doc_date=source.doc_date,
        posted_by_id=get_principal(session).user_id, memo=line.memo,
    )


def post_counterparty_entries(session: Session, source: Source, lines: Sequence[CounterpartyLine]) -> list[CounterpartyEntry]:
    """Post a document's receivable/payable movements (all its lines, once).

    Preconditions: every amount a non-zero ``Decimal`` with at most two places;
    every counterparty exists (and is not the organisation itself); the
    principal may write ``source.org_id``'s books; ``source.doc_date`` is in an
    open period; the document has no entries in this ledger yet.
    Errors name the field (``lines.<i>.amount`` …) and nothing is written.
    Writes: counterparty_entry.
    """
    amounts = check_counterparty_lines(lines)
    _check_books(session, source)
    cols = [_counterparty_columns(session, source, line.counterparty, f"lines.{i}.counterparty")
            for i, line in enumerate(lines)]
    _check_not_posted(session, CounterpartyEntry, source)
    pending = pending_rows(session)
    if pending is not None:
        # A deferred posting (server.core.batch): plain records, inserted with the batch's rows.
        plain = [PlainCounterpartyEntry(**_row_common(session, source, line, amount),
                                        counterparty_kind=line.counterparty.kind, direction=line.direction, **c)
                 for line, amount, c in zip(lines, amounts, cols)]
        for row in plain:
            pending.add(row)
        return plain
    rows = [CounterpartyEntry(**_row_common(session, source, line, amount), counterparty_kind=line.counterparty.kind,
                              direction=line.direction, **c)
            for line, amount, c in zip(lines, amounts, cols)]
    session.add_all(rows)
    session.flush()
    return rows


def _usable_account(session: Session, account_id: uuid.UUID, org_id: uuid.UUID, field_name: str) -> MoneyAccount:
    account = session.get(MoneyAccount, account_id)
    if account is None:
        raise InvalidInput(field_name, "no such money account")
    if account.org_id != org_id:
        raise InvalidInput(field_name, "the account belongs to another organisation")
    if not account.active:
        raise InvalidInput(field_name, f"account {account.code} is inactive")
    return account


def post_cash_entries(session: Session, source: Source, lines: Sequence[CashLine]) -> list[CashEntry]:
    """Post a document's money into (+) and out of (−) bank accounts and cash drawers (all its lines, once).

    Preconditions: every amount a non-zero ``Decimal`` with at most two places;
    every account exists, belongs to ``source.org_id`` and is active; the
    principal may write that organisation's books; ``source.doc_date`` is in
    an open period; the document has no entries in this ledger yet.
    Errors name the field (``lines.<i>.account_id`` …) and nothing is written.
    Writes: cash_entry.
    """
    amounts = check_cash_lines(lines)
    _check_books(session, source)
    for i, line in enumerate(lines):
        _usable_account(session, line.account_id, source.org_id, f"lines.{i}.account_id")
    _check_not_posted(session, CashEntry, source)
    pending = pending_rows(session)
    if pending is not None:
        # A deferred posting (server.core.batch): plain records, inserted with the batch's rows.
        rows = [PlainCashEntry(**_row_common(session, source, line, amount), account_id=line.account_id)
                for line, amount in zip(lines, amounts)]
        for row in rows:
            pending.add(row)
        return rows
    rows = [CashEntry(**_row_common(session, source, line, amount), account_id=line.account_id)
            for line, amount in zip(lines, amounts)]
    session.add_all(rows)
    session.flush()
    return rows


class PlainCounterpartyEntry(Plain, model=CounterpartyEntry):
    """A counterparty entry of a document posted deferred in a posting batch (``server.core.plain``)."""


class PlainCashEntry(Plain, model=CashEntry):
    """A cash entry of a document posted deferred in a posting batch (``server.core.plain``)."""


@dataclass
class Reversal:
    """The opposite rows a reversal wrote, per ledger."""

    counterparty: list[CounterpartyEntry] = field(default_factory=list)
    cash: list[CashEntry] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.counterparty) + len(self.cash)


def reverse_entries_of(session: Session, document_type: str, document_id: uuid.UUID, by: Source,
                       memo: str | None = None) -> Reversal:
    """Reverse (红冲) every money-ledger row a document wrote, as rows of the reversing document ``by``.

    Each new row has the opposite amount, the same organisation, counterparty
    or account, direction and line id, ``reverses_id`` pointing at the row it
    undoes, and ``by`` as its document. So every balance the original changed
    returns to what it would be without it, and nothing is updated or deleted.
    A document that wrote no money rows reverses to nothing.

    Preconditions: ``by`` is another document of the same organisation, dated
    in an open period; no row of the document is reversed already (the unique
    ``reverses_id`` also stops two racing reversals); the document is not itself
    a reversal; the accounts involved are still active.
    Writes: counterparty_entry, cash_entry.
    """
    _check_books(session, by)
    if (by.document_type, by.document_id) == (document_type, document_id):
        raise InvalidInput("document_id", "a document cannot reverse itself")
    originals: list = []
    for model in (CounterpartyEntry, CashEntry):
        originals += _unscoped(session, select(model).where(
            model.document_type == document_type, model.document_id == document_id).order_by(model.id)).scalars().all()
    if not originals:
        return Reversal()
    if any(row.org_id != by.org_id for row in originals):
        raise InvalidInput("org_id", "the document's entries belong to another organisation")
    if any(row.reverses_id is not None for row in originals):
        raise Conflict("these entries are themselves a reversal; post a new document instead",
                       {"document_id": ["is a reversal"]})
    for model in (CounterpartyEntry, CashEntry):
        ids = [row.id for row in originals if isinstance(row, model)]
        if ids and _unscoped(session, select(func.count()).where(model.reverses_id.in_(ids))).scalar_one():
            raise Conflict(f"{document_type} {document_id} is already reversed", {"document_id": ["already reversed"]})
    for row in originals:
        if isinstance(row, CashEntry):
            _usable_account(session, row.account_id, by.org_id, "account_id")

    result = Reversal()
    principal = get_principal(session)
    for row in originals:
        common = dict(
            org_id=row.org_id, amount=-row.amount, document_type=by.document_type, document_id=by.document_id,
            line_id=row.line_id, document_number=by.number, doc_date=by.doc_date, posted_by_id=principal.user_id,
            memo=(memo if memo is not None else f"reversal of {row.document_number or row.document_id}")[:300],
            reverses_id=row.id,
        )
        if isinstance(row, CounterpartyEntry):
            result.counterparty.append(CounterpartyEntry(
                **common, counterparty_kind=row.counterparty_kind, party_id=row.party_id,
                counterparty_org_id=row.counterparty_org_id, member_id=row.member_id, direction=row.direction))
        else:
            result.cash.append(CashEntry(**common, account_id=row.account_id))
    try:
        with session.begin_nested():
            session.add_all(result.counterparty + result.cash)
            session.flush()
    except IntegrityError:
        raise Conflict(f"{document_type} {document_id} was reversed by another transaction",
                       {"document_id": ["already reversed"]}) from None
    return result


# -- money accounts (the base-data kind "money-accounts" calls this check) ------------------------

def account_has_entries(session: Session, account_id: uuid.UUID) -> bool:
    return bool(_unscoped(session, select(exists().where(CashEntry.account_id == account_id))).scalar())


def account_balance_now(session: Session, account_id: uuid.UUID) -> Decimal:
    total = _unscoped(session, select(func.sum(CashEntry.amount)).where(CashEntry.account_id == account_id)).scalar()
    return total if total is not None else Decimal("0.00")


def check_money_account(session: Session, account: MoneyAccount) -> None:
    """Rules for opening and changing an account (called by base-data create/update).

    A bank account names its bank and number. Once an account has entries its
    kind and currency are history and cannot change, and it can be closed
    (``active: false``) only at a zero balance.
    """
    if account.kind == "bank":
        if not (account.bank_name or "").strip():
            raise InvalidInput("bank_name", "required for a bank account")
        if not (account.account_number or "").strip():
            raise InvalidInput("account_number", "required for a bank account")
    state = inspect(account)
    if not state.persistent:
        return
    changed = [name for name in ("kind", "currency") if state.attrs[name].history.has_changes()]
    closing = state.attrs.active.history.has_changes() and account.active is False
    with session.no_autoflush:  # the pending change is what is being judged
        if changed and account_has_entries(session, account.id):
            raise InvalidInput(changed[0], "cannot change: the account has ledger entries")
        if closing:
            balance = account_balance_now(session, account.id)
            if balance != 0:
                raise InvalidInput("active", f"the balance is {balance}: move the money out before closing the account")
