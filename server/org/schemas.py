import marshmallow as ma

from ..http import PageArgs, Schema, Str, page_schema



class OrganisationOut(Schema):
    id = ma.fields.UUID()
    code = ma.fields.String()
    name = ma.fields.String()
    kind = ma.fields.String()
    level = ma.fields.Integer()
    parent_id = ma.fields.UUID(allow_none=True)
    address = ma.fields.String()
    contact_name = ma.fields.String()
    contact_phone = ma.fields.String()
    active = ma.fields.Boolean()
    created_at = ma.fields.DateTime()
    updated_at = ma.fields.DateTime()


class OrganisationCreateIn(Schema):
    code = ma.fields.String(required=True, validate=ma.validate.Regexp(r"^[A-Za-z0-9]{2,16}$", error="2-16 letters or digits"))
    name = Str(120, required=True, min_len=1)
    kind = ma.fields.String(load_default="service_point", validate=ma.validate.OneOf(["hq", "service_point"]))
    level = ma.fields.Integer(load_default=1, validate=ma.validate.Range(min=0, max=9))
    parent_id = ma.fields.UUID(load_default=None, allow_none=True)
    address = Str(300, load_default="")
    contact_name = Str(80, load_default="")
    contact_phone = Str(40, load_default="")



class OrganisationUpdateIn(Schema):
    name = Str(120, min_len=1)
    level = ma.fields.Integer(validate=ma.validate.Range(min=0, max=9))
    parent_id = ma.fields.UUID(allow_none=True)
    address = Str(300)
    contact_name = Str(80)
    contact_phone = Str(40)
    active = ma.fields.Boolean()


class OrganisationListArgs(PageArgs):
    q = Str(64)
    kind = ma.fields.String(validate=ma.validate.OneOf(["hq", "service_point"]))
    active = ma.fields.Boolean()
    parent_id = ma.fields.UUID()


OrganisationPage = page_schema(OrganisationOut, "OrganisationPage")
