"""Reading exchange orders: the list, one order with its steps, and the exchange entries of the
IMEI history (the old unit linked to the new one and back). Scoped like every ``OrgOwned`` read."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from ..auth.principal import get_principal
from ..basedata.text import normalise_imei
from ..http import paginate
from . import statemachine as sm
from .models import ExchangeOrder, ExchangeStep
from .operations import deposit_held, facts_of


def orders_query(args: dict):
    stmt = select(ExchangeOrder)
    for name in ("state", "mode", "org_id"):
        if args.get(name):
            stmt = stmt.where(getattr(ExchangeOrder, name) == args[name])
    if args.get("since"):
        stmt = stmt.where(ExchangeOrder.doc_date >= args["since"])
    if args.get("until"):
        stmt = stmt.where(ExchangeOrder.doc_date <= args["until"])
    if q := (args.get("q") or "").strip():
        imei = normalise_imei(q)
        stmt = stmt.where(or_(ExchangeOrder.number == q.upper(), ExchangeOrder.imei == imei,
                              ExchangeOrder.replacement_imei == imei, ExchangeOrder.factory_imei == imei,
                              ExchangeOrder.customer_phone == q))
    return stmt.order_by(ExchangeOrder.created_at.desc(), ExchangeOrder.id.desc())


def orders_page(session: Session, args: dict) -> dict:
    return paginate(session, orders_query(args), args)


def order_detail(session: Session, order: ExchangeOrder) -> dict[str, Any]:
    from ..repair.models import RepairOrder

    steps = list(session.execute(select(ExchangeStep).where(ExchangeStep.order_id == order.id)
                                 .order_by(ExchangeStep.seq)).scalars())
    facts = facts_of(order)
    p = get_principal(session)
    links = {}
    for key, rid in (("from_repair", order.from_repair_order_id), ("repair", order.repair_order_id)):
        if rid is not None:
            number = session.execute(select(RepairOrder.number).where(RepairOrder.id == rid)).scalar_one_or_none()
            links[key] = {"id": str(rid), "number": number}
    undoable = [s for s in steps if s.event != "reverse" and s.reversed_by_seq is None]
    may_reverse = ("exchange.reverse" in p.permissions and order.state not in (sm.CANCELLED, sm.CONVERTED)
                   and bool(undoable) and undoable[-1].event != "convert_to_repair"
                   and not (undoable[-1].event == "intake" and order.from_repair_order_id is not None))
    from ..repair.models import RepairLoaner

    loaners = [{"id": str(x.id), "number": x.number, "serial": x.serial, "due_date": x.due_date.isoformat(),
                "deposit": str(x.deposit), "returned_at": x.returned_at.isoformat() if x.returned_at else None}
               for x in session.execute(select(RepairLoaner).where(RepairLoaner.exchange_order_id == order.id,
                                                                  RepairLoaner.status == "posted")
                                        .order_by(RepairLoaner.created_at)).scalars()]
    return {"order": order, "state_label": sm.STATE_LABELS[order.state], "mode_label": sm.MODES[order.mode],
            "deposit_held": deposit_held(session, order), "loaners": loaners,
            "facts": facts.__dict__, "allowed_events": sm.allowed_events(order.state, facts, p.permissions)
            if p.may_write_org(order.org_id) else [],
            "may_reverse": may_reverse, "steps": steps, "links": links}


_STEP_TEXT = {
    "intake": "换机受理 taken in", "hand_over": "新机交付 replacement handed over", "dispatch": "发往厂家 sent to the manufacturer",
    "factory_receipt": "厂家签收 received by the manufacturer", "receive_replacement": "厂家新机到货 manufacturer's unit arrived",
    "credit": "厂家折价 credited", "pickup": "客户取新机 replacement picked up",
    "convert_to_onsite": "转现场换机 turned on-site", "convert_to_repair": "换机转维修 converted to repair",
    "reverse": "红冲 reversed",
}


def history_entries(session: Session, imei: str, entry) -> tuple[list[dict], list[dict]]:
    """The exchange orders a device takes part in — as the customer's old unit, the replacement it
    got, or the manufacturer's unit that came back — and their steps, for the IMEI history. Each
    order names both units, so the old unit's history leads to the new one and back."""
    orders = list(session.execute(select(ExchangeOrder).where(or_(
        ExchangeOrder.imei == imei, ExchangeOrder.replacement_imei == imei, ExchangeOrder.factory_imei == imei)))
        .scalars())
    if not orders:
        return [], []
    by_id = {o.id: o for o in orders}
    entries = []
    for s in session.execute(select(ExchangeStep).where(ExchangeStep.order_id.in_(list(by_id)))).scalars():
        o = by_id[s.order_id]
        text = f"{o.number} {_STEP_TEXT.get(s.event, s.event)}"
        if s.event in ("hand_over", "convert_to_onsite", "pickup") and s.data.get("replacement_imei"):
            text += f": {o.imei} → {s.data['replacement_imei']}"
        if s.event == "receive_replacement" and s.data.get("factory_unit"):
            text += f": {s.data['factory_unit']}"
        if s.event == "convert_to_repair" and s.data.get("repair_order"):
            text += f": {s.data['repair_order']}"
        entries.append(entry(s.at, f"exchange.{s.event}", text, order_id=o.id, number=o.number))
    links = [{"id": o.id, "number": o.number, "state": o.state, "mode": o.mode, "old_imei": o.imei,
              "new_imei": o.replacement_imei or None, "factory_imei": o.factory_imei or None,
              "role": "old" if o.imei == imei else "replacement" if o.replacement_imei == imei else "factory"}
             for o in sorted(orders, key=lambda o: o.created_at)]
    return entries, links
