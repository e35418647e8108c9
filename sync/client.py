"""A thin httpx client for the sync store (Apache CouchDB 3 or the embedded pouchdb-server).

Only what both serve is used: ``_changes``, ``_bulk_docs``, ``_bulk_get``,
``_all_docs``, ``_local``, ``_revs_diff``, ``_security``. A ``seq`` is opaque:
it is passed back exactly as the store gave it (see :func:`seq_param`).
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any, Iterable
from urllib.parse import quote

import httpx

log = logging.getLogger("aftercare.sync.client")
# httpx logs every request at INFO; the worker polls every second.
logging.getLogger("httpx").setLevel(logging.WARNING)

# Errors where the request certainly did not reach the store: always safe to retry.
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
# Errors after the request may have been sent: retried for reads only.
_MAYBE_SENT = (httpx.ReadError, httpx.RemoteProtocolError, httpx.ReadTimeout, httpx.WriteError)


class StoreError(Exception):
    """The store answered with an error (``status``, CouchDB ``error`` and ``reason``)."""

    def __init__(self, status: int, error: str, reason: str):
        super().__init__(f"{status} {error}: {reason}")
        self.status = status
        self.error = error
        self.reason = reason


class StoreUnavailable(StoreError):
    """The store could not be reached (after retries)."""

    def __init__(self, reason: str):
        super().__init__(503, "unavailable", reason)


def doc_path(db: str, doc_id: str) -> str:
    """URL path of a document; ``_local/`` and ``_design/`` keep their slash."""
    for prefix in ("_local/", "_design/"):
        if doc_id.startswith(prefix):
            return f"/{quote(db, safe='')}/{prefix}{quote(doc_id[len(prefix):], safe='')}"
    return f"/{quote(db, safe='')}/{quote(doc_id, safe='')}"


def seq_param(seq: Any) -> str:
    """A seq as a query parameter: strings verbatim, anything else as the store wrote it (JSON)."""
    return seq if isinstance(seq, str) else json.dumps(seq, separators=(",", ":"))


class CouchClient:
    """One connection pool to the store with the server's credentials."""

    def __init__(self, url: str, user: str, password: str, *, timeout: float = 30.0, retries: int = 4,
                 backoff: float = 0.2):
        if not password:
            raise StoreError(500, "not_configured", "AFTERCARE_COUCHDB_PASSWORD is required to use the sync store")
        self.url = url.rstrip("/")
        self.retries = retries
        self.backoff = backoff
        self._http = httpx.Client(
            base_url=self.url,
            auth=(user, password),
            timeout=httpx.Timeout(timeout, connect=5.0),
            # Local link: no compression; the store answers JSON only when asked.
            headers={"Accept": "application/json", "Accept-Encoding": "identity"},
            limits=httpx.Limits(max_connections=64, max_keepalive_connections=16),
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> "CouchClient":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- plumbing ---------------------------------------------------------------

    def _send(self, method: str, path: str, *, params: dict | None = None, body: Any = None,
              content: bytes | None = None, headers: dict | None = None, timeout: float | None = None,
              stream: bool = False) -> httpx.Response:
        if body is not None:
            content = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
            headers = {**(headers or {}), "Content-Type": "application/json"}
        idempotent = method in ("GET", "HEAD") or path.endswith(("/_all_docs", "/_bulk_get", "/_revs_diff", "/_changes"))
        attempt = 0
        while True:
            try:
                request = self._http.build_request(method, path, params=params, content=content, headers=headers,
                                                   timeout=timeout if timeout is not None else httpx.USE_CLIENT_DEFAULT)
                return self._http.send(request, stream=stream)
            except _NOT_SENT + _MAYBE_SENT as exc:
                retryable = isinstance(exc, _NOT_SENT) or idempotent
                attempt += 1
                if not retryable or attempt > self.retries:
                    raise StoreUnavailable(f"{method} {path}: {type(exc).__name__}: {exc}") from exc
                time.sleep(self.backoff * (2 ** (attempt - 1)))

    def request(self, method: str, path: str, *, ok: Iterable[int] = (200, 201, 202), **kw) -> Any:
        """Send and decode JSON; a status outside ``ok`` raises :class:`StoreError`."""
        resp = self._send(method, path, **kw)
        if resp.status_code not in ok:
            raise _error_of(resp)
        return resp.json() if resp.content else None

    def open_stream(self, method: str, path: str, *, params: dict | None = None, content: bytes | None = None,
                    headers: dict | None = None, timeout: float | None = None) -> httpx.Response:
        """An un-read response for streaming through (the caller closes it)."""
        return self._send(method, path, params=params, content=content, headers=headers, timeout=timeout, stream=True)

    # -- the endpoints we use ------------------------------------------------------

    def server_info(self) -> dict:
        return self.request("GET", "/")

    def create_db(self, db: str) -> bool:
        """Create a database; False if it already existed."""
        resp = self._send("PUT", f"/{quote(db, safe='')}")
        if resp.status_code in (201, 202):
            return True
        if resp.status_code == 412:
            return False
        raise _error_of(resp)

    def db_exists(self, db: str) -> bool:
        resp = self._send("GET", f"/{quote(db, safe='')}")
        if resp.status_code == 404:
            return False
        if resp.status_code != 200:
            raise _error_of(resp)
        return True

    def get_security(self, db: str) -> dict:
        return self.request("GET", f"/{quote(db, safe='')}/_security") or {}

    def put_security(self, db: str, security: dict) -> None:
        self.request("PUT", f"/{quote(db, safe='')}/_security", body=security)

    def changes(self, db: str, *, since: Any = None, limit: int | None = None, include_docs: bool = False,
                style: str = "all_docs") -> dict:
        """One page of the feed (normal feed: pouchdb-server ignores longpoll's timeout)."""
        params: dict[str, Any] = {"style": style}
        if since is not None:
            params["since"] = seq_param(since)
        if limit is not None:
            params["limit"] = limit
        if include_docs:
            params["include_docs"] = "true"
        return self.request("GET", f"/{quote(db, safe='')}/_changes", params=params)

    def bulk_docs(self, db: str, docs: list[dict], *, new_edits: bool = True) -> list[dict]:
        body: dict[str, Any] = {"docs": docs}
        if not new_edits:
            body["new_edits"] = False
        return self.request("POST", f"/{quote(db, safe='')}/_bulk_docs", body=body)

    def bulk_get(self, db: str, refs: list[dict], *, revs: bool = False) -> list[dict]:
        """Documents by ``{"id", "rev"}``: one result per ref, ``{"ok": doc}`` or ``{"error": ...}``."""
        params = {"revs": "true"} if revs else None
        res = self.request("POST", f"/{quote(db, safe='')}/_bulk_get", body={"docs": refs}, params=params)
        return res["results"]

    def all_docs(self, db: str, *, keys: list[str] | None = None, include_docs: bool = False) -> list[dict]:
        params = {"include_docs": "true"} if include_docs else None
        if keys is None:
            return self.request("GET", f"/{quote(db, safe='')}/_all_docs", params=params)["rows"]
        return self.request("POST", f"/{quote(db, safe='')}/_all_docs", body={"keys": keys}, params=params)["rows"]

    def current_revs(self, db: str, doc_ids: list[str]) -> dict[str, dict]:
        """``{doc_id: {"rev": ..., "deleted": bool}}`` for the ids the store knows (deleted included)."""
        if not doc_ids:
            return {}
        out = {}
        for row in self.all_docs(db, keys=doc_ids):
            value = row.get("value")
            if value and "rev" in value:
                out[row["key"]] = {"rev": value["rev"], "deleted": bool(value.get("deleted"))}
        return out

    def live_revs(self, db: str, doc_ids: list[str]) -> dict[str, dict]:
        """``{doc_id: {"rev": ..., "deleted": False}}`` for the ids of live documents the store has.

        Ids made on a device (UUIDv7) are in time order, so a batch of them lies in a narrow
        range: one range read of ``_all_docs`` (a scan, several times cheaper than a lookup per
        key) finds them, with whatever else lies between. When the range holds too much, by keys.
        Deleted documents are not seen (a range read skips them): use :meth:`current_revs` where a
        deletion matters."""
        if not doc_ids:
            return {}
        wanted = sorted(set(doc_ids))
        limit = max(1000, 4 * len(wanted))
        rows = self.request("GET", f"/{quote(db, safe='')}/_all_docs", params={
            "startkey": json.dumps(wanted[0]), "endkey": json.dumps(wanted[-1]), "limit": limit})["rows"]
        if len(rows) >= limit:
            return {k: v for k, v in self.current_revs(db, wanted).items() if not v["deleted"]}
        keys = set(wanted)
        return {row["id"]: {"rev": row["value"]["rev"], "deleted": False} for row in rows if row["id"] in keys}

    def get_doc(self, db: str, doc_id: str) -> dict | None:
        resp = self._send("GET", doc_path(db, doc_id))
        if resp.status_code == 404:
            return None
        if resp.status_code != 200:
            raise _error_of(resp)
        return resp.json()

    def get_local(self, db: str, local_id: str) -> dict | None:
        return self.get_doc(db, f"_local/{local_id}")

    def put_local(self, db: str, local_id: str, doc: dict) -> dict:
        return self.request("PUT", doc_path(db, f"_local/{local_id}"), body=doc)

    def revs_diff(self, db: str, revs: dict[str, list[str]]) -> dict:
        return self.request("POST", f"/{quote(db, safe='')}/_revs_diff", body=revs)


def _error_of(resp: httpx.Response) -> StoreError:
    try:
        body = resp.json()
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    return StoreError(resp.status_code, str(body.get("error", "error")), str(body.get("reason", resp.text[:200])))


def client_for(settings) -> CouchClient:
    """A client with the server's credentials from settings."""
    return CouchClient(settings.couchdb_url, settings.couchdb_user, settings.couchdb_password)
