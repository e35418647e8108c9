"""This area's print forms (merged into server/printing/forms.py's FORMS): the delivery note (发货单)
and the sales return (销售退货单), A4 (A5 for a short one); their GET routes need ``sales.view``."""

from __future__ import annotations


def _load(name: str):
    def load(session, document_id, ctx):
        from . import printing

        return getattr(printing, name)(session, document_id, ctx)

    load.__name__ = f"wholesale_{name}"
    return load


def forms() -> list:
    from ..printing.forms import Form
    from .printing import SalesSheet

    return [Form("delivery-note", "print/sales_document.html", SalesSheet, ("a4", "a5"), "sales.view", _load("delivery_note"),
                 document_type="sales_delivery"),
            Form("sales-return-note", "print/sales_document.html", SalesSheet, ("a4", "a5"), "sales.view", _load("return_note"),
                 document_type="sales_return")]
