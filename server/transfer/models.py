"""This area's tables: the request (申请单), the transfer order (调拨单) and its receipt (调拨收货单).

The transfer order is the sender's document (``org_id``) shared with the receiver
(``shared_org_id``, ``OrgShared``): both read it, the receiver receives it. The receipt is the
receiver's document shared with the sender. In-transit stock and its valuation: docs/transfer.md.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from sqlalchemy import Boolean, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.models import DocumentMixin
from ..db import Base, Fixed, IdMixin, JSONType, utcnow
from ..org.models import OrgShared

Qty = Fixed(14, 3)
Money = Fixed(14, 2)

REQUEST_PREFIX = "SQ"
ORDER_PREFIX = "DB"
RECEIPT_PREFIX = "DR"


class TransferRequest(IdMixin, OrgShared, Base):
    """申请单: a point asks its supplying organisation (headquarters) for goods.

    ``org_id`` is the requesting point, ``shared_org_id`` the organisation asked (it approves).
    Not a ledger document: it moves nothing; its number is taken when it is submitted.
    """

    __tablename__ = "transfer_request"

    number: Mapped[str | None] = mapped_column(String(40), unique=True)
    state: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    doc_date: Mapped[dt.date]
    warehouse_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("warehouse.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    decision_note: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    submitted_at: Mapped[dt.datetime | None]
    decided_at: Mapped[dt.datetime | None]
    decided_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    version: Mapped[int] = mapped_column(default=1)
    lines: Mapped[list["TransferRequestLine"]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="TransferRequestLine.sort_order")

    __mapper_args__ = {"version_id_col": version}


class TransferRequestLine(IdMixin, Base):
    __tablename__ = "transfer_request_line"

    request_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("transfer_request.id", ondelete="CASCADE"), index=True)
    sort_order: Mapped[int] = mapped_column(default=0)
    item_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("item.id"))
    quantity: Mapped[Decimal] = mapped_column(Qty)
    approved_quantity: Mapped[Decimal | None] = mapped_column(Qty)
    # The shortage (缺料单) this line was picked from: a shortage is on one open request at most.
    shortage_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("stock_shortage.id"), index=True)
    note: Mapped[str] = mapped_column(String(200), default="")


class TransferOrder(DocumentMixin, OrgShared, Base):
    """调拨单: goods from the sender's warehouse to the receiver's, through in-transit.

    Lifecycle status (draft → posted → reversed) is the ledger's; ``stage`` is the transfer's
    own progress: draft → in_transit (issued) → received, or cancelled (reversed before receipt).
    """

    __tablename__ = "transfer_order"
    __table_args__ = (Index("ix_transfer_order_stage_date", "stage", "doc_date"),)

    DOC_TYPE = "transfer_order"
    NUMBER_PREFIX = ORDER_PREFIX

    stage: Mapped[str] = mapped_column(String(16), default="draft")
    from_warehouse_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("warehouse.id"))
    to_org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisation.id"), index=True)
    to_warehouse_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("warehouse.id"))
    request_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("transfer_request.id"), index=True)
    # Internal settlement at the transfer price (points that are separate companies).
    settle: Mapped[bool] = mapped_column(Boolean, default=False)
    carrier: Mapped[str] = mapped_column(String(80), default="")
    waybill: Mapped[str] = mapped_column(String(80), default="")
    courier_party_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("party.id"))
    received_at: Mapped[dt.datetime | None]
    lines: Mapped[list["TransferOrderLine"]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="TransferOrderLine.sort_order")

    def write_ledgers(self, session) -> None:
        from .operations import write_order_ledgers

        write_order_ledgers(session, self)

    def new_records(self) -> list:
        for line in self.lines:
            line.order_id = self.id
        return [self, *self.lines]

    def build_reversal(self) -> "TransferOrder":
        return TransferOrder(
            stage="cancelled", from_warehouse_id=self.from_warehouse_id, to_org_id=self.to_org_id,
            shared_org_id=self.shared_org_id, to_warehouse_id=self.to_warehouse_id, request_id=self.request_id,
            settle=self.settle, carrier=self.carrier, waybill=self.waybill, courier_party_id=self.courier_party_id,
            note=f"红冲 {self.number}",
            lines=[TransferOrderLine(item_id=l.item_id, quantity=l.quantity, serials=list(l.serials or []),
                                     transfer_price=l.transfer_price, value=l.value, sort_order=l.sort_order)
                   for l in self.lines])


class TransferOrderLine(IdMixin, Base):
    __tablename__ = "transfer_order_line"

    order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("transfer_order.id", ondelete="CASCADE"), index=True)
    sort_order: Mapped[int] = mapped_column(default=0)
    item_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("item.id"))
    quantity: Mapped[Decimal] = mapped_column(Qty)
    serials: Mapped[list] = mapped_column(JSONType, default=list)
    # Per unit; empty: the issued value per unit (cents) when settled internally.
    transfer_price: Mapped[Decimal | None] = mapped_column(Money)
    # What the goods were worth leaving the sender (its moving average at issue): filled at issue.
    value: Mapped[Decimal | None] = mapped_column(Money)
    request_line_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("transfer_request_line.id"))
    note: Mapped[str] = mapped_column(String(200), default="")


class TransferReceipt(DocumentMixin, OrgShared, Base):
    """调拨收货单: the receiver's count of a transfer order, with every difference settled.

    ``org_id`` is the receiver, ``shared_org_id`` the sender. Posted once; nothing stays in transit.
    """

    __tablename__ = "transfer_receipt"

    DOC_TYPE = "transfer_receipt"
    NUMBER_PREFIX = RECEIPT_PREFIX

    order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("transfer_order.id"), unique=True)
    warehouse_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("warehouse.id"))
    defective_warehouse_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("warehouse.id"))
    lines: Mapped[list["TransferReceiptLine"]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="TransferReceiptLine.sort_order")

    def write_ledgers(self, session) -> None:
        from .operations import write_receipt_ledgers

        write_receipt_ledgers(session, self)


class TransferReceiptLine(IdMixin, Base):
    """One order line as received: ``received`` good, ``damaged``, the ``shortfall`` and ``surplus``
    derived from them, the rule settling the loss, where damaged goods go, and the values."""

    __tablename__ = "transfer_receipt_line"

    receipt_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("transfer_receipt.id", ondelete="CASCADE"), index=True)
    order_line_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("transfer_order_line.id"))
    sort_order: Mapped[int] = mapped_column(default=0)
    item_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("item.id"))
    sent: Mapped[Decimal] = mapped_column(Qty)
    received: Mapped[Decimal] = mapped_column(Qty)
    damaged: Mapped[Decimal] = mapped_column(Qty, default=Decimal("0"))
    shortfall: Mapped[Decimal] = mapped_column(Qty, default=Decimal("0"))
    surplus: Mapped[Decimal] = mapped_column(Qty, default=Decimal("0"))
    serials: Mapped[list] = mapped_column(JSONType, default=list)
    damaged_serials: Mapped[list] = mapped_column(JSONType, default=list)
    surplus_serials: Mapped[list] = mapped_column(JSONType, default=list)
    # Who bears a shortfall or damage: "sender" (written off at the sender) or "courier" (a claim).
    loss_rule: Mapped[str] = mapped_column(String(12), default="sender")
    # Where damaged goods go: the receiver's "defective" stock, or "back" to the sender's.
    damage_to: Mapped[str] = mapped_column(String(12), default="defective")
    received_value: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    damaged_value: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    shortfall_value: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    surplus_value: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    claim_amount: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    settled_amount: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    note: Mapped[str] = mapped_column(String(200), default="")
