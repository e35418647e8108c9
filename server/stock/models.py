"""The stock ledger (append-only moves), its cached balances, serial units, and warehouse documents."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.models import DocumentMixin
from ..core.plain import Plain
from ..db import Base, Fixed, IdMixin, JSONType, utcnow
from ..org.models import OrgOwned

Qty = Fixed(14, 3)
Money = Fixed(14, 2)
Cost = Fixed(16, 4)

# Locations whose stock belongs to the organisation and is valued. "transit": goods sent to another
# organisation and not yet received, still the sender's (docs/transfer.md).
OWN_KINDS = ("warehouse", "engineer", "transit")
# Others' goods the organisation holds (a distributor's accessories in for swap, spec §3): counted
# and serial-tracked like own stock, never valued and never moved into or out of own stock.
CUSTODY_KINDS = ("custody",)
HELD_KINDS = OWN_KINDS + CUSTODY_KINDS
# Counterparts outside the organisation's stock.
EXTERNAL_KINDS = ("supplier", "customer", "manufacturer", "adjustment", "scrapped")
LOCATION_KINDS = OWN_KINDS + CUSTODY_KINDS + EXTERNAL_KINDS


class StockLocation(IdMixin, OrgOwned, Base):
    """Where stock can be: a warehouse or an engineer (ours), or a virtual counterpart.

    ``key`` is ``kind:ref`` (ref = warehouse, engineer or party id, or ``-``), unique
    per organisation, so each counterpart has exactly one location.
    """

    __tablename__ = "stock_location"
    __table_args__ = (UniqueConstraint("org_id", "key"),)

    kind: Mapped[str] = mapped_column(String(16))
    key: Mapped[str] = mapped_column(String(60))
    warehouse_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("warehouse.id"), unique=True)
    engineer_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("engineer.id"), unique=True)
    party_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("party.id"))
    name: Mapped[str] = mapped_column(String(160), default="")

    @property
    def own(self) -> bool:
        return self.kind in OWN_KINDS

    @property
    def held(self) -> bool:
        """Here in the organisation's hands (own stock or custody): quantities and serials checked."""
        return self.kind in HELD_KINDS


class StockMove(IdMixin, OrgOwned, Base):
    """One move of an item from a location to another: the double entry of the stock ledger.

    Append-only (a database trigger refuses UPDATE and DELETE). ``quantity`` is
    positive; a revaluation moves value with quantity 0. ``org_id`` is the
    organisation of the source document.
    """

    __tablename__ = "stock_move"
    __table_args__ = (
        CheckConstraint("quantity >= 0", name="quantity_not_negative"),
        CheckConstraint("from_location_id <> to_location_id", name="distinct_locations"),
        Index("ix_stock_move_source", "doc_type", "doc_id"),
        Index("ix_stock_move_item_posted", "item_id", "posted_at"),
    )

    item_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("item.id"))
    from_location_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("stock_location.id"), index=True)
    to_location_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("stock_location.id"), index=True)
    quantity: Mapped[Decimal] = mapped_column(Qty)
    value: Mapped[Decimal] = mapped_column(Money)
    doc_type: Mapped[str] = mapped_column(String(40))
    doc_id: Mapped[uuid.UUID]
    line_id: Mapped[uuid.UUID | None]
    doc_date: Mapped[dt.date]
    posted_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    reverses_move_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("stock_move.id"))


class StockMoveSerial(Base):
    __tablename__ = "stock_move_serial"

    move_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("stock_move.id"), primary_key=True)
    serial: Mapped[str] = mapped_column(String(40), primary_key=True, index=True)


class StockBalance(OrgOwned, Base):
    """Cached on-hand per location and item, written in the posting transaction.

    Always equal to the sum of moves (``rebuild_check`` proves it).
    """

    __tablename__ = "stock_balance"
    __table_args__ = (Index("ix_stock_balance_item", "item_id"), Index("ix_stock_balance_kind_org", "location_kind", "org_id"))

    location_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("stock_location.id"), primary_key=True)
    item_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("item.id"), primary_key=True)
    # The location's kind, copied so stock lists filter without joining locations.
    location_kind: Mapped[str] = mapped_column(String(16))
    quantity: Mapped[Decimal] = mapped_column(Qty, default=Decimal("0"))
    value: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))


class StockCost(OrgOwned, Base):
    """Moving weighted average per organisation and item: totals over its own locations."""

    __tablename__ = "stock_cost"

    org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisation.id"), primary_key=True)
    item_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("item.id"), primary_key=True)
    quantity: Mapped[Decimal] = mapped_column(Qty, default=Decimal("0"))
    value: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))


class StockSerial(Base):
    """Where each IMEI/serial-tracked unit is now: exactly one location."""

    __tablename__ = "stock_serial"

    item_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("item.id"), primary_key=True)
    serial: Mapped[str] = mapped_column(String(40), primary_key=True, index=True)
    location_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("stock_location.id"), index=True)
    last_move_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("stock_move.id"))


class StockDocument(DocumentMixin, Base):
    """Every warehouse document of spec §9 (one table; the type says which rules apply)."""

    __tablename__ = "stock_document"
    __table_args__ = (Index("ix_stock_document_type_date", "doc_type", "doc_date"),)

    doc_type: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(24), default="")
    warehouse_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("warehouse.id"), index=True)
    to_warehouse_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("warehouse.id"))
    party_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("party.id"), index=True)
    engineer_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("engineer.id"), index=True)
    formula_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("disassembly_formula.id"))
    # The repair (or other business document) this one serves, e.g. a requisition's repair order.
    reference: Mapped[str] = mapped_column(String(80), default="", index=True)
    lines: Mapped[list["StockDocumentLine"]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="StockDocumentLine.sort_order")

    # The lifecycle reads these as constants of the document type.
    @property
    def DOC_TYPE(self) -> str:  # noqa: N802
        return self.doc_type

    @property
    def NUMBER_PREFIX(self) -> str:  # noqa: N802
        from .documents import DOC_TYPES

        return DOC_TYPES[self.doc_type].prefix

    def write_ledgers(self, session) -> None:
        from .documents import write_document_ledgers

        write_document_ledgers(session, self)

    def new_records(self) -> list:
        for line in self.lines:
            line.document_id = self.id
        return [self, *self.lines]

    def build_reversal(self) -> "StockDocument":
        return _reversal_of(self, StockDocument, StockDocumentLine)


def _reversal_of(doc, doc_cls, line_cls):
    return doc_cls(
        doc_type=doc.doc_type, kind=doc.kind, warehouse_id=doc.warehouse_id, to_warehouse_id=doc.to_warehouse_id,
        party_id=doc.party_id, engineer_id=doc.engineer_id, formula_id=doc.formula_id, reference=doc.reference,
        note=f"红冲 {doc.number}",
        lines=[line_cls(item_id=l.item_id, quantity=l.quantity, unit_cost=l.unit_cost,
                        counted_quantity=l.counted_quantity, serials=list(l.serials or []), role=l.role,
                        note=l.note, sort_order=l.sort_order) for l in doc.lines])


class StockDocumentLine(IdMixin, Base):
    __tablename__ = "stock_document_line"

    document_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("stock_document.id", ondelete="CASCADE"), index=True)
    sort_order: Mapped[int] = mapped_column(default=0)
    item_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("item.id"))
    quantity: Mapped[Decimal] = mapped_column(Qty, default=Decimal("0"))
    unit_cost: Mapped[Decimal | None] = mapped_column(Cost)
    counted_quantity: Mapped[Decimal | None] = mapped_column(Qty)
    serials: Mapped[list] = mapped_column(JSONType, default=list)
    # "main" lines are entered; "component" lines are a disassembly's parts.
    role: Mapped[str] = mapped_column(String(12), default="main")
    note: Mapped[str] = mapped_column(String(200), default="")


SHORTAGE_STATUSES = ("waiting", "ready", "fulfilled", "cancelled")


class Shortage(IdMixin, OrgOwned, Base):
    """缺料单: a repair waiting for a part; flagged ready when stock of it arrives."""

    __tablename__ = "stock_shortage"

    item_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("item.id"), index=True)
    quantity: Mapped[Decimal] = mapped_column(Qty)
    engineer_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("engineer.id"))
    reference: Mapped[str] = mapped_column(String(80), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(12), default="waiting", index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    ready_at: Mapped[dt.datetime | None]
    closed_at: Mapped[dt.datetime | None]


class PlainStockDocumentLine(Plain, model=StockDocumentLine):
    """A new line of a document a posting batch posts deferred (``server.core.plain``)."""


class PlainStockDocument(Plain, model=StockDocument):
    """A new warehouse document posted deferred in a posting batch: the same rules and hooks as
    ``StockDocument``, without the ORM's cost (``server.core.plain``)."""

    AUDITABLE = False
    doc_state = DocumentMixin.doc_state
    check_postable = DocumentMixin.check_postable
    snapshot = DocumentMixin.snapshot
    DOC_TYPE = StockDocument.DOC_TYPE
    NUMBER_PREFIX = StockDocument.NUMBER_PREFIX
    write_ledgers = StockDocument.write_ledgers
    new_records = StockDocument.new_records

    def __init__(self, lines: list | None = None, **values) -> None:
        super().__init__(lines=lines or [], **values)

    def build_reversal(self) -> "PlainStockDocument":
        return _reversal_of(self, PlainStockDocument, PlainStockDocumentLine)
