"""This area's tables: technician commission rules (提成规则, base data) and the commission ledger
(``commission_entry``: what each engineer earned on each completed, paid job, and what a refund took
back). See docs/commissions.md.

A rule says what an engineer earns on one line of a job: a percentage of the line's revenue plus a
fixed amount. Its ``scope`` names what it applies to — one item (``item_id``), an item category
(``item_kind``: device, mainboard, part, accessory) or an engineer grade (``grade``) — optionally for
one repair level only. The most specific rule wins: item > category > engineer grade, and within a
scope a rule for the job's repair level beats one for any level.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, Fixed, IdMixin, Money, TimestampMixin, utcnow
from ..org.models import OrgOwned

SCOPES = ("item", "category", "grade")
# The precedence: the first scope that has a rule for a line decides it.
PRECEDENCE = SCOPES
LINE_KINDS = ("part", "labour", "refund")
Rate = Fixed(7, 2)


class CommissionRule(IdMixin, TimestampMixin, Base):
    """提成规则: percent of a line's revenue plus a fixed amount, for an item, a category or a grade."""

    __tablename__ = "commission_rule"
    __table_args__ = (CheckConstraint("scope IN ('item', 'category', 'grade')", name="scope"),
                      CheckConstraint("rate_percent >= 0 AND fixed_amount >= 0", name="not_negative"))

    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    scope: Mapped[str] = mapped_column(String(12), index=True)
    item_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("item.id"), index=True)
    item_kind: Mapped[str | None] = mapped_column(String(16), default="")
    grade: Mapped[int | None]
    # Empty: any repair level.
    repair_level_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("repair_level.id"))
    rate_percent: Mapped[Decimal] = mapped_column(Rate, default=Decimal("0"))
    fixed_amount: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    active: Mapped[bool] = mapped_column(default=True)


class CommissionEntry(IdMixin, OrgOwned, Base):
    """One line of an engineer's commission: earned on a job's line at its settlement (positive), or
    taken back by a refund of that job (negative). Written once, never edited; the statement is a sum."""

    __tablename__ = "commission_entry"
    __table_args__ = (
        CheckConstraint("line_kind IN ('part', 'labour', 'refund')", name="line_kind"),
        UniqueConstraint("source_id", "line_no", name="uq_commission_entry_source_line"),
        Index("ix_commission_entry_engineer_date", "engineer_id", "earned_on"),
    )

    engineer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("engineer.id"))
    order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("repair_order.id"), index=True)
    # The repair settlement that earned it, or the refund slip that took it back.
    source_type: Mapped[str] = mapped_column(String(32))
    source_id: Mapped[uuid.UUID] = mapped_column()
    source_number: Mapped[str] = mapped_column(String(40), default="")
    line_no: Mapped[int] = mapped_column(default=1)
    line_kind: Mapped[str] = mapped_column(String(8))
    item_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("item.id"))
    rule_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("commission_rule.id"))
    scope: Mapped[str] = mapped_column(String(12), default="")
    base: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    rate_percent: Mapped[Decimal] = mapped_column(Rate, default=Decimal("0"))
    fixed_amount: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    amount: Mapped[Decimal] = mapped_column(Money())
    earned_on: Mapped[dt.date] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
