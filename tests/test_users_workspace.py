"""The administration lists in the workspace export (server/meta/family_admin.py): users,
organisations and the login record, described from their routes for each user; the paths they
name answer. Both databases."""

from __future__ import annotations

from server.auth.permissions import ROLES
from server.auth.schemas import LoginRecordArgs, UserCreateIn, UserListArgs, UserOut, UserUpdateIn
from server.org.schemas import OrganisationCreateIn, OrganisationListArgs, OrganisationOut, OrganisationUpdateIn


def admin_entries(client, net, username: str) -> dict[str, dict]:
    r = client.get("/api/meta/documents", headers=net.headers(username))
    assert r.status_code == 200, r.json
    return {e["key"]: e for e in r.json["documents"] if e["family"] == "admin"}


def names(fields) -> list[str]:
    return [f["name"] for f in fields]


def test_the_entries_are_read_from_the_routes(client, net):
    e = admin_entries(client, net, "admin")
    assert list(e) == ["users", "organisations", "login-records"]
    users, orgs, records = e["users"], e["organisations"], e["login-records"]
    assert users["path"] == "/api/users" and users["read"] == "/api/users/{id}" and users["section"] == "system" and users["menu"] is False
    assert set(names(users["fields"])) <= set(UserCreateIn().fields) | set(UserUpdateIn().fields)
    assert set(names(users["list"]["columns"])) <= set(UserOut().fields)
    assert set(names(users["list"]["filters"])) <= set(UserListArgs().fields) and users["list"]["search"] == "q"
    roles = next(f for f in users["fields"] if f["name"] == "roles")
    assert roles["type"] == "enums" and [c["value"] for c in roles["choices"]] == list(ROLES)
    by_name = {f["name"]: f for f in users["fields"]}
    assert by_name["username"]["required"] and by_name["username"].get("create_only")
    assert by_name["password"].get("create_only") and "create_only" not in by_name["full_name"]
    assert by_name["org_id"]["lookup"]["path"] == "/api/organisations"
    acts = {a["name"]: a for a in users["actions"]}
    assert set(acts) == {"create", "edit", "reset_password", "unlock"}
    assert acts["reset_password"]["path"] == "/api/users/{id}/password" and names(acts["reset_password"]["input"]) == ["password"]
    assert acts["unlock"]["path"] == "/api/users/{id}/unlock" and all(a["states"] == [] for a in acts.values())

    assert orgs["section"] == "baseData" and orgs["display"] == ["name", "code"]
    assert set(names(orgs["fields"])) <= set(OrganisationCreateIn().fields) | set(OrganisationUpdateIn().fields)
    assert set(names(orgs["list"]["columns"])) <= set(OrganisationOut().fields)
    assert set(names(orgs["list"]["filters"])) <= set(OrganisationListArgs().fields)
    parent = next(f for f in orgs["fields"] if f["name"] == "parent_id")
    assert parent["type"] == "ref" and parent["lookup"]["only"] == {"kind": ["service_point"]}

    assert records["read"] is None and records["actions"] == [] and records["list"]["search"] == "username"
    assert set(names(records["list"]["filters"])) <= set(LoginRecordArgs().fields)
    outcome = next(c for c in records["list"]["columns"] if c["name"] == "outcome")
    assert {c["value"] for c in outcome["choices"]} >= {"ok", "bad_password", "throttled"}
    for entry in e.values():
        assert entry["label"]["zh-CN"] and entry["description"]["en"]
        for f in entry["fields"] + entry["list"]["columns"] + entry["list"]["filters"]:
            assert f["label"]["zh-CN"] and f["label"]["en"], (entry["key"], f["name"])


def test_each_user_sees_what_its_permissions_allow(client, net):
    clerk = admin_entries(client, net, "sz01.clerk")
    assert list(clerk) == ["organisations"] and clerk["organisations"]["actions"] == []  # org.view only
    manager = admin_entries(client, net, "sz01.manager")
    assert list(manager) == ["users", "organisations"]
    assert {a["name"] for a in manager["users"]["actions"]} == {"create", "edit", "reset_password", "unlock"}
    hq = admin_entries(client, net, "hq")
    assert list(hq) == ["users", "organisations", "login-records"]
    assert {a["name"] for a in hq["organisations"]["actions"]} == {"create", "edit"}


def test_the_paths_it_names_answer(client, net):
    from .conftest import PASSWORD

    net.add_user("root", "HQ", ["admin"], password=PASSWORD)
    assert client.post("/api/auth/login", json={"username": "root", "password": PASSWORD}).status_code == 200
    h = net.headers("root")
    for e in admin_entries(client, net, "admin").values():
        r = client.get(e["path"], query_string={"page_size": 5}, headers=h)
        assert r.status_code == 200 and r.json["total"] >= 1, e["key"]
        if e["read"]:
            one = r.json["items"][0]["id"]
            assert client.get(e["read"].replace("{id}", one), headers=h).status_code == 200
        for f in e["list"]["filters"]:
            if f.get("choices"):
                q = {f["name"]: f["choices"][0]["value"]}
                assert client.get(e["path"], query_string=q, headers=h).status_code == 200, (e["key"], q)
        if e["audit"]:
            assert client.get(e["audit"]["path"], query_string=e["audit"]["params"], headers=h).status_code == 200
