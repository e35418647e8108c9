"""Labour-fee claim demo data for ``make run``: a draft claim of a point's in-warranty repairs the
business demo settled, to each manufacturer they are claimable from (built by the same query the
screen's build uses). SZ01's are left unclaimed, for its finance clerk to claim from the screen (the
claims walk-through starts there)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..basedata.models import Party
from ..org.models import Organisation
from . import operations as ops


def load_claims_demo(session: Session) -> None:
    today = dt.date.today()
    points = session.execute(select(Organisation).where(Organisation.kind != "hq", Organisation.code != "SZ01")).scalars().all()
    makers = session.execute(select(Party).where(Party.roles_text.like("%,manufacturer,%"))).scalars().all()
    for org in points:
        for maker in makers:
            if session.execute(ops.eligible_query(org.id, maker.id, today - dt.timedelta(days=60), today)).first():
                ops.build_claim(session, {"org_id": org.id, "manufacturer_id": maker.id,
                                          "period_from": today - dt.timedelta(days=60), "period_to": today})
    session.flush()
