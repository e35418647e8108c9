"""Demo money accounts: a cash drawer and a repair-takings bank account per organisation, more at headquarters."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..org.models import Organisation

# code, name, kind, bank, line of business
ACCOUNTS = [
    ("CASH", "前台现金", "cash", "", ""),
    ("BANK-REPAIR", "维修收款账户", "bank", "招商银行", "维修"),
]
HQ_ACCOUNTS = [
    ("BANK-PARTS", "配件批发账户", "bank", "中国工商银行", "配件批发"),
    ("BANK-CLAIMS", "厂家劳务费账户", "bank", "中国建设银行", "厂家结算"),
]


def load_money_accounts_demo(session: Session) -> None:
    """Through the base-data operations, like every other demo record."""
    from ..basedata.kinds import KINDS
    from ..basedata.operations import create_record

    kind = KINDS["money-accounts"]
    orgs = session.execute(select(Organisation).order_by(Organisation.code)).scalars().all()
    for n, org in enumerate(orgs, 1):
        for i, (code, name, akind, bank, line) in enumerate(ACCOUNTS + (HQ_ACCOUNTS if org.kind == "hq" else [])):
            create_record(session, kind, dict(
                code=code, name=name, kind=akind, bank_name=f"{bank}{org.name[:2]}分行" if bank else "",
                account_number=f"6214 8307 {n:04d} {i:04d}" if akind == "bank" else "", business_line=line,
                org_id=org.id))
