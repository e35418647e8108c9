"""The query spec of a custom report (JSON, marshmallow) and its check against the registry.

The shape is checked by the schema; what it names is checked by ``check_spec`` against the
source's declared fields: an undeclared field, a grouping on a field that does not group, a sum
of text, an operator the field's type does not take, a filter value of the wrong type. Each is a
422 naming the place in the spec (``filters.0.value``), before any SQL is built.
"""

from __future__ import annotations

import datetime as dt
import decimal
from typing import Any

import marshmallow as ma

from ...http import ExactDecimal, Schema, Str
from .registry import MEASURABLE, ORDERED, Field, Source, sources

OPS = ("eq", "ne", "in", "lt", "le", "gt", "ge", "between", "contains", "is_null")
FNS = ("count", "sum", "avg", "min", "max")
PERIODS = ("day", "week", "month", "year")
MAX_IN = 200
MAX_LIMIT = 5000

_OPS_BY_TYPE = {
    "text": {"eq", "ne", "in", "contains", "is_null"},
    "choice": {"eq", "ne", "in", "is_null"},
    "bool": {"eq", "ne", "is_null"},
    "reference": {"eq", "ne", "in", "contains", "is_null"},
    **{t: {"eq", "ne", "in", "lt", "le", "gt", "ge", "between", "is_null"} for t in ORDERED},
}


class FilterIn(Schema):
    field = Str(40, required=True)
    op = ma.fields.String(required=True, validate=ma.validate.OneOf(OPS))
    value = ma.fields.Raw(allow_none=True, metadata={
        "description": "Of the field's type: a list for `in` (at most 200) and `between` (two), a boolean for "
                       "`is_null`, text for `contains`, an id for a reference (`eq`, `ne`, `in`)"})


class GroupingIn(Schema):
    field = Str(40, required=True)
    by = ma.fields.String(allow_none=True, validate=ma.validate.OneOf(PERIODS),
                          metadata={"description": "A date field's period (default: day)"})


class MeasureIn(Schema):
    fn = ma.fields.String(required=True, validate=ma.validate.OneOf(FNS))
    field = Str(40, metadata={"description": "The number or money field (count: optional, counts its values)"})


class SortIn(Schema):
    key = Str(60, required=True, metadata={"description": "A field, or in a grouped report a measure's key"})
    desc = ma.fields.Boolean(load_default=False)


class DateRangeIn(Schema):
    field = Str(40, metadata={"description": "A date or datetime field (default: the source's date)"})
    since = ma.fields.Date()
    until = ma.fields.Date()


class ReportSpec(Schema):
    source = Str(40, required=True)
    fields = ma.fields.List(Str(40), load_default=list, validate=ma.validate.Length(max=30),
                            metadata={"description": "Detail columns (one row per record); none: grouped rows only"})
    filters = ma.fields.List(ma.fields.Nested(FilterIn), load_default=list, validate=ma.validate.Length(max=30))
    groupings = ma.fields.List(ma.fields.Nested(GroupingIn), load_default=list, validate=ma.validate.Length(max=5))
    measures = ma.fields.List(ma.fields.Nested(MeasureIn), load_default=list, validate=ma.validate.Length(max=20),
                              metadata={"description": "Default: a count"})
    sort = ma.fields.List(ma.fields.Nested(SortIn), load_default=list, validate=ma.validate.Length(max=5))
    date_range = ma.fields.Nested(DateRangeIn)
    pivot = ma.fields.Boolean(load_default=False, metadata={"description": "First grouping as rows, second as columns"})
    limit = ma.fields.Integer(load_default=1000, validate=ma.validate.Range(min=1, max=MAX_LIMIT),
                              metadata={"description": "Rows answered (detail rows, or grouped rows); the export has all"})

    @ma.validates_schema
    def _against_registry(self, data, **_kw):
        errors = check_spec(data)
        if errors:
            raise ma.ValidationError(errors)


def measure_key(m: dict) -> str:
    return m["fn"] if not m.get("field") else f"{m['fn']}_{m['field']}"


def check_spec(data: dict) -> dict[str, list[str]]:
    """Problems of a spec, by the place they are at; fills in defaults and typed filter values."""
    errors: dict[str, list[str]] = {}
    src = sources().get(data["source"])
    if src is None:
        return {"source": ["no such report source"]}

    def known(f: str, where: str) -> Field | None:
        fld = src.by_key.get(f)
        if fld is None:
            errors[where] = ["not a field of this source"]
        return fld

    for i, f in enumerate(data["fields"]):
        known(f, f"fields.{i}")
    if len(set(data["fields"])) != len(data["fields"]):
        errors.setdefault("fields", ["a field is given twice"])

    seen: set[str] = set()
    for i, g in enumerate(data["groupings"]):
        fld = known(g["field"], f"groupings.{i}.field")
        if fld is None:
            continue
        if not fld.groupable:
            errors[f"groupings.{i}.field"] = ["this field does not group"]
        if g["field"] in seen:
            errors[f"groupings.{i}.field"] = ["grouped twice"]
        seen.add(g["field"])
        if fld.type in ("date", "datetime"):
            g["by"] = g.get("by") or "day"
        elif g.get("by"):
            errors[f"groupings.{i}.by"] = ["only a date groups by a period"]

    if not data["measures"]:
        data["measures"] = [{"fn": "count"}]
    keys: set[str] = set()
    for i, m in enumerate(data["measures"]):
        if m.get("field"):
            fld = known(m["field"], f"measures.{i}.field")
            if fld is not None and m["fn"] != "count" and fld.type not in MEASURABLE:
                errors[f"measures.{i}.field"] = ["sum, avg, min and max need a number or money field"]
        elif m["fn"] != "count":
            errors[f"measures.{i}.field"] = ["required for this measure"]
        if measure_key(m) in keys:
            errors[f"measures.{i}"] = ["given twice"]
        keys.add(measure_key(m))

    for i, s in enumerate(data["sort"]):
        if data["fields"]:
            if s["key"] not in src.by_key:
                errors[f"sort.{i}.key"] = ["not a field of this source"]
        elif s["key"] not in seen and s["key"] not in keys:
            errors[f"sort.{i}.key"] = ["not a grouping or measure of this report"]

    for i, flt in enumerate(data["filters"]):
        fld = known(flt["field"], f"filters.{i}.field")
        if fld is not None:
            _check_filter(fld, flt, f"filters.{i}", errors)

    dr = data.get("date_range")
    if dr:
        dr.setdefault("field", src.date_field)
        fld = known(dr["field"], "date_range.field")
        if fld is not None and fld.type not in ("date", "datetime"):
            errors["date_range.field"] = ["not a date field"]
        for end in ("since", "until"):
            if dr.get(end) and not plausible(dr[end]):
                errors[f"date_range.{end}"] = ["a date between 1900 and 9998"]
        if dr.get("since") and dr.get("until") and dr["since"] > dr["until"]:
            errors["date_range.since"] = ["must not be after until"]

    if data["pivot"] and (len(data["groupings"]) != 2 or data["fields"]):
        errors["pivot"] = ["a pivot takes exactly two groupings and no fields"]
    return errors


def _value_field(fld: Field, op: str) -> ma.fields.Field:
    """The marshmallow field one filter value of ``fld`` loads with."""
    if fld.type == "reference":
        return Str(200) if op == "contains" else ma.fields.UUID()
    if fld.type == "text":
        return Str(200)
    if fld.type in ("number", "money"):
        places = fld.places
        bound = decimal.Decimal(10) ** (getattr(fld.column.type, "precision", 12) - (places or 0)) \
            if places else decimal.Decimal(2**31)
        return ExactDecimal(places=places, allow_nan=False, validate=ma.validate.Range(min=-bound, max=bound,
                                                                                         min_inclusive=False,
                                                                                         max_inclusive=False))
    if fld.type == "date":
        return ma.fields.Date()
    if fld.type == "datetime":
        return ma.fields.DateTime()
    if fld.type == "bool":
        return ma.fields.Boolean(truthy={True}, falsy={False})
    return ma.fields.Raw(validate=ma.validate.OneOf(list(fld.choices or {})))


def _check_filter(fld: Field, flt: dict, where: str, errors: dict) -> None:
    op, value = flt["op"], flt.get("value")
    if op not in _OPS_BY_TYPE[fld.type]:
        errors[f"{where}.op"] = ["this operator does not apply to the field's type"]
        return
    if op == "is_null":
        if not isinstance(value, bool):
            errors[f"{where}.value"] = ["true or false"]
        return
    loader = _value_field(fld, op)

    def load(v: Any, at: str) -> Any:
        if v is None or isinstance(v, (list, dict)):
            errors[at] = ["a single value of the field's type"]
            return None
        try:
            loaded = loader.deserialize(v)
        except ma.ValidationError as exc:
            errors[at] = list(exc.messages) if isinstance(exc.messages, list) else [str(exc.messages)]
            return None
        if isinstance(loaded, dt.date) and not plausible(loaded):
            errors[at] = ["a date between 1900 and 9998"]
        return loaded

    if op in ("in", "between"):
        n = 2 if op == "between" else None
        if not isinstance(value, list) or not value or (n and len(value) != n) or len(value) > MAX_IN:
            errors[f"{where}.value"] = ["two values" if n else "a list of 1 to 200 values"]
            return
        flt["value"] = [load(v, f"{where}.value.{j}") for j, v in enumerate(value)]
    else:
        flt["value"] = load(value, f"{where}.value")


def plausible(day: dt.date) -> bool:
    """Within the years a time zone can shift and a day be added to (year 1 or 9999 would overflow)."""
    return 1900 <= day.year <= 9998


def the_source(data: dict) -> Source:
    return sources()[data["source"]]
