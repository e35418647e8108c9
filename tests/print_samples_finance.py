"""Finance's print samples for tests/test_printing.py (merged by tests/print_samples.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from server.finance.forms import WORDS, SettlementVoucher, TransferSide, TransferVoucher, VoucherLine, chinese_amount

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


def transfer(lang: str = "zh") -> TransferVoucher:
    amount = Decimal("20000.00")
    w = WORDS[lang]
    return TransferVoucher(
        w=w, org=ORG, number="ZZ-SZ01-2611-00002", status="posted", doc_date=T0.date(),
        sides=(TransferSide(w["from_account"], "BANK-RP", "维修业务户", "招商银行 福田支行", "6214 0001", "维修", -amount),
               TransferSide(w["to_account"], "BANK-EX", "换机业务户", "工商银行 华强支行", "6222 0088", "换机", amount)),
        amount=amount, amount_words=chinese_amount(amount), reference="HZ-2026-771", note="换机备用金", prepared="钱进")


SAMPLES = {"finance-receipt-voucher": lambda lang: voucher("receipt", lang),
           "finance-payment-voucher": lambda lang: voucher("payment", lang),
           "finance-transfer-voucher": transfer}
EXPECTED = {
    "finance-receipt-voucher": ["收款凭证", "SK-SZ01-2611-00004", "深圳迅捷通讯（D-XJ）", "¥1,350.00", "壹仟叁佰伍拾元整",
                                "PF-SZ01-2611-00007", "¥500.00", "预收/预付", "¥150.00", "交款人"],
    "finance-payment-voucher": ["付款凭证", "FK-SZ01-2611-00004", "付款账户", "¥1,350.00", "收款人"],
    "finance-transfer-voucher": ["资金调拨单", "ZZ-SZ01-2611-00002", "转出账户", "维修业务户", "转入账户", "换机业务户",
                                 "¥20,000.00", "贰万元整", "HZ-2026-771"],
}
TITLES = {"finance-receipt-voucher": "Receipt voucher", "finance-payment-voucher": "Payment voucher",
          "finance-transfer-voucher": "Transfer voucher"}
