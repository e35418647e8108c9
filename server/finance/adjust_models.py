"""Opening balances (财务初始化, spec §10.10) and reclassification (调账单, §10.11).

- **Opening balance sheet** (``finance_opening``, QC): at go-live (its ``doc_date``), one line per
  counterparty balance (a party or another organisation; receivable or payable, signed within its
  direction: negative is money on account) and per money account. Posted once per organisation
  (a partial unique index keeps one live opening); each counterparty line becomes an open item
  that later receipts and payments are allocated against; posting closes the books through the
  day before go-live.
- **Reclassification** (``finance_reclass``, TZ): an amount moved between two counterparties
  (one direction) or two money accounts of the organisation, with a reason; both sides are rows
  of the one document (line 1 out, line 2 in).

Both are corrected by 红冲 only (``server.finance.adjust``); nothing posted is edited.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from ..core.models import DocumentMixin
from ..db import Base, IdMixin, Money

OPENING_LINE_KINDS = ("party", "organisation", "account")
RECLASS_KINDS = ("counterparty", "account")


class FinanceOpening(DocumentMixin, Base):
    """财务初始化: the balances an organisation starts its books with, dated on the go-live day."""

    __tablename__ = "finance_opening"
    __table_args__ = (
        # One live (posted, not reversed, not a reversal) opening per organisation.
        Index("uq_finance_opening_live", "org_id", unique=True,
              postgresql_where=text("status = 'posted' AND reverses_id IS NULL"),
              sqlite_where=text("status = 'posted' AND reverses_id IS NULL")),
    )
    DOC_TYPE = "finance_opening"
    NUMBER_PREFIX = "QC"

    lines: Mapped[list["FinanceOpeningLine"]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="FinanceOpeningLine.seq")

    def check_postable(self, session: Session) -> None:
        from .adjust import check_opening_postable

        check_opening_postable(session, self)

    def write_ledgers(self, session: Session) -> None:
        from .adjust import write_opening

        write_opening(session, self)

    def build_reversal(self):
        return FinanceOpening(note=f"红冲 {self.number}")

    def new_records(self):
        return [self, *self.lines]


class FinanceOpeningLine(IdMixin, Base):
    """One opening balance: a counterparty's (``party``/``organisation``, with a direction) or a
    money account's (``account``). ``amount`` is signed as the ledger's: positive owed to us
    (receivable) / by us (payable) or money in the account; negative a credit or an overdraft."""

    __tablename__ = "finance_opening_line"
    __table_args__ = (
        CheckConstraint("amount <> 0", name="amount_not_zero"),
        CheckConstraint("line_kind IN ('party', 'organisation', 'account')", name="line_kind"),
        CheckConstraint("direction IS NULL OR direction IN ('receivable', 'payable')", name="direction"),
    )

    opening_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("finance_opening.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(default=0)
    line_kind: Mapped[str] = mapped_column(String(16))
    party_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("party.id"))
    counterparty_org_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organisation.id"))
    account_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("money_account.id"))
    direction: Mapped[str | None] = mapped_column(String(10))
    amount: Mapped[Decimal] = mapped_column(Money())
    memo: Mapped[str] = mapped_column(String(300), default="")


class FinanceReclass(DocumentMixin, Base):
    """调账单: ``amount`` moved from one counterparty's balance (``direction``) to another's, or from
    one money account to another, for ``reason``. Out of the first (line 1), into the second (line 2)."""

    __tablename__ = "finance_reclass"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("kind IN ('counterparty', 'account')", name="kind"),
    )
    DOC_TYPE = "finance_reclass"
    NUMBER_PREFIX = "TZ"

    kind: Mapped[str] = mapped_column(String(16), default="counterparty")
    direction: Mapped[str | None] = mapped_column(String(10))
    from_party_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("party.id"))
    from_org_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organisation.id"))
    to_party_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("party.id"))
    to_org_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organisation.id"))
    from_account_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("money_account.id"))
    to_account_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("money_account.id"))
    amount: Mapped[Decimal] = mapped_column(Money())
    reason: Mapped[str] = mapped_column(String(300), default="")

    def check_postable(self, session: Session) -> None:
        from .adjust import check_reclass

        check_reclass(session, self)

    def write_ledgers(self, session: Session) -> None:
        from .adjust import write_reclass

        write_reclass(session, self)

    def build_reversal(self):
        keep = ("kind", "direction", "from_party_id", "from_org_id", "to_party_id", "to_org_id", "from_account_id",
                "to_account_id", "amount", "reason")
        return FinanceReclass(**{k: getattr(self, k) for k in keep}, note=f"红冲 {self.number}")


ADJUST_TYPES = {m.DOC_TYPE: m for m in (FinanceOpening, FinanceReclass)}
