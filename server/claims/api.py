"""This area's REST routes: /api/claims/… (labour-fee claims, their lines, answers, layouts).

Thin views: schema in → one operation → commit → schema out. Scoping is the session's (a claim is
its organisation's: a point sees its own, headquarters all).
"""

from __future__ import annotations

from ..basedata.models import Party
from ..core import operations as core
from ..errors import InvalidInput
from ..exports import xlsx_response
from ..http import Blueprint, body_limit, db_session, paginate, permission
from . import operations as ops
from . import workbook
from .schemas import (AnswerFile, AnswersIn, ClaimArgs, ClaimBuildIn, ClaimLineAddIn, ClaimOut, ClaimPage, LayoutIn,
                      LayoutOut, SettleIn)

blp = Blueprint("claims", __name__, url_prefix="/api/claims", description="劳务费申报 Labour-fee claims (spec §10.7)")


def _out(claim) -> dict:
    session = db_session()
    session.commit()
    return ops.claim_row(session, claim)


@blp.route("", methods=["GET"])
@permission("claims.view")
@blp.arguments(ClaimArgs, location="query")
@blp.response(200, ClaimPage)
def list_claims(args):
    """Claims, newest first: a point's own, headquarters all (without their lines)."""
    session = db_session()
    page = paginate(session, ops.claims_query(args), args)
    page["items"] = [ops.claim_row(session, c, with_lines=False) for c in page["items"]]
    return page


@blp.route("", methods=["POST"])
@permission("claims.manage")
@blp.arguments(ClaimBuildIn)
@blp.response(201, ClaimOut)
def build(data):
    """Build a draft claim: every eligible line of the manufacturer and organisation over the period."""
    return _out(ops.build_claim(db_session(), data))


@blp.route("/<uuid:claim_id>", methods=["GET"])
@permission("claims.view")
@blp.response(200, ClaimOut)
def get_claim(claim_id):
    session = db_session()
    return ops.claim_row(session, ops.get_claim(session, claim_id))


@blp.route("/<uuid:claim_id>", methods=["DELETE"])
@permission("claims.manage")
@blp.response(204)
def delete(claim_id):
    session = db_session()
    ops.delete_claim(session, ops.get_claim(session, claim_id))
    session.commit()


@blp.route("/<uuid:claim_id>/lines", methods=["POST"])
@permission("claims.manage")
@blp.arguments(ClaimLineAddIn)
@blp.response(200, ClaimOut)
def add_line(data, claim_id):
    """Put one order on a draft (a rejected line, fixed); refused naming ``order_id`` if not claimable."""
    session = db_session()
    return _out(ops.add_line(session, ops.get_claim(session, claim_id), data["order_id"]))


@blp.route("/<uuid:claim_id>/lines/<uuid:line_id>", methods=["DELETE"])
@permission("claims.manage")
@blp.response(200, ClaimOut)
def remove_line(claim_id, line_id):
    session = db_session()
    return _out(ops.remove_line(session, ops.get_claim(session, claim_id), line_id))


@blp.route("/<uuid:claim_id>/submit", methods=["POST"])
@permission("claims.submit")
@blp.response(200, ClaimOut)
def submit(claim_id):
    session = db_session()
    return _out(ops.submit_claim(session, ops.get_claim(session, claim_id)))


@blp.route("/<uuid:claim_id>/answers", methods=["POST"])
@permission("claims.answer")
@blp.arguments(AnswersIn)
@blp.response(200, ClaimOut)
def answer(data, claim_id):
    """The manufacturer's answer to some or all lines; the last answer closes the claim as answered."""
    session = db_session()
    return _out(ops.answer_lines(session, ops.get_claim(session, claim_id), data["answers"]))


@blp.route("/<uuid:claim_id>/answer-file", methods=["POST"])
@permission("claims.answer")
@body_limit("max_import_bytes")
@blp.arguments(AnswerFile, location="files")
@blp.response(200, ClaimOut)
def answer_file(files, claim_id):
    """The manufacturer's answer workbook: every bad row reported, nothing changed unless all are good."""
    session = db_session()
    return _out(workbook.read_answer(session, ops.get_claim(session, claim_id), files["file"].read()))


@blp.route("/<uuid:claim_id>/settle", methods=["POST"])
@permission("claims.settle")
@blp.arguments(SettleIn)
@blp.response(200, ClaimOut)
def settle(data, claim_id):
    session = db_session()
    return _out(ops.settle_claim(session, ops.get_claim(session, claim_id), data.get("receipt_id"), data.get("note", "")))


@blp.route("/<uuid:claim_id>/export", methods=["GET"])
@permission("claims.view")
def export(claim_id):
    """The claim as .xlsx in its manufacturer's layout, with the answer columns to fill in."""
    session = db_session()
    claim = ops.get_claim(session, claim_id)
    header, rows = workbook.export_table(session, claim)

    def audited(n: int) -> None:
        core.record_audit(session, "labour_claim.export", claim, after={"rows": n})
        session.commit()

    return xlsx_response(f"{claim.number or 'labour-claim'}.xlsx", header, rows, on_written=audited)


@blp.route("/layouts/<uuid:manufacturer_id>", methods=["GET"])
@permission("claims.view")
@blp.response(200, LayoutOut)
def get_layout(manufacturer_id):
    session = db_session()
    return {"manufacturer_id": manufacturer_id, "columns": workbook.layout_of(session, manufacturer_id),
            "fields": workbook.FIELDS}


@blp.route("/layouts/<uuid:manufacturer_id>", methods=["PUT"])
@permission("claims.manage")
@blp.arguments(LayoutIn)
@blp.response(200, LayoutOut)
def put_layout(data, manufacturer_id):
    session = db_session()
    maker = session.get(Party, manufacturer_id)
    if maker is None or ",manufacturer," not in (maker.roles_text or ""):
        raise InvalidInput("manufacturer_id", "no such manufacturer")
    cols = workbook.save_layout(session, manufacturer_id, data["columns"])
    session.commit()
    return {"manufacturer_id": manufacturer_id, "columns": cols, "fields": workbook.FIELDS}


blueprints = [blp]
