"""The sync proxy: devices replicate through ``/sync/<db>/…`` and never see the store's credentials.

A plain Flask blueprint (not flask-smorest) so responses can stream. The guard
has authenticated the bearer token and checked ``sync.replicate`` before any
view here runs. Then:

- a user may use their own service point's database (read and write) and the
  master-data database (read; PouchDB's checkpoints under ``_local/`` may be
  written there too);
- exactly what PouchDB replication uses is let through; anything else is 403;
- ``_bulk_docs`` is checked document by document (schema, organisation, user,
  immutability, server-owned ids: ``status:*`` and ``md:*``) and refused documents are answered
  ``{"id", "error": "forbidden", "reason"}`` in their original place while the
  rest go on to the store;
- answers stream from the store to the device; bodies over
  AFTERCARE_SYNC_MAX_REQUEST_BYTES get 413.
"""

from __future__ import annotations

import json
import logging
import re
import time
from typing import Any, Callable, Iterator

from flask import Blueprint, Response, current_app, g, jsonify, request

from server.errors import DomainError, Forbidden, InvalidInput
from server.http import db_session, permission, principal, settings
from server.inputs import load_json
from server.org.models import Organisation
from server.outbox.operations import MASTER_DB, service_point_db
from server.serving import LONGPOLL_SLOTS, longpoll_slots

from .client import CouchClient, StoreError, StoreUnavailable, client_for, doc_path, seq_param
from .schemas import validate_event

log = logging.getLogger("aftercare.sync.proxy")

bp = Blueprint("sync_proxy", __name__, url_prefix="/sync")

STATUS_PREFIX = "status:"
MASTER_DATA_PREFIX = "md:"
_DB = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
# A longpoll holds a server thread: cap how long one may wait, and how often it asks the store.
MAX_LONGPOLL_MS = 25_000
LONGPOLL_INTERVAL = 0.5
# When the longpolls' share of the threads is taken, a further one waits this long at most.
CROWDED_LONGPOLL_MS = 1_000
# Query parameters PouchDB sends on the endpoints we pass through.
_FEEDS = {"normal", "longpoll"}


class StoreDown(DomainError):
    status = 503
    code = "sync_store_unavailable"


def store() -> CouchClient:
    client = current_app.extensions.get("aftercare.couch")
    if client is None:
        try:
            client = client_for(settings())
        except StoreError as exc:
            raise StoreDown(exc.reason) from None
        current_app.extensions["aftercare.couch"] = client
    return client


def own_database() -> str | None:
    """The database of the caller's service point (None for headquarters and dealers)."""
    p = principal()
    org = db_session().get(Organisation, p.org_id) if p.org_id else None
    if org is None or org.kind != "service_point" or not org.active or "dealer" in p.roles:
        return None
    return service_point_db(org.code)


def check_access(db: str, *, write: bool) -> None:
    """Own service point's database: read and write; master data: read. Everything else: 403."""
    if not _DB.match(db):
        raise Forbidden("no such database", {"db": ["not a sync database"]})
    if db == MASTER_DB:
        if write:
            raise Forbidden("master data is read-only", {"db": ["master data is read-only"]})
        return
    if db != own_database():
        raise Forbidden("this database belongs to another service point", {"db": ["not your service point"]})


def _limit_body() -> bytes:
    """The body, within the sync limit, and JSON nested no deeper than server.inputs allows, whichever
    endpoint it is for: the store never sees a body that could exhaust its parser (one nested 5,000
    deep, sent to `_local`, took pouchdb-server down), and a deep one is a 422, not a RecursionError."""
    request.max_content_length = settings().sync_max_request_bytes
    data = request.get_data(cache=True)
    if data and "sync_json" not in g:
        try:
            g.sync_json = load_json(data)
        except ValueError:
            raise InvalidInput("body", "is not valid JSON") from None
    return data


def _json_body() -> Any:
    return g.sync_json if _limit_body() else None


def forward(method: str, path: str, *, params: dict | None = None, content: bytes | None = None,
            timeout: float | None = None) -> Response:
    """Send to the store and stream its answer back unchanged (status, JSON body)."""
    headers = {"Content-Type": "application/json"} if content is not None else None
    try:
        upstream = store().open_stream(method, path, params=params, content=content, headers=headers, timeout=timeout)
    except StoreUnavailable as exc:
        log.warning("sync store unavailable: %s", exc.reason)
        raise StoreDown("the sync store is not reachable; try again later") from None

    def body() -> Iterator[bytes]:
        try:
            yield from upstream.iter_raw()
        finally:
            upstream.close()

    resp = Response(body(), status=upstream.status_code, content_type="application/json")
    for name in ("Content-Length", "ETag", "Cache-Control"):
        if name in upstream.headers:
            resp.headers[name] = upstream.headers[name]
    return resp


def _args() -> dict[str, str]:
    return {k: v for k, v in request.args.items()}


# -- the routes ----------------------------------------------------------------------

@bp.route("/", methods=["GET"])
@permission("sync.replicate")
def root():
    """PouchDB reads the server root to name a replication; no uuid, so the id stays tied to the URL."""
    return jsonify({"couchdb": "Welcome", "vendor": {"name": "Aftercare"}})


@bp.route("/<db>", methods=["GET"])
@bp.route("/<db>/", methods=["GET"])
@permission("sync.replicate")
def db_info(db):
    check_access(db, write=False)
    return forward("GET", f"/{db}")


@bp.route("/<db>/_local/<path:local_id>", methods=["GET", "PUT"])
@permission("sync.replicate")
def local_doc(db, local_id):
    """Replication checkpoints. Allowed on master too: they are not replicated and name only the device's replication."""
    check_access(db, write=False)
    if request.method == "GET":
        return forward("GET", doc_path(db, f"_local/{local_id}"), params=_args())
    return forward("PUT", doc_path(db, f"_local/{local_id}"), content=_limit_body())


@bp.route("/<db>/_changes", methods=["GET", "POST"])
@permission("sync.replicate")
def changes(db):
    """The feed, streamed. A longpoll is answered by polling the store (pouchdb-server ignores
    longpoll's timeout and would hold the connection until the next change)."""
    check_access(db, write=False)
    params = _args()
    feed = params.pop("feed", "normal")
    if feed not in _FEEDS:
        raise InvalidInput("feed", "only normal and longpoll feeds are served")
    content = _limit_body() if request.method == "POST" else None
    if feed == "longpoll":
        try:
            wait = min(int(params.pop("timeout", MAX_LONGPOLL_MS)), MAX_LONGPOLL_MS)
        except ValueError:
            raise InvalidInput("timeout", "must be a whole number of milliseconds") from None
        params.pop("heartbeat", None)
        slots = _longpoll_slots()
        waiting = slots.acquire(blocking=False)
        try:
            if not waiting:
                wait = min(wait, CROWDED_LONGPOLL_MS)
            empty = _wait_for_changes(db, params, content, wait / 1000,
                                      gone=request.environ.get("waitress.client_disconnected"))
        finally:
            if waiting:
                slots.release()
        if empty is not None:
            return jsonify(empty)
    return forward(request.method, f"/{db}/_changes", params=params, content=content)


def _longpoll_slots():
    """The longpolls allowed to wait at once (set by the HTTP server for its threads)."""
    slots = current_app.extensions.get(LONGPOLL_SLOTS)
    if slots is None:
        slots = current_app.extensions.setdefault(LONGPOLL_SLOTS, longpoll_slots(settings().http_threads))
    return slots


def _wait_for_changes(db: str, params: dict, content: bytes | None, seconds: float,
                      gone: Callable[[], bool] | None = None) -> dict | None:
    """Poll a tiny feed until something changed (None: forward the real request now, with
    ``params["since"]`` moved on), the time is up or the client has gone (the empty answer)."""
    deadline = time.monotonic() + seconds
    probe = {**params, "limit": "1"}
    probe.pop("include_docs", None)
    while True:
        try:
            res = store().request(request.method, f"/{db}/_changes", params=probe, content=content,
                                  headers={"Content-Type": "application/json"} if content is not None else None)
        except StoreUnavailable:
            raise StoreDown("the sync store is not reachable; try again later") from None
        except StoreError as exc:
            raise InvalidInput("since", exc.reason) if exc.status == 400 else StoreDown(exc.reason) from None
        if res.get("results"):
            return None
        # Seqs are opaque: the store's own last_seq is handed back to it as is.
        if "last_seq" in res:
            params["since"] = probe["since"] = seq_param(res["last_seq"])
        # The last probe is made at the deadline: a longpoll neither ends early (a client would
        # poll again sooner than it asked) nor misses a change made in its last slice.
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return {"results": [], "last_seq": res.get("last_seq")}
        time.sleep(min(LONGPOLL_INTERVAL, remaining))
        if gone is not None and gone():
            return {"results": [], "last_seq": res.get("last_seq")}  # nobody to answer: free the thread


@bp.route("/<db>/_revs_diff", methods=["POST"])
@permission("sync.replicate")
def revs_diff(db):
    check_access(db, write=False)
    return forward("POST", f"/{db}/_revs_diff", content=_limit_body())


@bp.route("/<db>/_bulk_get", methods=["POST"])
@permission("sync.replicate")
def bulk_get(db):
    check_access(db, write=False)
    return forward("POST", f"/{db}/_bulk_get", params=_args(), content=_limit_body())


@bp.route("/<db>/_all_docs", methods=["GET", "POST"])
@permission("sync.replicate")
def all_docs(db):
    check_access(db, write=False)
    content = _limit_body() if request.method == "POST" else None
    return forward(request.method, f"/{db}/_all_docs", params=_args(), content=content)


@bp.route("/<db>/_bulk_docs", methods=["POST"])
@permission("sync.replicate")
def bulk_docs(db):
    check_access(db, write=False)  # master: every document is refused below, in place
    body = _json_body()
    if not isinstance(body, dict) or not isinstance(body.get("docs"), list):
        raise InvalidInput("docs", "must be a list of documents")
    new_edits = body.get("new_edits", True)
    if not isinstance(new_edits, bool):
        raise InvalidInput("new_edits", "must be true or false")
    docs = body["docs"]
    try:
        results = write_events(db, docs, new_edits=new_edits)
    except StoreUnavailable:
        raise StoreDown("the sync store is not reachable; try again later") from None
    except StoreError as exc:
        return jsonify({"error": exc.error, "reason": exc.reason}), exc.status
    return Response(json.dumps(results, ensure_ascii=False), status=201, content_type="application/json")


@bp.route("/<db>/<path:doc_id>", methods=["GET"])
@permission("sync.replicate")
def get_document(db, doc_id):
    check_access(db, write=False)
    if doc_id.startswith("_"):
        raise Forbidden("not served through the sync proxy", {"path": [doc_id[:60]]})
    return forward("GET", doc_path(db, doc_id), params=_args())


@bp.route("/<path:rest>", methods=["GET", "POST", "PUT", "DELETE", "PATCH", "COPY"])
@permission("sync.replicate")
def refused(rest):
    """Everything replication does not use (creating databases, design documents, _all_dbs, …)."""
    raise Forbidden("not served through the sync proxy", {"path": [rest[:60]]})


# -- checking uploads -------------------------------------------------------------------

def _refusal(doc_id: Any, reason: str) -> dict:
    return {"id": doc_id if isinstance(doc_id, str) else None, "error": "forbidden", "reason": reason}


_REV = re.compile(r"^1-[0-9a-f]{1,64}$")


def _history_reason(doc: dict, *, new_edits: bool) -> str | None:
    """Events are made once: a first revision, with no history of edits behind it.

    With ``new_edits: false`` the store builds the revision tree from ``_revisions``
    (not from ``_rev``), so a crafted chain could make any revision a child of one
    already stored, or give a new event a fake history: only ``{start: 1, ids: [h]}``
    for ``_rev`` ``1-h`` (what a replicating device sends for a first revision) or none at all."""
    rev = doc.get("_rev")
    history = doc.get("_revisions", None)
    if new_edits:
        if rev is not None:
            return "events are immutable: only new documents are accepted"
        if history is not None:
            return "events are immutable: a new event has no revision history"
        return None
    if not isinstance(rev, str) or not _REV.match(rev):
        return "events are immutable: only a first revision is accepted"
    if history is not None and history != {"start": 1, "ids": [rev[2:]]}:
        return "events are immutable: a first revision has no earlier history"
    return None


def refusal_reason(db: str, doc: Any, stored: dict[str, dict], *, new_edits: bool, org_id: str, user_id: str) -> str | None:
    """Why this uploaded document may not be written (None: it may)."""
    if not isinstance(doc, dict) or not isinstance(doc.get("_id"), str):
        return "a document needs a string _id"
    doc_id = doc["_id"]
    if doc_id.startswith(STATUS_PREFIX):
        return "status documents are written by the server only"
    if doc_id.startswith(MASTER_DATA_PREFIX):
        return "master data is written by the server only"
    if doc_id.startswith(("_design/", "_local/")):
        return "design and local documents are not accepted here"
    if db == MASTER_DB:
        return "master data is read-only"
    if doc.get("_deleted"):
        return "events are never deleted; a correction is a new event"
    history = _history_reason(doc, new_edits=new_edits)
    current = stored.get(doc_id)
    if current is not None:
        if not new_edits and history is None and doc["_rev"] == current["rev"] and _same_body(doc, current.get("doc")):
            return None  # the same revision again: answered as written, never sent to the store
        return "this event is already stored; events are immutable, a correction is a new event"
    if history:
        return history
    problems = validate_event(doc)
    if problems:
        return "; ".join(str(p) for p in problems)
    if doc["org"] != org_id:
        return "org: is not your organisation"
    if doc["user_id"] != user_id:
        return "user_id: is not the signed-in user"
    return None


def _same_body(doc: dict, stored: Any) -> bool:
    """Whether an upload is byte for byte the stored revision (revision history aside)."""
    if not isinstance(stored, dict):
        return False
    strip = ("_revisions", "_rev")
    return ({k: v for k, v in doc.items() if k not in strip} == {k: v for k, v in stored.items() if k not in strip})


def _read_resent(client: CouchClient, db: str, docs: list, stored: dict[str, dict], *, new_edits: bool) -> None:
    """Read the stored bodies of documents sent again at their stored revision, to compare (a rare case:
    a device whose checkpoint was lost)."""
    if new_edits or not stored:
        return
    refs = [{"id": d["_id"], "rev": d["_rev"]} for d in docs
            if isinstance(d, dict) and isinstance(d.get("_id"), str) and d["_id"] in stored
            and d.get("_rev") == stored[d["_id"]]["rev"]]
    if not refs:
        return
    for result in client.bulk_get(db, refs):
        for entry in result.get("docs", []):
            body = entry.get("ok")
            if isinstance(body, dict) and body.get("_id") in stored:
                stored[body["_id"]]["doc"] = body


def write_events(db: str, docs: list, *, new_edits: bool) -> list[dict]:
    """Check every document, forward the accepted ones, answer in the original order.

    With ``new_edits: false`` (replication) the store answers errors only, so
    the answer lists only refused and failed documents, as CouchDB does.
    """
    p = principal()
    org_id, user_id = str(p.org_id), str(p.user_id)
    ids = [d["_id"] for d in docs if isinstance(d, dict) and isinstance(d.get("_id"), str)
           and not d["_id"].startswith(("_design/", "_local/", STATUS_PREFIX, MASTER_DATA_PREFIX))]
    client = store()
    # Live documents only: events are never deleted (devices may not, the server does not), and
    # every id that is not an event's is refused by its prefix above.
    stored = client.live_revs(db, ids) if ids and db != MASTER_DB else {}
    _read_resent(client, db, docs, stored, new_edits=new_edits)
    reasons = [refusal_reason(db, d, stored, new_edits=new_edits, org_id=org_id, user_id=user_id) for d in docs]
    # A revision sent again is a no-op for the store; it never goes there, so nothing it carries can change what
    # is stored (a crafted history included).
    accepted = [d for d, r in zip(docs, reasons) if r is None and d["_id"] not in stored]
    upstream = client.bulk_docs(db, accepted, new_edits=new_edits) if accepted else []
    out: list[dict] = []
    if new_edits:
        answers = iter(upstream)
        for doc, reason in zip(docs, reasons):
            out.append(_refusal(doc.get("_id") if isinstance(doc, dict) else None, reason) if reason else next(answers))
        return out
    errors: dict[str, list[dict]] = {}
    for r in upstream:
        errors.setdefault(r.get("id"), []).append(r)
    for doc, reason in zip(docs, reasons):
        if reason:
            out.append(_refusal(doc.get("_id") if isinstance(doc, dict) else None, reason))
        elif errors.get(doc["_id"]):
            out.append(errors[doc["_id"]].pop(0))
    return out
