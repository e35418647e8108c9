"""Finance's print samples for tests/test_printing.py (merged by tests/print_samples.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from server.finance.forms import WORDS, SettlementVoucher, VoucherLine, chinese_amount

from .print_samples import ORG, T0


def voucher(kind: str, lang: str = "zh") -> SettlementVoucher:
    amount = Decimal("1350.00")
    lines = (VoucherLine(1, "PF-SZ01-2611-00007", T0.date() - dt.timedelta(days=40), Decimal("500.00")),
             VoucherLine(2, "PF-SZ01-2611-00011", T0.date() - dt.timedelta(days=12), Decimal("700.00")))
    return SettlementVoucher(
        w=WORDS[lang], org=ORG, kind=kind, number=("SK" if kind == "receipt" else "FK") + "-SZ01-2611-00004",
        status="posted", doc_date=T0.date(), counterparty="深圳迅捷通讯（D-XJ）", account="招商银行 福田支行 6214 0001",
        amount=amount, amount_words=chinese_amount(amount), reference="BK-88123", note="十一月货款", lines=lines,
        on_account=Decimal("150.00"), prepared="李娜")


SAMPLES = {"finance-receipt-voucher": lambda lang: voucher("receipt", lang),
           "finance-payment-voucher": lambda lang: voucher("payment", lang)}
EXPECTED = {
    "finance-receipt-voucher": ["收款凭证", "SK-SZ01-2611-00004", "深圳迅捷通讯（D-XJ）", "¥1,350.00", "壹仟叁佰伍拾元整",
                                "PF-SZ01-2611-00007", "¥500.00", "预收/预付", "¥150.00", "交款人"],
    "finance-payment-voucher": ["付款凭证", "FK-SZ01-2611-00004", "付款账户", "¥1,350.00", "收款人"],
}
TITLES = {"finance-receipt-voucher": "Receipt voucher", "finance-payment-voucher": "Payment voucher"}
