"""The swap's printed forms: the accessory intake slip (附件受理单, A5) and the send-to-
factory list (对换发厂清单, A4). View-models (the contract with the templates) and their adapters,
which read the documents through the swap's scoped getter (another point's slip is a 404)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from ..auth.models import User
from ..basedata import models as bd
from ..printing import viewmodels as vm
from . import operations as ops
from . import rules
from .models import SwapLine


@dataclass(frozen=True)
class SwapPrintLine:
    seq: int
    item: str  # code and name
    quantity: str
    serials: str = ""
    condition: str = ""
    fault: str = ""
    verdict: str = ""  # the rule's verdict in the form's language
    intake_number: str = ""
    note: str = ""


@dataclass(frozen=True)
class SwapIntakeSlip:
    """附件受理单: what a distributor left at the counter, one copy each."""

    org: vm.OrgHeader
    number: str
    taken_at: dt.datetime
    distributor: str
    lines: tuple[SwapPrintLine, ...]
    clerk: str
    contact: str = ""
    note: str = ""


@dataclass(frozen=True)
class SwapSendList:
    """对换发厂清单: the accessories packed for the manufacturer."""

    org: vm.OrgHeader
    number: str
    ship_date: dt.date
    manufacturer: str
    lines: tuple[SwapPrintLine, ...]
    packed_by: str
    carrier: str = ""
    waybill: str = ""
    note: str = ""


def _qty(q) -> str:
    return f"{q.normalize():f}"


def _item(session: Session, item_id) -> str:
    item = session.get(bd.Item, item_id)
    return f"{item.code} {item.name}" if item else ""


def _user(session: Session, user_id) -> str:
    user = session.get(User, user_id) if user_id else None
    return user.full_name if user else ""


def intake_slip(session: Session, document_id, ctx) -> SwapIntakeSlip:
    from ..printing.adapters import _org

    doc = ops.get_document(session, document_id, "swap_intake")
    party = session.get(bd.Party, doc.party_id)
    lang = ctx.locale
    lines = tuple(SwapPrintLine(seq=n + 1, item=_item(session, l.item_id), quantity=_qty(l.quantity),
                                serials=" ".join(l.serials or []), condition=rules.CONDITIONS.get(l.condition, {}).get(lang, ""),
                                fault=l.fault, verdict=rules.VERDICTS.get(l.verdict, {}).get(lang, ""))
                  for n, l in enumerate(doc.lines))
    return SwapIntakeSlip(org=_org(session, ctx, doc.org_id), number=doc.number or "",
                          taken_at=ctx.local(doc.posted_at or doc.created_at), distributor=party.name if party else "",
                          contact=" ".join(x for x in (doc.contact_name, doc.contact_phone) if x), lines=lines,
                          clerk=_user(session, doc.posted_by_id or doc.created_by_id), note=doc.note)


def send_list(session: Session, document_id, ctx) -> SwapSendList:
    from ..printing.adapters import _org

    doc = ops.get_document(session, document_id, "swap_send")
    maker = session.get(bd.Party, doc.manufacturer_id)
    lines = []
    for n, l in enumerate(doc.lines):
        intake = session.get(SwapLine, l.intake_line_id)
        idoc = ops.get_document(session, intake.document_id) if intake else None
        lines.append(SwapPrintLine(seq=n + 1, item=_item(session, l.item_id), quantity=_qty(l.quantity),
                                   serials=" ".join(l.serials or []), fault=intake.fault if intake else "",
                                   intake_number=idoc.number if idoc else "", note=l.note))
    return SwapSendList(org=_org(session, ctx, doc.org_id), number=doc.number or "", ship_date=doc.doc_date,
                        manufacturer=maker.name if maker else "", lines=tuple(lines),
                        packed_by=_user(session, doc.posted_by_id or doc.created_by_id), carrier=doc.carrier,
                        waybill=doc.waybill, note=doc.note)
