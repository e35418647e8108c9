"""Purchasing's tables (spec §5).

- ``purchase_order`` (采购订单, ``CG-…``): what an organisation orders from a supplier or manufacturer
  into one of its warehouses; its progress is the machine of ``statemachine.py`` (column ``status``).
  Priced lines; money by ``server.trade.pricing`` only. It writes no ledger.
- ``purchase_receipt`` (采购入库单, ``CR-…``): goods received against an order's lines. A document of
  the common lifecycle (draft → posted → reversed): posting writes the stock moves (supplier → the
  warehouse, at the lines' net amounts) and the payable (the lines' gross amounts), both with the
  receipt as their source.
- ``purchase_return`` (采购退货单, ``CT-…``): goods sent back against a receipt's lines; posting moves
  the stock out and takes the payable down by the returned lines' amounts at the order's price.

What an order line has received is derived, never stored: the sum of its posted receipts' lines
less its posted returns' lines (reversed documents and reversals left out).
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.models import DocumentMixin
from ..db import Base, Fixed, IdMixin, JSONType, utcnow
from ..org.models import OrgOwned

Qty = Fixed(14, 3)
Money = Fixed(14, 2)
Price = Fixed(16, 4)
Rate = Fixed(6, 4)


class PurchaseOrder(IdMixin, OrgOwned, Base):
    __tablename__ = "purchase_order"
    __table_args__ = (Index("ix_purchase_order_org_date", "org_id", "doc_date"),)

    DOC_TYPE = "purchase_order"
    NUMBER_PREFIX = "CG"

    number: Mapped[str] = mapped_column(String(40), unique=True)
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    doc_date: Mapped[dt.date] = mapped_column(Date)
    party_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("party.id"), index=True)
    warehouse_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("warehouse.id"))
    expected_date: Mapped[dt.date | None] = mapped_column(Date)
    note: Mapped[str] = mapped_column(Text, default="")
    net_total: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    tax_total: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    gross_total: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    # Touched by every posting against the order first: receipts and returns of one order queue on it.
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    approved_at: Mapped[dt.datetime | None]
    approved_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    closed_at: Mapped[dt.datetime | None]
    closed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    close_reason: Mapped[str] = mapped_column(String(300), default="")
    lines: Mapped[list["PurchaseOrderLine"]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="PurchaseOrderLine.sort_order")


class PurchaseOrderLine(IdMixin, Base):
    __tablename__ = "purchase_order_line"
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),
                      CheckConstraint("unit_price >= 0", name="price_not_negative"))

    order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("purchase_order.id", ondelete="CASCADE"), index=True)
    sort_order: Mapped[int] = mapped_column(default=0)
    item_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("item.id"))
    quantity: Mapped[Decimal] = mapped_column(Qty)
    unit_price: Mapped[Decimal] = mapped_column(Price)
    tax_rate: Mapped[Decimal] = mapped_column(Rate, default=Decimal("0"))
    price_includes_tax: Mapped[bool] = mapped_column(Boolean, default=False)
    net: Mapped[Decimal] = mapped_column(Money)
    tax: Mapped[Decimal] = mapped_column(Money)
    gross: Mapped[Decimal] = mapped_column(Money)
    note: Mapped[str] = mapped_column(String(200), default="")


class PurchaseReceipt(DocumentMixin, Base):
    __tablename__ = "purchase_receipt"

    DOC_TYPE = "purchase_receipt"
    NUMBER_PREFIX = "CR"

    order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("purchase_order.id"), index=True)
    party_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("party.id"), index=True)
    warehouse_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("warehouse.id"))
    net_total: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    tax_total: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    gross_total: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    lines: Mapped[list["PurchaseReceiptLine"]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="PurchaseReceiptLine.sort_order")

    def write_ledgers(self, session) -> None:
        from .operations import write_receipt_ledgers

        write_receipt_ledgers(session, self)

    def build_reversal(self) -> "PurchaseReceipt":
        return PurchaseReceipt(
            order_id=self.order_id, party_id=self.party_id, warehouse_id=self.warehouse_id, note=f"红冲 {self.number}",
            net_total=-self.net_total, tax_total=-self.tax_total, gross_total=-self.gross_total,
            lines=[PurchaseReceiptLine(order_line_id=l.order_line_id, item_id=l.item_id, quantity=l.quantity,
                                       serials=list(l.serials or []), net=-l.net, tax=-l.tax, gross=-l.gross,
                                       note=l.note, sort_order=l.sort_order) for l in self.lines])


class PurchaseReceiptLine(IdMixin, Base):
    __tablename__ = "purchase_receipt_line"

    document_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("purchase_receipt.id", ondelete="CASCADE"), index=True)
    sort_order: Mapped[int] = mapped_column(default=0)
    order_line_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("purchase_order_line.id"), index=True)
    item_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("item.id"))
    quantity: Mapped[Decimal] = mapped_column(Qty)
    serials: Mapped[list] = mapped_column(JSONType, default=list)
    # At the order line's price (a reversal's are negative): the stock value is ``net``, the payable ``gross``.
    net: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    tax: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    gross: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    note: Mapped[str] = mapped_column(String(200), default="")


class PurchaseReturn(DocumentMixin, Base):
    __tablename__ = "purchase_return"

    DOC_TYPE = "purchase_return"
    NUMBER_PREFIX = "CT"

    receipt_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("purchase_receipt.id"), index=True)
    order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("purchase_order.id"), index=True)
    party_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("party.id"), index=True)
    warehouse_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("warehouse.id"))
    net_total: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    tax_total: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    gross_total: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    lines: Mapped[list["PurchaseReturnLine"]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="PurchaseReturnLine.sort_order")

    def write_ledgers(self, session) -> None:
        from .operations import write_return_ledgers

        write_return_ledgers(session, self)

    def build_reversal(self) -> "PurchaseReturn":
        return PurchaseReturn(
            receipt_id=self.receipt_id, order_id=self.order_id, party_id=self.party_id, warehouse_id=self.warehouse_id,
            note=f"红冲 {self.number}", net_total=-self.net_total, tax_total=-self.tax_total, gross_total=-self.gross_total,
            lines=[PurchaseReturnLine(receipt_line_id=l.receipt_line_id, order_line_id=l.order_line_id, item_id=l.item_id,
                                      quantity=l.quantity, serials=list(l.serials or []), net=-l.net, tax=-l.tax,
                                      gross=-l.gross, note=l.note, sort_order=l.sort_order) for l in self.lines])


class PurchaseReturnLine(IdMixin, Base):
    __tablename__ = "purchase_return_line"

    document_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("purchase_return.id", ondelete="CASCADE"), index=True)
    sort_order: Mapped[int] = mapped_column(default=0)
    receipt_line_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("purchase_receipt_line.id"), index=True)
    order_line_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("purchase_order_line.id"))
    item_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("item.id"))
    quantity: Mapped[Decimal] = mapped_column(Qty)
    serials: Mapped[list] = mapped_column(JSONType, default=list)
    net: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    tax: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    gross: Mapped[Decimal] = mapped_column(Money, default=Decimal("0.00"))
    note: Mapped[str] = mapped_column(String(200), default="")
