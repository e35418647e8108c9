"""Health, version, request ids and 5xx handling."""

from __future__ import annotations

import logging

from flask_smorest import Blueprint

from server import __version__
from server.app import create_app
from server.http import public

from .conftest import make_settings


def test_healthz_and_version(client):
    assert client.get("/healthz").json == {"status": "ok", "database": "ok"}
    assert client.get("/api/meta/version").json == {"name": "Aftercare", "version": __version__, "api": "1"}


def test_openapi_and_docs_page_work_offline(client):
    spec = client.get("/api/openapi.json")
    assert spec.status_code == 200 and spec.json["openapi"].startswith("3.")
    page = client.get("/api/docs")
    assert page.status_code == 200 and b"/api/docs/assets/swagger-ui-bundle.js" in page.data
    asset = client.get("/api/docs/assets/swagger-ui-bundle.js")
    assert asset.status_code == 200 and len(asset.data) > 100_000


def test_request_id_is_echoed_or_made(client):
    r = client.get("/healthz", headers={"X-Request-ID": "counter-7-abc123"})
    assert r.headers["X-Request-ID"] == "counter-7-abc123"
    r = client.get("/healthz", headers={"X-Request-ID": "bad id with spaces"})
    assert len(r.headers["X-Request-ID"]) == 32


def test_unexpected_errors_hide_the_trace_and_log_the_request_id(tmp_path, caplog):
    app = create_app(make_settings(f"sqlite:///{tmp_path / 'x.db'}", tmp_path))
    bp = Blueprint("boom", __name__)

    @bp.route("/api/boom")
    @public
    def boom():
        raise ZeroDivisionError("secret internals")

    app.register_blueprint(bp)
    with caplog.at_level(logging.ERROR, logger="aftercare.http"):
        r = app.test_client().get("/api/boom")
    assert r.status_code == 500
    body = r.json
    assert body["code"] == "internal_error" and body["request_id"] == r.headers["X-Request-ID"]
    assert "secret internals" not in r.get_data(as_text=True) and "Traceback" not in r.get_data(as_text=True)
    assert body["request_id"] in caplog.text and "ZeroDivisionError" in caplog.text
