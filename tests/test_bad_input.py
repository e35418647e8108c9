"""Bad input to every endpoint answers 4xx in the one error format, names the field, and changes nothing."""

from __future__ import annotations

from .conftest import row_counts
from .openapi_walk import operations, sample_value, wrong_type_value

HUGE = "汉" * 100_000


def _assert_error(r, status, field=None):
    assert r.status_code == status, (r.status_code, r.json)
    body = r.json
    assert set(body) >= {"code", "message", "errors", "request_id"}, body
    assert isinstance(body["errors"], dict)
    if field is not None:
        assert field in body["errors"], (field, body)
        assert all(isinstance(m, str) for m in body["errors"][field])


def _body_ops(client):
    spec = client.get("/api/openapi.json").json
    return [op for op in operations(spec) if op.body_schema is not None]


def test_every_body_field_is_validated_and_nothing_changes(client, net, app):
    h = net.headers("admin")
    before = row_counts(app)
    ops = _body_ops(client)
    assert len(ops) >= 10
    for op in ops:
        props = op.body_schema.get("properties", {})
        required = op.body_schema.get("required", [])
        base = {k: sample_value(v) for k, v in props.items()}
        # unknown field
        r = client.open(op.path, method=op.method, json={**base, "zz_unknown": 1}, headers=h)
        _assert_error(r, 422, "zz_unknown")
        # each missing required field
        for name in required:
            r = client.open(op.path, method=op.method, json={k: v for k, v in base.items() if k != name}, headers=h)
            _assert_error(r, 422, name)
        for name, prop in props.items():
            # wrong type
            r = client.open(op.path, method=op.method, json={**base, name: wrong_type_value(prop)}, headers=h)
            _assert_error(r, 422, name)
            if prop.get("type") == "string":
                # every string is bounded
                assert "maxLength" in prop or "format" in prop or "enum" in prop or "pattern" in prop, \
                    f"{op.method} {op.template}: {name} has no maximum length"
                r = client.open(op.path, method=op.method, json={**base, name: HUGE}, headers=h)
                _assert_error(r, 422, name)
        # not an object at all
        r = client.open(op.path, method=op.method, json=[1, 2, 3], headers=h)
        _assert_error(r, 422)
    assert row_counts(app) == before


def test_query_parameters_are_validated(client, net, app):
    h = net.headers("admin")
    before = row_counts(app)
    spec = client.get("/api/openapi.json").json
    gets = [op for op in operations(spec) if op.method == "GET" and op.query_params]
    assert gets
    for op in gets:
        r = client.get(op.path, query_string={"zz_unknown": "1"}, headers=h)
        _assert_error(r, 422, "zz_unknown")
        for p in op.query_params:
            schema = p.get("schema", {})
            if schema.get("type") in ("integer", "boolean") or schema.get("format") in ("uuid", "date-time", "date"):
                r = client.get(op.path, query_string={p["name"]: "zz-not-valid"}, headers=h)
                _assert_error(r, 422, p["name"])
            elif schema.get("type") == "string":
                r = client.get(op.path, query_string={p["name"]: "q" * 5000}, headers=h)
                _assert_error(r, 422, p["name"])
    r = client.get("/api/users", query_string={"page_size": 10_000}, headers=h)
    _assert_error(r, 422, "page_size")
    assert row_counts(app) == before


def test_malformed_json_oversized_body_and_wrong_content_type(client, net, app):
    h = net.headers("admin")
    before = row_counts(app)
    r = client.post("/api/organisations", data="{not json", headers={**h, "Content-Type": "application/json"})
    assert r.status_code in (400, 422) and r.json["code"] in ("bad_request", "validation_error")
    r = client.post("/api/organisations", data="x" * (1_048_576 + 10), headers={**h, "Content-Type": "application/json"})
    _assert_error(r, 413)
    r = client.post("/api/organisations", data="code=X1", headers={**h, "Content-Type": "application/x-www-form-urlencoded"})
    assert 400 <= r.status_code < 500 and "code" in r.json
    assert row_counts(app) == before


def test_unknown_route_and_wrong_method_use_the_error_format(client, net):
    r = client.get("/api/no-such-thing", headers=net.headers("admin"))
    _assert_error(r, 404)
    assert r.json["code"] == "not_found"
    r = client.delete("/api/meta/version")
    _assert_error(r, 405)


def test_domain_errors_name_the_field_and_roll_back(client, net, app):
    before = row_counts(app)
    r = client.post("/api/organisations", json={"code": "SZ01", "name": "重复"}, headers=net.headers("admin"))
    _assert_error(r, 422, "code")
    r = client.post("/api/users", json={"username": "newbie", "full_name": "N", "password": "short",
                                        "roles": ["clerk"]}, headers=net.headers("sz01.manager"))
    _assert_error(r, 422, "password")
    assert row_counts(app) == before


def test_control_characters_are_refused_in_every_string_field_and_parameter(client, net, app):
    """NUL and the other control characters (tab and line breaks aside) never reach the database:
    PostgreSQL refuses NUL in text (a 500 before), SQLite stores it and every export breaks on it."""
    h = net.headers("admin")
    before = row_counts(app)
    spec = client.get("/api/openapi.json").json
    checked = 0
    for op in operations(spec):
        if op.body_schema is not None:
            props = op.body_schema.get("properties", {})
            base = {k: sample_value(v) for k, v in props.items()}
            for name, prop in props.items():
                if prop.get("type") == "string" and "enum" not in prop and prop.get("format") not in ("uuid", "date", "date-time"):
                    r = client.open(op.path, method=op.method, json={**base, name: "a\x00b"}, headers=h)
                    _assert_error(r, 422, name)
                    assert r.json["errors"][name] == ["must not contain control characters"], (op.template, r.json)
                    checked += 1
        if op.method == "GET":
            for p in op.query_params:
                schema = p.get("schema", {})
                if schema.get("type") == "string" and "enum" not in schema and "format" not in schema:
                    _assert_error(client.get(op.path, query_string={p["name"]: "a\x1fb"}, headers=h), 422, p["name"])
                    checked += 1
    assert checked > 100
    assert row_counts(app) == before
