"""Purchasing's API schemas (unknown fields refused, every string bounded) and the words of their
fields, stated once here and exported by ``/api/meta/documents`` (``server/meta/family_purchase.py``)."""

from __future__ import annotations

import marshmallow as ma

from ..core.lifecycle import STATUSES
from ..http import ExactDecimal, PageArgs, Schema, Str, page_schema
from . import statemachine as sm

L = lambda zh, en: {"zh-CN": zh, "en": en}  # noqa: E731

LABELS: dict[str, dict[str, str]] = {
    "number": L("单号", "Number"), "status": L("状态", "Status"), "doc_date": L("单据日期", "Date"),
    "org_id": L("所属机构", "Organisation"), "party_id": L("供应商", "Supplier"), "warehouse_id": L("收货仓库", "Warehouse"),
    "expected_date": L("预计到货", "Expected"), "note": L("备注", "Note"), "item_id": L("产品", "Item"),
    "quantity": L("数量", "Quantity"), "unit_price": L("单价", "Unit price"), "tax_rate": L("税率", "Tax rate"),
    "price_includes_tax": L("含税价", "Price includes tax"), "net": L("不含税金额", "Net"), "tax": L("税额", "Tax"),
    "gross": L("价税合计", "Gross"), "received_quantity": L("已到货", "Received"), "serials": L("串号", "Serials"),
    "net_total": L("不含税合计", "Net total"), "tax_total": L("税额合计", "Tax total"),
    "gross_total": L("价税合计", "Total"), "order_id": L("采购订单", "Purchase order"),
    "receipt_id": L("采购入库单", "Purchase receipt"), "since": L("起始日期", "From"), "until": L("截止日期", "To"),
    "q": L("单号", "Number"), "reason": L("原因", "Reason"), "on": L("红冲日期", "Reversal date"),
    "created_at": L("录入时间", "Entered"), "approved_at": L("审批时间", "Approved"), "close_reason": L("关闭原因", "Why closed"),
    "order_number": L("采购订单号", "Order"), "receipt_number": L("入库单号", "Receipt"),
}

QTY = dict(places=3, as_string=True, allow_nan=False)
PRICE = dict(places=4, as_string=True, allow_nan=False)


class PurchaseOrderLineIn(Schema):
    item_id = ma.fields.UUID(required=True)
    quantity = ExactDecimal(required=True, **QTY)
    # No range here: the one money rule (trade.pricing) refuses a negative price, naming the line's field.
    unit_price = ExactDecimal(required=True, **PRICE)
    tax_rate = ExactDecimal(load_default=None, allow_none=True, places=4, as_string=True, allow_nan=False,
                            metadata={"description": "VAT as a fraction: 0.13 is 13 %"})
    price_includes_tax = ma.fields.Boolean(load_default=False)
    note = Str(200, load_default="")


class _PurchaseOrderHeader(Schema):
    party_id = ma.fields.UUID()
    warehouse_id = ma.fields.UUID()
    doc_date = ma.fields.Date()
    expected_date = ma.fields.Date(allow_none=True)
    note = Str(2000)
    lines = ma.fields.List(ma.fields.Nested(PurchaseOrderLineIn), validate=ma.validate.Length(max=500))


class PurchaseOrderIn(_PurchaseOrderHeader):
    org_id = ma.fields.UUID(load_default=None, metadata={"description": "Headquarters only; default: your organisation"})
    party_id = ma.fields.UUID(required=True)
    warehouse_id = ma.fields.UUID(required=True)
    lines = ma.fields.List(ma.fields.Nested(PurchaseOrderLineIn), required=True, validate=ma.validate.Length(min=1, max=500))


class PurchaseOrderUpdateIn(_PurchaseOrderHeader):
    org_id = ma.fields.UUID(allow_none=True, metadata={"description": "The order's own organisation (it cannot change)"})


class PurchaseOrderLineOut(Schema):
    id = ma.fields.UUID()
    item_id = ma.fields.UUID()
    quantity = ma.fields.Decimal(as_string=True)
    unit_price = ma.fields.Decimal(as_string=True)
    tax_rate = ma.fields.Decimal(as_string=True)
    price_includes_tax = ma.fields.Boolean()
    net = ma.fields.Decimal(as_string=True)
    tax = ma.fields.Decimal(as_string=True)
    gross = ma.fields.Decimal(as_string=True)
    received_quantity = ma.fields.Decimal(as_string=True, dump_default=None,
                                          metadata={"description": "Received less returned, by posted documents"})
    note = ma.fields.String()


class PurchaseOrderOut(Schema):
    id = ma.fields.UUID()
    number = ma.fields.String()
    status = ma.fields.String()
    org_id = ma.fields.UUID()
    doc_date = ma.fields.Date()
    party_id = ma.fields.UUID()
    warehouse_id = ma.fields.UUID()
    expected_date = ma.fields.Date(allow_none=True)
    note = ma.fields.String()
    net_total = ma.fields.Decimal(as_string=True)
    tax_total = ma.fields.Decimal(as_string=True)
    gross_total = ma.fields.Decimal(as_string=True)
    created_at = ma.fields.DateTime()
    created_by_id = ma.fields.UUID(allow_none=True)
    approved_at = ma.fields.DateTime(allow_none=True)
    approved_by_id = ma.fields.UUID(allow_none=True)
    closed_at = ma.fields.DateTime(allow_none=True)
    close_reason = ma.fields.String()
    lines = ma.fields.List(ma.fields.Nested(PurchaseOrderLineOut))
    actions = ma.fields.List(ma.fields.String(), dump_default=list,
                             metadata={"description": "What the asking user may do to the order now"})


class PurchaseOrderListArgs(PageArgs):
    status = ma.fields.String(validate=ma.validate.OneOf(sm.STATES))
    party_id = ma.fields.UUID()
    warehouse_id = ma.fields.UUID()
    org_id = ma.fields.UUID()
    since = ma.fields.Date()
    until = ma.fields.Date()
    q = Str(40, metadata={"description": "Number (or its end)"})


class PurchaseOrderTotals(Schema):
    gross_total = ma.fields.Decimal(as_string=True)


PurchaseOrderPage = type("PurchaseOrderPage", (page_schema(PurchaseOrderOut, "PurchaseOrderPageBase"),),
                 {"totals": ma.fields.Nested(PurchaseOrderTotals)})


class PurchaseReasonIn(Schema):
    reason = Str(300, load_default="")


class PurchaseReverseIn(Schema):
    reason = Str(300, required=True, min_len=1)
    on = ma.fields.Date(load_default=None)


# -- receipts and returns --------------------------------------------------------

class PurchaseReceiptLineIn(Schema):
    item_id = ma.fields.UUID(load_default=None, metadata={"description": "Matched to the order's line of this item"})
    order_line_id = ma.fields.UUID(load_default=None, metadata={"description": "When the order has the item twice"})
    quantity = ExactDecimal(required=True, **QTY)
    serials = ma.fields.List(Str(40, min_len=1), load_default=list, validate=ma.validate.Length(max=1000))
    note = Str(200, load_default="")


class PurchaseReceiptIn(Schema):
    order_id = ma.fields.UUID(required=True)
    doc_date = ma.fields.Date()
    note = Str(2000)
    lines = ma.fields.List(ma.fields.Nested(PurchaseReceiptLineIn), required=True, validate=ma.validate.Length(min=1, max=500))


class PurchaseReceiptUpdateIn(Schema):
    order_id = ma.fields.UUID(metadata={"description": "The draft's own order (it cannot change)"})
    doc_date = ma.fields.Date()
    note = Str(2000)
    lines = ma.fields.List(ma.fields.Nested(PurchaseReceiptLineIn), validate=ma.validate.Length(min=1, max=500))


class PurchaseReturnLineIn(Schema):
    item_id = ma.fields.UUID(load_default=None, metadata={"description": "Matched to the receipt's line of this item"})
    receipt_line_id = ma.fields.UUID(load_default=None)
    quantity = ExactDecimal(required=True, **QTY)
    serials = ma.fields.List(Str(40, min_len=1), load_default=list, validate=ma.validate.Length(max=1000))
    note = Str(200, load_default="")


class PurchaseReturnIn(Schema):
    receipt_id = ma.fields.UUID(required=True)
    doc_date = ma.fields.Date()
    note = Str(2000)
    lines = ma.fields.List(ma.fields.Nested(PurchaseReturnLineIn), required=True, validate=ma.validate.Length(min=1, max=500))


class PurchaseReturnUpdateIn(Schema):
    receipt_id = ma.fields.UUID(metadata={"description": "The draft's own receipt (it cannot change)"})
    doc_date = ma.fields.Date()
    note = Str(2000)
    lines = ma.fields.List(ma.fields.Nested(PurchaseReturnLineIn), validate=ma.validate.Length(min=1, max=500))


class PurchasePostedLineOut(Schema):
    id = ma.fields.UUID()
    order_line_id = ma.fields.UUID()
    receipt_line_id = ma.fields.UUID(dump_default=None, allow_none=True)
    item_id = ma.fields.UUID()
    quantity = ma.fields.Decimal(as_string=True)
    serials = ma.fields.List(ma.fields.String())
    net = ma.fields.Decimal(as_string=True)
    tax = ma.fields.Decimal(as_string=True)
    gross = ma.fields.Decimal(as_string=True)
    note = ma.fields.String()


class PurchasePostedOut(Schema):
    id = ma.fields.UUID()
    number = ma.fields.String(allow_none=True)
    status = ma.fields.String()
    org_id = ma.fields.UUID()
    order_id = ma.fields.UUID()
    order_number = ma.fields.Method("_order_number")
    receipt_id = ma.fields.UUID(dump_default=None, allow_none=True)
    party_id = ma.fields.UUID()
    warehouse_id = ma.fields.UUID()
    doc_date = ma.fields.Date()
    note = ma.fields.String()
    net_total = ma.fields.Decimal(as_string=True)
    tax_total = ma.fields.Decimal(as_string=True)
    gross_total = ma.fields.Decimal(as_string=True)
    reverses_id = ma.fields.UUID(allow_none=True)
    reversal_reason = ma.fields.String()
    created_at = ma.fields.DateTime()
    posted_at = ma.fields.DateTime(allow_none=True)
    reversed_at = ma.fields.DateTime(allow_none=True)
    lines = ma.fields.List(ma.fields.Nested(PurchasePostedLineOut))
    actions = ma.fields.Method("_actions")
    reversal_id = ma.fields.Method("_reversal_id", metadata={"description": "The document that reversed this one"})

    def _actions(self, obj):
        from ..core.lifecycle import allowed_actions

        return allowed_actions(obj.doc_state)

    def _order_number(self, obj):
        from sqlalchemy import select
        from sqlalchemy.orm import object_session

        from .models import PurchaseOrder

        return object_session(obj).execute(select(PurchaseOrder.number).where(PurchaseOrder.id == obj.order_id)).scalar()

    def _reversal_id(self, obj):
        if obj.status != "reversed":
            return None
        from sqlalchemy import select
        from sqlalchemy.orm import object_session

        found = object_session(obj).execute(select(type(obj).id).where(type(obj).reverses_id == obj.id)).scalar()
        return str(found) if found else None


class PurchasePostedListArgs(PageArgs):
    status = ma.fields.String(validate=ma.validate.OneOf(STATUSES))
    order_id = ma.fields.UUID()
    party_id = ma.fields.UUID()
    since = ma.fields.Date()
    until = ma.fields.Date()
    number = Str(40)


class PurchasePostedTotals(Schema):
    gross_total = ma.fields.Decimal(as_string=True)


PurchasePostedPage = type("PurchasePostedPage", (page_schema(PurchasePostedOut, "PurchasePostedPageBase"),),
                  {"totals": ma.fields.Nested(PurchasePostedTotals)})
