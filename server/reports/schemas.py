"""The dashboard's query arguments and answer."""

from __future__ import annotations

import marshmallow as ma

from ..http import Schema
from ..repair.schemas import ComebackCountOut  # the same shape as the repair module's comeback counts

MAX_DAYS = 366


class DashboardArgs(Schema):
    org_id = ma.fields.UUID(metadata={"description": "One organisation (headquarters); a service point always sees its own"})
    since = ma.fields.Date(metadata={"description": "First day (business time zone); default: Monday 11 weeks before until"})
    until = ma.fields.Date(metadata={"description": "Last day (business time zone); default: today"})

    @ma.validates_schema
    def _range(self, data, **_kw):
        since, until = data.get("since"), data.get("until")
        if since and until:
            if since > until:
                raise ma.ValidationError("must not be after until", "since")
            if (until - since).days >= MAX_DAYS:
                raise ma.ValidationError(f"at most {MAX_DAYS} days", "since")


class StateCountOut(Schema):
    state = ma.fields.String()
    label = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String())
    count = ma.fields.Integer()


class TotalsOut(Schema):
    intake = ma.fields.Integer(metadata={"description": "Orders taken in during the period"})
    open = ma.fields.Integer(metadata={"description": "Orders not yet completed (any intake date)"})
    completed = ma.fields.Integer(metadata={"description": "Orders completed (picked up) during the period"})
    median_days = ma.fields.Float(allow_none=True, metadata={"description": "Median days from intake to completion"})
    comebacks = ma.fields.Integer(metadata={"description": "Devices back within the period after a repair"})
    repairs = ma.fields.Integer(metadata={"description": "Repairs picked up during the period (comeback rate base)"})
    comeback_rate = ma.fields.Float()


class WeekOut(Schema):
    week = ma.fields.Date(metadata={"description": "The Monday the week starts on"})
    intake = ma.fields.Integer()
    completed = ma.fields.Integer()
    median_days = ma.fields.Float(allow_none=True)
    comebacks = ma.fields.Integer()


class OrgOut(Schema):
    org_id = ma.fields.UUID()
    code = ma.fields.String()
    name = ma.fields.String()
    intake = ma.fields.Integer()
    completed = ma.fields.Integer()
    median_days = ma.fields.Float(allow_none=True)
    comebacks = ma.fields.Integer()


class DashboardOut(Schema):
    org_id = ma.fields.UUID(allow_none=True)
    since = ma.fields.Date()
    until = ma.fields.Date()
    timezone = ma.fields.String()
    totals = ma.fields.Nested(TotalsOut)
    by_state = ma.fields.List(ma.fields.Nested(StateCountOut), metadata={"description": "Orders taken in during the period, by their state now"})
    open_by_state = ma.fields.List(ma.fields.Nested(StateCountOut), metadata={"description": "Every open order, by state"})
    weeks = ma.fields.List(ma.fields.Nested(WeekOut))
    by_org = ma.fields.List(ma.fields.Nested(OrgOut))
    comebacks_by_engineer = ma.fields.List(ma.fields.Nested(ComebackCountOut))
