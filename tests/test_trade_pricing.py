"""The one money rule of a priced line (server/trade/pricing.py)."""

from decimal import Decimal as D

import pytest
from hypothesis import given, strategies as st

from server.errors import InvalidInput
from server.trade import pricing


def test_tax_inclusive_price_splits_the_tax_out_of_the_rounded_amount():
    a = pricing.line_amounts(D(3), D("33.33"), tax_rate=D("0.13"))
    assert a.gross == D("99.99") and a.net == D("88.49") and a.tax == D("11.50")


def test_tax_exclusive_price_adds_the_tax_to_the_rounded_amount():
    a = pricing.line_amounts(D(3), D("33.335"), tax_rate=D("0.13"), price_includes_tax=False)
    assert a.net == D("100.01") and a.tax == D("13.00") and a.gross == D("113.01")


def test_discount_is_taken_before_the_one_rounding():
    a = pricing.line_amounts(D(7), D("9.99"), discount_rate=D("0.15"))
    assert a.gross == D("59.44")  # 7 × 9.99 × 0.85 = 59.4405


@pytest.mark.parametrize("fn,value,message", [
    (pricing.check_price, D("-0.01"), "must not be negative"),
    (pricing.check_price, D("1.00001"), "at most four decimal places"),
    (pricing.check_quantity, D(0), "must be greater than zero"),
    (pricing.check_quantity, D("1.5"), "must be a whole number"),
    (pricing.check_rate, D(1), "must be at least 0 and less than 1"),
    (pricing.check_price, 0.1, "must be a number"),
])
def test_bad_values_are_refused_naming_the_field(fn, value, message):
    with pytest.raises(InvalidInput) as e:
        fn(value, "lines.0.x")
    assert e.value.errors == {"lines.0.x": [message]}


@given(st.lists(st.tuples(st.integers(1, 500), st.integers(0, 10**7), st.sampled_from(["0", "0.06", "0.09", "0.13"]),
                          st.booleans()), min_size=1, max_size=20))
def test_every_line_adds_up_and_a_document_is_the_sum_of_its_lines(lines):
    amounts = [pricing.line_amounts(D(q), D(p) / 100, tax_rate=D(r), price_includes_tax=inc) for q, p, r, inc in lines]
    for a in amounts:
        assert a.net + a.tax == a.gross and a.net.as_tuple().exponent == -2 and a.tax >= 0
    t = pricing.total(amounts)
    assert t.gross == sum(a.gross for a in amounts) and t.net + t.tax == t.gross


@given(st.integers(0, 10**8), st.lists(st.integers(0, 10**6), min_size=1, max_size=30))
def test_a_share_adds_up_to_the_amount(amount, parts):
    out = pricing.share(D(amount) / 100, [D(p) for p in parts])
    assert sum(out) == D(amount) / 100 and len(out) == len(parts)
