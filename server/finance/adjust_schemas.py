"""Schemas of opening balances, reclassifications, closed periods and the money documents' list."""

from __future__ import annotations

import marshmallow as ma

from flask_smorest.fields import Upload

from ..http import ExactDecimal, PageArgs, Schema, Str, page_schema
from .adjust_models import OPENING_LINE_KINDS, RECLASS_KINDS
from .models import DIRECTIONS
from .schemas import Link, Money
from .settlement_schemas import STATUSES


def Signed(**kw) -> ExactDecimal:
    return ExactDecimal(as_string=True, places=2, **kw)


_DOC_OUT = {
    "id": ma.fields.UUID(), "number": ma.fields.String(allow_none=True), "status": ma.fields.String(),
    "org_id": ma.fields.UUID(), "doc_date": ma.fields.Date(), "note": ma.fields.String(),
    "reverses_id": ma.fields.UUID(allow_none=True), "reversal_id": ma.fields.UUID(allow_none=True),
    "reversal_reason": ma.fields.String(), "actions": ma.fields.List(ma.fields.String()),
    "created_at": ma.fields.DateTime(), "posted_at": ma.fields.DateTime(allow_none=True),
    "posted_by_id": ma.fields.UUID(allow_none=True), "reversed_at": ma.fields.DateTime(allow_none=True),
}


class AdjustListArgs(PageArgs):
    org_id = ma.fields.UUID()
    status = ma.fields.String(validate=ma.validate.OneOf(STATUSES))
    date_from = ma.fields.Date()
    date_to = ma.fields.Date()
    number = Str(40, metadata={"description": "Part of the number"})


# -- opening balances -------------------------------------------------------------------------------

class OpeningLineIn(Schema):
    line_kind = ma.fields.String(validate=ma.validate.OneOf(OPENING_LINE_KINDS),
                                 metadata={"description": "party, organisation or account (default: from the id given)"})
    party_id = ma.fields.UUID(allow_none=True, metadata={"description": "A manufacturer, supplier, dealer …"})
    counterparty_org_id = ma.fields.UUID(allow_none=True, metadata={"description": "Headquarters or a service point"})
    account_id = ma.fields.UUID(allow_none=True, metadata={"description": "A money account of the organisation"})
    # An empty choice (a form's cleared select) is no direction.
    direction = ma.fields.String(allow_none=True, validate=ma.validate.OneOf((*DIRECTIONS, "")),
                                 metadata={"description": "A counterparty's: receivable or payable"})
    amount = Signed(required=True, metadata={"description": "Signed within the direction; negative: on account / overdraft"})
    memo = Str(300)


class OpeningIn(Schema):
    org_id = ma.fields.UUID(metadata={"description": "Whose books (headquarters chooses; others: their own)"})
    doc_date = ma.fields.Date(metadata={"description": "The go-live date; the books are closed through the day before"})
    note = Str(1000)
    lines = ma.fields.List(ma.fields.Nested(OpeningLineIn), load_default=list, validate=ma.validate.Length(max=5000))


class OpeningUpdateIn(Schema):
    doc_date = ma.fields.Date()
    note = Str(1000)
    lines = ma.fields.List(ma.fields.Nested(OpeningLineIn), validate=ma.validate.Length(max=5000))


class OpeningLineOut(Schema):
    id = ma.fields.UUID()
    seq = ma.fields.Integer()
    line_kind = ma.fields.String()
    party_id = ma.fields.UUID(allow_none=True)
    counterparty_org_id = ma.fields.UUID(allow_none=True)
    account_id = ma.fields.UUID(allow_none=True)
    code = ma.fields.String()
    name = ma.fields.String()
    direction = ma.fields.String(allow_none=True)
    amount = Money()
    memo = ma.fields.String()


OpeningOut = type("OpeningOut", (Schema,), {
    **_DOC_OUT, "lines": ma.fields.List(ma.fields.Nested(OpeningLineOut)),
    "receivable_total": Money(), "payable_total": Money(), "account_total": Money(), "line_count": ma.fields.Integer()})


class OpeningListItem(Schema):
    id = ma.fields.UUID()
    number = ma.fields.String(allow_none=True)
    status = ma.fields.String()
    org_id = ma.fields.UUID()
    doc_date = ma.fields.Date()
    note = ma.fields.String()
    line_count = ma.fields.Integer()
    receivable_total = Money()
    payable_total = Money()
    account_total = Money()


OpeningPage = page_schema(OpeningListItem, "OpeningPage")


class OpeningFile(Schema):
    file = Upload(required=True)


# -- reclassification -------------------------------------------------------------------------------

class _ReclassHeader(Schema):
    kind = ma.fields.String(validate=ma.validate.OneOf(RECLASS_KINDS),
                            metadata={"description": "counterparty (default): between two balances; account: between two money accounts"})
    direction = ma.fields.String(allow_none=True, validate=ma.validate.OneOf((*DIRECTIONS, "")))
    from_party_id = ma.fields.UUID(allow_none=True)
    from_org_id = ma.fields.UUID(allow_none=True)
    to_party_id = ma.fields.UUID(allow_none=True)
    to_org_id = ma.fields.UUID(allow_none=True)
    from_account_id = ma.fields.UUID(allow_none=True)
    to_account_id = ma.fields.UUID(allow_none=True)
    amount = ExactDecimal(as_string=True, places=2, metadata={"description": "Greater than zero"})
    reason = Str(300)
    doc_date = ma.fields.Date()
    note = Str(1000)


class ReclassIn(_ReclassHeader):
    org_id = ma.fields.UUID(metadata={"description": "Whose books (headquarters chooses; others: their own)"})
    amount = ExactDecimal(as_string=True, places=2, required=True)
    reason = Str(300, required=True, min_len=1)


class ReclassUpdateIn(_ReclassHeader):
    pass


ReclassOut = type("ReclassOut", (Schema,), {
    **_DOC_OUT, "kind": ma.fields.String(), "direction": ma.fields.String(allow_none=True),
    **{f"{end}_{what}": ma.fields.UUID(allow_none=True) for end in ("from", "to") for what in ("party_id", "org_id", "account_id")},
    "from_name": ma.fields.String(), "to_name": ma.fields.String(), "amount": Money(), "reason": ma.fields.String()})


class ReclassListItem(Schema):
    id = ma.fields.UUID()
    number = ma.fields.String(allow_none=True)
    status = ma.fields.String()
    org_id = ma.fields.UUID()
    doc_date = ma.fields.Date()
    kind = ma.fields.String()
    direction = ma.fields.String(allow_none=True)
    from_name = ma.fields.String()
    to_name = ma.fields.String()
    amount = Money()
    reason = ma.fields.String()


class ReclassTotals(Schema):
    amount = Money()


ReclassPage = type("ReclassPage", (page_schema(ReclassListItem, "ReclassPageBase"),),
                   {"totals": ma.fields.Nested(ReclassTotals)})


# -- periods ----------------------------------------------------------------------------------------

class PeriodRow(Schema):
    org_id = ma.fields.UUID()
    org_code = ma.fields.String()
    org_name = ma.fields.String()
    closed_through = ma.fields.Date(allow_none=True)
    updated_at = ma.fields.DateTime(allow_none=True)


class PeriodsOut(Schema):
    items = ma.fields.List(ma.fields.Nested(PeriodRow))


class PeriodChangeIn(Schema):
    closed_through = ma.fields.Date(required=True)
    reason = Str(300, load_default="")


class PeriodHistoryArgs(Schema):
    org_id = ma.fields.UUID()


class PeriodHistoryRow(Schema):
    at = ma.fields.DateTime()
    action = ma.fields.String(metadata={"description": "close or reopen"})
    org_id = ma.fields.UUID(allow_none=True)
    org_code = ma.fields.String()
    username = ma.fields.String()
    before = ma.fields.String(allow_none=True)
    closed_through = ma.fields.String(allow_none=True)
    reason = ma.fields.String()


class PeriodHistoryOut(Schema):
    items = ma.fields.List(ma.fields.Nested(PeriodHistoryRow))


# -- the money documents (财务调整's list) ---------------------------------------------------------------

class MoneyDocumentArgs(PageArgs):
    org_id = ma.fields.UUID()
    document_type = Str(40)
    number = Str(40, metadata={"description": "Part of the number"})
    date_from = ma.fields.Date()
    date_to = ma.fields.Date()


class MoneyDocument(Schema):
    document_type = ma.fields.String()
    document_id = ma.fields.UUID()
    document_number = ma.fields.String()
    document_label = ma.fields.Dict()
    link = ma.fields.Nested(Link, allow_none=True)
    org_id = ma.fields.UUID()
    doc_date = ma.fields.Date()
    receivable = Money(metadata={"description": "What it added to receivables (all its rows summed)"})
    payable = Money()
    cash = Money(metadata={"description": "Money into (+) or out of (−) accounts"})
    amount = Money(metadata={"description": "What it moved: the larger side of either ledger"})
    is_reversal = ma.fields.Boolean()
    reversed = ma.fields.Boolean()


MoneyDocumentPage = page_schema(MoneyDocument, "MoneyDocumentPage")
