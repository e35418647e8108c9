from __future__ import annotations

import marshmallow as ma

from ..http import PageArgs, Schema, page_schema


class NoteListArgs(PageArgs):
    order_id = ma.fields.UUID(required=True)


class NoteOut(Schema):
    id = ma.fields.UUID()
    org_id = ma.fields.UUID()
    order_id = ma.fields.UUID()
    text = ma.fields.String()
    author_id = ma.fields.UUID()
    event_id = ma.fields.String(allow_none=True)
    device_id = ma.fields.String()
    written_at = ma.fields.DateTime()
    created_at = ma.fields.DateTime()


NotePage = page_schema(NoteOut, "NotePage")
