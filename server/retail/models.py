"""This area's tables: the retail sale (零售销售单), the retail return (零售退货单), the daily cash-up
(日结) and the retail stock exceptions (零售库存异常) that keep an offline sale's stock side waiting.

A sale's lines keep their revenue (net of tax) and their cost at posting, so profit is a query.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.models import DocumentMixin
from ..core.plain import Plain
from ..basedata.models import WarrantyCard
from ..db import Base, Fixed, IdMixin, JSONType, Money, utcnow
from ..org.models import OrgOwned

Qty = Fixed(14, 3)
Price = Fixed(16, 4)
Rate = Fixed(6, 4)


class RetailSale(DocumentMixin, Base):
    """零售销售单: goods handed over the counter and paid at once (split across the point's accounts)."""

    __tablename__ = "retail_sale"
    DOC_TYPE = "retail_sale"
    NUMBER_PREFIX = "LS"

    warehouse_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("warehouse.id"), index=True)
    member_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("member.id"), index=True)
    customer_name: Mapped[str] = mapped_column(String(80), default="")
    customer_phone: Mapped[str] = mapped_column(String(20), default="")
    device_id: Mapped[str] = mapped_column(String(64), default="")
    net_total: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    tax_total: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    total: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    tendered: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    change: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    # "posted": every line's stock left the counter; "waiting": some wait in the exception list.
    stock_state: Mapped[str] = mapped_column(String(10), default="posted", index=True)
    lines: Mapped[list["RetailSaleLine"]] = relationship(lazy="selectin", order_by="RetailSaleLine.sort_order",
                                                         cascade="all, delete-orphan")
    payments: Mapped[list["RetailPayment"]] = relationship(
        lazy="selectin", order_by="RetailPayment.sort_order", cascade="all, delete-orphan",
        primaryjoin="and_(RetailPayment.document_id == RetailSale.id, RetailPayment.document_type == 'retail_sale')",
        foreign_keys="RetailPayment.document_id", overlaps="payments")

    def write_ledgers(self, session) -> None:
        from .posting import write_sale_ledgers

        write_sale_ledgers(session, self)

    def new_records(self) -> list:
        for line in self.lines:
            line.sale_id = self.id
        for pay in self.payments:
            pay.document_id = self.id
        return [self, *self.lines, *self.payments]


class RetailSaleLine(IdMixin, Base):
    __tablename__ = "retail_sale_line"

    sale_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("retail_sale.id", ondelete="CASCADE"), index=True)
    sort_order: Mapped[int] = mapped_column(default=0)
    item_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("item.id"), index=True)
    quantity: Mapped[Decimal] = mapped_column(Qty)
    # The item's retail price when sold, and the price charged (they differ only by permission).
    list_price: Mapped[Decimal] = mapped_column(Price, default=Decimal("0"))
    unit_price: Mapped[Decimal] = mapped_column(Price)
    tax_rate: Mapped[Decimal] = mapped_column(Rate, default=Decimal("0"))
    net: Mapped[Decimal] = mapped_column(Money())
    tax: Mapped[Decimal] = mapped_column(Money())
    gross: Mapped[Decimal] = mapped_column(Money())
    # The stock's value when it left (None while the line's stock waits in the exception list).
    cost: Mapped[Decimal | None] = mapped_column(Money())
    serials: Mapped[list] = mapped_column(JSONType, default=list)


class RetailPayment(IdMixin, Base):
    """One account's part of a sale's payment or a return's refund: ``amount`` tendered (refunded),
    ``kept`` what stays in the account (the cash tendered less the change)."""

    __tablename__ = "retail_payment"
    __table_args__ = (Index("ix_retail_payment_document", "document_type", "document_id"),)

    document_type: Mapped[str] = mapped_column(String(20))
    document_id: Mapped[uuid.UUID]
    sort_order: Mapped[int] = mapped_column(default=0)
    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("money_account.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(Money())
    kept: Mapped[Decimal] = mapped_column(Money())


class RetailReturn(DocumentMixin, Base):
    """零售退货单: goods of one sale back over the counter, refunded to the accounts that were paid."""

    __tablename__ = "retail_return"
    DOC_TYPE = "retail_return"
    NUMBER_PREFIX = "LT"

    sale_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("retail_sale.id"), index=True)
    warehouse_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("warehouse.id"))
    reason: Mapped[str] = mapped_column(String(200), default="")
    device_id: Mapped[str] = mapped_column(String(64), default="")
    net_total: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    tax_total: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    total: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    lines: Mapped[list["RetailReturnLine"]] = relationship(lazy="selectin", order_by="RetailReturnLine.sort_order",
                                                           cascade="all, delete-orphan")
    refunds: Mapped[list["RetailPayment"]] = relationship(
        lazy="selectin", order_by="RetailPayment.sort_order", cascade="all, delete-orphan",
        primaryjoin="and_(RetailPayment.document_id == RetailReturn.id, RetailPayment.document_type == 'retail_return')",
        foreign_keys="RetailPayment.document_id", overlaps="payments")

    def write_ledgers(self, session) -> None:
        from .posting import write_return_ledgers

        write_return_ledgers(session, self)


class RetailReturnLine(IdMixin, Base):
    __tablename__ = "retail_return_line"

    return_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("retail_return.id", ondelete="CASCADE"), index=True)
    sale_line_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("retail_sale_line.id"), index=True)
    sort_order: Mapped[int] = mapped_column(default=0)
    item_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("item.id"))
    quantity: Mapped[Decimal] = mapped_column(Qty)
    net: Mapped[Decimal] = mapped_column(Money())
    tax: Mapped[Decimal] = mapped_column(Money())
    gross: Mapped[Decimal] = mapped_column(Money())
    # The value the stock came back at (None: the line's stock never left, its exception shrank).
    cost: Mapped[Decimal | None] = mapped_column(Money())
    serials: Mapped[list] = mapped_column(JSONType, default=list)


class RetailCashup(DocumentMixin, Base):
    """日结: one counter's day, per account the takings expected and the amount counted; a difference
    is posted to the account as over/short (长短款)."""

    __tablename__ = "retail_cashup"
    __table_args__ = (UniqueConstraint("org_id", "warehouse_id", "business_date"),)
    DOC_TYPE = "retail_cashup"
    NUMBER_PREFIX = "RJ"

    warehouse_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("warehouse.id"))
    business_date: Mapped[dt.date] = mapped_column(Date)
    device_id: Mapped[str] = mapped_column(String(64), default="")
    expected_total: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    counted_total: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    difference: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    lines: Mapped[list["RetailCashupLine"]] = relationship(lazy="selectin", order_by="RetailCashupLine.sort_order",
                                                           cascade="all, delete-orphan")

    def write_ledgers(self, session) -> None:
        from .posting import write_cashup_ledgers

        write_cashup_ledgers(session, self)


class RetailCashupLine(IdMixin, Base):
    __tablename__ = "retail_cashup_line"

    cashup_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("retail_cashup.id", ondelete="CASCADE"), index=True)
    sort_order: Mapped[int] = mapped_column(default=0)
    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("money_account.id"))
    sales: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    refunds: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    expected: Mapped[Decimal] = mapped_column(Money())
    counted: Mapped[Decimal] = mapped_column(Money())
    difference: Mapped[Decimal] = mapped_column(Money())


EXCEPTION_STATES = ("open", "posted", "returned")


class RetailStockException(IdMixin, OrgOwned, Base):
    """零售库存异常: a sale line whose stock was not at the counter when the sale posted. The sale and
    its money stand; the stock side posts when stock arrives (automatically) or from the list."""

    __tablename__ = "retail_stock_exception"

    sale_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("retail_sale.id"), index=True)
    sale_line_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("retail_sale_line.id"), unique=True)
    item_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("item.id"), index=True)
    warehouse_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("warehouse.id"))
    quantity: Mapped[Decimal] = mapped_column(Qty)
    serials: Mapped[list] = mapped_column(JSONType, default=list)
    # Why the stock was not there: the ledger's own words (what was on hand, what was missing).
    reason: Mapped[str] = mapped_column(String(300), default="")
    state: Mapped[str] = mapped_column(String(10), default="open", index=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[dt.datetime | None]
    resolved_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    # "arrival" (stock came in and the hook posted it) or "manual" (from the list).
    resolution: Mapped[str] = mapped_column(String(10), default="")
    cost: Mapped[Decimal | None] = mapped_column(Money())


# -- plain records of a sale posted deferred in a posting batch (server.core.plain) ------------

class PlainSaleLine(Plain, model=RetailSaleLine):
    pass


class PlainPayment(Plain, model=RetailPayment):
    pass


class PlainException(Plain, model=RetailStockException):
    pass


class PlainRetailSale(Plain, model=RetailSale):
    """A sale posted deferred: the same rules and hooks as ``RetailSale``, without the ORM's cost."""

    AUDITABLE = False
    doc_state = DocumentMixin.doc_state
    check_postable = DocumentMixin.check_postable
    snapshot = DocumentMixin.snapshot
    DOC_TYPE = RetailSale.DOC_TYPE
    NUMBER_PREFIX = RetailSale.NUMBER_PREFIX
    write_ledgers = RetailSale.write_ledgers
    new_records = RetailSale.new_records

    def __init__(self, lines: list | None = None, payments: list | None = None, **values) -> None:
        super().__init__(lines=lines or [], payments=payments or [], **values)


class PlainCard(Plain, model=WarrantyCard):
    """A sold device's new warranty card, posted deferred."""
