"""Transfers in the workspace export (spec §8): 申请单, 调拨单, 调拨收货单 — list (filters, search), document
with lines, the new/edit form, the actions each user may take in each state, the stock moves posted,
the audit trail and the print forms. Read from the routes (``server/transfer/api.py``: paths, permission
marks, schemas) and the transfer machines (``transfer.machine``: states, which event applies where).
A document's answer lists the actions the server accepts now (by state, permission and side), and its
``status`` is the state the actions name. Receiving with scanning and differences has its own page
(``/transfer/receive/<id>``, linked from the order's number); the in-transit overview is ``/transfer/in-transit``."""

from __future__ import annotations

from flask import Flask

from ..auth.principal import Principal
from .documents import _audit, _choices, _lookup, _prints, _schema_fields, describe_field, describer, endpoint_route
from .family_repairdesk import _stock_ledger

L = lambda zh, en: {"zh-CN": zh, "en": en}  # noqa: E731

LABELS: dict[str, dict] = {
    "number": L("单号", "Number"), "doc_date": L("单据日期", "Date"), "status": L("状态", "State"),
    "org_id": L("申请网点", "Requested by"), "org_name": L("申请网点", "Requested by"),
    "warehouse_id": L("调入仓库", "To warehouse"), "warehouse_name": L("调入仓库", "To warehouse"),
    "note": L("备注", "Note"), "decision_note": L("审批意见", "Decision"), "quantity": L("数量", "Quantity"),
    "approved_quantity": L("批准数量", "Approved"), "item_id": L("物料", "Item"), "shortage_id": L("缺料单", "Shortage"),
    "order_number": L("调拨单号", "Transfer order"), "request_number": L("申请单号", "Request"),
    "from_warehouse_id": L("调出仓库", "From warehouse"), "from_warehouse_name": L("调出仓库", "From warehouse"),
    "to_warehouse_id": L("调入仓库", "To warehouse"), "to_warehouse_name": L("调入仓库", "To warehouse"),
    "from_org_name": L("调出单位", "From"), "to_org_name": L("调入单位", "To"), "to_org_id": L("调入单位", "To"),
    "settle": L("内部结算", "Internal settlement"), "carrier": L("承运商", "Carrier"), "waybill": L("运单号", "Waybill"),
    "courier_party_id": L("承运方（索赔对象）", "Courier (claims)"), "value": L("调出成本", "Cost"),
    "transfer_price": L("调拨价", "Transfer price"), "serials": L("序列号", "Serials"), "received": L("实收", "Received"),
    "damaged": L("破损", "Damaged"), "shortfall": L("短缺", "Short"), "surplus": L("溢余", "Surplus"),
    "sent": L("发出", "Sent"), "loss_rule": L("处理", "Settled by"), "damage_to": L("破损去向", "Damaged to"),
    "claim_amount": L("索赔金额", "Claim"), "settled_amount": L("结算金额", "Settled"), "differences": L("差异行数", "Differences"),
    "stage": L("调拨状态", "Stage"), "q": L("单号 / 运单号", "Number / waybill"), "posted_at": L("发出时间", "Issued"),
    "received_at": L("收货时间", "Received"), "reason": L("原因", "Reason"), "issue": L("批准后立即发货", "Issue at once"),
    "receipt_number": L("收货单号", "Receipt"), "from_warehouse": L("调出仓库", "From warehouse"),
}
LOSS_RULES = {"sender": L("发货方承担", "Sender's loss"), "courier": L("向承运方索赔", "Claim on the courier")}
DAMAGE_TO = {"defective": L("入不良品仓", "To defective stock"), "back": L("退回调出方", "Back to the sender")}


def _route(app, p, endpoint, method="GET"):
    r = endpoint_route(app, f"transfer.{endpoint}", method)
    return r if r is not None and r.allows(p) else None


def _action(app, p, endpoint, name, label, states, method="POST", inputs=None, page=None):
    r = _route(app, p, endpoint, method)
    if r is None:
        return None
    out = {"name": name, "label": label, "method": method, "path": r.path, "states": states}
    if inputs:
        out["input"] = inputs
    if page:
        out["page"] = page  # the PWA's own screen for this action ({id}: the document's), instead of the form
    return out


def _request_entry(app: Flask, p: Principal) -> dict | None:
    from ..transfer import machine

    lst, read = _route(app, p, "list_requests"), _route(app, p, "get_request")
    if lst is None or read is None:
        return None
    create = endpoint_route(app, "transfer.create_request", "POST")
    cin = _schema_fields(create.arguments.get("json")) if create else {}
    line_in = _schema_fields(cin["lines"].inner.nested) if "lines" in cin else {}
    out = _schema_fields(read.answer)
    line_out = _schema_fields(out["lines"].inner.nested)
    states = _choices(machine.REQUEST_STATES, machine.REQUEST_STATES)
    refs = {"warehouse_id": _lookup(app, p, "warehouses", {"kind": ["good"]}), "item_id": _lookup(app, p, "items")}

    def f(name, schema, **extra):
        if refs.get(name):
            extra["lookup"] = refs[name]
        return describe_field(name, schema.get(name), LABELS[name], **extra)

    approve = endpoint_route(app, "transfer.approve_request", "POST")
    ain = _schema_fields(approve.arguments.get("json")) if approve else {}
    t = machine.REQUEST_EVENTS
    actions = [a for a in (
        _action(app, p, "create_request", "create", L("新建", "New"), [], "POST"),
        _action(app, p, "edit_request", "edit", t["edit"].label, ["draft"], "PATCH"),
        _action(app, p, "delete_request", "delete", L("删除", "Delete"), ["draft"], "DELETE"),
        _action(app, p, "submit_request", "submit", t["submit"].label, list(t["submit"].sources)),
        _action(app, p, "approve_request", "approve", t["approve"].label, list(t["approve"].sources), inputs=[
            describe_field("from_warehouse_id", ain.get("from_warehouse_id"), LABELS["from_warehouse_id"], required=True,
                           lookup=_lookup(app, p, "warehouses", {"kind": ["good"]})),
            describe_field("courier_party_id", ain.get("courier_party_id"), LABELS["courier_party_id"],
                           lookup=_lookup(app, p, "parties")),
            describe_field("carrier", ain.get("carrier"), LABELS["carrier"]),
            describe_field("waybill", ain.get("waybill"), LABELS["waybill"]),
            describe_field("settle", ain.get("settle"), LABELS["settle"], default=False),
            describe_field("issue", ain.get("issue"), LABELS["issue"], default=True)] if approve else None,
            # Headquarters approves on its own screen: each line's quantity (0 drops it), serials, price.
            page="/transfer/approve/{id}"),
        _action(app, p, "refuse_request", "refuse", t["refuse"].label, list(t["refuse"].sources),
                inputs=[describe_field("reason", ma_reason(app), LABELS["reason"], required=True)]),
        _action(app, p, "cancel_request", "cancel", t["cancel"].label, list(t["cancel"].sources)),
    ) if a is not None]
    label = L("调拨申请单", "Transfer requests")
    args = _schema_fields(lst.arguments.get("query"))
    return {
        "key": "transfer_request", "family": "transfer", "label": label, "one": L("调拨申请单", "Transfer request"),
        "path": lst.path, "number_prefix": "SQ", "read": read.path, "kinds": [],
        "fields": [f("doc_date", cin, required=False), f("warehouse_id", cin, required=True),
                   f("note", cin, required=False, type="text")],
        "lines": {"item": "item_id", "fields": [f("item_id", line_in, required=True),
                                                f("quantity", line_in, required=True, total=True),
                                                f("approved_quantity", line_out, filled=True, total=True),
                                                f("note", line_in, required=False)]},
        "list": {"columns": [f("number", out), f("doc_date", out), f("org_name", out), f("warehouse_name", out),
                             f("quantity", out), f("order_number", out), f("status", out, type="enum", choices=states)],
                 "filters": [describe_field("status", args.get("status"), LABELS["status"], type="enum", choices=states)]
                 if "status" in args else [],
                 "search": "q", "search_label": LABELS["number"], "sort": None, "totals": [], "export": None},
        "states": states, "auditable": False, "actions": actions, "links": [], "ledgers": [],
        "audit": _audit(app, p, "transfer_request"), "prints": _prints(app, p, "transfer_request", label),
        "audit_words": {name: tr.label for name, tr in t.items()},
    }


def ma_reason(app):
    r = endpoint_route(app, "transfer.refuse_request", "POST")
    return _schema_fields(r.arguments.get("json")).get("reason") if r else None


def _order_entry(app: Flask, p: Principal) -> dict | None:
    from ..core import lifecycle
    from ..transfer import machine

    lst, read = _route(app, p, "list_orders"), _route(app, p, "get_order")
    if lst is None or read is None:
        return None
    create = endpoint_route(app, "transfer.create_order", "POST")
    cin = _schema_fields(create.arguments.get("json")) if create else {}
    line_in = _schema_fields(cin["lines"].inner.nested) if "lines" in cin else {}
    out = _schema_fields(read.answer)
    line_out = _schema_fields(out["lines"].inner.nested)
    statuses = _choices(lifecycle.STATUSES, lifecycle.LABELS)
    stages = _choices(machine.ORDER_STAGES, machine.ORDER_STAGES)
    refs = {"from_warehouse_id": _lookup(app, p, "warehouses", {"kind": ["good"]}),
            "to_warehouse_id": _lookup(app, p, "warehouses", {"kind": ["good"]}),
            "courier_party_id": _lookup(app, p, "parties"), "item_id": _lookup(app, p, "items"),
            "to_org_id": _lookup(app, p, "organisations")}

    def f(name, schema, **extra):
        if refs.get(name):
            extra["lookup"] = refs[name]
        return describe_field(name, schema.get(name), LABELS[name], **extra)

    t = machine.ORDER_EVENTS
    reverse = endpoint_route(app, "transfer.reverse_order", "POST")
    actions = [a for a in (
        _action(app, p, "create_order", "create", L("新建", "New"), [], "POST"),
        _action(app, p, "edit_order", "edit", t["edit"].label, ["draft"], "PATCH"),
        _action(app, p, "delete_order", "delete", L("删除", "Delete"), ["draft"], "DELETE"),
        _action(app, p, "issue_order", "issue", t["issue"].label, ["draft"]),
        _action(app, p, "reverse_order", "reverse", t["reverse"].label, ["posted"], inputs=[
            describe_field("reason", _schema_fields(reverse.arguments.get("json")).get("reason") if reverse else None,
                           LABELS["reason"], required=True)]),
        # Confirming the whole order in as sent; differences are entered on /transfer/receive/<id>.
        _action(app, p, "receive_order", "receive", L("全部收货", "Receive all as sent"), ["posted"]),
    ) if a is not None]
    label = L("调拨单", "Transfer orders")
    args = _schema_fields(lst.arguments.get("query"))
    receive_link = "/transfer/receive/{id}"  # the receiving screen (differences, scanning)
    return {
        "key": "transfer_order", "family": "transfer", "label": label, "one": L("调拨单", "Transfer order"),
        "path": lst.path, "number_prefix": "DB", "read": read.path, "kinds": [],
        "fields": [f("doc_date", cin, required=False), f("from_warehouse_id", cin, required=True),
                   f("to_warehouse_id", cin, required=True), f("courier_party_id", cin, required=False),
                   f("carrier", cin, required=False), f("waybill", cin, required=False),
                   f("settle", cin, required=False, default=False), f("note", cin, required=False, type="text")],
        "lines": {"item": "item_id", "fields": [
            f("item_id", line_in, required=True), f("quantity", line_in, required=True, total=True),
            f("serials", line_in, required=False, serial={"attr": "serialized", "count": {"": "quantity"}}),
            f("transfer_price", line_in, required=False), f("value", line_out, filled=True, total=True),
            f("received", line_out, filled=True, total=True), f("damaged", line_out, filled=True, total=True),
            f("shortfall", line_out, filled=True, total=True), f("surplus", line_out, filled=True, total=True)]},
        "list": {"columns": [f("number", out), f("doc_date", out), f("from_org_name", out), f("to_org_name", out),
                             f("waybill", out), f("quantity", out), f("value", out),
                             f("stage", out, type="enum", choices=stages, link=receive_link)],
                 "filters": [f(n, args, **({"type": "enum", "choices": stages} if n == "stage" else {}))
                             for n in ("stage", "to_org_id") if n in args and (n != "to_org_id" or p.sees_all)],
                 "search": "q", "search_label": LABELS["q"], "sort": None, "totals": [], "export": None},
        "states": statuses, "auditable": False, "actions": actions,
        "links": [{"field": "reverses_id", "label": L("原单", "Reverses")},
                  {"field": "reversal_id", "label": L("红冲单", "Reversed by")}],
        "ledgers": _stock_ledger(app, p), "audit": _audit(app, p, "transfer_order"),
        "prints": _prints(app, p, "transfer_order", label),
    }


def _receipt_entry(app: Flask, p: Principal) -> dict | None:
    from ..core import lifecycle

    lst, read = _route(app, p, "list_receipts"), _route(app, p, "get_receipt")
    if lst is None or read is None:
        return None
    out = _schema_fields(read.answer)
    line_out = _schema_fields(out["lines"].inner.nested)
    statuses = _choices(lifecycle.STATUSES, lifecycle.LABELS)

    def f(name, schema, **extra):
        return describe_field(name, schema.get(name), LABELS[name], **extra)

    label = L("调拨收货单", "Transfer receipts")
    enum = lambda values: {"type": "enum", "choices": _choices(values, values)}  # noqa: E731
    return {
        "key": "transfer_receipt", "family": "transfer", "label": label, "one": L("调拨收货单", "Transfer receipt"),
        "path": lst.path, "number_prefix": "DR", "read": read.path, "kinds": [],
        "fields": [f("doc_date", out), f("order_number", out), f("from_org_name", out), f("differences", out),
                   f("note", out, type="text")],
        "lines": {"item": "item_id", "fields": [
            f("item_id", line_out, lookup=_lookup(app, p, "items")), f("sent", line_out, filled=True, total=True),
            f("received", line_out, filled=True, total=True), f("damaged", line_out, filled=True, total=True),
            f("shortfall", line_out, filled=True, total=True), f("surplus", line_out, filled=True, total=True),
            f("loss_rule", line_out, filled=True, **enum(LOSS_RULES)), f("damage_to", line_out, filled=True, **enum(DAMAGE_TO)),
            f("claim_amount", line_out, filled=True, total=True), f("settled_amount", line_out, filled=True, total=True),
            f("serials", line_out, filled=True)]},
        "list": {"columns": [f("number", out), f("doc_date", out), f("order_number", out), f("from_org_name", out),
                             f("differences", out), f("status", out, type="enum", choices=statuses)],
                 "filters": [], "search": "q", "search_label": LABELS["number"], "sort": None, "totals": [], "export": None},
        "states": statuses, "auditable": False, "actions": [], "links": [],
        "ledgers": _stock_ledger(app, p), "audit": _audit(app, p, "transfer_receipt"),
        "prints": _prints(app, p, "transfer_receipt", label),
    }


@describer
def transfer_documents(app: Flask, p: Principal) -> list[dict]:
    """The request, the transfer order and its receipt, for whoever may list them."""
    return [e for e in (_request_entry(app, p), _order_entry(app, p), _receipt_entry(app, p)) if e is not None]
