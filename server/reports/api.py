"""报表 Reports: the back office's dashboard."""

from __future__ import annotations

from ..basedata.operations import today_in
from ..http import Blueprint, permission, settings
from .database import read_session
from .queries import dashboard, default_period
from .schemas import DashboardArgs, DashboardOut

blp = Blueprint("reports", __name__, url_prefix="/api/reports", description="报表 Reports: the back-office dashboard")


@blp.route("/dashboard", methods=["GET"])
@permission("report.view")
@blp.arguments(DashboardArgs, location="query")
@blp.response(200, DashboardOut)
def get_dashboard(args):
    """Orders by state, turnaround (intake to completion: median days per week and per point) and
    comebacks, for a period (default: the last 12 weeks). Headquarters: every point, or one
    (`org_id`); a service point: its own."""
    tz = settings().timezone
    since, until = default_period(today_in(tz), args.get("since"), args.get("until"))
    return dashboard(read_session(), org_id=args.get("org_id"), since=since, until=until, timezone=tz)
