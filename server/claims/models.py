"""This area's tables: the labour-fee claim (劳务费申报单, ``labour_claim``), its lines and the
manufacturers' export layouts. See docs/claims.md.

The claim is a document of the organisation whose books hold the receivable on the manufacturer
(the point that settled the repairs). Its ``status`` is the ledger lifecycle (posted = submitted:
number taken, the submission's rows written); ``stage`` is the claim's own progress:
draft → submitted → answered → settled.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.models import DocumentMixin
from ..db import Base, IdMixin, JSONType, Money, TimestampMixin, utcnow

CLAIM_PREFIX = "LW"
RESULTS = ("accepted", "cut", "rejected")


class LabourClaim(DocumentMixin, Base):
    """劳务费申报单: one manufacturer, one organisation, the repairs settled over a period."""

    __tablename__ = "labour_claim"
    __table_args__ = (Index("ix_labour_claim_org_manufacturer", "org_id", "manufacturer_id"),)

    DOC_TYPE = "labour_claim"
    NUMBER_PREFIX = CLAIM_PREFIX
    # The answer's rows (cuts and rejections) are a second posting of the claim, told apart by type.
    ANSWER_TYPE = "labour_claim_answer"

    manufacturer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("party.id"), index=True)
    period_from: Mapped[dt.date] = mapped_column(Date)
    period_to: Mapped[dt.date] = mapped_column(Date)
    stage: Mapped[str] = mapped_column(String(12), default="draft", index=True)
    line_count: Mapped[int] = mapped_column(default=0)
    claimed_total: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    accepted_total: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    submitted_at: Mapped[dt.datetime | None]
    answered_at: Mapped[dt.datetime | None]
    answered_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    settled_at: Mapped[dt.datetime | None]
    settled_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    # The manufacturer's payment (a posted 收款单), when it is recorded with the settlement.
    receipt_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("finance_receipt.id"))
    settle_note: Mapped[str] = mapped_column(String(300), default="")
    lines: Mapped[list["LabourClaimLine"]] = relationship(
        cascade="all, delete-orphan", lazy="select", order_by="LabourClaimLine.sort_order",
        passive_deletes=True)

    def write_ledgers(self, session) -> None:
        from .operations import write_submission_ledgers

        write_submission_ledgers(session, self)


class LabourClaimLine(IdMixin, Base):
    """One repair order claimed: its labour fee (what repair posted) plus the parts the manufacturer pays.

    ``booked`` is what the receivable already held for the order when the line was built (the
    settlement's labour fee the first time, nothing after a rejection took it off), so submitting
    posts ``amount − booked`` and the answer brings the receivable to what was accepted. A line is
    ``live`` until rejected: one live line per order, enforced by a partial unique index.
    """

    __tablename__ = "labour_claim_line"
    __table_args__ = (
        Index("uq_labour_claim_line_live_order", "order_id", unique=True,
              postgresql_where=text("live"), sqlite_where=text("live")),
        CheckConstraint("result IS NULL OR result IN ('accepted', 'cut', 'rejected')", name="result"),
        CheckConstraint("amount = labour_fee + parts_amount", name="amount"),
    )

    claim_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("labour_claim.id", ondelete="CASCADE"), index=True)
    sort_order: Mapped[int] = mapped_column(default=0)
    source_kind: Mapped[str] = mapped_column(String(12), default="repair")
    order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("repair_order.id"), index=True)
    settlement_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("repair_payment.id"))
    order_number: Mapped[str] = mapped_column(String(40), default="")
    imei: Mapped[str] = mapped_column(String(15))
    model_name: Mapped[str] = mapped_column(String(120), default="")
    fault: Mapped[str] = mapped_column(String(300), default="")
    methods: Mapped[str] = mapped_column(String(300), default="")
    level_name: Mapped[str] = mapped_column(String(80), default="")
    taken_in: Mapped[dt.date] = mapped_column(Date)
    completed: Mapped[dt.date] = mapped_column(Date)
    labour_fee: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    parts_amount: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    amount: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    booked: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    live: Mapped[bool] = mapped_column(Boolean, default=True)
    result: Mapped[str | None] = mapped_column(String(12))
    accepted_amount: Mapped[Decimal | None] = mapped_column(Money())
    reason: Mapped[str] = mapped_column(String(300), default="")
    answered_at: Mapped[dt.datetime | None]
    answered_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    note: Mapped[str] = mapped_column(String(300), default="")


class ClaimLayout(IdMixin, TimestampMixin, Base):
    """A manufacturer's export layout: the columns of the claim workbook, each a line field and its
    heading (``[{"field": "imei", "title": "串号"}, …]``). None stored: ``DEFAULT_LAYOUT``."""

    __tablename__ = "labour_claim_layout"
    __table_args__ = (UniqueConstraint("manufacturer_id"),)

    manufacturer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("party.id"))
    columns: Mapped[list] = mapped_column(JSONType, default=list)
    updated_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
