"""This area's REST routes: /api/transfers/… (requests, orders, receipts, in transit).

Thin views: schema in → one operation → commit → schema out. Scoping is the session's
(``OrgShared``: a request is the point's and the organisation asked; an order the sender's and the
receiver's; a receipt the receiver's and the sender's).
"""

from __future__ import annotations

from decimal import Decimal

from ..errors import NotFound
from ..http import Blueprint, db_session, paginate, permission
from . import operations as ops
from .models import TransferReceipt
from .queries import order_rows, orders_query, receipt_rows, receipts_query, request_rows, requests_query
from .schemas import (TransferApproveIn, TransferInTransitArgs, TransferInTransitList, TransferOrderArgs, TransferOrderEditIn, TransferOrderIn, TransferOrderOut, TransferOrderPage, TransferReasonIn,
                      TransferReceiptArgs, TransferReceiptOut, TransferReceiptPage, TransferReceiveIn, TransferRequestArgs, TransferRequestEditIn, TransferRequestIn, TransferRequestOut,
                      TransferRequestPage)

blp = Blueprint("transfer", __name__, url_prefix="/api/transfers", description="调拨 Transfers between organisations (spec §8)")


def _request(req) -> dict:
    session = db_session()
    session.commit()
    return request_rows(session, [req])[0]


def _order(order) -> dict:
    session = db_session()
    session.commit()
    return order_rows(session, [order])[0]


# -- requests ------------------------------------------------------------------

@blp.route("/requests", methods=["GET"])
@permission("transfer.view")
@blp.arguments(TransferRequestArgs, location="query")
@blp.response(200, TransferRequestPage)
def list_requests(args):
    """申请单, newest first: a point's own, headquarters all."""
    session = db_session()
    page = paginate(session, requests_query(args), args)
    page["items"] = request_rows(session, page["items"])
    return page


@blp.route("/requests/<uuid:request_id>", methods=["GET"])
@permission("transfer.view")
@blp.response(200, TransferRequestOut)
def get_request(request_id):
    """One request with its lines, the order issued from it and what may be done now."""
    session = db_session()
    return request_rows(session, [ops.get_request(session, request_id)])[0]


@blp.route("/requests", methods=["POST"])
@permission("transfer.request")
@blp.arguments(TransferRequestIn)
@blp.response(201, TransferRequestOut)
def create_request(data):
    """A draft request to headquarters: lines by hand and/or waiting shortages picked from the register."""
    return _request(ops.create_request(db_session(), data))


@blp.route("/requests/<uuid:request_id>", methods=["PATCH"])
@permission("transfer.request")
@blp.arguments(TransferRequestEditIn)
@blp.response(200, TransferRequestOut)
def edit_request(data, request_id):
    """Change a draft request (lines given replace the lines)."""
    session = db_session()
    return _request(ops.update_request(session, ops.get_request(session, request_id), data))


@blp.route("/requests/<uuid:request_id>", methods=["DELETE"])
@permission("transfer.request")
@blp.response(204)
def delete_request(request_id):
    """Delete a draft request."""
    session = db_session()
    ops.delete_request(session, ops.get_request(session, request_id))
    session.commit()
    return ""


@blp.route("/requests/<uuid:request_id>/submit", methods=["POST"])
@permission("transfer.request")
@blp.response(200, TransferRequestOut)
def submit_request(request_id):
    """Submit a draft to headquarters (numbered SQ…)."""
    session = db_session()
    return _request(ops.submit_request(session, ops.get_request(session, request_id)))


@blp.route("/requests/<uuid:request_id>/cancel", methods=["POST"])
@permission("transfer.request")
@blp.response(200, TransferRequestOut)
def cancel_request(request_id):
    """Withdraw a draft or submitted request."""
    session = db_session()
    return _request(ops.cancel_request(session, ops.get_request(session, request_id)))


@blp.route("/requests/<uuid:request_id>/approve", methods=["POST"])
@permission("transfer.approve")
@blp.arguments(TransferApproveIn)
@blp.response(200, TransferOrderOut)
def approve_request(data, request_id):
    """Approve a submitted request (quantities may change; 0 drops a line): the transfer order is drafted
    from headquarters' warehouse, and issued at once with ``issue``."""
    session = db_session()
    return _order(ops.approve_request(session, ops.get_request(session, request_id), data))


@blp.route("/requests/<uuid:request_id>/refuse", methods=["POST"])
@permission("transfer.approve")
@blp.arguments(TransferReasonIn)
@blp.response(200, TransferRequestOut)
def refuse_request(data, request_id):
    """Refuse a submitted request, with the reason."""
    session = db_session()
    return _request(ops.refuse_request(session, ops.get_request(session, request_id), data["reason"]))


# -- orders --------------------------------------------------------------------

@blp.route("/orders", methods=["GET"])
@permission("transfer.view")
@blp.arguments(TransferOrderArgs, location="query")
@blp.response(200, TransferOrderPage)
def list_orders(args):
    """调拨单, newest first: to or from the point, headquarters all (reversals are linked from their originals)."""
    session = db_session()
    page = paginate(session, orders_query(args), args)
    page["items"] = order_rows(session, page["items"])
    return page


@blp.route("/orders/<uuid:order_id>", methods=["GET"])
@permission("transfer.view")
@blp.response(200, TransferOrderOut)
def get_order(order_id):
    """One transfer order with its lines (serials, issued value, what was received)."""
    session = db_session()
    return order_rows(session, [ops.get_order(session, order_id)])[0]


@blp.route("/orders", methods=["POST"])
@permission("transfer.issue")
@blp.arguments(TransferOrderIn)
@blp.response(201, TransferOrderOut)
def create_order(data):
    """A draft transfer order without a request (headquarters' own initiative)."""
    return _order(ops.create_order(db_session(), data))


@blp.route("/orders/<uuid:order_id>", methods=["PATCH"])
@permission("transfer.issue")
@blp.arguments(TransferOrderEditIn)
@blp.response(200, TransferOrderOut)
def edit_order(data, order_id):
    """Change a draft transfer order (lines given replace the lines)."""
    session = db_session()
    return _order(ops.update_order(session, ops.get_order(session, order_id), data))


@blp.route("/orders/<uuid:order_id>", methods=["DELETE"])
@permission("transfer.issue")
@blp.response(204)
def delete_order(order_id):
    """Delete a draft transfer order."""
    session = db_session()
    ops.delete_order(session, ops.get_order(session, order_id))
    session.commit()
    return ""


@blp.route("/orders/<uuid:order_id>/issue", methods=["POST"])
@permission("transfer.issue")
@blp.response(200, TransferOrderOut)
def issue_order(order_id):
    """Issue (numbered DB…): the goods leave the sender's warehouse into transit."""
    session = db_session()
    return _order(ops.issue_order(session, ops.get_order(session, order_id)))


@blp.route("/orders/<uuid:order_id>/reverse", methods=["POST"])
@permission("transfer.issue")
@blp.arguments(TransferReasonIn)
@blp.response(200, TransferOrderOut)
def reverse_order(data, order_id):
    """Reverse (红冲) an issued order not received yet: the goods back from transit at their value."""
    session = db_session()
    order = ops.get_order(session, order_id)
    ops.reverse_order(session, order, data["reason"])
    return _order(order)


@blp.route("/orders/<uuid:order_id>/receive", methods=["POST"])
@permission("transfer.receive")
@blp.arguments(TransferReceiveIn)
@blp.response(201, TransferReceiptOut)
def receive_order(data, order_id):
    """Receive at the point: per line what came good, damaged, short or over, each difference settled by
    its rule (the sender's loss or a claim on the courier); lines not given arrived as sent."""
    session = db_session()
    receipt = ops.receive_order(session, ops.get_order(session, order_id), data)
    session.commit()
    return receipt_rows(session, [receipt])[0]


# -- receipts and in transit ---------------------------------------------------------

@blp.route("/receipts", methods=["GET"])
@permission("transfer.view")
@blp.arguments(TransferReceiptArgs, location="query")
@blp.response(200, TransferReceiptPage)
def list_receipts(args):
    """调拨收货单, newest first."""
    session = db_session()
    page = paginate(session, receipts_query(args), args)
    page["items"] = receipt_rows(session, page["items"])
    return page


@blp.route("/receipts/<uuid:receipt_id>", methods=["GET"])
@permission("transfer.view")
@blp.response(200, TransferReceiptOut)
def get_receipt(receipt_id):
    """One receipt with each line's differences, rules and values."""
    session = db_session()
    receipt = session.get(TransferReceipt, receipt_id)
    if receipt is None:
        raise NotFound("no such transfer receipt")
    return receipt_rows(session, [receipt])[0]


@blp.route("/in-transit", methods=["GET"])
@permission("transfer.view")
@blp.arguments(TransferInTransitArgs, location="query")
@blp.response(200, TransferInTransitList)
def in_transit(args):
    """Everything in transit (as the user may see it), oldest first, with its age in days."""
    session = db_session()
    rows = [r for r in ops.in_transit(session) if r["days"] >= args.get("min_days", 0)]
    names = {o["id"]: o for o in order_rows(session, [r["order"] for r in rows])}
    items = []
    for r in rows:
        o = names[r["order"].id]
        items.append({"order_id": o["id"], "number": o["number"], "doc_date": o["doc_date"], "days": r["days"],
                      "from_org_name": o["from_org_name"], "to_org_id": o["to_org_id"], "to_org_name": o["to_org_name"],
                      "waybill": o["waybill"], "carrier": o["carrier"], "quantity": r["quantity"], "value": r["value"]})
    return {"items": items, "total_quantity": sum((r["quantity"] for r in rows), Decimal("0")),
            "total_value": sum((r["value"] for r in rows), Decimal("0"))}


blueprints = [blp]
