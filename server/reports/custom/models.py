"""A saved custom report: its owner's spec under a name, shared with an organisation or a role.

Not ``OrgOwned``: who may read one is its owner, the organisation it is shared with, or the holders
of the role it is shared with (``operations.visible``). A report holds no data, only its spec;
running it is scoped by the reader's organisation like any other query.
"""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ...db import Base, IdMixin, JSONType, TimestampMixin, utcnow
from ...outbox.models import BigId


class SavedReport(IdMixin, TimestampMixin, Base):
    __tablename__ = "saved_report"
    __table_args__ = (UniqueConstraint("owner_id", "name"),)

    owner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"), index=True)
    # The owner's organisation when saved: a role share reaches that organisation's holders.
    org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisation.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    spec: Mapped[dict] = mapped_column(JSONType)
    shared_org_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    shared_role: Mapped[str | None] = mapped_column(String(24))
    updated_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))


class ReportSchedule(IdMixin, TimestampMixin, Base):
    """When a saved report runs by itself, and where its workbook goes (mail, the drop directory).

    The times are the business's (``AFTERCARE_TIMEZONE``, Asia/Shanghai): daily at ``at``, weekly on
    ``weekday`` (1 Monday … 7 Sunday), monthly on ``day`` (a day past the month's end is its last).
    ``next_run_at`` (UTC) is the next time it is due; the run that takes it writes its delivery row
    and moves it on in one transaction (``schedule.enqueue_due``).
    """

    __tablename__ = "report_schedule"

    report_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("saved_report.id", ondelete="CASCADE"), unique=True)
    frequency: Mapped[str] = mapped_column(String(8))  # daily, weekly, monthly
    at: Mapped[str] = mapped_column(String(5))  # HH:MM, business time
    weekday: Mapped[int | None]
    day: Mapped[int | None]
    # The report's date range each run: "previous" (the day, week or month just ended) or "saved" (as saved).
    period: Mapped[str] = mapped_column(String(8), default="previous")
    lang: Mapped[str] = mapped_column(String(8), default="zh-CN")
    recipients: Mapped[list] = mapped_column(JSONType, default=list)
    drop: Mapped[bool] = mapped_column(default=False)
    next_run_at: Mapped[dt.datetime] = mapped_column(index=True)
    updated_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))


class ReportDelivery(Base):
    """The outbox of scheduled reports: one row per due run, written with the schedule's move to its
    next time; made and sent after commit, then marked sent. Unique per (schedule, due time), so a run
    is never made twice; ``claimed_by``/``claimed_until`` let one worker make it while another skips it."""

    __tablename__ = "report_delivery"
    __table_args__ = (UniqueConstraint("schedule_id", "due_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    schedule_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("report_schedule.id", ondelete="CASCADE"))
    due_at: Mapped[dt.datetime]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[dt.datetime | None] = mapped_column(index=True)
    claimed_by: Mapped[str | None] = mapped_column(String(80))
    claimed_until: Mapped[dt.datetime | None]
    attempts: Mapped[int] = mapped_column(default=0)
    rows: Mapped[int | None]
    last_error: Mapped[str] = mapped_column(Text, default="")
