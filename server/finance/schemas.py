"""Marshmallow schemas of the finance API: query arguments and the read side of the money ledger."""

from __future__ import annotations

import marshmallow as ma

from ..http import PageArgs, Schema, Str, page_schema
from .models import COUNTERPARTY_KINDS, DIRECTIONS, MONEY_ACCOUNT_KINDS


def Money(**kw) -> ma.fields.Decimal:
    """Amounts travel as strings with two places ("1234.50"), never as JSON numbers (floats)."""
    return ma.fields.Decimal(as_string=True, places=2, **kw)


class CounterpartyBalanceArgs(PageArgs):
    org_id = ma.fields.UUID(metadata={"description": "One organisation's books (headquarters; others see their own)"})
    counterparty_kind = ma.fields.String(validate=ma.validate.OneOf(COUNTERPARTY_KINDS))
    counterparty_id = ma.fields.UUID(metadata={"description": "A party, organisation or member id"})
    direction = ma.fields.String(validate=ma.validate.OneOf(DIRECTIONS),
                                 metadata={"description": "Only counterparties with entries in this direction"})
    as_of = ma.fields.Date(metadata={"description": "Balance at the end of this business date (default: everything)"})
    nonzero = ma.fields.Boolean(load_default=False, metadata={"description": "Only non-zero balances"})


class CounterpartyBalanceOut(Schema):
    org_id = ma.fields.UUID()
    counterparty_kind = ma.fields.String()
    counterparty_id = ma.fields.UUID(allow_none=True)
    counterparty_code = ma.fields.String()
    counterparty_name = ma.fields.String()
    receivable = Money(metadata={"description": "What the counterparty owes the organisation"})
    payable = Money(metadata={"description": "What the organisation owes the counterparty"})
    net = Money(metadata={"description": "receivable − payable"})
    entries = ma.fields.Integer()


class _EntryArgs(PageArgs):
    org_id = ma.fields.UUID()
    date_from = ma.fields.Date()
    date_to = ma.fields.Date()
    document_type = Str(40)
    document_id = ma.fields.UUID()

    @ma.validates_schema
    def _dates(self, data, **_kw):
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise ma.ValidationError("must not be after date_to", "date_from")


class CounterpartyEntryArgs(_EntryArgs):
    counterparty_kind = ma.fields.String(validate=ma.validate.OneOf(COUNTERPARTY_KINDS))
    counterparty_id = ma.fields.UUID()
    direction = ma.fields.String(validate=ma.validate.OneOf(DIRECTIONS))


class CashEntryArgs(_EntryArgs):
    account_id = ma.fields.UUID()


class _EntryOut(Schema):
    id = ma.fields.UUID()
    org_id = ma.fields.UUID()
    amount = Money()
    balance_after = Money(metadata={"description": "Running balance after this entry (business-date order)"})
    document_type = ma.fields.String()
    document_id = ma.fields.UUID()
    line_id = ma.fields.UUID(allow_none=True)
    document_number = ma.fields.String()
    doc_date = ma.fields.Date()
    posted_at = ma.fields.DateTime()
    posted_by_id = ma.fields.UUID(allow_none=True)
    memo = ma.fields.String()
    reverses_id = ma.fields.UUID(allow_none=True, metadata={"description": "The entry this one reverses (红冲)"})


class CounterpartyEntryOut(_EntryOut):
    counterparty_kind = ma.fields.String()
    counterparty_id = ma.fields.UUID(allow_none=True)
    direction = ma.fields.String()


class CashEntryOut(_EntryOut):
    account_id = ma.fields.UUID()


class AccountBalanceArgs(PageArgs):
    org_id = ma.fields.UUID()
    kind = ma.fields.String(validate=ma.validate.OneOf(MONEY_ACCOUNT_KINDS))
    active = ma.fields.Boolean()
    as_of = ma.fields.Date(metadata={"description": "Balance at the end of this business date (default: everything)"})


class AccountBalanceOut(Schema):
    id = ma.fields.UUID()
    org_id = ma.fields.UUID()
    code = ma.fields.String()
    name = ma.fields.String()
    kind = ma.fields.String()
    bank_name = ma.fields.String()
    account_number = ma.fields.String()
    currency = ma.fields.String()
    business_line = ma.fields.String()
    active = ma.fields.Boolean()
    balance = Money()
    entries = ma.fields.Integer()


CounterpartyBalancePage = page_schema(CounterpartyBalanceOut, "CounterpartyBalancePage")
CounterpartyEntryPage = page_schema(CounterpartyEntryOut, "CounterpartyEntryPage")
CashEntryPage = page_schema(CashEntryOut, "CashEntryPage")
AccountBalancePage = page_schema(AccountBalanceOut, "AccountBalancePage")
