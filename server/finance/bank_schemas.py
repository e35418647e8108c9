"""Schemas of transfers between money accounts, bank statements and their matching."""

from __future__ import annotations

import marshmallow as ma
from flask_smorest.fields import Upload

from ..http import PageArgs, Schema, Str, page_schema
from .schemas import Money
from .settlement_schemas import STATUSES, Amount


class _TransferHeader(Schema):
    from_account_id = ma.fields.UUID(metadata={"description": "The account the money leaves"})
    to_account_id = ma.fields.UUID(metadata={"description": "The account it goes into (same organisation)"})
    amount = Amount(metadata={"description": "Greater than zero"})
    doc_date = ma.fields.Date()
    reference = Str(80, metadata={"description": "The bank's transfer slip number"})
    note = Str(1000)


class TransferIn(_TransferHeader):
    org_id = ma.fields.UUID(metadata={"description": "Whose books (headquarters chooses; others: their own)"})
    from_account_id = ma.fields.UUID(required=True)
    to_account_id = ma.fields.UUID(required=True)
    amount = Amount(required=True)


class TransferUpdateIn(_TransferHeader):
    pass


class TransferOut(Schema):
    id = ma.fields.UUID()
    number = ma.fields.String(allow_none=True)
    status = ma.fields.String()
    org_id = ma.fields.UUID()
    doc_date = ma.fields.Date()
    from_account_id = ma.fields.UUID()
    to_account_id = ma.fields.UUID()
    amount = Money()
    reference = ma.fields.String()
    note = ma.fields.String()
    reverses_id = ma.fields.UUID(allow_none=True)
    reversal_id = ma.fields.UUID(allow_none=True)
    reversal_reason = ma.fields.String()
    actions = ma.fields.List(ma.fields.String())
    created_at = ma.fields.DateTime()
    created_by_id = ma.fields.UUID(allow_none=True)
    posted_at = ma.fields.DateTime(allow_none=True)
    posted_by_id = ma.fields.UUID(allow_none=True)
    reversed_at = ma.fields.DateTime(allow_none=True)
    reversed_by_id = ma.fields.UUID(allow_none=True)


class TransferListArgs(PageArgs):
    org_id = ma.fields.UUID()
    status = ma.fields.String(validate=ma.validate.OneOf(STATUSES))
    account_id = ma.fields.UUID(metadata={"description": "Either side of the transfer"})
    date_from = ma.fields.Date()
    date_to = ma.fields.Date()
    number = Str(40, metadata={"description": "Part of the number"})


class TransferTotals(Schema):
    amount = Money()


TransferPage = type("TransferPage", (page_schema(TransferOut, "TransferPageBase"),),
                    {"totals": ma.fields.Nested(TransferTotals)})


class BankStatementFile(Schema):
    file = Upload(required=True, metadata={"description": ".xlsx or .csv: a header row naming date, amount, "
                                            "counterparty name, counterparty account, reference; one line a row"})


class BankStatementImportArgs(Schema):
    account_id = ma.fields.UUID(required=True, metadata={"description": "The money account the statement is of"})


class BankStatementListArgs(PageArgs):
    org_id = ma.fields.UUID()
    account_id = ma.fields.UUID()


class BankStatementSummary(Schema):
    id = ma.fields.UUID()
    org_id = ma.fields.UUID()
    account_id = ma.fields.UUID()
    account_code = ma.fields.String()
    account_name = ma.fields.String()
    file_name = ma.fields.String()
    date_from = ma.fields.Date()
    date_to = ma.fields.Date()
    line_count = ma.fields.Integer()
    matched_count = ma.fields.Integer()
    total_in = Money()
    total_out = Money()
    imported_at = ma.fields.DateTime()
    imported_by_id = ma.fields.UUID(allow_none=True)


BankStatementPage = page_schema(BankStatementSummary, "BankStatementPage")


class BankEntryOut(Schema):
    id = ma.fields.UUID()
    doc_date = ma.fields.Date()
    amount = Money()
    document_type = ma.fields.String()
    document_id = ma.fields.UUID()
    document_number = ma.fields.String()
    memo = ma.fields.String()


class BankStatementLineOut(Schema):
    id = ma.fields.UUID()
    row_no = ma.fields.Integer(metadata={"description": "The row of the imported file"})
    value_date = ma.fields.Date()
    amount = Money(metadata={"description": "Positive: money in; negative: money out"})
    counterparty_name = ma.fields.String()
    counterparty_account = ma.fields.String()
    reference = ma.fields.String()
    matched = ma.fields.Boolean()
    match_kind = ma.fields.String(allow_none=True, metadata={"description": "auto or manual"})
    matched_at = ma.fields.DateTime(allow_none=True)
    entry = ma.fields.Nested(BankEntryOut, allow_none=True)


class BankStatementOut(BankStatementSummary):
    lines = ma.fields.List(ma.fields.Nested(BankStatementLineOut))
    unmatched_lines = ma.fields.List(ma.fields.Nested(BankStatementLineOut))
    unmatched_entries = ma.fields.List(ma.fields.Nested(BankEntryOut),
                                       metadata={"description": "The account's entries of the period no line matches"})
    unmatched_lines_total = Money()
    unmatched_entries_total = Money()


class BankAutoMatchIn(Schema):
    window_days = ma.fields.Integer(load_default=3, validate=ma.validate.Range(min=0, max=60),
                                    metadata={"description": "Entries dated this many days either side of the bank's date"})


class BankMatchIn(Schema):
    cash_entry_id = ma.fields.UUID(required=True)
