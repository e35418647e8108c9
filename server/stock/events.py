"""Sync handlers: warehouse documents made on a counter or warehouse tablet, and their reversals.

Each document type of ``DOC_TYPES`` is an event type (schema
``sync/schemas/<doc_type>.json``). The event is the whole document: the
server creates it with the device's ids (the event's ``_id`` is the
document's id, each line carries its own) and posts it at once, through the
same operations the REST API calls (``create_stock_document`` then
``post_stock_document``), in the worker's transaction. A ``stock_reversal``
event reverses a posted document by id (``reverse_stock_document``, as
``POST …/<id>/reverse``). Refusals are the operations' own DomainErrors.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from sync.handlers import Event, PostResult, register_handler

from ..auth.principal import get_principal
from ..basedata.models import Engineer, Item, Party, Warehouse
from ..core.batch import pending_rows
from ..db import load_many
from ..errors import Forbidden, InvalidInput, NotFound
from ..org.scoping import may_see
from . import operations as ops
from .api import ENGINEER_TYPES
from .documents import DOC_TYPES
from .ledger import know_items
from .models import StockDocument

_REF_FIELDS = ("warehouse_id", "to_warehouse_id", "party_id", "engineer_id", "formula_id")


def _permissions(doc_type: str) -> tuple[str, ...]:
    """As through the REST API: preparing the draft and posting it."""
    if doc_type in ENGINEER_TYPES:
        return ("stock.requisition",)
    return ("stock.manage", "stock.post")


def _date(value: str | None, event: Event, field: str) -> dt.date:
    if not value:
        return event.local_date()
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(field, "is not a valid date") from None


def _dec(value: str | None) -> Decimal | None:
    return Decimal(value) if value is not None else None


def document_data(event: Event) -> dict:
    """The event as the data ``create_stock_document`` takes (the REST API's DocumentIn, plus ids)."""
    doc = event.doc
    data: dict = {"id": uuid.UUID(event.id), "org_id": event.org_id, "doc_date": _date(doc.get("doc_date"), event, "doc_date"),
                  "reference": doc.get("reference", ""), "note": doc.get("note", "")}
    if "kind" in doc:
        data["kind"] = doc["kind"]
    for key in _REF_FIELDS:
        if doc.get(key):
            data[key] = uuid.UUID(doc[key])
    seen: set[str] = set()
    lines = []
    for n, line in enumerate(doc["lines"]):
        if line["id"] in seen:
            raise InvalidInput(f"lines.{n}.id", "used by another line of this document")
        seen.add(line["id"])
        lines.append({"id": uuid.UUID(line["id"]), "item_id": uuid.UUID(line["item_id"]),
                      "quantity": _dec(line.get("quantity")), "unit_cost": _dec(line.get("unit_cost")),
                      "counted_quantity": _dec(line.get("counted_quantity")), "serials": line.get("serials") or [],
                      "role": line.get("role", "main"), "note": line.get("note", "")})
    data["lines"] = lines
    return data


def post_document_event(session: Session, event: Event) -> PostResult:
    """Create and post the document the event carries.

    Writes: stock_document, stock_document_line, document_counter, the stock
    ledger (moves, balances, costs, serials), audit_log — as the REST API's
    create + post. Refused whole (negative stock, serials, closed period, bad
    references) with the operation's DomainError.
    """
    doc = ops.create_and_post_stock_document(session, event.type, document_data(event))
    return PostResult(numbers={event.type: doc.number}, document_type=event.type, document_id=doc.id, number=doc.number)


def post_reversal_event(session: Session, event: Event) -> PostResult:
    """红冲 the named posted document. Writes: as ``reverse_stock_document`` (the reversal document and its
    opposite moves, the original's status, audit_log). The user needs the permission that posts that type."""
    doc_id = uuid.UUID(event.doc["reverses"])
    pending = pending_rows(session)
    # Posted earlier in this posting batch, it is not in the database yet (of the feed's
    # organisation, as the event's user: the same scope check as a read).
    doc = pending.find(StockDocument.__table__, doc_id) if pending is not None else None
    if doc is not None and not may_see(get_principal(session), doc):
        doc = None
    elif doc is None:
        # Scoped like every read: a document of another organisation is not found.
        doc = session.execute(select(StockDocument).where(StockDocument.id == doc_id)).scalar_one_or_none()
    if doc is None:
        raise NotFound("no such warehouse document", {"reverses": ["no such warehouse document"]})
    perm = "stock.requisition" if doc.doc_type in ENGINEER_TYPES else "stock.post"
    if not get_principal(session).can(perm):
        raise Forbidden(f"reversing a {doc.doc_type} needs {perm}", {"reverses": [f"needs {perm}"]})
    on = _date(event.doc.get("on"), event, "on") if event.doc.get("on") else None
    reversal = ops.reverse_stock_document(session, doc, event.doc["reason"], on)
    return PostResult(numbers={"reversal": reversal.number, "reversed": doc.number or ""}, document_type=doc.doc_type,
                      document_id=reversal.id, number=reversal.number)


def _uuid(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(value) if isinstance(value, str) else None
    except ValueError:
        return None  # the schema check refuses it later


def prefetch_documents(session: Session, docs: list[dict]) -> None:
    """The items, warehouses, engineers and parties a batch of warehouse documents names, loaded
    in a few statements instead of one by one as each document is planned."""
    wanted: dict[type, set] = {Item: set(), Warehouse: set(), Engineer: set(), Party: set()}
    for doc in docs:
        for key, model in (("warehouse_id", Warehouse), ("to_warehouse_id", Warehouse), ("engineer_id", Engineer),
                           ("party_id", Party)):
            if (ref := _uuid(doc.get(key))) is not None:
                wanted[model].add(ref)
        for line in doc.get("lines") or ():
            if isinstance(line, dict) and (ref := _uuid(line.get("item_id"))) is not None:
                wanted[Item].add(ref)
    for model, ids in wanted.items():
        if ids:
            loaded = load_many(session, model, sorted(ids))
            if model is Item:
                know_items(session, loaded)


def _register() -> None:
    for name in DOC_TYPES:
        register_handler(name, permission=_permissions(name), prefetch=prefetch_documents,
                         deferred=lambda doc, t=DOC_TYPES[name]: t.defers(doc.get("kind")))(post_document_event)
    register_handler("stock_reversal", permission="stock.view", deferred=True)(post_reversal_event)


_register()
