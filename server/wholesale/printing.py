"""Wholesale's printed forms: the delivery note (发货单, A4) and the sales return (销售退货单, A4). One
view-model (``SalesSheet``) and one template (``templates/print/sales_document.html``); the adapters
read the documents through the area's scoped getters (another organisation's delivery is a 404).
The words are the view-model's own (``WORDS``), so the shared label table is not edited."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.orm import Session

from ..basedata import models as bd
from ..printing import viewmodels as vm
from . import operations as ops
from .models import SalesOrder

WORDS = {
    "zh": {"sales_delivery": "发货单", "sales_return": "销售退货单", "customer": "客户", "contact": "联系人",
           "ship_to": "收货地址", "order": "销售订单", "delivery": "原发货单", "date": "日期", "warehouse": "发货仓库",
           "return_warehouse": "退回仓库", "carrier": "承运商", "waybill": "运单号", "reason": "退货原因",
           "prepared": "制单", "posted": "过账", "keeper": "仓管员", "deliverer": "送货人", "received": "客户签收",
           "inspected": "验收", "customer_sign": "客户确认", "line_no": "序号", "code": "编码", "item": "产品",
           "unit": "单位", "quantity": "数量", "unit_price": "单价", "discount": "折扣", "amount": "金额",
           "net": "不含税金额", "tax": "税额", "gross": "价税合计", "total": "合计", "serials": "串号",
           "note": "备注", "draft": "草稿，未过账", "reversed": "已红冲", "reversal": "红冲单", "reverses": "红冲原单",
           "watermark_draft": "草 稿", "watermark_reversed": "已 红 冲", "tax_inclusive": "单价含税",
           "tax_exclusive": "单价不含税"},
    "en": {"sales_delivery": "Delivery note", "sales_return": "Sales return", "customer": "Customer", "contact": "Contact",
           "ship_to": "Ship to", "order": "Sales order", "delivery": "Delivery", "date": "Date", "warehouse": "Ship from",
           "return_warehouse": "Returned to", "carrier": "Carrier", "waybill": "Waybill", "reason": "Reason",
           "prepared": "Prepared by", "posted": "Posted by", "keeper": "Warehouse", "deliverer": "Delivered by",
           "received": "Received by (customer)", "inspected": "Inspected by", "customer_sign": "Customer",
           "line_no": "#", "code": "Code", "item": "Item", "unit": "Unit", "quantity": "Qty", "unit_price": "Price",
           "discount": "Disc.", "amount": "Amount", "net": "Net", "tax": "Tax", "gross": "Total", "total": "Total",
           "serials": "Serials", "note": "Note", "draft": "DRAFT, not posted", "reversed": "REVERSED",
           "reversal": "REVERSAL", "reverses": "Reverses", "watermark_draft": "DRAFT", "watermark_reversed": "REVERSED",
           "tax_inclusive": "Prices include tax", "tax_exclusive": "Prices exclude tax"},
}


@dataclass(frozen=True)
class SalesPrintLine:
    seq: int
    code: str
    name: str
    unit: str
    quantity: Decimal
    unit_price: Decimal
    discount_percent: Decimal
    tax_percent: Decimal
    gross: Decimal
    serials: tuple[str, ...] = ()


@dataclass(frozen=True)
class SalesSheet:
    """发货单 / 销售退货单: who gets or gives back what, at which price, and who signs."""

    kind: str  # sales_delivery | sales_return
    w: dict
    org: vm.OrgHeader
    number: str
    status: str  # draft | posted | reversed
    reversal: bool
    reverses_number: str
    doc_date: dt.date
    customer: str
    contact: str
    address: str
    order_number: str
    delivery_number: str
    warehouse: str
    carrier: str
    waybill: str
    reason: str
    prepared: str
    posted: str
    note: str
    prices_include_tax: bool
    lines: tuple[SalesPrintLine, ...]
    total_quantity: Decimal
    net_total: Decimal
    tax_total: Decimal
    gross_total: Decimal


def _sheet(session: Session, doc, ctx, kind: str) -> SalesSheet:
    from ..printing.adapters import _org, _user

    order = session.get(SalesOrder, doc.order_id)
    party = session.get(bd.Party, doc.party_id)
    wh = session.get(bd.Warehouse, doc.warehouse_id)
    items = {i.id: i for i in session.query(bd.Item).filter(bd.Item.id.in_({l.item_id for l in doc.lines}))}
    lines = tuple(SalesPrintLine(seq=n + 1, code=items[l.item_id].code, name=items[l.item_id].name, unit=items[l.item_id].unit,
                                 quantity=l.quantity, unit_price=l.unit_price, discount_percent=l.discount_rate * 100,
                                 tax_percent=l.tax_rate * 100, gross=l.gross, serials=tuple(l.serials or ()))
                  for n, l in enumerate(doc.lines))
    original = session.get(type(doc), doc.reverses_id) if doc.reverses_id else None
    delivery_number = ""
    if kind == "sales_return":
        d = ops.get_delivery(session, doc.delivery_id)
        delivery_number = d.number or ""
    return SalesSheet(
        kind=kind, w=WORDS[ctx.lang], org=_org(session, ctx, doc.org_id), number=doc.number or "", status=doc.status,
        reversal=doc.reverses_id is not None, reverses_number=original.number if original else "", doc_date=doc.doc_date,
        customer=f"{party.name}（{party.code}）" if ctx.lang == "zh" else f"{party.name} ({party.code})",
        contact=" ".join(x for x in ((order.contact_name or party.contact_name), (order.contact_phone or party.phone)) if x),
        address=order.address or party.address, order_number=order.number or "", delivery_number=delivery_number,
        warehouse=wh.name if wh else "", carrier=getattr(doc, "carrier", ""), waybill=getattr(doc, "waybill", ""),
        reason=getattr(doc, "reason", ""), prepared=_user(session, doc.created_by_id), posted=_user(session, doc.posted_by_id),
        note=doc.note, prices_include_tax=order.price_includes_tax, lines=lines,
        total_quantity=sum((l.quantity for l in doc.lines), Decimal(0)), net_total=doc.net_total, tax_total=doc.tax_total,
        gross_total=doc.gross_total)


def delivery_note(session: Session, document_id, ctx) -> SalesSheet:
    return _sheet(session, ops.get_delivery(session, document_id), ctx, "sales_delivery")


def return_note(session: Session, document_id, ctx) -> SalesSheet:
    return _sheet(session, ops.get_return(session, document_id), ctx, "sales_return")
