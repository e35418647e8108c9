"""The exchange order's printed forms: the exchange ticket (换机受理单, 80 mm and A5: customer copy
with the order's QR code, and the counter's stub) and the exchange certificate for the customer
(换机凭证: the old and the new IMEI, the new unit's warranty). View-models (the contract with the
templates) and their adapters, which read the order through the exchange's scoped getter (another
point's order is a 404)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..basedata.models import Item, WarrantyCard
from ..basedata.queries import add_months
from ..printing import viewmodels as vm
from ..printing.qr import exchange_token
from . import operations as ops
from . import statemachine as sm
from .models import ExchangeStep


@dataclass(frozen=True)
class ExchangeTicket:
    """换机受理单 (客户联 + 存根联)."""

    org: vm.OrgHeader
    number: str
    provisional_code: str
    token: str  # what the QR code says (server.printing.qr: E1 + the order's id)
    taken_at: dt.datetime
    clerk: str
    customer_name: str
    customer_phone: str  # the stub shows it whole, the customer copy masked
    model: str
    imei: str
    mode: str  # the mode's label in the form's language
    state: str
    fault: str
    sale_date: dt.date | None
    warranty_until: dt.date | None
    verdict: tuple[str, ...]  # the 三包 rule's reasons, in the form's language
    override_reason: str = ""
    photos: tuple[str, ...] = ()  # the unit's condition at intake: thumbnails (data URLs)
    signature: vm.Signature | None = None  # the customer's, signed on the tablet at intake


@dataclass(frozen=True)
class ExchangeCertificate:
    """换机凭证: what the customer keeps once the replacement is theirs."""

    org: vm.OrgHeader
    number: str
    token: str
    exchanged_at: dt.datetime | None
    handled_by: str
    customer_name: str
    customer_phone: str
    model: str
    old_imei: str
    new_imei: str
    new_model: str
    warranty_from: dt.date | None
    warranty_until: dt.date | None
    warranty_months: int | None
    old_sale_date: dt.date | None
    mode: str
    fee: Decimal | None
    handed_over: bool  # False: not handed over yet (printed as 未交付, the fields left empty)
    signature: vm.Signature | None = None


def _mode(order, ctx) -> str:
    return sm.MODES[order.mode][ctx.locale]


def exchange_ticket(session: Session, order_id, ctx) -> ExchangeTicket:
    from ..printing.adapters import MAX_THUMBNAILS, _blob_image, _model, _org, _signature, _user

    order = ops.get_order(session, order_id)
    t = ctx.t
    names = t["list_sep"].join(s.get("name", "") for s in order.symptoms or [])
    fault = t["semi"].join(x for x in (names, order.fault_description) if x)
    reasons = tuple(r.get(ctx.locale) or r.get("en", "") for r in (order.eligibility or {}).get("reasons", []))
    return ExchangeTicket(
        org=_org(session, ctx, order.org_id), number=order.number or "", provisional_code=order.provisional_code,
        token=exchange_token(order.id), taken_at=ctx.local(order.created_at), clerk=_user(session, order.created_by_id),
        customer_name=order.customer_name, customer_phone=order.customer_phone,
        model=_model(session, order.model_id, ctx.lang), imei=order.imei, mode=_mode(order, ctx),
        state=sm.STATE_LABELS[order.state][ctx.locale], fault=fault, sale_date=order.sale_date,
        warranty_until=order.warranty_until, verdict=reasons, override_reason=order.override_reason,
        photos=tuple(p for p in (_blob_image(ctx, sha) for sha in (order.photos or [])[:MAX_THUMBNAILS]) if p),
        signature=_signature(ctx, order.intake_signature, order.created_at))


def exchange_certificate(session: Session, order_id, ctx) -> ExchangeCertificate:
    from ..printing.adapters import _model, _org, _signature, _user

    order = ops.get_order(session, order_id)
    # The step that gave the customer the replacement (on-site, converted, or picked up), in force.
    step = session.execute(select(ExchangeStep).where(
        ExchangeStep.order_id == order.id, ExchangeStep.event.in_(("hand_over", "convert_to_onsite", "pickup")),
        ExchangeStep.reversed_by_seq.is_(None)).order_by(ExchangeStep.seq.desc()).limit(1)).scalar_one_or_none()
    card = session.get(WarrantyCard, order.new_card_id, execution_options={"exact_key": True}) \
        if order.new_card_id and order.handed_over else None
    item = session.get(Item, order.replacement_item_id) if order.replacement_item_id else None
    return ExchangeCertificate(
        org=_org(session, ctx, order.org_id), number=order.number or "", token=exchange_token(order.id),
        exchanged_at=ctx.local(order.handed_over_at), handled_by=_user(session, step.user_id) if step else "",
        customer_name=order.customer_name, customer_phone=order.customer_phone,
        model=_model(session, order.model_id, ctx.lang), old_imei=order.imei,
        new_imei=order.replacement_imei if order.handed_over else "",
        new_model=_model(session, item.model_id, ctx.lang) if item is not None and item.model_id else "",
        warranty_from=card.sale_date if card else None,
        warranty_until=add_months(card.sale_date, card.period_months) if card else None,
        warranty_months=card.period_months if card else None, old_sale_date=order.sale_date, mode=_mode(order, ctx),
        fee=order.fee or None, handed_over=order.handed_over,
        signature=_signature(ctx, order.signature, order.handed_over_at) if order.handed_over else None)

