"""Pure posting rules of the money ledger: what a posting may contain (no database).

``server.finance.operations`` applies these before it looks anything up, so a
malformed posting is refused the same way from every entry point, and these
rules are tested without a database.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Sequence

from ..errors import InvalidInput
from .models import COUNTERPARTY_KINDS, DIRECTIONS

CENT = Decimal("0.01")
# NUMERIC(14, 2): twelve digits before the point.
MAX_AMOUNT = Decimal("999999999999.99")
MAX_LINES = 1000


@dataclass(frozen=True)
class Source:
    """The document a posting comes from; every ledger row carries it.

    ``org_id`` is the organisation whose books the rows go to and ``doc_date``
    the business date balances count by. Build one from a document with
    :meth:`of` (inside ``write_ledgers``, after the number is assigned).
    """

    document_type: str
    document_id: uuid.UUID
    org_id: uuid.UUID
    doc_date: dt.date
    number: str = ""

    @classmethod
    def of(cls, doc: Any) -> "Source":
        """From a ``DocumentMixin`` document."""
        return cls(doc.DOC_TYPE, doc.id, doc.org_id, doc.doc_date, doc.number or "")


@dataclass(frozen=True)
class Counterparty:
    """Who the organisation deals with: ``kind`` and the record's id (none for a walk-in customer)."""

    kind: str
    id: uuid.UUID | None = None

    @classmethod
    def party(cls, party_id: uuid.UUID) -> "Counterparty":
        return cls("party", party_id)

    @classmethod
    def organisation(cls, org_id: uuid.UUID) -> "Counterparty":
        return cls("organisation", org_id)

    @classmethod
    def member(cls, member_id: uuid.UUID) -> "Counterparty":
        return cls("member", member_id)

    @classmethod
    def walk_in(cls) -> "Counterparty":
        return cls("walk_in", None)


@dataclass(frozen=True)
class CounterpartyLine:
    """One receivable/payable movement. ``amount`` > 0 increases the balance of ``direction``."""

    counterparty: Counterparty
    direction: str
    amount: Decimal
    line_id: uuid.UUID | None = None
    memo: str = ""


@dataclass(frozen=True)
class CashLine:
    """Money into (``amount`` > 0) or out of (< 0) a bank account or cash drawer."""

    account_id: uuid.UUID
    amount: Decimal
    line_id: uuid.UUID | None = None
    memo: str = ""


def check_amount(value: Any, field: str) -> Decimal:
    """A ledger amount: a finite, non-zero ``Decimal`` with at most two places, within NUMERIC(14, 2).

    Floats are refused outright (``0.1`` is not a tenth); so are ints and
    strings: the caller converts at the edge, knowingly.
    """
    if isinstance(value, bool) or not isinstance(value, Decimal):
        raise InvalidInput(field, f"must be a Decimal, not {type(value).__name__}")
    if not value.is_finite():
        raise InvalidInput(field, "must be a finite number")
    if value != value.quantize(CENT):
        raise InvalidInput(field, "at most two decimal places")
    if value == 0:
        raise InvalidInput(field, "must not be zero")
    if abs(value) > MAX_AMOUNT:
        raise InvalidInput(field, f"must be at most {MAX_AMOUNT} in absolute value")
    return value.quantize(CENT)


def _check_text(value: Any, field: str, max_len: int, required: bool = False) -> str:
    if not isinstance(value, str):
        raise InvalidInput(field, "must be a string")
    if required and not value.strip():
        raise InvalidInput(field, "required")
    if len(value) > max_len:
        raise InvalidInput(field, f"at most {max_len} characters")
    return value


def _check_uuid(value: Any, field: str, required: bool = True) -> None:
    if value is None and not required:
        return
    if not isinstance(value, uuid.UUID):
        raise InvalidInput(field, "must be a UUID")


def check_source(source: Source) -> None:
    _check_text(source.document_type, "document_type", 40, required=True)
    _check_uuid(source.document_id, "document_id")
    _check_uuid(source.org_id, "org_id")
    if not isinstance(source.doc_date, dt.date) or isinstance(source.doc_date, dt.datetime):
        raise InvalidInput("doc_date", "must be a date")
    _check_text(source.number, "number", 40)


def _check_lines(lines: Sequence[Any], kind: type) -> None:
    if not isinstance(lines, (list, tuple)) or not lines:
        raise InvalidInput("lines", "at least one line")
    if len(lines) > MAX_LINES:
        raise InvalidInput("lines", f"at most {MAX_LINES} lines")
    for i, line in enumerate(lines):
        if not isinstance(line, kind):
            raise InvalidInput(f"lines.{i}", f"must be a {kind.__name__}")


def check_counterparty_lines(lines: Sequence[CounterpartyLine]) -> list[Decimal]:
    """Shape of every line; returns the amounts (two places)."""
    _check_lines(lines, CounterpartyLine)
    amounts = []
    for i, line in enumerate(lines):
        cp = line.counterparty
        if not isinstance(cp, Counterparty) or cp.kind not in COUNTERPARTY_KINDS:
            raise InvalidInput(f"lines.{i}.counterparty", f"kind must be one of {', '.join(COUNTERPARTY_KINDS)}")
        if cp.kind == "walk_in":
            if cp.id is not None:
                raise InvalidInput(f"lines.{i}.counterparty", "a walk-in customer has no id")
        else:
            _check_uuid(cp.id, f"lines.{i}.counterparty")
        if line.direction not in DIRECTIONS:
            raise InvalidInput(f"lines.{i}.direction", "must be receivable or payable")
        _check_uuid(line.line_id, f"lines.{i}.line_id", required=False)
        _check_text(line.memo, f"lines.{i}.memo", 300)
        amounts.append(check_amount(line.amount, f"lines.{i}.amount"))
    return amounts


def check_cash_lines(lines: Sequence[CashLine]) -> list[Decimal]:
    """Shape of every line; returns the amounts (two places)."""
    _check_lines(lines, CashLine)
    amounts = []
    for i, line in enumerate(lines):
        _check_uuid(line.account_id, f"lines.{i}.account_id")
        _check_uuid(line.line_id, f"lines.{i}.line_id", required=False)
        _check_text(line.memo, f"lines.{i}.memo", 300)
        amounts.append(check_amount(line.amount, f"lines.{i}.amount"))
    return amounts
