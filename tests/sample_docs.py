"""A document type used only by the tests, to drive the shared lifecycle.

Kept on its own MetaData so the migration drift check sees only real models.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from sqlalchemy import ForeignKey, MetaData, Numeric, select
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from server.core.models import DocumentMixin
from server.db import NAMING_CONVENTION, Base, IdMixin
from server.errors import InvalidInput


class SampleBase(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = Base.type_annotation_map


for _name in ("organisation", "user_account"):
    Base.metadata.tables[_name].to_metadata(SampleBase.metadata)


class SampleVoucher(DocumentMixin, SampleBase):
    __tablename__ = "sample_voucher"
    DOC_TYPE = "sample_voucher"
    NUMBER_PREFIX = "SV"
    AUDITABLE = True

    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))

    def check_postable(self, session: Session) -> None:
        if self.amount == 0:
            raise InvalidInput("amount", "must not be zero")

    def write_ledgers(self, session: Session) -> None:
        session.add(SampleLedger(voucher_id=self.id, amount=self.amount))

    def build_reversal(self) -> "SampleVoucher":
        return SampleVoucher(amount=-self.amount, note=f"reversal of {self.number}")


class SampleLedger(IdMixin, SampleBase):
    __tablename__ = "sample_ledger"

    voucher_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sample_voucher.id"))
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))


class SampleReceipt(DocumentMixin, SampleBase):
    """A receipt-like document on the money ledger: the pattern the finance documents will follow.

    Posting: the party's receivable goes down and the account's balance up.
    Its reversal (reverses_id set) undoes every money row of the original.
    """

    __tablename__ = "sample_receipt"
    DOC_TYPE = "sample_receipt"
    NUMBER_PREFIX = "SR"

    party_id: Mapped[uuid.UUID]
    account_id: Mapped[uuid.UUID]
    amount: Mapped[Decimal] = mapped_column(Numeric(14, 2))

    def write_ledgers(self, session: Session) -> None:
        from server.finance.operations import (CashLine, Counterparty, CounterpartyLine, Source, post_cash_entries,
                                               post_counterparty_entries, reverse_entries_of)

        src = Source.of(self)
        if self.reverses_id is not None:
            reverse_entries_of(session, self.DOC_TYPE, self.reverses_id, src)
            return
        post_counterparty_entries(session, src, [
            CounterpartyLine(Counterparty.party(self.party_id), "receivable", -self.amount, memo=self.note)])
        post_cash_entries(session, src, [CashLine(self.account_id, self.amount, memo=self.note)])

    def build_reversal(self) -> "SampleReceipt":
        return SampleReceipt(party_id=self.party_id, account_id=self.account_id, amount=self.amount,
                             note=f"reversal of {self.number}")


SAMPLE_TABLES = [SampleVoucher.__table__, SampleLedger.__table__, SampleReceipt.__table__]


def ledger_total(session: Session) -> Decimal:
    return sum(session.execute(select(SampleLedger.amount)).scalars(), Decimal("0"))
