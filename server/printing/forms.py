"""The printable forms: name (as in the URL), template, papers, the view-model it takes, and how a
document becomes that view-model (its adapter), with the permission that reads the document.

The permission is the one the document's own GET route (``server/repair/api.py``,
``server/stock/api.py``) requires; the adapter reads the document through that module's scoped
getter, so another point's document is a 404 here as there. ``document_type`` names the
registry entry a form prints (a key of ``server.stock.documents.DOC_TYPES``, or a repair desk
document of ``server.meta.family_repairdesk``), so a document's
forms can be listed from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from . import viewmodels as vm


@dataclass(frozen=True)
class Form:
    name: str
    template: str
    view_model: type
    papers: tuple[str, ...]  # the first is the default
    permission: str  # what reading the document needs (the route itself needs print.forms)
    adapter: Callable[[Any, Any, Any], Any]  # (session, document id, PrintContext) → view-model
    document_type: str | None = None  # the document type it prints, where a registry names it


def _repair(name: str) -> Callable:
    def load(session, document_id, ctx):
        from . import adapters

        return getattr(adapters, name)(session, document_id, ctx)

    load.__name__ = name
    return load


FORMS: dict[str, Form] = {f.name: f for f in (
    Form("intake-ticket", "print/intake_ticket.html", vm.IntakeTicket, ("80mm", "a5"), "repair.view",
         _repair("intake_ticket")),
    Form("device-label", "print/device_label.html", vm.DeviceLabel, ("label",), "repair.view", _repair("device_label")),
    Form("quotation", "print/quotation.html", vm.Quotation, ("80mm", "a5", "a4"), "repair.view", _repair("quotation")),
    Form("pickup-receipt", "print/pickup_receipt.html", vm.PickupReceipt, ("80mm", "a5", "a4"), "repair.view",
         _repair("pickup_receipt")),
    Form("deposit-receipt", "print/payment_receipt.html", vm.PaymentReceipt, ("80mm", "a5", "a4"), "repair.view",
         _repair("deposit_receipt")),
    Form("refund-receipt", "print/payment_receipt.html", vm.PaymentReceipt, ("80mm", "a5", "a4"), "repair.view",
         _repair("refund_receipt"), document_type="repair_refund"),
    Form("handover-slip", "print/handover_slip.html", vm.HandoverSlip, ("a4", "a5", "80mm"), "repair.view",
         _repair("handover_slip")),
    Form("packing-list", "print/packing_list.html", vm.PackingList, ("a4",), "repair.view", _repair("packing_list")),
    Form("loaner-slip", "print/loaner_slip.html", vm.LoanerSlip, ("a5", "a4", "80mm"), "repair.view",
         _repair("loaner_slip"), document_type="repair_loaner"),
    Form("batch-acceptance", "print/batch_acceptance.html", vm.BatchAcceptance, ("a4",), "repair.view",
         _repair("batch_acceptance"), document_type="repair_batch"),
)}



def _stock(doc_type: str) -> Callable:
    def load(session, document_id, ctx):
        from . import adapters

        return adapters.stock_document(session, document_id, ctx, doc_type)

    load.__name__ = f"stock_document_{doc_type}"
    return load


def _stock_forms() -> list[Form]:
    """One form per warehouse document type, named as its API path (``goods-receipt``), on A4 or
    A5; the stock documents' GET route needs ``stock.view``."""
    from ..stock.documents import DOC_TYPES

    return [Form(name.replace("_", "-"), "print/stock_document.html", vm.StockDocumentSheet, ("a4", "a5"), "stock.view",
                 _stock(name), document_type=name) for name in DOC_TYPES]


FORMS.update({f.name: f for f in _stock_forms()})


def _swap(name: str) -> Callable:
    def load(session, document_id, ctx):
        from ..swap import printing

        return getattr(printing, name)(session, document_id, ctx)

    load.__name__ = f"swap_{name}"
    return load


def _swap_forms() -> list[Form]:
    """The accessory swap's slip and list (``server/swap/printing.py``); their GET routes need ``swap.view``."""
    from ..swap.printing import SwapIntakeSlip, SwapSendList

    return [Form("swap-intake-slip", "print/swap_intake.html", SwapIntakeSlip, ("a5",), "swap.view",
                 _swap("intake_slip"), document_type="swap_intake"),
            Form("swap-send-list", "print/swap_send.html", SwapSendList, ("a4",), "swap.view", _swap("send_list"),
                 document_type="swap_send")]


FORMS.update({f.name: f for f in _swap_forms()})


def _exchange(name: str) -> Callable:
    def load(session, document_id, ctx):
        from ..exchange import printing

        return getattr(printing, name)(session, document_id, ctx)

    load.__name__ = f"exchange_{name}"
    return load


def _exchange_forms() -> list[Form]:
    """The exchange order's ticket and certificate (``server/exchange/printing.py``); its GET route
    needs ``exchange.view``."""
    from ..exchange.printing import ExchangeCertificate, ExchangeTicket

    return [Form("exchange-ticket", "print/exchange_ticket.html", ExchangeTicket, ("80mm", "a5"), "exchange.view",
                 _exchange("exchange_ticket"), document_type="exchange_order"),
            Form("exchange-certificate", "print/exchange_certificate.html", ExchangeCertificate, ("a5", "80mm"),
                 "exchange.view", _exchange("exchange_certificate"), document_type="exchange_order")]


FORMS.update({f.name: f for f in _exchange_forms()})


def _area_forms() -> list[Form]:
    """The forms of the areas that keep theirs in their own ``forms.py`` (server/areas.py)."""
    from ..areas import modules

    return [f for m in modules("forms") for f in m.forms()]


FORMS.update({f.name: f for f in _area_forms()})


FORMATS = ("pdf", "html")
