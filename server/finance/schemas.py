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


class _EntryFilters(Schema):
    org_id = ma.fields.UUID()
    date_from = ma.fields.Date()
    date_to = ma.fields.Date()
    document_type = Str(40)
    document_id = ma.fields.UUID()

    @ma.validates_schema
    def _dates(self, data, **_kw):
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise ma.ValidationError("must not be after date_to", "date_from")


class CounterpartyEntryFilters(_EntryFilters):
    counterparty_kind = ma.fields.String(validate=ma.validate.OneOf(COUNTERPARTY_KINDS))
    counterparty_id = ma.fields.UUID()
    direction = ma.fields.String(validate=ma.validate.OneOf(DIRECTIONS))


class CashEntryFilters(_EntryFilters):
    account_id = ma.fields.UUID()


class CounterpartyEntryArgs(PageArgs, CounterpartyEntryFilters):
    pass


class CashEntryArgs(PageArgs, CashEntryFilters):
    pass


class Label(Schema):
    zh_CN = ma.fields.String(data_key="zh-CN", attribute="zh-CN")
    en = ma.fields.String()


class Link(Schema):
    """Where a source document opens (``server.finance.sources``)."""

    kind = ma.fields.String(metadata={"description": "repair_order or workspace"})
    id = ma.fields.UUID()
    type = ma.fields.String(metadata={"description": "workspace: the document type"})
    number = ma.fields.String()


class _Source(Schema):
    document_label = ma.fields.Nested(Label, metadata={"description": "The source document's name, zh-CN and en"})
    link = ma.fields.Nested(Link, allow_none=True, metadata={"description": "Where the source opens; null: no screen"})


class _EntryOut(_Source):
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


class CounterpartyDocumentArgs(PageArgs, _EntryFilters):
    counterparty_kind = ma.fields.String(required=True, validate=ma.validate.OneOf(COUNTERPARTY_KINDS))
    counterparty_id = ma.fields.UUID(metadata={"description": "Required unless counterparty_kind is walk_in"})
    direction = ma.fields.String(validate=ma.validate.OneOf(DIRECTIONS))

    @ma.validates_schema
    def _counterparty(self, data, **_kw):
        # Without the id every party (or member …) would be summed as one counterparty.
        if data.get("counterparty_kind") != "walk_in" and not data.get("counterparty_id"):
            raise ma.ValidationError("required for this counterparty_kind", "counterparty_id")


class CounterpartyDocumentOut(_Source):
    org_id = ma.fields.UUID()
    document_type = ma.fields.String()
    document_id = ma.fields.UUID()
    document_number = ma.fields.String()
    doc_date = ma.fields.Date(metadata={"description": "The document's first business date"})
    receivable = Money(metadata={"description": "What the document added to the receivable (signed)"})
    payable = Money(metadata={"description": "What the document added to the payable (signed)"})
    net = Money()
    entries = ma.fields.Integer()


LANGS = ("zh-CN", "en")


class ExportArgs(Schema):
    lang = ma.fields.String(load_default="zh-CN", validate=ma.validate.OneOf(LANGS),
                            metadata={"description": "The column headings' language"})


class CounterpartyEntryExportArgs(CounterpartyEntryFilters, ExportArgs):
    pass


class CashEntryExportArgs(CashEntryFilters, ExportArgs):
    pass


def ledger_page(item: type[ma.Schema], name: str) -> type[ma.Schema]:
    """An entry page with the balance before the date range and at its end (``queries.ledger_span``)."""
    return type(name, (page_schema(item, name + "Base"),), {
        "opening_balance": Money(metadata={"description": "Balance before date_from (0 without it)"}),
        "closing_balance": Money(metadata={"description": "Balance at the end of date_to (everything without it)"}),
    })


CounterpartyBalancePage = page_schema(CounterpartyBalanceOut, "CounterpartyBalancePage")
CounterpartyEntryPage = ledger_page(CounterpartyEntryOut, "CounterpartyEntryPage")
CashEntryPage = ledger_page(CashEntryOut, "CashEntryPage")
CounterpartyDocumentPage = page_schema(CounterpartyDocumentOut, "CounterpartyDocumentPage")
AccountBalancePage = page_schema(AccountBalanceOut, "AccountBalancePage")
