"""Repair API (spec §1): intake, one route per state-machine event (its permission taken from
the machine), quotations, parts, deposits, refunds, handovers, passcode, IMEI history.

Thin views: schema in → one operation → commit → schema out.
"""

from __future__ import annotations

from flask.views import MethodView
from sqlalchemy import select

from ..basedata.text import imei_problem
from ..errors import InvalidInput, NotFound
from ..http import Blueprint, authenticated, db_session, paginate, permission
from . import operations as ops
from . import statemachine as sm
from .models import RepairPayment
from .queries import imei_history, order_detail, orders_query
from .schemas import (DecisionIn, DepositIn, HandoverIn, ImeiHistoryOut, IntakeIn, OrderDetailOut, OrderListArgs,
                      OrderPage, PartIn, PasscodeOut, PaymentOut, QuotationIn, QuotationOut, RefundIn, event_schema)

blp = Blueprint("repair", __name__, url_prefix="/api/repair", description="维修 Repair orders (spec §1)")


def _detail(order):
    return order_detail(db_session(), order)


@blp.route("/state-machine", methods=["GET"])
@authenticated
@blp.response(200)
def state_machine():
    """The repair order's states, events, guards and permissions: the one definition the PWA reads."""
    return sm.export()


@blp.route("/orders")
class Orders(MethodView):
    @permission("repair.view")
    @blp.arguments(OrderListArgs, location="query")
    @blp.response(200, OrderPage)
    def get(self, args):
        """Repair orders of the own service point (headquarters: all), newest first."""
        return paginate(db_session(), orders_query(args), args)

    @permission("repair.intake")
    @blp.arguments(IntakeIn)
    @blp.response(201, OrderDetailOut)
    def post(self, data):
        """单机受理: take one device in; answers the posted order (number WX-…) in state 待受理."""
        session = db_session()
        order = ops.take_in_device(session, data)
        session.commit()
        return _detail(order)


@blp.route("/orders/<uuid:order_id>", methods=["GET"])
@permission("repair.view")
@blp.response(200, OrderDetailOut)
def get_order(order_id):
    """One order with its transitions, quotations, parts, payments, handovers, the bill so far,
    and the events the caller may fire now."""
    return _detail(ops.get_order(db_session(), order_id))


@blp.route("/orders/<uuid:order_id>/passcode", methods=["GET"])
@permission("repair.passcode")
@blp.response(200, PasscodeOut)
def read_passcode(order_id):
    """The device's passcode (null once erased at pickup); every read is audited."""
    session = db_session()
    passcode = ops.read_passcode(session, ops.get_order(session, order_id))
    session.commit()
    return {"passcode": passcode}


def _event_view(t: sm.Transition):
    schema = event_schema(t)

    @permission(t.permission)
    @blp.arguments(schema)
    @blp.response(200, OrderDetailOut)
    def view(data, order_id):
        session = db_session()
        order = ops.fire(session, ops.get_order(session, order_id), t.event, data)
        session.commit()
        return _detail(order)

    view.__name__ = f"event_{t.event}"
    view.__doc__ = f"{t.label['zh-CN']} / {t.label['en']}: {', '.join(t.sources)} → {t.target or 'same state'}" + (
        f"; guards: {', '.join(t.guards)}" if t.guards else "")
    return view


for _t in sm.TRANSITIONS.values():
    blp.route(f"/orders/<uuid:order_id>/{_t.event.replace('_', '-')}", methods=["POST"],
              endpoint=f"event_{_t.event}")(_event_view(_t))


@blp.route("/orders/<uuid:order_id>/quotations", methods=["POST"])
@permission("repair.quote")
@blp.arguments(QuotationIn)
@blp.response(201, QuotationOut)
def make_quotation(data, order_id):
    """报价单: parts at their repair price, labour at the repair level's charge."""
    session = db_session()
    q = ops.make_quotation(session, ops.get_order(session, order_id), data["lines"], data.get("note", ""))
    session.commit()
    return q


@blp.route("/orders/<uuid:order_id>/quotations/<uuid:quotation_id>/decision", methods=["POST"])
@permission("repair.quote")
@blp.arguments(DecisionIn)
@blp.response(200, QuotationOut)
def decide_quotation(data, order_id, quotation_id):
    """The customer accepts or declines (signed); declined returns the device unrepaired."""
    session = db_session()
    q = ops.decide_quotation(session, ops.get_order(session, order_id), quotation_id, data["accepted"], data["signature"])
    session.commit()
    return q


@blp.route("/orders/<uuid:order_id>/parts", methods=["POST"])
@permission("repair.repair")
@blp.arguments(PartIn)
@blp.response(201, OrderDetailOut)
def record_part(data, order_id):
    """A drawn part is fitted; the replaced part returns to the defective warehouse automatically."""
    session = db_session()
    order = ops.get_order(session, order_id)
    ops.record_part(session, order, data)
    session.commit()
    return _detail(order)


@blp.route("/orders/<uuid:order_id>/deposits", methods=["POST"])
@permission("repair.deposit")
@blp.arguments(DepositIn)
@blp.response(201, PaymentOut)
def take_deposit(data, order_id):
    """押金: posted to the money ledger at once."""
    session = db_session()
    pay = ops.take_deposit(session, ops.get_order(session, order_id), data["amount"], data["account_id"])
    session.commit()
    return pay


@blp.route("/orders/<uuid:order_id>/refunds", methods=["POST"])
@permission("repair.refund")
@blp.arguments(RefundIn)
@blp.response(201, PaymentOut)
def create_refund(data, order_id):
    """退款单 (draft): paid out when approved."""
    session = db_session()
    pay = ops.create_refund(session, ops.get_order(session, order_id), data["amount"], data["account_id"], data["reason"])
    session.commit()
    return pay


@blp.route("/refunds/<uuid:payment_id>/approve", methods=["POST"])
@permission("repair.approve_refund")
@blp.response(200, PaymentOut)
def approve_refund(payment_id):
    """Approve a refund slip and pay it out (posts it to the money ledger)."""
    session = db_session()
    pay = session.execute(select(RepairPayment).where(RepairPayment.id == payment_id, RepairPayment.kind == "refund")
                          ).scalar_one_or_none()
    if pay is None:
        raise NotFound("no such refund slip")
    ops.approve_refund(session, pay)
    session.commit()
    return pay


@blp.route("/orders/<uuid:order_id>/handovers", methods=["POST"])
@permission("repair.handover")
@blp.arguments(HandoverIn)
@blp.response(201, OrderDetailOut)
def hand_over(data, order_id):
    """移交: the current holder hands the device on; the receiver signs."""
    session = db_session()
    order = ops.get_order(session, order_id)
    ops.hand_over(session, order, data["to_user_id"], data["signature"], place=data.get("place", ""),
                  note=data.get("note", ""))
    session.commit()
    return _detail(order)


@blp.route("/imei/<imei>/history", methods=["GET"])
@permission("repair.view")
@blp.response(200, ImeiHistoryOut)
def history(imei):
    """IMEI 号查询: everything known about one device, oldest first."""
    if problem := imei_problem(imei):
        raise InvalidInput("imei", problem)
    return imei_history(db_session(), imei)
