"""Marshmallow schemas of the retail API (unknown fields refused, every string bounded). The
operations check the values (prices, payments, serials, windows) and name the field they refuse."""

from __future__ import annotations


import marshmallow as ma

from ..http import PageArgs, Schema, Str
from ..http import ExactDecimal

_PRICE = 4
_QTY = 3
_MONEY = 2


def _dec(places, **kw):
    return ExactDecimal(places=places, allow_nan=False, **kw)


class RetailSaleLineIn(Schema):
    id = ma.fields.UUID()
    item_id = ma.fields.UUID(required=True)
    quantity = _dec(_QTY, required=True)
    unit_price = _dec(_PRICE, metadata={"description": "Default: the item's retail price; another needs retail.price_override"})
    tax_rate = _dec(_PRICE, metadata={"description": "VAT inside the price (0.13); default AFTERCARE_RETAIL_TAX_RATE"})
    serials = ma.fields.List(Str(40), validate=ma.validate.Length(max=200))


class RetailPaymentIn(Schema):
    account_id = ma.fields.UUID(required=True)
    amount = _dec(_MONEY, required=True)


class RetailSaleIn(Schema):
    id = ma.fields.UUID()
    warehouse_id = ma.fields.UUID(required=True, metadata={"description": "The counter's good-stock warehouse"})
    member_id = ma.fields.UUID()
    customer_name = Str(80)
    customer_phone = Str(20)
    doc_date = ma.fields.Date()
    note = Str(500)
    lines = ma.fields.List(ma.fields.Nested(RetailSaleLineIn), required=True, validate=ma.validate.Length(max=200))
    payments = ma.fields.List(ma.fields.Nested(RetailPaymentIn), load_default=list, validate=ma.validate.Length(max=10))


class RetailReturnLineIn(Schema):
    sale_line_id = ma.fields.UUID(required=True)
    quantity = _dec(_QTY, required=True)
    serials = ma.fields.List(Str(40), validate=ma.validate.Length(max=200))


class RetailReturnIn(Schema):
    id = ma.fields.UUID()
    sale_id = ma.fields.UUID(required=True)
    doc_date = ma.fields.Date()
    reason = Str(200)
    note = Str(500)
    lines = ma.fields.List(ma.fields.Nested(RetailReturnLineIn), required=True, validate=ma.validate.Length(max=200))
    refunds = ma.fields.List(ma.fields.Nested(RetailPaymentIn), validate=ma.validate.Length(max=10),
                             metadata={"description": "Default: back to the sale's accounts in the order paid"})


class RetailCashupIn(Schema):
    id = ma.fields.UUID()
    warehouse_id = ma.fields.UUID(required=True)
    business_date = ma.fields.Date()
    note = Str(500)
    counted = ma.fields.List(ma.fields.Nested(RetailPaymentIn), required=True, validate=ma.validate.Length(max=20))


class RetailSaleArgs(PageArgs):
    warehouse_id = ma.fields.UUID()
    date_from = ma.fields.Date()
    date_to = ma.fields.Date()
    q = Str(40, metadata={"description": "A number (LS-…), a phone or an IMEI sold"})
    stock_state = ma.fields.String(validate=ma.validate.OneOf(("posted", "waiting")))


class RetailCashupArgs(PageArgs):
    warehouse_id = ma.fields.UUID()


class RetailPreviewArgs(Schema):
    warehouse_id = ma.fields.UUID(required=True)
    business_date = ma.fields.Date()


class RetailExceptionArgs(PageArgs):
    state = ma.fields.String(validate=ma.validate.OneOf(("open", "posted", "returned")))
    warehouse_id = ma.fields.UUID()


class RetailProfitArgs(Schema):
    date_from = ma.fields.Date(required=True)
    date_to = ma.fields.Date(required=True)
    warehouse_id = ma.fields.UUID()
