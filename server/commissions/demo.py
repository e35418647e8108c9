"""Commission demo data for ``make run``: network-wide rules per engineer grade (any level) and for
mainboards and parts, so the repairs the business demo settles earn commission and the statement
screen shows it; and an insurer (保险公司) to split a repair bill with (docs/repair.md)."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy.orm import Session

from ..basedata.kinds import KINDS
from ..basedata.operations import create_record

RULES = (
    ("G1", "一级工程师 工时", "grade", {"grade": 1}, "5", "0"),
    ("G2", "二级工程师 工时", "grade", {"grade": 2}, "8", "0"),
    ("G3", "三级工程师 工时", "grade", {"grade": 3}, "10", "0"),
    ("C-MB", "主板维修", "category", {"item_kind": "mainboard"}, "3", "10"),
    ("C-PART", "更换配件", "category", {"item_kind": "part"}, "5", "0"),
)


def load_commissions_demo(session: Session) -> None:
    for code, name, scope, target, rate, fixed in RULES:
        create_record(session, KINDS["commission-rules"], {"code": code, "name": name, "scope": scope, **target,
                                                           "rate_percent": Decimal(rate), "fixed_amount": Decimal(fixed)})
    create_record(session, KINDS["parties"], {"code": "INS-PA", "name": "平安财产保险深圳分公司", "roles": ["insurer"],
                                              "phone": "95511"})
    session.flush()
