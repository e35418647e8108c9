"""Switch user (spec §16.1): both identities in the token and in every audit record."""

from __future__ import annotations

import jwt

from .conftest import PASSWORD


def _switch(client, net, target="sz01.clerk"):
    net.add_user("root", "HQ", ["admin"], password=PASSWORD)
    pair = client.post("/api/auth/login", json={"username": "root", "password": PASSWORD}).json
    admin_h = {"Authorization": f"Bearer {pair['access_token']}"}
    r = client.post("/api/auth/switch-user", json={"user_id": str(net.users[target].id)}, headers=admin_h)
    assert r.status_code == 200, r.json
    return pair, r.json


def test_switched_token_carries_both_identities(client, net, app):
    _, switched = _switch(client, net)
    claims = jwt.decode(switched["access_token"], app.extensions["aftercare.settings"].jwt_secret,
                        algorithms=["HS256"], issuer="aftercare")
    assert claims["sub"] == str(net.users["sz01.clerk"].id)
    assert claims["act"] == {"sub": str(net.users["root"].id)}
    assert switched["user"]["username"] == "sz01.clerk" and switched["acting_for"]["username"] == "root"
    me = client.get("/api/auth/me", headers={"Authorization": f"Bearer {switched['access_token']}"}).json
    assert me["user"]["username"] == "sz01.clerk" and me["acting_for"]["username"] == "root"
    assert me["sees_all_organisations"] is False  # acting inside the service point


def test_actions_while_switched_record_both_and_are_scoped(client, net):
    _, switched = _switch(client, net, target="sz01.manager")
    h = {"Authorization": f"Bearer {switched['access_token']}"}
    # Scope is the service point's: another point's users are invisible...
    assert client.get(f"/api/users/{net.users['gz01.clerk'].id}", headers=h).status_code == 404
    # ...while the service point's own can be changed, and the audit names both people.
    r = client.patch(f"/api/users/{net.users['sz01.clerk'].id}", json={"full_name": "王芳"}, headers=h)
    assert r.status_code == 200
    log = client.get("/api/audit-log?action=user.update", headers=net.headers("admin")).json["items"]
    assert len(log) == 1
    assert log[0]["username"] == "sz01.manager" and log[0]["actor_username"] == "root"
    assert log[0]["user_id"] == str(net.users["sz01.manager"].id) and log[0]["actor_id"] == str(net.users["root"].id)
    switch_rows = client.get("/api/audit-log?action=auth.switch_user", headers=net.headers("admin")).json["items"]
    assert switch_rows[0]["after"] == {"acting_as": "sz01.manager", "actor": "root"}


def test_refresh_keeps_the_switch_and_leave_returns_to_admin(client, net):
    _, switched = _switch(client, net)
    refreshed = client.post("/api/auth/refresh", json={"refresh_token": switched["refresh_token"]}).json
    assert refreshed["user"]["username"] == "sz01.clerk" and refreshed["acting_for"]["username"] == "root"
    h = {"Authorization": f"Bearer {refreshed['access_token']}"}
    back = client.post("/api/auth/switch-user/leave", json={"refresh_token": refreshed["refresh_token"]}, headers=h)
    assert back.status_code == 200
    assert back.json["user"]["username"] == "root" and back.json["acting_for"] is None
    # The switched session is over.
    assert client.post("/api/auth/refresh", json={"refresh_token": refreshed["refresh_token"]}).status_code == 401
    me = client.get("/api/auth/me", headers={"Authorization": f"Bearer {back.json['access_token']}"}).json
    assert me["sees_all_organisations"] is True and me["acting_for"] is None
    actions = [a["action"] for a in client.get("/api/audit-log?entity_type=user_account", headers=net.headers("admin")).json["items"]]
    assert actions[:2] == ["auth.leave_switch", "auth.switch_user"]


def test_only_admins_switch_and_never_into_another_admin(client, net):
    r = client.post("/api/auth/switch-user", json={"user_id": str(net.users["sz01.clerk"].id)}, headers=net.headers("hq"))
    assert r.status_code == 403
    net.add_user("admin2", "HQ", ["admin"])
    r = client.post("/api/auth/switch-user", json={"user_id": str(net.users["admin2"].id)}, headers=net.headers("admin"))
    assert r.status_code == 422 and "user_id" in r.json["errors"]
    r = client.post("/api/auth/switch-user/leave", json={}, headers=net.headers("sz01.clerk"))
    assert r.status_code == 422


def test_switched_token_dies_when_the_admin_loses_the_role(client, net):
    _, switched = _switch(client, net)
    h = {"Authorization": f"Bearer {switched['access_token']}"}
    assert client.get("/api/auth/me", headers=h).status_code == 200
    r = client.patch(f"/api/users/{net.users['root'].id}", json={"roles": ["hq_manager"]}, headers=net.headers("admin"))
    assert r.status_code == 200
    assert client.get("/api/auth/me", headers=h).status_code == 401
