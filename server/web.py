"""Serves the built PWA (``pwa/dist``) at ``/``.

- ``index.html`` (and every client route, the SPA fallback) is never cached, so a
  new build is picked up on the next load;
- hashed build output under ``/assets/`` is cached for a year (``immutable``);
- the service worker (``/sw.js``), its Workbox runtime and the manifest are served
  from the root scope and revalidated on every load;
- ``/api/…``, ``/sync/…`` and ``/healthz`` are never answered with the app: an unknown
  API path stays a JSON 404 in the common error format;
- every file goes out with ``nosniff``; the app shell also with a Content Security Policy
  and no framing (clickjacking), see ``SHELL_HEADERS``.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path

from flask import Blueprint, Flask, abort, current_app, send_from_directory
from werkzeug.routing import PathConverter

from .errors import DomainError
from .http import public

# What the built app needs and nothing more: its own scripts only (no inline script, no eval);
# Quasar and ECharts set inline styles; photos, signatures and QR codes are data: and blob:
# images; qr-scanner runs its decoder in a blob: worker; a printed ticket opens as a blob: PDF;
# API, sync and the service worker are same-origin. No one may frame it.
CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "manifest-src 'self'",
    "media-src 'self' blob:",
    "object-src 'self' blob:",
    "frame-src 'self' blob:",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self'",
])
SHELL_HEADERS = {"Content-Security-Policy": CSP, "X-Frame-Options": "DENY", "Referrer-Policy": "same-origin"}

LONG_CACHE = "public, max-age=31536000, immutable"
NO_CACHE = "no-cache"
# Paths owned by the server; the app shell never answers them.
SERVER_PREFIXES = ("api", "sync", "healthz")

mimetypes.add_type("application/manifest+json", ".webmanifest")
mimetypes.add_type("text/javascript", ".mjs")
mimetypes.add_type("font/woff2", ".woff2")


class ClientPathConverter(PathConverter):
    """A path that is not a server path (so /api/nope stays a JSON 404 for every method)."""

    regex = r"(?!(?:" + "|".join(SERVER_PREFIXES) + r")(?:/|$))[^/].*?"


class PwaNotBuilt(DomainError):
    status = 503
    code = "pwa_not_built"


blp = Blueprint("pwa", __name__)


def _dist() -> Path:
    return Path(current_app.extensions["aftercare.settings"].pwa_dir)


def _send(path: str, cache: str):
    resp = send_from_directory(_dist(), path, max_age=None, conditional=True, etag=True)
    resp.headers["Cache-Control"] = cache
    resp.headers["X-Content-Type-Options"] = "nosniff"
    if path == "sw.js":
        resp.headers["Service-Worker-Allowed"] = "/"
    if path.endswith(".html"):
        resp.headers.update(SHELL_HEADERS)
    return resp


def _index():
    if not (_dist() / "index.html").is_file():
        raise PwaNotBuilt("the PWA is not built: run `make run` (or `npm ci && npm run build` in pwa/)")
    return _send("index.html", NO_CACHE)


@blp.route("/", methods=["GET"])
@public
def app_shell():
    return _index()


@blp.route("/<clientpath:path>", methods=["GET"])
@public
def app_file(path: str):
    dist = _dist()
    target = (dist / path).resolve()
    if dist.resolve() in target.parents and target.is_file():
        return _send(path, LONG_CACHE if path.startswith("assets/") else NO_CACHE)
    if "." in path.rsplit("/", 1)[-1]:
        abort(404)  # a missing file is a 404, not the app
    return _index()  # a client route: the app decides


def install_pwa(app: Flask) -> None:
    app.url_map.converters["clientpath"] = ClientPathConverter
    app.register_blueprint(blp)
