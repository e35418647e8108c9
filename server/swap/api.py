"""Accessory swap API (spec §3): the four documents, the swap history and the accessory rule.

Thin views: schema in → one operation → commit → schema out.
"""

from __future__ import annotations

from ..http import Blueprint, authenticated, db_session, paginate, permission
from . import operations as ops
from . import rules
from .queries import document_rows, documents_query, history
from .schemas import SwapDocumentArgs, SwapDocumentOut, SwapDocumentPage, SwapHistoryArgs, SwapHistoryPage, SwapIntakeIn, SwapReceiveIn, SwapReturnIn, SwapSendIn

blp = Blueprint("swap", __name__, url_prefix="/api/swap", description="附件对换 Accessory swap (spec §3)")


def _page(doc_type: str, args: dict) -> dict:
    session = db_session()
    page = paginate(session, documents_query(doc_type, args), args)
    page["items"] = document_rows(session, page["items"])
    return page


def _one(doc_type: str, doc_id) -> dict:
    session = db_session()
    return document_rows(session, [ops.get_document(session, doc_id, doc_type)])[0]


def _made(doc) -> dict:
    session = db_session()
    session.commit()
    return document_rows(session, [doc])[0]


@blp.route("/rules", methods=["GET"])
@authenticated
@blp.response(200)
def swap_rules():
    """The accessory rule (warranty months per class, the refund after two failed replacements),
    conditions and limits: what a tablet checks offline."""
    return rules.export()


@blp.route("/history", methods=["GET"])
@permission("swap.view")
@blp.arguments(SwapHistoryArgs, location="query")
@blp.response(200, SwapHistoryPage)
def swap_history(args):
    """对换记录: per distributor, item and serial, with what is still out at the factory and since when."""
    return history(db_session(), args)


@blp.route("/intakes", methods=["GET"])
@permission("swap.view")
@blp.arguments(SwapDocumentArgs, location="query")
@blp.response(200, SwapDocumentPage)
def list_intakes(args):
    """附件受理单, newest first."""
    return _page("swap_intake", args)


@blp.route("/intakes/<uuid:doc_id>", methods=["GET"])
@permission("swap.view")
@blp.response(200, SwapDocumentOut)
def get_intake(doc_id):
    """One accessory intake with its lines and each line's verdict."""
    return _one("swap_intake", doc_id)


@blp.route("/intakes", methods=["POST"])
@permission("swap.intake")
@blp.arguments(SwapIntakeIn)
@blp.response(201, SwapDocumentOut)
def create_intake(data):
    """附件受理: the distributor's accessories into custody (posted at once)."""
    return _made(ops.take_in_accessories(db_session(), data, doc_id=data.pop("id", None)))


@blp.route("/sends", methods=["GET"])
@permission("swap.view")
@blp.arguments(SwapDocumentArgs, location="query")
@blp.response(200, SwapDocumentPage)
def list_sends(args):
    """对换发厂单, newest first."""
    return _page("swap_send", args)


@blp.route("/sends/<uuid:doc_id>", methods=["GET"])
@permission("swap.view")
@blp.response(200, SwapDocumentOut)
def get_send(doc_id):
    """One send to the factory."""
    return _one("swap_send", doc_id)


@blp.route("/sends", methods=["POST"])
@permission("swap.factory")
@blp.arguments(SwapSendIn)
@blp.response(201, SwapDocumentOut)
def create_send(data):
    """对换发厂: intake lines from custody to the manufacturer."""
    return _made(ops.send_to_factory(db_session(), data))


@blp.route("/receipts", methods=["GET"])
@permission("swap.view")
@blp.arguments(SwapDocumentArgs, location="query")
@blp.response(200, SwapDocumentPage)
def list_receipts(args):
    """对换发回单, newest first."""
    return _page("swap_receive", args)


@blp.route("/receipts/<uuid:doc_id>", methods=["GET"])
@permission("swap.view")
@blp.response(200, SwapDocumentOut)
def get_receipt(doc_id):
    """One receipt from the factory, with shortfalls and substitutions."""
    return _one("swap_receive", doc_id)


@blp.route("/receipts", methods=["POST"])
@permission("swap.factory")
@blp.arguments(SwapReceiveIn)
@blp.response(201, SwapDocumentOut)
def create_receipt(data):
    """对换发回: what came back against a send, into custody; shortfalls and substitutions recorded."""
    return _made(ops.receive_from_factory(db_session(), data))


@blp.route("/returns", methods=["GET"])
@permission("swap.view")
@blp.arguments(SwapDocumentArgs, location="query")
@blp.response(200, SwapDocumentPage)
def list_returns(args):
    """归还客户单, newest first."""
    return _page("swap_return", args)


@blp.route("/returns/<uuid:doc_id>", methods=["GET"])
@permission("swap.view")
@blp.response(200, SwapDocumentOut)
def get_return(doc_id):
    """One return to the distributor."""
    return _one("swap_return", doc_id)


@blp.route("/returns", methods=["POST"])
@permission("swap.intake")
@blp.arguments(SwapReturnIn)
@blp.response(201, SwapDocumentOut)
def create_return(data):
    """归还客户: from custody back to the distributor."""
    return _made(ops.return_to_distributor(db_session(), data, doc_id=data.pop("id", None)))
