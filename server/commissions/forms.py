"""This area's print form: the monthly commission statement (提成结算单, A4) of one engineer —
every job's line earned and every refund that took some back, with the totals, and room for the
engineer's and the manager's signatures. Printed by ``GET /api/commissions/statement/print`` (an
engineer and a month, not a document id), so ``forms()`` registers nothing with the document forms.
The words are the view-model's own (``WORDS``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

WORDS = {
    "zh": {"title": "工程师提成结算单", "engineer": "工程师", "grade": "级别", "month": "月份", "printed_at": "打印时间",
           "line_no": "序号", "date": "日期", "order": "维修单号", "document": "单据", "line": "项目", "rule": "规则",
           "base": "计提基数", "rate": "比例", "fixed": "固定额", "amount": "提成", "earned": "本月提成",
           "reversed": "退款冲回", "total": "应发提成", "jobs": "工单数", "part": "备件", "labour": "工时",
           "refund": "退款冲回", "sign_engineer": "工程师签字", "sign_manager": "经理审核", "none": "本月无提成"},
    "en": {"title": "Engineer commission statement", "engineer": "Engineer", "grade": "Grade", "month": "Month",
           "printed_at": "Printed", "line_no": "No.", "date": "Date", "order": "Repair order", "document": "Document",
           "line": "Line", "rule": "Rule", "base": "Base", "rate": "Rate", "fixed": "Fixed", "amount": "Commission",
           "earned": "Earned", "reversed": "Refunds taken back", "total": "Commission due", "jobs": "Jobs",
           "part": "Part", "labour": "Labour", "refund": "Refund", "sign_engineer": "Engineer",
           "sign_manager": "Checked by", "none": "No commission this month"},
}


@dataclass(frozen=True)
class CommissionRow:
    seq: int
    earned_on: dt.date
    order_number: str
    source_number: str
    line: str
    rule: str
    base: Decimal
    rate_percent: Decimal
    fixed_amount: Decimal
    amount: Decimal


@dataclass(frozen=True)
class CommissionStatementSheet:
    w: dict
    org: object  # printing.viewmodels.OrgHeader: the engineer's organisation
    engineer: str
    engineer_code: str
    grade: int
    month: str
    rows: tuple[CommissionRow, ...]
    jobs: int
    earned: Decimal
    reversed: Decimal
    total: Decimal
    printed_at: dt.datetime


def statement_sheet(session, data: dict, ctx) -> CommissionStatementSheet:
    """The view-model from the statement answer (``operations.statement``)."""
    from ..db import utcnow
    from ..printing.adapters import _org

    w = WORDS[ctx.lang]
    rows = tuple(CommissionRow(
        seq=i, earned_on=ln["earned_on"], order_number=ln["order_number"], source_number=ln["source_number"],
        line=w[ln["line_kind"]] + (f" {ln['item_name']}" if ln["item_name"] else ""),
        rule=ln["rule_code"], base=ln["base"], rate_percent=ln["rate_percent"], fixed_amount=ln["fixed_amount"],
        amount=ln["amount"]) for i, ln in enumerate(data["lines"], 1))
    return CommissionStatementSheet(
        w=w, org=_org(session, ctx, data["org_id"]), engineer=data["engineer_name"], engineer_code=data["engineer_code"],
        grade=data["grade"], month=data["month"], rows=rows, jobs=data["jobs"], earned=data["earned"],
        reversed=data["reversed"], total=data["total"], printed_at=ctx.local(utcnow()))


def forms() -> list:
    return []
