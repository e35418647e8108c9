"""Finance's documents in the workspace export: the receipt (收款单), the payment (付款单) and the
transfer between money accounts (资金调拨单) —
list, filters, form, detail, the lifecycle actions (post, 红冲), the money ledger rows each wrote,
the audit trail and the vouchers. Read from their routes (``server/finance/settlement_api.py``, the
document shape of ``DOCUMENT_ROUTES``) and the print registry. Allocating money left on account
against open items has a screen of its own (``/finance/allocate/<type>/<id>``, linked from the
document's amount): the workspace has no line picker for it."""

from __future__ import annotations

from typing import Any

from flask import Flask

from ..auth.principal import Principal
from ..core import lifecycle
from ..finance.settlement_models import SETTLEMENT_TYPES
from .documents import (DOCUMENT_ROUTES, _audit, _choices, _document_actions, _lookup, _prints, _schema_fields,
                        describe_field, describer, endpoint_route, routes_of)

L = lambda zh, en: {"zh-CN": zh, "en": en}  # noqa: E731

ENTRIES = {
    "finance_receipt": ("finance_receipts", L("收款单", "Receipts"), L("收款单", "Receipt"), L("付款单位", "Received from"),
                        L("收款账户", "Into account")),
    "finance_payment": ("finance_payments", L("付款单", "Payments"), L("付款单", "Payment"), L("收款单位", "Paid to"),
                        L("付款账户", "From account")),
}
LABELS: dict[str, dict] = {
    "number": L("单号", "Number"), "doc_date": L("单据日期", "Date"), "status": L("状态", "Status"),
    "org_id": L("机构", "Organisation"), "amount": L("金额", "Amount"), "auto_allocate": L("自动核销", "Allocate oldest first"),
    "reference": L("凭证号", "Reference"), "note": L("备注", "Note"), "allocated": L("已核销", "Allocated"),
    "on_account": L("预收/预付（未核销）", "On account"), "reason": L("原因", "Reason"), "on": L("红冲日期", "Date"),
    "date_from": L("起始日期", "From"), "date_to": L("截止日期", "To"), "counterparty_name": L("往来单位", "Counterparty"),
    "counterparty_org_id": L("往来机构", "Counterparty organisation"), "posted_at": L("过账时间", "Posted at"),
    "document_number": L("单号", "Number"), "direction": L("方向", "Direction"), "memo": L("摘要", "Memo"),
}


def _entry(app: Flask, p: Principal, doc_type: str) -> dict | None:
    blueprint, label, one, party_label, account_label = ENTRIES[doc_type]
    if blueprint not in app.blueprints:
        return None
    base, routes = routes_of(app, blueprint, DOCUMENT_ROUTES)
    if "list" not in routes or not routes["list"].allows(p):
        return None
    create = _schema_fields(routes["create"].arguments.get("json")) if "create" in routes else {}
    out = _schema_fields(routes["read"].answer)
    labels = {**LABELS, "party_id": party_label, "account_id": account_label}
    parties = _lookup(app, p, "parties")
    accounts = _lookup(app, p, "money-accounts", scoped=True)
    orgs = _lookup(app, p, "organisations")
    refs = {"party_id": {"lookup": parties}, "account_id": {"lookup": accounts}, "org_id": {"lookup": orgs},
            "counterparty_org_id": {"lookup": orgs}}
    allocate = f"/finance/allocate/{doc_type}/{{id}}"

    def field(name: str, source: dict, **extra) -> dict:
        return describe_field(name, source.get(name) or out.get(name), labels[name], **refs.get(name, {}), **extra)

    fields = []
    if p.sees_all and "org_id" in create:
        fields.append(field("org_id", create, required=True))
    fields += [field("party_id", create, required=True), field("account_id", create, required=True),
               # The amount opens the allocation screen (what is allocated, what is left on account).
               field("amount", create, required=True, link=allocate), field("doc_date", create, required=False),
               field("auto_allocate", create, required=False, default=True),
               field("reference", create, required=False), field("note", create, required=False, type="text")]
    columns = [field("number", out), field("doc_date", out)]
    if p.sees_all:
        columns.append(field("org_id", out))
    columns += [field("party_id", out), field("account_id", out), field("amount", out), field("reference", out),
                field("status", out, type="enum", choices=_choices(lifecycle.STATUSES, lifecycle.LABELS))]
    args = _schema_fields(routes["list"].arguments.get("query"))
    filters = []
    for name in ("status", "party_id", "account_id", "date_from", "date_to") + (("org_id",) if p.sees_all else ()):
        if name not in args:
            continue
        extra: dict[str, Any] = {}
        if name == "status":
            extra = {"type": "enum", "choices": _choices(lifecycle.STATUSES, lifecycle.LABELS)}
        filters.append(describe_field(name, args[name], labels[name], **refs.get(name, {}), **extra))
    ledgers = []
    entries = endpoint_route(app, "finance.counterparty_entries")
    if entries is not None and entries.allows(p):
        mf = _schema_fields(_schema_fields(entries.answer)["items"].inner.nested)
        ledgers.append({"key": "counterparty_entries", "label": L("往来分录", "Receivable/payable entries"),
                        "path": entries.path, "param": "document_id",
                        "columns": [describe_field(n, mf.get(n), labels.get(n) or LABELS[n])
                                    for n in ("doc_date", "document_number", "direction", "amount", "memo")]})
    cash = endpoint_route(app, "finance.cash_entries")
    if cash is not None and cash.allows(p):
        cf = _schema_fields(_schema_fields(cash.answer)["items"].inner.nested)
        ledgers.append({"key": "cash_entries", "label": L("资金流水", "Bank and cash entries"), "path": cash.path,
                        "param": "document_id",
                        "columns": [describe_field(n, cf.get(n), LABELS[n]) for n in ("doc_date", "document_number", "amount", "memo")]})
    model = SETTLEMENT_TYPES[doc_type]
    return {
        "key": doc_type, "family": "finance", "label": label, "one": one, "path": base,
        "number_prefix": model.NUMBER_PREFIX, "read": routes["read"].path, "kinds": [], "fields": fields, "lines": None,
        "list": {"columns": columns, "filters": filters, "search": "number" if "number" in args else None,
                 "search_label": LABELS["number"], "sort": None, "totals": [field("amount", out)], "export": None},
        "states": _choices(lifecycle.STATUSES, lifecycle.LABELS), "auditable": model.AUDITABLE,
        "actions": _document_actions(routes, p, model.AUDITABLE, labels),
        "links": [{"field": "reverses_id", "label": L("原单", "Reverses")},
                  {"field": "reversal_id", "label": L("红冲单", "Reversed by")}],
        "ledgers": ledgers, "audit": _audit(app, p, model.__tablename__), "prints": _prints(app, p, doc_type, one),
    }


TRANSFER_LABELS = {**LABELS, "from_account_id": L("转出账户", "From account"), "to_account_id": L("转入账户", "To account"),
                   "account_id": L("账户", "Account"), "reference": L("银行凭证号", "Bank reference")}


def _transfer_entry(app: Flask, p: Principal) -> dict | None:
    """资金调拨单: money from one account to another of the same organisation (server/finance/bank_api.py)."""
    from ..finance.bank_models import FinanceTransfer

    if "finance_transfers" not in app.blueprints:
        return None
    base, routes = routes_of(app, "finance_transfers", DOCUMENT_ROUTES)
    if "list" not in routes or not routes["list"].allows(p):
        return None
    create = _schema_fields(routes["create"].arguments.get("json")) if "create" in routes else {}
    out = _schema_fields(routes["read"].answer)
    labels = TRANSFER_LABELS
    accounts = _lookup(app, p, "money-accounts", scoped=True)
    orgs = _lookup(app, p, "organisations")
    refs = {"from_account_id": {"lookup": accounts}, "to_account_id": {"lookup": accounts},
            "account_id": {"lookup": accounts}, "org_id": {"lookup": orgs}}

    def field(name: str, source: dict, **extra) -> dict:
        return describe_field(name, source.get(name) or out.get(name), labels[name], **refs.get(name, {}), **extra)

    fields = []
    if p.sees_all and "org_id" in create:
        fields.append(field("org_id", create, required=True))
    fields += [field("from_account_id", create, required=True), field("to_account_id", create, required=True),
               field("amount", create, required=True), field("doc_date", create, required=False),
               field("reference", create, required=False), field("note", create, required=False, type="text")]
    states = _choices(lifecycle.STATUSES, lifecycle.LABELS)
    columns = [field("number", out), field("doc_date", out)] + ([field("org_id", out)] if p.sees_all else [])
    columns += [field("from_account_id", out), field("to_account_id", out), field("amount", out),
                field("reference", out), field("status", out, type="enum", choices=states)]
    args = _schema_fields(routes["list"].arguments.get("query"))
    filters = []
    for name in ("status", "account_id", "date_from", "date_to") + (("org_id",) if p.sees_all else ()):
        if name in args:
            extra: dict[str, Any] = {"type": "enum", "choices": states} if name == "status" else {}
            filters.append(describe_field(name, args[name], labels[name], **refs.get(name, {}), **extra))
    ledgers = []
    cash = endpoint_route(app, "finance.cash_entries")
    if cash is not None and cash.allows(p):
        cf = _schema_fields(_schema_fields(cash.answer)["items"].inner.nested)
        ledgers.append({"key": "cash_entries", "label": L("资金流水", "Bank and cash entries"), "path": cash.path,
                        "param": "document_id",
                        "columns": [describe_field(n, cf.get(n), labels.get(n) or LABELS[n],
                                                   **({"lookup": accounts} if n == "account_id" else {}))
                                    for n in ("doc_date", "document_number", "account_id", "amount", "memo")]})
    return {
        "key": FinanceTransfer.DOC_TYPE, "family": "finance", "label": L("资金调拨单", "Transfers"),
        "one": L("资金调拨单", "Transfer"), "path": base, "number_prefix": FinanceTransfer.NUMBER_PREFIX,
        "read": routes["read"].path, "kinds": [], "fields": fields, "lines": None,
        "list": {"columns": columns, "filters": filters, "search": "number" if "number" in args else None,
                 "search_label": LABELS["number"], "sort": None, "totals": [field("amount", out)], "export": None},
        "states": states, "auditable": FinanceTransfer.AUDITABLE,
        "actions": _document_actions(routes, p, FinanceTransfer.AUDITABLE, labels),
        "links": [{"field": "reverses_id", "label": L("原单", "Reverses")},
                  {"field": "reversal_id", "label": L("红冲单", "Reversed by")}],
        "ledgers": ledgers, "audit": _audit(app, p, FinanceTransfer.__tablename__),
        "prints": _prints(app, p, FinanceTransfer.DOC_TYPE, L("资金调拨单", "Transfer")),
    }


@describer
def finance_documents(app: Flask, p: Principal) -> list[dict[str, Any]]:
    """Receipts, payments and transfers between accounts, for whoever may list them."""
    docs = [e for t in ENTRIES if (e := _entry(app, p, t)) is not None]
    transfer = _transfer_entry(app, p)
    return docs + ([transfer] if transfer is not None else [])
