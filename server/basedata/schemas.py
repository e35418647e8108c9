"""Marshmallow schemas built from the kind registry (one declaration, no hand copies)."""

from __future__ import annotations

from functools import lru_cache

import marshmallow as ma

from ..http import ExactDecimal, PageArgs, Schema, Str, page_schema
from .kinds import KINDS, F, Kind

CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]*$"


class FormulaLineIn(Schema):
    component_item_id = ma.fields.UUID(required=True)
    quantity = ExactDecimal(required=True, places=3, as_string=True,
                            validate=ma.validate.Range(min=0, min_inclusive=False, max=1_000_000))


class FormulaLineOut(Schema):
    component_item_id = ma.fields.UUID()
    quantity = ma.fields.Decimal(as_string=True)


def _input_field(f: F, required: bool) -> ma.fields.Field:
    kw: dict = {"required": required}
    if not required and f.default is not None:
        kw["load_default"] = f.default
    if f.type == "code":
        return ma.fields.String(validate=[ma.validate.Length(min=1, max=f.max_len),
                                          ma.validate.Regexp(CODE_PATTERN, error="letters, digits, dot, dash, underscore")], **kw)
    if f.type in ("str", "phone", "imei"):
        return Str(f.max_len, min_len=1 if f.required else 0, **kw)
    if f.type == "text":
        return Str(f.max_len, **kw)
    if f.type in ("int", "enum") and not f.required and f.default is None:
        kw["allow_none"] = True  # an optional field with no default may be left empty (a commission rule's grade)
    if f.type == "int":
        return ma.fields.Integer(validate=ma.validate.Range(min=f.min, max=f.max), strict=True, **kw)
    if f.type == "decimal":
        return ExactDecimal(places=2, as_string=True, allow_nan=False,
                            validate=ma.validate.Range(min=0, max=10_000_000), **kw)
    if f.type == "bool":
        return ma.fields.Boolean(**kw)
    if f.type == "date":
        return ma.fields.Date(**kw)
    if f.type == "enum":
        return ma.fields.String(validate=ma.validate.OneOf(f.choices), **kw)
    if f.type == "enums":
        return ma.fields.List(ma.fields.String(validate=ma.validate.OneOf(f.choices)),
                              validate=ma.validate.Length(min=1 if f.required else 0, max=len(f.choices)), **kw)
    if f.type in ("ref", "user", "org"):
        return ma.fields.UUID(allow_none=not f.required, **kw)
    if f.type == "refs":
        return ma.fields.List(ma.fields.UUID(), validate=ma.validate.Length(max=500), **kw)
    if f.type == "lines":
        return ma.fields.List(ma.fields.Nested(FormulaLineIn), validate=ma.validate.Length(min=1, max=500), **kw)
    raise ValueError(f.type)


def _output_field(f: F) -> ma.fields.Field:
    if f.type in ("ref", "user", "org"):
        return ma.fields.UUID(allow_none=True)
    if f.type == "refs":
        return ma.fields.Method(serialize=f"_dump_{f.name}")
    if f.type == "lines":
        return ma.fields.List(ma.fields.Nested(FormulaLineOut))
    if f.type == "decimal":
        return ma.fields.Decimal(places=2, as_string=True)
    if f.type == "int":
        return ma.fields.Integer(allow_none=not f.required and f.default is None)
    if f.type == "bool":
        return ma.fields.Boolean()
    if f.type == "date":
        return ma.fields.Date()
    if f.type == "enums":
        return ma.fields.List(ma.fields.String())
    return ma.fields.String(allow_none=True)


def _class_name(kind: Kind, suffix: str) -> str:
    return "".join(p.title() for p in kind.name.replace("-", " ").split()) + suffix


@lru_cache(maxsize=None)
def schemas_for(name: str) -> dict[str, type[ma.Schema]]:
    kind = KINDS[name]
    create = {f.name: _input_field(f, f.required) for f in kind.fields}
    update = {f.name: _input_field(f, False) for f in kind.fields}
    for fld in update.values():
        fld.load_default = ma.missing
    if kind.org_owned:
        create["org_id"] = ma.fields.UUID(load_default=None, metadata={"description": "Headquarters only; default: your organisation"})
    out: dict = {"id": ma.fields.UUID()}
    if kind.org_owned:
        out["org_id"] = ma.fields.UUID()
    for f in kind.fields:
        out[f.name] = _output_field(f)
        if f.type == "refs":
            out[f"_dump_{f.name}"] = (lambda attr: lambda self, obj: [str(r.id) for r in getattr(obj, attr)])(f.model_attr)
    out["created_at"] = ma.fields.DateTime()
    out["updated_at"] = ma.fields.DateTime()
    list_args: dict = {
        "q": Str(64, metadata={"description": "Words matched by prefix against name, code, phone, IMEI and pinyin (initials too)"}),
        "active": ma.fields.Boolean(),
        "sort": ma.fields.String(validate=ma.validate.OneOf([s for k in kind.sort for s in (k, f"-{k}")])),
    }
    if not any(f.name == "active" for f in kind.fields):
        del list_args["active"]  # only the filters a kind has: the TAC table has no `active`
    for flt in kind.filters:
        f = next((x for x in kind.fields if x.name == flt), None)
        if flt == "role":
            list_args["role"] = ma.fields.String(validate=ma.validate.OneOf(kind.field("roles").choices))
        elif flt == "model_id" and f is None:
            list_args["model_id"] = ma.fields.UUID(metadata={"description": "Those for this model (or for all models)"})
        elif f.type == "ref":
            list_args[flt] = ma.fields.UUID()
        elif f.type == "int":
            # The field's own bounds: an integer past the column's range is refused, not sent to the database.
            list_args[flt] = ma.fields.Integer(validate=ma.validate.Range(min=f.min, max=f.max))
        elif f.type == "bool":
            list_args[flt] = ma.fields.Boolean()
        elif f.type == "enum":
            list_args[flt] = ma.fields.String(validate=ma.validate.OneOf(f.choices))
        else:
            list_args[flt] = Str(120)
    if kind.org_owned:
        list_args["org_id"] = ma.fields.UUID()
    out_schema = type(_class_name(kind, "Out"), (Schema,), out)
    return {
        "create": type(_class_name(kind, "Create"), (Schema,), create),
        "update": type(_class_name(kind, "Update"), (Schema,), update),
        "out": out_schema,
        "page": page_schema(out_schema, _class_name(kind, "Page")),
        "list": type(_class_name(kind, "ListArgs"), (PageArgs,), list_args),
    }


class ImportArgs(Schema):
    dry_run = ma.fields.Boolean(load_default=False)


class ImportRowError(Schema):
    row = ma.fields.Integer()
    column = ma.fields.String()
    message = ma.fields.String()


class ImportResult(Schema):
    kind = ma.fields.String()
    rows = ma.fields.Integer()
    created = ma.fields.Integer()
    updated = ma.fields.Integer()
    unchanged = ma.fields.Integer()
    dry_run = ma.fields.Boolean()
    errors = ma.fields.List(ma.fields.Nested(ImportRowError))


class ExportArgs(Schema):
    format = ma.fields.String(load_default="xlsx", validate=ma.validate.OneOf(["xlsx", "csv"]))


class WarrantyCheckArgs(Schema):
    imei = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=20))
    purchase_date = ma.fields.Date()
    on = ma.fields.Date(metadata={"description": "Date to check for (default today)"})


class WarrantyCheckOut(Schema):
    imei = ma.fields.String()
    model_id = ma.fields.UUID(allow_none=True)
    model_source = ma.fields.String(metadata={"description": "warranty_card, tac or none"})
    warranty_card_id = ma.fields.UUID(allow_none=True)
    sale_date = ma.fields.Date(allow_none=True)
    expires_on = ma.fields.Date(allow_none=True)
    rule = ma.fields.String()
    status_id = ma.fields.UUID(allow_none=True)
    status_code = ma.fields.String(allow_none=True)
    reason = ma.fields.String()


class PhoneLookupOut(Schema):
    phone = ma.fields.String()
    member = ma.fields.Raw(allow_none=True)
    warranty_cards = ma.fields.List(ma.fields.Raw())
