"""Purchasing's REST routes (spec §5): purchase orders (their machine's events), purchase receipts and
purchase returns (the common document lifecycle). One blueprint per document type, in the shape the
workspace reads (``server.meta.documents.DOCUMENT_ROUTES``). Thin views: schema in → one operation →
commit → schema out; every read scoped by organisation (``server.org.scoping``), every change audited
by its operation."""

from __future__ import annotations

from flask.views import MethodView
from sqlalchemy import func, select

from ..basedata.operations import today_in
from ..errors import NotFound
from ..http import Blueprint, db_session, paginate, permission, principal, settings
from . import operations as ops
from . import statemachine as sm
from .models import PurchaseOrder, PurchaseReceipt, PurchaseReturn
from .schemas import (PurchaseOrderIn as OrderIn, PurchaseOrderListArgs as OrderListArgs, PurchaseOrderOut as OrderOut,
                      PurchaseOrderPage as OrderPage, PurchaseOrderUpdateIn as OrderUpdateIn,
                      PurchasePostedListArgs as PostedListArgs, PurchasePostedOut as PostedOut,
                      PurchasePostedPage as PostedPage, PurchaseReasonIn as ReasonIn, PurchaseReceiptIn as ReceiptIn,
                      PurchaseReceiptUpdateIn as ReceiptUpdateIn, PurchaseReturnIn as ReturnIn,
                      PurchaseReturnUpdateIn as ReturnUpdateIn, PurchaseReverseIn as ReverseIn)

orders = Blueprint("purchase_orders", __name__, url_prefix="/api/purchase/orders",
                   description="采购订单 / Purchase orders (spec §5)")
receipts = Blueprint("purchase_receipts", __name__, url_prefix="/api/purchase/receipts",
                     description="采购入库单 / Purchase receipts against orders")
returns = Blueprint("purchase_returns", __name__, url_prefix="/api/purchase/returns",
                    description="采购退货单 / Purchase returns against receipts")


def _one(model, doc_id):
    found = db_session().execute(select(model).where(model.id == doc_id)).scalar_one_or_none()
    if found is None:
        raise NotFound("no such document")
    return found


def _answer(order: PurchaseOrder) -> PurchaseOrder:
    """The order with each line's received quantity and what the asking user may do now."""
    session = db_session()
    received = ops.received_by_line(session, order.id)
    for line in order.lines:
        line.received_quantity = received.get(line.id, 0)
    p = principal()
    events = sm.allowed_events(order.status, ops.facts_of(session, order, received), p.permissions)
    order.actions = [e for e in events if e != "receive"]
    return order


def _order_query(args):
    stmt = select(PurchaseOrder)
    for name in ("status", "party_id", "warehouse_id", "org_id"):
        if args.get(name) is not None:
            stmt = stmt.where(getattr(PurchaseOrder, name) == args[name])
    if args.get("since"):
        stmt = stmt.where(PurchaseOrder.doc_date >= args["since"])
    if args.get("until"):
        stmt = stmt.where(PurchaseOrder.doc_date <= args["until"])
    if args.get("q"):
        stmt = stmt.where(PurchaseOrder.number.like(f"%{args['q'].replace('%', '').replace('_', '')}"))
    return stmt


def _filtered_total(session, stmt, model):
    """The gross total of the filtered list: summed over the filtered rows' own column (a sum of
    ``model.gross_total`` selected from the subquery would be a cartesian product of the table and
    the subquery: every row's total times the filtered count)."""
    sub = stmt.with_only_columns(model.gross_total).order_by(None).subquery()
    return session.execute(select(func.sum(sub.c.gross_total))).scalar()


@orders.route("")
class Orders(MethodView):
    @permission("purchase.view")
    @orders.arguments(OrderListArgs, location="query")
    @orders.response(200, OrderPage)
    def get(self, args):
        """Purchase orders, newest first (a point sees its own; headquarters every one)."""
        session = db_session()
        stmt = _order_query(args)
        page = paginate(session, stmt.order_by(PurchaseOrder.doc_date.desc(), PurchaseOrder.number.desc()), args)
        total = _filtered_total(session, stmt, PurchaseOrder)
        page["items"] = [_answer(o) for o in page["items"]]
        return {**page, "totals": {"gross_total": total or 0}}

    @permission("purchase.manage")
    @orders.arguments(OrderIn)
    @orders.response(201, OrderOut)
    def post(self, data):
        """A draft order, numbered at once (CG-…); lines priced by the one money rule."""
        session = db_session()
        data.setdefault("doc_date", today_in(settings().timezone))
        order = ops.create_order(session, data)
        session.commit()
        return _answer(order)


@orders.route("/<uuid:doc_id>")
class Order(MethodView):
    @permission("purchase.view")
    @orders.response(200, OrderOut)
    def get(self, doc_id):
        return _answer(_one(PurchaseOrder, doc_id))

    @permission("purchase.manage")
    @orders.arguments(OrderUpdateIn)
    @orders.response(200, OrderOut)
    def patch(self, data, doc_id):
        """Change a draft (header fields; ``lines`` replaces them all)."""
        session = db_session()
        order = ops.update_order(session, _one(PurchaseOrder, doc_id), data)
        session.commit()
        return _answer(order)


def _event_route(event: str, perm: str, doc: str):
    def view(data, doc_id):
        session = db_session()
        order = ops.fire(session, _one(PurchaseOrder, doc_id), event, data.get("reason", ""))
        session.commit()
        return _answer(order)

    view.__name__ = f"{event}_order"
    view.__doc__ = doc
    orders.route(f"/<uuid:doc_id>/{event}", methods=["POST"])(
        permission(perm)(orders.arguments(ReasonIn)(orders.response(200, OrderOut)(view))))


_event_route("approve", sm.TRANSITIONS["approve"].permission, "审批: the order is fixed and may be received against.")
_event_route("close", sm.TRANSITIONS["close"].permission, "关闭: nothing more will come; no further receipts.")
_event_route("cancel", sm.TRANSITIONS["cancel"].permission, "取消: a draft or an approved order nothing was received on.")


def _posted_routes(blp: Blueprint, model, create_in, update_in, create, update, post, reverse, what: str) -> None:
    @blp.route("")
    class Collection(MethodView):
        @permission("purchase.view")
        @blp.arguments(PostedListArgs, location="query")
        @blp.response(200, PostedPage)
        def get(self, args):
            session = db_session()
            stmt = select(model)
            for name in ("status", "order_id", "party_id"):
                if args.get(name) is not None:
                    stmt = stmt.where(getattr(model, name) == args[name])
            if args.get("since"):
                stmt = stmt.where(model.doc_date >= args["since"])
            if args.get("until"):
                stmt = stmt.where(model.doc_date <= args["until"])
            if args.get("number"):
                stmt = stmt.where(model.number.like(f"%{args['number'].replace('%', '').replace('_', '')}"))
            total = _filtered_total(session, stmt, model)
            page = paginate(session, stmt.order_by(model.doc_date.desc(), model.created_at.desc()), args)
            return {**page, "totals": {"gross_total": total or 0}}

        @permission("purchase.receive")
        @blp.arguments(create_in)
        @blp.response(201, PostedOut)
        def post(self, data):
            session = db_session()
            data.setdefault("doc_date", today_in(settings().timezone))
            doc = create(session, data)
            session.commit()
            return doc

    Collection.__doc__ = what

    @blp.route("/<uuid:doc_id>")
    class One(MethodView):
        @permission("purchase.view")
        @blp.response(200, PostedOut)
        def get(self, doc_id):
            return _one(model, doc_id)

        @permission("purchase.receive")
        @blp.arguments(update_in)
        @blp.response(200, PostedOut)
        def patch(self, data, doc_id):
            session = db_session()
            doc = update(session, _one(model, doc_id), data)
            session.commit()
            return doc

        @permission("purchase.receive")
        @blp.response(204)
        def delete(self, doc_id):
            session = db_session()
            ops.delete_draft(session, _one(model, doc_id))
            session.commit()

    @blp.route("/<uuid:doc_id>/post", methods=["POST"])
    @permission("purchase.receive")
    @blp.response(200, PostedOut)
    def post_document(doc_id):
        """Number it and write the stock and the payable together (refused whole if anything cannot)."""
        session = db_session()
        doc = post(session, _one(model, doc_id))
        session.commit()
        return doc

    @blp.route("/<uuid:doc_id>/reverse", methods=["POST"])
    @permission("purchase.reverse")
    @blp.arguments(ReverseIn)
    @blp.response(201, PostedOut)
    def reverse_document(data, doc_id):
        """红冲: a linked document with the exact opposite stock moves and payable entries; returns it."""
        session = db_session()
        reversal = reverse(session, _one(model, doc_id), data["reason"], data["on"])
        session.commit()
        return reversal


_posted_routes(receipts, PurchaseReceipt, ReceiptIn, ReceiptUpdateIn, ops.create_receipt, ops.update_receipt,
               ops.post_receipt, ops.reverse_receipt, "采购入库单: goods received against a purchase order's lines.")
_posted_routes(returns, PurchaseReturn, ReturnIn, ReturnUpdateIn, ops.create_return, ops.update_return,
               ops.post_return, ops.reverse_return, "采购退货单: goods sent back against a purchase receipt's lines.")

blueprints: list = [orders, receipts, returns]
