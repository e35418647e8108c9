"""Organisation scoping: a service point sees and changes only its own records (404 otherwise)."""

from __future__ import annotations


def test_service_point_lists_only_its_own_users(client, net):
    r = client.get("/api/users", headers=net.headers("sz01.manager"))
    assert r.status_code == 200
    assert {u["username"] for u in r.json["items"]} == {"sz01.manager", "sz01.clerk", "sz01.finance"}
    # A filter naming another organisation does not widen the scope.
    r = client.get(f"/api/users?org_id={net.orgs['GZ01'].id}", headers=net.headers("sz01.manager"))
    assert r.json["items"] == [] and r.json["total"] == 0


def test_headquarters_sees_every_organisation(client, net):
    r = client.get("/api/users?page_size=200", headers=net.headers("hq"))
    assert r.json["total"] == len(net.users)


def test_other_service_points_records_are_not_found(client, net):
    other = net.users["gz01.clerk"].id
    h = net.headers("sz01.manager")
    assert client.get(f"/api/users/{other}", headers=h).status_code == 404
    assert client.patch(f"/api/users/{other}", json={"full_name": "X"}, headers=h).status_code == 404
    assert client.post(f"/api/users/{other}/password", json={"password": "another-pass-1"}, headers=h).status_code == 404
    assert client.post(f"/api/users/{other}/unlock", headers=h).status_code == 404
    s = net.session()
    from server.auth.models import User

    assert s.get(User, other).full_name == "Gz01.Clerk"
    s.close()


def test_service_point_cannot_create_users_elsewhere_or_grant_hq_roles(client, net):
    h = net.headers("sz01.manager")
    base = {"username": "newbie", "full_name": "新人", "password": "welcome-123", "roles": ["clerk"]}
    r = client.post("/api/users", json={**base, "org_id": str(net.orgs["GZ01"].id)}, headers=h)
    assert r.status_code == 403 and "org_id" in r.json["errors"]
    r = client.post("/api/users", json={**base, "roles": ["hq_manager"]}, headers=h)
    assert r.status_code == 422 and "roles" in r.json["errors"]
    r = client.post("/api/users", json=base, headers=h)
    assert r.status_code == 201 and r.json["org_id"] == str(net.orgs["SZ01"].id)


def test_audit_log_is_scoped(client, net):
    client.patch(f"/api/users/{net.users['gz01.clerk'].id}", json={"phone": "13800000000"}, headers=net.headers("gz01.manager"))
    client.patch(f"/api/users/{net.users['sz01.clerk'].id}", json={"phone": "13900000000"}, headers=net.headers("sz01.manager"))
    sz = client.get("/api/audit-log", headers=net.headers("sz01.manager")).json["items"]
    assert [a["entity_id"] for a in sz] == [str(net.users["sz01.clerk"].id)]
    assert client.get("/api/audit-log", headers=net.headers("admin")).json["total"] == 2


def test_lower_level_point_does_not_see_its_parent(client, net):
    net.add_user("sz02.manager", "SZ02", ["sp_manager"])
    r = client.get(f"/api/users/{net.users['sz01.clerk'].id}", headers=net.headers("sz02.manager"))
    assert r.status_code == 404
    r = client.get(f"/api/users/{net.users['sz02.manager'].id}", headers=net.headers("sz01.manager"))
    assert r.status_code == 404
