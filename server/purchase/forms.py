"""This area's print forms (merged into server/printing/forms.py's FORMS): the purchase order on A4
(采购订单, spec §5, issue 18 §7), in Chinese or English (``lang``), as every form.

The view-model carries purchasing's own words (``words``: the form's language) beside the shared
ones of ``server.printing.labels`` the template reads as ``t``; the adapter reads the order through
the scoped session, so another point's order is a 404 here as on its GET route."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select

WORDS: dict[str, dict[str, str]] = {
    "zh": {"title": "采购订单", "supplier": "供应商", "warehouse": "收货仓库", "expected": "预计到货", "tax_rate": "税率",
           "net": "不含税金额", "tax": "税额", "gross": "价税合计", "received": "已到货", "incl": "含税",
           "excl": "不含税", "price_basis": "单价", "contact": "联系人", "approved_by": "审批",
           "status": "状态", "sign_buyer": "采购员", "sign_approver": "审批人", "sign_supplier": "供应商确认",
           "tax_number": "税号", "amount_words": "合计金额"},
    "en": {"title": "Purchase order", "supplier": "Supplier", "warehouse": "Deliver to", "expected": "Expected",
           "tax_rate": "VAT", "net": "Net", "tax": "Tax", "gross": "Gross", "received": "Received", "incl": "incl. tax",
           "excl": "excl. tax", "price_basis": "Unit price", "contact": "Contact", "approved_by": "Approved",
           "status": "Status", "sign_buyer": "Buyer", "sign_approver": "Approved by", "sign_supplier": "Supplier",
           "tax_number": "Tax No.", "amount_words": "Total"},
}


@dataclass(frozen=True)
class PurchaseOrderLine:
    seq: int
    code: str
    name: str
    unit: str
    quantity: Decimal
    unit_price: Decimal
    price_includes_tax: bool
    tax_rate: Decimal
    net: Decimal
    tax: Decimal
    gross: Decimal
    received: Decimal
    note: str = ""


@dataclass(frozen=True)
class PurchaseOrderSheet:
    org: object  # printing.viewmodels.OrgHeader
    words: dict
    number: str
    status: str
    status_label: str
    doc_date: dt.date
    supplier: str
    supplier_contact: str
    supplier_phone: str
    supplier_address: str
    supplier_tax_number: str
    warehouse: str
    expected_date: dt.date | None
    lines: tuple[PurchaseOrderLine, ...]
    net_total: Decimal
    tax_total: Decimal
    gross_total: Decimal
    note: str = ""
    created_by: str = ""
    created_at: dt.datetime | None = None
    approved_by: str = ""
    approved_at: dt.datetime | None = None


def purchase_order_sheet(session, document_id, ctx) -> PurchaseOrderSheet:
    from ..basedata.models import Item, Party, Warehouse
    from ..errors import NotFound
    from ..printing.adapters import _org, _user
    from . import operations as ops
    from . import statemachine as sm
    from .models import PurchaseOrder

    order = session.execute(select(PurchaseOrder).where(PurchaseOrder.id == document_id)).scalar_one_or_none()
    if order is None:
        raise NotFound("no such document")
    party, wh = session.get(Party, order.party_id), session.get(Warehouse, order.warehouse_id)
    received = ops.received_by_line(session, order.id)
    items = {i.id: i for i in session.execute(select(Item).where(Item.id.in_([l.item_id for l in order.lines]))).scalars()}
    lines = tuple(PurchaseOrderLine(
        seq=n + 1, code=items[l.item_id].code, name=items[l.item_id].name, unit=items[l.item_id].unit, quantity=l.quantity,
        unit_price=l.unit_price, price_includes_tax=l.price_includes_tax, tax_rate=l.tax_rate, net=l.net, tax=l.tax,
        gross=l.gross, received=received.get(l.id, Decimal(0)), note=l.note) for n, l in enumerate(order.lines))
    return PurchaseOrderSheet(
        org=_org(session, ctx, order.org_id), words=WORDS[ctx.lang], number=order.number, status=order.status,
        status_label=sm.STATE_LABELS[order.status][ctx.locale], doc_date=order.doc_date,
        supplier=f"{party.name}（{party.code}）" if ctx.lang == "zh" else f"{party.name} ({party.code})",
        supplier_contact=party.contact_name, supplier_phone=party.phone, supplier_address=party.address,
        supplier_tax_number=party.tax_number, warehouse=wh.name if wh else "", expected_date=order.expected_date,
        lines=lines, net_total=order.net_total, tax_total=order.tax_total, gross_total=order.gross_total, note=order.note,
        created_by=_user(session, order.created_by_id), created_at=ctx.local(order.created_at),
        approved_by=_user(session, order.approved_by_id), approved_at=ctx.local(order.approved_at))


def forms() -> list:
    from ..printing.forms import Form

    return [Form("purchase-order", "print/purchase_order.html", PurchaseOrderSheet, ("a4",), "purchase.view",
                 purchase_order_sheet, document_type="purchase_order")]
