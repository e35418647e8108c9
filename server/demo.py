"""Demo data for `make run`: headquarters, three service points, a user for every role."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from .auth.operations import create_user
from .basedata.demo import load_basedata_demo
from .finance.demo import load_business_demo
from .org.models import Organisation
from .org.operations import create_organisation
from .settings import Settings

DEMO_PASSWORD = "demo-2026"

ORGS = [
    dict(code="HQ", name="华南通讯售后总部", kind="hq", address="深圳市福田区深南大道 1001 号", contact_name="周总", contact_phone="0755-88880000"),
    dict(code="SZ01", name="深圳福田服务中心", level=1, address="深圳市福田区华强北路 2008 号", contact_name="李经理", contact_phone="0755-83330001"),
    dict(code="SZ02", name="深圳南山服务点", level=2, parent="SZ01", address="深圳市南山区科技园南路 18 号", contact_name="陈店长", contact_phone="0755-86660002"),
    dict(code="GZ01", name="广州天河服务中心", level=1, address="广州市天河区天河路 385 号", contact_name="黄经理", contact_phone="020-38880003"),
]

USERS = [
    ("admin", "系统管理员", "HQ", ["admin"]),
    ("hq.manager", "周建华", "HQ", ["hq_manager"]),
    ("hq.finance", "吴敏", "HQ", ["finance"]),
    ("hq.warehouse", "郑强", "HQ", ["warehouse"]),
    ("sz01.manager", "李伟", "SZ01", ["sp_manager"]),
    ("sz01.clerk", "王芳", "SZ01", ["clerk"]),
    ("sz01.engineer", "张磊", "SZ01", ["engineer"]),
    ("sz01.qc", "刘洋", "SZ01", ["qc"]),
    ("sz01.courier", "赵刚", "SZ01", ["courier"]),
    ("sz01.warehouse", "孙丽", "SZ01", ["warehouse"]),
    ("sz01.finance", "钱进", "SZ01", ["finance"]),
    ("sz01.cs", "何静", "SZ01", ["cs_agent"]),
    ("sz02.manager", "陈东", "SZ02", ["sp_manager", "clerk"]),
    ("sz02.engineer", "林涛", "SZ02", ["engineer", "qc"]),
    ("gz01.manager", "黄勇", "GZ01", ["sp_manager"]),
    ("gz01.clerk", "杨雪", "GZ01", ["clerk"]),
    ("dealer.sz", "深圳迅捷通讯（经销商）", "SZ01", ["dealer"]),
]


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    roles: list[str]
    org: str


def demo_logins() -> list[DemoLogin]:
    return [DemoLogin(u, DEMO_PASSWORD, roles, org) for u, _name, org, roles in USERS]


def load_demo(session: Session, settings: Settings) -> bool:
    """Load the demo network once; returns False if data was already there."""
    if session.execute(select(Organisation.id).limit(1)).first():
        return False
    by_code: dict[str, Organisation] = {}
    for spec in ORGS:
        data = {k: v for k, v in spec.items() if k != "parent"}
        if "parent" in spec:
            data["parent_id"] = by_code[spec["parent"]].id
        by_code[spec["code"]] = create_organisation(session, data)
    for username, name, org, roles in USERS:
        create_user(session, settings, username=username, full_name=name, password=DEMO_PASSWORD,
                    org_id=by_code[org].id, roles=roles)
    load_basedata_demo(session)
    from .commissions.demo import load_commissions_demo

    load_commissions_demo(session)
    load_business_demo(session)
    from .wholesale.demo import load_wholesale_demo

    load_wholesale_demo(session)
    from .purchase.demo import load_purchase_demo

    load_purchase_demo(session)
    from .claims.demo import load_claims_demo
    from .transfer.demo import load_transfer_demo

    load_transfer_demo(session)
    load_claims_demo(session)
    return True
