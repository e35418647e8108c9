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
