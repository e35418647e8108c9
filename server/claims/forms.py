"""This area's print forms (merged into server/printing/forms.py's FORMS): the labour-fee claim
(劳务费申报单, A4): the manufacturer, period and every line with its IMEI, model, fault, method, dates
and amounts, with totals; once answered, each line's result (accepted, cut to an amount, rejected with
the reason) and the accepted total. The adapter reads through the scoped session, so a claim another
point may not see is a 404 here as on its GET route."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

WORDS: dict[str, dict[str, str]] = {
    "zh": {"title": "劳务费申报单", "manufacturer": "厂家", "period": "申报期间", "imei": "IMEI", "order": "维修单号",
           "model": "机型", "fault": "故障 / 处理", "dates": "接机 / 完成", "labour": "劳务费", "parts": "备件费",
           "amount": "申报金额", "result": "厂家回复", "accepted": "核定金额", "claimed_total": "申报合计",
           "accepted_total": "核定合计", "lines": "笔数", "r_accepted": "通过", "r_cut": "核减", "r_rejected": "拒绝",
           "sign_claimant": "申报人", "sign_checker": "审核", "sign_maker": "厂家确认", "receipt": "厂家付款"},
    "en": {"title": "Labour-fee claim", "manufacturer": "Manufacturer", "period": "Period", "imei": "IMEI",
           "order": "Repair order", "model": "Model", "fault": "Fault / method", "dates": "In / done",
           "labour": "Labour", "parts": "Parts", "amount": "Claimed", "result": "Answer", "accepted": "Accepted",
           "claimed_total": "Claimed total", "accepted_total": "Accepted total", "lines": "Lines",
           "r_accepted": "Accepted", "r_cut": "Cut", "r_rejected": "Rejected", "sign_claimant": "Claimed by",
           "sign_checker": "Checked by", "sign_maker": "Manufacturer", "receipt": "Paid by"},
}


@dataclass(frozen=True)
class ClaimPrintLine:
    seq: int
    order_number: str
    imei: str
    model: str
    fault: str
    methods: str
    taken_in: dt.date
    completed: dt.date
    labour_fee: Decimal
    parts_amount: Decimal
    amount: Decimal
    result: str = ""
    result_label: str = ""
    accepted: Decimal | None = None
    reason: str = ""


@dataclass(frozen=True)
class LabourClaimSheet:
    org: object  # printing.viewmodels.OrgHeader: the claiming organisation
    words: dict
    number: str
    stage: str
    stage_label: str
    doc_date: dt.date
    manufacturer: str
    period_from: dt.date
    period_to: dt.date
    lines: tuple[ClaimPrintLine, ...]
    claimed_total: Decimal
    accepted_total: Decimal | None = None
    answered: bool = False
    created_by: str = ""
    receipt_number: str = ""
    note: str = ""


def claim_sheet(session, document_id, ctx) -> LabourClaimSheet:
    from ..basedata.models import Party
    from ..printing.adapters import _org, _user
    from . import machine
    from . import operations as ops

    claim = ops.get_claim(session, document_id)
    w = WORDS[ctx.lang]
    answered = claim.stage in ("answered", "settled")
    lines = tuple(ClaimPrintLine(
        seq=n + 1, order_number=l.order_number, imei=l.imei, model=l.model_name, fault=l.fault, methods=l.methods,
        taken_in=l.taken_in, completed=l.completed, labour_fee=l.labour_fee, parts_amount=l.parts_amount, amount=l.amount,
        result=l.result or "", result_label=w.get(f"r_{l.result}", "") if l.result else "",
        accepted=l.accepted_amount if l.result else None, reason=l.reason) for n, l in enumerate(claim.lines))
    maker = session.get(Party, claim.manufacturer_id)
    receipt = ""
    if claim.receipt_id:
        from ..finance.settlement_models import FinanceReceipt

        rec = session.get(FinanceReceipt, claim.receipt_id)
        receipt = rec.number or "" if rec else ""
    return LabourClaimSheet(
        org=_org(session, ctx, claim.org_id), words=w, number=claim.number or "", stage=claim.stage,
        stage_label=machine.STAGES[claim.stage][ctx.locale], doc_date=claim.doc_date,
        manufacturer=maker.name if maker else "", period_from=claim.period_from, period_to=claim.period_to,
        lines=lines, claimed_total=claim.claimed_total, accepted_total=claim.accepted_total if answered else None,
        answered=answered, created_by=_user(session, claim.created_by_id), receipt_number=receipt, note=claim.note)


def forms() -> list:
    from ..printing.forms import Form

    return [Form("labour-claim", "print/labour_claim.html", LabourClaimSheet, ("a4",), "claims.view", claim_sheet,
                 document_type="labour_claim")]
