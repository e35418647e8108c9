"""Scheduled reports: a saved report made by itself and mailed, or dropped as Excel, on a schedule.

The outbox pattern, as the sync side's (``server/outbox``, ``sync/publisher.py``):

1. ``enqueue_due``: in one transaction, each schedule whose ``next_run_at`` has come gets a
   ``report_delivery`` row (unique per schedule and due time) and moves on to its next time. The
   move is a conditional UPDATE (``next_run_at`` still what was read): of two workers that read the
   same due schedule, one moves it and writes the row, the other's UPDATE finds nothing and it
   writes nothing (on PostgreSQL it waits for the first one's row lock, then sees the new time).
2. ``deliver_pending``: after commit, each unsent delivery is claimed by a conditional UPDATE (free,
   or its claim expired), committed, made (the workbook as the report's owner would export it, read
   through ``read_session``), mailed or dropped, and marked sent with its audit row. Another worker
   skips what is claimed. A worker that dies between sending and marking leaves a claim that expires:
   the run is made again (at least once; a mail can in that one case go twice, never none).

A run the server slept through is made once when it wakes, not once per missed time.
"""

from __future__ import annotations

import calendar
import contextlib
import datetime as dt
import logging
import os
import re
import smtplib
import tempfile
import threading
import uuid
from email.message import EmailMessage
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from ...auth.models import User
from ...auth.operations import principal_for
from ...auth.principal import Principal, get_principal, set_principal
from ...core.operations import record_audit
from ...db import sqlite_read_only, unit_of_work, utcnow
from ...errors import Forbidden, InvalidInput
from .models import ReportDelivery, ReportSchedule, SavedReport

log = logging.getLogger("aftercare.reports.schedule")

FREQUENCIES = ("daily", "weekly", "monthly")
PERIODS = ("previous", "saved")
CLAIM_SECONDS = 600  # a run that takes longer than this may be made again by another worker
MAX_ATTEMPTS = 5
XLSX = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


# -- when ---------------------------------------------------------------------------------------

def next_run(frequency: str, at: str, weekday: int | None, day: int | None, after: dt.datetime,
             timezone: str) -> dt.datetime:
    """The first time strictly after ``after`` (aware) the schedule is due, in UTC.

    The times are the business's wall clock; a monthly day past the month's end is its last day."""
    tz = ZoneInfo(timezone)
    hour, minute = (int(x) for x in at.split(":"))
    local = after.astimezone(tz)
    date = local.date()
    for _ in range(400):  # at most a year and a bit ahead, whatever the schedule
        if frequency == "daily":
            fits = True
        elif frequency == "weekly":
            fits = date.isoweekday() == weekday
        else:
            fits = date.day == min(day, calendar.monthrange(date.year, date.month)[1])
        if fits:
            when = dt.datetime.combine(date, dt.time(hour, minute), tz).astimezone(dt.timezone.utc)
            if when > after:
                return when
        date += dt.timedelta(days=1)
    raise ValueError("no due time within a year")  # unreachable for a checked schedule


def period_of(frequency: str, due: dt.datetime, timezone: str) -> tuple[dt.date, dt.date]:
    """The day, week (Monday to Sunday) or month that ended before the run's business day."""
    today = due.astimezone(ZoneInfo(timezone)).date()
    if frequency == "daily":
        day = today - dt.timedelta(days=1)
        return day, day
    if frequency == "weekly":
        monday = today - dt.timedelta(days=today.weekday() + 7)
        return monday, monday + dt.timedelta(days=6)
    last = today.replace(day=1) - dt.timedelta(days=1)
    return last.replace(day=1), last


# -- the schedule of a saved report (report.design, the owner) ------------------------------------

def check_schedule(data: dict, settings) -> None:
    """What marshmallow cannot see alone: the fields one frequency needs, and a destination that exists."""
    freq = data["frequency"]
    if freq == "weekly" and data.get("weekday") is None:
        raise InvalidInput("weekday", "a weekly schedule names its weekday (1 Monday to 7 Sunday)")
    if freq != "weekly" and data.get("weekday") is not None:
        raise InvalidInput("weekday", "only a weekly schedule has a weekday")
    if freq == "monthly" and data.get("day") is None:
        raise InvalidInput("day", "a monthly schedule names its day of the month (1 to 31)")
    if freq != "monthly" and data.get("day") is not None:
        raise InvalidInput("day", "only a monthly schedule has a day of the month")
    if not data.get("recipients") and not data.get("drop"):
        raise InvalidInput("recipients", "mail it to someone or drop it into the directory")
    if data.get("recipients") and not settings.smtp_url:
        raise InvalidInput("recipients", "no mail server is configured (AFTERCARE_SMTP_URL)")
    if data.get("drop") and not settings.reports_drop_dir:
        raise InvalidInput("drop", "no drop directory is configured (AFTERCARE_REPORTS_DROP_DIR)")


def get_schedule(session: Session, report: SavedReport) -> ReportSchedule | None:
    return session.execute(select(ReportSchedule).where(ReportSchedule.report_id == report.id)).scalar_one_or_none()


def set_schedule(session: Session, report: SavedReport, data: dict, settings) -> ReportSchedule:
    """Schedule one's own saved report (or change its schedule). Writes: report_schedule, audit_log."""
    p = get_principal(session)
    if report.owner_id != p.user_id:
        raise Forbidden("only its owner changes a saved report", {"report_id": ["not yours"]})
    check_schedule(data, settings)
    schedule = get_schedule(session, report)
    before = _audited(schedule) if schedule else None
    if schedule is None:
        schedule = ReportSchedule(report_id=report.id)
        session.add(schedule)
    values = {"frequency": data["frequency"], "at": data["at"], "weekday": data.get("weekday"),
              "day": data.get("day"), "period": data["period"], "lang": data["lang"],
              "recipients": list(dict.fromkeys(data.get("recipients") or [])), "drop": bool(data.get("drop"))}
    for key, value in values.items():
        setattr(schedule, key, value)
    schedule.next_run_at = next_run(schedule.frequency, schedule.at, schedule.weekday, schedule.day, utcnow(),
                                    settings.timezone)
    schedule.updated_by_id = p.actor_id or p.user_id
    schedule.updated_at = utcnow()
    session.flush()
    record_audit(session, "report_schedule.set", entity_type="saved_report", entity_id=report.id,
                 before=before, after=_audited(schedule))
    return schedule


def delete_schedule(session: Session, report: SavedReport) -> None:
    """Stop scheduling one's own saved report. Writes: report_schedule, audit_log."""
    p = get_principal(session)
    if report.owner_id != p.user_id:
        raise Forbidden("only its owner changes a saved report", {"report_id": ["not yours"]})
    schedule = get_schedule(session, report)
    if schedule is None:
        raise InvalidInput("report_id", "this report has no schedule")
    record_audit(session, "report_schedule.delete", entity_type="saved_report", entity_id=report.id,
                 before=_audited(schedule))
    session.delete(schedule)
    session.flush()


def _audited(s: ReportSchedule) -> dict:
    return {"frequency": s.frequency, "at": s.at, "weekday": s.weekday, "day": s.day, "period": s.period,
            "lang": s.lang, "recipients": list(s.recipients), "drop": s.drop}


# -- the runner ---------------------------------------------------------------------------------

def enqueue_due(session: Session, now: dt.datetime, timezone: str) -> int:
    """A delivery row for each schedule due at ``now``, each schedule moved on. Writes: report_delivery,
    report_schedule. The caller commits."""
    due = session.execute(select(ReportSchedule.id, ReportSchedule.frequency, ReportSchedule.at, ReportSchedule.weekday,
                                 ReportSchedule.day, ReportSchedule.next_run_at)
                          .where(ReportSchedule.next_run_at <= now).order_by(ReportSchedule.next_run_at)).all()
    made = 0
    for s in due:
        following = next_run(s.frequency, s.at, s.weekday, s.day, now, timezone)
        moved = session.execute(update(ReportSchedule).where(ReportSchedule.id == s.id,
                                                             ReportSchedule.next_run_at == s.next_run_at)
                                .values(next_run_at=following).execution_options(synchronize_session=False))
        if moved.rowcount != 1:
            continue  # another worker took this run
        session.add(ReportDelivery(schedule_id=s.id, due_at=s.next_run_at))
        made += 1
    session.flush()
    return made


def _claim(session: Session, delivery_id: int, owner: str, now: dt.datetime) -> bool:
    stmt = (update(ReportDelivery)
            .where(ReportDelivery.id == delivery_id, ReportDelivery.sent_at.is_(None),
                   or_(ReportDelivery.claimed_until.is_(None), ReportDelivery.claimed_until < now))
            .values(claimed_by=owner, claimed_until=now + dt.timedelta(seconds=CLAIM_SECONDS),
                    attempts=ReportDelivery.attempts + 1)
            .execution_options(synchronize_session=False))
    return session.execute(stmt).rowcount == 1


def deliver_pending(app, owner: str, now: dt.datetime) -> int:
    """Make, send and mark each unsent delivery this worker claims; answers how many were sent."""
    from ...http import system_session

    session = system_session(app, "reports")
    try:
        with unit_of_work(session):
            pending = list(session.execute(
                select(ReportDelivery.id).where(ReportDelivery.sent_at.is_(None),
                                                ReportDelivery.attempts < MAX_ATTEMPTS,
                                                or_(ReportDelivery.claimed_until.is_(None),
                                                    ReportDelivery.claimed_until < now))
                .order_by(ReportDelivery.id)).scalars())
        sent = 0
        for delivery_id in pending:
            with unit_of_work(session):
                if not _claim(session, delivery_id, owner, now):
                    continue  # another worker has it
            try:
                rows = _deliver(app, session, delivery_id)
            except Exception as exc:  # noqa: BLE001 - any failure is recorded and retried later
                session.rollback()
                log.exception("scheduled report delivery %s failed", delivery_id)
                with unit_of_work(session):
                    session.execute(update(ReportDelivery).where(ReportDelivery.id == delivery_id,
                                                                 ReportDelivery.claimed_by == owner)
                                    .values(claimed_until=None, last_error=str(exc)[:2000])
                                    .execution_options(synchronize_session=False))
                continue
            sent += rows is not None
        return sent
    finally:
        session.close()


def run_due(app, owner: str, now: dt.datetime | None = None) -> int:
    """One round: enqueue what is due, then deliver what is pending. Answers the deliveries sent."""
    from ...http import system_session

    now = now or utcnow()
    settings = app.extensions["aftercare.settings"]
    session = system_session(app, "reports")
    try:
        with reading():  # most rounds find nothing to do: they only read (on SQLite, no write lock)
            with unit_of_work(session):
                due = session.execute(select(ReportSchedule.id).where(ReportSchedule.next_run_at <= now).limit(1)).first()
                pending = session.execute(select(ReportDelivery.id).where(ReportDelivery.sent_at.is_(None),
                                                                          ReportDelivery.attempts < MAX_ATTEMPTS)
                                          .limit(1)).first()
        if due is None and pending is None:
            return 0
        if due is not None:
            with unit_of_work(session):
                enqueue_due(session, now, settings.timezone)
    finally:
        session.close()
    return deliver_pending(app, owner, now)


def _owner_principal(session: Session, report: SavedReport) -> Principal:
    user = session.get(User, report.owner_id)
    if user is None or not user.active:
        raise RuntimeError("the report's owner is deactivated: nothing is sent in their name")
    return principal_for(session, user)


def _deliver(app, session: Session, delivery_id: int) -> int | None:
    """Make the delivery's workbook, mail it and/or drop it, mark it sent and audit it."""
    settings = app.extensions["aftercare.settings"]
    with unit_of_work(session):  # read, then let go: the workbook is read in a transaction of its own
        delivery = session.get(ReportDelivery, delivery_id)
        schedule = session.get(ReportSchedule, delivery.schedule_id)
        report = session.get(SavedReport, schedule.report_id)
        owner = _owner_principal(session, report)
    path, rows, day = _workbook(app, owner, report, schedule, delivery.due_at)
    try:
        name = f"{_UNSAFE.sub('_', report.name).strip() or 'report'}-{day.isoformat()}.xlsx"
        if schedule.recipients:
            _mail(settings, schedule, report, path, name, day)
        if schedule.drop:
            _drop(settings.reports_drop_dir, path, name)
    finally:
        os.unlink(path)
    worker = get_principal(session)
    set_principal(session, owner)  # the export is audited in the owner's name, as if they had made it
    with unit_of_work(session):
        marked = session.execute(update(ReportDelivery).where(ReportDelivery.id == delivery_id,
                                                              ReportDelivery.sent_at.is_(None))
                                 .values(sent_at=utcnow(), rows=rows, last_error="")
                                 .execution_options(synchronize_session=False))
        record_audit(session, "custom_report.scheduled_export", entity_type="saved_report", entity_id=report.id,
                     after={"source": report.spec.get("source"), "rows": rows, "recipients": list(schedule.recipients),
                            "drop": schedule.drop, "due_at": delivery.due_at.isoformat()})
    set_principal(session, worker)
    return rows if marked.rowcount == 1 else None


def _workbook(app, owner: Principal, report: SavedReport, schedule: ReportSchedule,
              due: dt.datetime) -> tuple[str, int, dt.date]:
    """The saved report as its owner would export it now (scoped to what the owner sees)."""
    from ...exports import _tmpdir
    from ..database import read_session
    from .excel import write_report
    from .query import Report
    from .registry import label, sources
    from .spec import ReportSpec

    settings = app.extensions["aftercare.settings"]
    spec = dict(report.spec)
    day = due.astimezone(ZoneInfo(settings.timezone)).date()
    if schedule.period == "previous":
        since, until = period_of(schedule.frequency, due, settings.timezone)
        spec["date_range"] = {**(spec.get("date_range") or {}), "since": since.isoformat(), "until": until.isoformat()}
    loaded = ReportSpec().load(spec)
    src = sources()[loaded["source"]]
    if not owner.can("report.view") or not owner.can(src.permission):
        raise RuntimeError(f"the report's owner no longer holds report.view and {src.permission}")
    # A read like a GET's: on SQLite it begins deferred and never queues for the write lock. The app
    # context ends the scoped sessions read_session() hands out.
    with app.app_context(), reading():
        session = read_session(owner)
        try:
            built = Report(session, loaded, lang=schedule.lang, timezone=settings.timezone)
            columns = built.columns()
            rows, _facts = built.rows(limit=None)
            tmp = _tmpdir()
            fd, path = tempfile.mkstemp(prefix="aftercare-scheduled-", suffix=".xlsx", dir=tmp)
            os.close(fd)
            try:
                written = write_report(path, tmp, columns, built.presented(rows, columns), depth=built.depth,
                                       lang=schedule.lang, timezone=settings.timezone, title=report.name or
                                       label(src.label, schedule.lang))
            except BaseException:
                os.unlink(path)
                raise
        finally:
            session.rollback()
    return path, written, day


def _mail(settings, schedule: ReportSchedule, report: SavedReport, path: str, name: str, day: dt.date) -> None:
    msg = EmailMessage()
    zh = schedule.lang == "zh-CN"
    msg["Subject"] = f"{'报表' if zh else 'Report'}: {report.name} ({day.isoformat()})"
    msg["From"] = settings.smtp_from
    msg["To"] = ", ".join(schedule.recipients)
    msg["Message-ID"] = f"<{uuid.uuid4()}@aftercare>"
    msg.set_content(f"{report.name}\n\n" + ("附件是定时报表（Excel）。" if zh else "The scheduled report is attached (Excel)."))
    with open(path, "rb") as f:
        msg.add_attachment(f.read(), maintype=XLSX[0], subtype=XLSX[1], filename=name)
    url = urlsplit(settings.smtp_url)
    secure = url.scheme == "smtps"
    port = url.port or (465 if secure else 25)
    client = smtplib.SMTP_SSL(url.hostname, port, timeout=60) if secure else smtplib.SMTP(url.hostname, port, timeout=60)
    with client:
        if not secure:
            client.ehlo()
            if client.has_extn("starttls"):
                client.starttls()
                client.ehlo()
        if url.username:
            client.login(unquote(url.username), unquote(url.password or ""))
        client.send_message(msg)


def _drop(directory: str, path: str, name: str) -> None:
    """Into the directory whole or not at all: written beside, then renamed (a reader never sees half)."""
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".aftercare-", suffix=".xlsx.part", dir=directory)
    try:
        with os.fdopen(fd, "wb") as out, open(path, "rb") as f:
            while block := f.read(1 << 20):
                out.write(block)
        os.replace(tmp, os.path.join(directory, name))
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


@contextlib.contextmanager
def reading():
    token = sqlite_read_only.set(True)
    try:
        yield
    finally:
        sqlite_read_only.reset(token)


class ReportScheduler:
    """Runs ``run_due`` every ``interval`` seconds in a thread of the server (``aftercare run``)."""

    def __init__(self, app, owner: str | None = None, interval: float = 30.0):
        self.app = app
        self.owner = owner or f"reports-{uuid.uuid4().hex[:12]}"
        self.interval = interval
        self.stop_event = threading.Event()
        self.thread = threading.Thread(target=self._run, name="report-scheduler", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.stop_event.set()
        self.thread.join(timeout=10)

    def _run(self) -> None:
        while not self.stop_event.is_set():
            try:
                run_due(self.app, self.owner)
            except Exception:  # noqa: BLE001 - the next round tries again
                log.exception("scheduled reports round failed")
            self.stop_event.wait(self.interval)
