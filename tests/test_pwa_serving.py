"""The Flask server serves the built PWA at / (no database needed)."""

from __future__ import annotations

import pytest

from server.app import create_app

from .conftest import make_settings


@pytest.fixture
def web(tmp_path):
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "icons").mkdir()
    (dist / "index.html").write_text("<!doctype html><title>Aftercare</title><div id=app></div>")
    (dist / "assets" / "index-abc123.js").write_text("console.log('app')")
    (dist / "sw.js").write_text("self.addEventListener('fetch', () => {})")
    (dist / "manifest.webmanifest").write_text('{"name": "Aftercare"}')
    (dist / "icons" / "icon-192.png").write_bytes(b"\x89PNG\r\n")
    app = create_app(make_settings(f"sqlite:///{tmp_path / 'x.db'}", tmp_path, pwa_dir=str(dist)))
    return app.test_client()


def test_index_and_client_routes_get_the_shell_uncached(web):
    for path in ("/", "/login", "/users", "/switch-user", "/a/deep/client/route"):
        r = web.get(path)
        assert r.status_code == 200, path
        assert b'<div id=app>' in r.data
        assert r.headers["Cache-Control"] == "no-cache"
        assert r.mimetype == "text/html"


def test_hashed_assets_are_cached_for_a_year(web):
    r = web.get("/assets/index-abc123.js")
    assert r.status_code == 200 and r.data == b"console.log('app')"
    assert r.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert "javascript" in r.mimetype


def test_service_worker_and_manifest_from_the_root_scope_revalidated(web):
    r = web.get("/sw.js")
    assert r.status_code == 200 and r.headers["Cache-Control"] == "no-cache"
    assert r.headers["Service-Worker-Allowed"] == "/"
    assert "javascript" in r.mimetype
    r = web.get("/manifest.webmanifest")
    assert r.status_code == 200 and r.mimetype == "application/manifest+json"
    assert web.get("/icons/icon-192.png").status_code == 200


def test_missing_files_are_404_not_the_app(web):
    assert web.get("/assets/gone-123.js").status_code == 404
    assert web.get("/favicon.ico").status_code == 404


def test_server_paths_stay_json(web):
    for path in ("/api/no-such-thing", "/api"):
        r = web.get(path)
        assert r.status_code == 404, path
        assert r.is_json and r.json["code"] == "not_found", path
    # The sync proxy's routes exist: without a token they answer 401 in JSON, never the PWA shell.
    for path in ("/sync/", "/sync/sp_sz01/_changes", "/sync/anything/else"):
        r = web.get(path)
        assert r.status_code == 401 and r.is_json and r.json["error"] == "unauthorized", path
    r = web.get("/sync")
    assert r.status_code == 308 and r.headers["Location"].endswith("/sync/")
    r = web.post("/api/no-such-thing", json={})
    assert r.status_code == 404 and r.json["code"] == "not_found"
    assert web.delete("/api/meta/version").status_code == 405
    assert web.get("/healthz").json["status"] == "ok"
    assert web.get("/api/meta/version").is_json


def test_no_escape_from_the_dist_directory(web, tmp_path):
    (tmp_path / "secret.txt").write_text("nope")
    for path in ("/../secret.txt", "/%2e%2e/secret.txt", "/assets/../../secret.txt"):
        r = web.get(path)
        assert r.status_code in (404, 200) and b"nope" not in r.data


def test_unbuilt_pwa_says_how_to_build_it(tmp_path):
    app = create_app(make_settings(f"sqlite:///{tmp_path / 'x.db'}", tmp_path, pwa_dir=str(tmp_path / "missing")))
    r = app.test_client().get("/")
    assert r.status_code == 503 and r.is_json and "make run" in r.json["message"]


def test_the_shell_carries_a_content_security_policy_and_refuses_framing(web):
    for path in ("/", "/login", "/a/deep/client/route"):
        r = web.get(path)
        csp = dict(d.strip().split(" ", 1) for d in r.headers["Content-Security-Policy"].split(";"))
        assert csp["script-src"] == "'self'"  # no inline script, no eval
        assert csp["frame-ancestors"] == "'none'" and r.headers["X-Frame-Options"] == "DENY"
        assert "blob:" in csp["worker-src"] and "data:" in csp["img-src"]  # the QR decoder, photos
        assert csp["connect-src"] == "'self'" and csp["base-uri"] == "'self'"
        assert r.headers["X-Content-Type-Options"] == "nosniff"
    for path in ("/assets/index-abc123.js", "/sw.js", "/manifest.webmanifest"):
        r = web.get(path)
        assert r.headers["X-Content-Type-Options"] == "nosniff", path
        assert "Content-Security-Policy" not in r.headers, path  # the service worker keeps its own scope
