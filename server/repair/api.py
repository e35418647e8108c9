"""Repair API (spec §1): intake, one route per state-machine event (its permission taken from
the machine), quotations, parts, deposits, refunds, handovers, passcode, IMEI history, packing
lists, loaners, distributor batches, devices in transit, comebacks.

Thin views: schema in → one operation → commit → schema out.
"""

from __future__ import annotations

import datetime as dt

from flask.views import MethodView
from sqlalchemy import select

from ..basedata.text import imei_problem, normalise_imei
from ..core.operations import record_audit
from ..db import writing
from ..errors import Forbidden, InvalidInput, NotFound
from ..exports import xlsx_response
from ..http import Blueprint, authenticated, db_session, paginate, permission, principal, settings
from . import operations as ops
from . import statemachine as sm
from .models import RepairOrder, RepairPayment
from . import batches as batch_ops
from . import loaners as loaner_ops
from . import money as money_ops
from . import packing as packing_ops
from .queries import comebacks, export_header, export_rows, imei_history, order_detail, orders_page
from .schemas import (BatchArgs, BatchDetailOut, BatchDeviceIn, BatchEventIn, BatchIn, BatchPage, BatchPickupIn,
                      CarryOverIn, ComebackArgs, ComebacksOut, CounterAccountOut, DecisionIn, DepositIn, DepositTransferOut, HandoverIn, HandoverUserOut, ImeiHistoryOut,
                      InTransitListOut,
                      IntakeIn, LoanerArgs, LoanerIn, LoanerOut, LoanerPage, LoanerReturnIn, OrderDetailOut,
                      OrderExportArgs, OrderListArgs, OrderPage, PackIn, PackingDetailOut, PackingListArgs, PackingListIn,
                      PackingListPage, PartIn, PasscodeOut, PaymentOut, QuotationIn, QuotationOut, ReceiveIn, RefundArgs,
                      PayersOut, PayerSplitIn, RefundIn, RefundOut, RefundPage, RefuseIn, event_schema)

blp = Blueprint("repair", __name__, url_prefix="/api/repair", description="维修 Repair orders (spec §1)")


def _detail(order):
    return order_detail(db_session(), order)


@blp.route("/state-machine", methods=["GET"])
@authenticated
@blp.response(200)
def state_machine():
    """The repair order's states, events, guards and permissions: the one definition the PWA reads."""
    return sm.export()


@blp.route("/counter-accounts", methods=["GET"])
@permission("repair.view")
@blp.response(200, CounterAccountOut(many=True))
def list_counter_accounts():
    """The own service point's active cash drawers and bank accounts (id, code, name, kind): what a
    counter chooses for a deposit or a pickup payment. Devices keep the list for offline intake."""
    return ops.counter_accounts(db_session())


@blp.route("/handover-users", methods=["GET"])
@permission("repair.handover")
@blp.response(200, HandoverUserOut(many=True))
def list_handover_users():
    """The own service point's active users (id, username, name, roles): who may receive a device on
    a handover slip. The workshop keeps the list for offline handovers."""
    return ops.handover_users(db_session())


@blp.route("/orders")
class Orders(MethodView):
    @permission("repair.view")
    @blp.arguments(OrderListArgs, location="query")
    @blp.response(200, OrderPage)
    def get(self, args):
        """Repair orders of the own service point (headquarters: all), filtered (state, mode, point,
        intake dates, number/IMEI/phone), sorted (default newest first), a page at a time, with the
        whole list's total and how many of it are open and overdue."""
        return orders_page(db_session(), args)

    @permission("repair.intake")
    @blp.arguments(IntakeIn)
    @blp.response(201, OrderDetailOut)
    def post(self, data):
        """单机受理: take one device in; answers the posted order (number WX-…) in state 待受理."""
        session = db_session()
        order = ops.take_in_device(session, data)
        session.commit()
        return _detail(order)


@blp.route("/orders/export", methods=["GET"])
@permission("customer.personal_data")
@blp.arguments(OrderExportArgs, location="query")
@blp.response(200, description="The filtered list as .xlsx, in the list's order (streamed)")
def export_orders(args):
    """The order list with the list's filters and sort, every row, as Excel. It names customers and
    their phones, so it is personal data in bulk: ``customer.personal_data`` besides ``repair.view``,
    and every export is audited (filters and row count)."""
    session = db_session()
    if not principal().can("repair.view"):
        raise Forbidden("repair.view is needed to export repair orders")
    header, widths = export_header(args["lang"])

    def audit(rows: int) -> None:
        filters = {k: str(v) for k, v in args.items() if k not in ("format", "lang")}
        with writing(session):
            record_audit(session, "repair_orders.export", entity_type="repair_order",
                         after={"format": args["format"], "rows": rows, "filters": filters})

    name = f"repair-orders-{dt.date.today().isoformat()}.xlsx"
    return xlsx_response(name, header, export_rows(session, args, args["lang"]), widths, on_written=audit)


@blp.route("/orders/<uuid:order_id>", methods=["GET"])
@permission("repair.view")
@blp.response(200, OrderDetailOut)
def get_order(order_id):
    """One order with its transitions, quotations, parts, payments, handovers, the bill so far,
    and the events the caller may fire now."""
    return _detail(ops.get_order(db_session(), order_id))


@blp.route("/orders/<uuid:order_id>/payers", methods=["GET"])
@permission("repair.view")
@blp.response(200, PayersOut)
def get_payers(order_id):
    """Several payers per job: who pays what of the bill (customer, manufacturer, insurer, the point's
    goodwill), the manufacturer's claimable labour fee and parts, each payer's open amount once settled,
    and the job's margin (revenue from every payer − parts at cost − the engineer's commission)."""
    from .split import split_view

    session = db_session()
    return split_view(session, ops.get_order(session, order_id))


@blp.route("/orders/<uuid:order_id>/payers", methods=["PUT"])
@permission("repair.pickup")
@blp.arguments(PayerSplitIn)
@blp.response(200, PayersOut)
def set_payers(data, order_id):
    """Split the bill between payers before pickup (the shares add up to the bill; [] clears it);
    the pickup settlement posts each payer's share as its receivable."""
    from .split import set_payer_split, split_view

    session = db_session()
    order = ops.get_order(session, order_id)
    set_payer_split(session, order, data["split"])
    session.commit()
    return split_view(session, order)


@blp.route("/orders/<uuid:order_id>/passcode", methods=["GET"])
@permission("repair.passcode")
@blp.response(200, PasscodeOut)
def read_passcode(order_id):
    """The device's passcode (null once erased at pickup); every read is audited."""
    session = db_session()
    order = ops.get_order(session, order_id)
    with writing(session):  # the read is audited
        passcode = ops.read_passcode(session, order)
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


@blp.route("/orders/<uuid:order_id>/carry-over-deposit", methods=["POST"])
@permission("repair.deposit")
@blp.arguments(CarryOverIn)
@blp.response(201, DepositTransferOut)
def carry_over_deposit(data, order_id):
    """押金结转: the deposit held on a repair converted to an exchange moves to that exchange order
    (posted at once, JZ-…), where the customer's charge uses it. Once per order."""
    session = db_session()
    t = ops.carry_over_deposit(session, ops.get_order(session, order_id), data)
    session.commit()
    return t


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


def _refund(pay):
    return money_ops.refund_row(pay, db_session().get(RepairOrder, pay.order_id).number)


@blp.route("/refunds", methods=["GET"])
@permission("repair.view")
@blp.arguments(RefundArgs, location="query")
@blp.response(200, RefundPage)
def list_refunds(args):
    """退款单: refund slips with their order, newest first (``approval=pending``: the approver's queue)."""
    from ..finance.queries import paginate_rows

    return paginate_rows(db_session(), money_ops.refunds_query(args), args, lambda r: money_ops.refund_row(r[0], r[1]))


@blp.route("/refunds/<uuid:payment_id>", methods=["GET"])
@permission("repair.view")
@blp.response(200, RefundOut)
def get_refund(payment_id):
    """One refund slip: amount, reason, whether it waits, was approved (paid out) or refused, and why."""
    return _refund(money_ops.get_refund(db_session(), payment_id))


@blp.route("/refunds/<uuid:payment_id>/approve", methods=["POST"])
@permission("repair.approve_refund")
@blp.response(200, RefundOut)
def approve_refund(payment_id):
    """Approve a refund slip and pay it out (posts it to the money ledger)."""
    session = db_session()
    pay = money_ops.get_refund(session, payment_id)
    ops.approve_refund(session, pay)
    session.commit()
    return _refund(pay)


@blp.route("/refunds/<uuid:payment_id>/refuse", methods=["POST"])
@permission("repair.approve_refund")
@blp.arguments(RefuseIn)
@blp.response(200, RefundOut)
def refuse_refund(data, payment_id):
    """Refuse a refund slip, saying why: nothing is paid, the slip never posts."""
    session = db_session()
    pay = money_ops.refuse_refund(session, money_ops.get_refund(session, payment_id), data["reason"])
    session.commit()
    return _refund(pay)


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
    imei = normalise_imei(imei)
    if problem := imei_problem(imei):
        raise InvalidInput("imei", problem)
    return imei_history(db_session(), imei)


# -- packing lists (§1.9) -------------------------------------------------------------------

def _packing(pl):
    return packing_ops.packing_detail(db_session(), pl)


@blp.route("/packing-lists")
class PackingLists(MethodView):
    @permission("repair.view")
    @blp.arguments(PackingListArgs, location="query")
    @blp.response(200, PackingListPage)
    def get(self, args):
        """装箱单: packing lists the point sent or receives, newest first."""
        return paginate(db_session(), packing_ops.packing_lists_query(args), args)

    @permission("repair.packing")
    @blp.arguments(PackingListIn)
    @blp.response(201, PackingDetailOut)
    def post(self, data):
        """A new packing list (draft), optionally with its devices."""
        session = db_session()
        pl = packing_ops.create_packing_list(session, data)
        session.commit()
        return _packing(pl)


@blp.route("/packing-lists/<uuid:list_id>")
class PackingListView(MethodView):
    @permission("repair.view")
    @blp.response(200, PackingDetailOut)
    def get(self, list_id):
        """One packing list with its lines and how many are in transit, received, missing, unexpected."""
        return _packing(packing_ops.get_packing_list(db_session(), list_id))

    @permission("repair.packing")
    @blp.response(204)
    def delete(self, list_id):
        """Discard a packing list not yet sent."""
        from ..core import operations as core

        session = db_session()
        core.delete_draft(session, packing_ops.get_packing_list(session, list_id))
        session.commit()


@blp.route("/packing-lists/<uuid:list_id>/lines", methods=["POST"])
@permission("repair.packing")
@blp.arguments(PackIn)
@blp.response(201, PackingDetailOut)
def pack_device(data, list_id):
    """Pack a device: name its order or scan its IMEI; refused at once if it may not be sent."""
    session = db_session()
    pl = packing_ops.get_packing_list(session, list_id)
    if not data.get("order_id") and not data.get("exchange_order_id") and not data.get("imei"):
        raise InvalidInput("order_id", "name the order or scan the IMEI")
    field = next(k for k in ("order_id", "exchange_order_id", "imei") if data.get(k))
    packing_ops.add_to_packing_list(session, pl, order_id=data.get("order_id"), imei=data.get("imei"),
                                    exchange_order_id=data.get("exchange_order_id"), field=field)
    session.commit()
    return _packing(pl)


@blp.route("/packing-lists/<uuid:list_id>/lines/<uuid:order_id>", methods=["DELETE"])
@permission("repair.packing")
@blp.response(200, PackingDetailOut)
def unpack_device(list_id, order_id):
    """Take a device (by its order) out of a box not yet sent."""
    session = db_session()
    pl = packing_ops.get_packing_list(session, list_id)
    packing_ops.remove_from_packing_list(session, pl, order_id)
    session.commit()
    return _packing(pl)


@blp.route("/packing-lists/<uuid:list_id>/send", methods=["POST"])
@permission("repair.packing")
@blp.response(200, PackingDetailOut)
def send_packing_list(list_id):
    """发出: number the list; every device moves with the machine's event and is in transit."""
    session = db_session()
    pl = packing_ops.send_packing_list(session, packing_ops.get_packing_list(session, list_id))
    session.commit()
    return _packing(pl)


@blp.route("/packing-lists/<uuid:list_id>/receive", methods=["POST"])
@permission("repair.packing")
@blp.arguments(ReceiveIn)
@blp.response(200, PackingDetailOut)
def receive_packing_item(data, list_id):
    """Check in one device by its IMEI (the receiver signs); a device not on the list is flagged unexpected."""
    session = db_session()
    pl = packing_ops.get_packing_list(session, list_id)
    packing_ops.receive_packing_item(session, pl, data["imei"], data.get("signature"), note=data.get("note", ""),
                                     replaces_imei=data.get("replaces_imei"))
    session.commit()
    return _packing(pl)


@blp.route("/packing-lists/<uuid:list_id>/close", methods=["POST"])
@permission("repair.packing")
@blp.response(200, PackingDetailOut)
def close_packing_list(list_id):
    """Close the check-in: devices never scanned are flagged missing."""
    session = db_session()
    pl = packing_ops.close_packing_list(session, packing_ops.get_packing_list(session, list_id))
    session.commit()
    return _packing(pl)


@blp.route("/in-transit", methods=["GET"])
@permission("repair.view")
@blp.response(200, InTransitListOut)
def devices_in_transit():
    """Devices on the road between points or at the factory, with the list they travel on."""
    return {"items": packing_ops.in_transit(db_session())}


# -- loaners (§1.10) ------------------------------------------------------------------------

@blp.route("/loaners", methods=["GET"])
@permission("repair.view")
@blp.arguments(LoanerArgs, location="query")
@blp.response(200, LoanerPage)
def list_loaners(args):
    """备机单: loaners lent (``out``: not returned; ``overdue``: past their due date), by due date."""
    from ..finance.queries import paginate_rows

    session = db_session()
    return paginate_rows(session, loaner_ops.loaners_query(args, ops._today(session)), args,
                         lambda r: loaner_ops.loaner_row(r[0], r[1]))


@blp.route("/loaners/<uuid:loaner_id>", methods=["GET"])
@permission("repair.view")
@blp.response(200, LoanerOut)
def get_loaner(loaner_id):
    """One loaner slip: the unit, its deposit and due date, and its return once back."""
    session = db_session()
    return loaner_ops.loaner_detail(session, loaner_ops.get_loaner(session, loaner_id))


@blp.route("/orders/<uuid:order_id>/loaners", methods=["POST"])
@permission("repair.loaner")
@blp.arguments(LoanerIn)
@blp.response(201, LoanerOut)
def lend_loaner(data, order_id):
    """Lend a loaner unit against the order (posted at once; the deposit to the money ledger)."""
    session = db_session()
    loaner = loaner_ops.lend_loaner(session, ops.get_order(session, order_id), data)
    session.commit()
    return loaner_ops.loaner_detail(session, loaner)


@blp.route("/loaners/<uuid:loaner_id>/return", methods=["POST"])
@permission("repair.loaner")
@blp.arguments(LoanerReturnIn)
@blp.response(200, LoanerOut)
def return_loaner(data, loaner_id):
    """The loaner comes back: condition checked, unit back to stock, deposit paid back less any damage charge."""
    session = db_session()
    loaner = loaner_ops.return_loaner(session, loaner_ops.get_loaner(session, loaner_id), data)
    session.commit()
    return loaner_ops.loaner_detail(session, loaner)


# -- batches (§1.12) ------------------------------------------------------------------------

def _batch(batch):
    return batch_ops.batch_detail(db_session(), batch)


@blp.route("/batches")
class Batches(MethodView):
    @permission("repair.view")
    @blp.arguments(BatchArgs, location="query")
    @blp.response(200, BatchPage)
    def get(self, args):
        """批量受理单: distributor batches, newest first."""
        return paginate(db_session(), batch_ops.batches_query(args), args)

    @permission("repair.batch")
    @blp.arguments(BatchIn)
    @blp.response(201, BatchDetailOut)
    def post(self, data):
        """Open a batch for a distributor; its devices are scanned in next."""
        session = db_session()
        batch = batch_ops.open_batch(session, data)
        session.commit()
        return _batch(batch)


@blp.route("/batches/<uuid:batch_id>", methods=["GET"])
@permission("repair.view")
@blp.response(200, BatchDetailOut)
def get_batch(batch_id):
    """One batch with its devices (line, order, state, bill so far)."""
    return _batch(batch_ops.get_batch(db_session(), batch_id))


@blp.route("/batches/<uuid:batch_id>/devices", methods=["POST"])
@permission("repair.batch")
@blp.arguments(BatchDeviceIn)
@blp.response(201, BatchDetailOut)
def add_batch_device(data, batch_id):
    """Scan a device into the batch (an intake for the distributor); a repeated IMEI is refused with its line."""
    session = db_session()
    batch = batch_ops.get_batch(session, batch_id)
    batch_ops.add_batch_device(session, batch, data)
    session.commit()
    return _batch(batch)


@blp.route("/batches/<uuid:batch_id>/close", methods=["POST"])
@permission("repair.batch")
@blp.response(200, BatchDetailOut)
def close_batch(batch_id):
    """All devices are in: number the batch (PL-…)."""
    session = db_session()
    batch = batch_ops.close_batch_intake(session, batch_ops.get_batch(session, batch_id))
    session.commit()
    return _batch(batch)


@blp.route("/batches/<uuid:batch_id>/events", methods=["POST"])
@permission("repair.batch")
@blp.arguments(BatchEventIn)
@blp.response(200, BatchDetailOut)
def fire_batch(data, batch_id):
    """批量维修: one machine event on every device of the batch (or ``order_ids``), all or nothing."""
    session = db_session()
    batch = batch_ops.get_batch(session, batch_id)
    data = dict(data)
    event, order_ids = data.pop("event"), data.pop("order_ids", None)
    batch_ops.fire_batch(session, batch, event, data, order_ids)
    session.commit()
    return _batch(batch)


@blp.route("/batches/<uuid:batch_id>/pickup", methods=["POST"])
@permission("repair.batch")
@blp.arguments(BatchPickupIn)
@blp.response(200, BatchDetailOut)
def pick_up_batch(data, batch_id):
    """批量取机: all devices together, one bill on the distributor's account."""
    session = db_session()
    batch = batch_ops.pick_up_batch(session, batch_ops.get_batch(session, batch_id), data["signature"])
    session.commit()
    return _batch(batch)


# -- comebacks ------------------------------------------------------------------------------

@blp.route("/comebacks", methods=["GET"])
@permission("repair.view")
@blp.arguments(ComebackArgs, location="query")
@blp.response(200, ComebacksOut)
def list_comebacks(args):
    """返修: repairs picked up in the period whose device came back (each counted once), per engineer
    and fault code, under the one rule of server/repair/comebacks.py."""
    return comebacks(db_session(), args.get("since"), args.get("until"), settings().timezone)
