import marshmallow as ma

from ..http import PageArgs, Schema, Str, page_schema


class AuditOut(Schema):
    id = ma.fields.UUID()
    at = ma.fields.DateTime()
    org_id = ma.fields.UUID(allow_none=True)
    user_id = ma.fields.UUID(allow_none=True)
    username = ma.fields.String()
    actor_id = ma.fields.UUID(allow_none=True)
    actor_username = ma.fields.String()
    source = ma.fields.String()
    action = ma.fields.String()
    entity_type = ma.fields.String()
    entity_id = ma.fields.String()
    before = ma.fields.Dict(allow_none=True)
    after = ma.fields.Dict(allow_none=True)
    request_id = ma.fields.String()


class AuditArgs(PageArgs):
    entity_type = Str(60)
    entity_id = Str(64)
    action = Str(60)
    user_id = ma.fields.UUID()
    actor_id = ma.fields.UUID()
    since = ma.fields.AwareDateTime(default_timezone=None)
    until = ma.fields.AwareDateTime(default_timezone=None)


class PeriodLockOut(Schema):
    org_id = ma.fields.UUID()
    closed_through = ma.fields.Date()
    updated_at = ma.fields.DateTime()
    updated_by_id = ma.fields.UUID(allow_none=True)


class PeriodLockIn(Schema):
    closed_through = ma.fields.Date(required=True)


AuditPage = page_schema(AuditOut, "AuditPage")
PeriodLockPage = page_schema(PeriodLockOut, "PeriodLockPage")
