"""The money ledger (spec §10): money accounts, counterparty entries, cash/bank entries.

Sign convention (see docs/finance.md):

- ``CounterpartyEntry.amount`` is signed within its ``direction``: a positive
  amount increases that balance (what the counterparty owes us for
  ``receivable``, what we owe them for ``payable``), a negative amount reduces
  it (a receipt reduces a receivable, a payment reduces a payable).
- ``CashEntry.amount``: positive is money into the account, negative money out.

Both ledgers are append-only (database triggers refuse UPDATE and DELETE);
a correction is a reversal: opposite rows linked by ``reverses_id``. Rows are
written only by ``server.finance.operations``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from ..db import Base, IdMixin, Money, TimestampMixin, utcnow
from ..org.models import OrgOwned

MONEY_ACCOUNT_KINDS = ("bank", "cash")
CURRENCIES = ("CNY",)
DIRECTIONS = ("receivable", "payable")
COUNTERPARTY_KINDS = ("party", "organisation", "member", "walk_in")


class MoneyAccount(IdMixin, TimestampMixin, OrgOwned, Base):
    """A bank account (银行账号, §10.9) or a cash drawer of one organisation.

    Several per organisation, e.g. one bank account per line of business. An
    account that has entries cannot be deleted, only deactivated, and then only
    at a zero balance; an inactive account takes no postings.
    """

    __tablename__ = "money_account"
    __table_args__ = (
        UniqueConstraint("org_id", "code"),
        CheckConstraint("kind IN ('bank', 'cash')", name="kind"),
        CheckConstraint("currency IN ('CNY')", name="currency"),
    )

    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(8))
    bank_name: Mapped[str] = mapped_column(String(120), default="")
    account_number: Mapped[str] = mapped_column(String(64), default="")
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    business_line: Mapped[str] = mapped_column(String(60), default="")
    active: Mapped[bool] = mapped_column(default=True)


class _EntryMixin(IdMixin, OrgOwned):
    """What every money-ledger row carries: amount, source document, dates, who, reversal link."""

    amount: Mapped[Decimal] = mapped_column(Money())
    # The source: which document (and which of its lines) wrote this row.
    document_type: Mapped[str] = mapped_column(String(40))
    document_id: Mapped[uuid.UUID]
    line_id: Mapped[uuid.UUID | None]
    document_number: Mapped[str] = mapped_column(String(40), default="")
    # Business date (balances "as of" count by it) and the system time of posting.
    doc_date: Mapped[dt.date] = mapped_column(Date)
    posted_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    posted_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    memo: Mapped[str] = mapped_column(String(300), default="")

    @declared_attr
    def reverses_id(cls) -> Mapped[uuid.UUID | None]:
        # Unique: a row is reversed at most once, even by racing transactions.
        return mapped_column(ForeignKey(f"{cls.__tablename__}.id"), unique=True)


class CounterpartyEntry(_EntryMixin, Base):
    """One receivable/payable movement between an organisation and a counterparty.

    The counterparty is a party from base data (manufacturer, supplier, dealer,
    distributor), another organisation (service points are counterparties of
    headquarters and vice versa), a member (customer), or a walk-in customer
    (no record: deposits and refunds of anonymous customers, told apart by
    their source documents).
    """

    __tablename__ = "counterparty_entry"
    __table_args__ = (
        CheckConstraint("direction IN ('receivable', 'payable')", name="direction"),
        CheckConstraint("amount <> 0", name="amount_not_zero"),
        CheckConstraint(
            "(counterparty_kind = 'party' AND party_id IS NOT NULL AND counterparty_org_id IS NULL AND member_id IS NULL)"
            " OR (counterparty_kind = 'organisation' AND party_id IS NULL AND counterparty_org_id IS NOT NULL"
            " AND member_id IS NULL)"
            " OR (counterparty_kind = 'member' AND party_id IS NULL AND counterparty_org_id IS NULL AND member_id IS NOT NULL)"
            " OR (counterparty_kind = 'walk_in' AND party_id IS NULL AND counterparty_org_id IS NULL AND member_id IS NULL)",
            name="counterparty"),
        Index("ix_counterparty_entry_document", "document_type", "document_id"),
        Index("ix_counterparty_entry_balance", "org_id", "direction", "doc_date"),
        # One party's statement and open items (settlement.py, statement.py): its rows by date.
        Index("ix_counterparty_entry_party_date", "party_id", "direction", "doc_date"),
    )

    counterparty_kind: Mapped[str] = mapped_column(String(16))
    party_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("party.id"), index=True)
    counterparty_org_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    member_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("member.id"), index=True)
    direction: Mapped[str] = mapped_column(String(10))

    @property
    def counterparty_id(self) -> uuid.UUID | None:
        return self.party_id or self.counterparty_org_id or self.member_id


class CashEntry(_EntryMixin, Base):
    """Money into (positive) or out of (negative) one bank account or cash drawer."""

    __tablename__ = "cash_entry"
    __table_args__ = (
        CheckConstraint("amount <> 0", name="amount_not_zero"),
        Index("ix_cash_entry_document", "document_type", "document_id"),
        Index("ix_cash_entry_account_date", "account_id", "doc_date"),
    )

    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("money_account.id"))


# The receipts, payments and allocations live beside the ledger (imported so the metadata has them).
from . import settlement_models as _settlement_models  # noqa: E402,F401 - receipts, payments, allocations
from . import bank_models as _bank_models  # noqa: E402,F401 - transfers, bank statements, matches
from . import adjust_models as _adjust_models  # noqa: E402,F401 - opening balances, reclassifications
