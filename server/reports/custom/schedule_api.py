"""定时报表 Scheduled reports: /api/reports/custom/saved/<id>/schedule (read, set, remove).

Reading needs ``report.view`` and the saved report in reach; setting and removing need
``report.design`` and the report to be one's own. The runs themselves are ``schedule.run_due``'s.
"""

from __future__ import annotations

import marshmallow as ma

from ...errors import NotFound
from ...http import Blueprint, Schema, db_session, permission, settings
from . import operations as ops
from .schedule import FREQUENCIES, PERIODS, delete_schedule, get_schedule, set_schedule

blp = Blueprint("reports_schedule", __name__, url_prefix="/api/reports/custom/saved",
                description="定时报表 Scheduled reports: a saved report mailed or dropped as Excel on a schedule")

_HHMM = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"


class ScheduleIn(Schema):
    frequency = ma.fields.String(required=True, validate=[ma.validate.Length(max=8), ma.validate.OneOf(FREQUENCIES)],
                    metadata={"description": "daily, weekly or monthly"})
    at = ma.fields.String(required=True, validate=[ma.validate.Length(max=5), ma.validate.Regexp(
        _HHMM, error="a time of day as HH:MM (00:00 to 23:59)")],
             metadata={"description": "The time of day it runs, business time (AFTERCARE_TIMEZONE), HH:MM"})
    weekday = ma.fields.Integer(allow_none=True, load_default=None, validate=ma.validate.Range(1, 7),
                                metadata={"description": "Weekly: 1 Monday … 7 Sunday"})
    day = ma.fields.Integer(allow_none=True, load_default=None, validate=ma.validate.Range(1, 31),
                            metadata={"description": "Monthly: the day of the month (past the month's end: its last day)"})
    recipients = ma.fields.List(ma.fields.Email(validate=ma.validate.Length(max=254)), load_default=list,
                                validate=ma.validate.Length(max=20), metadata={"description": "Mailed to (at most 20)"})
    drop = ma.fields.Boolean(load_default=False,
                             metadata={"description": "Drop the workbook into AFTERCARE_REPORTS_DROP_DIR"})
    period = ma.fields.String(load_default="previous", validate=[ma.validate.Length(max=8), ma.validate.OneOf(PERIODS)],
                 metadata={"description": "previous: each run reports the day, week or month just ended; "
                                          "saved: the saved spec's own date range"})
    lang = ma.fields.String(load_default="zh-CN", validate=[ma.validate.Length(max=8), ma.validate.OneOf(("zh-CN", "en"))],
               metadata={"description": "The workbook's and the mail's language"})


class ScheduleOut(Schema):
    report_id = ma.fields.UUID()
    frequency = ma.fields.String()
    at = ma.fields.String()
    weekday = ma.fields.Integer(allow_none=True)
    day = ma.fields.Integer(allow_none=True)
    recipients = ma.fields.List(ma.fields.String())
    drop = ma.fields.Boolean()
    period = ma.fields.String()
    lang = ma.fields.String()
    timezone = ma.fields.String()
    next_run_at = ma.fields.DateTime(metadata={"description": "The next run, UTC"})
    last_sent_at = ma.fields.DateTime(allow_none=True)
    last_error = ma.fields.String(allow_none=True)


def _out(schedule) -> dict:
    from sqlalchemy import select

    from .models import ReportDelivery

    last = db_session().execute(select(ReportDelivery).where(ReportDelivery.schedule_id == schedule.id)
                                .order_by(ReportDelivery.id.desc()).limit(1)).scalar_one_or_none()
    return {"report_id": schedule.report_id, "frequency": schedule.frequency, "at": schedule.at,
            "weekday": schedule.weekday, "day": schedule.day, "recipients": schedule.recipients, "drop": schedule.drop,
            "period": schedule.period, "lang": schedule.lang, "timezone": settings().timezone,
            "next_run_at": schedule.next_run_at, "last_sent_at": last.sent_at if last else None,
            "last_error": (last.last_error or None) if last else None}


@blp.route("/<uuid:report_id>/schedule", methods=["GET"])
@permission("report.view")
@blp.response(200, ScheduleOut)
def read_schedule(report_id):
    """The saved report's schedule (404 when it has none), its next run and how the last went."""
    session = db_session()
    schedule = get_schedule(session, ops.get_saved(session, report_id))
    if schedule is None:
        raise NotFound("this report has no schedule", {"report_id": ["this report has no schedule"]})
    return _out(schedule)


@blp.route("/<uuid:report_id>/schedule", methods=["PUT"])
@permission("report.design")
@blp.arguments(ScheduleIn)
@blp.response(200, ScheduleOut)
def put_schedule(data, report_id):
    """Schedule one's own saved report, or change its schedule: daily, weekly or monthly at a time of
    day (business time), mailed to recipients and/or dropped as Excel. Audited."""
    session = db_session()
    schedule = set_schedule(session, ops.get_saved(session, report_id), data, settings())
    session.commit()
    return _out(schedule)


@blp.route("/<uuid:report_id>/schedule", methods=["DELETE"])
@permission("report.design")
@blp.response(204)
def remove_schedule(report_id):
    """Stop scheduling one's own saved report. Audited."""
    session = db_session()
    delete_schedule(session, ops.get_saved(session, report_id))
    session.commit()
    return ""
