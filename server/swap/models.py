"""Accessory swap (附件对换, spec §3): a distributor's batteries, chargers and headsets taken in,
sent to the manufacturer, received back (with shortfalls and substitutions) and returned.

One document table for the four documents (``doc_type``), one line table. The goods are the
distributor's: their stock moves run through a custody location per distributor
(``server.stock`` kind ``custody``: counted and serial-tracked, never valued), so the point's own
valued stock never holds them.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.models import DocumentMixin
from ..db import Base, Fixed, IdMixin, JSONType

Qty = Fixed(14, 3)

# doc_type → (number prefix, zh-CN, en)
DOC_TYPES: dict[str, tuple[str, str, str]] = {
    "swap_intake": ("FJ", "附件受理单", "Accessory intake"),
    "swap_send": ("DF", "对换发厂单", "Send to factory"),
    "swap_receive": ("DH", "对换发回单", "Received from factory"),
    "swap_return": ("GH", "归还客户单", "Return to distributor"),
}


class SwapDocument(DocumentMixin, Base):
    """附件受理 / 对换发厂 / 对换发回 / 归还客户: created and posted in one step (number at once).

    ``party_id`` is the distributor (intake, return); ``manufacturer_id`` the factory (send,
    receive); ``send_id`` the send a receipt answers. Documents are not reversed: a mistake is
    corrected by the next document (a return of what was taken in by mistake).
    """

    __tablename__ = "swap_document"
    __table_args__ = (
        CheckConstraint("doc_type IN ('swap_intake', 'swap_send', 'swap_receive', 'swap_return')", name="doc_type"),
        Index("ix_swap_document_type_date", "doc_type", "doc_date"),
    )

    doc_type: Mapped[str] = mapped_column(String(16))
    party_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("party.id"), index=True)
    manufacturer_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("party.id"), index=True)
    send_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("swap_document.id"), index=True)
    contact_name: Mapped[str] = mapped_column(String(80), default="")
    contact_phone: Mapped[str] = mapped_column(String(40), default="")
    carrier: Mapped[str] = mapped_column(String(80), default="")
    waybill: Mapped[str] = mapped_column(String(80), default="")
    # The tablet that made it (a sync event), for the provisional code on a slip printed offline.
    device_id: Mapped[str] = mapped_column(String(64), default="")
    lines: Mapped[list["SwapLine"]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="SwapLine.sort_order",
        foreign_keys="SwapLine.document_id")

    @property
    def DOC_TYPE(self) -> str:  # noqa: N802
        return self.doc_type

    @property
    def NUMBER_PREFIX(self) -> str:  # noqa: N802
        return DOC_TYPES[self.doc_type][0]

    def write_ledgers(self, session) -> None:
        from .operations import write_swap_ledgers

        write_swap_ledgers(session, self)


class SwapLine(IdMixin, Base):
    """One line. Intake: item, quantity, serials, condition, fault, the accessory's class and sale
    date, and the verdict of the rule (``rules.verdict``). Send: the intake line it sends. Receive:
    the send line it answers, what came back (``item_id``; a substitution when it is not the sent
    item) and the shortfall left on the send line. Return: what goes back, and the intake line it
    settles when known."""

    __tablename__ = "swap_line"
    __table_args__ = (CheckConstraint("quantity >= 0", name="quantity_not_negative"),)

    document_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("swap_document.id", ondelete="CASCADE"), index=True)
    sort_order: Mapped[int] = mapped_column(default=0)
    item_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("item.id"), index=True)
    quantity: Mapped[Decimal] = mapped_column(Qty)
    serials: Mapped[list] = mapped_column(JSONType, default=list)
    condition: Mapped[str] = mapped_column(String(16), default="")
    fault: Mapped[str] = mapped_column(String(200), default="")
    accessory_class: Mapped[str] = mapped_column(String(12), default="")
    sale_date: Mapped[dt.date | None] = mapped_column(Date)
    verdict: Mapped[str] = mapped_column(String(16), default="")
    intake_line_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("swap_line.id"), index=True)
    send_line_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("swap_line.id"), index=True)
    substitute: Mapped[bool] = mapped_column(default=False)
    shortfall: Mapped[Decimal] = mapped_column(Qty, default=Decimal("0"))
    note: Mapped[str] = mapped_column(String(200), default="")


class SwapSerial(Base):
    """The serials of every swap line, one row each: the history by serial and the rule's count
    of failed replacements are index lookups (a JSON list cannot be searched on both databases)."""

    __tablename__ = "swap_serial"

    line_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("swap_line.id", ondelete="CASCADE"), primary_key=True)
    serial: Mapped[str] = mapped_column(String(40), primary_key=True, index=True)
