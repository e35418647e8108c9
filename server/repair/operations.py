"""Repair use cases (spec §1): intake, the state machine's events, quotations, parts, deposits,
refunds, pickup settlement and handovers.

Every operation here is what both the REST API and the sync worker call. Operations flush and
never commit; errors name the field and, raised before any write or rolled back by the entry
point, change nothing. The principal (who acts) is read from the session.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import os
import re
import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..auth.models import User
from ..auth.principal import get_principal
from ..basedata import models as bd
from ..basedata.operations import today_in
from ..basedata.queries import check_warranty, member_by_phone
from ..basedata.text import imei_problem, normalise_imei, normalise_phone, phone_problem
from ..blobs.models import BlobUpload
from ..core import operations as core
from ..db import utcnow
from ..errors import Conflict, Forbidden, InvalidInput, NotFound, TransitionRefused
from ..finance.models import MoneyAccount
from ..ids import uuid7
from ..org.models import Organisation
from ..org.scoping import may_see
from ..settings import Settings
from . import rules
from . import statemachine as sm
from .models import (RepairHandover, RepairOrder, RepairPart, RepairPayment, RepairQuotation, RepairQuotationLine,
                     RepairTransition)

ZERO = Decimal("0")
# Shapes and limits the PWA checks too (rules.py, exported into its build).
MAX_SIGNATURE = rules.MAX_SIGNATURE
_SHA = re.compile(rules.SHA256_PATTERN)
_DATA_URL = re.compile(rules.SIGNATURE_PATTERN)
LIMITS = rules.TEXT_LIMITS


# -- settings and small helpers ----------------------------------------------------------

def repair_settings(session: Session) -> Settings:
    settings = session.info.get("aftercare.settings")
    if settings is None:
        raise RuntimeError("the session carries no settings (made outside the app's session factory)")
    return settings


def _today(session: Session) -> dt.date:
    return today_in(repair_settings(session).timezone)


def _passcode_key(settings: Settings) -> bytes:
    # Derived with a purpose label, so the same secret never keys two things.
    raw = settings.repair_passcode_key or settings.jwt_secret
    return hashlib.sha256(b"aftercare repair passcode v1\x00" + raw.encode()).digest()


def encrypt_passcode(settings: Settings, order_id: uuid.UUID, passcode: str) -> str:
    """AES-256-GCM; the order id is bound in as associated data (a ciphertext moved to
    another order does not decrypt)."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = os.urandom(12)
    sealed = AESGCM(_passcode_key(settings)).encrypt(nonce, passcode.encode(), order_id.bytes)
    return base64.b64encode(nonce + sealed).decode()


def decrypt_passcode(settings: Settings, order_id: uuid.UUID, cipher: str) -> str:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    raw = base64.b64decode(cipher)
    try:
        return AESGCM(_passcode_key(settings)).decrypt(raw[:12], raw[12:], order_id.bytes).decode()
    except InvalidTag:
        raise Conflict("the stored passcode cannot be read with the current key", {"passcode": ["unreadable"]}) from None


def check_signature(value: Any, field: str, required: bool = True) -> str:
    """A signature: a small inline image (data URL) or the SHA-256 of an uploaded one."""
    if value in (None, ""):
        if required:
            raise InvalidInput(field, "the signature is required")
        return ""
    if not isinstance(value, str) or len(value) > MAX_SIGNATURE:
        raise InvalidInput(field, f"must be a data URL of at most {MAX_SIGNATURE} characters or a SHA-256")
    if not (_SHA.match(value) or _DATA_URL.match(value)):
        raise InvalidInput(field, "must be a data:image/…;base64 URL or the SHA-256 of an uploaded image")
    return value


def _money(value: Any, field: str, *, positive: bool = True) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (Decimal, int, str)):
        raise InvalidInput(field, "must be an amount")
    try:
        amount = Decimal(value)
    except Exception:  # noqa: BLE001 - any parse failure is bad input
        raise InvalidInput(field, "must be an amount") from None
    if not amount.is_finite() or amount != amount.quantize(Decimal("0.01")):
        raise InvalidInput(field, "at most two decimal places")
    if positive and amount <= 0:
        raise InvalidInput(field, "must be positive")
    if abs(amount) > Decimal(rules.MONEY_MAX):
        raise InvalidInput(field, "too large")
    return amount.quantize(Decimal("0.01"))


def _text(data: dict, name: str, max_len: int, required: bool = False) -> str:
    value = data.get(name) or ""
    if not isinstance(value, str):
        raise InvalidInput(name, "must be text")
    value = value.strip()
    if required and not value:
        raise InvalidInput(name, "required")
    if len(value) > max_len:
        raise InvalidInput(name, f"at most {max_len} characters")
    return value


def _uuid(value: Any, field: str) -> uuid.UUID | None:
    if value in (None, ""):
        return None
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise InvalidInput(field, "must be an id") from None


def _date(value: Any, field: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise InvalidInput(field, "must be a date (YYYY-MM-DD)") from None


def _service_point(session: Session) -> Organisation:
    p = get_principal(session)
    org = session.get(Organisation, p.org_id) if p.org_id else None
    if org is None or org.kind != "service_point":
        raise Forbidden("devices are taken in at a service point; headquarters accounts cannot", {"org_id": ["not a service point"]})
    return org


def working_org_id(order: RepairOrder) -> uuid.UUID:
    """The point that works the order now: its own, or the higher-level point holding it (mode B)."""
    return order.custody_org_id or order.org_id


def _engineer(session: Session, order: RepairOrder, engineer_id: Any, field: str = "engineer_id") -> bd.Engineer:
    eid = _uuid(engineer_id, field)
    eng = session.get(bd.Engineer, eid) if eid else None
    if eng is None or eng.org_id != working_org_id(order) or not eng.active:
        raise InvalidInput(field, "no such active engineer at this service point")
    return eng


def _own_engineer(session: Session, order: RepairOrder) -> bd.Engineer | None:
    p = get_principal(session)
    if p.user_id is None:
        return None
    return session.execute(select(bd.Engineer).where(bd.Engineer.user_id == p.user_id,
                                                     bd.Engineer.org_id == working_org_id(order),
                                                     bd.Engineer.active)).scalar_one_or_none()


def _account(session: Session, order: RepairOrder, account_id: Any, field: str = "account_id") -> MoneyAccount:
    aid = _uuid(account_id, field)
    if aid is None:
        raise InvalidInput(field, "choose the cash drawer or bank account")
    acc = session.get(MoneyAccount, aid)
    if acc is None or acc.org_id != order.org_id or not acc.active:
        raise InvalidInput(field, "no such active money account at this service point")
    return acc


def counter_accounts(session: Session) -> list[MoneyAccount]:
    """The own service point's active cash drawers and bank accounts, for deposits and pickups
    at the counter (a clerk needs their ids, not the finance module's balances). Reads only."""
    org = _service_point(session)
    return list(session.execute(select(MoneyAccount).where(MoneyAccount.org_id == org.id, MoneyAccount.active)
                                .order_by(MoneyAccount.kind.desc(), MoneyAccount.code)).scalars())


def handover_users(session: Session) -> list[User]:
    """The active users of the own service point, to whom a device may be handed over (a
    handover slip names its receiver; the workshop keeps the list for offline use). Reads only."""
    org = _service_point(session)
    return list(session.execute(select(User).where(User.org_id == org.id, User.active)
                                .order_by(User.full_name, User.username)).scalars())


def get_order(session: Session, order_id: Any) -> RepairOrder:
    """The order, if the session's principal may see it (another point's order reads as 404)."""
    oid = _uuid(order_id, "order_id")
    order = session.get(RepairOrder, oid) if oid else None
    if order is None:
        raise NotFound("no such repair order")
    # session.get may answer from the identity map without the scoping criteria: check again.
    if not may_see(get_principal(session), order):
        raise NotFound("no such repair order")
    return order


def audit_org(session: Session, record: Any) -> uuid.UUID | None:
    """The organisation an audit row of ``record`` goes to: the owner's, or the acting point's when
    that is the higher-level point a shared record was forwarded to (its own log, its own rows)."""
    p = get_principal(session)
    if p.org_id and getattr(record, "shared_org_id", None) == p.org_id and record.org_id != p.org_id:
        return p.org_id
    return None


# -- facts for the state machine ---------------------------------------------------------

def current_quotation(session: Session, order: RepairOrder) -> RepairQuotation | None:
    return session.execute(select(RepairQuotation).where(
        RepairQuotation.order_id == order.id, RepairQuotation.status != "superseded")
        .order_by(RepairQuotation.created_at.desc(), RepairQuotation.id.desc()).limit(1)).scalar_one_or_none()


def _settled(session: Session, order: RepairOrder) -> bool:
    return session.execute(select(RepairPayment.id).where(
        RepairPayment.order_id == order.id, RepairPayment.kind == "settlement",
        RepairPayment.status == "posted")).first() is not None


def facts_of(session: Session, order: RepairOrder, *, full: bool = False) -> sm.Facts:
    """What the machine's guards look at. Only ``full`` (the order's detail, shown to people)
    reads what no guard needs: the quotation of an order that is not chargeable, and whether
    the bill is settled."""
    q = current_quotation(session, order) if order.chargeable or full else None
    p = get_principal(session)
    at = order.at_org_id
    return sm.Facts(
        chargeable=order.chargeable, quotation=q.status if q else "none",
        repair_started=order.repair_started_at is not None, qc_passed=order.qc_passed_at is not None,
        unrepaired=order.unrepaired, followup_optional=repair_settings(session).repair_followup_optional,
        forwarded_out=order.forwarded_out, settled=_settled(session, order) if full else False,
        device_here=at is not None and (p.sees_all or at == p.org_id), at_owner=at == order.org_id,
        to_higher_point=order.forwarded_out and order.custody_org_id is not None,
        followed_up=order.followup_satisfaction is not None, acting_admin=p.actor_id is not None)


def _record_transition(session: Session, order: RepairOrder, event: str, before: str, data: dict,
                       event_id: str | None = None) -> RepairTransition:
    p = get_principal(session)
    order.transition_count += 1
    row = RepairTransition(org_id=order.org_id, shared_org_id=order.shared_org_id, order_id=order.id,
                           seq=order.transition_count, event=event,
                           from_state=before, to_state=order.state, user_id=p.user_id, username=p.username or "",
                           source=p.source, event_id=event_id, data=_jsonable(data))
    session.add(row)
    core.record_audit(session, f"repair_order.{event}", order, org_id=audit_org(session, order),
                      before={"state": before}, after={"state": order.state, **_jsonable(data)})
    return row


def _jsonable(data: dict) -> dict:
    from ..core.models import _jsonable as j

    return j({k: v for k, v in data.items() if k not in ("passcode", "signature")})


# -- intake (§1.1) -------------------------------------------------------------------------

def _customer(session: Session, data: dict) -> dict:
    phone = normalise_phone(_text(data, "member_phone", LIMITS["member_phone"]))
    if phone:
        member = member_by_phone(session, phone)  # a customer served at any point
        if member is None or not member.active:
            raise InvalidInput("member_phone", "no member with this phone: register the member, or take the device in as a walk-in")
        return {"customer_kind": "member", "member_id": member.id, "customer_name": member.name, "customer_phone": member.phone}
    name = _text(data, "customer_name", LIMITS["customer_name"], required=True)
    walk_phone = normalise_phone(_text(data, "customer_phone", LIMITS["customer_phone"], required=True))
    if problem := phone_problem(walk_phone):
        raise InvalidInput("customer_phone", problem)
    return {"customer_kind": "walk_in", "member_id": None, "customer_name": name, "customer_phone": walk_phone}


def _model_accessories(session: Session, model_id: uuid.UUID | None) -> list[bd.BundledAccessory]:
    if model_id is None:
        return []
    return list(session.execute(select(bd.BundledAccessory).where(
        bd.BundledAccessory.model_id == model_id, bd.BundledAccessory.active)
        .order_by(bd.BundledAccessory.sort_order, bd.BundledAccessory.code)).scalars())


def _accessories(session: Session, model_id: uuid.UUID | None, received: list) -> list[dict]:
    """The model's checklist, each line ticked or not; anything else received is an error."""
    checklist = _model_accessories(session, model_id)
    by_id = {a.id: a for a in checklist}
    got: set[uuid.UUID] = set()
    for i, value in enumerate(received or []):
        aid = _uuid(value, f"accessories_received.{i}")
        if aid not in by_id:
            raise InvalidInput(f"accessories_received.{i}", "not an accessory of this model")
        got.add(aid)
    return [{"accessory_id": str(a.id), "code": a.code, "name": a.name, "received": a.id in got} for a in checklist]


def _symptoms(session: Session, model_id: uuid.UUID | None, ids: list) -> list[dict]:
    out = []
    for i, value in enumerate(ids or []):
        sid = _uuid(value, f"symptom_ids.{i}")
        sym = session.get(bd.FaultSymptom, sid)
        if sym is None or not sym.active:
            raise InvalidInput(f"symptom_ids.{i}", "no such active fault symptom")
        if sym.models and model_id not in {m.id for m in sym.models}:
            raise InvalidInput(f"symptom_ids.{i}", "this fault symptom does not apply to the device's model")
        out.append({"id": str(sym.id), "code": sym.code, "name": sym.name})
    return out


def _photos(session: Session, org_id: uuid.UUID, hashes: list) -> list[str]:
    out = []
    for i, sha in enumerate(hashes or []):
        if not isinstance(sha, str) or not _SHA.match(sha):
            raise InvalidInput(f"photos.{i}", "must be the SHA-256 of an uploaded photo")
        seen = session.execute(select(BlobUpload.id).where(BlobUpload.sha256 == sha, BlobUpload.org_id == org_id)
                               .execution_options(unscoped=True)).first()
        if seen is None:
            raise InvalidInput(f"photos.{i}", "upload the photo first (POST /api/blobs)")
        if sha not in out:
            out.append(sha)
    return out


def _comeback_of(session: Session, imei: str, on: dt.date) -> uuid.UUID | None:
    """The repair this device comes back from: the last one picked up repaired within
    ``AFTERCARE_REPAIR_COMEBACK_DAYS``, at any point of the network (unscoped on purpose: a
    comeback counts against the engineer who did the repair, wherever the device returns)."""
    days = repair_settings(session).repair_comeback_days
    since = dt.datetime.combine(on - dt.timedelta(days=days), dt.time(), tzinfo=dt.timezone.utc)
    return session.execute(select(RepairOrder.id).where(
        RepairOrder.imei == imei, RepairOrder.picked_up_at >= since, RepairOrder.unrepaired.is_(False),
        RepairOrder.mode != "D").order_by(RepairOrder.picked_up_at.desc()).limit(1)
        .execution_options(unscoped=True)).scalar_one_or_none()


def take_in_device(session: Session, data: dict, *, order_id: uuid.UUID | None = None, device_id: str = "",
                   event_id: str | None = None) -> RepairOrder:
    """单机受理: take one device in; the order is posted at once (number ``WX-<org>-<yymm>-<n>``)
    in state 待受理.

    ``data``: customer (``member_phone`` of a member, or ``customer_name`` + ``customer_phone``
    of a walk-in), ``imei`` (15 digits, Luhn), ``model_id`` (default: from the warranty card or
    the TAC), ``colour``, ``passcode``, ``accessories_received`` (ids from the model's
    checklist), ``symptom_ids`` and/or ``fault_description``, ``appearance_note``, ``photos``
    (hashes of uploaded blobs), ``purchase_date``, ``warranty_status_id`` +
    ``warranty_override_reason`` (to override the computed status), ``promised_date``,
    ``mode`` (A, B or C), optional ``deposit`` {amount, account_id}.
    Writes: repair_order, repair_transition, document_counter, audit_log (+ the deposit's ledgers).
    """
    org = _service_point(session)
    settings = repair_settings(session)
    today = _today(session)
    customer = _customer(session, data)
    imei = normalise_imei(_text(data, "imei", LIMITS["imei"], required=True))
    if problem := imei_problem(imei):
        raise InvalidInput("imei", problem)
    purchase_date = _date(data.get("purchase_date"), "purchase_date")
    if purchase_date and purchase_date > today:
        raise InvalidInput("purchase_date", "must not be in the future")
    verdict = check_warranty(session, imei, today, purchase_date)
    model_id = _uuid(data.get("model_id"), "model_id")
    model_source = "given"
    if model_id is not None:
        model = session.get(bd.ProductModel, model_id)
        if model is None or not model.active:
            raise InvalidInput("model_id", "no such active model")
    else:
        model_id, model_source = verdict.model_id, verdict.model_source
        if model_id is None:
            raise InvalidInput("model_id", "the IMEI's TAC is unknown: choose the model")
    mode = data.get("mode") or "A"
    if mode not in ("A", "B", "C"):
        raise InvalidInput("mode", "must be A (self), B (forwarded) or C (return to factory); D comes by conversion")
    if mode == "B" and org.parent_id is None:
        raise InvalidInput("mode", "this service point has no higher-level point to forward to")
    symptoms = _symptoms(session, model_id, data.get("symptom_ids") or [])
    description = _text(data, "fault_description", LIMITS["fault_description"])
    if not symptoms and not description:
        raise InvalidInput("symptom_ids", "give a fault symptom code or describe the fault")
    computed_id = verdict.status_id
    status_id = _uuid(data.get("warranty_status_id"), "warranty_status_id") or computed_id
    override_reason = _text(data, "warranty_override_reason", LIMITS["warranty_override_reason"])
    if status_id is None:
        raise InvalidInput("warranty_status_id", "no warranty status is configured for this case: choose one")
    status = session.get(bd.WarrantyStatus, status_id)
    if status is None or not status.active:
        raise InvalidInput("warranty_status_id", "no such active warranty status")
    if status_id != computed_id and not override_reason:
        raise InvalidInput("warranty_override_reason", "overriding the computed warranty status needs a reason")
    promised = _date(data.get("promised_date"), "promised_date")
    if promised and promised < today:
        raise InvalidInput("promised_date", "must not be in the past")
    p = get_principal(session)
    order = RepairOrder(
        id=order_id or uuid7(),
        org_id=org.id, doc_date=today, mode=mode, **customer, imei=imei, model_id=model_id, model_source=model_source,
        colour=_text(data, "colour", LIMITS["colour"]), accessories=_accessories(session, model_id, data.get("accessories_received") or []),
        symptoms=symptoms, fault_description=description, appearance_note=_text(data, "appearance_note", LIMITS["appearance_note"]),
        photos=_photos(session, org.id, data.get("photos") or []), warranty_card_id=verdict.warranty_card_id,
        purchase_date=purchase_date, warranty_rule=verdict.rule, warranty_reason=verdict.reason[:300],
        computed_status_id=computed_id, warranty_status_id=status_id, warranty_override_reason=override_reason,
        chargeable=status.chargeable, claimable=status.claimable, promised_date=promised,
        current_holder_id=p.user_id, device_id=device_id[:64], provisional_code=_text(data, "provisional_code", LIMITS["provisional_code"]),
        note=_text(data, "note", LIMITS["note"]), comeback_of_id=_comeback_of(session, imei, today),
        intake_signature=check_signature(data.get("signature"), "signature", required=False),
    )
    passcode = data.get("passcode") or ""
    if not isinstance(passcode, str) or len(passcode) > LIMITS["passcode"]:
        raise InvalidInput("passcode", f"at most {LIMITS['passcode']} characters")
    if passcode:
        order.passcode_cipher = encrypt_passcode(settings, order.id, passcode)
    deposit = data.get("deposit")
    if deposit is not None:
        amount = _money(deposit.get("amount"), "deposit.amount")
    core.create_document(session, order)
    core.post_document(session, order)
    _record_transition(session, order, "intake", "", {"mode": mode, "warranty_rule": verdict.rule,
                                                      "passcode_stored": bool(passcode)}, event_id)
    if deposit is not None:
        take_deposit(session, order, amount, deposit.get("account_id"), field_prefix="deposit.")
    return order


# -- the state machine ---------------------------------------------------------------------

def fire(session: Session, order: RepairOrder, event: str, data: dict | None = None, *,
         event_id: str | None = None, check_permission: bool = True) -> RepairOrder:
    """Move the order by ``event`` of the state machine, if its source state, the actor's
    permission and every guard allow it (``TransitionRefused`` says which did not).
    ``pickup`` settles the bill (see :func:`pick_up`). Writes: repair_order, repair_transition,
    audit_log (+ the event's own effects).
    """
    data = dict(data or {})
    if event == "pickup":
        return pick_up(session, order, data.get("account_id"), data.get("signature"), photos=data.get("photos"),
                       event_id=event_id)
    p = get_principal(session)
    before = order.state
    target = sm.check(order.state, event, facts_of(session, order), p.permissions if check_permission else None)
    now = utcnow()
    recorded: dict[str, Any] = {}
    if event == "accept":
        if data.get("engineer_id"):
            order.engineer_id = _engineer(session, order, data["engineer_id"]).id
            recorded["engineer_id"] = str(order.engineer_id)
    elif event == "forward":
        mode = data.get("mode") or order.mode
        if mode not in ("B", "C"):
            raise InvalidInput("mode", "B (to the higher-level point) or C (to the factory)")
        parent_id = session.get(Organisation, order.org_id).parent_id
        if mode == "B" and parent_id is None:
            raise InvalidInput("mode", "this service point has no higher-level point to forward to")
        order.mode, order.forwarded_out = mode, True
        if mode == "B":
            # On its way to the higher-level point, which from now on sees and works the order.
            order.custody_org_id = parent_id
            share_order(session, order, parent_id)
        recorded.update(mode=mode, note=_text(data, "note", LIMITS["event_note"]))
    elif event == "forward_receive":
        if not (p.sees_all or p.org_id == order.custody_org_id):
            raise TransitionRefused("the device was forwarded to another service point", {"org_id": ["not the receiving point"]})
        order.forwarded_out = False
        recorded.update(at=str(order.custody_org_id), note=_text(data, "note", LIMITS["event_note"]))
    elif event == "send_back":
        order.forwarded_out, order.custody_org_id = True, None
        recorded["note"] = _text(data, "note", LIMITS["event_note"])
    elif event == "forward_return":
        if not p.may_write_org(order.org_id):
            raise TransitionRefused("the device comes back to the service point that took it in",
                                    {"org_id": ["not the order's service point"]})
        order.forwarded_out = False
        recorded["note"] = _text(data, "note", LIMITS["event_note"])
    elif event == "start_repair":
        eng = _engineer(session, order, data["engineer_id"]) if data.get("engineer_id") else (
            session.get(bd.Engineer, order.engineer_id) if order.engineer_id else _own_engineer(session, order))
        if eng is None:
            raise InvalidInput("engineer_id", "which engineer repairs it?")
        order.engineer_id = eng.id
        order.repair_started_at = now
        recorded["engineer_id"] = str(eng.id)
    elif event == "finish_repair":
        if data.get("repair_level_id"):
            lid = _uuid(data["repair_level_id"], "repair_level_id")
            level = session.get(bd.RepairLevel, lid)
            if level is None or not level.active:
                raise InvalidInput("repair_level_id", "no such active repair level")
            order.repair_level_id = level.id
        elif order.chargeable or order.claimable:
            raise InvalidInput("repair_level_id", "the repair level sets the labour charge: choose it")
        methods = []
        for i, value in enumerate(data.get("repair_method_ids") or []):
            mid = _uuid(value, f"repair_method_ids.{i}")
            if session.get(bd.RepairMethod, mid) is None:
                raise InvalidInput(f"repair_method_ids.{i}", "no such repair method")
            methods.append(str(mid))
        order.repair_method_ids = methods
        order.repair_finished_at = now
        recorded.update(repair_level_id=str(order.repair_level_id) if order.repair_level_id else None,
                        repair_method_ids=methods, note=_text(data, "note", LIMITS["event_note"]))
    elif event == "return_unrepaired":
        order.unrepaired = True
        recorded["reason"] = _text(data, "reason", LIMITS["reason"], required=True)
    elif event == "qc_pass":
        order.qc_passed_at = now
        recorded["note"] = _text(data, "note", LIMITS["event_note"])
    elif event == "qc_fail":
        order.qc_fail_count += 1
        order.repair_finished_at = None
        recorded["reason"] = _text(data, "reason", LIMITS["reason"], required=True)
    elif event == "convert_to_exchange":
        from ..exchange.operations import open_from_repair

        order.exchange_reason = _text(data, "reason", LIMITS["reason"], required=True)
        order.mode = "D"
        # The exchange order it continues as, linked both ways (not a free-text reference).
        exchange = open_from_repair(session, order, order.exchange_reason)
        order.exchange_order_id, order.exchange_ref = exchange.id, exchange.number
        recorded.update(reason=order.exchange_reason, exchange_ref=order.exchange_ref, exchange_order_id=str(exchange.id))
        _erase_passcode(order)
    elif event == "follow_up":
        sat = data.get("satisfaction")
        if isinstance(sat, bool) or not isinstance(sat, int) or not 1 <= sat <= 5:
            raise InvalidInput("satisfaction", "1 (very unhappy) to 5 (very happy)")
        order.followup_satisfaction = sat
        order.followup_note = _text(data, "note", LIMITS["event_note"])
        recorded.update(satisfaction=sat, note=order.followup_note)
    elif event in ("audit", "audit_without_followup"):
        order.audited_at, order.audited_by_id = now, p.user_id
    elif event == "unaudit":
        # 反审核 by a switched-in administrator: the order reopens for correction; the audit row
        # names both identities, the history the administrator too.
        order.audited_at = order.audited_by_id = None
        recorded.update(reason=_text(data, "reason", 300, required=True), acting_admin=p.actor_username)
    order.state = target
    _record_transition(session, order, event, before, recorded, event_id)
    return order


def share_order(session: Session, order: RepairOrder, org_id: uuid.UUID) -> None:
    """Let ``org_id`` (the higher-level point of a forwarded repair) see and work the order and
    everything already hanging off it; rows made later copy the order's ``shared_org_id``.
    Writes: repair_order, repair_transition, repair_quotation, repair_part, repair_handover."""
    from sqlalchemy import update

    order.shared_org_id = org_id
    for model in (RepairTransition, RepairQuotation, RepairPart, RepairHandover):
        session.execute(update(model).where(model.order_id == order.id).values(shared_org_id=org_id)
                        .execution_options(synchronize_session="fetch"))


def _erase_passcode(order: RepairOrder) -> None:
    if order.passcode_cipher is not None:
        order.passcode_cipher = None
        order.passcode_erased_at = utcnow()


def read_passcode(session: Session, order: RepairOrder) -> str | None:
    """The device's passcode for the engineer; every read is audited. Writes: audit_log."""
    if order.passcode_cipher is None:
        return None
    core.record_audit(session, "repair_order.passcode_read", order)
    return decrypt_passcode(repair_settings(session), order.id, order.passcode_cipher)


# -- quotation (§1.2) ----------------------------------------------------------------------

def make_quotation(session: Session, order: RepairOrder, lines: list[dict], note: str = "", *,
                   quotation_id: uuid.UUID | None = None) -> RepairQuotation:
    """Price a repair for the customer: parts at the item's repair price, labour at the repair
    level's charge. A new quotation supersedes a pending one. Writes: repair_quotation(_line), audit_log."""
    if order.state not in (sm.PENDING_ACCEPTANCE, sm.PENDING_REPAIR) or order.repair_started_at is not None:
        raise TransitionRefused("a quotation is made before the repair starts", {"state": [order.state]})
    if not lines:
        raise InvalidInput("lines", "at least one line")
    rows = []
    for i, line in enumerate(lines):
        kind = line.get("kind")
        if kind == "part":
            iid = _uuid(line.get("item_id"), f"lines.{i}.item_id")
            item = session.get(bd.Item, iid) if iid else None
            if item is None or not item.active:
                raise InvalidInput(f"lines.{i}.item_id", "no such active item")
            qty = Decimal(str(line.get("quantity") or 1))
            if qty <= 0 or qty != qty.to_integral_value():
                raise InvalidInput(f"lines.{i}.quantity", "a whole number of parts, at least 1")
            amount = (item.repair_price * qty).quantize(Decimal("0.01"))
            rows.append(RepairQuotationLine(sort_order=i, kind="part", item_id=item.id, description=f"{item.code} {item.name}"[:160],
                                            quantity=qty, unit_price=item.repair_price, amount=amount))
        elif kind == "labour":
            lid = _uuid(line.get("repair_level_id"), f"lines.{i}.repair_level_id")
            level = session.get(bd.RepairLevel, lid) if lid else None
            if level is None or not level.active:
                raise InvalidInput(f"lines.{i}.repair_level_id", "no such active repair level")
            rows.append(RepairQuotationLine(sort_order=i, kind="labour", repair_level_id=level.id,
                                            description=f"{level.code} {level.name}"[:160], quantity=Decimal(1),
                                            unit_price=level.labour_charge, amount=level.labour_charge))
        else:
            raise InvalidInput(f"lines.{i}.kind", "part or labour")
    for old in session.execute(select(RepairQuotation).where(RepairQuotation.order_id == order.id,
                                                             RepairQuotation.status == "pending")).scalars():
        old.status = "superseded"
    q = RepairQuotation(id=quotation_id or uuid7(), org_id=order.org_id, shared_org_id=order.shared_org_id,
                        order_id=order.id, total=sum((r.amount for r in rows), ZERO), note=note[:LIMITS["quotation_note"]],
                        created_by_id=get_principal(session).user_id, lines=rows)
    session.add(q)
    session.flush()
    core.record_audit(session, "repair_quotation.create", q, org_id=audit_org(session, q),
                      after={"order_id": str(order.id), "total": str(q.total)})
    return q


def decide_quotation(session: Session, order: RepairOrder, quotation_id: Any, accepted: bool, signature: Any,
                     *, event_id: str | None = None) -> RepairQuotation:
    """The customer accepts or declines (signed). Declined: the device goes back unrepaired
    (state 待取机; the check fee, if configured, is billed at pickup).
    Writes: repair_quotation, audit_log (+ the return_unrepaired transition)."""
    qid = _uuid(quotation_id, "quotation_id")
    q = session.get(RepairQuotation, qid) if qid else None
    if q is None or q.order_id != order.id:
        raise NotFound("no such quotation on this order")
    if q.status != "pending":
        raise TransitionRefused(f"the quotation is already {q.status}", {"status": [q.status]})
    sig = check_signature(signature, "signature")
    if not isinstance(accepted, bool):
        raise InvalidInput("accepted", "true or false")
    q.status = "accepted" if accepted else "declined"
    q.decided_at = utcnow()
    q.decided_by_id = get_principal(session).user_id
    q.signature = sig
    session.flush()
    core.record_audit(session, f"repair_quotation.{q.status}", q, org_id=audit_org(session, q),
                      before={"status": "pending"}, after={"status": q.status})
    if not accepted:
        fire(session, order, "return_unrepaired", {"reason": "报价被拒 / quotation declined"}, event_id=event_id,
             check_permission=False)
    return q


# -- parts (§9.4/§9.5 from the repair side) -------------------------------------------------

def record_part(session: Session, order: RepairOrder, data: dict) -> RepairPart:
    """A part the engineer drew is fitted: it leaves the engineer's stock into the customer's
    device, and the replaced part comes back to the defective warehouse automatically
    (``server.stock.operations.record_part_used``). Writes: repair_part, two posted stock documents."""
    from ..stock.operations import record_part_used

    if order.state != sm.PENDING_REPAIR or order.repair_started_at is None:
        raise TransitionRefused("parts are recorded while the repair is in progress", {"state": [order.state]})
    if not facts_of(session, order).device_here:
        raise TransitionRefused(sm.GUARDS["device_here"].label["en"],
                                {"state": ["device_here"]})
    work_org = working_org_id(order)
    if order.engineer_id is None:
        raise InvalidInput("engineer_id", "the order has no engineer")
    iid = _uuid(data.get("item_id"), "item_id")
    item = session.get(bd.Item, iid) if iid else None
    if item is None or item.kind not in ("part", "mainboard", "accessory"):
        raise InvalidInput("item_id", "no such part")
    qty = Decimal(str(data.get("quantity") or 1))
    if qty <= 0:
        raise InvalidInput("quantity", "must be positive")
    wid = _uuid(data.get("defective_warehouse_id"), "defective_warehouse_id")
    if wid is None:
        wid = session.execute(select(bd.Warehouse.id).where(
            bd.Warehouse.org_id == work_org, bd.Warehouse.kind == "defective", bd.Warehouse.active)
            .order_by(bd.Warehouse.code).limit(1)).scalar_one_or_none()
        if wid is None:
            raise InvalidInput("defective_warehouse_id", "this service point has no defective warehouse")
    # Parts come from the stock of the point that repairs (the higher-level one for mode B).
    used, back = record_part_used(session, org_id=work_org, engineer_id=order.engineer_id, item_id=item.id,
                                  quantity=qty, defective_warehouse_id=wid, reference=order.number or str(order.id),
                                  serials=list(data.get("serials") or []),
                                  defective_serials=list(data.get("defective_serials") or []), on=_today(session))
    part = RepairPart(org_id=order.org_id, shared_org_id=order.shared_org_id, order_id=order.id, item_id=item.id,
                      quantity=qty, unit_price=item.repair_price,
                      amount=(item.repair_price * qty).quantize(Decimal("0.01")),
                      # From what posting returned (a posting batch has not written the moves yet).
                      cost=sum((m.value for m in used.posted_moves), Decimal("0")), engineer_id=order.engineer_id,
                      used_document_id=used.id, return_document_id=back.id, serials=list(data.get("serials") or []),
                      defective_serials=list(data.get("defective_serials") or []),
                      created_by_id=get_principal(session).user_id)
    session.add(part)
    session.flush()
    core.record_audit(session, "repair_part.fit", part, org_id=audit_org(session, part),
                      after={"order_id": str(order.id), "item": item.code,
                                                                "quantity": str(qty), "used": used.number,
                                                                "returned": back.number})
    return part


# -- money: deposit (§1.3), refund (§1.11), pickup settlement -----------------------------

def _payments(session: Session, order: RepairOrder) -> list[RepairPayment]:
    return list(session.execute(select(RepairPayment).where(RepairPayment.order_id == order.id)
                                .order_by(RepairPayment.created_at, RepairPayment.id)).scalars())


def deposit_held(session: Session, order: RepairOrder) -> Decimal:
    """Deposits taken minus deposits refunded, applied or carried over to an exchange (posted
    documents only)."""
    from .models import RepairDepositTransfer

    held = -sum(session.execute(select(RepairDepositTransfer.amount).where(
        RepairDepositTransfer.order_id == order.id, RepairDepositTransfer.status == "posted")).scalars(), ZERO)
    for pay in _payments(session, order):
        if pay.status != "posted":
            continue
        if pay.kind == "deposit":
            held += pay.amount
        elif pay.kind == "refund" and not pay.after_settlement:
            held -= pay.amount
        elif pay.kind == "settlement":
            held -= pay.deposit_applied + pay.change_returned
    return held


def take_deposit(session: Session, order: RepairOrder, amount: Any, account_id: Any, *,
                 field_prefix: str = "") -> RepairPayment:
    """押金: money taken in advance, posted at once. Writes: repair_payment, counterparty_entry,
    cash_entry, document_counter, audit_log."""
    if order.state not in (sm.PENDING_ACCEPTANCE, sm.PENDING_REPAIR, sm.PENDING_QC, sm.PENDING_PICKUP):
        raise TransitionRefused("deposits are taken before pickup", {"state": [order.state]})
    _not_batch(order)
    amount = _money(amount, f"{field_prefix}amount")
    acc = _account(session, order, account_id, f"{field_prefix}account_id")
    pay = RepairPayment(kind="deposit", org_id=order.org_id, order_id=order.id, account_id=acc.id, amount=amount,
                        doc_date=_today(session))
    core.create_document(session, pay)
    core.post_document(session, pay)
    return pay


def carry_over_deposit(session: Session, order: RepairOrder, data: dict, *,
                       transfer_id: uuid.UUID | None = None):
    """押金结转 (issue 16 §9): the deposit held on a repair order converted to an exchange moves to
    the exchange order it became, where the customer's charge uses it (the rest is paid back when
    they get the replacement). ``amount`` defaults to all that is held; once per repair order; only
    while the exchange has not given the customer a unit. The other way out is the refund slip.
    Posted at once (``JZ-…``). Writes: repair_deposit_transfer, counterparty_entry, document_counter,
    audit_log."""
    from ..exchange import operations as xops
    from ..exchange.models import ExchangeOrder
    from .models import RepairDepositTransfer

    if not get_principal(session).may_write_org(order.org_id):
        raise Forbidden("a deposit is carried over by the service point that holds it", {"org_id": ["not your order"]})
    exchange = session.get(ExchangeOrder, order.exchange_order_id) if order.exchange_order_id else None
    if exchange is None or exchange.from_repair_order_id != order.id:
        raise TransitionRefused("only a repair converted to an exchange carries its deposit over",
                                {"exchange_order_id": ["not converted to an exchange"]})
    done = session.execute(select(RepairDepositTransfer.number).where(RepairDepositTransfer.order_id == order.id)).first()
    if done is not None:
        raise Conflict(f"the deposit was carried over already ({done.number})", {"order_id": ["carried over"]})
    if exchange.state not in xops.OPEN_STATES or exchange.handed_over:
        raise TransitionRefused("the exchange has given the customer a unit already: refund the deposit instead",
                                {"exchange_order_id": [exchange.state]})
    held = deposit_held(session, order)
    if held <= ZERO:
        raise InvalidInput("amount", "no deposit is held on this order")
    amount = held if data.get("amount") in (None, "") else _money(data["amount"], "amount")
    if amount > held:
        raise InvalidInput("amount", f"more than the deposit held ({held})")
    transfer = RepairDepositTransfer(id=transfer_id or uuid7(), org_id=order.org_id, order_id=order.id,
                                     exchange_order_id=exchange.id, amount=amount, doc_date=_today(session),
                                     note=_text(data, "note", 300))
    core.create_document(session, transfer)
    core.post_document(session, transfer)
    return transfer


def _not_batch(order: RepairOrder) -> None:
    if order.batch_id is not None:
        raise TransitionRefused("a batch order is settled with its batch, on the distributor's account",
                                {"batch_id": ["settled with the batch"]})


def create_refund(session: Session, order: RepairOrder, amount: Any, account_id: Any, reason: str, *,
                  refund_id: uuid.UUID | None = None) -> RepairPayment:
    """退款单: a draft refund slip with its reason; nothing moves until it is approved.
    Writes: repair_payment, audit_log."""
    _not_batch(order)
    amount = _money(amount, "amount")
    acc = _account(session, order, account_id)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("reason", "a refund needs a reason")
    pay = RepairPayment(id=refund_id or uuid7(), kind="refund", org_id=order.org_id, order_id=order.id, account_id=acc.id,
                        amount=amount,
                        reason=reason[:300], doc_date=_today(session), after_settlement=_settled(session, order))
    _check_refundable(session, order, pay)
    return core.create_document(session, pay)


def _check_refundable(session: Session, order: RepairOrder, pay: RepairPayment) -> None:
    if not pay.after_settlement:
        held = deposit_held(session, order)
        if pay.amount > held:
            raise InvalidInput("amount", f"more than the deposit held ({held})")
        return
    paid = ZERO
    for p in _payments(session, order):
        if p.status == "posted" and p.kind == "settlement":
            paid += p.amount + p.deposit_applied
        elif p.status == "posted" and p.kind == "refund" and p.after_settlement:
            paid -= p.amount
    if pay.amount > paid:
        raise InvalidInput("amount", f"more than the customer paid for this repair ({paid})")


def approve_refund(session: Session, pay: RepairPayment) -> RepairPayment:
    """Approve and pay out a refund slip: posting writes the ledgers. Writes: counterparty_entry,
    cash_entry, document_counter, audit_log."""
    if pay.kind != "refund":
        raise NotFound("no such refund slip")
    order = get_order(session, pay.order_id)
    pay.after_settlement = _settled(session, order)
    _check_refundable(session, order, pay)
    pay.doc_date = _today(session)
    core.post_document(session, pay)
    if pay.after_settlement:
        from ..commissions.operations import reverse_commission

        # Money paid for the job given back: the engineer's commission goes back in proportion.
        reverse_commission(session, order, pay)
    return pay


def bill_of(session: Session, order: RepairOrder) -> dict[str, Any]:
    """What pickup will charge now: parts + labour (chargeable repairs), or the check fee for a
    device returned unrepaired after a declined quotation; the deposit held is applied."""
    settings = repair_settings(session)
    parts = labour = fee = claim = ZERO
    manufacturer_id = None
    level = session.get(bd.RepairLevel, order.repair_level_id) if order.repair_level_id else None
    if order.unrepaired:
        q = current_quotation(session, order)
        if q is not None and q.status == "declined" and order.chargeable:
            fee = Decimal(settings.repair_check_fee).quantize(Decimal("0.01"))
    elif order.mode != "D":
        if order.chargeable:
            parts = sum((p.amount for p in session.execute(select(RepairPart).where(RepairPart.order_id == order.id)).scalars()), ZERO)
            labour = level.labour_charge if level else ZERO
        if order.claimable and level is not None and level.labour_fee:
            claim, manufacturer_id = level.labour_fee, level.manufacturer_id
    total = parts + labour + fee
    held = deposit_held(session, order)
    # Several payers (split.py): the customer pays their share; the deposit goes to it.
    from .split import customer_share, shares_of

    mine = customer_share(shares_of(session, order.id), total)
    applied = min(held, mine)
    return {"parts_total": parts, "labour_total": labour, "check_fee": fee, "bill_total": total, "deposit_held": held,
            "deposit_applied": applied, "change_returned": held - applied, "amount_due": mine - applied,
            "claim_amount": claim, "manufacturer_id": manufacturer_id, "customer_share": mine}


def pick_up(session: Session, order: RepairOrder, account_id: Any, signature: Any, *, photos: Any = None,
            event_id: str | None = None) -> RepairOrder:
    """取机: guard (QC passed, or returned unrepaired), then the settlement: the bill minus the
    deposit, paid into ``account_id`` (or the leftover deposit paid back from it), the in-warranty
    labour fee claimable from the manufacturer; the passcode is erased; ``photos`` (uploaded first)
    are kept beside the intake ones; state 已完成.
    Writes: repair_payment (settlement), counterparty_entry, cash_entry, repair_order,
    repair_transition, document_counter, audit_log."""
    p = get_principal(session)
    before = order.state
    target = sm.check(order.state, "pickup", facts_of(session, order), p.permissions)
    _not_batch(order)
    sig = check_signature(signature, "signature")
    if photos is not None and not isinstance(photos, list):
        raise InvalidInput("photos", "a list of photo hashes")
    pickup_photos = _photos(session, order.org_id, photos or [])
    bill = bill_of(session, order)
    needs_cash = bill["amount_due"] > 0 or bill["change_returned"] > 0
    acc = _account(session, order, account_id) if needs_cash else None
    pay = RepairPayment(kind="settlement", org_id=order.org_id, order_id=order.id, account_id=acc.id if acc else None,
                        amount=bill["amount_due"], parts_total=bill["parts_total"], labour_total=bill["labour_total"],
                        check_fee=bill["check_fee"], deposit_applied=bill["deposit_applied"],
                        change_returned=bill["change_returned"], claim_amount=bill["claim_amount"],
                        manufacturer_id=bill["manufacturer_id"], signature=sig, doc_date=_today(session))
    core.create_document(session, pay)
    from ..commissions.operations import earn_commission
    from .split import freeze_for_settlement

    freeze_for_settlement(session, order, pay, bill["bill_total"])
    core.post_document(session, pay)
    order.state = target
    order.picked_up_at = utcnow()
    # 提成: the job is completed and paid; its engineer earns by the rules (server/commissions).
    earn_commission(session, order, pay)
    order.pickup_photos = pickup_photos
    _erase_passcode(order)
    session.flush()
    _record_transition(session, order, "pickup", before, {
        "settlement": pay.number, "bill_total": str(bill["bill_total"]), "amount_due": str(bill["amount_due"]),
        "deposit_applied": str(bill["deposit_applied"]), "change_returned": str(bill["change_returned"]),
        "photos": len(pickup_photos)}, event_id)
    return order


# -- handover slip (§1.5) --------------------------------------------------------------------

def hand_over(session: Session, order: RepairOrder, to_user_id: Any, signature: Any, *, place: str = "",
              note: str = "", event_id: str | None = None) -> RepairHandover:
    """The current holder hands the device to someone, who signs for it; they become the one
    current holder. Writes: repair_handover, repair_order, audit_log."""
    if order.state in (sm.COMPLETED, sm.FOLLOWED_UP, sm.AUDITED):
        raise TransitionRefused("the device has left the service point", {"state": [order.state]})
    uid = _uuid(to_user_id, "to_user_id")
    user = session.get(User, uid) if uid else None
    if order.at_org_id is None:
        raise TransitionRefused("the device is on the road or at the factory", {"state": ["device_away"]})
    if user is None or not user.active or user.org_id != order.at_org_id:
        raise InvalidInput("to_user_id", "no such active user at the service point holding the device")
    if user.id == order.current_holder_id:
        raise InvalidInput("to_user_id", "already holds the device")
    sig = check_signature(signature, "signature")
    order.handover_count += 1
    row = RepairHandover(id=uuid7(), org_id=order.org_id, shared_org_id=order.shared_org_id, order_id=order.id,
                         seq=order.handover_count,
                         from_user_id=order.current_holder_id, to_user_id=user.id, place=place.strip()[:120],
                         signature=sig, note=note.strip()[:300], recorded_by_id=get_principal(session).user_id,
                         event_id=event_id)
    order.current_holder_id = user.id
    session.add(row)
    core.record_audit(session, "repair_order.handover", order, org_id=audit_org(session, order), after={
        "from_user_id": str(row.from_user_id) if row.from_user_id else None, "to_user_id": str(user.id), "place": row.place})
    return row
