"""Demo money accounts (a cash drawer and a repair-takings bank account per organisation, more at
headquarters) and a little repair business that posts to the money ledger."""

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


# A little business at the service points, so the finance screens show something on `make run`:
# (point, customer, deposit, what happens next). Each goes through the repair operations the
# counter uses, acting as the point's clerk (and engineer, QC), so every ledger row has its document.
BUSINESS = [
    ("SZ01", "member", "200.00", "waiting"),
    ("SZ01", "member", "150.00", "refunded"),
    ("SZ01", "member", "100.00", "repaired"),
    ("SZ01", "walk_in", "50.00", "unrepaired"),
    ("SZ01", "member", "", "repaired"),
    ("SZ02", "member", "300.00", "waiting"),
    ("SZ02", "member", "", "repaired"),
    ("GZ01", "walk_in", "80.00", "waiting"),
]


def load_business_demo(session: Session) -> None:
    """Repair orders with deposits, a refund, settlements and in-warranty labour fees claimable from the
    manufacturer: payables to members and walk-in customers, receivables from a manufacturer, cash in
    and out of the counters' drawers."""
    import datetime as dt

    from ..auth.models import User
    from ..auth.operations import principal_for
    from ..auth.principal import get_principal, set_principal
    from ..basedata import models as bd
    from ..repair import operations as rops
    from .models import MoneyAccount

    system = get_principal(session)
    users = {u.username: u for u in session.execute(select(User).execution_options(unscoped=True)).scalars()}

    def act(username: str) -> None:
        session.flush()  # what is pending is judged as whoever made it
        set_principal(session, principal_for(session, users[username]))

    try:
        for n, (point, customer, deposit, outcome) in enumerate(BUSINESS):
            prefix = point.lower()
            clerk = f"{prefix}.clerk" if f"{prefix}.clerk" in users else f"{prefix}.manager"
            engineer = next((u for u in (f"{prefix}.engineer",) if u in users), None)
            act(clerk)
            org_id = users[clerk].org_id
            # A warranty card the point served: the member's, in warranty (claimable from the maker).
            card = session.execute(select(bd.WarrantyCard).where(bd.WarrantyCard.registered_org_id == org_id)
                                   .order_by(bd.WarrantyCard.imei).offset(n).limit(1)).scalar_one_or_none()
            member = session.execute(select(bd.Member).where(bd.Member.phone == card.buyer_phone)).scalar_one_or_none() \
                if card is not None else None
            if card is None or (customer == "member" and member is None):
                continue
            cash = session.execute(select(MoneyAccount).where(MoneyAccount.org_id == org_id, MoneyAccount.code == "CASH")
                                   ).scalar_one()
            who = {"member_phone": member.phone} if customer == "member" else \
                {"customer_name": "散客", "customer_phone": f"1390000{n:04d}"}
            data = {**who, "imei": card.imei, "fault_description": "不开机", "appearance_note": "外观完好",
                    "purchase_date": (card.sale_date or dt.date.today()).isoformat()}
            if deposit:
                data["deposit"] = {"amount": deposit, "account_id": str(cash.id)}
            order = rops.take_in_device(session, data)
            if outcome == "refunded":
                refund = rops.create_refund(session, order, "50.00", str(cash.id), "客户改为只检测，退回部分押金")
                act(f"{prefix}.manager")
                rops.approve_refund(session, refund)
            elif outcome == "unrepaired":
                rops.fire(session, order, "return_unrepaired", {"reason": "客户决定不修，取回机器"})
                rops.pick_up(session, order, str(cash.id), _SIGNATURE)
            elif outcome == "repaired" and engineer and order.claimable:
                level = session.execute(select(bd.RepairLevel).where(bd.RepairLevel.code == "L2")
                                        .order_by(bd.RepairLevel.id).limit(1)).scalar_one()
                rops.fire(session, order, "accept", {})
                act(engineer)
                rops.fire(session, order, "start_repair", {})
                rops.fire(session, order, "finish_repair", {"repair_level_id": str(level.id)})
                act(f"{prefix}.qc" if f"{prefix}.qc" in users else engineer)
                rops.fire(session, order, "qc_pass", {})
                act(clerk)
                rops.pick_up(session, order, str(cash.id), _SIGNATURE)
    finally:
        session.flush()
        set_principal(session, system)


_SIGNATURE = "data:image/png;base64,iVBORw0KGgo="
