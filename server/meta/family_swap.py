"""The accessory swap's documents in the workspace export (spec §3): 附件受理单, 对换发厂单,
对换发回单, 归还客户单 — list, search (number or serial), filters, detail with lines, the stock moves
each posted (custody, never valued), the audit trail and the print forms. Read from the routes
(``server/swap/api.py``) and the print registry; the words are stated here once. Documents are
made at the counter's own page (``/swap``: offline intake and return) and the factory steps there
too, so the workspace offers no create action."""

from __future__ import annotations

from typing import Any

from flask import Flask

from ..auth.principal import Principal
from ..swap import rules
from ..swap.models import DOC_TYPES, SwapDocument
from .documents import _audit, _choices, _lookup, _prints, _schema_fields, describe_field, describer, endpoint_route
from .family_repairdesk import _stock_ledger

L = lambda zh, en: {"zh-CN": zh, "en": en}  # noqa: E731

LABELS: dict[str, dict] = {
    "number": L("单号", "Number"), "doc_date": L("单据日期", "Date"), "status": L("状态", "Status"),
    "party_id": L("经销商", "Distributor"), "manufacturer_id": L("厂家", "Manufacturer"),
    "contact_name": L("联系人", "Contact"), "contact_phone": L("联系电话", "Contact phone"),
    "send_number": L("发厂单号", "Sent on"), "carrier": L("承运商", "Carrier"), "waybill": L("运单号", "Waybill"),
    "quantity": L("数量", "Quantity"), "shortfall": L("短缺", "Shortfall"), "substitutions": L("替换型号", "Substitutions"),
    "note": L("备注", "Note"), "q": L("单号 / 序列号", "Number / serial"), "posted_at": L("过账时间", "Posted at"),
    "item_code": L("物料编码", "Item code"), "item_name": L("物料", "Item"), "serials": L("序列号", "Serials"),
    "condition": L("状况", "Condition"), "fault": L("故障", "Fault"), "accessory_class": L("附件类别", "Class"),
    "sale_date": L("销售日期", "Sold on"), "verdict": L("处理", "Outcome"), "intake_number": L("受理单号", "Intake"),
    "substitute": L("替换型号", "Substitute"),
}
STATES = {"posted": L("已过账", "Posted")}
COLUMNS = {
    "swap_intake": ("number", "doc_date", "party_id", "contact_name", "quantity", "status"),
    "swap_send": ("number", "doc_date", "manufacturer_id", "waybill", "quantity", "status"),
    "swap_receive": ("number", "doc_date", "manufacturer_id", "send_number", "quantity", "shortfall", "substitutions"),
    "swap_return": ("number", "doc_date", "party_id", "quantity", "status"),
}
LINE_FIELDS = {
    "swap_intake": ("item_code", "item_name", "quantity", "serials", "condition", "fault", "accessory_class", "sale_date",
                    "verdict"),
    "swap_send": ("intake_number", "item_code", "item_name", "quantity", "serials", "note"),
    "swap_receive": ("intake_number", "item_code", "item_name", "quantity", "serials", "substitute", "shortfall", "note"),
    "swap_return": ("intake_number", "item_code", "item_name", "quantity", "serials", "substitute", "note"),
}
ENDPOINTS = {"swap_intake": "intakes", "swap_send": "sends", "swap_receive": "receipts", "swap_return": "returns"}
ENUMS = {"condition": rules.CONDITIONS, "verdict": rules.VERDICTS,
         "accessory_class": {k: v["label"] for k, v in rules.CLASSES.items()}}


def _enum(name: str) -> dict:
    values = ENUMS.get(name)
    return {"type": "enum", "choices": _choices(list(values), values)} if values else {}


def _entry(app: Flask, p: Principal, doc_type: str) -> dict | None:
    listing = endpoint_route(app, f"swap.list_{ENDPOINTS[doc_type]}")
    read = endpoint_route(app, f"swap.get_{ENDPOINTS[doc_type][:-1]}")
    if listing is None or not listing.allows(p):
        return None
    out = _schema_fields(read.answer if read else None)
    parties = _lookup(app, p, "parties", {"roles": ["distributor", "dealer"]})
    makers = _lookup(app, p, "parties", {"roles": ["manufacturer", "supplier"]})
    refs = {"party_id": {"lookup": parties}, "manufacturer_id": {"lookup": makers}}
    names = [n for n in ("party_id", "contact_name", "contact_phone", "manufacturer_id", "send_number", "carrier", "waybill",
                         "doc_date", "posted_at", "quantity", "shortfall", "substitutions", "note")
             if n in out and (n in COLUMNS[doc_type] or n in ("doc_date", "posted_at", "note")
                              or (doc_type == "swap_intake" and n == "contact_phone")
                              or (doc_type == "swap_send" and n == "carrier"))]
    fields = [describe_field(n, out.get(n), LABELS[n], **refs.get(n, {}), **({"type": "text"} if n == "note" else {}))
              for n in names]
    columns = [describe_field(n, out.get(n), LABELS[n], **refs.get(n, {})) for n in COLUMNS[doc_type]]
    line_out = _schema_fields(out["lines"].inner.nested) if "lines" in out else {}
    lines = {"item": "item_code", "fields": [describe_field(n, line_out.get(n), LABELS[n], **_enum(n))
                                             for n in LINE_FIELDS[doc_type]]}
    args = _schema_fields(listing.arguments.get("query"))
    filters = [describe_field(n, args[n], LABELS[n], **refs[n]) for n in ("party_id", "manufacturer_id")
               if n in args and refs[n]["lookup"] and n in COLUMNS[doc_type]]
    prefix, zh, en = DOC_TYPES[doc_type]
    return {
        "key": doc_type, "family": "swap", "section": "counter", "label": L(zh, en), "one": L(zh, en),
        "path": listing.path, "number_prefix": prefix, "read": read.path if read else None, "kinds": [],
        "fields": fields, "lines": lines,
        "list": {"columns": columns, "filters": filters, "search": "q", "search_label": LABELS["q"], "sort": None,
                 "totals": [], "export": None},
        "states": _choices(list(STATES), STATES), "auditable": False, "actions": [], "links": [],
        "ledgers": _stock_ledger(app, p), "audit": _audit(app, p, SwapDocument.__tablename__),
        "prints": _prints(app, p, doc_type, L(zh, en)),
    }


@describer
def swap_documents(app: Flask, p: Principal) -> list[dict[str, Any]]:
    """The four swap documents, for whoever may list them."""
    return [e for t in DOC_TYPES if (e := _entry(app, p, t)) is not None]
