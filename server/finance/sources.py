"""What wrote a ledger row, said for people: the source document's name and the screen it opens on.

A money entry names its source as ``(document_type, document_id, line_id)``. The finance screens
show that as a word ("押金单") and a link; both are decided here, once, and sent with every row, so
the PWA holds no table of document types. A deposit or a pickup settlement is part of its repair
order and opens the order; a refund slip, a loaner slip and a distributor batch are workspace
documents of their own (server/meta/family_repairdesk.py) and open there, like a warehouse
document under its type, and like the trade documents (purchase receipts and returns, deliveries
and sales returns, transfer orders and receipts) and the labour-fee claims. A retail sale, return
or cash-up is named but opens nothing: the counter's list is a tablet page, not a workspace one. The repair models are imported inside the resolvers: finance is below
repair, and only this read-side lookup needs to know about it.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from typing import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

# zh-CN/en names of the documents that post money today; warehouse types take their DocType label.
LABELS: dict[str, dict[str, str]] = {
    "repair_deposit": {"zh-CN": "押金单", "en": "Deposit"},
    "repair_refund": {"zh-CN": "退款单", "en": "Refund slip"},
    "repair_settlement": {"zh-CN": "取机结算", "en": "Pickup settlement"},
    "repair_loaner": {"zh-CN": "备机借出", "en": "Loaner lent"},
    "repair_loaner_return": {"zh-CN": "备机归还", "en": "Loaner returned"},
    "repair_batch": {"zh-CN": "批量受理单", "en": "Distributor batch"},
    "finance_receipt": {"zh-CN": "收款单", "en": "Receipt"},
    "finance_payment": {"zh-CN": "付款单", "en": "Payment"},
    "finance_transfer": {"zh-CN": "资金调拨单", "en": "Transfer"},
    # Trade (spec §5–§8) and the manufacturer's labour-fee claims: the names their workspace pages use.
    "purchase_order": {"zh-CN": "采购订单", "en": "Purchase order"},
    "purchase_receipt": {"zh-CN": "采购入库单", "en": "Purchase receipt"},
    "purchase_return": {"zh-CN": "采购退货单", "en": "Purchase return"},
    "sales_order": {"zh-CN": "销售订单", "en": "Sales order"},
    "sales_delivery": {"zh-CN": "发货单", "en": "Delivery"},
    "sales_return": {"zh-CN": "销售退货单", "en": "Sales return"},
    "transfer_request": {"zh-CN": "调拨申请单", "en": "Transfer request"},
    "transfer_order": {"zh-CN": "调拨单", "en": "Transfer order"},
    "transfer_receipt": {"zh-CN": "调拨收货单", "en": "Transfer receipt"},
    "retail_sale": {"zh-CN": "零售销售单", "en": "Retail sale"},
    "retail_return": {"zh-CN": "零售退货单", "en": "Retail return"},
    "retail_cashup": {"zh-CN": "日结单", "en": "Cash-up"},
    "labour_claim": {"zh-CN": "劳务费申报单", "en": "Labour-fee claim"},
    "labour_claim_answer": {"zh-CN": "劳务费申报回复", "en": "Labour-fee claim answer"},
    "finance_opening": {"zh-CN": "财务初始化", "en": "Opening balances"},
    "finance_reclass": {"zh-CN": "调账单", "en": "Reclassification"},
}
_ORDER_PAYMENTS = ("repair_deposit", "repair_settlement")
# Workspace document types (the repair desk's, finance's own, trade's, claims'), by the document type
# their money entries carry. A claim's answer is a second posting of the claim and opens the claim. The
# retail documents have no workspace page (the counter's list lives on its tablet): named, not linked.
_DESK = {"repair_refund": "repair_refund", "repair_loaner": "repair_loaner", "repair_loaner_return": "repair_loaner",
         "repair_batch": "repair_batch", "finance_receipt": "finance_receipt", "finance_payment": "finance_payment",
         "finance_transfer": "finance_transfer",
         **{t: t for t in ("purchase_order", "purchase_receipt", "purchase_return", "sales_order", "sales_delivery",
                           "sales_return", "transfer_request", "transfer_order", "transfer_receipt", "labour_claim")},
         "labour_claim_answer": "labour_claim",
         "finance_opening": "finance_opening", "finance_reclass": "finance_reclass"}


def label_of(document_type: str) -> dict[str, str]:
    if document_type in LABELS:
        return LABELS[document_type]
    from ..stock.documents import DOC_TYPES

    if document_type in DOC_TYPES:
        return dict(DOC_TYPES[document_type].label)
    return {"zh-CN": document_type, "en": document_type}


Key = tuple[str, uuid.UUID, "uuid.UUID | None"]


def links_of(session: Session, keys: Iterable[Key], *, per_line: bool = True) -> dict[Key, dict | None]:
    """Where each source opens: ``{kind: "repair_order", id, number}`` or ``{kind: "workspace", type,
    id}``, or None when no screen shows it. One query per family.

    ``per_line``: a batch's bill lines name their repair order as the line (an entry opens that
    order); grouped by document, the batch itself is the link.
    """
    from ..repair.models import RepairOrder, RepairPayment
    from ..stock.documents import DOC_TYPES

    keys = list(dict.fromkeys(keys))
    wanted: dict[str, set[uuid.UUID]] = defaultdict(set)
    for t, doc_id, line_id in keys:
        wanted[t].add(doc_id)
    order_of: dict[uuid.UUID, uuid.UUID] = {}  # deposit or settlement id → order id
    if ids := set().union(*(wanted[t] for t in _ORDER_PAYMENTS)):
        order_of.update(session.execute(select(RepairPayment.id, RepairPayment.order_id)
                                        .where(RepairPayment.id.in_(ids))).all())
    batch_lines = {line for t, _d, line in keys if t == "repair_batch" and line is not None} if per_line else set()
    order_ids = set(order_of.values()) | batch_lines
    numbers = dict(session.execute(select(RepairOrder.id, RepairOrder.number).where(RepairOrder.id.in_(order_ids))).all()) \
        if order_ids else {}

    def order(order_id):
        # Scoping hides an order the reader may not see: then there is nothing to open.
        return {"kind": "repair_order", "id": order_id, "number": numbers[order_id] or ""} if order_id in numbers else None

    out: dict[Key, dict | None] = {}
    for key in keys:
        t, doc_id, line_id = key
        if t in _ORDER_PAYMENTS:
            out[key] = order(order_of.get(doc_id))
        elif t == "repair_batch" and per_line and line_id in numbers:
            out[key] = order(line_id)
        elif t in _DESK:
            out[key] = {"kind": "workspace", "type": _DESK[t], "id": doc_id}
        elif t in DOC_TYPES:
            out[key] = {"kind": "workspace", "type": t, "id": doc_id}
        else:
            out[key] = None
    return out
