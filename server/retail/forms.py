"""This area's print forms (merged into server/printing/forms.py's FORMS): the 80 mm retail receipt
(零售小票) with a QR code that finds the sale (``L1`` + the sale's id, made on the tablet, so a
receipt printed offline scans as the official one), and the return slip (退货小票)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from ..printing import viewmodels as vm
from ..printing.forms import Form

LABELS = {
    "zh": {"item": "商品", "receipt": "零售小票", "return_slip": "退货小票", "date": "日期", "clerk": "收银员", "customer": "顾客",
           "qty": "数量", "price": "单价", "amount": "金额", "total": "合计", "tax": "其中税额", "paid": "实收",
           "change": "找零", "refund": "退款", "sale": "原销售单", "serial": "串号", "scan": "扫码查询本单 / 退货凭此小票",
           "waiting": "备货中：本单部分商品库存待补录，不影响您的权益", "warranty": "整机保修自购买之日起计算，凭本小票享受三包服务",
           "thanks": "谢谢惠顾", "reason": "原因"},
    "en": {"item": "Item", "receipt": "Sales receipt", "return_slip": "Return slip", "date": "Date", "clerk": "Cashier", "customer": "Customer",
           "qty": "Qty", "price": "Price", "amount": "Amount", "total": "Total", "tax": "incl. VAT", "paid": "Paid",
           "change": "Change", "refund": "Refund", "sale": "Sale", "serial": "IMEI", "scan": "Scan to find this sale; bring it to return goods",
           "waiting": "Some goods are being booked from stock: your purchase is not affected",
           "warranty": "Device warranty runs from the date of purchase on this receipt", "thanks": "Thank you", "reason": "Reason"},
}


@dataclass(frozen=True)
class ReceiptLine:
    name: str
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal
    serials: tuple[str, ...]


@dataclass(frozen=True)
class ReceiptPayment:
    account: str
    amount: Decimal


@dataclass(frozen=True)
class RetailReceipt:
    """零售小票 (and, with ``is_return``, the 退货小票 of a return against it)."""

    org: vm.OrgHeader
    l: dict  # this form's words by language (zh, en): the template takes the form's  # noqa: E741
    number: str
    token: str  # what the QR code says: L1 + the sale's id
    at: dt.datetime | None
    clerk: str
    customer: str
    lines: tuple[ReceiptLine, ...]
    total: Decimal
    tax: Decimal
    payments: tuple[ReceiptPayment, ...]
    tendered: Decimal
    change: Decimal
    waiting: bool = False
    is_return: bool = False
    sale_number: str = ""
    reason: str = ""


def retail_receipt(session, sale_id, ctx) -> RetailReceipt:
    from ..basedata.models import Item
    from ..finance.models import MoneyAccount
    from ..printing.adapters import _org, _user
    from ..printing.qr import retail_token
    from .posting import get_sale

    sale = get_sale(session, sale_id, "id")
    return RetailReceipt(
        org=_org(session, ctx, sale.org_id), l=LABELS, number=sale.number or "", token=retail_token(sale.id),
        at=ctx.local(sale.posted_at or sale.created_at), clerk=_user(session, sale.created_by_id),
        customer=" ".join(x for x in (sale.customer_name, sale.customer_phone) if x),
        lines=tuple(ReceiptLine(session.get(Item, x.item_id).name, x.quantity, x.unit_price, x.gross, tuple(x.serials or ()))
                    for x in sale.lines),
        total=sale.total, tax=sale.tax_total,
        payments=tuple(ReceiptPayment(session.get(MoneyAccount, p.account_id).name, p.amount) for p in sale.payments),
        tendered=sale.tendered, change=sale.change, waiting=sale.stock_state == "waiting")


def return_slip(session, return_id, ctx) -> RetailReceipt:
    from ..basedata.models import Item
    from ..errors import NotFound
    from ..finance.models import MoneyAccount
    from ..org.scoping import may_see
    from ..auth.principal import get_principal
    from ..printing.adapters import _org, _user
    from ..printing.qr import retail_token
    from .models import RetailReturn, RetailSale

    ret = session.get(RetailReturn, return_id)
    if ret is None or not may_see(get_principal(session), ret):
        raise NotFound("no such retail return", {"id": ["no such retail return"]})
    sale = session.get(RetailSale, ret.sale_id)
    return RetailReceipt(
        org=_org(session, ctx, ret.org_id), l=LABELS, number=ret.number or "", token=retail_token(sale.id),
        at=ctx.local(ret.posted_at or ret.created_at), clerk=_user(session, ret.created_by_id),
        customer=" ".join(x for x in (sale.customer_name, sale.customer_phone) if x),
        lines=tuple(ReceiptLine(session.get(Item, x.item_id).name, x.quantity, (x.gross / x.quantity).quantize(Decimal("0.01")),
                                x.gross, tuple(x.serials or ())) for x in ret.lines),
        total=ret.total, tax=ret.tax_total,
        payments=tuple(ReceiptPayment(session.get(MoneyAccount, r.account_id).name, r.amount) for r in ret.refunds),
        tendered=ret.total, change=Decimal("0"), is_return=True, sale_number=sale.number or "", reason=ret.reason)


def forms() -> list:
    return [Form("retail-receipt", "print/retail_receipt.html", RetailReceipt, ("80mm",), "retail.view", retail_receipt,
                 document_type="retail_sale"),
            Form("retail-return-slip", "print/retail_receipt.html", RetailReceipt, ("80mm",), "retail.view", return_slip,
                 document_type="retail_return")]
