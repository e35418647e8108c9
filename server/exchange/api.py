"""Exchange API (spec §2.1): intake, one route per machine event (its permission taken from the
machine), the reversal of the last step, eligibility, the brands' rules.

Thin views: schema in → one operation → commit → schema out.
"""

from __future__ import annotations

from flask.views import MethodView
from sqlalchemy import select

from ..http import Blueprint, authenticated, db_session, permission
from . import operations as ops
from . import rules
from . import statemachine as sm
from ..repair import loaners as loaner_ops
from ..repair.schemas import LoanerIn, LoanerOut
from .models import ExchangeRule
from .queries import order_detail, orders_page
from .schemas import (ExchangeEligibilityIn, ExchangeIntakeIn, ExchangeOrderArgs, ExchangeOrderDetailOut, ExchangeOrderPage, ExchangeReverseIn, ExchangeRuleIn, ExchangeRuleOut,
                      event_schema)

blp = Blueprint("exchange", __name__, url_prefix="/api/exchange", description="换机 Exchange orders (spec §2)")


@blp.route("/state-machine", methods=["GET"])
@authenticated
@blp.response(200)
def state_machine():
    """The exchange order's states, events, guards and permissions, with the counter's rules."""
    return {**sm.export(), "rules": rules.export()}


@blp.route("/orders")
class Orders(MethodView):
    @permission("exchange.view")
    @blp.arguments(ExchangeOrderArgs, location="query")
    @blp.response(200, ExchangeOrderPage)
    def get(self, args):
        """Exchange orders of the own service point (headquarters: all), newest first."""
        return orders_page(db_session(), args)

    @permission("exchange.intake")
    @blp.arguments(ExchangeIntakeIn)
    @blp.response(201, ExchangeOrderDetailOut)
    def post(self, data):
        """换机受理: the device is taken in; answers the posted order (HJ-…) in 待换机, with why the
        rules allow an exchange (or the override that allowed it)."""
        session = db_session()
        order = ops.take_in_exchange(session, data)
        session.commit()
        return order_detail(session, order)


@blp.route("/eligibility", methods=["POST"])
@permission("exchange.view")
@blp.arguments(ExchangeEligibilityIn)
@blp.response(200)
def check_eligibility(data):
    """What the brand's 三包 rules say about a device today (remedies and reasons), before intake."""
    return ops.check_eligibility(db_session(), data)


@blp.route("/orders/<uuid:order_id>", methods=["GET"])
@permission("exchange.view")
@blp.response(200, ExchangeOrderDetailOut)
def get_order(order_id):
    """One order with its steps, links and the events the caller may fire now."""
    session = db_session()
    return order_detail(session, ops.get_order(session, order_id))


def _event_view(t: sm.Transition):
    @permission(t.permission)
    @blp.arguments(event_schema(t))
    @blp.response(200, ExchangeOrderDetailOut)
    def view(data, order_id):
        session = db_session()
        order = ops.fire(session, ops.get_order(session, order_id), t.event, data)
        session.commit()
        return order_detail(session, order)

    view.__name__ = f"exchange_event_{t.event}"
    view.__doc__ = f"{t.label['zh-CN']} / {t.label['en']}: {', '.join(t.sources)} → {t.target or 'same state'}" + (
        f"; guards: {', '.join(t.guards)}" if t.guards else "")
    return view


for _t in sm.TRANSITIONS.values():
    blp.route(f"/orders/<uuid:order_id>/{_t.event.replace('_', '-')}", methods=["POST"],
              endpoint=f"exchange_event_{_t.event}")(_event_view(_t))


@blp.route("/orders/<uuid:order_id>/reverse", methods=["POST"])
@permission("exchange.reverse")
@blp.arguments(ExchangeReverseIn)
@blp.response(200, ExchangeOrderDetailOut)
def reverse(data, order_id):
    """红冲 the last step in force: its ledger rows reversed, the cards and the order as before it."""
    session = db_session()
    order = ops.reverse_last_step(session, ops.get_order(session, order_id), data["reason"])
    session.commit()
    return order_detail(session, order)


@blp.route("/orders/<uuid:order_id>/loaners", methods=["POST"])
@permission("repair.loaner")
@blp.arguments(LoanerIn)
@blp.response(201, LoanerOut)
def lend_loaner(data, order_id):
    """换机备机单: a loaner lent while a return-to-factory exchange waits for the manufacturer's unit (the
    repair loaner slip, BJ-…; returned with ``POST /api/repair/loaners/<id>/return`` before pickup)."""
    session = db_session()
    loaner = loaner_ops.lend_loaner(session, ops.get_order(session, order_id), data)
    session.commit()
    return loaner_ops.loaner_detail(session, loaner)


@blp.route("/rules")
class Rules(MethodView):
    @permission("exchange.view")
    @blp.response(200, ExchangeRuleOut(many=True))
    def get(self):
        """The brands' 三包 rules (the row without a brand is the default)."""
        return db_session().execute(select(ExchangeRule).order_by(ExchangeRule.created_at)).scalars().all()

    @permission("exchange.rules")
    @blp.arguments(ExchangeRuleIn)
    @blp.response(200, ExchangeRuleOut)
    def put(self, data):
        """Set a brand's rules (or the default's)."""
        session = db_session()
        row = ops.save_rule(session, data)
        session.commit()
        return row
