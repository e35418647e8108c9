"""Sessions end at once (issue 15, finding 5): an access token dies with its session.

Every access token names its refresh family (``sid``) and the owner's token version
(``ver``); logout, a reused refresh token, leaving a switch, a password set and a
deactivation end it on the next request, not 15 minutes later.
"""

from __future__ import annotations

import jwt

from .conftest import PASSWORD


def login(client, username, password=PASSWORD):
    r = client.post("/api/auth/login", json={"username": username, "password": password})
    assert r.status_code == 200, r.json
    return r.json


def auth(pair_or_token):
    token = pair_or_token if isinstance(pair_or_token, str) else pair_or_token["access_token"]
    return {"Authorization": f"Bearer {token}"}


def me(client, pair_or_token):
    return client.get("/api/auth/me", headers=auth(pair_or_token))


def ended(r):
    return r.status_code == 401 and r.json["reason"] == "session_ended"


def refresh(client, pair):
    return client.post("/api/auth/refresh", json={"refresh_token": pair["refresh_token"]})


def test_logout_ends_the_access_token_too(client, net):
    net.add_user("amy", "SZ01", ["clerk"], password=PASSWORD)
    pair, other = login(client, "amy"), login(client, "amy")
    assert me(client, pair).status_code == 200
    assert client.post("/api/auth/logout", json={"refresh_token": pair["refresh_token"]}, headers=auth(pair)).status_code == 204
    assert ended(me(client, pair))
    assert me(client, other).status_code == 200  # another session of the same user goes on


def test_a_revoked_refresh_family_ends_its_access_tokens(client, net):
    net.add_user("amy", "SZ01", ["clerk"], password=PASSWORD)
    first = login(client, "amy")
    second = refresh(client, first).json
    assert me(client, first).status_code == 200 and me(client, second).status_code == 200  # rotation ends nothing
    assert refresh(client, first).status_code == 401  # the rotated-out token again: theft, the family is revoked
    assert ended(me(client, first)) and ended(me(client, second))


def test_an_admin_reset_ends_every_session_at_once(client, net):
    net.add_user("amy", "SZ01", ["clerk"], password=PASSWORD)
    pairs = [login(client, "amy"), login(client, "amy")]
    older = net.token("amy")  # a token that names no session: the version still ends it
    assert me(client, older).status_code == 200
    r = client.post(f"/api/users/{net.users['amy'].id}/password", json={"password": "fresh-pass-7"},
                    headers=net.headers("sz01.manager"))
    assert r.status_code == 204
    for pair in pairs:
        assert ended(me(client, pair)) and refresh(client, pair).status_code == 401
    assert ended(me(client, older))
    assert me(client, login(client, "amy", "fresh-pass-7")).status_code == 200


def test_changing_ones_own_password_ends_the_other_sessions_and_keeps_this_one(client, net):
    net.add_user("amy", "SZ01", ["clerk"], password=PASSWORD)
    here, phone = login(client, "amy"), login(client, "amy")
    r = client.post("/api/auth/password", json={"current_password": PASSWORD, "new_password": "n3w-password"},
                    headers=auth(here))
    assert r.status_code == 200
    fresh = r.json
    # The other session: its access and its refresh token are over.
    assert ended(me(client, phone)) and refresh(client, phone).status_code == 401
    # This one goes on with the fresh pair, in the same session (logout ends it like any other)...
    assert me(client, fresh).status_code == 200
    claims = [jwt.decode(p["access_token"], options={"verify_signature": False}) for p in (here, fresh)]
    assert claims[0]["sid"] == claims[1]["sid"] and claims[1]["ver"] == claims[0]["ver"] + 1
    assert refresh(client, fresh).status_code == 200
    # ...while the tokens it held before the change are over.
    assert ended(me(client, here))
    assert refresh(client, here).status_code == 401


def test_deactivation_ends_sessions_and_reactivation_revives_none(client, net):
    net.add_user("amy", "SZ01", ["clerk"], password=PASSWORD)
    pair, older = login(client, "amy"), net.token("amy")
    url, h = f"/api/users/{net.users['amy'].id}", net.headers("sz01.manager")
    assert client.patch(url, json={"active": False}, headers=h).status_code == 200
    assert me(client, pair).status_code == 401
    assert client.patch(url, json={"active": True}, headers=h).status_code == 200
    assert ended(me(client, pair)) and ended(me(client, older))
    assert refresh(client, pair).status_code == 401
    assert me(client, login(client, "amy")).status_code == 200


def test_a_switched_session_ends_when_left_even_without_its_refresh_token(client, net):
    net.add_user("root", "HQ", ["admin"], password=PASSWORD)
    own = login(client, "root")
    r = client.post("/api/auth/switch-user", json={"user_id": str(net.users["sz01.clerk"].id)}, headers=auth(own))
    switched = r.json
    assert me(client, switched).json["acting_for"]["username"] == "root"
    back = client.post("/api/auth/switch-user/leave", json={}, headers=auth(switched))
    assert back.status_code == 200
    assert ended(me(client, switched)) and refresh(client, switched).status_code == 401
    assert me(client, back.json).status_code == 200 and me(client, own).status_code == 200


def test_switched_sessions_end_with_the_admins_password_and_with_the_target(client, net):
    net.add_user("root", "HQ", ["admin"], password=PASSWORD)
    own = login(client, "root")

    def switch(target):
        r = client.post("/api/auth/switch-user", json={"user_id": str(net.users[target].id)}, headers=auth(own))
        assert r.status_code == 200, r.json
        return r.json

    # The target deactivated and reactivated: the switched session does not come back.
    into_clerk = switch("sz01.clerk")
    url = f"/api/users/{net.users['sz01.clerk'].id}"
    assert client.patch(url, json={"active": False}, headers=net.headers("admin")).status_code == 200
    assert client.patch(url, json={"active": True}, headers=net.headers("admin")).status_code == 200
    assert ended(me(client, into_clerk)) and refresh(client, into_clerk).status_code == 401
    # The administrator changes its password: its switched sessions end, its current one goes on.
    into_manager = switch("sz01.manager")
    r = client.post("/api/auth/password", json={"current_password": PASSWORD, "new_password": "n3w-password"},
                    headers=auth(own))
    assert r.status_code == 200
    assert ended(me(client, into_manager)) and refresh(client, into_manager).status_code == 401
    assert me(client, r.json).status_code == 200


def test_tokens_from_before_carry_no_session_and_live_until_the_version_moves(client, net, app):
    """Access tokens issued before this change name no session and no version (read as 0)."""
    net.add_user("amy", "SZ01", ["clerk"], password=PASSWORD)
    claims = jwt.decode(net.token("amy"), options={"verify_signature": False})
    del claims["ver"]
    old = jwt.encode(claims, app.extensions["aftercare.settings"].jwt_secret, algorithm="HS256")
    assert me(client, old).status_code == 200
    client.post(f"/api/users/{net.users['amy'].id}/password", json={"password": "fresh-pass-7"},
                headers=net.headers("sz01.manager"))
    assert ended(me(client, old))
    for bad in ({"ver": "1"}, {"ver": True}, {"sid": "not-a-uuid"}):
        forged = jwt.encode(claims | bad, app.extensions["aftercare.settings"].jwt_secret, algorithm="HS256")
        assert me(client, forged).status_code == 401
