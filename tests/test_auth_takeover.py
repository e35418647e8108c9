"""No account takeover (issue 15, finding 2): a user manages only accounts whose roles are all
roles it may grant, and grants only those. A matrix of actors x target roles x every action,
on both databases; every refusal changes nothing.
"""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import select

from server.auth.management import grantable_roles, may_manage
from server.auth.models import User
from server.auth.permissions import HQ_ONLY_ROLES, ROLES
from server.core.models import AuditLog

ALL = set(ROLES)
# What each actor may grant, written out by hand (the rule's own table is not consulted).
EXPECTED = {
    "admin": ALL,
    "hq_manager": ALL - {"admin"},
    "sp_manager": ALL - {"admin", "hq_manager"},
}

# (name, org, roles, who acts: (user, acting_for) for net.headers)
ACTORS = [
    ("admin", "HQ", ["admin"], ("admin", None)),
    ("hq", "HQ", ["hq_manager"], ("hq", None)),
    ("hq.fin", "HQ", ["hq_manager", "finance"], ("hq.fin", None)),
    ("sz01.manager", "SZ01", ["sp_manager"], ("sz01.manager", None)),
    ("sz01.clerk", "SZ01", ["clerk"], ("sz01.clerk", None)),
    # An administrator acting as the service point's manager: its powers, the point's scope.
    ("admin as sz01.manager", "SZ01", ["admin"], ("sz01.manager", "admin")),
]
TARGETS = [[r] for r in sorted(ROLES)] + [["admin", "finance"], ["hq_manager", "clerk"], ["sp_manager", "clerk"],
                                         ["clerk", "dealer"], ["finance", "warehouse"]]
ACTIONS = ["edit", "roles", "reset_password", "unlock", "deactivate", "reactivate", "create"]


def expected_for(actor_roles, actor_org, target_roles):
    """(allowed, visible) by the hand-written table: all target roles grantable, same org unless HQ."""
    grantable = set().union(*(EXPECTED.get(r, set()) for r in actor_roles))
    target_org = "HQ" if set(target_roles) & HQ_ONLY_ROLES else "SZ01"
    return set(target_roles) <= grantable, actor_org == "HQ" or target_org == actor_org, target_org


def state(net, user_id):
    s = net.session()
    u = s.get(User, user_id)
    out = (u.full_name, tuple(u.roles), u.active, u.password_hash, u.token_version, u.failures_cleared_at)
    audits = s.execute(select(AuditLog.id).where(AuditLog.entity_id == str(user_id))).all()
    s.close()
    return out, len(audits)


def act(client, net, headers, action, target, target_roles, target_org, n):
    url = f"/api/users/{target.id}"
    if action == "edit":
        return client.patch(url, json={"full_name": "改名"}, headers=headers)
    if action == "roles":  # even "changing" to the roles it holds is managing it
        return client.patch(url, json={"roles": target_roles}, headers=headers)
    if action == "reset_password":
        return client.post(url + "/password", json={"password": "taken-over-1"}, headers=headers)
    if action == "unlock":
        return client.post(url + "/unlock", headers=headers)
    if action == "deactivate":
        return client.patch(url, json={"active": False}, headers=headers)
    if action == "reactivate":
        return client.patch(url, json={"active": True}, headers=headers)
    return client.post("/api/users", json={"username": f"new.{n}", "full_name": "新人", "password": "n3w-password",
                                           "org_id": str(net.orgs[target_org].id), "roles": target_roles}, headers=headers)


def test_the_management_matrix(client, net):
    net.add_user("hq.fin", "HQ", ["hq_manager", "finance"])
    counter = itertools.count()
    checked = refused = 0
    for (name, actor_org, actor_roles, (user, acting_for)), target_roles in itertools.product(ACTORS, TARGETS):
        allowed, visible, target_org = expected_for(actor_roles, actor_org, target_roles)
        has_permission = actor_roles != ["clerk"]
        headers = net.headers(user, acting_for)
        for action in ACTIONS:
            n = next(counter)
            target = net.add_user(f"t{n}", target_org, target_roles, active=action != "reactivate")
            before = state(net, target.id)
            r = act(client, net, headers, action, target, target_roles, target_org, n)
            where = f"{name} -> {target_roles} {action}: {r.status_code} {r.get_json(silent=True)}"
            if not has_permission:
                assert r.status_code == 403 and r.json["errors"] == {"permission": ["user.manage"]}, where
            elif action == "create":
                assert r.status_code == (201 if allowed and visible else 403), where
            elif not visible:
                assert r.status_code == 404, where
            elif allowed:
                assert r.status_code in (200, 204), where
            else:
                assert r.status_code == 403 and "user_id" in r.json["errors"], where
            if r.status_code >= 400:
                refused += 1
                assert state(net, target.id) == before, where  # nothing changed, nothing audited
            elif action != "create":
                assert state(net, target.id)[1] == before[1] + 1, where  # done, and audited
            checked += 1
    assert checked == len(ACTORS) * len(TARGETS) * len(ACTIONS)
    assert 0 < refused < checked


def test_an_hq_manager_cannot_take_over_an_administrator(client, net):
    """The reported attack, end to end: reset, demote, deactivate an admin as hq_manager."""
    from .conftest import PASSWORD

    net.add_user("root", "HQ", ["admin"], password=PASSWORD)
    pair = client.post("/api/auth/login", json={"username": "root", "password": PASSWORD}).json
    url, h = f"/api/users/{net.users['root'].id}", net.headers("hq")
    assert client.post(url + "/password", json={"password": "owned-by-hq-1"}, headers=h).status_code == 403
    assert client.patch(url, json={"roles": ["clerk"]}, headers=h).status_code == 403
    assert client.patch(url, json={"active": False}, headers=h).status_code == 403
    # Nor can it grant itself (or anyone) the admin role, or hand an admin's roles around.
    r = client.patch(f"/api/users/{net.users['hq'].id}", json={"roles": ["hq_manager", "admin"]}, headers=h)
    assert r.status_code == 403 and r.json["errors"] == {"roles": ["may not grant admin"]}
    assert client.get("/api/auth/me", headers={"Authorization": f"Bearer {pair['access_token']}"}).status_code == 200
    assert client.post("/api/auth/login", json={"username": "root", "password": PASSWORD}).status_code == 200


def test_a_manager_may_not_grant_beyond_its_table_when_changing_roles(client, net):
    """A service point manager may edit its clerk but not make it headquarters staff."""
    url, h = f"/api/users/{net.users['sz01.clerk'].id}", net.headers("sz01.manager")
    assert client.patch(url, json={"roles": ["clerk", "engineer"]}, headers=h).status_code == 200
    r = client.patch(url, json={"roles": ["hq_manager"]}, headers=h)
    assert r.status_code == 422 and "roles" in r.json["errors"]  # HQ roles only for HQ accounts
    assert client.patch(url, json={"roles": ["sp_manager"]}, headers=h).status_code == 200  # a peer


@pytest.mark.parametrize("actor", sorted(ROLES))
def test_the_rule_itself(actor):
    """The pure rule, every single-role actor against every role and a few combinations."""
    expected = EXPECTED.get(actor, set())
    assert grantable_roles([actor]) == expected
    for target in TARGETS:
        assert may_manage([actor], target) == (set(target) <= expected), (actor, target)
    assert may_manage(["sp_manager", "hq_manager"], ["hq_manager", "clerk"])  # the union of an actor's roles
    assert not may_manage([], ["clerk"])
