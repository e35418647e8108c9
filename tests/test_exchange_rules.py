"""Exchange eligibility (三包) without a database: the day boundaries, the business time zone,
repeated repairs, accessories, the replacement's warranty, and the machine's shape."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from server.errors import TransitionRefused
from server.exchange import rules
from server.exchange import statemachine as sm

SOLD = dt.date(2026, 11, 1)
RULES = rules.RuleSet()


def verdict(days: int, *, symptoms=("F01",), failed=0, ruleset=RULES, months=12):
    return rules.device_verdict(ruleset, today=SOLD + dt.timedelta(days=days), sale_date=SOLD,
                                warranty_until=dt.date(2027, 11, 1) if months else None,
                                symptom_ids=list(symptoms), failed_repairs=failed)


@pytest.mark.parametrize("days,options,basis", [
    (0, ["return", "exchange", "repair"], "within_return_days"),
    (7, ["return", "exchange", "repair"], "within_return_days"),   # the 7th day after the day of sale
    (8, ["exchange", "repair"], "within_exchange_days"),
    (15, ["exchange", "repair"], "within_exchange_days"),
    (16, ["repair"], "in_warranty"),
    (365, ["repair"], "in_warranty"),
])
def test_listed_fault_day_boundaries(days, options, basis):
    v = verdict(days)
    assert v["options"] == options and v["reasons"][0]["code"] == basis and v["days_since_sale"] == days
    assert v["exchange"] == ("exchange" in options)


def test_out_of_warranty_and_no_sale_date_allow_nothing():
    v = rules.device_verdict(RULES, today=dt.date(2027, 11, 2), sale_date=SOLD, warranty_until=dt.date(2027, 11, 1),
                             symptom_ids=["F01"])
    assert v["options"] == [] and v["reasons"][0]["code"] == "out_of_warranty"
    v = rules.device_verdict(RULES, today=SOLD, sale_date=None, warranty_until=None, symptom_ids=["F01"])
    assert v["options"] == [] and v["reasons"][0]["code"] == "no_sale_date"


def test_only_listed_faults_count_and_free_text_never():
    listed = rules.RuleSet(performance_symptom_ids=frozenset({"F01"}))
    assert verdict(3, symptoms=["F02"], ruleset=listed)["options"] == ["repair"]
    assert verdict(3, symptoms=["F02"], ruleset=listed)["reasons"][0]["code"] == "not_listed"
    assert verdict(3, symptoms=["F01", "F02"], ruleset=listed)["exchange"]
    assert verdict(3, symptoms=[])["options"] == ["repair"]  # described in words only


def test_two_repairs_of_the_same_fault_that_did_not_hold_allow_an_exchange():
    assert verdict(100, failed=1)["options"] == ["repair"]
    v = verdict(100, failed=2)
    assert v["options"] == ["exchange", "repair"] and v["reasons"][0]["code"] == "repeated_repairs"
    assert "2" in v["reasons"][0]["zh-CN"] and "2 repairs" in v["reasons"][0]["en"]
    # Per brand: three repairs before an exchange.
    assert not verdict(100, failed=2, ruleset=rules.RuleSet(repeat_repairs=3))["exchange"]


def test_per_brand_days():
    strict = rules.RuleSet(return_days=3, exchange_days=10)
    assert verdict(4, ruleset=strict)["options"] == ["exchange", "repair"]
    assert verdict(11, ruleset=strict)["options"] == ["repair"]


def test_days_are_counted_in_the_business_time_zone():
    # 23:30 UTC on 8 November is already 9 November in Shanghai: the 8th day after the sale, not the 7th.
    late = dt.datetime(2026, 11, 8, 23, 30, tzinfo=dt.timezone.utc)
    assert rules.business_day(late, "Asia/Shanghai") == dt.date(2026, 11, 9)
    assert rules.business_day(late, "UTC") == dt.date(2026, 11, 8)
    shanghai = (rules.business_day(late, "Asia/Shanghai") - SOLD).days
    utc = (rules.business_day(late, "UTC") - SOLD).days
    assert verdict(shanghai)["options"] == ["exchange", "repair"]
    assert verdict(utc)["options"] == ["return", "exchange", "repair"]


def test_accessories_replaced_free_then_refunded():
    battery = dict(kind="battery", sale_date=SOLD)
    assert rules.accessory_verdict(RULES, today=dt.date(2027, 5, 1), **battery)["options"] == ["replace"]  # 6 months
    assert rules.accessory_verdict(RULES, today=dt.date(2027, 5, 2), **battery)["options"] == []
    assert rules.accessory_verdict(RULES, today=dt.date(2026, 12, 1), failed_replacements=2, **battery)["options"] == ["refund"]
    headset = rules.accessory_verdict(RULES, kind="headset", today=dt.date(2027, 2, 2), sale_date=SOLD)
    assert headset["options"] == [] and headset["warranty_until"] == dt.date(2027, 2, 1)


def test_the_replacement_card_restarts_or_continues():
    assert rules.new_card_dates(RULES, exchanged_on=dt.date(2026, 12, 7), old_sale_date=SOLD, old_period_months=12,
                                model_months=24) == (dt.date(2026, 12, 7), 24)
    keep = rules.RuleSet(new_warranty="continue")
    assert rules.new_card_dates(keep, exchanged_on=dt.date(2026, 12, 7), old_sale_date=SOLD, old_period_months=12,
                                model_months=24) == (SOLD, 12)


def test_the_machine_refuses_with_the_guard_and_exports_once(tmp_path: Path):
    f = sm.Facts(mode="B")
    assert sm.allowed_events(sm.PENDING_EXCHANGE, f) == ["dispatch", "convert_to_onsite", "convert_to_repair"]
    assert sm.allowed_events(sm.PENDING_EXCHANGE, sm.Facts(mode="A")) == ["hand_over", "convert_to_repair"]
    with pytest.raises(TransitionRefused) as err:
        sm.check(sm.PENDING_EXCHANGE, "dispatch", sm.Facts(mode="A"))
    assert err.value.errors == {"state": ["handed_over_or_factory_mode"]}
    assert sm.check(sm.AT_FACTORY, "receive_replacement", sm.Facts(mode="C", handed_over=True, unit_at="factory")) == sm.COMPLETED
    assert sm.check(sm.AT_FACTORY, "receive_replacement", sm.Facts(mode="B", unit_at="factory")) == sm.PENDING_PICKUP
    assert sm.check(sm.PENDING_EXCHANGE, "convert_to_onsite", sm.Facts(mode="B")) == sm.PENDING_DISPATCH
    assert sm.check(sm.AT_FACTORY, "convert_to_onsite", sm.Facts(mode="B", unit_at="transit")) == sm.AT_FACTORY
    from server.exchange.pwa_export import write_machine

    out = tmp_path / "exchange-machine.json"
    assert write_machine(out) and not write_machine(out)
    data = json.loads(out.read_text())
    assert [e["event"] for e in data["events"]] == list(sm.TRANSITIONS) and data["rules"]["text_limits"]
    schema = json.loads((Path(__file__).parents[1] / "sync/schemas/exchange_event.json").read_text())
    assert schema["properties"]["event"]["enum"] == list(sm.TRANSITIONS)
    assert {f for t in sm.TRANSITIONS.values() for f in t.fields} <= set(schema["properties"])
