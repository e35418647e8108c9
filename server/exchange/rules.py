"""Eligibility by rule (spec §2, issue 17 §2): the phone 三包 rules (《移动电话机商品修理更换退货责任
规定》), configurable per brand (``exchange_rule``; the row without a brand is the default).

Pure: the caller gives the rule set, the dates and the counts; :func:`device_verdict` says which
remedies the customer may choose and why. Days are counted in the business time zone, the way
Chinese law counts a period in days (民法典 §201): the day of sale is not counted, so "within 7
days" covers the 7 days after the day of sale (``today - sale_date`` ≤ 7).

- a listed performance fault within ``return_days`` (7): return, exchange or repair;
- a listed performance fault within ``exchange_days`` (15): exchange or repair;
- ``repeat_repairs`` (2) earlier repairs of the same fault within the warranty that did not hold
  (the device came back): exchange or repair;
- within the warranty: repair;
- accessories (battery, charger, wired headset) within their own warranty: replaced free with the
  same model; after ``accessory_failed_replacements`` (2) replacements that failed: a refund.

A fault is "listed" when one of its fault symptom codes is in the brand's list of performance
faults (``performance_symptom_ids``); an empty list counts every coded symptom (free text alone
never counts).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

ACCESSORY_KINDS = ("battery", "charger", "headset")
DEFAULT_ACCESSORY_MONTHS = {"battery": 6, "charger": 12, "headset": 3}
NEW_WARRANTY = ("restart", "continue")

REMEDY_LABELS = {
    "return": {"zh-CN": "退货", "en": "return"},
    "exchange": {"zh-CN": "换机", "en": "exchange"},
    "repair": {"zh-CN": "维修", "en": "repair"},
    "replace": {"zh-CN": "免费更换", "en": "replace free"},
    "refund": {"zh-CN": "退款", "en": "refund"},
}

BASIS_LABELS = {
    "within_return_days": {"zh-CN": "售出 {days} 天内出现性能故障：可退货、换机或维修",
                           "en": "a listed performance fault within {days} days of sale: return, exchange or repair"},
    "within_exchange_days": {"zh-CN": "售出 {days} 天内出现性能故障：可换机或维修",
                             "en": "a listed performance fault within {days} days of sale: exchange or repair"},
    "repeated_repairs": {"zh-CN": "保修期内同一故障修理 {count} 次仍不能正常使用：可换机",
                         "en": "{count} repairs of the same fault within the warranty did not hold: exchange"},
    "in_warranty": {"zh-CN": "保修期内：维修", "en": "within the warranty: repair"},
    "out_of_warranty": {"zh-CN": "已过保修期：不能换机", "en": "out of warranty: no exchange"},
    "no_sale_date": {"zh-CN": "没有保修卡或购机日期：不能按规则换机",
                     "en": "no warranty card or purchase date: no exchange by rule"},
    "not_listed": {"zh-CN": "故障不在性能故障表内", "en": "the fault is not a listed performance fault"},
    "accessory_in_warranty": {"zh-CN": "配件保修期内：免费更换同型号", "en": "accessory within its warranty: replaced free with the same model"},
    "accessory_failed_twice": {"zh-CN": "配件更换 {count} 次仍不能正常使用：退款",
                               "en": "{count} accessory replacements failed: refund"},
    "accessory_out_of_warranty": {"zh-CN": "配件已过保修期", "en": "accessory out of its warranty"},
}


@dataclass(frozen=True)
class RuleSet:
    return_days: int = 7
    exchange_days: int = 15
    performance_symptom_ids: frozenset[str] = frozenset()
    repeat_repairs: int = 2
    accessory_months: dict = field(default_factory=lambda: dict(DEFAULT_ACCESSORY_MONTHS))
    accessory_failed_replacements: int = 2
    # The replacement's warranty: restarts on the day of the exchange (三包), or continues the old card's.
    new_warranty: str = "restart"


def business_day(now: dt.datetime, timezone: str) -> dt.date:
    """The calendar day ``now`` (aware) falls on in the business time zone."""
    from zoneinfo import ZoneInfo

    return now.astimezone(ZoneInfo(timezone)).date()


def _reason(code: str, **kw) -> dict:
    label = BASIS_LABELS[code]
    return {"code": code, "zh-CN": label["zh-CN"].format(**kw), "en": label["en"].format(**kw)}


def device_verdict(rules: RuleSet, *, today: dt.date, sale_date: dt.date | None, warranty_until: dt.date | None,
                   symptom_ids: list[str], failed_repairs: int = 0) -> dict:
    """Which remedies the customer may choose for a whole device, and why (first reason decides)."""
    listed = bool(symptom_ids) and (not rules.performance_symptom_ids
                                    or any(s in rules.performance_symptom_ids for s in symptom_ids))
    in_warranty = warranty_until is not None and today <= warranty_until
    days = (today - sale_date).days if sale_date else None
    reasons: list[dict] = []
    options: list[str] = []
    if days is None:
        reasons.append(_reason("no_sale_date"))
    elif listed and 0 <= days <= rules.return_days:
        options, reasons = ["return", "exchange", "repair"], [_reason("within_return_days", days=rules.return_days)]
    elif listed and 0 <= days <= rules.exchange_days:
        options, reasons = ["exchange", "repair"], [_reason("within_exchange_days", days=rules.exchange_days)]
    elif days <= rules.exchange_days and not listed:
        reasons.append(_reason("not_listed"))
    if not options and in_warranty and failed_repairs >= rules.repeat_repairs:
        options, reasons = ["exchange", "repair"], [_reason("repeated_repairs", count=failed_repairs)]
    if not options:
        if in_warranty:
            options = ["repair"]
            reasons.append(_reason("in_warranty"))
        elif days is not None:
            reasons.append(_reason("out_of_warranty"))
    return {"options": options, "exchange": "exchange" in options, "days_since_sale": days,
            "warranty_until": warranty_until, "listed_fault": listed, "failed_repairs": failed_repairs,
            "reasons": reasons}


def accessory_verdict(rules: RuleSet, *, kind: str, today: dt.date, sale_date: dt.date | None,
                      failed_replacements: int = 0) -> dict:
    """An accessory (battery, charger, wired headset): replaced free with the same model within its
    warranty; after ``accessory_failed_replacements`` failed replacements, a refund. Feeds the
    accessory swap (spec §3)."""
    from ..basedata.queries import add_months

    months = rules.accessory_months.get(kind, DEFAULT_ACCESSORY_MONTHS.get(kind, 0))
    until = add_months(sale_date, months) if sale_date else None
    if until is None or today > until:
        return {"options": [], "warranty_until": until, "reasons": [_reason("accessory_out_of_warranty")]}
    if failed_replacements >= rules.accessory_failed_replacements:
        return {"options": ["refund"], "warranty_until": until,
                "reasons": [_reason("accessory_failed_twice", count=failed_replacements)]}
    return {"options": ["replace"], "warranty_until": until, "reasons": [_reason("accessory_in_warranty")]}


def new_card_dates(rules: RuleSet, *, exchanged_on: dt.date, old_sale_date: dt.date | None,
                   old_period_months: int | None, model_months: int) -> tuple[dt.date, int]:
    """(sale date, months) of the replacement's warranty card: from the day of the exchange for the
    model's period (三包: 换货后的新机三包有效期自换货之日起重新计算), or the old card's dates."""
    if rules.new_warranty == "continue" and old_sale_date is not None:
        return old_sale_date, old_period_months or model_months
    return exchanged_on, model_months


# Longest text each field may hold (exported with the machine, checked by the operations).
TEXT_LIMITS = {"customer_name": 80, "customer_phone": 20, "member_phone": 20, "imei": 15,
               "fault_description": 2000, "note": 2000, "reason": 300, "override_reason": 300,
               "carrier": 80, "tracking_no": 80, "provisional_code": 32, "event_note": 500}


# Photos of the unit at intake (the REST and sync schemas' bound; repair's intake has the same).
MAX_PHOTOS = 20


def export() -> dict:
    """What a tablet checks before saving an exchange event offline (``exchange-machine.json``, key ``rules``)."""
    from ..repair import rules as repair_rules

    return {"text_limits": TEXT_LIMITS, "phone_pattern": repair_rules.PHONE_PATTERN,
            "money": {"max": repair_rules.MONEY_MAX, "decimals": 2},
            "signature": {"max_length": repair_rules.MAX_SIGNATURE, "pattern": repair_rules.SIGNATURE_PATTERN,
                          "sha256": repair_rules.SHA256_PATTERN},
            "max_photos": MAX_PHOTOS, "intake_modes": ["A", "B"], "remedies": REMEDY_LABELS, "bases": BASIS_LABELS,
            "defaults": {"return_days": 7, "exchange_days": 15, "repeat_repairs": 2,
                         "accessory_months": DEFAULT_ACCESSORY_MONTHS, "accessory_failed_replacements": 2}}
