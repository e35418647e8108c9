"""Documents → view-models: the repair order's own forms (intake ticket, label, quotation,
receipts, handover slip) and the logistics documents (packing list, loaner slip, batch
acceptance list).

Every read goes through the session's organisation scoping (another point's document reads as
404, like its own API), and the view-model is all a template sees. Images are turned into data
URLs here: photos as small JPEG thumbnails, signatures as stored (or from the uploaded blob),
the organisation's logo from the logo directory.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import uuid
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..auth.models import User
from ..basedata import models as bd
from ..errors import NotFound
from ..finance.models import MoneyAccount
from ..org.models import Organisation
from ..repair import operations as repair_ops
from ..repair import statemachine as sm
from ..repair import batches as batch_ops
from ..repair import loaners as loaner_ops
from ..repair import packing as packing_ops
from ..repair.models import (RepairHandover, RepairOrder, RepairPackingList, RepairPart, RepairPayment,
                             RepairQuotation)
from ..core import lifecycle
from ..stock.documents import DOC_TYPES
from ..stock.models import StockBalance, StockDocument, StockLocation, StockMove, StockMoveSerial
from ..stock.queries import get_document as get_stock_document
from . import viewmodels as vm
from .labels import LABELS, STOCK_KINDS
from .qr import order_token, stock_token

ZERO = Decimal("0")
THUMBNAIL = (360, 270)  # pixels: sharp at 30 × 22 mm on an A5 page
MAX_THUMBNAILS = 4
LOGO_TYPES = {".svg": "image/svg+xml", ".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg"}


@dataclass(frozen=True)
class PrintContext:
    """What an adapter needs besides the session: the form's language, the business time zone,
    where uploaded images live and where the organisations' logos are."""

    lang: str
    timezone: str
    blob_path: Callable[[str], Path]
    logo_dir: Path

    def local(self, value: dt.datetime | None) -> dt.datetime | None:
        return value.astimezone(ZoneInfo(self.timezone)) if value else None

    @property
    def locale(self) -> str:
        """The language as the registries key their labels (zh-CN, en)."""
        return "zh-CN" if self.lang == "zh" else "en"

    @property
    def t(self) -> dict[str, str]:
        return LABELS[self.lang]

    def state_label(self, state: str) -> str:
        return sm.STATE_LABELS[state][self.locale]


# -- images ---------------------------------------------------------------------------------------

def _data_url(media_type: str, data: bytes) -> str:
    return f"data:{media_type};base64,{base64.b64encode(data).decode()}"


@lru_cache(maxsize=256)
def _thumbnail(path: str, mtime: float) -> str | None:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as img:
            img = img.convert("RGB")
            img.thumbnail(THUMBNAIL)
            buf = io.BytesIO()
            img.save(buf, format="JPEG", quality=72)
    except (OSError, UnidentifiedImageError):
        return None
    return _data_url("image/jpeg", buf.getvalue())


def _blob_image(ctx: PrintContext, sha256: str) -> str | None:
    path = ctx.blob_path(sha256)
    if not path.is_file():
        return None
    return _thumbnail(str(path), path.stat().st_mtime)


def _signature(ctx: PrintContext, value: str, at: dt.datetime | None = None) -> vm.Signature | None:
    """None when nobody signed; an image when we have one; "on file" when the blob is elsewhere."""
    if not value:
        return None
    if value.startswith("data:"):
        return vm.Signature(image=value, signed_at=ctx.local(at))
    return vm.Signature(image=_blob_image(ctx, value), signed_at=ctx.local(at))


@lru_cache(maxsize=64)
def _logo_file(path: str, mtime: float) -> str:
    return _data_url(LOGO_TYPES[Path(path).suffix.lower()], Path(path).read_bytes())


def _logo(ctx: PrintContext, code: str) -> str | None:
    """``<logo dir>/<ORG CODE>.svg|png|jpg``, else the network's ``default.*``."""
    for stem in (code, "default"):
        for suffix in LOGO_TYPES:
            path = ctx.logo_dir / f"{stem}{suffix}"
            if path.is_file():
                return _logo_file(str(path), path.stat().st_mtime)
    return None


# -- shared pieces ----------------------------------------------------------------------------------

def _org(session: Session, ctx: PrintContext, org_id: uuid.UUID) -> vm.OrgHeader:
    org = session.get(Organisation, org_id)
    return vm.OrgHeader(name=org.name, code=org.code, address=org.address, phone=org.contact_phone,
                        logo=_logo(ctx, org.code))


def _user(session: Session, user_id: uuid.UUID | None) -> str:
    if user_id is None:
        return ""
    user = session.execute(select(User).where(User.id == user_id).execution_options(unscoped=True)).scalar_one_or_none()
    return (user.full_name or user.username) if user else ""


def _without_brand(brand: bd.Brand | None, model_name: str) -> str:
    """The model's name without a leading brand name (zh or en)."""
    for name in sorted({brand.name, brand.name_en} - {""} if brand else (), key=len, reverse=True):
        if model_name.casefold().startswith(name.casefold()):
            return model_name[len(name):].lstrip()
    return model_name


def model_label(brand: bd.Brand | None, model_name: str, lang: str) -> str:
    """Brand and model as printed, the brand once and in the form's language: models are often
    named with their brand already (the demo's "华为 Mate 60"), which printed "华为 华为 Mate 60"."""
    if brand is None:
        return model_name
    shown = brand.name_en if lang == "en" and brand.name_en else brand.name
    return " ".join(x for x in (shown, _without_brand(brand, model_name)) if x)


def _models(session: Session, model_ids, lang: str) -> dict[uuid.UUID, tuple[str, str]]:
    """Many models' (label, name without the brand) with one query per table."""
    model_ids = {m for m in model_ids if m}
    if not model_ids:
        return {}
    models = session.execute(select(bd.ProductModel).where(bd.ProductModel.id.in_(model_ids))).scalars().all()
    brands = {b.id: b for b in session.execute(select(bd.Brand).where(bd.Brand.id.in_({m.brand_id for m in models})))
              .scalars()}
    return {m.id: (model_label(brands.get(m.brand_id), m.name, lang), _without_brand(brands.get(m.brand_id), m.name))
            for m in models}


def _model_labels(session: Session, model_ids, lang: str) -> dict[uuid.UUID, str]:
    return {mid: label for mid, (label, _) in _models(session, model_ids, lang).items()}


def _model(session: Session, model_id: uuid.UUID | None, lang: str) -> str:
    return _model_labels(session, [model_id], lang).get(model_id, "")


def _warranty_name(status: bd.WarrantyStatus | None, lang: str) -> str:
    if status is None:
        return ""
    return status.name_en if lang == "en" and status.name_en else status.name


def _account(session: Session, account_id: uuid.UUID | None) -> str:
    acc = session.get(MoneyAccount, account_id) if account_id else None
    return acc.name if acc else ""


def _order(session: Session, order_id) -> RepairOrder:
    return repair_ops.get_order(session, order_id)


def _fault(order: RepairOrder, t: dict[str, str]) -> str:
    names = t["list_sep"].join(s.get("name", "") for s in order.symptoms or [])
    return t["semi"].join(x for x in (names, order.fault_description) if x)


def _payment(session: Session, payment_id, kind: str, what: str) -> RepairPayment:
    pay = session.execute(select(RepairPayment).where(RepairPayment.id == payment_id, RepairPayment.kind == kind)
                          ).scalar_one_or_none()
    if pay is None:
        raise NotFound(f"no such {what}")
    return pay


# -- the forms --------------------------------------------------------------------------------------

def intake_ticket(session: Session, order_id, ctx: PrintContext) -> vm.IntakeTicket:
    order = _order(session, order_id)
    status = session.get(bd.WarrantyStatus, order.warranty_status_id) if order.warranty_status_id else None
    deposits = session.execute(select(RepairPayment).where(
        RepairPayment.order_id == order.id, RepairPayment.kind == "deposit", RepairPayment.status == "posted")).scalars()
    deposit = sum((p.amount for p in deposits), ZERO)
    photos = tuple(p for p in (_blob_image(ctx, sha) for sha in (order.photos or [])[:MAX_THUMBNAILS]) if p)
    return vm.IntakeTicket(
        org=_org(session, ctx, order.org_id), number=order.number or "", provisional_code=order.provisional_code,
        token=order_token(order.id), taken_at=ctx.local(order.created_at), clerk=_user(session, order.created_by_id),
        customer_name=order.customer_name, customer_phone=order.customer_phone, model=_model(session, order.model_id, ctx.lang),
        imei=order.imei, colour=order.colour,
        accessories=tuple(vm.Accessory(a.get("name", ""), bool(a.get("received"))) for a in order.accessories or []),
        symptoms=tuple(s.get("name", "") for s in order.symptoms or []), fault_description=order.fault_description,
        appearance_note=order.appearance_note, photos=photos, warranty=_warranty_name(status, ctx.lang),
        chargeable=order.chargeable, mode=order.mode, promised_date=order.promised_date, deposit=deposit or None,
        signature=_signature(ctx, order.intake_signature, order.created_at))


def device_label(session: Session, order_id, ctx: PrintContext) -> vm.DeviceLabel:
    order = _order(session, order_id)
    org = session.get(Organisation, order.org_id)
    return vm.DeviceLabel(org_code=org.code, number=order.number or "", provisional_code=order.provisional_code,
                          token=order_token(order.id), model=_model(session, order.model_id, ctx.lang), imei=order.imei,
                          taken_on=order.doc_date, promised_date=order.promised_date)


def quotation(session: Session, quotation_id, ctx: PrintContext) -> vm.Quotation:
    q = session.execute(select(RepairQuotation).where(RepairQuotation.id == quotation_id)).scalar_one_or_none()
    if q is None:
        raise NotFound("no such quotation")
    order = _order(session, q.order_id)
    return vm.Quotation(
        org=_org(session, ctx, order.org_id), order_number=order.number or "", token=order_token(order.id),
        created_at=ctx.local(q.created_at), customer_name=order.customer_name, customer_phone=order.customer_phone,
        model=_model(session, order.model_id, ctx.lang), imei=order.imei, fault=_fault(order, ctx.t),
        lines=tuple(vm.QuotationLine(line.description, line.kind, line.quantity, line.unit_price, line.amount)
                    for line in q.lines),
        total=q.total, status=q.status, note=q.note, signature=_signature(ctx, q.signature, q.decided_at))


def pickup_receipt(session: Session, payment_id, ctx: PrintContext) -> vm.PickupReceipt:
    pay = _payment(session, payment_id, "settlement", "pickup settlement")
    order = _order(session, pay.order_id)
    lines: list[vm.BillLine] = []
    if pay.parts_total:
        parts = session.execute(select(RepairPart).where(RepairPart.order_id == order.id)
                                .order_by(RepairPart.created_at, RepairPart.id)).scalars()
        for part in parts:
            item = session.get(bd.Item, part.item_id)
            lines.append(vm.BillLine(f"{item.code} {item.name}", part.quantity, part.amount))
    if pay.labour_total:
        level = session.get(bd.RepairLevel, order.repair_level_id) if order.repair_level_id else None
        lines.append(vm.BillLine(f"{level.code} {level.name}" if level else "", Decimal(1), pay.labour_total))
    return vm.PickupReceipt(
        org=_org(session, ctx, order.org_id), number=pay.number or "", order_number=order.number or "",
        token=order_token(order.id), paid_at=ctx.local(pay.posted_at or pay.created_at),
        customer_name=order.customer_name, customer_phone=order.customer_phone, model=_model(session, order.model_id, ctx.lang),
        imei=order.imei, lines=tuple(lines), parts_total=pay.parts_total, labour_total=pay.labour_total,
        check_fee=pay.check_fee, bill_total=pay.bill_total, deposit_applied=pay.deposit_applied, amount_paid=pay.amount,
        change_returned=pay.change_returned, account=_account(session, pay.account_id),
        clerk=_user(session, pay.posted_by_id or pay.created_by_id), unrepaired=order.unrepaired,
        signature=_signature(ctx, pay.signature, pay.posted_at))


def _payment_receipt(session: Session, pay: RepairPayment, ctx: PrintContext) -> vm.PaymentReceipt:
    order = _order(session, pay.order_id)
    return vm.PaymentReceipt(
        org=_org(session, ctx, order.org_id), kind=pay.kind, number=pay.number or "", status=pay.status,
        order_number=order.number or "", token=order_token(order.id), date=pay.doc_date,
        customer_name=order.customer_name, customer_phone=order.customer_phone, model=_model(session, order.model_id, ctx.lang),
        imei=order.imei, amount=pay.amount, account=_account(session, pay.account_id), reason=pay.reason,
        clerk=_user(session, pay.created_by_id))


def deposit_receipt(session: Session, payment_id, ctx: PrintContext) -> vm.PaymentReceipt:
    return _payment_receipt(session, _payment(session, payment_id, "deposit", "deposit"), ctx)


def refund_receipt(session: Session, payment_id, ctx: PrintContext) -> vm.PaymentReceipt:
    return _payment_receipt(session, _payment(session, payment_id, "refund", "refund slip"), ctx)


def handover_slip(session: Session, order_id, ctx: PrintContext) -> vm.HandoverSlip:
    order = _order(session, order_id)
    rows = session.execute(select(RepairHandover).where(RepairHandover.order_id == order.id)
                           .order_by(RepairHandover.seq)).scalars().all()
    names: dict = {}

    def name(uid):
        if uid not in names:
            names[uid] = _user(session, uid)
        return names[uid]

    return vm.HandoverSlip(
        org=_org(session, ctx, order.org_id), order_number=order.number or "", token=order_token(order.id),
        model=_model(session, order.model_id, ctx.lang), imei=order.imei, state=ctx.state_label(order.state),
        current_holder=name(order.current_holder_id),
        hops=tuple(vm.HandoverHop(seq=h.seq, at=ctx.local(h.at), from_user=name(h.from_user_id), to_user=name(h.to_user_id),
                                  place=h.place, note=h.note,
                                  signature=_signature(ctx, h.signature, h.at) or vm.Signature()) for h in rows))


# -- logistics documents ----------------------------------------------------------------------------

class _Devices:
    """What a list's lines show of their orders (model, fault, accessories, warranty), loaded
    with one query per table for the whole list rather than a few per line: a box or a batch
    may hold hundreds of devices."""

    def __init__(self, session: Session, orders: list[RepairOrder], lang: str):
        self.models = _model_labels(session, {o.model_id for o in orders}, lang)
        status_ids = {o.warranty_status_id for o in orders if o.warranty_status_id}
        self.statuses = {st.id: _warranty_name(st, lang) for st in session.execute(
            select(bd.WarrantyStatus).where(bd.WarrantyStatus.id.in_(status_ids))).scalars()} if status_ids else {}

    def model(self, order: RepairOrder) -> str:
        return self.models.get(order.model_id, "")

    def warranty(self, order: RepairOrder) -> str:
        return self.statuses.get(order.warranty_status_id, "")


def _accessories_received(order: RepairOrder, t: dict[str, str]) -> str:
    return t["list_sep"].join(a.get("name", "") for a in order.accessories or [] if a.get("received"))


def packing_list(session: Session, list_id, ctx: PrintContext) -> vm.PackingList:
    pl: RepairPackingList = packing_ops.get_packing_list(session, list_id)
    ids = [line.order_id for line in pl.lines if line.order_id]
    orders = {o.id: o for o in session.execute(select(RepairOrder).where(RepairOrder.id.in_(ids))).scalars()} if ids else {}
    devices = _Devices(session, list(orders.values()), ctx.lang)
    sender = session.get(Organisation, pl.org_id)
    if pl.purpose == "factory":
        maker = session.get(bd.Party, pl.manufacturer_id)
        to_name, to_address = maker.name, maker.address
        to_contact = " ".join(x for x in (maker.contact_name, maker.phone) if x)
    else:
        dest = session.get(Organisation, pl.destination_org_id)
        to_name, to_address = dest.name, dest.address
        to_contact = " ".join(x for x in (dest.contact_name, dest.contact_phone) if x)
    t = LABELS[ctx.lang]
    lines = []
    xids = [line.exchange_order_id for line in pl.lines if line.exchange_order_id]
    if xids:  # exchange units in the same box (换机装箱单): their HJ order, model, fault, mode, purchase date
        from ..exchange.models import ExchangeOrder
        from ..exchange.statemachine import MODES

        exchanges = {o.id: o for o in session.execute(select(ExchangeOrder).where(ExchangeOrder.id.in_(xids))).scalars()}
        xmodels = _model_labels(session, {o.model_id for o in exchanges.values()}, ctx.lang)
    for line in pl.lines:
        if line.exchange_order_id:
            x = exchanges[line.exchange_order_id]
            outcome = {"missing": t["line_missing"]}.get(line.state, "")
            got = f"{t['replacement_received']} {line.replacement_imei}" if line.replacement_imei else ""
            note = t["semi"].join(v for v in (outcome, got, line.note) if v)
            lines.append(vm.PackingLine(seq=line.seq, order_number=x.number or "", imei=line.imei,
                                        model=xmodels.get(x.model_id, ""), fault=_fault(x, t), note=note,
                                        kind="exchange", mode=MODES[x.mode][ctx.locale], purchase_date=x.sale_date))
            continue
        order = orders.get(line.order_id)
        # Once checked in, the list says what happened to each device.
        outcome = {"missing": t["line_missing"], "unexpected": t["line_unexpected"]}.get(line.state, "")
        note = t["semi"].join(x for x in (outcome, line.note) if x)
        if order is None:
            lines.append(vm.PackingLine(seq=line.seq, order_number="", imei=line.imei, model="", fault="", note=note))
            continue
        lines.append(vm.PackingLine(seq=line.seq, order_number=order.number or "", imei=line.imei,
                                    model=devices.model(order), fault=_fault(order, ctx.t),
                                    accessories=_accessories_received(order, ctx.t), warranty=devices.warranty(order), note=note))
    shipped = ctx.local(pl.posted_at).date() if pl.posted_at else pl.doc_date
    return vm.PackingList(
        org=_org(session, ctx, pl.org_id), number=pl.number or "", kind=pl.purpose, ship_date=shipped,
        from_name=sender.name, to_name=to_name, to_address=to_address, to_contact=to_contact, carrier=pl.carrier,
        waybill=pl.tracking_no, packed_by=_user(session, pl.created_by_id), note=pl.note, lines=tuple(lines),
        draft=pl.status == "draft")


def loaner_slip(session: Session, loaner_id, ctx: PrintContext) -> vm.LoanerSlip:
    loaner = loaner_ops.get_loaner(session, loaner_id)
    # 换机备机单: lent against an exchange order, which has the same customer fields.
    order = loaner_ops.order_of(session, loaner) if loaner.exchange_order_id else _order(session, loaner.order_id)
    item = session.get(bd.Item, loaner.item_id)
    t = LABELS[ctx.lang]
    return vm.LoanerSlip(
        org=_org(session, ctx, loaner.org_id), number=loaner.number or "", order_number=order.number or "",
        token=order_token(order.id), lent_at=ctx.local(loaner.posted_at or loaner.created_at),
        customer_name=order.customer_name, customer_phone=order.customer_phone,
        loaner_model=_model(session, item.model_id, ctx.lang) or item.name, loaner_imei=loaner.serial,
        clerk=_user(session, loaner.posted_by_id or loaner.created_by_id), loaner_condition=loaner.note,
        due_date=loaner.due_date, deposit=loaner.deposit or None, returned_at=ctx.local(loaner.returned_at),
        return_condition=t["condition_" + loaner.return_condition] if loaner.return_condition else "",
        damage_charge=loaner.damage_charge or None, return_note=loaner.return_note)


def batch_acceptance(session: Session, batch_id, ctx: PrintContext) -> vm.BatchAcceptance:
    batch = batch_ops.get_batch(session, batch_id)
    orders = batch_ops.batch_orders(session, batch)
    devices = _Devices(session, orders, ctx.lang)
    party = session.get(bd.Party, batch.party_id)
    return vm.BatchAcceptance(
        org=_org(session, ctx, batch.org_id), number=batch.number or "",
        accepted_at=ctx.local(batch.posted_at or batch.created_at), dealer_name=party.name, dealer_code=party.code,
        dealer_contact=batch.contact_name, dealer_phone=batch.contact_phone,
        received_by=_user(session, batch.created_by_id), note=batch.note,
        lines=tuple(vm.BatchLine(seq=n, order_number=o.number or "", imei=o.imei, model=devices.model(o),
                                 fault=_fault(o, ctx.t), accessories=_accessories_received(o, ctx.t), warranty=devices.warranty(o),
                                 appearance=o.appearance_note) for n, o in enumerate(orders, start=1)))


# -- warehouse documents (spec §9) ------------------------------------------------------------------

# Who signs each paper: the boxes at its foot, by type, or by (type, kind) where the kind differs.
STOCK_SIGNATURES: dict[str | tuple[str, str], tuple[str, ...]] = {
    "goods_receipt": ("sign_prepared", "sign_deliverer", "sign_keeper", "sign_approved"),
    "goods_issue": ("sign_prepared", "sign_keeper", "sign_receiver", "sign_approved"),
    "bin_transfer": ("sign_prepared", "sign_keeper_out", "sign_keeper_in", "sign_approved"),
    "engineer_requisition": ("sign_prepared", "sign_keeper", "sign_requisitioner"),
    "engineer_return": ("sign_prepared", "sign_returner", "sign_keeper"),
    "engineer_use": ("sign_engineer", "sign_approved"),
    ("stock_adjustment", "stocktake"): ("sign_counter", "sign_witness", "sign_keeper", "sign_approved"),
    ("stock_adjustment", "scrap"): ("sign_prepared", "sign_keeper", "sign_destroy_witness", "sign_approved"),
    ("stock_adjustment", "return_to_customer"): ("sign_prepared", "sign_keeper", "customer_signature"),
    "stock_adjustment": ("sign_prepared", "sign_keeper", "sign_approved"),
    "disassembly": ("sign_prepared", "sign_keeper", "sign_approved"),
    "price_adjustment": ("sign_prepared", "sign_approved"),
}
# The label of the document's warehouse, by type (none: the type names no warehouse).
_WAREHOUSE_LABEL = {"goods_receipt": "warehouse_in", "goods_issue": "warehouse_out", "bin_transfer": "warehouse_from",
                    "engineer_requisition": "warehouse_out", "engineer_return": "warehouse_in"}
_SUPPLIER_KINDS = ("purchase", "purchase_return")


def stock_words(doc_type: str, kind: str, status: str, lang: str) -> dict[str, Any]:
    """A warehouse document's words in the form's language: its title (the type's label in
    ``DOC_TYPES``; a stocktake is a 盘点表), kind, status, the labels of its warehouse and party
    and its signature boxes."""
    t = LABELS[lang]
    locale = "zh-CN" if lang == "zh" else "en"
    kind_label = STOCK_KINDS.get((doc_type, kind))
    signatures = STOCK_SIGNATURES.get((doc_type, kind)) or STOCK_SIGNATURES[doc_type]
    return {"title": t["stocktake_sheet"] if (doc_type, kind) == ("stock_adjustment", "stocktake")
            else DOC_TYPES[doc_type].label[locale],
            "kind_label": kind_label[lang] if kind_label else "", "status_label": lifecycle.LABELS[status][locale],
            "warehouse_label": t[_WAREHOUSE_LABEL.get(doc_type, "warehouse")],
            "party_label": t["supplier" if kind in _SUPPLIER_KINDS else "party_customer"],
            "signatures": tuple(t[s] for s in signatures)}


def _layout(doc: StockDocument) -> str:
    if doc.doc_type == "stock_adjustment" and doc.kind == "stocktake":
        return "stocktake"
    return {"price_adjustment": "price", "disassembly": "disassembly"}.get(doc.doc_type, "plain")


def _with_code(name: str, code: str, t: dict[str, str]) -> str:
    return f"{name}{t['lp']}{code}{t['rp']}" if code and code != name else name


class _StockLedger:
    """What a posted document wrote, read once: its moves (each line's value, serials) and its
    warehouse's location. A reversal (红冲) reads the moves of the document it reverses, whose
    exact opposites it posted, and prints them negated."""

    def __init__(self, session: Session, doc: StockDocument, source: StockDocument):
        self.moves = session.execute(select(StockMove).where(StockMove.doc_type == source.doc_type,
                                                             StockMove.doc_id == source.id)
                                     .order_by(StockMove.posted_at, StockMove.id)).scalars().all()
        # A reversal's lines are copies of the original's, in the same order.
        by_order = {l.sort_order: l.id for l in doc.lines}
        self.line_of = {l.id: by_order.get(l.sort_order) for l in source.lines}
        ids = [m.id for m in self.moves]
        self.serials: dict[uuid.UUID, list[str]] = {}
        if ids:
            for move_id, serial in session.execute(select(StockMoveSerial.move_id, StockMoveSerial.serial)
                                                   .where(StockMoveSerial.move_id.in_(ids))
                                                   .order_by(StockMoveSerial.serial)):
                self.serials.setdefault(move_id, []).append(serial)
        self.location = session.execute(select(StockLocation.id).where(
            StockLocation.warehouse_id == doc.warehouse_id)).scalar_one_or_none() if doc.warehouse_id else None

    def of(self, line_id) -> list[StockMove]:
        return [m for m in self.moves if self.line_of.get(m.line_id) == line_id]

    def inward(self, move: StockMove) -> bool:
        """Into the document's warehouse (a stocktake's gain, a disassembly's parts)."""
        return move.to_location_id == self.location


def _stock_lines(session: Session, doc: StockDocument, source: StockDocument, ctx: PrintContext,
                 layout: str) -> list[vm.StockLine]:
    lines = list(doc.lines)
    posted = source.status != lifecycle.DRAFT
    ledger = _StockLedger(session, doc, source) if posted else None
    sign = Decimal(-1) if doc.reverses_id else Decimal(1)
    formula = None
    if layout == "disassembly" and not posted:
        formula = _draft_formula(session, doc)
    item_ids = {l.item_id for l in lines} | ({m.item_id for m in ledger.moves} if ledger else set())
    if formula is not None:
        item_ids |= {fl.component_item_id for fl in formula.lines}
    items = {i.id: i for i in session.execute(select(bd.Item).where(bd.Item.id.in_(item_ids))).scalars()} if item_ids else {}
    models = _models(session, {i.model_id for i in items.values()}, ctx.lang)

    def line(seq, item_id, **values) -> vm.StockLine:
        item = items[item_id]
        model, bare = models.get(item.model_id, ("", ""))
        # The model once: an item's name often says it already ("Mate 60 屏幕总成").
        if bare and bare.casefold() in item.name.casefold():
            model = ""
        return vm.StockLine(seq=seq, code=item.code, name=item.name, model=model, unit=item.unit, **values)

    out: list[vm.StockLine] = []
    if layout == "disassembly":
        if posted:
            # The moves say what left and what came in, parts without a line of their own included.
            for m in ledger.moves:
                if not m.quantity:
                    continue  # a value residue, not a line of the paper
                into = ledger.inward(m) == (sign > 0)
                out.append(line(len(out) + 1, m.item_id, quantity=m.quantity if into else -m.quantity,
                                unit_cost=(m.value / m.quantity).quantize(Decimal("0.0001")),
                                amount=m.value if into else -m.value, serials=tuple(ledger.serials.get(m.id, [])),
                                direction="in" if into else "out"))
            return out
        main = next((l for l in lines if l.role == "main"), None)
        device_out = doc.kind == "disassemble"
        serials = {l.item_id: tuple(l.serials or ()) for l in lines if l.role == "component"}
        if main is not None:
            out.append(line(1, main.item_id, quantity=-main.quantity if device_out else main.quantity,
                            serials=tuple(main.serials or ()), direction="out" if device_out else "in"))
            parts = ([(fl.component_item_id, fl.quantity * main.quantity) for fl in formula.lines] if formula
                     else [(l.item_id, l.quantity) for l in lines if l.role == "component"])
            for item_id, q in parts:
                out.append(line(len(out) + 1, item_id, quantity=q if device_out else -q, serials=serials.get(item_id, ()),
                                direction="in" if device_out else "out"))
        return out

    book: dict[uuid.UUID, Decimal] = {}
    if layout == "stocktake" and not posted and doc.warehouse_id:
        # A draft is the counting sheet: what the books hold now, the counts as far as entered.
        book = dict(session.execute(select(StockBalance.item_id, StockBalance.quantity)
                                    .join(StockLocation, StockLocation.id == StockBalance.location_id)
                                    .where(StockLocation.warehouse_id == doc.warehouse_id,
                                           StockBalance.item_id.in_({l.item_id for l in lines}))).all())
    for n, l in enumerate(lines, start=1):
        moves = ledger.of(l.id) if ledger else []
        serials = tuple(l.serials or ())
        if layout == "stocktake":
            if posted:
                diff = l.quantity
                value = sum((m.value if ledger.inward(m) else -m.value for m in moves), ZERO)
                gained = [s for m in moves if ledger.inward(m) for s in ledger.serials.get(m.id, [])]
                lost = [s for m in moves if not ledger.inward(m) for s in ledger.serials.get(m.id, [])]
                note = ctx.t["semi"].join(f"{ctx.t[label]} {', '.join(serials)}" for label, serials in (
                    ("serials_found", gained), ("serials_missing", lost)) if serials)
                if doc.reverses_id:  # only what the reversal undid: the counts were the original's
                    out.append(line(n, l.item_id, quantity=-diff, amount=-value, note=note))
                else:
                    out.append(line(n, l.item_id, quantity=diff, amount=value, serials=serials, note=note,
                                    book_quantity=l.counted_quantity - diff, counted_quantity=l.counted_quantity))
            else:
                held = book.get(l.item_id, ZERO)
                counted = l.counted_quantity
                out.append(line(n, l.item_id, quantity=None if counted is None else counted - held, serials=serials,
                                book_quantity=held, counted_quantity=counted))
            continue
        if layout == "price":
            value = sum((m.value for m in moves), ZERO) if posted else None
            out.append(line(n, l.item_id, quantity=l.quantity if posted else None, unit_cost=l.unit_cost,
                            amount=None if value is None else sign * value, note=l.note))
            continue
        # plain: the value the ledger moved (quantity moves only: a value residue or a price
        # difference is the ledger's, not the paper's); a draft's as entered, if it has a cost
        if posted:
            value = sum((m.value for m in moves if m.quantity), ZERO)
        else:
            value = l.unit_cost * l.quantity if l.unit_cost is not None else None
        cost = l.unit_cost if l.unit_cost is not None else (
            (value / l.quantity).quantize(Decimal("0.0001")) if value is not None and l.quantity else None)
        out.append(line(n, l.item_id, quantity=sign * l.quantity, unit_cost=cost,
                        amount=None if value is None else sign * value, serials=serials, note=l.note))
    return out


def _draft_formula(session: Session, doc: StockDocument) -> bd.DisassemblyFormula | None:
    """The formula a draft disassembly will post by (as ``plan_disassembly`` chooses it)."""
    if doc.formula_id:
        return session.get(bd.DisassemblyFormula, doc.formula_id)
    main = next((l for l in doc.lines if l.role == "main"), None)
    if main is None:
        return None
    return session.execute(select(bd.DisassemblyFormula).where(bd.DisassemblyFormula.device_item_id == main.item_id,
                                                               bd.DisassemblyFormula.active)).scalars().first()


def _total(values) -> Decimal | None:
    values = [v for v in values if v is not None]
    return sum(values, ZERO) if values else None


def stock_document(session: Session, document_id, ctx: PrintContext, doc_type: str) -> vm.StockDocumentSheet:
    """Any warehouse document of ``doc_type``, read through the stock module's scoped getter."""
    doc = get_stock_document(session, doc_type, document_id)
    t = ctx.t
    layout = _layout(doc)
    original = get_stock_document(session, doc_type, doc.reverses_id) if doc.reverses_id else None
    reversal = None
    if doc.status == lifecycle.REVERSED:
        reversal = session.execute(select(StockDocument).where(StockDocument.reverses_id == doc.id)).scalar_one_or_none()
    lines = _stock_lines(session, doc, original or doc, ctx, layout)
    get = lambda model, rid: session.get(model, rid) if rid else None  # noqa: E731
    warehouse, to_warehouse = get(bd.Warehouse, doc.warehouse_id), get(bd.Warehouse, doc.to_warehouse_id)
    party, engineer = get(bd.Party, doc.party_id), get(bd.Engineer, doc.engineer_id)
    formula = get(bd.DisassemblyFormula, doc.formula_id)
    # The reversal's note is the generated "红冲 <number>": the form says that in its own words.
    note = "" if original is not None and doc.note == f"红冲 {original.number}" else doc.note
    totals = layout != "disassembly"
    return vm.StockDocumentSheet(
        org=_org(session, ctx, doc.org_id), doc_type=doc.doc_type, kind=doc.kind, layout=layout,
        number=doc.number or "", status=doc.status, doc_date=doc.doc_date, lines=tuple(lines),
        token=stock_token(doc.id), **stock_words(doc.doc_type, doc.kind, doc.status, ctx.lang),
        warehouse=warehouse.name if warehouse else "", to_warehouse=to_warehouse.name if to_warehouse else "",
        party=_with_code(party.name, party.code, t) if party else "",
        engineer=_with_code(engineer.name, engineer.code, t) if engineer else "",
        formula=formula.code if formula else "", reference=doc.reference, note=note,
        created_by=_user(session, doc.created_by_id), created_at=ctx.local(doc.created_at),
        posted_by=_user(session, doc.posted_by_id), posted_at=ctx.local(doc.posted_at),
        reversed_by=_user(session, doc.reversed_by_id), reversed_at=ctx.local(doc.reversed_at),
        reversal_reason=doc.reversal_reason, reversal_number=reversal.number or "" if reversal else "",
        reversal=original is not None, reverses_number=original.number or "" if original else "",
        total_quantity=_total(l.quantity for l in lines) if totals else None,
        total_amount=_total(l.amount for l in lines) if totals else None)
