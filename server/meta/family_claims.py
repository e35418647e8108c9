"""Labour-fee claims in the workspace export (spec §10.7): 劳务费申报单 — list (filters, search), the claim
with its lines, the build form (manufacturer, period → the draft with every eligible line), the actions
each user may take in each stage (submit, settle, delete), the money ledger rows it wrote, the audit
trail and the print form. Read from the routes (``server/claims/api.py``) and the claim's machine
(``claims.machine``: stages, which event applies where); a claim's ``status`` is its stage. Entering the
manufacturer's answer line by line and importing its Excel answer have a page of their own
(``/claims/answer/<id>``, linked from the list's stage): the workspace has no per-line inputs or uploads."""

from __future__ import annotations

from flask import Flask

from ..auth.principal import Principal
from .documents import _audit, _choices, _lookup, _prints, _schema_fields, describe_field, describer, endpoint_route

L = lambda zh, en: {"zh-CN": zh, "en": en}  # noqa: E731

LABELS: dict[str, dict] = {
    "number": L("单号", "Number"), "doc_date": L("申报日期", "Date"), "status": L("状态", "Stage"),
    "stage": L("状态", "Stage"), "org_id": L("机构", "Organisation"), "org_name": L("机构", "Organisation"),
    "manufacturer_id": L("厂家", "Manufacturer"), "manufacturer_name": L("厂家", "Manufacturer"),
    "period_from": L("期间起", "Period from"), "period_to": L("期间止", "Period to"), "note": L("备注", "Note"),
    "line_count": L("笔数", "Lines"), "claimed_total": L("申报金额", "Claimed"), "accepted_total": L("核定金额", "Accepted"),
    "order_number": L("维修单号", "Repair order"), "imei": L("IMEI", "IMEI"), "model_name": L("机型", "Model"),
    "fault": L("故障现象", "Fault"), "methods": L("处理方法", "Method"), "level_name": L("维修级别", "Level"),
    "taken_in": L("接机日期", "Taken in"), "completed": L("完成日期", "Completed"), "labour_fee": L("劳务费", "Labour"),
    "parts_amount": L("备件费", "Parts"), "amount": L("申报金额", "Claimed"), "result": L("厂家回复", "Answer"),
    "accepted_amount": L("核定金额", "Accepted"), "reason": L("原因", "Reason"), "q": L("单号", "Number"),
    "receipt_id": L("厂家收款单", "Manufacturer's receipt"), "settle_note": L("结算备注", "Settlement note"),
}
LEDGER_LABELS = {"doc_date": L("日期", "Date"), "document_number": L("单号", "Number"), "direction": L("方向", "Direction"),
                 "amount": L("金额", "Amount"), "memo": L("摘要", "Memo")}
RESULTS = {"accepted": L("通过", "Accepted"), "cut": L("核减", "Cut"), "rejected": L("拒绝", "Rejected")}


def _route(app, p, endpoint, method="GET"):
    r = endpoint_route(app, f"claims.{endpoint}", method)
    return r if r is not None and r.allows(p) else None


def _action(app, p, endpoint, name, label, states, method="POST", inputs=None):
    r = _route(app, p, endpoint, method)
    if r is None:
        return None
    out = {"name": name, "label": label, "method": method, "path": r.path, "states": states}
    if inputs:
        out["input"] = inputs
    return out


def _entry(app: Flask, p: Principal) -> dict | None:
    from ..claims import machine

    lst, read = _route(app, p, "list_claims"), _route(app, p, "get_claim")
    if lst is None or read is None:
        return None
    build = endpoint_route(app, "claims.build", "POST")
    cin = _schema_fields(build.arguments.get("json")) if build else {}
    out = _schema_fields(read.answer)
    line_out = _schema_fields(out["lines"].inner.nested)
    stages = _choices(machine.STAGES, machine.STAGES)
    refs = {"manufacturer_id": _lookup(app, p, "parties", {"roles": ["manufacturer"]}), "org_id": _lookup(app, p, "organisations")}

    def f(name, schema, **extra):
        if refs.get(name) and "lookup" not in extra:
            extra["lookup"] = refs[name]
        return describe_field(name, schema.get(name), LABELS[name], **extra)

    t = machine.EVENTS
    settle = endpoint_route(app, "claims.settle", "POST")
    sin = _schema_fields(settle.arguments.get("json")) if settle else {}
    actions = [a for a in (
        _action(app, p, "build", "create", L("生成申报单", "Build a claim"), [], "POST"),
        _action(app, p, "delete", "delete", t["delete"].label, ["draft"], "DELETE"),
        _action(app, p, "submit", "submit", t["submit"].label, list(t["submit"].sources)),
        _action(app, p, "settle", "settle", t["settle"].label, list(t["settle"].sources), inputs=[
            describe_field("receipt_id", sin.get("receipt_id"), LABELS["receipt_id"]),
            describe_field("note", sin.get("note"), LABELS["settle_note"])] if settle else None),
    ) if a is not None]
    fields = []
    if p.sees_all and "org_id" in cin:
        fields.append(f("org_id", cin, required=False))
    fields += [f("manufacturer_id", cin, required=True), f("period_from", cin, required=True),
               f("period_to", cin, required=True), f("note", cin, required=False, type="text")]
    args = _schema_fields(lst.arguments.get("query"))
    answer_link = "/claims/answer/{id}"  # answers line by line and the Excel import
    columns = [f("number", out), f("doc_date", out)]
    if p.sees_all:
        columns.append(f("org_name", out))
    columns += [f("manufacturer_name", out), f("period_from", out), f("period_to", out), f("line_count", out),
                f("claimed_total", out), f("accepted_total", out),
                f("status", out, type="enum", choices=stages, link=answer_link)]
    filters = [describe_field("stage", args["stage"], LABELS["stage"], type="enum", choices=stages)] if "stage" in args else []
    if "manufacturer_id" in args:
        filters.append(f("manufacturer_id", args))
    if p.sees_all and "org_id" in args:
        filters.append(f("org_id", args))
    ledgers = []
    entries = endpoint_route(app, "finance.counterparty_entries")
    if entries is not None and entries.allows(p):
        mf = _schema_fields(_schema_fields(entries.answer)["items"].inner.nested)
        ledgers.append({"key": "counterparty_entries", "label": L("往来分录", "Receivable/payable entries"),
                        "path": entries.path, "param": "document_id",
                        "columns": [describe_field(n, mf.get(n), LEDGER_LABELS[n])
                                    for n in ("doc_date", "document_number", "direction", "amount", "memo")]})
    label = L("劳务费申报单", "Labour-fee claims")
    return {
        "key": "labour_claim", "family": "claims", "label": label, "one": L("劳务费申报单", "Labour-fee claim"),
        "path": lst.path, "number_prefix": "LW", "read": read.path, "kinds": [], "fields": fields,
        "lines": {"item": "order_number", "fields": [
            f(n, line_out, filled=True, **({"total": True} if n in ("labour_fee", "parts_amount", "amount", "accepted_amount")
                                           else {"type": "enum", "choices": _choices(RESULTS, RESULTS)} if n == "result"
                                           else {}))
            # The fault, methods and taken-in date are on the print form and the export; the screen keeps
            # to what the answer needs.
            for n in ("order_number", "imei", "model_name", "completed", "labour_fee", "parts_amount", "amount", "result",
                      "accepted_amount", "reason")]},
        "list": {"columns": columns, "filters": filters, "search": "q", "search_label": LABELS["q"], "sort": None,
                 "totals": [f("claimed_total", out), f("accepted_total", out)], "export": None},
        "states": stages, "auditable": False, "actions": actions, "links": [], "ledgers": ledgers,
        "audit": _audit(app, p, "labour_claim"), "prints": _prints(app, p, "labour_claim", label),
        "audit_words": {name: tr.label for name, tr in t.items()},
    }


@describer
def claims_documents(app: Flask, p: Principal) -> list[dict]:
    """The labour-fee claim, for whoever may list claims."""
    return [e for e in (_entry(app, p),) if e is not None]
