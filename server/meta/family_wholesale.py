"""Wholesale's documents in the workspace export (spec §6): 销售订单, 发货单, 销售退货单 — list with
filters, search and totals, the form with priced lines, the states (the order's machine; the
deliveries' and returns' lifecycle), the actions each route allows the user, the ledgers a delivery or
return wrote, the audit trail, the print forms and the links between them. Read from the routes
(``server/wholesale/api.py``: paths, permission marks, argument and answer schemas) and the order's
machine (``wholesale.statemachine``); the words are stated here once. No page of its own: the
workspace draws all three (docs/wholesale.md)."""

from __future__ import annotations

from typing import Any

from flask import Flask

from ..auth.principal import Principal
from ..core import lifecycle
from .documents import (_PAGING, Route, _audit, _choices, _lookup, _prints, _schema_fields, describe_field,
                        describer, routes_of)
from .family_repairdesk import _money_ledgers, _stock_ledger

L = lambda zh, en: {"zh-CN": zh, "en": en}  # noqa: E731

LABELS: dict[str, dict] = {
    "number": L("单号", "Number"), "doc_date": L("单据日期", "Date"), "status": L("状态", "Status"),
    "org_id": L("销售机构", "Selling organisation"), "party_id": L("客户（经销商）", "Customer (dealer)"),
    "warehouse_id": L("发货仓库", "Ship from"), "tax_rate": L("税率", "Tax rate"),
    "price_includes_tax": L("含税价", "Prices include tax"), "contact_name": L("联系人", "Contact"),
    "contact_phone": L("联系电话", "Contact phone"), "address": L("收货地址", "Ship to"), "note": L("备注", "Note"),
    "net_total": L("不含税金额", "Net"), "tax_total": L("税额", "Tax"), "gross_total": L("价税合计", "Total"),
    "cost_total": L("成本", "Cost"), "profit": L("毛利", "Gross profit"),
    "credit_balance": L("提交时应收余额", "Receivable at submission"), "credit_limit": L("信用额度", "Credit limit"),
    "posted_at": L("提交/过账时间", "Submitted / posted"), "approved_at": L("审批时间", "Approved at"),
    "closed_at": L("关闭时间", "Closed at"), "close_reason": L("关闭/作废原因", "Why closed"),
    "item_id": L("产品", "Item"), "quantity": L("数量", "Quantity"), "list_price": L("批发价", "Wholesale price"),
    "unit_price": L("单价", "Unit price"), "discount_rate": L("折扣率", "Discount"), "net": L("不含税金额", "Net"),
    "tax": L("税额", "Tax"), "gross": L("价税合计", "Total"), "delivered_quantity": L("已发货", "Delivered"),
    "returned_quantity": L("已退货", "Returned"), "cost": L("成本", "Cost"), "serials": L("串号", "Serials"),
    "order_id": L("销售订单", "Sales order"), "order_number": L("订单号", "Order"), "carrier": L("承运商", "Carrier"),
    "waybill": L("运单号", "Waybill"), "delivery_id": L("发货单", "Delivery"), "delivery_number": L("发货单号", "Delivery"),
    "reason": L("退货原因", "Why returned"), "since": L("起始日期", "From"), "until": L("截止日期", "To"),
    "q": L("单号", "Number"),
}
DOC_STATES = {"draft": lifecycle.LABELS["draft"], "posted": lifecycle.LABELS["posted"], "reversed": lifecycle.LABELS["reversed"]}

ORDER_ROUTES = {"list": ("GET", "/orders"), "read": ("GET", "/orders/<id>"), "create": ("POST", "/orders"),
                "edit": ("PATCH", "/orders/<id>"), "delete": ("DELETE", "/orders/<id>"),
                "submit": ("POST", "/orders/<id>/submit"), "approve": ("POST", "/orders/<id>/approve"),
                "cancel": ("POST", "/orders/<id>/cancel"), "close": ("POST", "/orders/<id>/close")}


def _doc_routes(base: str) -> dict:
    return {"list": ("GET", base), "read": ("GET", f"{base}/<id>"), "create": ("POST", base),
            "edit": ("PATCH", f"{base}/<id>"), "delete": ("DELETE", f"{base}/<id>"),
            "post": ("POST", f"{base}/<id>/post"), "reverse": ("POST", f"{base}/<id>/reverse")}


def _action(routes: dict[str, Route], p: Principal, name: str, label: dict, states: list[str],
            with_input: bool = False) -> list[dict]:
    route = routes.get(name)
    if route is None or not route.allows(p):
        return []
    out = {"name": name, "label": label, "method": route.method, "path": route.path, "states": states}
    if with_input:
        out["input"] = [describe_field(n, f, LABELS.get(n) or {"reason": L("原因", "Reason"), "on": L("红冲日期", "Reversal date")}[n],
                                       required=f.required, **({"type": "text"} if n == "reason" else {}))
                        for n, f in _schema_fields(route.arguments.get("json")).items()]
    return [out]


def _filters(route: Route, refs: dict, states: list[dict], p: Principal) -> list[dict]:
    out = []
    for name, f in _schema_fields(route.arguments.get("query")).items():
        if name in _PAGING or name == "q" or name == "order_id":
            continue
        if name == "org_id" and not p.sees_all:
            continue
        extra: dict[str, Any] = {"type": "enum", "choices": states} if name == "status" else {}
        if name.endswith("_id"):
            if not refs.get(name):
                continue
            extra = {"lookup": refs[name]}
        out.append(describe_field(name, f, LABELS[name], **extra))
    return out


def _totals(route: Route) -> list[dict]:
    t = _schema_fields(route.answer).get("totals")
    return [describe_field(n, f, LABELS[n]) for n, f in _schema_fields(t.nested if t else None).items()]


def _common_refs(app: Flask, p: Principal) -> dict:
    return {"party_id": _lookup(app, p, "parties", {"roles": ["distributor", "dealer"]}),
            "warehouse_id": _lookup(app, p, "warehouses", {"kind": ["good"]}, scoped=True),
            "org_id": _lookup(app, p, "organisations"), "item_id": _lookup(app, p, "items")}


def _order_entry(app: Flask, p: Principal) -> dict | None:
    from ..wholesale import statemachine as sm
    from ..wholesale.models import SalesOrder

    base, routes = routes_of(app, "sales", ORDER_ROUTES)
    if "list" not in routes or not routes["list"].allows(p):
        return None
    refs = _common_refs(app, p)
    out = _schema_fields(routes["read"].answer)
    create = _schema_fields(routes["create"].arguments.get("json")) if "create" in routes else {}
    states = _choices(sm.STATES, sm.STATE_LABELS)

    def f(name, schema=None, **extra):
        schema = schema if schema is not None else out
        return describe_field(name, schema.get(name), LABELS[name], **({"lookup": refs[name]} if refs.get(name) else {}), **extra)

    header = [f("doc_date", create)]
    if p.sees_all:
        header.append(f("org_id", create, required=True))
    header += [f("party_id", create, required=True), f("warehouse_id", create, required=True), f("tax_rate", create, format="rate"),
               f("price_includes_tax", create, default=True), f("contact_name", create), f("contact_phone", create),
               f("address", create), f("note", create, type="text")]
    line_in = _schema_fields(create["lines"].inner.nested) if "lines" in create else {}
    line_out = _schema_fields(out["lines"].inner.nested)
    lines = [describe_field("item_id", line_in.get("item_id"), LABELS["item_id"], required=True, lookup=refs["item_id"]),
             describe_field("quantity", line_in.get("quantity"), LABELS["quantity"], required=True, total=True),
             describe_field("unit_price", line_in.get("unit_price"), LABELS["unit_price"]),
             describe_field("discount_rate", line_in.get("discount_rate"), LABELS["discount_rate"], format="rate"),
             describe_field("tax_rate", line_in.get("tax_rate"), LABELS["tax_rate"], format="rate")]
    lines += [describe_field(n, line_out.get(n), LABELS[n], filled=True, total=n in ("net", "tax", "gross"))
              for n in ("list_price", "net", "tax", "gross", "delivered_quantity", "returned_quantity")]
    columns = [f("number"), f("doc_date")] + ([f("org_id")] if p.sees_all else []) + [
        f("party_id"), f("warehouse_id"), f("gross_total"), f("status", type="enum", choices=states)]
    label = L("销售订单", "Sales orders")
    sm_label = lambda e: sm.TRANSITIONS[e].label  # noqa: E731
    actions = (_action(routes, p, "create", lifecycle.ACTION_LABELS["create"], [])
               + _action(routes, p, "edit", lifecycle.ACTION_LABELS["edit"], [sm.DRAFT])
               + _action(routes, p, "delete", lifecycle.ACTION_LABELS["delete"], [sm.DRAFT])
               + [a for e in sm.EVENTS for a in _action(routes, p, e, sm_label(e), list(sm.TRANSITIONS[e].sources),
                                                        with_input=e in ("cancel", "close"))])
    return {
        "key": SalesOrder.DOC_TYPE, "family": "wholesale", "label": label, "one": L("销售订单", "Sales order"),
        "path": routes["list"].path, "number_prefix": SalesOrder.NUMBER_PREFIX, "read": routes["read"].path,
        "kinds": [], "fields": header, "lines": {"item": "item_id", "fields": lines},
        "list": {"columns": columns, "filters": _filters(routes["list"], refs, states, p), "search": "q",
                 "search_label": LABELS["q"], "sort": None, "totals": _totals(routes["list"]), "export": None},
        "states": states, "auditable": False, "actions": actions, "links": [], "ledgers": _order_documents(app, p),
        "audit": _audit(app, p, SalesOrder.__tablename__), "prints": _prints(app, p, SalesOrder.DOC_TYPE, label),
        # The order's audited steps beyond create and edit (operations: sales_order.<event>).
        "audit_words": {name: t.label for name, t in sm.TRANSITIONS.items()},
    }


def _order_documents(app: Flask, p: Principal) -> list[dict]:
    """The deliveries and returns against an order, shown on its page as its ledgers are (their lists
    filtered by ``order_id``)."""
    out = []
    for key, base, label in (("sales_deliveries", "/deliveries", L("发货单", "Deliveries")),
                             ("sales_returns", "/returns", L("销售退货单", "Sales returns"))):
        route = routes_of(app, "sales", {"list": ("GET", base)})[1].get("list")
        if route is None or not route.allows(p):
            continue
        items = _schema_fields(route.answer).get("items")
        f = _schema_fields(items.inner.nested) if items else {}
        states = _choices(DOC_STATES, DOC_STATES)
        out.append({"key": key, "label": label, "path": route.path, "param": "order_id",
                    "columns": [describe_field("number", f.get("number"), LABELS["number"]),
                                describe_field("doc_date", f.get("doc_date"), LABELS["doc_date"]),
                                describe_field("status", f.get("status"), LABELS["status"], type="enum", choices=states),
                                describe_field("gross_total", f.get("gross_total"), LABELS["gross_total"]),
                                describe_field("cost_total", f.get("cost_total"), LABELS["cost_total"])]})
    return out


def _moved_entry(app: Flask, p: Principal, key: str) -> dict | None:
    from ..wholesale.models import SalesDelivery, SalesReturn

    model = SalesDelivery if key == "sales_delivery" else SalesReturn
    base, routes = routes_of(app, "sales", _doc_routes("/deliveries" if model is SalesDelivery else "/returns"))
    if "list" not in routes or not routes["list"].allows(p):
        return None
    refs = _common_refs(app, p)
    order_route = routes_of(app, "sales", {"list": ("GET", "/orders")})[1].get("list")
    if order_route is not None and order_route.allows(p):
        refs["order_id"] = {"kind": "sales_order", "path": order_route.path, "search": "q", "display": ["number"],
                            "only": {"status": ["approved", "partly_delivered"]}}
    deliveries = routes.get("list") if model is SalesDelivery else \
        routes_of(app, "sales", {"list": ("GET", "/deliveries")})[1].get("list")
    if deliveries is not None and deliveries.allows(p):
        refs["delivery_id"] = {"kind": "sales_delivery", "path": deliveries.path, "search": "q", "display": ["number"],
                               "only": {"status": ["posted"]}}
    out = _schema_fields(routes["read"].answer)
    create = _schema_fields(routes["create"].arguments.get("json")) if "create" in routes else {}
    states = _choices(DOC_STATES, DOC_STATES)

    def f(name, schema=None, **extra):
        schema = schema if schema is not None else out
        return describe_field(name, schema.get(name), LABELS[name], **({"lookup": refs[name]} if refs.get(name) else {}), **extra)

    order_link = {"link": "/workspace/sales_order/{order_id}"}
    if model is SalesDelivery:
        header = [f("order_id", create, required=True, **order_link), f("doc_date", create), f("carrier", create), f("waybill", create),
                  f("note", create, type="text")]
        columns = [f("number"), f("doc_date"), f("order_number", **order_link), f("party_id"), f("gross_total"), f("cost_total"),
                   f("status", type="enum", choices=states)]
    else:
        header = [f("delivery_id", create, required=True, link="/workspace/sales_delivery/{delivery_id}"), f("doc_date", create), f("reason", create), f("note", create, type="text")]
        columns = [f("number"), f("doc_date"), f("delivery_number", link="/workspace/sales_delivery/{delivery_id}"),
                   f("party_id"), f("gross_total"), f("cost_total"), f("status", type="enum", choices=states)]
    line_in = _schema_fields(create["lines"].inner.nested) if "lines" in create else {}
    line_out = _schema_fields(out["lines"].inner.nested)
    lines = [describe_field("item_id", line_in.get("item_id"), LABELS["item_id"], required=True, lookup=refs["item_id"]),
             describe_field("quantity", line_in.get("quantity"), LABELS["quantity"], required=True, total=True),
             describe_field("serials", line_in.get("serials"), LABELS["serials"],
                            serial={"attr": "serialized", "count": {"": "quantity"}}, link_each="/imei/{value}")]
    lines += [describe_field(n, line_out.get(n), LABELS[n], filled=True, total=n in ("net", "tax", "gross", "cost", "profit"),
                             **({"format": "rate"} if n.endswith("_rate") else {"type": "decimal", "places": 2} if n == "profit" else {}))
              for n in ("unit_price", "discount_rate", "tax_rate", "net", "tax", "gross", "cost", "profit")]
    if model is SalesDelivery:
        lines.append(describe_field("returned_quantity", line_out.get("returned_quantity"), LABELS["returned_quantity"], filled=True))
    label = L("发货单", "Deliveries") if model is SalesDelivery else L("销售退货单", "Sales returns")
    one = L("发货单", "Delivery") if model is SalesDelivery else L("销售退货单", "Sales return")
    actions = (_action(routes, p, "create", lifecycle.ACTION_LABELS["create"], [])
               + _action(routes, p, "edit", lifecycle.ACTION_LABELS["edit"], ["draft"])
               + _action(routes, p, "delete", lifecycle.ACTION_LABELS["delete"], ["draft"])
               + _action(routes, p, "post", lifecycle.ACTION_LABELS["post"], ["draft"])
               + _action(routes, p, "reverse", lifecycle.ACTION_LABELS["reverse"], ["posted"], with_input=True))
    return {
        "key": key, "family": "wholesale", "label": label, "one": one, "path": routes["list"].path,
        "number_prefix": model.NUMBER_PREFIX, "read": routes["read"].path, "kinds": [], "fields": header,
        "lines": {"item": "item_id", "fields": lines},
        "list": {"columns": columns, "filters": _filters(routes["list"], refs, states, p), "search": "q",
                 "search_label": LABELS["q"], "sort": None, "totals": _totals(routes["list"]), "export": None},
        "states": states, "auditable": False, "actions": actions,
        "links": [{"field": "reverses_id", "label": L("原单", "Reverses")}, {"field": "reversal_id", "label": L("红冲单", "Reversed by")}],
        "ledgers": _stock_ledger(app, p) + _money_ledgers(app, p),
        "audit": _audit(app, p, model.__tablename__), "prints": _prints(app, p, key, one),
    }


@describer
def wholesale_documents(app: Flask, p: Principal) -> list[dict[str, Any]]:
    """The sales order, the delivery and the sales return, for whoever may list them."""
    return [e for e in (_order_entry(app, p), _moved_entry(app, p, "sales_delivery"), _moved_entry(app, p, "sales_return"))
            if e is not None]
