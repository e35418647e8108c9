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


SAMPLE_TABLES = [SampleVoucher.__table__, SampleLedger.__table__]


def ledger_total(session: Session) -> Decimal:
    return sum(session.execute(select(SampleLedger.amount)).scalars(), Decimal("0"))
