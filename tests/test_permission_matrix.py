"""Every route in the OpenAPI document: anonymous → 401; without the permission → 403."""

from __future__ import annotations

from server.auth.permissions import GRANTS, PERMISSIONS
from server.http import AUTHENTICATED, PUBLIC

from .openapi_walk import operations


def _role_without(permission: str) -> str:
    for role, perms in GRANTS.items():
        if permission not in perms:
            return role
    raise AssertionError(f"every role holds {permission}; the 403 path cannot be tested")


def test_every_operation_declares_a_known_permission(client):
    spec = client.get("/api/openapi.json").json
    ops = operations(spec)
    assert len(ops) >= 20
    for op in ops:
        assert op.permission in PERMISSIONS or op.permission in (PUBLIC, AUTHENTICATED), op
        if op.permission != PUBLIC:
            assert spec["paths"][op.template][op.method.lower()]["security"] == [{"bearerAuth": []}]


def test_anonymous_gets_401_and_missing_permission_gets_403(client, net):
    spec = client.get("/api/openapi.json").json
    checked_403 = 0
    for op in operations(spec):
        if op.permission == PUBLIC:
            continue
        r = client.open(op.path, method=op.method, json={} if op.body_schema else None)
        assert r.status_code == 401, (op.method, op.template, r.status_code, r.json)
        assert r.json["code"] == "unauthorized"
        garbage = client.open(op.path, method=op.method, headers={"Authorization": "Bearer not.a.jwt"})
        assert garbage.status_code == 401, (op.method, op.template)
        if op.permission == AUTHENTICATED:
            continue
        role = _role_without(op.permission)
        username = f"no-{op.permission}".replace(".", "-").replace("_", "-")
        if username not in net.users:
            net.add_user(username, "HQ" if role in ("admin", "hq_manager") else "SZ01", [role])
        r = client.open(op.path, method=op.method, json={} if op.body_schema else None, headers=net.headers(username))
        assert r.status_code == 403, (op.method, op.template, role, r.status_code, r.json)
        assert r.json["errors"] == {"permission": [op.permission]}
        checked_403 += 1
    assert checked_403 >= 10


def test_public_routes_are_only_the_expected_ones(client):
    spec = client.get("/api/openapi.json").json
    public = sorted(f"{op.method} {op.template}" for op in operations(spec) if op.permission == PUBLIC)
    assert public == ["GET /api/meta/version", "GET /healthz", "POST /api/auth/login", "POST /api/auth/refresh"]


def test_app_refuses_to_start_with_an_unmarked_route(tmp_path):
    import pytest
    from flask_smorest import Blueprint

    from server.http import check_every_route_is_marked

    from .conftest import make_settings
    from server.app import create_app

    app = create_app(make_settings(f"sqlite:///{tmp_path / 'x.db'}", tmp_path))
    bp = Blueprint("rogue", __name__)

    @bp.route("/api/rogue")
    def rogue():
        return {}

    app.register_blueprint(bp)
    with pytest.raises(RuntimeError, match="GET /api/rogue"):
        check_every_route_is_marked(app)
