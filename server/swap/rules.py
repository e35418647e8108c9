"""The accessory rule (spec §2.2's last item, feeding §3), stated once: an accessory within its
warranty is replaced free with the same model; after two replacements that failed, refunded.

Warranty periods are those of the phone 三包 rules (《移动电话机商品修理更换退货责任规定》, the
accessory list): battery 6 months, charger 12 months, wired headset 3 months, counted from the
sale date in the business time zone, the last day included. Pure: facts in, verdict out;
``export()`` is what devices check offline (``GET /api/swap/rules``). The device rules
(returns, exchanges) are the exchange order's, in ``server/exchange/rules.py``.
"""

from __future__ import annotations

import calendar
import datetime as dt

L = lambda zh, en: {"zh-CN": zh, "en": en}  # noqa: E731

# class → warranty months and label
CLASSES: dict[str, dict] = {
    "battery": {"months": 6, "label": L("电池", "Battery")},
    "charger": {"months": 12, "label": L("充电器", "Charger")},
    "headset": {"months": 3, "label": L("有线耳机", "Wired headset")},
    "other": {"months": 0, "label": L("其他附件", "Other accessory")},
}
# Item code endings (``HUAWEI-CHARGER``, ``…-BAT``) that tell the class when the counter does not say.
CODE_HINTS = {"BAT": "battery", "BATTERY": "battery", "CHARGER": "charger", "ADAPTER": "charger",
              "HEADSET": "headset", "EARPHONE": "headset"}
REFUND_AFTER = 2  # replacements that failed before the next failure is refunded

VERDICTS: dict[str, dict] = {
    "replace": L("保内免费换同型号", "In warranty: replaced free, same model"),
    "refund": L("两次更换仍故障：退款", "Failed after two replacements: refund"),
    "out_of_warranty": L("保外：收费处理", "Out of warranty: chargeable"),
}
CONDITIONS: dict[str, dict] = {
    "faulty": L("功能故障", "Faulty"), "damaged": L("外观破损", "Damaged"), "other": L("其他", "Other"),
}
# Limits the tablet checks before saving, as the server does.
LIMITS = {"lines": 200, "quantity": 10_000, "serial": 40, "fault": 200, "note": 500, "contact_name": 80,
          "contact_phone": 40}


def guess_class(item_code: str) -> str:
    return CODE_HINTS.get(item_code.rsplit("-", 1)[-1].upper(), "other")


def warranty_until(sale_date: dt.date, accessory_class: str) -> dt.date | None:
    """The last day of the accessory's warranty (None: it has none)."""
    months = CLASSES[accessory_class]["months"]
    if not months:
        return None
    y, m = divmod(sale_date.month - 1 + months, 12)
    year, month = sale_date.year + y, m + 1
    day = min(sale_date.day, calendar.monthrange(year, month)[1])
    return dt.date(year, month, day) - dt.timedelta(days=1)


def in_warranty(sale_date: dt.date | None, accessory_class: str, today: dt.date) -> bool:
    until = warranty_until(sale_date, accessory_class) if sale_date else None
    return until is not None and sale_date <= today <= until


def verdict(sale_date: dt.date | None, accessory_class: str, today: dt.date, failed_replacements: int) -> str:
    """What the swap does for one accessory: ``replace``, ``refund`` or ``out_of_warranty``."""
    if not in_warranty(sale_date, accessory_class, today):
        return "out_of_warranty"
    return "refund" if failed_replacements >= REFUND_AFTER else "replace"


def export() -> dict:
    return {"classes": CLASSES, "code_hints": CODE_HINTS, "refund_after": REFUND_AFTER, "verdicts": VERDICTS,
            "conditions": CONDITIONS, "limits": LIMITS}
