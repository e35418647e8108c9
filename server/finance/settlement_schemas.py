"""Schemas of receipts, payments, allocations, open items, aging and the statement of account."""

from __future__ import annotations

import marshmallow as ma

from ..http import ExactDecimal, PageArgs, Schema, Str, page_schema
from .models import DIRECTIONS
from .schemas import Link, Money
from .settlement_models import SETTLEMENT_COUNTERPARTY_KINDS

STATUSES = ("draft", "posted", "reversed")


def Amount(**kw) -> ExactDecimal:
    return ExactDecimal(as_string=True, places=2, **kw)


class _SettlementHeader(Schema):
    counterparty_kind = ma.fields.String(validate=ma.validate.OneOf(SETTLEMENT_COUNTERPARTY_KINDS),
                                         metadata={"description": "party (default), organisation or member"})
    party_id = ma.fields.UUID(allow_none=True, metadata={"description": "A dealer, manufacturer, supplier …"})
    counterparty_org_id = ma.fields.UUID(allow_none=True, metadata={"description": "Headquarters or a service point"})
    member_id = ma.fields.UUID(allow_none=True)
    account_id = ma.fields.UUID(metadata={"description": "The bank account or cash drawer the money goes through"})
    amount = Amount(metadata={"description": "Greater than zero"})
    doc_date = ma.fields.Date()
    auto_allocate = ma.fields.Boolean(metadata={"description": "Allocate oldest first when posted (default yes)"})
    reference = Str(80, metadata={"description": "The bank slip's or cheque's number"})
    note = Str(1000)


class SettlementIn(_SettlementHeader):
    org_id = ma.fields.UUID(metadata={"description": "Whose books (headquarters chooses; others: their own)"})
    account_id = ma.fields.UUID(required=True)
    amount = Amount(required=True)


class SettlementUpdateIn(_SettlementHeader):
    pass


class MoneyReverseIn(Schema):
    reason = Str(300, required=True, min_len=1)
    on = ma.fields.Date(load_default=None, metadata={"description": "The reversal's date (default: the original's)"})


class AllocationLineIn(Schema):
    document_id = ma.fields.UUID(required=True, metadata={"description": "The open item (charged document)"})
    amount = Amount(required=True)


class AllocateIn(Schema):
    lines = ma.fields.List(ma.fields.Nested(AllocationLineIn), load_default=None, validate=ma.validate.Length(max=500),
                           metadata={"description": "By hand; leave out to allocate oldest first"})
    on = ma.fields.Date(load_default=None, metadata={"description": "The allocation's date (default: today)"})


class UnallocateIn(Schema):
    on = ma.fields.Date(load_default=None)


class AllocationOut(Schema):
    id = ma.fields.UUID()
    charge_type = ma.fields.String()
    charge_id = ma.fields.UUID()
    charge_number = ma.fields.String()
    credit_type = ma.fields.String()
    credit_id = ma.fields.UUID()
    credit_number = ma.fields.String()
    amount = Money()
    alloc_date = ma.fields.Date()
    reverses_id = ma.fields.UUID(allow_none=True)
    undone = ma.fields.Boolean()
    posted_at = ma.fields.DateTime()


class SettlementOut(Schema):
    id = ma.fields.UUID()
    number = ma.fields.String(allow_none=True)
    status = ma.fields.String()
    org_id = ma.fields.UUID()
    doc_date = ma.fields.Date()
    counterparty_kind = ma.fields.String()
    party_id = ma.fields.UUID(allow_none=True)
    counterparty_org_id = ma.fields.UUID(allow_none=True)
    member_id = ma.fields.UUID(allow_none=True)
    counterparty_id = ma.fields.UUID(allow_none=True)
    counterparty_name = ma.fields.String()
    account_id = ma.fields.UUID()
    amount = Money()
    auto_allocate = ma.fields.Boolean()
    reference = ma.fields.String()
    note = ma.fields.String()
    allocated = Money(metadata={"description": "What is allocated against open items"})
    on_account = Money(metadata={"description": "What is left on account (预收/预付)"})
    reverses_id = ma.fields.UUID(allow_none=True)
    reversal_id = ma.fields.UUID(allow_none=True)
    reversal_reason = ma.fields.String()
    actions = ma.fields.List(ma.fields.String())
    allocations = ma.fields.List(ma.fields.Nested(AllocationOut))
    created_at = ma.fields.DateTime()
    created_by_id = ma.fields.UUID(allow_none=True)
    posted_at = ma.fields.DateTime(allow_none=True)
    posted_by_id = ma.fields.UUID(allow_none=True)
    reversed_at = ma.fields.DateTime(allow_none=True)
    reversed_by_id = ma.fields.UUID(allow_none=True)


class SettlementListArgs(PageArgs):
    org_id = ma.fields.UUID()
    status = ma.fields.String(validate=ma.validate.OneOf(STATUSES))
    party_id = ma.fields.UUID()
    counterparty_org_id = ma.fields.UUID()
    account_id = ma.fields.UUID()
    date_from = ma.fields.Date()
    date_to = ma.fields.Date()
    number = Str(40, metadata={"description": "Part of the number"})


class SettlementListItem(Schema):
    id = ma.fields.UUID()
    number = ma.fields.String(allow_none=True)
    status = ma.fields.String()
    org_id = ma.fields.UUID()
    doc_date = ma.fields.Date()
    counterparty_kind = ma.fields.String()
    party_id = ma.fields.UUID(allow_none=True)
    counterparty_org_id = ma.fields.UUID(allow_none=True)
    account_id = ma.fields.UUID()
    amount = Money()
    reference = ma.fields.String()


class SettlementTotals(Schema):
    amount = Money()


SettlementPage = type("SettlementPage", (page_schema(SettlementListItem, "SettlementPageBase"),),
                      {"totals": ma.fields.Nested(SettlementTotals)})


# -- the read side --------------------------------------------------------------------------------

class _BalanceArgs(Schema):
    org_id = ma.fields.UUID(metadata={"description": "Whose books (required for headquarters: one organisation)"})
    counterparty_kind = ma.fields.String(load_default="party", validate=ma.validate.OneOf(SETTLEMENT_COUNTERPARTY_KINDS))
    counterparty_id = ma.fields.UUID(required=True)
    direction = ma.fields.String(load_default="receivable", validate=ma.validate.OneOf(DIRECTIONS))


class OpenItemArgs(_BalanceArgs):
    as_of = ma.fields.Date(load_default=None, metadata={"description": "Default: today"})
    closed = ma.fields.Boolean(load_default=False, metadata={"description": "Also the items with nothing open"})


class OpenItemOut(Schema):
    document_type = ma.fields.String()
    document_id = ma.fields.UUID()
    document_number = ma.fields.String()
    document_label = ma.fields.Dict()
    link = ma.fields.Nested(Link, allow_none=True)
    doc_date = ma.fields.Date()
    amount = Money()
    allocated = Money()
    open = Money(metadata={"description": "Positive: still owed; negative: money on account"})
    age_days = ma.fields.Integer()
    bucket = ma.fields.String(metadata={"description": "current, d1_30, d31_60, d61_90, over_90 or on_account"})


class OpenItemsOut(Schema):
    as_of = ma.fields.Date()
    balance = Money()
    items = ma.fields.List(ma.fields.Nested(OpenItemOut))


class AgingArgs(Schema):
    org_id = ma.fields.UUID()
    direction = ma.fields.String(validate=ma.validate.OneOf(DIRECTIONS))
    counterparty_kind = ma.fields.String(validate=ma.validate.OneOf(SETTLEMENT_COUNTERPARTY_KINDS))
    counterparty_id = ma.fields.UUID()
    as_of = ma.fields.Date(load_default=None, metadata={"description": "Default: the open items as they stand, aged to today"})

    @ma.validates_schema
    def _pair(self, data, **_kw):
        if data.get("counterparty_id") and not data.get("counterparty_kind"):
            raise ma.ValidationError("required with counterparty_id", "counterparty_kind")


class _Buckets(Schema):
    current = Money()
    d1_30 = Money()
    d31_60 = Money()
    d61_90 = Money()
    over_90 = Money()
    on_account = Money()
    balance = Money()


class AgingRow(_Buckets):
    org_id = ma.fields.UUID()
    counterparty_kind = ma.fields.String()
    counterparty_id = ma.fields.UUID()
    counterparty_code = ma.fields.String()
    counterparty_name = ma.fields.String()
    direction = ma.fields.String()


class AgingTotal(_Buckets):
    direction = ma.fields.String()


class AgingOut(Schema):
    as_of = ma.fields.Date()
    items = ma.fields.List(ma.fields.Nested(AgingRow))
    totals = ma.fields.List(ma.fields.Nested(AgingTotal))


class StatementArgs(_BalanceArgs):
    date_from = ma.fields.Date(required=True)
    date_to = ma.fields.Date(required=True)

    @ma.validates_schema
    def _dates(self, data, **_kw):
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise ma.ValidationError("must not be after date_to", "date_from")


class StatementPrintArgs(StatementArgs):
    format = ma.fields.String(load_default="pdf", validate=ma.validate.OneOf(("pdf", "html")))
    lang = ma.fields.String(load_default="zh", validate=ma.validate.OneOf(("zh", "en")))


class StatementLineOut(Schema):
    doc_date = ma.fields.Date()
    document_type = ma.fields.String()
    document_id = ma.fields.UUID()
    document_number = ma.fields.String()
    document_label = ma.fields.Dict()
    link = ma.fields.Nested(Link, allow_none=True)
    memo = ma.fields.String()
    increase = Money(metadata={"description": "What the document added to the balance"})
    decrease = Money(metadata={"description": "What it took off"})
    balance = Money(metadata={"description": "The running balance after it"})


class StatementOut(Schema):
    org_id = ma.fields.UUID()
    counterparty_kind = ma.fields.String()
    counterparty_id = ma.fields.UUID()
    counterparty_code = ma.fields.String()
    counterparty_name = ma.fields.String()
    direction = ma.fields.String()
    date_from = ma.fields.Date()
    date_to = ma.fields.Date()
    opening_balance = Money()
    increase = Money()
    decrease = Money()
    closing_balance = Money()
    lines = ma.fields.List(ma.fields.Nested(StatementLineOut))
