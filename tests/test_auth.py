"""Login, refresh, logout and the login record (spec §12.4, §13.1). Throttling: test_login_throttle.py."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update

from server.auth.models import LoginRecord, RefreshToken

from .conftest import PASSWORD


def login(client, username, password=PASSWORD, ua="pytest-tablet/1.0"):
    return client.post("/api/auth/login", json={"username": username, "password": password},
                       headers={"User-Agent": ua}, environ_base={"REMOTE_ADDR": "10.1.2.3"})


def records(net, username):
    s = net.session()
    rows = s.execute(select(LoginRecord).where(LoginRecord.username == username).order_by(LoginRecord.at)).scalars().all()
    s.close()
    return rows


def test_login_returns_tokens_and_is_recorded(client, net):
    net.add_user("amy", "SZ01", ["clerk"], password=PASSWORD)
    r = login(client, "AMY ")  # usernames are case-insensitive and trimmed
    assert r.status_code == 200, r.json
    body = r.json
    assert body["token_type"] == "Bearer" and body["expires_in"] == 15 * 60
    assert body["user"]["username"] == "amy" and body["user"]["roles"] == ["clerk"]
    me = client.get("/api/auth/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 200
    assert me.json["user"]["username"] == "amy" and "org.view" in me.json["permissions"]
    [rec] = records(net, "amy")
    assert (rec.outcome, rec.ip, rec.user_agent) == ("ok", "10.1.2.3", "pytest-tablet/1.0")


def test_wrong_password_and_unknown_user_look_the_same(client, net):
    net.add_user("amy", "SZ01", ["clerk"], password=PASSWORD)
    bad = login(client, "amy", "wrong-password-1")
    unknown = login(client, "nobody", "wrong-password-1")
    assert bad.status_code == unknown.status_code == 401
    assert bad.json["message"] == unknown.json["message"] == "wrong username or password"
    assert [r.outcome for r in records(net, "amy")] == ["bad_password"]
    assert [r.outcome for r in records(net, "nobody")] == ["unknown_user"]


def test_inactive_account_cannot_log_in_and_its_tokens_stop(client, net):
    net.add_user("amy", "SZ01", ["clerk"], password=PASSWORD)
    token = net.token("amy")
    r = client.patch(f"/api/users/{net.users['amy'].id}", json={"active": False}, headers=net.headers("sz01.manager"))
    assert r.status_code == 200
    assert login(client, "amy").status_code == 401
    assert records(net, "amy")[-1].outcome == "inactive"
    assert client.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"}).status_code == 401


def test_refresh_rotates_and_reuse_revokes_the_family(client, net):
    net.add_user("amy", "SZ01", ["clerk"], password=PASSWORD)
    first = login(client, "amy").json
    second = client.post("/api/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert second.status_code == 200
    assert second.json["refresh_token"] != first["refresh_token"]
    # The old token was rotated out: presenting it again is treated as theft.
    reuse = client.post("/api/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert reuse.status_code == 401 and "reused" in reuse.json["message"]
    # ...and the legitimate newer token is revoked with it.
    after = client.post("/api/auth/refresh", json={"refresh_token": second.json["refresh_token"]})
    assert after.status_code == 401


def test_refresh_token_is_stored_hashed(client, net):
    net.add_user("amy", "SZ01", ["clerk"], password=PASSWORD)
    token = login(client, "amy").json["refresh_token"]
    s = net.session()
    hashes = s.execute(select(RefreshToken.token_hash)).scalars().all()
    s.close()
    assert token not in hashes and len(hashes) == 1 and len(hashes[0]) == 64


def test_expired_refresh_token_is_refused(client, net):
    net.add_user("amy", "SZ01", ["clerk"], password=PASSWORD)
    token = login(client, "amy").json["refresh_token"]
    s = net.session()
    s.execute(update(RefreshToken).values(expires_at=dt.datetime.now(dt.timezone.utc) - dt.timedelta(seconds=1)))
    s.commit()
    s.close()
    r = client.post("/api/auth/refresh", json={"refresh_token": token})
    assert r.status_code == 401 and r.json["message"] == "refresh token expired"


def test_logout_revokes_the_refresh_token(client, net):
    net.add_user("amy", "SZ01", ["clerk"], password=PASSWORD)
    pair = login(client, "amy").json
    auth = {"Authorization": f"Bearer {pair['access_token']}"}
    assert client.post("/api/auth/logout", json={"refresh_token": pair["refresh_token"]}, headers=auth).status_code == 204
    r = client.post("/api/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    assert r.status_code == 401


def test_cannot_log_out_someone_elses_session(client, net):
    net.add_user("amy", "SZ01", ["clerk"], password=PASSWORD)
    pair = login(client, "amy").json
    r = client.post("/api/auth/logout", json={"refresh_token": pair["refresh_token"]}, headers=net.headers("gz01.clerk"))
    assert r.status_code == 422 and "refresh_token" in r.json["errors"]
    assert client.post("/api/auth/refresh", json={"refresh_token": pair["refresh_token"]}).status_code == 200


def test_tampered_and_expired_access_tokens_are_refused(client, net, app):
    import jwt

    token = net.token("sz01.clerk")
    head, body, sig = token.split(".")
    tampered = f"{head}.{body}.{sig[:-2]}xx"
    assert client.get("/api/auth/me", headers={"Authorization": f"Bearer {tampered}"}).status_code == 401
    claims = jwt.decode(token, options={"verify_signature": False})
    claims["exp"] = claims["iat"] - 1
    expired = jwt.encode(claims, app.extensions["aftercare.settings"].jwt_secret, algorithm="HS256")
    r = client.get("/api/auth/me", headers={"Authorization": f"Bearer {expired}"})
    assert r.status_code == 401 and r.json["reason"] == "token_expired"
    none_alg = jwt.encode(claims | {"exp": claims["iat"] + 600}, key=None, algorithm="none")
    assert client.get("/api/auth/me", headers={"Authorization": f"Bearer {none_alg}"}).status_code == 401


def test_login_records_are_listed_for_admins_only(client, net):
    net.add_user("amy", "SZ01", ["clerk"], password=PASSWORD)
    login(client, "amy")
    login(client, "amy", "wrong-password-9")
    r = client.get("/api/auth/login-records?username=amy", headers=net.headers("admin"))
    assert r.status_code == 200
    assert [i["outcome"] for i in r.json["items"]] == ["bad_password", "ok"]  # newest first
    assert r.json["total"] == 2
    only_failed = client.get("/api/auth/login-records?outcome=bad_password", headers=net.headers("admin")).json
    assert only_failed["total"] == 1
    assert client.get("/api/auth/login-records", headers=net.headers("sz01.manager")).status_code == 403


def test_change_own_password(client, net):
    net.add_user("amy", "SZ01", ["clerk"], password=PASSWORD)
    h = net.headers("amy")
    wrong = client.post("/api/auth/password", json={"current_password": "nope-nope-1", "new_password": "n3w-password"}, headers=h)
    assert wrong.status_code == 422 and "current_password" in wrong.json["errors"]
    weak = client.post("/api/auth/password", json={"current_password": PASSWORD, "new_password": "12345678"}, headers=h)
    assert weak.status_code == 422 and "new_password" in weak.json["errors"]
    same = client.post("/api/auth/password", json={"current_password": PASSWORD, "new_password": "AMY"}, headers=h)
    assert same.status_code == 422 and same.json["errors"]["new_password"] == ["must not be the username"]
    ok = client.post("/api/auth/password", json={"current_password": PASSWORD, "new_password": "n3w-password"}, headers=h)
    assert ok.status_code == 200 and ok.json["user"]["username"] == "amy"  # this session goes on with a fresh pair
    assert login(client, "amy").status_code == 401
    assert login(client, "amy", "n3w-password").status_code == 200


def test_password_reset_ends_sessions(client, net):
    net.add_user("amy", "SZ01", ["clerk"], password=PASSWORD)
    pair = login(client, "amy").json
    r = client.post(f"/api/users/{net.users['amy'].id}/password", json={"password": "fresh-pass-7"},
                    headers=net.headers("sz01.manager"))
    assert r.status_code == 204
    assert client.post("/api/auth/refresh", json={"refresh_token": pair["refresh_token"]}).status_code == 401
    assert login(client, "amy", "fresh-pass-7").status_code == 200
