"""Purchasing's print samples for tests/test_printing.py (merged by tests/print_samples.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from server.purchase.forms import WORDS, PurchaseOrderLine, PurchaseOrderSheet
from server.trade.pricing import line_amounts

from .print_samples import ORG, T0

_LINES = [("HW-M60-DEV", "Mate 60 整机", "台", "2", "4000.00", False, "1"),
          ("HW-M60-SCR", "Mate 60 屏幕总成", "个", "10", "113.00", True, "4"),
          ("HW-M60-BAT", "Mate 60 电池", "个", "25", "59.9", False, "0")]


def purchase_order(lang: str = "zh", lines: int = 3) -> PurchaseOrderSheet:
    out = []
    for i in range(lines):
        code, name, unit, q, price, incl, got = _LINES[i % len(_LINES)]
        a = line_amounts(Decimal(q), Decimal(price), tax_rate=Decimal("0.13"), price_includes_tax=incl)
        out.append(PurchaseOrderLine(seq=i + 1, code=code, name=name, unit=unit, quantity=Decimal(q),
                                     unit_price=Decimal(price), price_includes_tax=incl, tax_rate=Decimal("0.13"),
                                     net=a.net, tax=a.tax, gross=a.gross, received=Decimal(got)))
    return PurchaseOrderSheet(
        org=ORG, words=WORDS[lang], number="CG-SZ01-2611-00003", status="partly_received",
        status_label={"zh": "部分到货", "en": "Partly received"}[lang], doc_date=T0.date(),
        supplier="华为终端配件供应中心（S1）", supplier_contact="周敏", supplier_phone="0755-88886666",
        supplier_address="深圳市龙岗区坂田", supplier_tax_number="91440300MA5F000001", warehouse="福田主仓",
        expected_date=T0.date() + dt.timedelta(days=7), lines=tuple(out),
        net_total=sum((l.net for l in out), Decimal(0)), tax_total=sum((l.tax for l in out), Decimal(0)),
        gross_total=sum((l.gross for l in out), Decimal(0)), note="月底前送达", created_by="赵强", created_at=T0,
        approved_by="李娜", approved_at=T0 + dt.timedelta(hours=2))


SAMPLES = {"purchase-order": purchase_order}
EXPECTED = {"purchase-order": ["采购订单", "CG-SZ01-2611-00003", "部分到货", "华为终端配件供应中心（S1）", "福田主仓",
                               "价税合计", "¥9,040.00", "¥1,130.00", "含税", "不含税", "采购员", "供应商确认"]}
TITLES = {"purchase-order": "Purchase order"}
