"""The repair desk's documents in the workspace export: loaner slips (备机单, §1.10), refund slips
(退款单, §1.11) and distributor batches (批量受理单, §1.12) — list, filters, detail, the actions the
desk takes on a screen without a page of its own (return a loaner, approve or refuse a refund,
close a batch's intake), the ledgers each wrote, the audit trail and the print forms.

Read, like the stock entries, from the routes themselves (paths, permission marks, argument and
answer schemas: ``server/repair/api.py``) and the print registry; the words are stated here once.
Lending, requesting a refund, scanning a batch's devices and its signed pickup start from an order
or a scanner, so they have pages of their own (``pwa/src/pages/frontdesk``).
"""

from __future__ import annotations

from typing import Any

from flask import Flask

from ..auth.principal import Principal
from ..repair import statemachine as sm
from .documents import (Route, _audit, _choices, _lookup, _prints, _schema_fields, describe_field, describer,
                        endpoint_route)

L = lambda zh, en: {"zh-CN": zh, "en": en}  # noqa: E731

LABELS: dict[str, dict] = {
    "number": L("单号", "Number"), "doc_date": L("单据日期", "Date"), "status": L("状态", "Status"),
    "order_number": L("维修单号", "Repair order"), "item_id": L("备机", "Loaner device"),
    "serial": L("备机 IMEI", "Loaner IMEI"), "warehouse_id": L("备机仓", "Loaner warehouse"),
    "value": L("账面价值", "Book value"), "deposit": L("押金", "Deposit"), "account_id": L("收付款账户", "Account"),
    "due_date": L("应还日期", "Due back"), "posted_at": L("借出时间", "Lent at"),
    "returned_at": L("归还时间", "Returned at"), "return_condition": L("归还状况", "Condition"),
    "return_warehouse_id": L("归还入仓", "Returned to"), "damage_charge": L("损坏赔偿", "Damage charge"),
    "return_note": L("归还备注", "Return note"), "note": L("备注", "Note"), "condition": L("状况", "Condition"),
    "out": L("未归还", "Not returned"), "overdue": L("已逾期", "Overdue"), "q": L("单号 / IMEI", "Number / IMEI"),
    "amount": L("退款金额", "Refund"), "reason": L("原因", "Reason"), "approval": L("审批", "Approval"),
    "after_settlement": L("结算后退款", "After settlement"), "refused_at": L("拒绝时间", "Refused at"),
    "refusal_reason": L("拒绝原因", "Why refused"), "created_at": L("申请时间", "Requested at"),
    "party_id": L("经销商", "Distributor"), "contact_name": L("联系人", "Contact"),
    "contact_phone": L("联系电话", "Contact phone"), "mode": L("维修方式", "Repair mode"),
    "device_count": L("台数", "Devices"), "picked_up_at": L("取机时间", "Picked up"), "bill_total": L("费用合计", "Bill"),
    "open": L("未取机", "Not picked up"), "line": L("行", "Line"), "imei": L("IMEI", "IMEI"),
    "model_id": L("型号", "Model"), "state": L("进度", "Progress"),
    "counterparty_kind": L("往来对象", "Counterparty"), "direction": L("方向", "Direction"),
    "memo": L("摘要", "Memo"), "item_name": L("物料", "Item"), "from_location_name": L("从", "From"),
    "to_location_name": L("到", "To"), "quantity": L("数量", "Quantity"), "serials": L("序列号", "Serials"),
}
CONDITIONS = {"good": L("完好", "Good"), "damaged": L("损坏", "Damaged")}
APPROVALS = {"pending": L("待审批", "Awaiting approval"), "approved": L("已核准付款", "Approved, paid"),
             "refused": L("已拒绝", "Refused")}
DIRECTIONS = {"receivable": L("应收", "Receivable"), "payable": L("应付", "Payable")}
COUNTERPARTY_KINDS = {"member": L("会员", "Member"), "walk_in": L("散客", "Walk-in"), "party": L("往来单位", "Party"),
                      "organisation": L("机构", "Organisation")}
# A desk document's own words for its lifecycle status.
REFUND_STATES = {"draft": L("未付款", "Not paid"), "posted": L("已付款", "Paid out")}
BATCH_STATES = {"draft": L("受理中", "Taking in"), "posted": L("已结束受理", "Intake closed")}
LOANER_STATES = {"posted": L("已借出", "Lent")}
ACTION_LABELS = {"return": L("归还", "Return"), "approve": L("核准退款", "Approve"), "refuse": L("拒绝", "Refuse"),
                 "close": L("结束受理", "Close intake")}


def _route(app: Flask, endpoint: str, method: str = "GET") -> Route | None:
    return endpoint_route(app, f"repair.{endpoint}", method)


def _field(name: str, schema_fields: dict, **extra) -> dict:
    return describe_field(name, schema_fields.get(name), LABELS[name], **extra)


def _enum(values: dict) -> dict:
    return {"type": "enum", "choices": _choices(list(values), values)}


def _action(route: Route | None, p: Principal, name: str, states: list[str], input_: list[dict] | None = None) -> list[dict]:
    if route is None or not route.allows(p):
        return []
    out = {"name": name, "label": ACTION_LABELS[name], "method": route.method, "path": route.path, "states": states}
    if input_ is not None:
        out["input"] = input_
    return [out]


def _filters(route: Route, p: Principal, extra: dict[str, dict]) -> list[dict]:
    args = _schema_fields(route.arguments.get("query"))
    return [describe_field(n, f, LABELS[n], **extra.get(n, {})) for n, f in args.items()
            if n not in ("page", "page_size", "q", "order_id") and not (n == "party_id" and not extra.get(n, {}).get("lookup"))]


def _money_ledgers(app: Flask, p: Principal) -> list[dict]:
    """What a desk document wrote to the money ledger: entries by ``document_id`` (a loaner's return
    posts under the slip's id too)."""
    out = []
    for endpoint, key, label, first in (
            ("finance.counterparty_entries", "counterparty_entries", L("往来账", "Receivables and payables"),
             [describe_field("counterparty_kind", None, LABELS["counterparty_kind"], **_enum(COUNTERPARTY_KINDS)),
              describe_field("direction", None, LABELS["direction"], **_enum(DIRECTIONS))]),
            ("finance.cash_entries", "cash_entries", L("现金银行", "Cash and bank"),
             [describe_field("account_id", None, LABELS["account_id"], lookup=_lookup(app, p, "money-accounts"))])):
        route = endpoint_route(app, endpoint)
        if route is None or not route.allows(p) or "document_id" not in _schema_fields(route.arguments.get("query")):
            continue
        items = _schema_fields(route.answer).get("items")
        f = _schema_fields(items.inner.nested) if items else {}
        out.append({"key": key, "label": label, "path": route.path, "param": "document_id",
                    "columns": first + [describe_field("amount", f.get("amount"), L("金额", "Amount"))]
                    + [describe_field(n, f.get(n), LABELS[n]) for n in ("memo", "doc_date")]})
    return out


def _stock_ledger(app: Flask, p: Principal) -> list[dict]:
    route = endpoint_route(app, "stock.moves")
    if route is None or not route.allows(p) or "doc_id" not in _schema_fields(route.arguments.get("query")):
        return []
    from ..stock.schemas import LOCATION_KIND_LABELS

    items = _schema_fields(route.answer).get("items")
    f = _schema_fields(items.inner.nested) if items else {}
    places = _choices(LOCATION_KIND_LABELS, LOCATION_KIND_LABELS)
    return [{"key": "stock_moves", "label": L("库存流水", "Stock moves"), "path": route.path, "param": "doc_id",
             "columns": [describe_field("item_name", f.get("item_name"), LABELS["item_name"]),
                         describe_field("from_location_name", f.get("from_location_name"), LABELS["from_location_name"],
                                        kind_field="from_location_kind", choices=places),
                         describe_field("to_location_name", f.get("to_location_name"), LABELS["to_location_name"],
                                        kind_field="to_location_kind", choices=places),
                         describe_field("quantity", f.get("quantity"), LABELS["quantity"]),
                         describe_field("value", f.get("value"), LABELS["value"]),
                         describe_field("serials", f.get("serials"), LABELS["serials"])]}]


# Where an order opens: the online order page, or the counter's for a user with a point database.
ORDER_LINK = {"to": "/hq/orders/{order_id}", "point_db": "/repair/orders/{order_id}"}


def _accounts(app: Flask, p: Principal) -> dict | None:
    """Money accounts to look up: the register's, else the counter's own (a clerk may not read the
    register but chooses the point's drawers and bank accounts at the counter): a whole list."""
    if (lookup := _lookup(app, p, "money-accounts")) is not None:
        return lookup
    route = _route(app, "list_counter_accounts")
    if route is None or not route.allows(p):
        return None
    return {"kind": "money-accounts", "path": route.path, "search": None, "display": ["name", "code"], "whole": True}


def _named(fields: list[dict]) -> list[dict]:
    """A reference the user may not look up (a clerk and money accounts) would show as a bare id: left out."""
    return [f for f in fields if not (f["name"].endswith("_id") and not f.get("lookup"))]


def _entry(app: Flask, p: Principal, *, key: str, label: dict, one: dict, prefix: str, list_route: Route, read_route: Route | None,
           fields: list[dict], columns: list[dict], filters: list[dict], states: dict, actions: list[dict],
           ledgers: list[dict], table: str, lines: dict | None = None) -> dict:
    args = _schema_fields(list_route.arguments.get("query"))
    return {
        "key": key, "family": "repair", "label": label, "one": one, "path": list_route.path, "number_prefix": prefix,
        "read": read_route.path if read_route is not None else None,
        "kinds": [], "fields": _named(fields), "lines": lines,
        "list": {"columns": columns, "filters": filters, "search": "q" if "q" in args else None,
                 "search_label": LABELS["q"], "sort": None, "totals": [], "export": None},
        "states": _choices(list(states), states), "auditable": False, "actions": actions, "links": [],
        "ledgers": ledgers, "audit": _audit(app, p, table), "prints": _prints(app, p, key, label),
    }


def _loaners(app: Flask, p: Principal) -> dict | None:
    from ..repair.models import RepairLoaner

    listing, read = _route(app, "list_loaners"), _route(app, "get_loaner")
    if listing is None or not listing.allows(p):
        return None
    out = _schema_fields(read.answer if read else None)
    items = _lookup(app, p, "items")
    warehouses = _lookup(app, p, "warehouses")
    accounts = _accounts(app, p)
    condition = _enum(CONDITIONS)
    fields = [_field("order_number", out, link=ORDER_LINK), _field("item_id", out, lookup=items), _field("serial", out),
              _field("warehouse_id", out, lookup=warehouses), _field("value", out), _field("deposit", out),
              _field("account_id", out, lookup=accounts), _field("doc_date", out), _field("due_date", out),
              _field("returned_at", out), _field("return_condition", out, **condition),
              _field("return_warehouse_id", out, lookup=warehouses), _field("damage_charge", out),
              _field("return_note", out, type="text"), _field("note", out, type="text")]
    columns = [_field(n, out, **x) for n, x in (("number", {}), ("doc_date", {}), ("order_number", {"link": ORDER_LINK}),
                                                 ("item_id", {"lookup": items}), ("serial", {}), ("due_date", {}),
                                                 ("deposit", {}), ("returned_at", {}), ("return_condition", condition),
                                                 ("status", {}))]
    back = _route(app, "return_loaner", "POST")
    back_in = _schema_fields(back.arguments.get("json")) if back else {}
    return_input = [describe_field(n, f, LABELS[n], required=f.required,
                                   **({"condition": condition, "warehouse_id": {"lookup": warehouses},
                                       "account_id": {"lookup": accounts}}.get(n, {})))
                    for n, f in back_in.items()]
    # A reference the user may not search is left to its default (the account the deposit went into).
    return_input = [f for f in return_input if not (f["name"].endswith("_id") and not f.get("lookup"))]
    return _entry(app, p, key="repair_loaner", label=L("备机单", "Loaner slips"), one=L("备机单", "Loaner slip"), prefix=RepairLoaner.NUMBER_PREFIX,
                  list_route=listing, read_route=read, fields=fields, columns=columns, filters=_filters(listing, p, {}),
                  states=LOANER_STATES, actions=_action(back, p, "return", ["posted"], return_input),
                  ledgers=_stock_ledger(app, p) + _money_ledgers(app, p), table=RepairLoaner.__tablename__)


def _refunds(app: Flask, p: Principal) -> dict | None:
    from ..repair.models import PAYMENT_KINDS, RepairPayment

    listing, read = _route(app, "list_refunds"), _route(app, "get_refund")
    if listing is None or not listing.allows(p):
        return None
    out = _schema_fields(read.answer if read else None)
    approval = _enum(APPROVALS)
    accounts = _accounts(app, p)
    fields = [_field("order_number", out, link=ORDER_LINK), _field("amount", out), _field("account_id", out, lookup=accounts),
              _field("approval", out, **approval), _field("after_settlement", out), _field("created_at", out),
              _field("doc_date", out), _field("refused_at", out), _field("reason", out, type="text"),
              _field("refusal_reason", out, type="text")]
    columns = [_field(n, out, **x) for n, x in (("number", {}), ("created_at", {}), ("order_number", {"link": ORDER_LINK}),
                                                 ("amount", {}), ("reason", {}), ("approval", approval),
                                                 ("status", {}))]
    refuse = _route(app, "refuse_refund", "POST")
    refuse_in = _schema_fields(refuse.arguments.get("json")) if refuse else {}
    actions = (_action(_route(app, "approve_refund", "POST"), p, "approve", ["draft"])
               + _action(refuse, p, "refuse", ["draft"],
                         [describe_field(n, f, LABELS[n], required=f.required, type="text") for n, f in refuse_in.items()]))
    return _entry(app, p, key="repair_refund", label=L("退款单", "Refund slips"), one=L("退款单", "Refund slip"), prefix=PAYMENT_KINDS["refund"],
                  list_route=listing, read_route=read, fields=fields, columns=columns,
                  filters=_filters(listing, p, {"approval": approval}), states=REFUND_STATES, actions=actions,
                  ledgers=_money_ledgers(app, p), table=RepairPayment.__tablename__)


def _batches(app: Flask, p: Principal) -> dict | None:
    from ..repair.models import RepairBatch

    listing, read = _route(app, "Batches"), _route(app, "get_batch")
    if listing is None or not listing.allows(p):
        return None
    out = _schema_fields(read.answer if read else None)
    parties = _lookup(app, p, "parties", {"roles": ["distributor", "dealer"]})
    mode = _enum({m: sm.MODES[m] for m in ("A", "B", "C")})  # a batch's devices: not converted (D)
    fields = [_field("party_id", out, lookup=parties), _field("contact_name", out), _field("contact_phone", out),
              # The batch's desk page (scan devices, the signed pickup).
              _field("mode", out, **mode), _field("device_count", out, link="/frontdesk/batches/{id}"), _field("doc_date", out),
              _field("picked_up_at", out), _field("bill_total", out), _field("note", out, type="text")]
    columns = [_field(n, out, **x) for n, x in (("number", {}), ("doc_date", {}), ("party_id", {"lookup": parties}),
                                                 ("contact_phone", {}), ("mode", mode), ("device_count", {}),
                                                 ("picked_up_at", {}), ("bill_total", {}), ("status", {}))]
    line_out = _schema_fields(out["lines"].inner.nested) if "lines" in out else {}
    lines = {"item": "imei", "fields": [
        _field("line", line_out),
        describe_field("number", line_out.get("number"), LABELS["order_number"],
                       link={"to": "/hq/orders/{id}", "point_db": "/repair/orders/{id}"}),
        _field("imei", line_out), _field("model_id", line_out, lookup=_lookup(app, p, "models")),
        _field("state", line_out, **_enum(sm.STATE_LABELS)), _field("bill_total", line_out)]}
    return _entry(app, p, key="repair_batch", label=L("批量受理单", "Distributor batches"), one=L("批量受理单", "Distributor batch"), prefix=RepairBatch.NUMBER_PREFIX,
                  list_route=listing, read_route=read, fields=fields, columns=columns,
                  filters=_filters(listing, p, {"status": _enum(BATCH_STATES), "party_id": {"lookup": parties}}),
                  states=BATCH_STATES, actions=_action(_route(app, "close_batch", "POST"), p, "close", ["draft"]),
                  ledgers=_money_ledgers(app, p), table=RepairBatch.__tablename__, lines=lines)


@describer
def repair_desk(app: Flask, p: Principal) -> list[dict[str, Any]]:
    """Loaner slips, refund slips and distributor batches, for whoever may list them."""
    return [e for e in (_loaners(app, p), _refunds(app, p), _batches(app, p)) if e is not None]
