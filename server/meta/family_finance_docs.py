"""Finance's documents in the workspace export: the receipt (收款单), the payment (付款单), the transfer
between money accounts (资金调拨单), the opening balances (财务初始化) and the reclassification (调账单) —
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
    ledgers = _ledgers(app, p)
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


def _ledgers(app: Flask, p: Principal, cash_only: bool = False) -> list[dict]:
    ledgers = []
    entries = endpoint_route(app, "finance.counterparty_entries")
    if not cash_only and entries is not None and entries.allows(p):
        mf = _schema_fields(_schema_fields(entries.answer)["items"].inner.nested)
        ledgers.append({"key": "counterparty_entries", "label": L("往来分录", "Receivable/payable entries"),
                        "path": entries.path, "param": "document_id",
                        "columns": [describe_field(n, mf.get(n), LABELS[n], **({"type": "enum", "choices": DIRECTION_CHOICES}
                                                                              if n == "direction" else {}))
                                    for n in ("doc_date", "document_number", "direction", "amount", "memo")]})
    cash = endpoint_route(app, "finance.cash_entries")
    if cash is not None and cash.allows(p):
        cf = _schema_fields(_schema_fields(cash.answer)["items"].inner.nested)
        ledgers.append({"key": "cash_entries", "label": L("资金流水", "Bank and cash entries"), "path": cash.path,
                        "param": "document_id",
                        "columns": [describe_field(n, cf.get(n), LABELS[n]) for n in ("doc_date", "document_number", "amount", "memo")]})
    return ledgers


DIRECTION_CHOICES = [{"value": "receivable", "label": L("应收", "Receivable")}, {"value": "payable", "label": L("应付", "Payable")}]
LINE_KIND_CHOICES = [{"value": "party", "label": L("往来单位", "Counterparty")},
                     {"value": "organisation", "label": L("机构", "Organisation")},
                     {"value": "account", "label": L("资金账户", "Money account")}]
RECLASS_KIND_CHOICES = [{"value": "counterparty", "label": L("往来调账", "Between counterparties")},
                        {"value": "account", "label": L("资金调账", "Between money accounts")}]
ADJUST_LABELS: dict[str, dict] = {
    **LABELS, "doc_date": L("启用日期", "Go-live date"), "party_id": L("往来单位", "Counterparty"),
    "counterparty_org_id": L("机构", "Organisation"), "account_id": L("资金账户", "Money account"),
    "line_kind": L("类型", "Kind"), "line_count": L("行数", "Lines"), "receivable_total": L("应收合计", "Receivable"),
    "payable_total": L("应付合计", "Payable"), "account_total": L("资金合计", "Money"),
    "kind": L("调账类型", "Kind"), "from_party_id": L("转出往来单位", "Out of (counterparty)"),
    "from_org_id": L("转出机构", "Out of (organisation)"), "to_party_id": L("转入往来单位", "Into (counterparty)"),
    "to_org_id": L("转入机构", "Into (organisation)"), "from_account_id": L("转出账户", "Out of (account)"),
    "to_account_id": L("转入账户", "Into (account)"), "from_name": L("转出", "Out of"), "to_name": L("转入", "Into"),
    "reason": L("调账原因", "Reason"),
}
ADJUST_ENTRIES = {"finance_opening": ("finance_openings", L("财务初始化", "Opening balances"), L("期初余额表", "Opening balance sheet")),
                  "finance_reclass": ("finance_reclasses", L("调账单", "Reclassifications"), L("调账单", "Reclassification"))}


def _adjust_entry(app: Flask, p: Principal, doc_type: str) -> dict | None:
    """财务初始化 (lines: one balance each) and 调账单 (two kinds: between counterparties, between accounts)."""
    from ..finance.adjust_models import ADJUST_TYPES

    blueprint, label, one = ADJUST_ENTRIES[doc_type]
    if blueprint not in app.blueprints:
        return None
    base, routes = routes_of(app, blueprint, DOCUMENT_ROUTES)
    if "list" not in routes or not routes["list"].allows(p):
        return None
    create = _schema_fields(routes["create"].arguments.get("json")) if "create" in routes else {}
    out = _schema_fields(routes["read"].answer)
    lst = _schema_fields(_schema_fields(routes["list"].answer)["items"].inner.nested)
    labels = {**ADJUST_LABELS, **({"doc_date": L("单据日期", "Date")} if doc_type == "finance_reclass" else {})}
    parties, orgs = _lookup(app, p, "parties"), _lookup(app, p, "organisations")
    accounts = _lookup(app, p, "money-accounts", scoped=True)
    refs = {"party_id": parties, "from_party_id": parties, "to_party_id": parties, "org_id": orgs,
            "counterparty_org_id": orgs, "from_org_id": orgs, "to_org_id": orgs, "account_id": accounts,
            "from_account_id": accounts, "to_account_id": accounts}

    def field(name: str, source: dict, **extra) -> dict:
        if refs.get(name) and "lookup" not in extra:
            extra["lookup"] = refs[name]
        return describe_field(name, source.get(name) or out.get(name) or lst.get(name), labels[name], **extra)

    status = field("status", out, type="enum", choices=_choices(lifecycle.STATUSES, lifecycle.LABELS))
    fields, lines, kinds = [], None, []
    if doc_type == "finance_opening":
        if p.sees_all and "org_id" in create:
            fields.append(field("org_id", create, required=True))
        fields += [field("doc_date", create, required=True), field("note", create, required=False, type="text")]
        lf = _schema_fields(create["lines"].inner.nested) if "lines" in create else {}
        lines = {"item": "amount", "fields": [
            field("party_id", lf, required=False), field("counterparty_org_id", lf, required=False),
            field("account_id", lf, required=False),
            field("direction", lf, required=False, type="enum", choices=DIRECTION_CHOICES),
            # No line total: receivables, payables and money do not add up to one figure (the list shows each).
            field("amount", lf, required=True), field("memo", lf, required=False)]}
        columns = [field("number", out), field("doc_date", out)] + ([field("org_id", out)] if p.sees_all else []) + [
            field("line_count", lst), field("receivable_total", lst), field("payable_total", lst),
            field("account_total", lst), status]
        totals = []
    else:
        kinds = RECLASS_KIND_CHOICES
        fields.append(field("kind", create, required=True, type="enum", choices=kinds, default="counterparty"))
        if p.sees_all and "org_id" in create:
            fields.append(field("org_id", create, required=True))
        cp, acc = ["counterparty"], ["account"]
        fields += [field("doc_date", create, required=False),
                   field("direction", create, required=True, kinds=cp, type="enum", choices=DIRECTION_CHOICES),
                   field("from_party_id", create, required=False, kinds=cp), field("from_org_id", create, required=False, kinds=cp),
                   field("to_party_id", create, required=False, kinds=cp), field("to_org_id", create, required=False, kinds=cp),
                   field("from_account_id", create, required=True, kinds=acc),
                   field("to_account_id", create, required=True, kinds=acc),
                   field("amount", create, required=True), field("reason", create, required=True),
                   field("note", create, required=False, type="text")]
        columns = [field("number", out), field("doc_date", out)] + ([field("org_id", out)] if p.sees_all else []) + [
            field("kind", lst, type="enum", choices=kinds), field("from_name", lst), field("to_name", lst),
            field("amount", lst), field("reason", lst), status]
        totals = [field("amount", lst)]
    args = _schema_fields(routes["list"].arguments.get("query"))
    filters = [describe_field(n, args[n], labels[n], **({"type": "enum", "choices": _choices(lifecycle.STATUSES, lifecycle.LABELS)}
                                                         if n == "status" else {"lookup": orgs} if n == "org_id" else {}))
               for n in ("status", "date_from", "date_to") + (("org_id",) if p.sees_all else ()) if n in args]
    model = ADJUST_TYPES[doc_type]
    actions = _document_actions(routes, p, model.AUDITABLE, labels)
    upload = endpoint_route(app, f"{blueprint}.import_opening", "POST") if doc_type == "finance_opening" else None
    if upload is not None and upload.allows(p):
        # The draft's lines from a workbook (类型, 编码, 方向, 金额, 摘要): the page sends the file as ``file``.
        actions.append({"name": "import", "label": L("从 Excel 导入", "Import from Excel"), "method": "POST",
                        "path": upload.path, "states": ["draft"], "upload": {"field": "file", "accept": ".xlsx"}})
    return {
        "key": doc_type, "family": "finance", "label": label, "one": one, "path": base,
        "number_prefix": model.NUMBER_PREFIX, "read": routes["read"].path, "kinds": kinds, "fields": fields, "lines": lines,
        "list": {"columns": columns, "filters": filters, "search": "number" if "number" in args else None,
                 "search_label": LABELS["number"], "sort": None, "totals": totals, "export": None},
        "states": _choices(lifecycle.STATUSES, lifecycle.LABELS), "auditable": model.AUDITABLE,
        "actions": actions,
        "links": [{"field": "reverses_id", "label": L("原单", "Reverses")},
                  {"field": "reversal_id", "label": L("红冲单", "Reversed by")}],
        "ledgers": _ledgers(app, p), "audit": _audit(app, p, model.__tablename__), "prints": _prints(app, p, doc_type, one),
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
    """Receipts, payments, transfers between accounts, opening balances and reclassifications, for whoever
    may list them."""
    transfer = _transfer_entry(app, p)
    return [e for t in ENTRIES if (e := _entry(app, p, t)) is not None] + ([transfer] if transfer is not None else []) + \
        [e for t in ADJUST_ENTRIES if (e := _adjust_entry(app, p, t)) is not None]
