"""The repair family in the workspace export: the repair order list online (issue 16 §5), for
headquarters and managers who have no point database on their device.

Read from what the API runs on: the list route's query schema (filters, sort keys), its answer
(columns, totals), the export route, the state machine's states and modes (``repair.statemachine``)
and the permission marks. A repair order is not a draft/post document: it is opened by an intake at
the counter and moved by the machine's events, so the entry offers no lifecycle actions; the order
page (PWA ``/workspace/repair-orders/<id>``) fires the events the order's own answer allows.
"""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask import Flask

from ..auth.principal import Principal
from .documents import _PAGING, _audit, _choices, _lookup, _prints, _schema_fields, describe_field, describer, endpoint_route

LABELS: dict[str, dict[str, str]] = {
    "number": {"zh-CN": "单号", "en": "Number"},
    "doc_date": {"zh-CN": "受理日期", "en": "Taken in"},
    "org_id": {"zh-CN": "网点", "en": "Service point"},
    "state": {"zh-CN": "状态", "en": "State"},
    "mode": {"zh-CN": "维修方式", "en": "Repair mode"},
    "customer_name": {"zh-CN": "客户", "en": "Customer"},
    "customer_phone": {"zh-CN": "电话", "en": "Phone"},
    "imei": {"zh-CN": "IMEI", "en": "IMEI"},
    "model_id": {"zh-CN": "型号", "en": "Model"},
    "promised_date": {"zh-CN": "承诺日期", "en": "Promised"},
    "created_at": {"zh-CN": "受理时间", "en": "Taken in at"},
    "since": {"zh-CN": "受理日期从", "en": "Taken in from"},
    "until": {"zh-CN": "受理日期至", "en": "Taken in until"},
    "comebacks": {"zh-CN": "只看返修", "en": "Comebacks only"},
    "q": {"zh-CN": "单号 / IMEI / 电话", "en": "Number / IMEI / phone"},
    "open": {"zh-CN": "未完成", "en": "Open"},
    "overdue": {"zh-CN": "已超承诺日期", "en": "Past promised date"},
    "fault_description": {"zh-CN": "故障描述", "en": "Fault"},
    "chargeable": {"zh-CN": "收费", "en": "Chargeable"},
}
# The list's filters a person sets (number, IMEI and phone are the search box; holder and batch
# are the workshop's and the batch screen's own views).
FILTERS = ("state", "mode", "org_id", "since", "until", "comebacks")
COLUMNS = ("number", "doc_date", "org_id", "state", "mode", "customer_name", "customer_phone", "imei", "model_id",
           "promised_date")


@describer
def repair_entries(app: Flask, p: Principal) -> list[dict]:
    from ..repair import statemachine as sm

    lst = endpoint_route(app, "repair.Orders")
    if lst is None or not lst.allows(p):
        return []
    read = endpoint_route(app, "repair.get_order")
    export = endpoint_route(app, "repair.export_orders")
    out_fields = _schema_fields(lst.answer)
    item = _schema_fields(out_fields["items"].inner.nested)
    states = _choices(sm.STATES, sm.STATE_LABELS)
    modes = _choices(sm.MODES, sm.MODES)
    refs = {"org_id": _lookup(app, p, "organisations"), "model_id": _lookup(app, p, "models")}

    def extra(name: str) -> dict[str, Any]:
        if name == "state":
            return {"type": "enum", "choices": states}
        if name == "mode":
            return {"type": "enum", "choices": modes}
        if name in refs:
            return {"lookup": refs[name]}
        return {}

    # One point sees only itself: no point column or filter.
    shown = [n for n in COLUMNS if n != "org_id" or p.sees_all]
    columns = [describe_field(n, item.get(n), LABELS[n], **extra(n)) for n in shown]
    args = _schema_fields(lst.arguments.get("query"))
    filters = [describe_field(n, args[n], LABELS[n], **extra(n)) for n in FILTERS
               if n in args and n not in _PAGING and (n != "org_id" or p.sees_all)]
    sort = None
    if "sort" in args:
        keys = [c for c in next(v for v in args["sort"].validators if isinstance(v, ma.validate.OneOf)).choices
                if not c.startswith("-")]
        sort = {"param": "sort", "options": [{"value": k, "label": LABELS[k]} for k in keys]}
    totals_schema = out_fields.get("totals")
    totals = [describe_field(n, f, LABELS[n]) for n, f in _schema_fields(totals_schema.nested if totals_schema else None).items()]
    export_entry = None
    if export is not None and export.allows(p) and p.can("repair.view"):
        eargs = _schema_fields(export.arguments.get("query"))
        formats = next((list(v.choices) for v in eargs["format"].validators if isinstance(v, ma.validate.OneOf)), ["xlsx"])
        # query: the export takes the list's filters, search and sort; lang: the sheet's language.
        export_entry = {"path": export.path, "formats": formats, "query": True, "lang": "lang" if "lang" in eargs else None}
    label = {"zh-CN": "维修单", "en": "Repair orders"}
    header = [describe_field(n, item.get(n), LABELS[n], **extra(n))
              for n in ("number", "doc_date", "org_id", "state", "mode", "customer_name", "customer_phone", "imei",
                        "model_id", "chargeable", "promised_date", "fault_description")]
    return [{
        "key": "repair-orders", "family": "repair", "label": label, "path": lst.path, "number_prefix": "WX",
        "read": read.path if read is not None and read.allows(p) else None,
        "kinds": [], "fields": header, "lines": None,
        "list": {"columns": columns, "filters": filters, "search": "q" if "q" in args else None,
                 "search_label": LABELS["q"], "sort": sort, "totals": totals, "export": export_entry},
        "states": states, "auditable": False, "actions": [], "links": [], "ledgers": [],
        "audit": _audit(app, p, "repair_order"),
        "prints": _prints(app, p, "repair_order", label),
        # In the menu for users without a point database (headquarters): a point keeps its counter
        # list, which works offline.
        "menu": {"section": "backOffice", "point_db": False},
    }]
