"""Wholesale's API schemas (unknown fields refused, every string bounded, money as decimal strings)."""

from __future__ import annotations

import marshmallow as ma

from ..http import ExactDecimal, PageArgs, Schema, Str, page_schema
from . import statemachine as sm

QTY = dict(places=3, as_string=True, allow_nan=False, validate=ma.validate.Range(min=0, max=9_999_999))
PRICE = dict(places=4, as_string=True, allow_nan=False, validate=ma.validate.Range(min=0, max=99_999_999))
RATE = dict(places=4, as_string=True, allow_nan=False, validate=ma.validate.Range(min=0, max=1, max_inclusive=False))
SERIALS = dict(load_default=list, validate=ma.validate.Length(max=1000))
D = lambda places=2: ma.fields.Decimal(places=places, as_string=True)  # noqa: E731  (money; 3: quantities, 4: prices, rates)
DN = lambda: ma.fields.Decimal(places=2, as_string=True, allow_none=True)  # noqa: E731


class SalesOrderLineIn(Schema):
    item_id = ma.fields.UUID(required=True)
    quantity = ExactDecimal(required=True, **QTY)
    unit_price = ExactDecimal(load_default=None, allow_none=True, metadata={"description": "Default: the item's wholesale price; another needs sales.price"}, **PRICE)
    discount_rate = ExactDecimal(load_default=None, allow_none=True, metadata={"description": "0.05 is 5 %. Default: the party's discount; another needs sales.price"}, **RATE)
    tax_rate = ExactDecimal(load_default=None, allow_none=True, metadata={"description": "VAT, 0.13 is 13 %. Default: the order's"}, **RATE)


class _SalesOrderHeader(Schema):
    party_id = ma.fields.UUID()
    warehouse_id = ma.fields.UUID()
    doc_date = ma.fields.Date()
    tax_rate = ExactDecimal(allow_none=True, **RATE)
    price_includes_tax = ma.fields.Boolean()
    contact_name = Str(80)
    contact_phone = Str(40)
    address = Str(300)
    note = Str(2000)
    lines = ma.fields.List(ma.fields.Nested(SalesOrderLineIn), validate=ma.validate.Length(min=1, max=200))


class SalesOrderIn(_SalesOrderHeader):
    org_id = ma.fields.UUID(load_default=None, metadata={"description": "Headquarters only; default: your organisation"})
    party_id = ma.fields.UUID(required=True)
    warehouse_id = ma.fields.UUID(required=True)
    lines = ma.fields.List(ma.fields.Nested(SalesOrderLineIn), required=True, validate=ma.validate.Length(min=1, max=200))


class SalesOrderUpdateIn(_SalesOrderHeader):
    pass


class SalesOrderLineOut(Schema):
    id = ma.fields.UUID()
    line_no = ma.fields.Integer()
    item_id = ma.fields.UUID()
    quantity = D(3)
    list_price = D(4)
    unit_price = D(4)
    discount_rate = D(4)
    tax_rate = D(4)
    net = D()
    tax = D()
    gross = D()
    price_overridden = ma.fields.Boolean()
    delivered_quantity = D(3)
    returned_quantity = D(3)


class SalesDocLink(Schema):
    id = ma.fields.UUID()
    number = ma.fields.String(allow_none=True)
    status = ma.fields.String()
    doc_date = ma.fields.Date()
    gross_total = D()
    reverses_id = ma.fields.UUID(allow_none=True)


class SalesOrderOut(Schema):
    id = ma.fields.UUID()
    number = ma.fields.String(allow_none=True)
    status = ma.fields.String(attribute="state", metadata={"description": "The order's state (statemachine.STATES)"})
    org_id = ma.fields.UUID()
    party_id = ma.fields.UUID()
    warehouse_id = ma.fields.UUID()
    doc_date = ma.fields.Date()
    tax_rate = D(4)
    price_includes_tax = ma.fields.Boolean()
    contact_name = ma.fields.String()
    contact_phone = ma.fields.String()
    address = ma.fields.String()
    note = ma.fields.String()
    net_total = D()
    tax_total = D()
    gross_total = D()
    credit_balance = DN()
    credit_limit = DN()
    created_at = ma.fields.DateTime()
    posted_at = ma.fields.DateTime(allow_none=True, metadata={"description": "Submitted at"})
    approved_at = ma.fields.DateTime(allow_none=True)
    closed_at = ma.fields.DateTime(allow_none=True)
    close_reason = ma.fields.String()
    lines = ma.fields.List(ma.fields.Nested(SalesOrderLineOut))
    actions = ma.fields.List(ma.fields.String(), metadata={"description": "What the user may do now"})
    deliveries = ma.fields.List(ma.fields.Nested(SalesDocLink))
    returns = ma.fields.List(ma.fields.Nested(SalesDocLink))


class SalesOrderArgs(PageArgs):
    status = ma.fields.String(validate=ma.validate.OneOf(sm.STATES))
    party_id = ma.fields.UUID()
    org_id = ma.fields.UUID()
    since = ma.fields.Date()
    until = ma.fields.Date()
    q = Str(40, metadata={"description": "Number"})


class SalesReasonIn(Schema):
    reason = Str(300, load_default="")


class SalesReverseIn(Schema):
    reason = Str(300, required=True, min_len=1)
    on = ma.fields.Date(load_default=None)


class SalesOrderTotals(Schema):
    net_total = D()
    tax_total = D()
    gross_total = D()


class SalesTotals(SalesOrderTotals):
    cost_total = D()


SalesOrderPage = type("SalesOrderPage", (page_schema(SalesOrderOut, "SalesOrderPageBase"),), {"totals": ma.fields.Nested(SalesOrderTotals)})


# -- deliveries and returns --------------------------------------------------------------

class SalesMovedLineIn(Schema):
    item_id = ma.fields.UUID(required=True)
    quantity = ExactDecimal(required=True, **QTY)
    serials = ma.fields.List(Str(40, min_len=1), **SERIALS)


class SalesDeliveryIn(Schema):
    order_id = ma.fields.UUID(required=True)
    doc_date = ma.fields.Date()
    carrier = Str(80)
    waybill = Str(80)
    note = Str(2000)
    lines = ma.fields.List(ma.fields.Nested(SalesMovedLineIn), required=True, validate=ma.validate.Length(min=1, max=200))


class SalesDeliveryUpdateIn(Schema):
    doc_date = ma.fields.Date()
    carrier = Str(80)
    waybill = Str(80)
    note = Str(2000)
    lines = ma.fields.List(ma.fields.Nested(SalesMovedLineIn), validate=ma.validate.Length(min=1, max=200))


class SalesMovedLineOut(Schema):
    id = ma.fields.UUID()
    line_no = ma.fields.Integer()
    item_id = ma.fields.UUID()
    quantity = D(3)
    serials = ma.fields.List(ma.fields.String())
    unit_price = D(4)
    discount_rate = D(4)
    tax_rate = D(4)
    net = D()
    tax = D()
    gross = D()
    cost = D()
    profit = ma.fields.Method("_profit", metadata={"description": "net − cost"})

    def _profit(self, obj):
        return str(obj.net - obj.cost)


class SalesDeliveryLineOut(SalesMovedLineOut):
    order_line_id = ma.fields.UUID()
    returned_quantity = D(3)


class SalesReturnLineOut(SalesMovedLineOut):
    delivery_line_id = ma.fields.UUID()


class _SalesMovedOut(Schema):
    id = ma.fields.UUID()
    number = ma.fields.String(allow_none=True)
    status = ma.fields.String()
    org_id = ma.fields.UUID()
    order_id = ma.fields.UUID()
    order_number = ma.fields.String(allow_none=True)
    party_id = ma.fields.UUID()
    warehouse_id = ma.fields.UUID()
    doc_date = ma.fields.Date()
    note = ma.fields.String()
    net_total = D()
    tax_total = D()
    gross_total = D()
    cost_total = D()
    profit = ma.fields.Method("_profit", metadata={"description": "net − cost"})
    reverses_id = ma.fields.UUID(allow_none=True)
    reversal_id = ma.fields.UUID(allow_none=True)
    reversal_reason = ma.fields.String()
    created_at = ma.fields.DateTime()
    posted_at = ma.fields.DateTime(allow_none=True)
    actions = ma.fields.List(ma.fields.String())

    def _profit(self, obj):
        return str(obj.net_total - obj.cost_total)


class SalesDeliveryOut(_SalesMovedOut):
    carrier = ma.fields.String()
    waybill = ma.fields.String()
    lines = ma.fields.List(ma.fields.Nested(SalesDeliveryLineOut))
    returns = ma.fields.List(ma.fields.Nested(SalesDocLink))


class SalesReturnIn(Schema):
    delivery_id = ma.fields.UUID(required=True)
    doc_date = ma.fields.Date()
    reason = Str(300)
    note = Str(2000)
    lines = ma.fields.List(ma.fields.Nested(SalesMovedLineIn), required=True, validate=ma.validate.Length(min=1, max=200))


class SalesReturnUpdateIn(Schema):
    doc_date = ma.fields.Date()
    reason = Str(300)
    note = Str(2000)
    lines = ma.fields.List(ma.fields.Nested(SalesMovedLineIn), validate=ma.validate.Length(min=1, max=200))


class SalesReturnOut(_SalesMovedOut):
    delivery_id = ma.fields.UUID()
    delivery_number = ma.fields.String(allow_none=True)
    reason = ma.fields.String()
    lines = ma.fields.List(ma.fields.Nested(SalesReturnLineOut))


class SalesMovedArgs(PageArgs):
    status = ma.fields.String(validate=ma.validate.OneOf(("draft", "posted", "reversed")))
    order_id = ma.fields.UUID()
    party_id = ma.fields.UUID()
    org_id = ma.fields.UUID()
    since = ma.fields.Date()
    until = ma.fields.Date()
    q = Str(40, metadata={"description": "Number"})


SalesDeliveryPage = type("SalesDeliveryPage", (page_schema(SalesDeliveryOut, "SalesDeliveryPageBase"),), {"totals": ma.fields.Nested(SalesTotals)})
SalesReturnPage = type("SalesReturnPage", (page_schema(SalesReturnOut, "SalesReturnPageBase"),), {"totals": ma.fields.Nested(SalesTotals)})


# -- profit ---------------------------------------------------------------------------------

class SalesProfitArgs(PageArgs):
    party_id = ma.fields.UUID()
    item_id = ma.fields.UUID()
    org_id = ma.fields.UUID()
    since = ma.fields.Date()
    until = ma.fields.Date()


class SalesProfitRow(Schema):
    document_type = ma.fields.String()
    document_id = ma.fields.UUID()
    number = ma.fields.String()
    doc_date = ma.fields.Date()
    org_id = ma.fields.UUID()
    party_id = ma.fields.UUID()
    item_id = ma.fields.UUID()
    quantity = D(3)
    revenue = D()
    cost = D()
    profit = D()


class SalesProfitTotals(Schema):
    quantity = D(3)
    revenue = D()
    cost = D()
    profit = D()


class SalesProfitPage(page_schema(SalesProfitRow, "SalesProfitPageBase")):
    totals = ma.fields.Nested(SalesProfitTotals)
