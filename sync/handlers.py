"""The registry of event types the posting worker knows: type → handler.

A domain module registers its handlers in its ``events.py``::

    @register_handler("note", permission="note.add")
    def post_note(session, event) -> PostResult: ...

A handler calls the same operation the REST API calls, inside the worker's
transaction, with the session acting as the event's user. It raises a
``DomainError`` to refuse the event (the reason reaches the device); it never
commits. Handlers that open an order (``opens_order=True``) make the order
known, so the events that name it can post.
"""

from __future__ import annotations

import datetime as dt
import importlib
import uuid
from dataclasses import dataclass, field
from typing import Callable

from sqlalchemy.orm import Session

# Domain modules with sync handlers; the worker imports them all.
HANDLER_MODULES = ["server.notes.events", "server.repair.events", "server.exchange.events", "server.stock.events", "server.swap.events",
                   "server.retail.events"]


@dataclass(frozen=True)
class Event:
    """A validated event document, as the handler sees it."""

    db: str
    id: str
    rev: str
    type: str
    org_id: uuid.UUID
    user_id: uuid.UUID
    device_id: str
    created_at: dt.datetime
    order_id: uuid.UUID | None
    doc: dict
    # The business time zone (AFTERCARE_TIMEZONE): document dates are days in it.
    timezone: str = "Asia/Shanghai"

    def local_date(self) -> dt.date:
        """The day the event was made, in the business time zone."""
        from zoneinfo import ZoneInfo

        return self.created_at.astimezone(ZoneInfo(self.timezone)).date()


@dataclass
class PostResult:
    """What posting produced: document numbers for the status document, and the main document."""

    numbers: dict[str, str] = field(default_factory=dict)
    document_type: str = ""
    document_id: uuid.UUID | None = None
    number: str = ""


Post = Callable[[Session, Event], PostResult]


@dataclass(frozen=True)
class Handler:
    type: str
    post: Post
    permissions: tuple[str, ...]  # the event's user needs every one of them
    opens_order: bool = False
    # The operation can run in a posting batch's deferred mode (server.core.batch): it
    # writes only through the batch and pending ORM objects, and reads nothing the
    # batch has not written yet. A function decides per event document.
    deferred: bool | Callable[[dict], bool] = False
    # Loads, in a few statements, what a batch's events of this type will look up one by one
    # (items, warehouses …), so each posting finds them in the session. Gets the batch's
    # documents of this type, not yet validated.
    prefetch: Callable[[Session, list[dict]], None] | None = None

    def defers(self, doc: dict) -> bool:
        return self.deferred(doc) if callable(self.deferred) else self.deferred


_HANDLERS: dict[str, Handler] = {}


def register_handler(event_type: str, *, permission: str | tuple[str, ...], opens_order: bool = False,
                     deferred: bool | Callable[[dict], bool] = False,
                     prefetch: Callable[[Session, list[dict]], None] | None = None) -> Callable[[Post], Post]:
    """Register the handler of an event type (its schema must exist in sync/schemas or be registered).

    ``permission``: what the event's user must hold (all of them, when several), as
    for the same action through the REST API.
    """
    from server.auth.permissions import PERMISSIONS

    permissions = (permission,) if isinstance(permission, str) else tuple(permission)
    for name in permissions:
        if name not in PERMISSIONS:
            raise ValueError(f"unknown permission {name!r}")

    def deco(func: Post) -> Post:
        _HANDLERS[event_type] = Handler(event_type, func, permissions, opens_order, deferred, prefetch)
        return func

    return deco


def unregister_handler(event_type: str) -> None:
    _HANDLERS.pop(event_type, None)


def handler_for(event_type: str) -> Handler | None:
    return _HANDLERS.get(event_type)


def load_handlers() -> None:
    for name in HANDLER_MODULES:
        importlib.import_module(name)


# -- orders ----------------------------------------------------------------------------------

# The documents an event may name as its ``order_id`` (repair orders, packing lists, batches),
# whichever way they were made: an order opened at the REST API is as much an order as one a
# device opened. Domain modules register their models in their ``events.py``.
_ORDER_MODELS: list[type] = []


def register_order_model(model: type) -> type:
    if model not in _ORDER_MODELS:
        _ORDER_MODELS.append(model)
    return model


def order_models() -> tuple[type, ...]:
    return tuple(_ORDER_MODELS)


def find_order(session: Session, order_id: uuid.UUID):
    """The order document with this id, of any registered kind, unscoped (None: there is none).

    Callers decide who may use it (:func:`server.org.scoping.may_see`)."""
    from server.db import get_loaded

    obj = loaded_order(session, order_id)
    if obj is not None:
        return obj
    for model in _ORDER_MODELS:
        obj = get_loaded(session, model, order_id)
        if obj is not None:
            return obj
    return None


def loaded_order(session: Session, order_id: uuid.UUID):
    """The order with this id if the session holds it already (a handler's ``prefetch`` loads a
    batch's orders): asking the models in turn would cost a query for each kind it is not."""
    from server.core.batch import batch_of
    from server.db import _identity_key

    for model in _ORDER_MODELS:
        obj = session.identity_map.get(_identity_key(model, order_id))
        if obj is not None:
            return obj
    batch = batch_of(session)
    if batch is not None and batch.made:  # opened deferred earlier in the batch, not written yet
        for model in _ORDER_MODELS:
            obj = batch.find_made(model, order_id)
            if obj is not None:
                return obj
    return None
