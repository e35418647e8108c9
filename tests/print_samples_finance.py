"""Finance's print samples for tests/test_printing.py (merged by tests/print_samples.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from server.finance.forms import (WORDS, OpeningRow, OpeningSheet, ReclassVoucher, SettlementVoucher, TransferSide,
                                  TransferVoucher, VoucherLine, chinese_amount)

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


def reclass(lang: str = "zh") -> ReclassVoucher:
    amount = Decimal("2000.00")
    return ReclassVoucher(
        w=WORDS[lang], org=ORG, kind="counterparty", number="TZ-SZ01-2612-00001", status="posted", doc_date=T0.date(),
        direction="receivable", out_of="D-XJ 深圳迅捷通讯", into="D-HQB 华强北通讯", amount=amount,
        amount_words=chinese_amount(amount), reason="收款挂错往来单位", note="", prepared="李娜")


def opening(lang: str = "zh") -> OpeningSheet:
    rows = (OpeningRow(1, "party", "D-XJ", "深圳迅捷通讯", "receivable", Decimal("12800.00"), "期初"),
            OpeningRow(2, "party", "M-HW", "华为终端有限公司", "payable", Decimal("5300.00"), ""),
            OpeningRow(3, "organisation", "HQ", "总部", "payable", Decimal("-200.00"), "预付"),
            OpeningRow(4, "account", "BANK", "招商银行 福田支行", "", Decimal("88000.00"), ""))
    return OpeningSheet(
        w=WORDS[lang], org=ORG, number="QC-SZ01-2612-00001", status="posted", doc_date=T0.date(),
        closed_through=T0.date() - dt.timedelta(days=1), rows=rows, receivable_total=Decimal("12800.00"),
        payable_total=Decimal("5100.00"), account_total=Decimal("88000.00"), note="系统启用", prepared="李娜")


SAMPLES = {"finance-receipt-voucher": lambda lang: voucher("receipt", lang),
           "finance-payment-voucher": lambda lang: voucher("payment", lang),
           "finance-transfer-voucher": transfer, "finance-reclass-voucher": reclass, "finance-opening-sheet": opening}
EXPECTED = {
    "finance-reclass-voucher": ["调账凭证", "TZ-SZ01-2612-00001", "转出", "D-XJ 深圳迅捷通讯", "转入", "¥2,000.00",
                                "贰仟元整", "收款挂错往来单位", "应收账款"],
    "finance-opening-sheet": ["期初余额表", "QC-SZ01-2612-00001", "启用日期", "结账至", "华为终端有限公司", "¥12,800.00",
                              "应付", "资金账户", "¥88,000.00"],
    "finance-receipt-voucher": ["收款凭证", "SK-SZ01-2611-00004", "深圳迅捷通讯（D-XJ）", "¥1,350.00", "壹仟叁佰伍拾元整",
                                "PF-SZ01-2611-00007", "¥500.00", "预收/预付", "¥150.00", "交款人"],
    "finance-payment-voucher": ["付款凭证", "FK-SZ01-2611-00004", "付款账户", "¥1,350.00", "收款人"],
    "finance-transfer-voucher": ["资金调拨单", "ZZ-SZ01-2611-00002", "转出账户", "维修业务户", "转入账户", "换机业务户",
                                 "¥20,000.00", "贰万元整", "HZ-2026-771"],
}
TITLES = {"finance-receipt-voucher": "Receipt voucher", "finance-payment-voucher": "Payment voucher",
          "finance-transfer-voucher": "Transfer voucher", "finance-reclass-voucher": "Reclassification voucher",
          "finance-opening-sheet": "Opening balance sheet"}
