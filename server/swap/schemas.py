"""Marshmallow schemas of the swap API (unknown fields refused, every string bounded)."""

from __future__ import annotations

import marshmallow as ma

from ..http import PageArgs, Schema, Str, page_schema
from . import rules

_L = rules.LIMITS
Qty = lambda **kw: ma.fields.Decimal(as_string=True, places=0, **kw)  # noqa: E731


def _qty_in(minimum: int = 1, **kw) -> ma.fields.Integer:
    return ma.fields.Integer(validate=ma.validate.Range(min=minimum, max=_L["quantity"]), **kw)


def _serials(**kw) -> ma.fields.List:
    return ma.fields.List(Str(_L["serial"], min_len=1), validate=ma.validate.Length(max=_L["quantity"]), **kw)


def _lines(schema) -> ma.fields.List:
    return ma.fields.List(ma.fields.Nested(schema), required=True, validate=ma.validate.Length(min=1, max=_L["lines"]))


class SwapIntakeLineIn(Schema):
    id = ma.fields.UUID(metadata={"description": "Made by the client, so a return made on the same tablet can name the line"})
    item_id = ma.fields.UUID(required=True)
    quantity = _qty_in(load_default=1)
    serials = _serials(metadata={"description": "Optional: one per unit when given (required for serial-tracked items)"})
    condition = ma.fields.String(validate=ma.validate.OneOf(list(rules.CONDITIONS)), load_default="faulty")
    fault = Str(_L["fault"])
    accessory_class = ma.fields.String(validate=ma.validate.OneOf(list(rules.CLASSES)),
                                       metadata={"description": "Default: from the item code (rules.CODE_HINTS)"})
    sale_date = ma.fields.Date(metadata={"description": "The accessory's sale date: its warranty counts from it"})


class SwapIntakeIn(Schema):
    id = ma.fields.UUID(metadata={"description": "Made by the client (a resend is refused, never doubled)"})
    party_id = ma.fields.UUID(required=True, metadata={"description": "The distributor (or dealer)"})
    contact_name = Str(_L["contact_name"])
    contact_phone = Str(_L["contact_phone"])
    note = Str(_L["note"])
    lines = _lines(SwapIntakeLineIn)


class SwapSendLineIn(Schema):
    intake_line_id = ma.fields.UUID(required=True)
    quantity = _qty_in(metadata={"description": "Default: what of the intake line is not sent yet"})
    serials = _serials()
    note = Str(_L["fault"])


class SwapSendIn(Schema):
    manufacturer_id = ma.fields.UUID(required=True)
    carrier = Str(80)
    waybill = Str(80)
    note = Str(_L["note"])
    lines = _lines(SwapSendLineIn)


class SwapReceiveLineIn(Schema):
    send_line_id = ma.fields.UUID(required=True)
    item_id = ma.fields.UUID(metadata={"description": "What came back; another item than the one sent is a substitution"})
    quantity = _qty_in(0, metadata={"description": "Default: all still out on the line; 0: nothing came (a shortfall)"})
    serials = _serials()
    note = Str(_L["fault"])


class SwapReceiveIn(Schema):
    send_id = ma.fields.UUID(required=True)
    note = Str(_L["note"])
    lines = _lines(SwapReceiveLineIn)


class SwapReturnLineIn(Schema):
    intake_line_id = ma.fields.UUID(required=True)
    item_id = ma.fields.UUID(metadata={"description": "Default: the item taken in (a replacement or substitute otherwise)"})
    quantity = _qty_in(metadata={"description": "Default: what of the intake line is not returned yet"})
    serials = _serials()
    note = Str(_L["fault"])


class SwapReturnIn(Schema):
    id = ma.fields.UUID(metadata={"description": "Made by the client"})
    party_id = ma.fields.UUID(required=True)
    contact_name = Str(_L["contact_name"])
    note = Str(_L["note"])
    lines = _lines(SwapReturnLineIn)


class SwapDocumentArgs(PageArgs):
    q = Str(40, metadata={"description": "The whole number, or a serial on a line"})
    party_id = ma.fields.UUID()
    manufacturer_id = ma.fields.UUID()


class SwapHistoryArgs(PageArgs):
    party_id = ma.fields.UUID()
    item_id = ma.fields.UUID()
    serial = Str(40)
    out = ma.fields.Boolean(metadata={"description": "Only lines with units still out at the factory"})


class SwapLineOut(Schema):
    id = ma.fields.UUID()
    sort_order = ma.fields.Integer()
    item_id = ma.fields.UUID()
    item_code = ma.fields.String()
    item_name = ma.fields.String()
    quantity = Qty()
    serials = ma.fields.List(ma.fields.String())
    condition = ma.fields.String()
    fault = ma.fields.String()
    accessory_class = ma.fields.String()
    sale_date = ma.fields.Date(allow_none=True)
    verdict = ma.fields.String()
    intake_line_id = ma.fields.UUID(allow_none=True)
    intake_number = ma.fields.String(allow_none=True)
    send_line_id = ma.fields.UUID(allow_none=True)
    substitute = ma.fields.Boolean()
    shortfall = Qty()
    note = ma.fields.String()


class SwapDocumentOut(Schema):
    id = ma.fields.UUID()
    doc_type = ma.fields.String()
    number = ma.fields.String(allow_none=True)
    status = ma.fields.String()
    org_id = ma.fields.UUID()
    doc_date = ma.fields.Date()
    party_id = ma.fields.UUID(allow_none=True)
    party_name = ma.fields.String()
    manufacturer_id = ma.fields.UUID(allow_none=True)
    manufacturer_name = ma.fields.String()
    send_id = ma.fields.UUID(allow_none=True)
    send_number = ma.fields.String(allow_none=True)
    contact_name = ma.fields.String()
    contact_phone = ma.fields.String()
    carrier = ma.fields.String()
    waybill = ma.fields.String()
    note = ma.fields.String()
    quantity = Qty()
    shortfall = Qty()
    substitutions = ma.fields.Integer()
    created_at = ma.fields.DateTime()
    posted_at = ma.fields.DateTime(allow_none=True)
    created_by_id = ma.fields.UUID(allow_none=True)
    lines = ma.fields.List(ma.fields.Nested(SwapLineOut))


SwapDocumentPage = page_schema(SwapDocumentOut, "SwapDocumentPage")


class SwapReceivedItemOut(Schema):
    item_id = ma.fields.UUID()
    item_code = ma.fields.String()
    item_name = ma.fields.String()
    quantity = Qty()


class SwapHistoryRowOut(Schema):
    intake_line_id = ma.fields.UUID()
    intake_id = ma.fields.UUID()
    intake_number = ma.fields.String(allow_none=True)
    doc_date = ma.fields.Date()
    party_id = ma.fields.UUID()
    party_name = ma.fields.String()
    item_id = ma.fields.UUID()
    item_code = ma.fields.String()
    item_name = ma.fields.String()
    serials = ma.fields.List(ma.fields.String())
    quantity = Qty()
    condition = ma.fields.String()
    accessory_class = ma.fields.String()
    verdict = ma.fields.String()
    sent = Qty()
    received = Qty()
    at_factory = Qty()
    substitutions = ma.fields.Integer()
    returned = Qty()
    at_point = Qty()
    out_since = ma.fields.Date(allow_none=True)
    days_out = ma.fields.Integer(allow_none=True)
    received_items = ma.fields.List(ma.fields.Nested(SwapReceivedItemOut),
                                    metadata={"description": "What came back from the factory, per item (a substitute too)"})


SwapHistoryPage = page_schema(SwapHistoryRowOut, "SwapHistoryPage")
