"""Shapes of /api/commissions (issue 19 §8)."""

from __future__ import annotations

import marshmallow as ma

from ..http import Schema

MONTH = r"^\d{4}-(0[1-9]|1[0-2])$"


def Money(**kw) -> ma.fields.Decimal:  # noqa: N802 - a field factory
    return ma.fields.Decimal(places=2, as_string=True, **kw)


class CommissionStatementArgs(Schema):
    engineer_id = ma.fields.UUID(required=True)
    month = ma.fields.String(required=True, validate=ma.validate.Regexp(MONTH, error="a month as YYYY-MM"),
                             metadata={"description": "YYYY-MM"})


class CommissionStatementPrintArgs(CommissionStatementArgs):
    format = ma.fields.String(load_default="pdf", validate=ma.validate.OneOf(("pdf", "html")))
    lang = ma.fields.String(load_default="zh", validate=ma.validate.OneOf(("zh", "en")))


class CommissionSummaryArgs(Schema):
    month = ma.fields.String(required=True, validate=ma.validate.Regexp(MONTH, error="a month as YYYY-MM"))
    org_id = ma.fields.UUID()


class CommissionStatementLineOut(Schema):
    earned_on = ma.fields.Date()
    order_id = ma.fields.UUID()
    order_number = ma.fields.String()
    source_type = ma.fields.String(metadata={"description": "repair_settlement (earned) or repair_refund (taken back)"})
    source_number = ma.fields.String()
    line_kind = ma.fields.String(metadata={"description": "part, labour or refund"})
    item_name = ma.fields.String()
    rule_code = ma.fields.String()
    rule_name = ma.fields.String()
    scope = ma.fields.String(metadata={"description": "item, category or grade: which rule decided the line"})
    base = Money()
    rate_percent = Money()
    fixed_amount = Money()
    amount = Money()


class CommissionStatementOut(Schema):
    engineer_id = ma.fields.UUID()
    engineer_code = ma.fields.String()
    engineer_name = ma.fields.String()
    grade = ma.fields.Integer()
    org_id = ma.fields.UUID()
    month = ma.fields.String()
    date_from = ma.fields.Date()
    date_to = ma.fields.Date()
    jobs = ma.fields.Integer()
    earned = Money()
    reversed = Money()
    total = Money()
    lines = ma.fields.List(ma.fields.Nested(CommissionStatementLineOut))


class CommissionSummaryRowOut(Schema):
    engineer_id = ma.fields.UUID()
    engineer_code = ma.fields.String()
    engineer_name = ma.fields.String()
    grade = ma.fields.Integer()
    org_id = ma.fields.UUID()
    earned = Money()
    reversed = Money()
    total = Money()


class CommissionSummaryOut(Schema):
    month = ma.fields.String()
    rows = ma.fields.List(ma.fields.Nested(CommissionSummaryRowOut))
