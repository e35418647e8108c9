"""Transfers' print samples for tests/test_printing.py (merged by tests/print_samples.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from server.transfer import machine
from server.transfer.forms import (WORDS, DiscrepancyLine, TransferDiscrepancyReport, TransferOrderSheet, TransferPrintLine,
                                   TransferRequestSheet)

from .print_samples import ORG, T0

_LOC = {"zh": "zh-CN", "en": "en"}
_ITEMS = [("HU-MATE60PRO-BAT", "华为 Mate 60 Pro 电池", "个", "5", ()),
          ("HU-MATE60-DEV", "华为 Mate 60 整机", "台", "2", ("861094179285881", "861094179285899")),
          ("HU-MATE60-SCR", "华为 Mate 60 屏幕总成", "个", "3", ())]


def transfer_request(lang: str = "zh") -> TransferRequestSheet:
    lines = tuple(TransferPrintLine(seq=i + 1, code=c, name=n, unit=u, quantity=Decimal(q), approved=Decimal(q) - (i == 2))
                  for i, (c, n, u, q, _) in enumerate(_ITEMS))
    return TransferRequestSheet(org=ORG, words=WORDS[lang], number="SQ-SZ01-2612-00004", state="approved",
                                state_label=machine.REQUEST_STATES["approved"][_LOC[lang]], doc_date=T0.date(),
                                asked_of="华南通讯售后总部", warehouse="SZ01 良品仓", lines=lines,
                                order_number="DB-HQ-2612-00001", decision_note="屏幕只有 2 个", note="缺料补货",
                                created_by="王芳", decided_by="李娜")


def transfer_order(lang: str = "zh") -> TransferOrderSheet:
    lines = tuple(TransferPrintLine(seq=i + 1, code=c, name=n, unit=u, quantity=Decimal(q), serials=s,
                                    value=Decimal(q) * Decimal("85.50"), price=Decimal("99.00"))
                  for i, (c, n, u, q, s) in enumerate(_ITEMS))
    return TransferOrderSheet(org=ORG, words=WORDS[lang], number="DB-HQ-2612-00001", stage="in_transit",
                              stage_label=machine.ORDER_STAGES["in_transit"][_LOC[lang]], doc_date=T0.date(),
                              from_warehouse="总部良品仓", to_org="深圳福田服务中心", to_warehouse="SZ01 良品仓", lines=lines,
                              total_quantity=sum((l.quantity for l in lines), Decimal(0)),
                              total_value=sum((l.value for l in lines), Decimal(0)), settle=True, carrier="顺丰速运",
                              waybill="SF7788990011", request_number="SQ-SZ01-2612-00004", note="",
                              issued_by="赵强", issued_at=T0 + dt.timedelta(hours=1))


def transfer_discrepancy(lang: str = "zh") -> TransferDiscrepancyReport:
    w = WORDS[lang]
    lines = (DiscrepancyLine(seq=1, code="HU-MATE60PRO-BAT", name="华为 Mate 60 Pro 电池", sent=Decimal(5), received=Decimal(3),
                             damaged=Decimal(0), shortfall=Decimal(2), surplus=Decimal(0), rule=w["courier"],
                             value=Decimal("171.00"), claim=Decimal("171.00")),
             DiscrepancyLine(seq=2, code="HU-MATE60-DEV", name="华为 Mate 60 整机", sent=Decimal(2), received=Decimal(2),
                             damaged=Decimal(1), shortfall=Decimal(0), surplus=Decimal(0), rule=f"{w['sender']} · {w['defective']}",
                             value=Decimal("3200.00"), claim=Decimal(0), serials="861094179285899×"))
    return TransferDiscrepancyReport(org=ORG, words=w, number="DR-SZ01-2612-00001", doc_date=T0.date(),
                                     order_number="DB-HQ-2612-00001", from_org="华南通讯售后总部", warehouse="SZ01 良品仓",
                                     lines=lines, differences=2, claim_total=Decimal("171.00"), received_by="李伟",
                                     received_at=T0 + dt.timedelta(days=2))


SAMPLES = {"transfer-request": transfer_request, "transfer-order": transfer_order,
           "transfer-discrepancy": transfer_discrepancy}
EXPECTED = {"transfer-request": ["调拨申请单", "SQ-SZ01-2612-00004", "华南通讯售后总部", "DB-HQ-2612-00001", "屏幕只有 2 个"],
            "transfer-order": ["调拨单", "DB-HQ-2612-00001", "装箱清单", "861094179285881", "SF7788990011", "深圳福田服务中心"],
            "transfer-discrepancy": ["调拨收货差异报告", "DR-SZ01-2612-00001", "DB-HQ-2612-00001", "向承运方索赔",
                                     "861094179285899"]}
TITLES = {"transfer-request": "Transfer request", "transfer-order": "Transfer order",
          "transfer-discrepancy": "Receiving discrepancy report"}
