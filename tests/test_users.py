"""User accounts and roles (spec §13.1)."""

from __future__ import annotations

from .conftest import PASSWORD


def test_create_update_and_list_users(client, net):
    h = net.headers("admin")
    r = client.post("/api/users", json={"username": "Li.Na", "full_name": "李娜", "password": PASSWORD,
                                        "org_id": str(net.orgs["GZ01"].id), "roles": ["engineer", "qc"],
                                        "phone": "13800138000", "language": "en"}, headers=h)
    assert r.status_code == 201, r.json
    user = r.json
    assert user["username"] == "li.na" and user["roles"] == ["engineer", "qc"] and user["language"] == "en"
    assert "password" not in user and "password_hash" not in user
    r = client.patch(f"/api/users/{user['id']}", json={"roles": ["engineer"], "email": "li@example.com"}, headers=h)
    assert r.status_code == 200 and r.json["roles"] == ["engineer"]
    r = client.get("/api/users?role=engineer", headers=h)
    assert [u["username"] for u in r.json["items"]] == ["li.na"]
    r = client.get("/api/users?q=李", headers=h)
    assert r.json["total"] == 1
    log = client.get(f"/api/audit-log?entity_id={user['id']}", headers=h).json["items"]
    assert [a["action"] for a in log] == ["user.update", "user.create"]
    assert log[0]["before"]["roles"] == ["engineer", "qc"] and log[0]["after"]["roles"] == ["engineer"]
    assert "password_hash" not in log[1]["after"]


def test_username_taken_and_role_rules(client, net):
    h = net.headers("hq")
    base = {"full_name": "x", "password": PASSWORD}
    r = client.post("/api/users", json={**base, "username": "SZ01.CLERK", "roles": ["clerk"]}, headers=h)
    assert r.status_code == 422 and "username" in r.json["errors"]
    r = client.post("/api/users", json={**base, "username": "boss", "roles": ["admin"],
                                        "org_id": str(net.orgs["HQ"].id)}, headers=h)
    assert r.status_code == 403 and "roles" in r.json["errors"]
    r = client.post("/api/users", json={**base, "username": "boss", "roles": ["root"]}, headers=h)
    assert r.status_code == 422 and "roles.0" in r.json["errors"]
    r = client.post("/api/users", json={**base, "username": "boss", "roles": []}, headers=h)
    assert r.status_code == 422 and "roles" in r.json["errors"]


def test_cannot_deactivate_yourself_or_drop_your_admin_role(client, net):
    h = net.headers("admin")
    me = str(net.users["admin"].id)
    assert client.patch(f"/api/users/{me}", json={"active": False}, headers=h).status_code == 422
    assert client.patch(f"/api/users/{me}", json={"roles": ["hq_manager"]}, headers=h).status_code == 422


def test_permission_catalogue_is_served(client, net):
    r = client.get("/api/meta/permissions", headers=net.headers("sz01.clerk"))
    assert r.status_code == 200
    assert r.json["roles"]["clerk"]["zh-CN"] == "前台接待"
    assert "admin.switch_user" in r.json["grants"]["admin"]
    assert "admin.switch_user" not in r.json["grants"]["hq_manager"]
    r = client.get("/api/meta/lifecycle", headers=net.headers("sz01.clerk"))
    assert {"from": "posted", "action": "reverse", "to": "reversed", "audit_only": False} in r.json["transitions"]


def test_a_password_equal_to_the_username_is_refused_wherever_one_is_set(client, net):
    h = net.headers("admin")
    r = client.post("/api/users", json={"username": "li.na2026", "full_name": "李娜", "password": "Li.Na2026",
                                        "org_id": str(net.orgs["GZ01"].id), "roles": ["clerk"]}, headers=h)
    assert r.status_code == 422 and r.json["errors"] == {"password": ["must not be the username"]}
    assert client.get("/api/users?q=li.na", headers=h).json["total"] == 0
    net.add_user("wang.fang8", "GZ01", ["clerk"], password=PASSWORD)
    r = client.post(f"/api/users/{net.users['wang.fang8'].id}/password", json={"password": " WANG.FANG8 "}, headers=h)
    assert r.status_code == 422 and r.json["errors"] == {"password": ["must not be the username"]}
    assert client.post("/api/auth/login", json={"username": "wang.fang8", "password": PASSWORD}).status_code == 200
    # Changing one's own: tests/test_auth.py::test_change_own_password.


def test_an_email_can_be_cleared(client, net):
    h = net.headers("admin")
    url = f"/api/users/{net.users['gz01.clerk'].id}"
    for cleared in (None, ""):
        assert client.patch(url, json={"email": "clerk@example.com"}, headers=h).json["email"] == "clerk@example.com"
        r = client.patch(url, json={"email": cleared}, headers=h)
        assert r.status_code == 200 and r.json["email"] == ""
    r = client.patch(url, json={"email": "not an address"}, headers=h)
    assert r.status_code == 422 and "email" in r.json["errors"]
    r = client.post("/api/users", json={"username": "no.mail", "full_name": "x", "password": PASSWORD, "email": None,
                                        "org_id": str(net.orgs["GZ01"].id), "roles": ["clerk"]}, headers=h)
    assert r.status_code == 201 and r.json["email"] == ""
