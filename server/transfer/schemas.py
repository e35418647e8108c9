"""Marshmallow schemas of the transfer API (unknown fields refused, every string bounded)."""

from __future__ import annotations

import marshmallow as ma

from ..http import ExactDecimal, PageArgs, Schema, Str, page_schema
from . import machine
from .operations import DAMAGE_TO, LOSS_RULES

QTY = dict(places=3, as_string=True, allow_nan=False, validate=ma.validate.Range(min=0, max=1_000_000))
PRICE = dict(places=2, as_string=True, allow_nan=False, validate=ma.validate.Range(min=0, max=100_000_000))
MAX_LINES = 2000


def _serials(**kw) -> ma.fields.List:
    return ma.fields.List(Str(40, min_len=1), validate=ma.validate.Length(max=100_000), **kw)


def _lines(schema, required=False) -> ma.fields.List:
    return ma.fields.List(ma.fields.Nested(schema), required=required, validate=ma.validate.Length(max=MAX_LINES))


# -- requests ----------------------------------------------------------------------

class TransferRequestLineIn(Schema):
    item_id = ma.fields.UUID(required=True)
    quantity = ExactDecimal(required=True, **QTY)
    note = Str(200)


class TransferRequestIn(Schema):
    warehouse_id = ma.fields.UUID(required=True, metadata={"description": "The point's good warehouse the goods go to"})
    doc_date = ma.fields.Date()
    note = Str(2000)
    lines = _lines(TransferRequestLineIn)
    shortage_ids = ma.fields.List(ma.fields.UUID(), validate=ma.validate.Length(max=MAX_LINES),
                                  metadata={"description": "Waiting shortages (缺料单) of the point picked into the request"})


class TransferRequestEditIn(TransferRequestIn):
    warehouse_id = ma.fields.UUID()


class TransferApproveLineIn(Schema):
    line_id = ma.fields.UUID(required=True)
    quantity = ExactDecimal(required=True, **QTY)
    serials = _serials()
    transfer_price = ExactDecimal(allow_none=True, **PRICE)


class TransferApproveIn(Schema):
    from_warehouse_id = ma.fields.UUID(required=True, metadata={"description": "Headquarters' warehouse the goods leave"})
    lines = _lines(TransferApproveLineIn, required=False)
    settle = ma.fields.Boolean(load_default=False, metadata={"description": "Settle internally at the transfer price"})
    carrier = Str(80)
    waybill = Str(80)
    courier_party_id = ma.fields.UUID(allow_none=True)
    issue = ma.fields.Boolean(load_default=False, metadata={"description": "Issue the transfer order at once"})
    doc_date = ma.fields.Date()
    note = Str(300)


class TransferReasonIn(Schema):
    reason = Str(300, required=True)


class TransferRequestLineOut(Schema):
    id = ma.fields.UUID()
    item_id = ma.fields.UUID()
    item_code = ma.fields.String()
    item_name = ma.fields.String()
    serialized = ma.fields.Boolean()
    quantity = ma.fields.Decimal(as_string=True)
    approved_quantity = ma.fields.Decimal(as_string=True, allow_none=True)
    shortage_id = ma.fields.UUID(allow_none=True)
    note = ma.fields.String()


class TransferRequestOut(Schema):
    id = ma.fields.UUID()
    number = ma.fields.String(allow_none=True)
    state = ma.fields.String(metadata={"enum": list(machine.REQUEST_STATES)})
    status = ma.fields.String(metadata={"description": "The state, under the name the workspace reads"})
    doc_date = ma.fields.Date()
    org_id = ma.fields.UUID()
    org_name = ma.fields.String()
    shared_org_id = ma.fields.UUID()
    warehouse_id = ma.fields.UUID()
    warehouse_name = ma.fields.String()
    note = ma.fields.String()
    decision_note = ma.fields.String()
    created_at = ma.fields.DateTime()
    submitted_at = ma.fields.DateTime(allow_none=True)
    decided_at = ma.fields.DateTime(allow_none=True)
    quantity = ma.fields.Decimal(as_string=True)
    order_id = ma.fields.UUID(allow_none=True)
    order_number = ma.fields.String(allow_none=True)
    actions = ma.fields.List(ma.fields.String())
    lines = ma.fields.List(ma.fields.Nested(TransferRequestLineOut))


class TransferRequestArgs(PageArgs):
    status = ma.fields.String(validate=ma.validate.OneOf(list(machine.REQUEST_STATES)))
    org_id = ma.fields.UUID()
    q = Str(60, metadata={"description": "Number"})


TransferRequestPage = page_schema(TransferRequestOut, "TransferRequestPage")


# -- orders --------------------------------------------------------------------------

class TransferOrderLineIn(Schema):
    item_id = ma.fields.UUID(required=True)
    quantity = ExactDecimal(required=True, **QTY)
    serials = _serials()
    transfer_price = ExactDecimal(allow_none=True, **PRICE)
    note = Str(200)


class TransferOrderIn(Schema):
    from_warehouse_id = ma.fields.UUID(required=True)
    to_warehouse_id = ma.fields.UUID(required=True, metadata={"description": "The receiving organisation's warehouse"})
    doc_date = ma.fields.Date()
    settle = ma.fields.Boolean(load_default=False)
    carrier = Str(80)
    waybill = Str(80)
    courier_party_id = ma.fields.UUID(allow_none=True)
    note = Str(2000)
    lines = _lines(TransferOrderLineIn, required=True)


class TransferOrderEditIn(TransferOrderIn):
    from_warehouse_id = ma.fields.UUID()
    to_warehouse_id = ma.fields.UUID()
    lines = _lines(TransferOrderLineIn)


class TransferReceiveLineIn(Schema):
    line_id = ma.fields.UUID(required=True, metadata={"description": "The transfer order's line"})
    received = ExactDecimal(required=True, metadata={"description": "Arrived in good condition"}, **QTY)
    damaged = ExactDecimal(**QTY)
    surplus = ExactDecimal(metadata={"description": "Declared when more arrived than was sent"}, **QTY)
    serials = _serials(metadata={"description": "Serials received good"})
    damaged_serials = _serials()
    loss_rule = ma.fields.String(validate=ma.validate.OneOf(LOSS_RULES),
                                 metadata={"description": "Who bears a shortfall or damage: the sender, or the courier (a claim)"})
    damage_to = ma.fields.String(validate=ma.validate.OneOf(DAMAGE_TO),
                                 metadata={"description": "Damaged goods to the receiver's defective stock, or back to the sender's"})
    note = Str(200)


class TransferReceiveIn(Schema):
    warehouse_id = ma.fields.UUID(metadata={"description": "Default: the order's receiving warehouse"})
    defective_warehouse_id = ma.fields.UUID(allow_none=True)
    courier_party_id = ma.fields.UUID(allow_none=True)
    doc_date = ma.fields.Date()
    note = Str(2000)
    lines = _lines(TransferReceiveLineIn, required=False)


class TransferOrderLineOut(Schema):
    id = ma.fields.UUID()
    item_id = ma.fields.UUID()
    item_code = ma.fields.String()
    item_name = ma.fields.String()
    serialized = ma.fields.Boolean()
    quantity = ma.fields.Decimal(as_string=True)
    serials = ma.fields.List(ma.fields.String())
    transfer_price = ma.fields.Decimal(as_string=True, allow_none=True)
    value = ma.fields.Decimal(as_string=True, allow_none=True)
    received = ma.fields.Decimal(as_string=True, allow_none=True)
    damaged = ma.fields.Decimal(as_string=True, allow_none=True)
    shortfall = ma.fields.Decimal(as_string=True, allow_none=True)
    surplus = ma.fields.Decimal(as_string=True, allow_none=True)
    note = ma.fields.String()


class TransferOrderOut(Schema):
    id = ma.fields.UUID()
    number = ma.fields.String(allow_none=True)
    status = ma.fields.String()
    stage = ma.fields.String(metadata={"enum": list(machine.ORDER_STAGES)})
    doc_date = ma.fields.Date()
    org_id = ma.fields.UUID()
    from_org_name = ma.fields.String()
    from_warehouse_id = ma.fields.UUID()
    from_warehouse_name = ma.fields.String()
    to_org_id = ma.fields.UUID()
    to_org_name = ma.fields.String()
    to_warehouse_id = ma.fields.UUID()
    to_warehouse_name = ma.fields.String()
    settle = ma.fields.Boolean()
    carrier = ma.fields.String()
    waybill = ma.fields.String()
    courier_party_id = ma.fields.UUID(allow_none=True)
    note = ma.fields.String()
    posted_at = ma.fields.DateTime(allow_none=True)
    received_at = ma.fields.DateTime(allow_none=True)
    quantity = ma.fields.Decimal(as_string=True)
    value = ma.fields.Decimal(as_string=True)
    request_id = ma.fields.UUID(allow_none=True)
    request_number = ma.fields.String(allow_none=True)
    receipt_id = ma.fields.UUID(allow_none=True)
    receipt_number = ma.fields.String(allow_none=True)
    reverses_id = ma.fields.UUID(allow_none=True)
    reversal_id = ma.fields.UUID(allow_none=True)
    actions = ma.fields.List(ma.fields.String())
    lines = ma.fields.List(ma.fields.Nested(TransferOrderLineOut))


class TransferOrderArgs(PageArgs):
    stage = ma.fields.String(validate=ma.validate.OneOf(list(machine.ORDER_STAGES)))
    to_org_id = ma.fields.UUID()
    q = Str(60, metadata={"description": "Number or waybill"})


TransferOrderPage = page_schema(TransferOrderOut, "TransferOrderPage")


class TransferReceiptLineOut(Schema):
    id = ma.fields.UUID()
    order_line_id = ma.fields.UUID()
    item_id = ma.fields.UUID()
    item_code = ma.fields.String()
    item_name = ma.fields.String()
    sent = ma.fields.Decimal(as_string=True)
    received = ma.fields.Decimal(as_string=True)
    damaged = ma.fields.Decimal(as_string=True)
    shortfall = ma.fields.Decimal(as_string=True)
    surplus = ma.fields.Decimal(as_string=True)
    serials = ma.fields.List(ma.fields.String())
    damaged_serials = ma.fields.List(ma.fields.String())
    surplus_serials = ma.fields.List(ma.fields.String())
    loss_rule = ma.fields.String()
    damage_to = ma.fields.String()
    received_value = ma.fields.Decimal(as_string=True)
    damaged_value = ma.fields.Decimal(as_string=True)
    shortfall_value = ma.fields.Decimal(as_string=True)
    surplus_value = ma.fields.Decimal(as_string=True)
    claim_amount = ma.fields.Decimal(as_string=True)
    settled_amount = ma.fields.Decimal(as_string=True)
    note = ma.fields.String()


class TransferReceiptOut(Schema):
    id = ma.fields.UUID()
    number = ma.fields.String(allow_none=True)
    status = ma.fields.String()
    doc_date = ma.fields.Date()
    org_id = ma.fields.UUID()
    org_name = ma.fields.String()
    order_id = ma.fields.UUID()
    order_number = ma.fields.String(allow_none=True)
    from_org_name = ma.fields.String()
    warehouse_id = ma.fields.UUID()
    defective_warehouse_id = ma.fields.UUID(allow_none=True)
    note = ma.fields.String()
    posted_at = ma.fields.DateTime(allow_none=True)
    differences = ma.fields.Integer(metadata={"description": "Lines with a shortfall, surplus or damage"})
    lines = ma.fields.List(ma.fields.Nested(TransferReceiptLineOut))


class TransferReceiptArgs(PageArgs):
    q = Str(60)


TransferReceiptPage = page_schema(TransferReceiptOut, "TransferReceiptPage")


class TransferInTransitOut(Schema):
    order_id = ma.fields.UUID()
    number = ma.fields.String()
    doc_date = ma.fields.Date()
    days = ma.fields.Integer(metadata={"description": "Days in transit (since the order's date)"})
    from_org_name = ma.fields.String()
    to_org_id = ma.fields.UUID()
    to_org_name = ma.fields.String()
    waybill = ma.fields.String()
    carrier = ma.fields.String()
    quantity = ma.fields.Decimal(as_string=True)
    value = ma.fields.Decimal(as_string=True)


class TransferInTransitArgs(Schema):
    min_days = ma.fields.Integer(validate=ma.validate.Range(min=0, max=100_000))


class TransferInTransitList(Schema):
    items = ma.fields.List(ma.fields.Nested(TransferInTransitOut))
    total_quantity = ma.fields.Decimal(as_string=True)
    total_value = ma.fields.Decimal(as_string=True)
