"""Wholesale's print samples for tests/test_printing.py (merged by tests/print_samples.py)."""

from __future__ import annotations

from decimal import Decimal

from server.trade.pricing import line_amounts
from server.wholesale.printing import WORDS, SalesPrintLine, SalesSheet

from .print_samples import ORG, T0

_LINES = [("HU-MATE60PRO-BAT", "华为 Mate 60 Pro 电池", "个", "20", "120.00", "3", ()),
          ("HU-MATE60-DEV", "华为 Mate 60 整机", "台", "2", "4999.00", "3", ("861094179285881", "861094179285899")),
          ("AP-LIGHTNING", "苹果数据线", "条", "50", "39.00", "0", ())]


def _sheet(kind: str, lang: str) -> SalesSheet:
    out, tq = [], Decimal(0)
    for i, (code, name, unit, q, price, disc, serials) in enumerate(_LINES):
        rate = Decimal(disc) / 100
        a = line_amounts(Decimal(q), Decimal(price), discount_rate=rate, tax_rate=Decimal("0.13"))
        out.append(SalesPrintLine(seq=i + 1, code=code, name=name, unit=unit, quantity=Decimal(q), unit_price=Decimal(price),
                                  discount_percent=Decimal(disc), tax_percent=Decimal(13), gross=a.gross, serials=serials))
        tq += Decimal(q)
    gross = sum((l.gross for l in out), Decimal(0))
    net = sum((line_amounts(Decimal(l[3]), Decimal(l[4]), discount_rate=Decimal(l[5]) / 100, tax_rate=Decimal("0.13")).net
               for l in _LINES), Decimal(0))
    ret = kind == "sales_return"
    return SalesSheet(kind=kind, w=WORDS[lang], org=ORG, number="XT-HQ-2612-00002" if ret else "FH-HQ-2612-00005",
                      status="posted", reversal=False, reverses_number="", doc_date=T0.date(), customer="深圳迅捷通讯",
                      contact="陈刚 0755-83330000", address="深圳市福田区华强北路 88 号", order_number="XS-HQ-2612-00003",
                      delivery_number="FH-HQ-2612-00005" if ret else "", warehouse="总部良品仓", carrier="顺丰速运",
                      waybill="SF1234567890", reason="包装破损" if ret else "", prepared="赵强", posted="李娜", note="",
                      prices_include_tax=True, lines=tuple(out), total_quantity=tq, net_total=net, tax_total=gross - net,
                      gross_total=gross)


def delivery_note(lang: str = "zh") -> SalesSheet:
    return _sheet("sales_delivery", lang)


def sales_return_note(lang: str = "zh") -> SalesSheet:
    return _sheet("sales_return", lang)


SAMPLES = {"delivery-note": delivery_note, "sales-return-note": sales_return_note}
EXPECTED = {"delivery-note": ["发货单", "FH-HQ-2612-00005", "深圳迅捷通讯", "XS-HQ-2612-00003", "总部良品仓", "价税合计",
                              "861094179285881", "客户签收"],
            "sales-return-note": ["销售退货单", "XT-HQ-2612-00002", "FH-HQ-2612-00005", "包装破损", "价税合计"]}
# pdftotext reads "ry" as "r y" (as in "Exchange certificate"): the English title is checked by its number.
TITLES = {"delivery-note": "FH-HQ-2612-00005", "sales-return-note": "Sales return"}
