"""Retail API (spec §7): the counter's sales, returns and cash-ups for online use and reading, the
stock exception list for the warehouse, and the profit of the counter's sales. The counter itself
works offline through the same operations (server/retail/events.py).

Thin views: schema in → one operation → commit → answer out."""

from __future__ import annotations

import uuid

from flask.views import MethodView

from ..auth.principal import get_principal
from ..errors import NotFound
from ..http import Blueprint, db_session, permission
from ..org.scoping import may_see
from . import posting, queries
from .models import RetailCashup, RetailReturn, RetailStockException
from .schemas import RetailCashupArgs, RetailCashupIn, RetailExceptionArgs, RetailPreviewArgs, RetailProfitArgs, RetailReturnIn, RetailSaleArgs, RetailSaleIn

blp = Blueprint("retail", __name__, url_prefix="/api/retail", description="零售 Retail at the counter (spec §7)")


def _get(session, model, doc_id: uuid.UUID, what: str):
    doc = session.get(model, doc_id)
    if doc is None or not may_see(get_principal(session), doc):
        raise NotFound(f"no such {what}", {"id": [f"no such {what}"]})
    return doc


@blp.route("/sales")
class Sales(MethodView):
    @permission("retail.view")
    @blp.arguments(RetailSaleArgs, location="query")
    @blp.response(200)
    def get(self, args):
        """The point's retail sales (headquarters: all), newest first; ``q`` finds a number, phone or IMEI."""
        return queries.sales_page(db_session(), args)

    @permission("retail.sell")
    @blp.arguments(RetailSaleIn)
    @blp.response(201)
    def post(self, data):
        """零售销售单 online: priced, paid (split, change in cash) and posted (LS-…) at once."""
        session = db_session()
        sale = posting.make_sale(session, data)
        session.commit()
        return queries.sale_detail(session, sale)


@blp.route("/sales/<uuid:sale_id>", methods=["GET"])
@permission("retail.view")
@blp.response(200)
def get_sale(sale_id):
    """One sale: lines with revenue, cost and what came back; payments; returns; stock exceptions."""
    session = db_session()
    return queries.sale_detail(session, posting.get_sale(session, sale_id, "id"))


@blp.route("/returns", methods=["POST"])
@permission("retail.return")
@blp.arguments(RetailReturnIn)
@blp.response(201)
def post_return(data):
    """零售退货单 against a sale within the return window, refunded to the accounts that were paid."""
    session = db_session()
    ret = posting.make_return(session, data)
    session.commit()
    return queries.return_detail(session, ret)


@blp.route("/returns/<uuid:return_id>", methods=["GET"])
@permission("retail.view")
@blp.response(200)
def get_return(return_id):
    session = db_session()
    return queries.return_detail(session, _get(session, RetailReturn, return_id, "retail return"))


@blp.route("/cashups")
class Cashups(MethodView):
    @permission("retail.view")
    @blp.arguments(RetailCashupArgs, location="query")
    @blp.response(200)
    def get(self, args):
        """The counters' cash-ups, latest day first."""
        return queries.cashups_page(db_session(), args)

    @permission("retail.cashup")
    @blp.arguments(RetailCashupIn)
    @blp.response(201)
    def post(self, data):
        """日结: the amounts counted per account; differences posted as over/short."""
        session = db_session()
        doc = posting.make_cashup(session, data)
        session.commit()
        return queries.cashup_detail(session, doc)


@blp.route("/cashups/<uuid:cashup_id>", methods=["GET"])
@permission("retail.view")
@blp.response(200)
def get_cashup(cashup_id):
    session = db_session()
    return queries.cashup_detail(session, _get(session, RetailCashup, cashup_id, "cash-up"))


@blp.route("/cashup-preview", methods=["GET"])
@permission("retail.view")
@blp.arguments(RetailPreviewArgs, location="query")
@blp.response(200)
def cashup_preview(args):
    """Per account what the counter's day should hold (sales kept less refunds), and its cash-up if closed."""
    session = db_session()
    wh = posting._counter(session, args["warehouse_id"])
    return queries.cashup_preview(session, wh.org_id, wh.id, posting._day(session, args.get("business_date"),
                                                                          "business_date"))


@blp.route("/exceptions", methods=["GET"])
@permission("retail.view")
@blp.arguments(RetailExceptionArgs, location="query")
@blp.response(200)
def list_exceptions(args):
    """零售库存异常: sale lines whose stock was not at the counter when they posted, oldest first."""
    return queries.exceptions_page(db_session(), args)


@blp.route("/exceptions/<uuid:exception_id>/post", methods=["POST"])
@permission("retail.exceptions")
@blp.response(200)
def post_exception(exception_id):
    """Post the waiting line's stock side now (refused while the stock is still not there)."""
    session = db_session()
    exc = posting.resolve_by_hand(session, _get(session, RetailStockException, exception_id, "retail stock exception"))
    session.commit()
    return queries.exception_row(session, exc)


@blp.route("/profit", methods=["GET"])
@permission("retail.view")
@blp.arguments(RetailProfitArgs, location="query")
@blp.response(200)
def profit(args):
    """Revenue (net of tax), cost and profit of the counter's sales per day."""
    return queries.profit(db_session(), args)


blueprints = [blp]
