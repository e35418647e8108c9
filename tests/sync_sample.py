"""A test-only event type that opens an order and posts a numbered document (the sample voucher).

Real order-opening events (repair intake …) come with their modules; this one
lets the sync tests exercise ordering, numbering and business-rule refusals
now. Imported by the sync tests and by the crash-test worker process.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from server.core.operations import create_document, post_document
from server.errors import InvalidInput
from sync.handlers import Event, PostResult, register_handler
from sync.schemas import register_schema

from .sample_docs import SampleVoucher

SAMPLE_ORDER_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "urn:aftercare:sync:event:sample_order",
    "type": "object",
    "allOf": [{"$ref": "urn:aftercare:sync:envelope"}],
    "required": ["amount"],
    "properties": {"type": {"const": "sample_order"}, "amount": {"type": "string", "pattern": "^-?[0-9]{1,10}(\\.[0-9]{1,2})?$"}},
    "unevaluatedProperties": False,
}


def post_sample_order(session: Session, event: Event) -> PostResult:
    try:
        amount = Decimal(event.doc["amount"])
    except InvalidOperation:
        raise InvalidInput("amount", "is not a number") from None
    day = event.created_at.astimezone(ZoneInfo("Asia/Shanghai")).date()
    voucher = create_document(session, SampleVoucher(org_id=event.org_id, doc_date=day, amount=amount,
                                                     note=f"from {event.device_id}"))
    post_document(session, voucher)
    return PostResult(numbers={"sample_voucher": voucher.number}, document_type="sample_voucher",
                      document_id=voucher.id, number=voucher.number)


def install() -> None:
    register_schema("sample_order", SAMPLE_ORDER_SCHEMA)
    register_handler("sample_order", permission="note.add", opens_order=True)(post_sample_order)


install()
