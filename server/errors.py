"""Domain errors and the one error format every 4xx/5xx uses.

``{"code": str, "message": str, "errors": {field: [messages]}}`` (+ ``request_id``).
Operations raise :class:`DomainError` subclasses; the API layer renders them.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, errors: dict[str, list[str]] | None = None, **extra: Any):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}
        self.extra = extra

    def payload(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message, "errors": self.errors}
        body.update(self.extra)
        return body


class InvalidInput(DomainError):
    """Bad input naming its field: ``InvalidInput("doc_date", "falls in a closed period")``."""

    status = 422
    code = "validation_error"

    def __init__(self, field: str, message: str, **extra: Any):
        super().__init__(f"{field}: {message}", {field: [message]}, **extra)


class Unauthorized(DomainError):
    status = 401
    code = "unauthorized"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class TransitionRefused(Conflict):
    code = "transition_refused"


class PeriodClosed(InvalidInput):
    code = "period_closed"


class TooManyAttempts(DomainError):
    """Login throttled (server.auth.throttle): ``retry_after`` seconds, also sent as Retry-After."""

    status = 429
    code = "login_throttled"


def flatten_messages(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """Turn marshmallow/webargs nested messages into ``{"a.0.b": [..]}``.

    The request location (json, query, …) is dropped: field names are unique
    across locations in this API.
    """
    out: dict[str, list[str]] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            if not prefix and key in ("json", "query", "form", "headers", "files", "path", "view_args", "cookies") and isinstance(value, dict):
                for k, v in flatten_messages(value, "").items():
                    out.setdefault(k, []).extend(v)
                continue
            name = f"{prefix}.{key}" if prefix else str(key)
            for k, v in flatten_messages(value, name).items():
                out.setdefault(k, []).extend(v)
    elif isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        out[prefix or "_schema"] = list(messages)
    elif isinstance(messages, list):
        for i, item in enumerate(messages):
            for k, v in flatten_messages(item, f"{prefix}.{i}" if prefix else str(i)).items():
                out.setdefault(k, []).extend(v)
    else:
        out[prefix or "_schema"] = [str(messages)]
    return out


MAX_LISTED_ERRORS = 50


def cap_errors(errors: dict[str, list[str]], limit: int = MAX_LISTED_ERRORS) -> tuple[dict[str, list[str]], int]:
    """The first ``limit`` fields' messages and how many fields were left out: a 5,000-line list
    with a fault on every line answers a few kB, not 100 kB."""
    if len(errors) <= limit:
        return errors, 0
    kept = dict(list(errors.items())[:limit])
    return kept, len(errors) - limit
