"""Scheduled reports (issue 20 part 4) on SQLite and PostgreSQL: a saved report's schedule through the
API, a due run made once however many workers run it, the workbook mailed to a real SMTP server on
this machine (aiosmtpd) and read back with openpyxl, dropped into the directory; bad schedules refused
naming the field; when a schedule is next due, in business time."""

from __future__ import annotations

import dataclasses
import datetime as dt
import email
import email.policy
import io
import socket
import threading

import openpyxl
import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select, update

from server.core.models import AuditLog
from server.db import unit_of_work
from server.reports.custom.models import ReportDelivery, ReportSchedule
from server.reports.custom.schedule import next_run, period_of, run_due

from .conftest import row_counts
from .stock_fixtures import receipt, world  # noqa: F401

SAVED = "/api/reports/custom/saved"
UTC = dt.timezone.utc
SPEC = {"source": "stock_document_lines", "groupings": [{"field": "org"}, {"field": "item"}],
        "measures": [{"fn": "sum", "field": "quantity"}, {"fn": "count"}]}


class Sink:
    def __init__(self):
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append(envelope)
        return "250 OK"


@pytest.fixture(scope="module")
def smtp():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    sink = Sink()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    sink.url = f"smtp://127.0.0.1:{port}"
    yield sink
    controller.stop()


@pytest.fixture
def mail(app, smtp, tmp_path, monkeypatch):
    """The app with a mail server and a drop directory configured (and the sink emptied)."""
    smtp.messages.clear()
    configured = dataclasses.replace(app.extensions["aftercare.settings"], smtp_url=smtp.url,
                                     reports_drop_dir=str(tmp_path / "drop"))
    monkeypatch.setitem(app.extensions, "aftercare.settings", configured)
    return smtp


@pytest.fixture
def saved(client, net, world):
    receipt(world, "screen", 3, "400")
    receipt(world, "battery", 5, "100")
    r = client.post(SAVED, json={"name": "收货/日报", "spec": SPEC}, headers=net.headers("hq"))
    assert r.status_code == 201, r.json
    return r.json["id"]


def test_a_due_run_is_mailed_and_dropped_once(client, net, saved, mail, app, tmp_path):
    r = client.put(f"{SAVED}/{saved}/schedule", headers=net.headers("hq"), json={
        "frequency": "daily", "at": "07:30", "recipients": ["boss@example.com", "ops@example.com"], "drop": True,
        "period": "saved"})
    assert r.status_code == 200, r.json
    due = dt.datetime.fromisoformat(r.json["next_run_at"])
    # 07:30 in Shanghai is 23:30 UTC the day before, and the next one is within a day.
    assert (due.hour, due.minute) == (23, 30) and dt.timedelta(0) < due - dt.datetime.now(UTC) <= dt.timedelta(days=1)
    assert client.get(f"{SAVED}/{saved}/schedule", headers=net.headers("sz01.manager")).status_code == 404  # not shared

    # Nothing before it is due; then two workers at once, and the first again: one run, one mail.
    assert run_due(app, "w1", due - dt.timedelta(seconds=1)) == 0 and mail.messages == []
    now = due + dt.timedelta(minutes=1)
    sent: list[int] = []
    workers = [threading.Thread(target=lambda o=o: sent.append(run_due(app, o, now))) for o in ("w1", "w2")]
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    assert sorted(sent) == [0, 1]
    assert run_due(app, "w3", now) == 0
    assert len(mail.messages) == 1
    envelope = mail.messages[0]
    assert sorted(envelope.rcpt_tos) == ["boss@example.com", "ops@example.com"]
    message = email.message_from_bytes(envelope.content, policy=email.policy.default)
    day = (due.astimezone(dt.timezone(dt.timedelta(hours=8)))).date().isoformat()
    assert message["Subject"] == f"报表: 收货/日报 ({day})"
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_filename() == f"收货_日报-{day}.xlsx"
    ws = openpyxl.load_workbook(io.BytesIO(attachment.get_content())).active
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    assert rows[0] == ["所属网点", "产品", "数量合计", "笔数"]
    assert rows[1:] == [["SZ01 网点", "Mate 60 屏幕总成", 3, 1], ["SZ01 网点", "Mate 60 电池", 5, 1],
                        ["SZ01 网点", "小计", 8, 2], ["合计", None, 8, 2]]
    dropped = openpyxl.load_workbook(tmp_path / "drop" / f"收货_日报-{day}.xlsx").active
    assert [[c.value for c in row] for row in dropped.iter_rows()] == rows

    s = net.session()
    try:
        deliveries = s.execute(select(ReportDelivery)).scalars().all()
        assert [(d.due_at, d.rows, d.attempts) for d in deliveries] == [(due, 4, 1)] and deliveries[0].sent_at
        assert s.execute(select(ReportSchedule.next_run_at)).scalar_one() == due + dt.timedelta(days=1)
        audit = s.execute(select(AuditLog.username, AuditLog.after).where(
            AuditLog.action == "custom_report.scheduled_export")).all()
        assert [(u, a["rows"], a["recipients"]) for u, a in audit] == [("hq", 4, ["boss@example.com", "ops@example.com"])]
    finally:
        s.close()
    # The schedule reads back; the next due time (a day later) mails again.
    got = client.get(f"{SAVED}/{saved}/schedule", headers=net.headers("hq")).json
    assert got["last_sent_at"] and got["next_run_at"] == (due + dt.timedelta(days=1)).isoformat()
    assert run_due(app, "w1", now + dt.timedelta(days=1)) == 1 and len(mail.messages) == 2
    assert client.delete(f"{SAVED}/{saved}/schedule", headers=net.headers("hq")).status_code == 204
    assert run_due(app, "w1", now + dt.timedelta(days=9)) == 0


def test_a_previous_period_run_reports_the_period_just_ended(client, net, world, mail, app):
    """Each run of a daily schedule reports the business day that ended before it (its due time's)."""
    receipt(world, "screen", 2, "400")  # dated 2026-11-20
    r = client.post(SAVED, json={"name": "daily", "spec": SPEC}, headers=net.headers("sz01.manager"))
    rid = r.json["id"]
    r = client.put(f"{SAVED}/{rid}/schedule", headers=net.headers("sz01.manager"),
                   json={"frequency": "daily", "at": "00:05", "recipients": ["a@example.com"]})
    assert r.status_code == 200 and r.json["period"] == "previous"
    # Due on 21 November at 00:05 in Shanghai: the report of the 20th.
    due = dt.datetime(2026, 11, 20, 16, 5, tzinfo=UTC)
    s = net.session()
    with unit_of_work(s):
        s.execute(update(ReportSchedule).values(next_run_at=due))
    s.close()

    def mailed(k):
        message = email.message_from_bytes(mail.messages[k].content, policy=email.policy.default)
        ws = openpyxl.load_workbook(io.BytesIO(next(message.iter_attachments()).get_content())).active
        return [[c.value for c in row] for row in ws.iter_rows(min_row=2)]

    assert run_due(app, "w1", due) == 1
    assert mailed(0)[-1] == ["合计", None, 2, 1]
    assert run_due(app, "w1", due + dt.timedelta(days=1)) == 1  # the 21st's: nothing received
    assert mailed(1) == [["合计", None, 0, 0]]


def test_bad_schedules_are_refused_naming_the_field(client, net, saved, mail, app, monkeypatch):
    url = f"{SAVED}/{saved}/schedule"
    ok = {"frequency": "weekly", "at": "08:00", "weekday": 1, "recipients": ["a@example.com"]}
    before = row_counts(app)
    for change, field in (({"frequency": "hourly"}, "frequency"), ({"at": "24:00"}, "at"), ({"at": "8"}, "at"),
                          ({"weekday": None}, "weekday"), ({"weekday": 8}, "weekday"),
                          ({"frequency": "daily"}, "weekday"), ({"frequency": "monthly", "weekday": None}, "day"),
                          ({"frequency": "monthly", "weekday": None, "day": 0}, "day"),
                          ({"recipients": ["not-an-address"]}, "recipients"), ({"recipients": []}, "recipients"),
                          ({"period": "last"}, "period"), ({"lang": "fr"}, "lang"), ({"extra": 1}, "extra")):
        r = client.put(url, json={**ok, **change}, headers=net.headers("hq"))
        assert r.status_code == 422, (change, r.json)
        assert any(k == field or k.startswith(field + ".") for k in r.json["errors"]), (change, r.json["errors"])
    # Not configured: no mail server, no drop directory.
    monkeypatch.setitem(app.extensions, "aftercare.settings", dataclasses.replace(
        app.extensions["aftercare.settings"], smtp_url="", reports_drop_dir=""))
    assert client.put(url, json=ok, headers=net.headers("hq")).json["errors"] == {
        "recipients": ["no mail server is configured (AFTERCARE_SMTP_URL)"]}
    r = client.put(url, json={**ok, "recipients": [], "drop": True}, headers=net.headers("hq"))
    assert r.status_code == 422 and list(r.json["errors"]) == ["drop"]
    # Someone else's report, or no report.design: refused.
    assert client.put(url, json=ok, headers=net.headers("sz01.manager")).status_code == 404
    assert client.put(url, json=ok, headers=net.headers("sz01.clerk")).status_code == 403
    assert row_counts(app) == before


def test_when_a_schedule_is_due():
    tz = "Asia/Shanghai"
    at = dt.datetime(2027, 1, 31, 16, 0, tzinfo=UTC)  # Monday 1 February 2027, 00:00 in Shanghai
    assert next_run("daily", "08:00", None, None, at, tz) == dt.datetime(2027, 2, 1, 0, 0, tzinfo=UTC)
    assert next_run("weekly", "08:00", 1, None, at, tz) == dt.datetime(2027, 2, 1, 0, 0, tzinfo=UTC)
    assert next_run("weekly", "08:00", 7, None, at, tz) == dt.datetime(2027, 2, 7, 0, 0, tzinfo=UTC)
    # The 31st of February is its last day; a time just passed is next month's.
    assert next_run("monthly", "23:30", None, 31, at, tz) == dt.datetime(2027, 2, 28, 15, 30, tzinfo=UTC)
    assert next_run("monthly", "00:00", None, 1, at, tz) == dt.datetime(2027, 2, 28, 16, 0, tzinfo=UTC)
    assert period_of("daily", at, tz) == (dt.date(2027, 1, 31), dt.date(2027, 1, 31))
    assert period_of("weekly", at, tz) == (dt.date(2027, 1, 25), dt.date(2027, 1, 31))
    assert period_of("monthly", at, tz) == (dt.date(2027, 1, 1), dt.date(2027, 1, 31))
