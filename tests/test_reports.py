"""The back-office dashboard (GET /api/reports/dashboard) on SQLite and PostgreSQL: orders by
state, turnaround from known timestamps (weeks and days in the business time zone), comebacks,
organisation scoping and the permission."""

from __future__ import annotations

import datetime as dt
import uuid
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import update

from server.repair.models import RepairOrder

from .repair_fixtures import SIG, rw  # noqa: F401
from .stock_fixtures import imei, world  # noqa: F401
from .test_repair import fire
from .test_repair import take_in as _take_in

CN = ZoneInfo("Asia/Shanghai")
PERIOD = {"since": "2026-03-02", "until": "2026-03-15"}  # two weeks, Monday to Sunday


def at(text: str) -> dt.datetime:
    """A wall-clock time in Shanghai ('2026-03-02 10:00') as an aware datetime."""
    return dt.datetime.fromisoformat(text).replace(tzinfo=CN)


def take_in(client, net, w, username="sz01.clerk", **kw):
    """An intake in warranty (no quotation needed) whatever the IMEI."""
    return _take_in(client, net, w, username, warranty_status_id=str(w.ids["IN"]), warranty_override_reason="发票在保", **kw)


def complete(client, net, w, oid: str) -> None:
    fire(client, net, oid, "accept", "sz01.engineer", engineer_id=str(w.ids["engineer"]))
    fire(client, net, oid, "start_repair", "sz01.engineer")
    fire(client, net, oid, "finish_repair", "sz01.engineer", repair_level_id=str(w.ids["level"]))
    fire(client, net, oid, "qc_pass", "sz01.qc")
    fire(client, net, oid, "pickup", "sz01.clerk", signature=SIG)


def set_times(w, oid: str, created: str, picked_up: str | None = None) -> None:
    values = {"created_at": at(created)}
    if picked_up:
        values["picked_up_at"] = at(picked_up)
    with w.open() as s:
        s.execute(update(RepairOrder).where(RepairOrder.id == uuid.UUID(oid)).values(**values))
        s.commit()


@pytest.fixture
def orders(client, net, rw):
    """SZ01: three repairs completed in the period (2, 5 and 1 days), one in repair, a comeback of
    the first, one taken in the evening before the period; GZ01: one new order."""
    o = {}
    o["A"] = take_in(client, net, rw, imei=imei(1))["order"]["id"]
    complete(client, net, rw, o["A"])
    # The same device again (the comeback of A): taken in before A's times are moved to March.
    again = take_in(client, net, rw, imei=imei(1))["order"]
    assert again["comeback_of_id"] == o["A"]
    o["E"] = again["id"]
    for key, n in (("B", 2), ("C", 3)):
        o[key] = take_in(client, net, rw, imei=imei(n))["order"]["id"]
        complete(client, net, rw, o[key])
    o["D"] = take_in(client, net, rw, imei=imei(4))["order"]["id"]
    fire(client, net, o["D"], "accept", "sz01.engineer", engineer_id=str(rw.ids["engineer"]))
    o["F"] = take_in(client, net, rw, imei=imei(6))["order"]["id"]
    o["G"] = take_in(client, net, rw, username="gz01.clerk", imei=imei(5))["order"]["id"]
    set_times(rw, o["A"], "2026-03-02 10:00", "2026-03-04 10:00")   # 2 days, week of 2 March
    set_times(rw, o["B"], "2026-03-03 09:00", "2026-03-08 09:00")   # 5 days, week of 2 March (Sunday)
    set_times(rw, o["C"], "2026-03-09 08:00", "2026-03-10 08:00")   # 1 day, week of 9 March
    set_times(rw, o["D"], "2026-03-10 12:00")
    set_times(rw, o["E"], "2026-03-11 15:00")
    set_times(rw, o["F"], "2026-03-01 23:30")   # 15:30 UTC on 1 March: before the period
    set_times(rw, o["G"], "2026-03-05 11:00")
    return o


def dashboard(client, net, username, **query):
    r = client.get("/api/reports/dashboard", query_string={**PERIOD, **query}, headers=net.headers(username))
    assert r.status_code == 200, r.json
    return r.json


def states(rows) -> dict[str, int]:
    return {r["state"]: r["count"] for r in rows if r["count"]}


def test_a_service_point_sees_its_own_numbers(client, net, rw, orders):
    d = dashboard(client, net, "sz01.manager")
    assert (d["since"], d["until"], d["timezone"]) == ("2026-03-02", "2026-03-15", "Asia/Shanghai")
    assert d["org_id"] == str(net.orgs["SZ01"].id)
    assert d["totals"] == {"intake": 5, "open": 3, "completed": 3, "median_days": 2.0, "comebacks": 1, "repairs": 3,
                           "comeback_rate": 0.3333}
    assert states(d["by_state"]) == {"pending_acceptance": 1, "pending_repair": 1, "completed": 3}
    assert [r["state"] for r in d["by_state"]][:2] == ["pending_acceptance", "pending_repair"]
    assert d["by_state"][0]["label"] == {"zh-CN": "待受理", "en": "Pending acceptance"}
    assert states(d["open_by_state"]) == {"pending_acceptance": 2, "pending_repair": 1}
    assert d["weeks"] == [
        {"week": "2026-03-02", "intake": 2, "completed": 2, "median_days": 3.5, "comebacks": 0},
        {"week": "2026-03-09", "intake": 3, "completed": 1, "median_days": 1.0, "comebacks": 1},
    ]
    assert d["by_org"] == [{"org_id": str(net.orgs["SZ01"].id), "code": "SZ01", "name": "SZ01 网点", "intake": 5,
                            "completed": 3, "median_days": 2.0, "comebacks": 1}]
    assert d["comebacks_by_engineer"] == [{"engineer_id": str(rw.ids["engineer"]),
                                           "code": "E1", "name": "张磊", "repairs": 3, "comebacks": 1, "rate": 0.3333}]
    # Another point's order is not counted, not even when asked for by its organisation.
    asked = dashboard(client, net, "sz01.manager", org_id=str(net.orgs["GZ01"].id))
    assert asked["org_id"] == str(net.orgs["SZ01"].id) and asked["totals"]["intake"] == 5
    gz = dashboard(client, net, "gz01.manager")
    assert gz["totals"] == {"intake": 1, "open": 1, "completed": 0, "median_days": None, "comebacks": 0, "repairs": 0,
                            "comeback_rate": 0.0}
    assert states(gz["by_state"]) == {"pending_acceptance": 1} and gz["comebacks_by_engineer"] == []


def test_headquarters_sees_every_point_or_one(client, net, orders):
    d = dashboard(client, net, "hq")
    assert d["org_id"] is None
    assert (d["totals"]["intake"], d["totals"]["open"], d["totals"]["completed"]) == (6, 4, 3)
    assert states(d["by_state"]) == {"pending_acceptance": 2, "pending_repair": 1, "completed": 3}
    assert [(o["code"], o["intake"], o["completed"], o["median_days"]) for o in d["by_org"]] == [
        ("GZ01", 1, 0, None), ("SZ01", 5, 3, 2.0)]
    assert [w["intake"] for w in d["weeks"]] == [3, 3]
    one = dashboard(client, net, "hq", org_id=str(net.orgs["GZ01"].id))
    assert one["org_id"] == str(net.orgs["GZ01"].id)
    assert (one["totals"]["intake"], one["totals"]["completed"], [o["code"] for o in one["by_org"]]) == (1, 0, ["GZ01"])
    assert dashboard(client, net, "admin")["totals"] == d["totals"]


def test_the_period_bounds_are_days_in_the_business_time_zone(client, net, orders):
    # The order taken in at 23:30 on 1 March (Shanghai) belongs to 1 March, not to the period.
    d = dashboard(client, net, "sz01.manager", since="2026-03-01", until="2026-03-01")
    assert d["totals"]["intake"] == 1 and [w["week"] for w in d["weeks"]] == ["2026-02-23"]
    d = dashboard(client, net, "sz01.manager", since="2026-03-08", until="2026-03-08")
    assert (d["totals"]["intake"], d["totals"]["completed"], d["totals"]["median_days"]) == (0, 1, 5.0)


def test_default_period_is_the_last_twelve_weeks(client, net, rw):
    r = client.get("/api/reports/dashboard", headers=net.headers("sz01.manager"))
    assert r.status_code == 200, r.json
    weeks = [dt.date.fromisoformat(w["week"]) for w in r.json["weeks"]]
    assert len(weeks) == 12 and all(w.weekday() == 0 for w in weeks)
    assert dt.date.fromisoformat(r.json["until"]) - weeks[-1] < dt.timedelta(days=7)
    assert r.json["totals"]["intake"] == 0 and r.json["totals"]["median_days"] is None


def test_permission_and_bad_input(client, net, rw):
    for user in ("sz01.clerk", "sz01.engineer", "sz01.finance"):
        r = client.get("/api/reports/dashboard", headers=net.headers(user))
        assert r.status_code == 403 and r.json["errors"] == {"permission": ["report.view"]}
    assert client.get("/api/reports/dashboard").status_code == 401
    r = client.get("/api/reports/dashboard", query_string={"since": "2026-03-10", "until": "2026-03-01"},
                   headers=net.headers("hq"))
    assert r.status_code == 422 and "since" in r.json["errors"]
    r = client.get("/api/reports/dashboard", query_string={"since": "2024-01-01", "until": "2026-03-01"},
                   headers=net.headers("hq"))
    assert r.status_code == 422 and "since" in r.json["errors"]
