"""Bank (§10.8, §10.9): transfers between one organisation's money accounts (资金调拨单), bank
statements imported from CSV/Excel (银行对账单) and their matching to the account's cash entries.

- A **transfer** is a document (draft → posted → reversed): posting writes two cash entries, money out
  of one account and into another of the same organisation; a reversal is a linked opposite document
  (``reverse_entries_of``), nothing posted is edited.
- A **statement** is what the bank says happened on one account: its lines as imported (row number,
  date, signed amount, counterparty name and account, reference), stored as read, never edited.
- A **match** pairs one statement line with one cash entry of the same account and the same amount.
  It is reconciliation state, not money: matched automatically or by hand, and unmatched by deleting
  the pair (audited). A line and an entry are each matched at most once (unique columns).
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, Session, mapped_column

from ..core.models import DocumentMixin
from ..db import Base, IdMixin, Money, utcnow
from ..org.models import OrgOwned

MATCH_KINDS = ("auto", "manual")


class FinanceTransfer(DocumentMixin, Base):
    """资金调拨单: money moved from one account to another of the same organisation (cash −x on the
    first, +x on the second). A reversal moves it back."""

    __tablename__ = "finance_transfer"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("from_account_id <> to_account_id", name="two_accounts"),
    )
    DOC_TYPE = "finance_transfer"
    NUMBER_PREFIX = "ZZ"

    from_account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("money_account.id"), index=True)
    to_account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("money_account.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(Money())
    reference: Mapped[str] = mapped_column(String(80), default="")  # the bank's transfer slip

    def check_postable(self, session: Session) -> None:
        from .bank import check_transfer

        check_transfer(session, self)

    def write_ledgers(self, session: Session) -> None:
        from .bank import write_transfer

        write_transfer(session, self)

    def build_reversal(self) -> "FinanceTransfer":
        return FinanceTransfer(from_account_id=self.from_account_id, to_account_id=self.to_account_id,
                               amount=self.amount, reference=self.reference, note=f"红冲 {self.number}")


class BankStatement(IdMixin, OrgOwned, Base):
    """One imported bank statement file of one money account (its lines below)."""

    __tablename__ = "bank_statement"

    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("money_account.id"), index=True)
    file_name: Mapped[str] = mapped_column(String(200), default="")
    date_from: Mapped[dt.date] = mapped_column(Date)
    date_to: Mapped[dt.date] = mapped_column(Date)
    line_count: Mapped[int] = mapped_column(Integer)
    total_in: Mapped[Decimal] = mapped_column(Money())
    total_out: Mapped[Decimal] = mapped_column(Money())
    imported_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    imported_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))


class BankStatementLine(IdMixin, OrgOwned, Base):
    """One line of a statement as the bank printed it: positive money in, negative money out."""

    __tablename__ = "bank_statement_line"
    __table_args__ = (
        CheckConstraint("amount <> 0", name="amount_not_zero"),
        Index("ix_bank_statement_line_statement", "statement_id", "row_no"),
    )

    statement_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("bank_statement.id"))
    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("money_account.id"), index=True)
    row_no: Mapped[int] = mapped_column(Integer)  # the row of the file it was read from
    value_date: Mapped[dt.date] = mapped_column(Date)
    amount: Mapped[Decimal] = mapped_column(Money())
    counterparty_name: Mapped[str] = mapped_column(String(120), default="")
    counterparty_account: Mapped[str] = mapped_column(String(64), default="")
    reference: Mapped[str] = mapped_column(String(120), default="")


class BankMatch(IdMixin, OrgOwned, Base):
    """A statement line matched to a cash entry of the same account and amount (each at most once)."""

    __tablename__ = "bank_match"
    __table_args__ = (CheckConstraint("kind IN ('auto', 'manual')", name="kind"),)

    line_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("bank_statement_line.id"), unique=True)
    cash_entry_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("cash_entry.id"), unique=True)
    statement_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("bank_statement.id"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    matched_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    matched_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
