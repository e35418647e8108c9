"""Marshmallow schemas of the claims API (unknown fields refused, every string bounded)."""

from __future__ import annotations

import marshmallow as ma
from flask_smorest.fields import Upload

from ..http import ExactDecimal, PageArgs, Schema, Str, page_schema

MONEY = dict(places=2, as_string=True, allow_nan=False, validate=ma.validate.Range(min=0, max=100_000_000))


class ClaimBuildIn(Schema):
    manufacturer_id = ma.fields.UUID(required=True)
    org_id = ma.fields.UUID(metadata={"description": "Whose books (headquarters may name a point); default: own"})
    period_from = ma.fields.Date(required=True, metadata={"description": "Repairs settled from this date"})
    period_to = ma.fields.Date(required=True)
    note = Str(500)
    # The workspace's form sends its (empty) line table: a claim's lines are built, never entered.
    lines = ma.fields.List(ma.fields.Dict(), validate=ma.validate.Length(max=0))


class ClaimArgs(PageArgs):
    org_id = ma.fields.UUID()
    manufacturer_id = ma.fields.UUID()
    stage = ma.fields.String(validate=ma.validate.OneOf(["draft", "submitted", "answered", "settled"]))
    q = Str(40)


class ClaimLineAddIn(Schema):
    order_id = ma.fields.UUID(required=True)


class AnswerIn(Schema):
    line_id = ma.fields.UUID(required=True)
    result = ma.fields.String(required=True, validate=ma.validate.OneOf(["accepted", "cut", "rejected"]))
    accepted_amount = ExactDecimal(allow_none=True, **MONEY)
    reason = Str(300)


class AnswersIn(Schema):
    answers = ma.fields.List(ma.fields.Nested(AnswerIn), required=True, validate=ma.validate.Length(min=1, max=20_000))


class SettleIn(Schema):
    receipt_id = ma.fields.UUID(allow_none=True, metadata={"description": "The manufacturer's posted receipt (收款单)"})
    note = Str(300)


class AnswerFile(Schema):
    file = Upload(required=True)


class LayoutColumn(Schema):
    field = Str(40, required=True)
    title = Str(40)


class LayoutIn(Schema):
    columns = ma.fields.List(ma.fields.Nested(LayoutColumn), required=True, validate=ma.validate.Length(min=1, max=40))


class LayoutOut(Schema):
    manufacturer_id = ma.fields.UUID()
    columns = ma.fields.List(ma.fields.Nested(LayoutColumn))
    fields = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String())


class ClaimLineOut(Schema):
    id = ma.fields.UUID()
    sort_order = ma.fields.Integer()
    source_kind = ma.fields.String()
    order_id = ma.fields.UUID()
    settlement_id = ma.fields.UUID()
    order_number = ma.fields.String()
    imei = ma.fields.String()
    model_name = ma.fields.String()
    fault = ma.fields.String()
    methods = ma.fields.String()
    level_name = ma.fields.String()
    taken_in = ma.fields.Date()
    completed = ma.fields.Date()
    labour_fee = ma.fields.Decimal(as_string=True)
    parts_amount = ma.fields.Decimal(as_string=True)
    amount = ma.fields.Decimal(as_string=True)
    booked = ma.fields.Decimal(as_string=True)
    live = ma.fields.Boolean()
    result = ma.fields.String(allow_none=True)
    accepted_amount = ma.fields.Decimal(as_string=True, allow_none=True)
    reason = ma.fields.String()
    answered_at = ma.fields.DateTime(allow_none=True)
    note = ma.fields.String()


class ClaimOut(Schema):
    id = ma.fields.UUID()
    org_id = ma.fields.UUID()
    org_name = ma.fields.String()
    number = ma.fields.String(allow_none=True)
    status = ma.fields.String(metadata={"description": "The claim's stage (the state its actions name)"})
    lifecycle_status = ma.fields.String(metadata={"description": "The ledger lifecycle: draft, posted at submission"})
    stage = ma.fields.String()
    stage_label = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String())
    doc_date = ma.fields.Date()
    manufacturer_id = ma.fields.UUID()
    manufacturer_name = ma.fields.String()
    period_from = ma.fields.Date()
    period_to = ma.fields.Date()
    line_count = ma.fields.Integer()
    claimed_total = ma.fields.Decimal(as_string=True)
    accepted_total = ma.fields.Decimal(as_string=True)
    note = ma.fields.String()
    created_at = ma.fields.DateTime()
    submitted_at = ma.fields.DateTime(allow_none=True)
    answered_at = ma.fields.DateTime(allow_none=True)
    settled_at = ma.fields.DateTime(allow_none=True)
    receipt_id = ma.fields.UUID(allow_none=True)
    settle_note = ma.fields.String()
    actions = ma.fields.List(ma.fields.String())
    lines = ma.fields.List(ma.fields.Nested(ClaimLineOut))


ClaimPage = page_schema(ClaimOut, "ClaimPage")
