"""Wholesale REST (spec §6) under /api/sales: sales orders and their events, deliveries, sales returns,
reversal, the profit of the lines. Thin views: schema in → one operation → commit → schema out.
Every route is scoped by organisation (the session's rule) and audited by the operations."""

from __future__ import annotations

from flask.views import MethodView

from ..core.operations import delete_draft
from ..http import Blueprint, db_session, paginate, permission
from . import operations as ops
from . import queries as q
from .models import SalesDelivery, SalesOrder, SalesReturn
from .schemas import (SalesDeliveryIn, SalesDeliveryOut, SalesDeliveryPage, SalesDeliveryUpdateIn, SalesMovedArgs, SalesOrderArgs, SalesOrderIn, SalesOrderOut,
                      SalesOrderPage, SalesOrderUpdateIn, SalesProfitArgs, SalesProfitPage, SalesReasonIn, SalesReturnIn, SalesReturnOut, SalesReturnPage,
                      SalesReturnUpdateIn, SalesReverseIn)

blp = Blueprint("sales", __name__, url_prefix="/api/sales", description="批发 Wholesale: sales orders, deliveries, returns (spec §6)")


def _order(order):
    return q.order_answer(db_session(), order)


def _delivery(d):
    return q.delivery_answer(db_session(), d)


def _return(r):
    return q.return_answer(db_session(), r)


def _page(model, args, answer):
    session = db_session()
    page = paginate(session, q.list_query(model, args), args)
    page["items"] = [answer(x) for x in page["items"]]
    page["totals"] = q.totals(session, model, args)
    return page


def _done(doc, answer):
    db_session().commit()
    return answer(doc)


# -- sales orders ---------------------------------------------------------------------

@blp.route("/orders")
class Orders(MethodView):
    @permission("sales.view")
    @blp.arguments(SalesOrderArgs, location="query")
    @blp.response(200, SalesOrderPage)
    def get(self, args):
        """销售订单, newest first, with the filtered list's totals."""
        return _page(SalesOrder, args, _order)

    @permission("sales.manage")
    @blp.arguments(SalesOrderIn)
    @blp.response(201, SalesOrderOut)
    def post(self, data):
        """A draft order: each line at the item's wholesale price less the party's discount, tax per line."""
        return _done(ops.create_order(db_session(), data), _order)


@blp.route("/orders/<uuid:order_id>")
class Order(MethodView):
    @permission("sales.view")
    @blp.response(200, SalesOrderOut)
    def get(self, order_id):
        return _order(ops.get_order(db_session(), order_id))

    @permission("sales.manage")
    @blp.arguments(SalesOrderUpdateIn)
    @blp.response(200, SalesOrderOut)
    def patch(self, data, order_id):
        """Change a draft (the lines, when given, replace its lines)."""
        session = db_session()
        return _done(ops.update_order(session, ops.get_order(session, order_id), data), _order)

    @permission("sales.manage")
    @blp.response(204)
    def delete(self, order_id):
        session = db_session()
        ops.delete_order(session, ops.get_order(session, order_id))
        session.commit()


def _fire(order_id, event: str, data: dict | None = None):
    session = db_session()
    return _done(ops.fire(session, ops.get_order(session, order_id), event, data), _order)


@blp.route("/orders/<uuid:order_id>/submit", methods=["POST"])
@permission("sales.manage")
@blp.response(200, SalesOrderOut)
def submit_order(order_id):
    """Submit: numbered; approved at once within the party's credit limit (the order and the party's
    receivable), else it waits for an approver."""
    return _fire(order_id, "submit")


@blp.route("/orders/<uuid:order_id>/approve", methods=["POST"])
@permission("sales.approve")
@blp.response(200, SalesOrderOut)
def approve_order(order_id):
    """Approve an order over the party's credit limit."""
    return _fire(order_id, "approve")


@blp.route("/orders/<uuid:order_id>/cancel", methods=["POST"])
@permission("sales.manage")
@blp.arguments(SalesReasonIn)
@blp.response(200, SalesOrderOut)
def cancel_order(data, order_id):
    """Cancel an order nothing was delivered against."""
    return _fire(order_id, "cancel", data)


@blp.route("/orders/<uuid:order_id>/close", methods=["POST"])
@permission("sales.manage")
@blp.arguments(SalesReasonIn)
@blp.response(200, SalesOrderOut)
def close_order(data, order_id):
    """Close a (partly) delivered order: nothing more goes out against it."""
    return _fire(order_id, "close", data)


# -- deliveries ------------------------------------------------------------------------------

@blp.route("/deliveries")
class Deliveries(MethodView):
    @permission("sales.view")
    @blp.arguments(SalesMovedArgs, location="query")
    @blp.response(200, SalesDeliveryPage)
    def get(self, args):
        """发货单, newest first."""
        return _page(SalesDelivery, args, _delivery)

    @permission("sales.deliver")
    @blp.arguments(SalesDeliveryIn)
    @blp.response(201, SalesDeliveryOut)
    def post(self, data):
        """A draft delivery against an approved order (item, quantity, serials per line)."""
        return _done(ops.create_delivery(db_session(), data), _delivery)


@blp.route("/deliveries/<uuid:delivery_id>")
class Delivery(MethodView):
    @permission("sales.view")
    @blp.response(200, SalesDeliveryOut)
    def get(self, delivery_id):
        return _delivery(ops.get_delivery(db_session(), delivery_id))

    @permission("sales.deliver")
    @blp.arguments(SalesDeliveryUpdateIn)
    @blp.response(200, SalesDeliveryOut)
    def patch(self, data, delivery_id):
        session = db_session()
        return _done(ops.update_delivery(session, ops.get_delivery(session, delivery_id), data), _delivery)

    @permission("sales.deliver")
    @blp.response(204)
    def delete(self, delivery_id):
        session = db_session()
        delete_draft(session, ops.get_delivery(session, delivery_id))
        session.commit()


@blp.route("/deliveries/<uuid:delivery_id>/post", methods=["POST"])
@permission("sales.deliver")
@blp.response(200, SalesDeliveryOut)
def post_delivery(delivery_id):
    """Goods out at the moving average (each line's cost kept), the receivable up; numbered."""
    session = db_session()
    return _done(ops.post_delivery(session, ops.get_delivery(session, delivery_id)), _delivery)


@blp.route("/deliveries/<uuid:delivery_id>/reverse", methods=["POST"])
@permission("sales.deliver")
@blp.arguments(SalesReverseIn)
@blp.response(201, SalesDeliveryOut)
def reverse_delivery(data, delivery_id):
    """红冲: a linked delivery with the exact opposite moves and entries; returns it."""
    session = db_session()
    return _done(ops.reverse_delivery(session, ops.get_delivery(session, delivery_id), data["reason"], data["on"]), _delivery)


# -- sales returns ------------------------------------------------------------------------------

@blp.route("/returns")
class Returns(MethodView):
    @permission("sales.view")
    @blp.arguments(SalesMovedArgs, location="query")
    @blp.response(200, SalesReturnPage)
    def get(self, args):
        """销售退货单, newest first."""
        return _page(SalesReturn, args, _return)

    @permission("sales.return")
    @blp.arguments(SalesReturnIn)
    @blp.response(201, SalesReturnOut)
    def post(self, data):
        """A draft return against a posted delivery (item, quantity, the serials delivered)."""
        return _done(ops.create_return(db_session(), data), _return)


@blp.route("/returns/<uuid:return_id>")
class Return(MethodView):
    @permission("sales.view")
    @blp.response(200, SalesReturnOut)
    def get(self, return_id):
        return _return(ops.get_return(db_session(), return_id))

    @permission("sales.return")
    @blp.arguments(SalesReturnUpdateIn)
    @blp.response(200, SalesReturnOut)
    def patch(self, data, return_id):
        session = db_session()
        return _done(ops.update_return(session, ops.get_return(session, return_id), data), _return)

    @permission("sales.return")
    @blp.response(204)
    def delete(self, return_id):
        session = db_session()
        delete_draft(session, ops.get_return(session, return_id))
        session.commit()


@blp.route("/returns/<uuid:return_id>/post", methods=["POST"])
@permission("sales.return")
@blp.response(200, SalesReturnOut)
def post_return(return_id):
    """Goods back at the delivery's cost, the receivable down at the delivered price; numbered."""
    session = db_session()
    return _done(ops.post_return(session, ops.get_return(session, return_id)), _return)


@blp.route("/returns/<uuid:return_id>/reverse", methods=["POST"])
@permission("sales.return")
@blp.arguments(SalesReverseIn)
@blp.response(201, SalesReturnOut)
def reverse_return(data, return_id):
    """红冲 a sales return."""
    from ..core.operations import reverse_document

    session = db_session()
    return _done(reverse_document(session, ops.get_return(session, return_id), data["reason"], data["on"]), _return)


# -- profit ---------------------------------------------------------------------------------------

@blp.route("/profit", methods=["GET"])
@permission("sales.view")
@blp.arguments(SalesProfitArgs, location="query")
@blp.response(200, SalesProfitPage)
def profit(args):
    """Each sale line in force with its revenue (net of tax), cost at posting and profit (returns
    negative), and the totals: a query of what posting kept."""
    return q.profit(db_session(), args)


blueprints = [blp]
