"""Warehouse document use cases: drafts, posting, reversal; the repair module's part usage."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from ..auth.principal import get_principal
from ..basedata.text import normalise_imei
from ..core import operations as core
from ..db import get_loaded
from ..errors import InvalidInput
from ..ids import uuid7
from ..org.models import Organisation
from .documents import DOC_TYPES, check_references, check_serials
from ..core.batch import pending_rows
from .models import PlainStockDocument, PlainStockDocumentLine, StockDocument, StockDocumentLine

HEADER_FIELDS = ("kind", "warehouse_id", "to_warehouse_id", "party_id", "engineer_id", "formula_id", "reference", "note",
                 "doc_date")


def _lines(data: list[dict[str, Any]], line_cls=StockDocumentLine) -> list[StockDocumentLine]:
    # Ids are made by the server, or by the device for documents that come through sync.
    return [line_cls(id=l.get("id") or uuid7(), item_id=l["item_id"],
                              quantity=Decimal(l.get("quantity") or 0),
                              unit_cost=l.get("unit_cost"), counted_quantity=l.get("counted_quantity"),
                              serials=[normalise_imei(s) for s in l.get("serials") or []], role=l.get("role", "main"),
                              note=l.get("note", ""), sort_order=i)
            for i, l in enumerate(data)]


def _check_kind(doc_type: str, kind: str) -> None:
    kinds = DOC_TYPES[doc_type].kinds
    if kind not in kinds:
        raise InvalidInput("kind", f"must be one of: {', '.join(k for k in kinds if k)}" if any(kinds) else "not used")


def create_stock_document(session: Session, doc_type: str, data: dict[str, Any]) -> StockDocument:
    """A new draft (touches no ledger). Writes: stock_document, stock_document_line, audit_log.

    ``data["id"]`` and the lines' ``id`` may be given (documents made on a device
    carry the ids the device made); otherwise the server makes them.
    """
    check_references(session, data, data.get("org_id") or get_principal(session).org_id)
    check_serials(session, doc_type, data.get("kind") or DOC_TYPES[doc_type].kinds[0], data.get("lines") or [])
    return core.create_document(session, _new_document(session, doc_type, data))


def create_and_post_stock_document(session: Session, doc_type: str, data: dict[str, Any]) -> StockDocument:
    """A new document posted at once (a device's event, a generated return): as create + post,
    written once. Writes: stock_document, stock_document_line, document_counter, the stock ledger, audit_log."""
    return core.create_and_post(session, _new_document(session, doc_type, data))


def _new_document(session: Session, doc_type: str, data: dict[str, Any]) -> StockDocument:
    p = get_principal(session)
    org_id = data.get("org_id") or p.org_id
    if org_id is None or get_loaded(session, Organisation, org_id) is None:
        raise InvalidInput("org_id", "required")
    kind = data.get("kind") or DOC_TYPES[doc_type].kinds[0]
    _check_kind(doc_type, kind)
    # Posted deferred in a posting batch, it never enters the session: a plain record will do.
    doc_cls, line_cls = (PlainStockDocument, PlainStockDocumentLine) if pending_rows(session) is not None \
        else (StockDocument, StockDocumentLine)
    doc = doc_cls(**({"id": data["id"]} if data.get("id") else {}), doc_type=doc_type, org_id=org_id, kind=kind,
                  **{k: data[k] for k in HEADER_FIELDS if k in data and k != "kind"},
                  lines=_lines(data.get("lines") or [], line_cls))
    if doc.doc_date is None:
        doc.doc_date = dt.date.today()
    return doc


def update_stock_document(session: Session, doc: StockDocument, data: dict[str, Any]) -> StockDocument:
    """Change a draft's header or replace its lines."""
    if "kind" in data:
        _check_kind(doc.doc_type, data["kind"])
    check_references(session, data, doc.org_id)
    if "lines" in data:
        check_serials(session, doc.doc_type, data.get("kind") or doc.kind, data["lines"])
    changes = {k: data[k] for k in HEADER_FIELDS if k in data}
    if "lines" in data:
        changes["lines"] = _lines(data["lines"])
    return core.update_draft(session, doc, changes)


def post_stock_document(session: Session, doc: StockDocument) -> StockDocument:
    """Post: number it and write its moves (stock ledger). See server.stock.ledger.post_moves."""
    return core.post_document(session, doc)


def reverse_stock_document(session: Session, doc: StockDocument, reason: str, on: dt.date | None = None) -> StockDocument:
    """红冲: post a linked document with the exact opposite moves."""
    return core.reverse_document(session, doc, reason, on)


def record_part_used(session: Session, *, org_id: uuid.UUID, engineer_id: uuid.UUID, item_id: uuid.UUID,
                     quantity: Decimal, defective_warehouse_id: uuid.UUID, reference: str,
                     serials: list[str] | None = None, defective_serials: list[str] | None = None,
                     on: dt.date | None = None) -> tuple[StockDocument, StockDocument]:
    """A repair used a part the engineer had drawn: the new part goes into the customer's device
    and the replaced defective part comes back to the defective warehouse (spec §9.5, generated).

    Writes: two posted documents (an engineer-use issue and the defective return) and their moves.
    """
    from ..basedata.models import Engineer
    from sqlalchemy import select

    eng = session.execute(select(Engineer).where(Engineer.id == engineer_id).execution_options(unscoped=True)).scalar_one_or_none()
    if eng is None or eng.org_id != org_id:
        raise InvalidInput("engineer_id", "no such engineer in this organisation")
    used = create_and_post_stock_document(session, "engineer_use", {
        "org_id": org_id, "reference": reference, "doc_date": on, "engineer_id": engineer_id,
        "note": "维修用料 / part used in repair",
        "lines": [{"item_id": item_id, "quantity": quantity, "serials": serials or []}]})
    back = create_and_post_stock_document(session, "engineer_return", {
        "org_id": org_id, "kind": "defective", "engineer_id": engineer_id, "warehouse_id": defective_warehouse_id,
        "reference": reference, "doc_date": on, "note": "换下坏件自动退料 / replaced part, returned automatically",
        "lines": [{"item_id": item_id, "quantity": quantity, "serials": defective_serials or []}]})
    return used, back
