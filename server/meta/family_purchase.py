"""Purchasing in the workspace export (spec §5): 采购订单, 采购入库单, 采购退货单 — list (filters, search,
totals), document with priced lines, the new/edit form, the actions each user may take in each state,
the stock moves a receipt or return posted, the audit trail and the print forms. Read from the routes
(``server/purchase/api.py``: paths, permission marks, schemas), the order's machine
(``purchase.statemachine``: states, which event applies where) and the lifecycle; the words are
``purchase.schemas.LABELS``. A receipt names its order, a return its receipt (a lookup into their
lists); the lines then name items, matched to the order's (or receipt's) lines by the server."""

from __future__ import annotations

from typing import Any

from flask import Flask

from ..auth.principal import Principal
from .documents import (DOCUMENT_ROUTES, _PAGING, _audit, _choices, _document_actions, _lookup, _prints, _schema_fields,
                        describe_field, describer, routes_of, IMEI_LINK)
from .family_repairdesk import _stock_ledger

L = lambda zh, en: {"zh-CN": zh, "en": en}  # noqa: E731
ORDER_ROUTES = {"list": ("GET", ""), "read": ("GET", "/<id>"), "create": ("POST", ""), "edit": ("PATCH", "/<id>"),
                "approve": ("POST", "/<id>/approve"), "close": ("POST", "/<id>/close"), "cancel": ("POST", "/<id>/cancel")}


def _order_entry(app: Flask, p: Principal) -> dict | None:
    from ..purchase import statemachine as sm
    from ..purchase.schemas import LABELS

    if "purchase_orders" not in app.blueprints:
        return None
    base, routes = routes_of(app, "purchase_orders", ORDER_ROUTES)
    if "list" not in routes or not routes["list"].allows(p):
        return None
    create = _schema_fields(routes["create"].arguments.get("json")) if "create" in routes else {}
    out = _schema_fields(routes["read"].answer)
    line_in = _schema_fields(create["lines"].inner.nested) if "lines" in create else {}
    line_out = _schema_fields(out["lines"].inner.nested)
    states = _choices(sm.STATES, sm.STATE_LABELS)
    refs = {"org_id": _lookup(app, p, "organisations"),
            "party_id": _lookup(app, p, "parties", {"roles": ["supplier", "manufacturer"]}),
            "warehouse_id": _lookup(app, p, "warehouses", scoped=True), "item_id": _lookup(app, p, "items")}

    def field(name, schema, **extra):
        if name in refs and refs[name]:
            extra["lookup"] = refs[name]
        return describe_field(name, schema.get(name), LABELS[name], **extra)

    header = [field("doc_date", create, required=False)]
    if p.sees_all:
        header.append(field("org_id", create, required=True))
    header += [field("party_id", create, required=True), field("warehouse_id", create, required=True),
               field("expected_date", create, required=False), field("note", create, required=False, type="text")]
    lines = [field("item_id", line_in, required=True), field("quantity", line_in, required=True, total=True),
             field("unit_price", line_in, required=True), field("tax_rate", line_in, required=False, format="rate"),
             field("price_includes_tax", line_in, required=False, default=False),
             field("net", line_out, filled=True, total=True), field("tax", line_out, filled=True, total=True),
             field("gross", line_out, filled=True, total=True),
             field("received_quantity", line_out, filled=True, total=True), field("note", line_in, required=False)]
    columns = [field("number", out), field("doc_date", out)] + ([field("org_id", out)] if p.sees_all else []) + [
        field("party_id", out), field("warehouse_id", out), field("gross_total", out),
        field("status", out, type="enum", choices=states)]
    args = _schema_fields(routes["list"].arguments.get("query"))
    filters = [field(n, args, **({"type": "enum", "choices": states} if n == "status" else {}))
               for n in ("status", "party_id", "org_id", "since", "until") if n in args and (n != "org_id" or p.sees_all)]
    totals = _schema_fields(_schema_fields(routes["list"].answer)["totals"].nested)
    actions: list[dict[str, Any]] = []
    for name in ("create", "edit", "approve", "close", "cancel"):
        route = routes.get(name)
        if route is None or not route.allows(p):
            continue
        if name == "create":
            action = {"name": name, "label": L("新建", "New"), "method": route.method, "path": route.path, "states": []}
        else:
            t = sm.TRANSITIONS[name]
            action = {"name": name, "label": t.label, "method": route.method, "path": route.path, "states": list(t.sources)}
            if name in ("close", "cancel"):
                action["input"] = [describe_field("reason", _schema_fields(route.arguments.get("json")).get("reason"),
                                                  LABELS["reason"], required=False)]
        actions.append(action)
    label = L("采购订单", "Purchase orders")
    return {
        "key": "purchase_order", "family": "purchase", "label": label, "one": L("采购订单", "Purchase order"),
        "path": base, "number_prefix": "CG", "read": routes["read"].path, "kinds": [], "fields": header,
        "lines": {"item": "item_id", "fields": lines},
        "list": {"columns": columns, "filters": filters, "search": "q", "search_label": LABELS["q"], "sort": None,
                 "totals": [describe_field(n, f, LABELS[n]) for n, f in totals.items()], "export": None},
        "states": states, "auditable": False, "actions": actions, "links": [], "ledgers": [],
        "audit": _audit(app, p, "purchase_order"), "prints": _prints(app, p, "purchase_order", label),
        # The order's audited steps beyond create and edit (operations: purchase_order.<word>).
        "audit_words": {**{name: t.label for name, t in sm.TRANSITIONS.items()},
                        "return": L("采购退货", "Returned"), "receipt_reversed": L("入库红冲", "Receipt reversed"),
                        "return_reversed": L("退货红冲", "Return reversed")},
    }


def _posted_entry(app: Flask, p: Principal, key: str, blueprint: str, label: dict, one: dict, prefix: str,
                  parent: str, parent_lookup: dict | None) -> dict | None:
    from ..core import lifecycle
    from ..purchase.schemas import LABELS

    if blueprint not in app.blueprints:
        return None
    base, routes = routes_of(app, blueprint, DOCUMENT_ROUTES)
    if "list" not in routes or not routes["list"].allows(p):
        return None
    create = _schema_fields(routes["create"].arguments.get("json")) if "create" in routes else {}
    out = _schema_fields(routes["read"].answer)
    line_in = _schema_fields(create["lines"].inner.nested) if "lines" in create else {}
    line_out = _schema_fields(out["lines"].inner.nested)
    refs = {parent: parent_lookup, "party_id": _lookup(app, p, "parties"), "warehouse_id": _lookup(app, p, "warehouses"),
            "item_id": _lookup(app, p, "items"), "org_id": _lookup(app, p, "organisations")}
    states = _choices(lifecycle.STATUSES, lifecycle.LABELS)

    def field(name, schema, **extra):
        if refs.get(name):
            extra["lookup"] = refs[name]
        return describe_field(name, schema.get(name), LABELS[name], **extra)

    # The supplier and the warehouse are the order's: shown in the list, never entered.
    header = [field(parent, create, required=True), field("doc_date", create, required=False),
              field("note", create, required=False, type="text")]
    lines = [field("item_id", line_in, required=True), field("quantity", line_in, required=True, total=True),
             field("serials", line_in, required=False, serial={"attr": "serialized", "count": {"": "quantity"}},
                   link_each=IMEI_LINK),
             field("net", line_out, filled=True, total=True), field("tax", line_out, filled=True, total=True),
             field("gross", line_out, filled=True, total=True), field("note", line_in, required=False)]
    columns = [field("number", out), field("doc_date", out)] + ([field("org_id", out)] if p.sees_all else []) + [
        field("order_number", out), field("party_id", out), field("gross_total", out),
        field("status", out, type="enum", choices=states)]
    args = _schema_fields(routes["list"].arguments.get("query"))
    filters = [field(n, args, **({"type": "enum", "choices": states} if n == "status" else {}))
               for n in ("status", "party_id", "since", "until") if n in args and n not in _PAGING]
    totals = _schema_fields(_schema_fields(routes["list"].answer)["totals"].nested)
    return {
        "key": key, "family": "purchase", "label": label, "one": one, "path": base, "number_prefix": prefix,
        "read": routes["read"].path, "kinds": [], "fields": header, "lines": {"item": "item_id", "fields": lines},
        "list": {"columns": columns, "filters": filters, "search": "number", "search_label": LABELS["number"],
                 "sort": None, "totals": [describe_field(n, f, LABELS[n]) for n, f in totals.items()], "export": None},
        "states": states, "auditable": False, "actions": _document_actions(routes, p, False, LABELS),
        "links": [{"field": "reverses_id", "label": L("原单", "Reverses")},
                  {"field": "reversal_id", "label": L("红冲单", "Reversed by")}],
        "ledgers": _stock_ledger(app, p), "audit": _audit(app, p, key), "prints": _prints(app, p, key, one),
    }


@describer
def purchase_documents(app: Flask, p: Principal) -> list[dict]:
    """The purchase order, its receipts and its returns, for whoever may list them."""
    from ..purchase import statemachine as sm

    out = []
    order = _order_entry(app, p)
    if order is not None:
        out.append(order)
        receiving = {"kind": "purchase-orders", "path": order["path"], "search": "q", "display": ["number"],
                     "only": {"status": list(sm.RECEIVING)}}
    else:
        receiving = None
    receipt = _posted_entry(app, p, "purchase_receipt", "purchase_receipts", L("采购入库单", "Purchase receipts"),
                            L("采购入库单", "Purchase receipt"), "CR", "order_id", receiving)
    if receipt is not None:
        out.append(receipt)
    posted = {"kind": "purchase-receipts", "path": receipt["path"], "search": "number", "display": ["number"],
              "only": {"status": ["posted"]}} if receipt is not None else None
    ret = _posted_entry(app, p, "purchase_return", "purchase_returns", L("采购退货单", "Purchase returns"),
                        L("采购退货单", "Purchase return"), "CT", "receipt_id", posted)
    if ret is not None:
        out.append(ret)
    return out
