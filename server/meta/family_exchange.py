"""The exchange family in the workspace export: exchange orders (换机单, spec §2.1) as a list and a
detail page, read from what the API runs on — the list route's query schema (filters, search), its
answer (columns), the order route, the exchange machine's states and modes (``exchange.statemachine``)
and the permission marks. An exchange order is opened by an intake and moved by the machine's events
(``POST /api/exchange/orders/<id>/<event>``, the order's own answer lists those allowed), so the
entry offers no draft/post lifecycle actions; the counter's screens fire the events.
"""

from __future__ import annotations

from flask import Flask

from ..auth.principal import Principal
from .documents import _PAGING, _audit, _choices, _lookup, _prints, _schema_fields, describe_field, describer, endpoint_route

LABELS: dict[str, dict[str, str]] = {
    "number": {"zh-CN": "单号", "en": "Number"},
    "doc_date": {"zh-CN": "受理日期", "en": "Taken in"},
    "org_id": {"zh-CN": "网点", "en": "Service point"},
    "state": {"zh-CN": "状态", "en": "State"},
    "mode": {"zh-CN": "换机方式", "en": "Exchange mode"},
    "customer_name": {"zh-CN": "客户", "en": "Customer"},
    "customer_phone": {"zh-CN": "电话", "en": "Phone"},
    "imei": {"zh-CN": "旧机 IMEI", "en": "Old IMEI"},
    "replacement_imei": {"zh-CN": "新机 IMEI", "en": "New IMEI"},
    "model_id": {"zh-CN": "型号", "en": "Model"},
    "manufacturer_id": {"zh-CN": "厂家", "en": "Manufacturer"},
    "unit_at": {"zh-CN": "旧机位置", "en": "Old unit at"},
    "fee": {"zh-CN": "收费", "en": "Fee"},
    "override_reason": {"zh-CN": "例外换机原因", "en": "Override reason"},
    "fault_description": {"zh-CN": "故障描述", "en": "Fault"},
    "since": {"zh-CN": "受理日期从", "en": "Taken in from"},
    "until": {"zh-CN": "受理日期至", "en": "Taken in until"},
    "q": {"zh-CN": "单号 / IMEI / 电话", "en": "Number / IMEI / phone"},
}
UNIT_AT = {"customer": {"zh-CN": "客户处", "en": "With the customer"}, "defective": {"zh-CN": "坏品仓", "en": "Defective stock"},
           "transit": {"zh-CN": "在途", "en": "In transit"}, "factory": {"zh-CN": "厂家", "en": "At the manufacturer"}}
FILTERS = ("state", "mode", "org_id", "since", "until")
COLUMNS = ("number", "doc_date", "org_id", "state", "mode", "customer_name", "customer_phone", "imei", "replacement_imei",
           "model_id")
HEADER = ("number", "doc_date", "org_id", "state", "mode", "customer_name", "customer_phone", "imei", "replacement_imei",
          "model_id", "manufacturer_id", "unit_at", "fee", "override_reason", "fault_description")


@describer
def exchange_entries(app: Flask, p: Principal) -> list[dict]:
    from ..exchange import statemachine as sm

    lst = endpoint_route(app, "exchange.Orders")
    if lst is None or not lst.allows(p):
        return []
    read = endpoint_route(app, "exchange.get_order")
    item = _schema_fields(_schema_fields(lst.answer)["items"].inner.nested)
    states = _choices(sm.STATES, sm.STATE_LABELS)
    refs = {"org_id": _lookup(app, p, "organisations"), "model_id": _lookup(app, p, "models"),
            "manufacturer_id": _lookup(app, p, "parties")}

    def extra(name: str) -> dict:
        if name == "state":
            return {"type": "enum", "choices": states}
        if name == "mode":
            return {"type": "enum", "choices": _choices(sm.MODES, sm.MODES)}
        if name == "unit_at":
            return {"type": "enum", "choices": _choices(sm.UNIT_PLACES, UNIT_AT)}
        return {"lookup": refs[name]} if name in refs else {}

    args = _schema_fields(lst.arguments.get("query"))
    label = {"zh-CN": "换机单", "en": "Exchange orders"}
    return [{
        "key": "exchange-orders", "family": "exchange", "label": label, "path": lst.path, "number_prefix": "HJ",
        "read": read.path if read is not None and read.allows(p) else None,
        "record": "order",  # the read answer is {order, steps, links, ...}: the document is its order
        "kinds": [], "fields": [describe_field(n, item.get(n), LABELS[n], **extra(n)) for n in HEADER], "lines": None,
        "list": {"columns": [describe_field(n, item.get(n), LABELS[n], **extra(n)) for n in COLUMNS
                             if n != "org_id" or p.sees_all],
                 "filters": [describe_field(n, args[n], LABELS[n], **extra(n)) for n in FILTERS
                             if n in args and n not in _PAGING and (n != "org_id" or p.sees_all)],
                 "search": "q" if "q" in args else None, "search_label": LABELS["q"], "sort": None, "totals": [],
                 "export": None},
        "states": states, "auditable": False, "actions": [], "links": [], "ledgers": [],
        "audit": _audit(app, p, "exchange_order"),
        "prints": _prints(app, p, "exchange_order", label),
    }]
