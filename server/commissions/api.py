"""REST of technician commissions (issue 19 §8): the monthly statement per engineer (JSON and A4),
the month's summary over engineers. The rules are the base-data kind ``commission-rules``
(``/api/commission-rules``, server/basedata/kinds.py), edited with ``commissions.manage``."""

from __future__ import annotations

from flask import Response

from ..http import Blueprint, db_session, permission, principal
from . import operations as ops
from .schemas import CommissionStatementArgs, CommissionStatementOut, CommissionStatementPrintArgs, CommissionSummaryArgs, CommissionSummaryOut

blp = Blueprint("commissions", __name__, url_prefix="/api/commissions",
                description="提成 / Technician commissions: monthly statements per engineer")


@blp.route("/statement", methods=["GET"])
@permission("commissions.view")
@blp.arguments(CommissionStatementArgs, location="query")
@blp.response(200, CommissionStatementOut)
def statement(args):
    """One engineer's month: every line earned on a completed, paid job and every refund that took
    some back, with the earned, reversed and total amounts."""
    return ops.statement(db_session(), args["engineer_id"], args["month"])


@blp.route("/summary", methods=["GET"])
@permission("commissions.view")
@blp.arguments(CommissionSummaryArgs, location="query")
@blp.response(200, CommissionSummaryOut)
def summary(args):
    """Every engineer with commission in the month (your organisation's; headquarters all, or one
    ``org_id``): earned, reversed, total."""
    return {"month": args["month"], "rows": ops.summary(db_session(), args["month"], args.get("org_id"))}


@blp.route("/statement/print", methods=["GET"])
@permission("commissions.view")
@blp.arguments(CommissionStatementPrintArgs, location="query")
@blp.response(200, description="The statement printed on A4: application/pdf, or text/html with format=html")
def print_statement(args):
    """工程师提成结算单 on A4 (PDF, or HTML for the browser's print dialog)."""
    from ..errors import Forbidden
    from ..printing.api import _context, available_printer
    from ..printing.render import PAPERS
    from .forms import statement_sheet

    if not principal().can("print.forms"):
        raise Forbidden("missing permission print.forms", {"permission": ["print.forms"]})
    session = db_session()
    data = ops.statement(session, args["engineer_id"], args["month"])
    vm = statement_sheet(session, data, _context(args["lang"]))
    p = available_printer()
    template = "print/commission_statement.html"
    if args["format"] == "html":
        resp = Response(p.html(template, vm, PAPERS["a4"], args["lang"]), mimetype="text/html")
        resp.headers["Content-Security-Policy"] = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"
    else:
        resp = Response(p.pdf(template, vm, PAPERS["a4"], args["lang"]), mimetype="application/pdf")
        resp.headers["Content-Disposition"] = f'inline; filename="commission-{data["engineer_code"]}-{data["month"]}.pdf"'
    resp.headers["Cache-Control"] = "no-store"
    return resp


blueprints = [blp]
