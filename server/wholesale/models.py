"""Wholesale's tables (spec §6): the sales order (销售订单), the delivery (发货单) and the sales
return (销售退货单), each with its lines.

The order is a document whose number is taken when it is submitted (``post_document``: it writes no
ledger); its progress is ``state`` (``statemachine.py``). Deliveries and returns are ledger documents:
posting moves the stock and the receivable, a reversal (红冲) posts the opposite rows. Each delivery
and return line keeps its revenue (``net``, without tax) and its ``cost`` at posting, so profit is a
query (``queries.profit_rows``).
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.models import DocumentMixin
from ..db import Base, Fixed, IdMixin, JSONType

Qty = Fixed(14, 3)
Money = Fixed(14, 2)
Price = Fixed(16, 4)  # unit prices carry four places (server.trade.pricing)
Rate = Fixed(6, 4)  # a tax or discount rate, 0.1300


class _Priced:
    """A line's price and money (``server.trade.pricing.line_amounts``: the one rule)."""

    item_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("item.id"))
    quantity: Mapped[Decimal] = mapped_column(Qty)
    unit_price: Mapped[Decimal] = mapped_column(Price)
    discount_rate: Mapped[Decimal] = mapped_column(Rate, default=Decimal("0"))
    tax_rate: Mapped[Decimal] = mapped_column(Rate, default=Decimal("0"))
    net: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    tax: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    gross: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))


class SalesOrder(DocumentMixin, Base):
    """销售订单: a distributor's or dealer's order, priced at the wholesale price less its discount."""

    __tablename__ = "sales_order"
    DOC_TYPE = "sales_order"
    NUMBER_PREFIX = "XS"

    party_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("party.id"), index=True)
    warehouse_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("warehouse.id"))
    state: Mapped[str] = mapped_column(String(24), default="draft", index=True)
    price_includes_tax: Mapped[bool] = mapped_column(default=True)
    tax_rate: Mapped[Decimal] = mapped_column(Rate, default=Decimal("0.13"))
    contact_name: Mapped[str] = mapped_column(String(80), default="")
    contact_phone: Mapped[str] = mapped_column(String(40), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    net_total: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    tax_total: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    gross_total: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    # The credit check at submission: the party's receivable then and its limit.
    credit_balance: Mapped[Decimal | None] = mapped_column(Money)
    credit_limit: Mapped[Decimal | None] = mapped_column(Money)
    approved_at: Mapped[dt.datetime | None]
    approved_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    closed_at: Mapped[dt.datetime | None]
    closed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    close_reason: Mapped[str] = mapped_column(String(300), default="")
    lines: Mapped[list["SalesOrderLine"]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="SalesOrderLine.line_no")


class SalesOrderLine(IdMixin, _Priced, Base):
    __tablename__ = "sales_order_line"

    order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sales_order.id", ondelete="CASCADE"), index=True)
    line_no: Mapped[int] = mapped_column(default=0)
    list_price: Mapped[Decimal] = mapped_column(Price, default=Decimal("0"))  # the item's wholesale price then
    price_overridden: Mapped[bool] = mapped_column(default=False)
    # Running counts of the posted documents in force (a reversal takes its document's back).
    delivered_quantity: Mapped[Decimal] = mapped_column(Qty, default=Decimal("0"))
    returned_quantity: Mapped[Decimal] = mapped_column(Qty, default=Decimal("0"))


class SalesDelivery(DocumentMixin, Base):
    """发货单: goods out of the order's warehouse to the customer, the receivable up (gross)."""

    __tablename__ = "sales_delivery"
    DOC_TYPE = "sales_delivery"
    NUMBER_PREFIX = "FH"

    order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sales_order.id"), index=True)
    party_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("party.id"), index=True)
    warehouse_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("warehouse.id"))
    carrier: Mapped[str] = mapped_column(String(80), default="")
    waybill: Mapped[str] = mapped_column(String(80), default="")
    net_total: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    tax_total: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    gross_total: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    cost_total: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    lines: Mapped[list["SalesDeliveryLine"]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="SalesDeliveryLine.line_no")

    def write_ledgers(self, session) -> None:
        from .operations import write_delivery

        write_delivery(session, self)

    def build_reversal(self) -> "SalesDelivery":
        return SalesDelivery(
            order_id=self.order_id, party_id=self.party_id, warehouse_id=self.warehouse_id, note=f"红冲 {self.number}",
            lines=[SalesDeliveryLine(**_copy(l, "order_line_id", "line_no", "serials", "cost")) for l in self.lines])


class SalesDeliveryLine(IdMixin, _Priced, Base):
    __tablename__ = "sales_delivery_line"

    delivery_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sales_delivery.id", ondelete="CASCADE"), index=True)
    order_line_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sales_order_line.id"), index=True)
    line_no: Mapped[int] = mapped_column(default=0)
    serials: Mapped[list] = mapped_column(JSONType, default=list)
    cost: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))  # at the moving average, at posting
    returned_quantity: Mapped[Decimal] = mapped_column(Qty, default=Decimal("0"))


class SalesReturn(DocumentMixin, Base):
    """销售退货单: goods back from the customer against a delivery, at the delivery's cost; the
    receivable down at the delivered price."""

    __tablename__ = "sales_return"
    DOC_TYPE = "sales_return"
    NUMBER_PREFIX = "XT"

    delivery_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sales_delivery.id"), index=True)
    order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sales_order.id"), index=True)
    party_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("party.id"), index=True)
    warehouse_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("warehouse.id"))
    reason: Mapped[str] = mapped_column(String(300), default="")
    net_total: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    tax_total: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    gross_total: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    cost_total: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    lines: Mapped[list["SalesReturnLine"]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="SalesReturnLine.line_no")

    def write_ledgers(self, session) -> None:
        from .operations import write_return

        write_return(session, self)

    def build_reversal(self) -> "SalesReturn":
        return SalesReturn(
            delivery_id=self.delivery_id, order_id=self.order_id, party_id=self.party_id, warehouse_id=self.warehouse_id,
            reason=self.reason, note=f"红冲 {self.number}",
            lines=[SalesReturnLine(**_copy(l, "delivery_line_id", "line_no", "serials", "cost")) for l in self.lines])


class SalesReturnLine(IdMixin, _Priced, Base):
    __tablename__ = "sales_return_line"

    return_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sales_return.id", ondelete="CASCADE"), index=True)
    delivery_line_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sales_delivery_line.id"), index=True)
    line_no: Mapped[int] = mapped_column(default=0)
    serials: Mapped[list] = mapped_column(JSONType, default=list)
    cost: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))  # the delivery line's, for these units


def _copy(line, *extra: str) -> dict:
    names = ("item_id", "quantity", "unit_price", "discount_rate", "tax_rate", "net", "tax", "gross") + extra
    return {n: (list(getattr(line, n)) if n == "serials" else getattr(line, n)) for n in names}
