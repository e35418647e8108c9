"""反审核 (spec §16.1): an administrator, switched into a service point, un-audits an audited repair
order. Who may, both identities in the audit log, the order's state after, bad input; SQLite and
PostgreSQL."""

from __future__ import annotations

import dataclasses

import pytest
from server.repair import operations as ops
from server.repair import statemachine as sm

from .conftest import row_counts
from .repair_fixtures import SIG, intake_body, rw  # noqa: F401
from .stock_fixtures import world  # noqa: F401


def _post(client, headers, oid, event, expect=200, **body):
    r = client.post(f"/api/repair/orders/{oid}/{event.replace('_', '-')}", json=body, headers=headers)
    assert r.status_code == expect, (event, r.status_code, r.json)
    return r.json


def _audited(client, net, w, *, follow_up=True) -> str:
    """An order of SZ01 taken in, returned unrepaired, picked up, (followed up) and audited."""
    r = client.post("/api/repair/orders", json=intake_body(w), headers=net.headers("sz01.clerk"))
    assert r.status_code == 201, r.json
    oid = r.json["order"]["id"]
    clerk, manager = net.headers("sz01.clerk"), net.headers("sz01.manager")
    _post(client, clerk, oid, "return_unrepaired", reason="客户取回")
    _post(client, clerk, oid, "pickup", signature=SIG)
    if follow_up:
        _post(client, manager, oid, "follow_up", satisfaction=5)
        _post(client, manager, oid, "audit")
    else:
        _post(client, manager, oid, "audit_without_followup")
    return oid


def test_the_machine_goes_back_to_where_the_order_was():
    t = sm.TRANSITIONS["unaudit"]
    assert t.online and t.permission == "repair.unaudit"
    with pytest.raises(Exception) as err:
        sm.check(sm.AUDITED, "unaudit", sm.Facts())
    assert err.value.errors == {"state": ["acting_admin"]}
    assert sm.check(sm.AUDITED, "unaudit", sm.Facts(acting_admin=True)) == sm.COMPLETED
    assert sm.check(sm.AUDITED, "unaudit", sm.Facts(acting_admin=True, followed_up=True)) == sm.FOLLOWED_UP
    event = next(e for e in sm.export()["events"] if e["event"] == "unaudit")
    assert event["to_if"] == {"fact": "followed_up", "to": "followed_up"} and event["online"] is True


def test_only_administrators_hold_the_permission():
    from server.auth.permissions import GRANTS

    assert [r for r, perms in GRANTS.items() if "repair.unaudit" in perms] == ["admin"]


def test_a_switched_admin_unaudits_and_both_identities_are_recorded(client, net, rw, app):
    oid = _audited(client, net, rw)
    as_manager = net.headers("sz01.manager", acting_for="admin")
    detail = client.get(f"/api/repair/orders/{oid}", headers=as_manager).json
    assert "unaudit" in detail["allowed_events"] and detail["facts"]["acting_admin"] is True
    body = _post(client, as_manager, oid, "unaudit", reason="审核时漏录配件")
    order = body["order"]
    assert order["state"] == "followed_up"  # it had been followed up
    last = body["transitions"][-1]
    assert last["event"] == "unaudit" and last["from_state"] == "audited" and last["to_state"] == "followed_up"
    assert last["data"] == {"reason": "审核时漏录配件", "acting_admin": "admin"}
    rows = client.get("/api/audit-log?action=repair_order.unaudit", headers=net.headers("admin")).json["items"]
    assert len(rows) == 1
    row = rows[0]
    assert (row["username"], row["actor_username"]) == ("sz01.manager", "admin")
    assert (row["user_id"], row["actor_id"]) == (str(net.users["sz01.manager"].id), str(net.users["admin"].id))
    assert row["entity_id"] == oid and row["before"] == {"state": "audited"}
    assert row["after"]["state"] == "followed_up" and row["after"]["reason"] == "审核时漏录配件"
    # Reopened: it is audited again by the point's own people.
    again = _post(client, net.headers("sz01.manager"), oid, "audit")
    assert again["order"]["state"] == "audited"


def test_an_order_audited_without_follow_up_goes_back_to_completed(client, net, rw, monkeypatch):
    real = ops.repair_settings
    monkeypatch.setattr(ops, "repair_settings", lambda s: dataclasses.replace(real(s), repair_followup_optional=True))
    oid = _audited(client, net, rw, follow_up=False)
    body = _post(client, net.headers("sz01.clerk", acting_for="admin"), oid, "unaudit", reason="结算金额有误")
    assert body["order"]["state"] == "completed"


def test_who_may_not_unaudit(client, net, rw, app):
    oid = _audited(client, net, rw)
    before = row_counts(app)
    # The point's own manager and headquarters' manager lack the permission.
    for user in ("sz01.manager", "hq"):
        r = client.post(f"/api/repair/orders/{oid}/unaudit", json={"reason": "x"}, headers=net.headers(user))
        assert r.status_code == 403, (user, r.json)
    # The administrator at headquarters, not switched into the point: refused with the guard's reason.
    refused = _post(client, net.headers("admin"), oid, "unaudit", expect=409, reason="x")
    assert refused["errors"] == {"state": ["acting_admin"]}
    # Switched into another point, the order is not there.
    _post(client, net.headers("gz01.manager", acting_for="admin"), oid, "unaudit", expect=404, reason="x")
    assert row_counts(app) == before
    assert client.get(f"/api/repair/orders/{oid}", headers=net.headers("sz01.clerk")).json["order"]["state"] == "audited"


def test_bad_input_changes_nothing(client, net, rw, app):
    oid = _audited(client, net, rw)
    h = net.headers("sz01.manager", acting_for="admin")
    before = row_counts(app)
    missing = _post(client, h, oid, "unaudit", expect=422)
    assert "reason" in missing["errors"]
    blank = _post(client, h, oid, "unaudit", expect=422, reason="   ")
    assert "reason" in blank["errors"]
    too_long = _post(client, h, oid, "unaudit", expect=422, reason="x" * 301)
    assert "reason" in too_long["errors"]
    unknown = _post(client, h, oid, "unaudit", expect=422, reason="x", state="completed")
    assert "state" in unknown["errors"]
    assert row_counts(app) == before
    # An order that is not audited cannot be un-audited.
    r = client.post("/api/repair/orders", json=intake_body(rw), headers=net.headers("sz01.clerk"))
    refused = _post(client, h, r.json["order"]["id"], "unaudit", expect=409, reason="x")
    assert "state" in refused["errors"]
