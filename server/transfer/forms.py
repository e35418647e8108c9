"""This area's print forms (merged into server/printing/forms.py's FORMS), all A4, in Chinese or English:
the transfer request (调拨申请单), the transfer order with its packing list (调拨单 / 装箱清单: every
serial packed), and the receiving discrepancy report (调拨收货差异报告: shortfall, surplus and damage
per line with the rule that settled each). The view-model carries the area's words (``words``) beside the
shared ones the template reads as ``t``; the adapters read through the scoped session, so a document
another point may not see is a 404 here as on its GET route."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

WORDS: dict[str, dict[str, str]] = {
    "zh": {"request": "调拨申请单", "order": "调拨单", "packing": "装箱清单", "report": "调拨收货差异报告",
           "from_org": "调出单位", "to_org": "调入单位", "from_wh": "调出仓库", "to_wh": "调入仓库", "asked": "申请单位",
           "asked_of": "向", "requested": "申请数量", "approved": "批准数量", "shortage": "缺料单", "state": "状态",
           "decision": "审批意见", "carrier": "承运商", "waybill": "运单号", "value": "调出成本", "price": "调拨价",
           "settle": "内部结算", "yes": "是", "no": "否", "request_no": "申请单号", "order_no": "调拨单号",
           "sent": "发出", "received": "实收", "damaged": "破损", "shortfall": "短缺", "surplus": "溢余",
           "rule": "处理", "sender": "发货方承担", "courier": "向承运方索赔", "defective": "入不良品仓", "back": "退回调出方",
           "claim": "索赔金额", "diff_value": "差异金额", "no_diff": "无差异：全部按发出数量收到",
           "sign_applicant": "申请人", "sign_approver": "审批人", "sign_sender": "发货人", "sign_courier": "承运人",
           "sign_receiver": "收货人", "sign_checker": "复核", "box_check": "装箱核对", "issued": "发出时间",
           "received_at": "收货时间", "in_transit": "在途", "total_value": "成本合计"},
    "en": {"request": "Transfer request", "order": "Transfer order", "packing": "Packing list",
           "report": "Receiving discrepancy report", "from_org": "From", "to_org": "To", "from_wh": "From warehouse",
           "to_wh": "To warehouse", "asked": "Requested by", "asked_of": "Asked of", "requested": "Requested",
           "approved": "Approved", "shortage": "Shortage", "state": "State", "decision": "Decision", "carrier": "Carrier",
           "waybill": "Waybill", "value": "Cost", "price": "Transfer price", "settle": "Internal settlement", "yes": "Yes",
           "no": "No", "request_no": "Request", "order_no": "Transfer order", "sent": "Sent", "received": "Received",
           "damaged": "Damaged", "shortfall": "Short", "surplus": "Surplus", "rule": "Settled by",
           "sender": "Sender's loss", "courier": "Claim on the courier", "defective": "To defective stock",
           "back": "Back to the sender", "claim": "Claim", "diff_value": "Value", "no_diff": "No differences: received as sent",
           "sign_applicant": "Requested by", "sign_approver": "Approved by", "sign_sender": "Sent by",
           "sign_courier": "Courier", "sign_receiver": "Received by", "sign_checker": "Checked by", "box_check": "Checked",
           "issued": "Issued", "received_at": "Received", "in_transit": "In transit", "total_value": "Total cost"},
}


@dataclass(frozen=True)
class TransferPrintLine:
    seq: int
    code: str
    name: str
    unit: str
    quantity: Decimal
    approved: Decimal | None = None
    serials: tuple[str, ...] = ()
    value: Decimal | None = None
    price: Decimal | None = None
    note: str = ""


@dataclass(frozen=True)
class TransferRequestSheet:
    org: object  # printing.viewmodels.OrgHeader: the requesting point
    words: dict
    number: str
    state: str
    state_label: str
    doc_date: dt.date
    asked_of: str
    warehouse: str
    lines: tuple[TransferPrintLine, ...]
    order_number: str = ""
    decision_note: str = ""
    note: str = ""
    created_by: str = ""
    decided_by: str = ""


@dataclass(frozen=True)
class TransferOrderSheet:
    org: object  # the sender
    words: dict
    number: str
    stage: str
    stage_label: str
    doc_date: dt.date
    from_warehouse: str
    to_org: str
    to_warehouse: str
    lines: tuple[TransferPrintLine, ...]
    total_quantity: Decimal
    total_value: Decimal
    settle: bool
    carrier: str = ""
    waybill: str = ""
    request_number: str = ""
    note: str = ""
    issued_by: str = ""
    issued_at: dt.datetime | None = None


@dataclass(frozen=True)
class DiscrepancyLine:
    seq: int
    code: str
    name: str
    sent: Decimal
    received: Decimal
    damaged: Decimal
    shortfall: Decimal
    surplus: Decimal
    rule: str  # in the form's language
    value: Decimal  # of the differences (shortfall, damage, surplus)
    claim: Decimal
    serials: str = ""
    note: str = ""


@dataclass(frozen=True)
class TransferDiscrepancyReport:
    org: object  # the receiver
    words: dict
    number: str
    doc_date: dt.date
    order_number: str
    from_org: str
    warehouse: str
    lines: tuple[DiscrepancyLine, ...]
    differences: int
    claim_total: Decimal
    received_by: str = ""
    received_at: dt.datetime | None = None
    note: str = ""


def _items(session, ids):
    from sqlalchemy import select

    from ..basedata.models import Item

    return {i.id: i for i in session.execute(select(Item).where(Item.id.in_(set(ids)))).scalars()}


def _name(session, model, id_) -> str:
    from sqlalchemy import select

    row = session.execute(select(model).where(model.id == id_).execution_options(unscoped=True)).scalar_one_or_none()
    return row.name if row else ""


def request_sheet(session, document_id, ctx) -> TransferRequestSheet:
    from ..basedata.models import Warehouse
    from ..org.models import Organisation
    from ..printing.adapters import _org, _user
    from . import machine
    from . import operations as ops

    req = ops.get_request(session, document_id)
    order = ops.order_of_request(session, req)
    items = _items(session, [l.item_id for l in req.lines])
    lines = tuple(TransferPrintLine(seq=n + 1, code=items[l.item_id].code, name=items[l.item_id].name, unit=items[l.item_id].unit,
                                    quantity=l.quantity, approved=l.approved_quantity, note=l.note)
                  for n, l in enumerate(req.lines))
    return TransferRequestSheet(
        org=_org(session, ctx, req.org_id), words=WORDS[ctx.lang], number=req.number or "", state=req.state,
        state_label=machine.REQUEST_STATES[req.state][ctx.locale], doc_date=req.doc_date,
        asked_of=_name(session, Organisation, req.shared_org_id), warehouse=_name(session, Warehouse, req.warehouse_id),
        lines=lines, order_number=(order.number or "") if order else "", decision_note=req.decision_note, note=req.note,
        created_by=_user(session, req.created_by_id), decided_by=_user(session, req.decided_by_id))


def order_sheet(session, document_id, ctx) -> TransferOrderSheet:
    from ..basedata.models import Warehouse
    from ..org.models import Organisation
    from ..printing.adapters import _org, _user
    from . import machine
    from . import operations as ops

    order = ops.get_order(session, document_id)
    req = ops.request_of(session, order)
    items = _items(session, [l.item_id for l in order.lines])
    lines = tuple(TransferPrintLine(seq=n + 1, code=items[l.item_id].code, name=items[l.item_id].name, unit=items[l.item_id].unit,
                                    quantity=l.quantity, serials=tuple(l.serials or []), value=l.value,
                                    price=l.transfer_price, note=l.note) for n, l in enumerate(order.lines))
    return TransferOrderSheet(
        org=_org(session, ctx, order.org_id), words=WORDS[ctx.lang], number=order.number or "", stage=order.stage,
        stage_label=machine.ORDER_STAGES[order.stage][ctx.locale], doc_date=order.doc_date,
        from_warehouse=_name(session, Warehouse, order.from_warehouse_id), to_org=_name(session, Organisation, order.to_org_id),
        to_warehouse=_name(session, Warehouse, order.to_warehouse_id), lines=lines,
        total_quantity=sum((l.quantity for l in order.lines), Decimal(0)),
        total_value=sum((l.value or Decimal(0) for l in order.lines), Decimal(0)), settle=order.settle,
        carrier=order.carrier, waybill=order.waybill, request_number=(req.number or "") if req else "", note=order.note,
        issued_by=_user(session, order.posted_by_id), issued_at=ctx.local(order.posted_at) if order.posted_at else None)


def discrepancy_report(session, document_id, ctx) -> TransferDiscrepancyReport:
    from sqlalchemy import select

    from ..basedata.models import Warehouse
    from ..errors import NotFound
    from ..org.models import Organisation
    from ..printing.adapters import _org, _user
    from .models import TransferOrder, TransferReceipt

    receipt = session.execute(select(TransferReceipt).where(TransferReceipt.id == document_id)).scalar_one_or_none()
    if receipt is None:
        raise NotFound("no such transfer receipt")
    order = session.execute(select(TransferOrder).where(TransferOrder.id == receipt.order_id)
                            .execution_options(unscoped=True)).scalar_one()
    w = WORDS[ctx.lang]
    items = _items(session, [l.item_id for l in receipt.lines])
    lines = []
    for n, l in enumerate(receipt.lines):
        rules = []
        if l.shortfall or (l.damaged and l.loss_rule == "courier"):
            rules.append(w[l.loss_rule])
        if l.damaged:
            rules.append(w[l.damage_to])
        serials = " ".join([*(f"{s}×" for s in l.damaged_serials or []), *(f"{s}+" for s in l.surplus_serials or [])])
        lines.append(DiscrepancyLine(seq=n + 1, code=items[l.item_id].code, name=items[l.item_id].name, sent=l.sent,
                                     received=l.received, damaged=l.damaged, shortfall=l.shortfall, surplus=l.surplus,
                                     rule=" · ".join(rules), value=l.shortfall_value + l.damaged_value + l.surplus_value,
                                     claim=l.claim_amount, serials=serials, note=l.note))
    return TransferDiscrepancyReport(
        org=_org(session, ctx, receipt.org_id), words=w, number=receipt.number or "", doc_date=receipt.doc_date,
        order_number=order.number or "", from_org=_name(session, Organisation, order.org_id),
        warehouse=_name(session, Warehouse, receipt.warehouse_id), lines=tuple(lines),
        differences=sum(1 for l in receipt.lines if l.shortfall or l.damaged or l.surplus),
        claim_total=sum((l.claim_amount for l in receipt.lines), Decimal(0)), received_by=_user(session, receipt.posted_by_id),
        received_at=ctx.local(receipt.posted_at) if receipt.posted_at else None, note=receipt.note)


def forms() -> list:
    from ..printing.forms import Form

    return [Form("transfer-request", "print/transfer_request.html", TransferRequestSheet, ("a4",), "transfer.view",
                 request_sheet, document_type="transfer_request"),
            Form("transfer-order", "print/transfer_order.html", TransferOrderSheet, ("a4",), "transfer.view",
                 order_sheet, document_type="transfer_order"),
            Form("transfer-discrepancy", "print/transfer_discrepancy.html", TransferDiscrepancyReport, ("a4",),
                 "transfer.view", discrepancy_report, document_type="transfer_receipt")]
