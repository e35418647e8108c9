"""HTTP plumbing shared by every API module.

- ``permission("x.y")`` / ``public`` / ``authenticated`` mark a view; the
  guard (one ``before_request``) authenticates and checks before any body is
  parsed, and the app refuses to start if a route has no mark.
- One error format for every error, request ids, the session's principal.
- ``Schema`` forbids unknown fields; ``Page`` envelopes list answers.
"""

from __future__ import annotations

import decimal
import logging
import re
import uuid
from typing import Any, Callable

import marshmallow as ma
from flask import Flask, current_app, g, jsonify, request
from flask_smorest import Api as _Api
from flask_smorest import Blueprint as _Blueprint
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from webargs import core as webargs_core
from webargs.flaskparser import FlaskParser, is_json_request
from werkzeug.exceptions import HTTPException

from . import messages
from .auth.principal import ANONYMOUS, SYSTEM, Principal, set_principal
from .db import sqlite_read_only
from .errors import MAX_LISTED_ERRORS, DomainError, Forbidden, InvalidInput, Unauthorized, cap_errors, flatten_messages
from .inputs import CONTROL_MESSAGE, control_problem, load_json, strings_with_control

log = logging.getLogger("aftercare.http")

PUBLIC = "public"
AUTHENTICATED = "authenticated"
_ERROR_RESPONSES = {
    "401": {"description": "Not authenticated", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
    "403": {"description": "Missing the permission", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
}


class _Parser(FlaskParser):
    # webargs ignores unknown query parameters by default; we refuse them so a
    # typo in a filter is an error, not a silently unfiltered list.
    DEFAULT_UNKNOWN_BY_LOCATION = {loc: None for loc in FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION}

    def _raw_load_json(self, req):
        # Bounded nesting (server.inputs): a body nested a thousand deep is a 422, not a RecursionError.
        if not is_json_request(req):
            return webargs_core.missing
        return load_json(req.get_data(cache=True))


class Blueprint(_Blueprint):
    ARGUMENTS_PARSER = _Parser()


def _mark(func: Callable, perm: str) -> Callable:
    func._permission = perm
    doc: dict[str, Any] = {"x-permission": perm}
    if perm != PUBLIC:
        doc["security"] = [{"bearerAuth": []}]
        doc["responses"] = dict(_ERROR_RESPONSES)
        if perm == AUTHENTICATED:
            doc["responses"].pop("403")
    return _Blueprint.doc(**doc)(func)


def permission(name: str) -> Callable[[Callable], Callable]:
    """The view needs this named permission (listed in server.auth.permissions)."""
    from .auth.permissions import PERMISSIONS

    if name not in PERMISSIONS:
        raise ValueError(f"unknown permission {name!r}")
    return lambda func: _mark(func, name)


def public(func: Callable) -> Callable:
    return _mark(func, PUBLIC)


def authenticated(func: Callable) -> Callable:
    """Any logged-in user (e.g. their own profile)."""
    return _mark(func, AUTHENTICATED)


# Endpoints defined by libraries (the OpenAPI document and its docs page).
PUBLIC_ENDPOINTS = {"api-docs.openapi_json", "api-docs.openapi_swagger_ui", "api_docs_assets"}


def body_limit(max_bytes_setting: str) -> Callable[[Callable], Callable]:
    """Allow a larger request body (named setting) on this view, e.g. file imports."""

    def mark(func: Callable) -> Callable:
        func._body_limit = max_bytes_setting
        return func

    return mark


def reads_only(func: Callable) -> Callable:
    """A POST that only reads (a report's query in its body): on SQLite it begins deferred, like a
    GET, and never holds the write lock while it reads; a write it makes goes through ``db.writing``."""
    func._reads_only = True
    return func


def _view_handler(app: Flask, endpoint: str, method: str):
    """The function that answers ``method`` on ``endpoint`` (a MethodView's method; HEAD falls back to GET)."""
    view = app.view_functions.get(endpoint)
    view_class = getattr(view, "view_class", None)
    if view_class is None:
        return view
    handler = getattr(view_class, method.lower(), None)
    if handler is None and method == "HEAD":
        handler = getattr(view_class, "get", None)
    return handler


def _view_attr(app: Flask, endpoint: str, method: str, attr: str):
    return getattr(_view_handler(app, endpoint, method), attr, None)


def _view_permission(app: Flask, endpoint: str, method: str) -> str | None:
    if endpoint in PUBLIC_ENDPOINTS:
        return PUBLIC
    return _view_attr(app, endpoint, method, "_permission")


UNGUARDED_ENDPOINTS = {"static"}


def check_every_route_is_marked(app: Flask) -> None:
    """Fail closed: a route without a permission mark stops the app from starting."""
    missing = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in UNGUARDED_ENDPOINTS:
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            if _view_permission(app, rule.endpoint, method) is None:
                missing.append(f"{method} {rule.rule}")
    if missing:
        raise RuntimeError("routes without a permission mark: " + ", ".join(missing))


_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


def _request_id() -> str:
    given = request.headers.get("X-Request-ID", "")
    return given if _REQUEST_ID.match(given) else uuid.uuid4().hex


def db_session() -> Session:
    return current_app.extensions["aftercare.db"].session()


def settings():
    return current_app.extensions["aftercare.settings"]


def principal() -> Principal:
    return g.principal


def guard() -> None:
    """Authenticate and authorise the request before the view parses anything."""
    g.request_id = _request_id()
    g.principal = ANONYMOUS
    # Reads, and the sync proxy (it writes to the store only): on SQLite they never queue for the
    # write lock behind the posting worker's batches.
    g.read_only_token = sqlite_read_only.set(
        request.method in ("GET", "HEAD") or request.blueprint == "sync_proxy"
        or (request.endpoint is not None and bool(_view_attr(current_app, request.endpoint, request.method, "_reads_only"))))
    session = db_session()
    set_principal(session, ANONYMOUS)
    if request.endpoint is None or request.endpoint in UNGUARDED_ENDPOINTS or request.method == "OPTIONS":
        return
    perm = _view_permission(current_app, request.endpoint, request.method)
    if perm is None:  # method not allowed: let Flask answer 405
        return
    if perm == PUBLIC:
        # Public views (login, refresh) act for an anonymous caller; they run as
        # the system and record who asked.
        set_principal(session, Principal(kind="system", sees_all=True, username="anonymous", source="auth", request_id=g.request_id))
        _check_path_args()
        return
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        raise Unauthorized("missing bearer token")
    from .auth.queries import principal_from_token

    p = principal_from_token(session, settings(), header[7:].strip(), g.request_id)
    g.principal = p
    set_principal(session, p)
    if perm != AUTHENTICATED and not p.can(perm):
        raise Forbidden(f"missing permission {perm}", {"permission": [perm]})
    limit = _view_attr(current_app, request.endpoint, request.method, "_body_limit")
    if limit:
        request.max_content_length = getattr(settings(), limit)
    _check_path_args()


def _check_path_args() -> None:
    """Text in the path (an IMEI, a phone, a document id) obeys the body's rule: no control characters."""
    for name, value in (request.view_args or {}).items():
        if isinstance(value, str) and control_problem(value):
            raise InvalidInput(name, CONTROL_MESSAGE)


def system_session(app: Flask, source: str = "system") -> Session:
    """A fresh session acting as the system (CLI, worker)."""
    session = app.extensions["aftercare.db"].new_session()
    set_principal(session, Principal(kind="system", sees_all=True, username="system", source=source))
    return session


# -- errors --------------------------------------------------------------------

def _error(status: int, code: str, message: str, errors: dict | None = None, **extra) -> Any:
    errors, omitted = cap_errors(errors or {})
    # In the reader's language (Accept-Language), from the one catalogue (server/messages.py).
    lang = messages.language_of(request.headers.get("Accept-Language"))
    message, errors = messages.translate(message, lang), messages.translate_errors(errors, lang)
    body = {"code": code, "message": message, "errors": errors, **extra}
    if omitted:
        body["errors_omitted"] = omitted
    body["request_id"] = getattr(g, "request_id", None)
    if request.path.startswith("/sync/"):
        # PouchDB reads CouchDB's error shape on the sync proxy.
        body.setdefault("error", "forbidden" if status == 403 else code)
        body.setdefault("reason", message)
    resp = jsonify(body)
    resp.status_code = status
    return resp


_HTTP_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
               409: "conflict", 413: "payload_too_large", 415: "unsupported_media_type", 422: "validation_error",
               428: "precondition_required", 412: "precondition_failed", 429: "too_many_requests"}


class ErrorSchema(ma.Schema):
    code = ma.fields.String(metadata={"description": "Machine-readable error code"})
    message = ma.fields.String()
    errors = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.List(ma.fields.String()),
                            metadata={"description": "Messages per field"})
    errors_omitted = ma.fields.Integer(metadata={"description": f"Fields with errors beyond the first {MAX_LISTED_ERRORS}, "
                                                                 "not listed in errors (absent when none)"})
    request_id = ma.fields.String()

    class Meta:
        # Some errors add context (e.g. retry_after, locked_until; error/reason on the sync proxy).
        unknown = ma.INCLUDE


class Api(_Api):
    ERROR_SCHEMA = ErrorSchema

    def _register_error_handlers(self):
        self._app.register_error_handler(HTTPException, self.handle_http_exception)
        self._app.register_error_handler(DomainError, _handle_domain_error)
        self._app.register_error_handler(Exception, _handle_unexpected)

    def handle_http_exception(self, error: HTTPException):
        if error.code and error.code >= 500:
            return _handle_unexpected(error)
        data = getattr(error, "data", None) or {}
        errors = {}
        if "errors" in data:
            errors = flatten_messages(data["errors"])
        elif "messages" in data:
            errors = flatten_messages(data["messages"])
        code = _HTTP_CODES.get(error.code or 400, "error")
        listed, omitted = cap_errors(errors)
        fields = ", ".join(sorted(listed))
        message = data.get("message") or (
            (f"invalid input: {fields} and {omitted} more" if omitted else f"invalid input: {fields}")
            if errors else (error.description or error.name)
        )
        resp = _error(error.code or 400, code, message, errors)
        for k, v in (data.get("headers") or {}).items():
            resp.headers[k] = v
        return resp


def _handle_domain_error(error: DomainError):
    db_session().rollback()
    return _error(error.status, error.code, error.message, error.errors, **error.extra)


def _handle_unexpected(error: Exception):
    try:
        db_session().rollback()
    except Exception:  # noqa: BLE001 - the original error is what matters
        log.exception("rollback failed")
    rid = getattr(g, "request_id", None) or uuid.uuid4().hex
    refused = _database_refusal(error)
    if refused is not None:
        # A safety net: explicit checks name the field first; reaching here means one is missing.
        log.warning("database refused request_id=%s %s %s: %s", rid, request.method, request.path, error)
        return _error(*refused)
    log.error("unhandled error request_id=%s %s %s", rid, request.method, request.path, exc_info=error)
    resp = _error(500, "internal_error", f"internal error; quote request id {rid}", request_id=rid)
    return resp


_SQLITE_COLUMN = re.compile(r"constraint failed: \w+\.(\w+)")


def _database_refusal(error: Exception) -> tuple[int, str, str, dict] | None:
    """(status, code, message, errors) for a constraint or data error the database raised, naming the
    column when the error says which (PostgreSQL's diagnostics, SQLite's message); None for anything else."""
    from sqlalchemy.exc import DataError, IntegrityError

    if not isinstance(error, (IntegrityError, DataError)):
        return None
    field = None
    diag = getattr(error.orig, "diag", None)
    if diag is not None:
        field = diag.column_name or _constraint_column(diag.constraint_name)
    elif (m := _SQLITE_COLUMN.search(str(error.orig))) is not None:
        field = m.group(1)
    if isinstance(error, IntegrityError):
        status, code, message = 409, "conflict", "conflicts with stored records (a duplicate, or a reference to a missing record)"
    else:
        status, code, message = 422, "validation_error", "a value the database cannot store"
    return status, code, message, {field or "_schema": [message]}


def _constraint_column(name: str | None) -> str | None:
    from .db import Base

    if not name:
        return None
    for table in Base.metadata.tables.values():
        for constraint in table.constraints:
            if constraint.name == name:
                columns = [c.name for c in getattr(constraint, "columns", [])]
                return columns[-1] if columns else None
    return None


def add_request_id_header(resp):
    rid = getattr(g, "request_id", None)
    if rid:
        resp.headers["X-Request-ID"] = rid
    return resp


# -- schemas -------------------------------------------------------------------

class Schema(ma.Schema):
    """Unknown fields are an error (naming the field); output keeps field order; text with
    control characters is refused (``server.inputs``), in every field of every input schema."""

    class Meta:
        unknown = ma.RAISE
        ordered = True

    @ma.pre_load
    def _refuse_control_characters(self, data, **_kw):
        bad = sorted(set(strings_with_control(data)))
        if bad:
            raise ma.ValidationError({name: [CONTROL_MESSAGE] for name in bad})
        return data


class ExactDecimal(ma.fields.Decimal):
    """A decimal field that refuses more places than ``places`` (the column's scale) instead of
    rounding them away: 0.001 yuan is an error naming the field, never a silent 0.00."""

    default_error_messages = {"too_precise": "at most {places} decimal places"}

    def _deserialize(self, value, attr, data, **kwargs):
        result = super()._deserialize(value, attr, data, **kwargs)
        if self.places is not None and result is not None and result.is_finite():
            given = value if isinstance(value, decimal.Decimal) else decimal.Decimal(str(value))
            if given != result:
                raise self.make_error("too_precise", places=-self.places.as_tuple().exponent)
        return result


def Str(max_len: int, *, required: bool = False, min_len: int = 0, **kw) -> ma.fields.String:
    """A bounded string: every input string in the API has a maximum length."""
    validators = [ma.validate.Length(min=min_len or None, max=max_len)]
    return ma.fields.String(required=required, validate=validators, **kw)


class PageArgs(Schema):
    page = ma.fields.Integer(load_default=1, validate=ma.validate.Range(min=1, max=100_000))
    page_size = ma.fields.Integer(load_default=50, validate=ma.validate.Range(min=1, max=200))


def page_schema(item: type[ma.Schema], name: str) -> type[ma.Schema]:
    return type(name, (Schema,), {
        "items": ma.fields.List(ma.fields.Nested(item)),
        "total": ma.fields.Integer(),
        "page": ma.fields.Integer(),
        "page_size": ma.fields.Integer(),
        "capped": ma.fields.Boolean(metadata={"description": "A search matched more than it considers; refine it"}),
    })


def paginate(session: Session, stmt, args: dict, capped: bool = False) -> dict:
    """One page and the total (of what a capped search considered)."""
    page, size = args.get("page", 1), args.get("page_size", 50)
    total = session.execute(select(func.count()).select_from(stmt.order_by(None).subquery())).scalar_one()
    items = session.execute(stmt.limit(size).offset((page - 1) * size)).scalars().all()
    return {"items": items, "total": total, "page": page, "page_size": size, "capped": capped}


def install(app: Flask) -> None:
    app.before_request(guard)
    app.after_request(add_request_id_header)

    @app.teardown_appcontext
    def _remove_session(_exc):
        db = app.extensions.get("aftercare.db")
        if db is not None:
            db.session.remove()
        token = g.pop("read_only_token", None)
        if token is not None:
            sqlite_read_only.reset(token)


__all__ = ["Api", "Blueprint", "Schema", "Str", "ExactDecimal", "PageArgs", "page_schema", "paginate", "permission", "public", "authenticated",
           "db_session", "settings", "principal", "system_session", "SYSTEM", "install", "check_every_route_is_marked"]
