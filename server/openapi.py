"""What the OpenAPI document says beyond what flask-smorest/apispec derive by themselves.

Decimals (money, quantities, costs) travel as strings ("1234.50") both ways, so they are
documented as ``type: string, format: decimal`` with a pattern of what is served and
accepted, not as numbers. Their bounds are written as JSON numbers in ``x-minimum`` /
``x-maximum`` (``minimum``/``maximum`` apply to numbers only; apispec wrote the Decimal
bounds as strings, which is invalid and stopped generators).

An email field that takes "" for none does not claim "" as its documented default (a default
must match the schema's own format).
"""

from __future__ import annotations

import decimal

import marshmallow as ma


def _number(value: decimal.Decimal | int | float) -> int | float:
    value = decimal.Decimal(str(value))
    return int(value) if value == value.to_integral_value() else float(value)


def decimal_pattern(field: ma.fields.Decimal) -> str:
    """Digits, a point and at most ``places`` digits; no sign when the bounds forbid negatives;
    no more integer digits than the largest bound has."""
    ranges = [v for v in field.validators if isinstance(v, ma.validate.Range)]
    lows = [v.min for v in ranges if v.min is not None]
    highs = [v.max for v in ranges if v.max is not None]
    sign = "" if lows and max(lows) >= 0 else "-?"
    if highs and lows:
        widest = max(abs(decimal.Decimal(str(b))) for b in [*highs, *lows])
        whole = f"[0-9]{{1,{len(str(int(widest)))}}}"
    else:
        whole = "[0-9]+"
    if field.places is not None:
        places = -field.places.as_tuple().exponent
        fraction = f"(\\.[0-9]{{1,{places}}})?" if places > 0 else ""
    else:
        fraction = "(\\.[0-9]+)?"
    return f"^{sign}{whole}{fraction}$"


def decimal2properties(self, field: ma.fields.Field, ret: dict, **_kw) -> dict:
    """apispec attribute function (bound to its converter): a Decimal field as a decimal string."""
    if not isinstance(field, ma.fields.Decimal):
        return {}
    out: dict = {"type": "string", "format": "decimal", "pattern": decimal_pattern(field)}
    for validator in field.validators:
        if not isinstance(validator, ma.validate.Range):
            continue
        if validator.min is not None:
            out["x-minimum"] = _number(validator.min)
            if not validator.min_inclusive:
                out["x-exclusiveMinimum"] = True
        if validator.max is not None:
            out["x-maximum"] = _number(validator.max)
            if not validator.max_inclusive:
                out["x-exclusiveMaximum"] = True
    return out


def empty_email2properties(self, field: ma.fields.Field, ret: dict, **_kw) -> dict:
    """An email field that takes "" for none: "" is no email address, so it cannot be the documented
    default of a ``format: email`` string (the document would be invalid); the description says it."""
    if not isinstance(field, ma.fields.Email) or ret.get("default") != "":
        return {}
    del ret["default"]  # the merged result so far (apispec passes it on): the one way to drop a key
    note = 'or "" (the default) or null for none' if field.allow_none else 'or "" (the default) for none'
    return {"description": f"{ret['description']} ({note})" if ret.get("description") else f"An email address, {note}"}


def install_openapi_conventions(api) -> None:
    """Call once on the Api, before blueprints are registered."""
    # The mapping makes apispec's own range function write x-minimum rather than minimum; the
    # attribute function (run after apispec's) then writes the bounds as numbers.
    api.register_field(ma.fields.Decimal, "string", "decimal")
    api.ma_plugin.converter.add_attribute_function(decimal2properties)
    api.ma_plugin.converter.add_attribute_function(empty_email2properties)
