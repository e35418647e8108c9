"""Labour-fee claims' print samples for tests/test_printing.py (merged by tests/print_samples.py)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from server.claims import machine
from server.claims.forms import WORDS, ClaimPrintLine, LabourClaimSheet

from .print_samples import ORG, T0, imei

_LOC = {"zh": "zh-CN", "en": "en"}
# (result, accepted, reason): answered line by line by the manufacturer.
_ANSWERS = [("accepted", "45.00", ""), ("cut", "30.00", "维修级别核减"), ("rejected", "0.00", "超出保修期"), ("accepted", "57.50", "")]


def labour_claim(lang: str = "zh", lines: int = 12) -> LabourClaimSheet:
    w = WORDS[lang]
    out = []
    for n in range(lines):
        result, accepted, reason = _ANSWERS[n % len(_ANSWERS)]
        parts = Decimal("12.50") if n % 4 == 3 else Decimal("0.00")
        out.append(ClaimPrintLine(seq=n + 1, order_number=f"WX-SZ01-2611-{n + 1:05d}", imei=imei(n), model="Mate 60 Pro",
                                  fault="不开机 / 更换主板" if n % 2 else "屏幕无显示 / 更换屏幕总成", methods="更换",
                                  taken_in=T0.date() - dt.timedelta(days=10), completed=T0.date() - dt.timedelta(days=7),
                                  labour_fee=Decimal("45.00"), parts_amount=parts, amount=Decimal("45.00") + parts,
                                  result=result, result_label=w[f"r_{result}"], accepted=Decimal(accepted), reason=reason))
    return LabourClaimSheet(org=ORG, words=w, number="LW-SZ01-2611-00002", stage="answered",
                            stage_label=machine.STAGES["answered"][_LOC[lang]], doc_date=T0.date(), manufacturer="华为终端有限公司",
                            period_from=dt.date(2026, 11, 1), period_to=dt.date(2026, 11, 30), lines=tuple(out),
                            claimed_total=sum((l.amount for l in out), Decimal(0)),
                            accepted_total=sum((l.accepted for l in out), Decimal(0)), answered=True, created_by="赵强")


SAMPLES = {"labour-claim": labour_claim}
EXPECTED = {"labour-claim": ["劳务费申报单", "LW-SZ01-2611-00002", "华为终端有限公司", "WX-SZ01-2611-00012", "核减",
                             "超出保修期", "申报合计", "¥397.50"]}
TITLES = {"labour-claim": "Labour-fee claim"}
