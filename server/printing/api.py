"""Printing API: ``GET /api/print/<form>/<document id>`` (PDF or HTML) and the QR code's resolver.

The route needs ``print.forms``; the document is then read as its own API reads it — with the
form's permission (e.g. ``repair.view``) and the session's organisation scoping, so another
point's document is a 404 here too.
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path

import marshmallow as ma
from flask import Response

from ..blobs.api import blob_storage
from ..errors import DomainError, Forbidden, InvalidInput
from ..http import Blueprint, Schema, db_session, permission, principal, settings
from ..repair import operations as repair_ops
from ..stock.queries import get_document as get_stock_document
from .adapters import PrintContext
from .fonts import FontsMissing
from .forms import FORMATS, FORMS
from .labels import LANGS
from .qr import parse_token
from .render import PAPERS, printer

blp = Blueprint("print", __name__, url_prefix="/api/print", description="打印 Printed forms: tickets, labels, receipts, lists")


class PrintingUnavailable(DomainError):
    status = 503
    code = "printing_unavailable"


def available_printer():
    """The printer, or a 503 saying what it lacks (its fonts): every printing route asks here."""
    try:
        return printer()
    except FontsMissing as exc:
        raise PrintingUnavailable(str(exc)) from None


class PrintArgs(Schema):
    format = ma.fields.String(load_default="pdf", validate=ma.validate.OneOf(FORMATS),
                              metadata={"description": "pdf, or html for the browser's own print dialog"})
    paper = ma.fields.String(load_default=None, validate=ma.validate.OneOf(tuple(PAPERS)),
                             metadata={"description": "80mm (thermal roll), a5, a4, or label (50 × 30 mm); default per form"})
    lang = ma.fields.String(load_default="zh", validate=ma.validate.OneOf(LANGS), metadata={"description": "zh or en"})


class ResolvedOut(Schema):
    kind = ma.fields.String(metadata={"description": "repair_order, stock_document or exchange_order"})
    id = ma.fields.UUID()
    number = ma.fields.String()
    provisional_code = ma.fields.String()
    state = ma.fields.String(metadata={"description": "the order's state, or the document's status"})
    doc_type = ma.fields.String(metadata={"description": "a stock document's type (goods_receipt, ...)"})


def _context(lang: str) -> PrintContext:
    s = settings()
    logo_dir = Path(s.print_logo_dir) if s.print_logo_dir else Path(s.var_dir) / "logos"
    return PrintContext(lang=lang, timezone=s.timezone, blob_path=blob_storage().path, logo_dir=logo_dir)


_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


@blp.route("/<form>/<document_id>", methods=["GET"])
@permission("print.forms")
@blp.arguments(PrintArgs, location="query")
@blp.response(200, description="The form as application/pdf, or text/html with format=html")
def print_form(args, form, document_id):
    """One document printed on one form: ``intake-ticket``, ``device-label`` (order id), ``quotation``
    (quotation id), ``pickup-receipt``, ``deposit-receipt``, ``refund-receipt`` (payment id),
    ``handover-slip`` (order id), ``packing-list`` (packing list id), ``loaner-slip`` (loaner id),
    ``batch-acceptance`` (batch id), ``exchange-ticket``, ``exchange-certificate`` (exchange order id); a
    warehouse document on the form named as its API path
    (``goods-receipt``, ``goods-issue``, ``bin-transfer``, ``engineer-requisition``,
    ``engineer-return``, ``engineer-use``, ``stock-adjustment``, ``disassembly``,
    ``price-adjustment``: the document's id)."""
    spec = FORMS.get(form)
    if spec is None:
        raise InvalidInput("form", "no such form; one of " + ", ".join(FORMS))
    try:
        doc_id = uuid.UUID(document_id)
    except ValueError:
        raise InvalidInput("document_id", "must be a UUID") from None
    paper = args["paper"] or spec.papers[0]
    if paper not in spec.papers:
        raise InvalidInput("paper", f"{form} prints on " + ", ".join(spec.papers))
    if not principal().can(spec.permission):
        raise Forbidden(f"missing permission {spec.permission}", {"permission": [spec.permission]})
    view_model = spec.adapter(db_session(), doc_id, _context(args["lang"]))
    p = available_printer()
    number = getattr(view_model, "number", "") or getattr(view_model, "order_number", "") or document_id
    filename = _SAFE.sub("_", f"{form}-{number}")
    if args["format"] == "html":
        resp = Response(p.html(spec.template, view_model, PAPERS[paper], args["lang"]), mimetype="text/html")
        # Only inline data: images and the inline stylesheet; nothing to fetch, no script.
        resp.headers["Content-Security-Policy"] = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"
    else:
        resp = Response(p.pdf(spec.template, view_model, PAPERS[paper], args["lang"]), mimetype="application/pdf")
        resp.headers["Content-Disposition"] = f'inline; filename="{filename}.pdf"'
    # Customer data: kept by no cache on the way.
    resp.headers["Cache-Control"] = "no-store"
    return resp


@blp.route("/resolve/<token>", methods=["GET"])
@permission("repair.view")
@blp.response(200, ResolvedOut)
def resolve(token):
    """The document a printed QR code names, if the caller may see it (another point's: 404): a
    repair order, a warehouse document (which needs ``stock.view`` too) or an exchange order
    (``exchange.view``)."""
    kind, doc_id = parse_token(token)
    if kind == "stock_document":
        if not principal().can("stock.view"):
            raise Forbidden("missing permission stock.view", {"permission": ["stock.view"]})
        doc = get_stock_document(db_session(), None, doc_id)
        return {"kind": kind, "id": doc.id, "number": doc.number or "", "provisional_code": "", "state": doc.status,
                "doc_type": doc.doc_type}
    if kind == "exchange_order":
        from ..exchange import operations as exchange_ops

        if not principal().can("exchange.view"):
            raise Forbidden("missing permission exchange.view", {"permission": ["exchange.view"]})
        order = exchange_ops.get_order(db_session(), doc_id)
        return {"kind": kind, "id": order.id, "number": order.number or "", "provisional_code": order.provisional_code,
                "state": order.state}
    if kind == "retail_sale":
        from ..retail.posting import get_sale

        if not principal().can("retail.view"):
            raise Forbidden("missing permission retail.view", {"permission": ["retail.view"]})
        sale = get_sale(db_session(), doc_id, "token")
        return {"kind": kind, "id": sale.id, "number": sale.number or "", "provisional_code": "", "state": sale.status}
    order = repair_ops.get_order(db_session(), doc_id)
    return {"kind": kind, "id": order.id, "number": order.number or "", "provisional_code": order.provisional_code,
            "state": order.state}
