"""The custom reports' API shapes: the sources with their fields, a report's answer, saved reports."""

from __future__ import annotations

import copy

import marshmallow as ma

from ...http import Schema, Str
from .spec import FNS, OPS, PERIODS, ReportSpec


class FieldOut(Schema):
    key = ma.fields.String()
    label = ma.fields.String(metadata={"description": "In the reader's language (Accept-Language)"})
    type = ma.fields.String(metadata={"description": "text, number, money, date, datetime, choice, reference, bool"})
    groupable = ma.fields.Boolean()
    measurable = ma.fields.Boolean()
    operators = ma.fields.List(ma.fields.String())
    choices = ma.fields.List(ma.fields.Dict(), allow_none=True, metadata={"description": "[{value, label}]"})
    lookup = ma.fields.String(allow_none=True, metadata={"description": "A reference's table (its records' ids filter)"})


class SourceOut(Schema):
    key = ma.fields.String()
    label = ma.fields.String()
    date_field = ma.fields.String()
    fields = ma.fields.List(ma.fields.Nested(FieldOut))


class SourcesOut(Schema):
    sources = ma.fields.List(ma.fields.Nested(SourceOut))
    operators = ma.fields.List(ma.fields.String(), dump_default=list(OPS))
    functions = ma.fields.List(ma.fields.String(), dump_default=list(FNS))
    periods = ma.fields.List(ma.fields.String(), dump_default=list(PERIODS))


class ColumnOut(Schema):
    key = ma.fields.String()
    role = ma.fields.String(metadata={"description": "group, field or measure"})
    label = ma.fields.String()
    type = ma.fields.String()
    by = ma.fields.String(allow_none=True)
    fn = ma.fields.String(allow_none=True)


class RowOut(Schema):
    type = ma.fields.String(metadata={"description": "detail, group, subtotal or total"})
    level = ma.fields.Integer(metadata={"description": "How many group keys the row carries"})
    label = ma.fields.String(allow_none=True, metadata={"description": "小计 / 合计 on subtotal and total rows"})
    cells = ma.fields.List(ma.fields.Raw(allow_none=True), metadata={
        "description": "One per column: money and numbers as decimal strings, counts as integers, dates ISO"})


class PivotOut(Schema):
    row_field = ma.fields.String()
    column_field = ma.fields.String()
    columns = ma.fields.List(ma.fields.Raw(allow_none=True))
    rows = ma.fields.List(ma.fields.Dict())
    totals = ma.fields.List(ma.fields.Raw(allow_none=True))
    total = ma.fields.List(ma.fields.Raw(allow_none=True))


class ReportOut(Schema):
    source = ma.fields.String()
    columns = ma.fields.List(ma.fields.Nested(ColumnOut))
    rows = ma.fields.List(ma.fields.Nested(RowOut))
    truncated = ma.fields.Boolean(metadata={"description": "More rows than the limit: the export has them all"})
    groups = ma.fields.Integer(metadata={"description": "How many innermost groups the report has"})
    pivot = ma.fields.Nested(PivotOut, allow_none=True)


class SavedIn(Schema):
    name = Str(120, required=True, min_len=1)
    spec = ma.fields.Dict(required=True, metadata={"description": "A report spec, as POST /run takes it"})
    shared_org_id = ma.fields.UUID(allow_none=True, load_default=None,
                                   metadata={"description": "Everyone of this organisation opens it (a point: its own)"})
    shared_role = Str(24, allow_none=True, load_default=None,
                      metadata={"description": "The holders of this role open it (in the owner's organisation; "
                                               "everywhere when headquarters saved it)"})

    @ma.validates("spec")
    def _spec(self, value, **_kw):
        check_saved_spec(value)


class SavedChangeIn(Schema):
    """What changes (absent: stays)."""

    name = Str(120, min_len=1)
    spec = ma.fields.Dict()
    shared_org_id = ma.fields.UUID(allow_none=True)
    shared_role = Str(24, allow_none=True)

    @ma.validates("spec")
    def _spec(self, value, **_kw):
        check_saved_spec(value)


def check_saved_spec(value: dict) -> None:
    """A saved spec is checked as a run would check it (kept as given: ids and dates as text)."""
    try:
        ReportSpec().load(copy.deepcopy(value))
    except ma.ValidationError as exc:
        raise ma.ValidationError(exc.messages) from None


class SavedOut(Schema):
    id = ma.fields.UUID()
    name = ma.fields.String()
    spec = ma.fields.Dict()
    owner_id = ma.fields.UUID()
    org_id = ma.fields.UUID()
    shared_org_id = ma.fields.UUID(allow_none=True)
    shared_role = ma.fields.String(allow_none=True)
    mine = ma.fields.Boolean()
    created_at = ma.fields.DateTime()
    updated_at = ma.fields.DateTime()


class SavedArgs(Schema):
    source = Str(40)


class SavedList(Schema):
    items = ma.fields.List(ma.fields.Nested(SavedOut))
