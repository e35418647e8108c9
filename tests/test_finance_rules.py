"""Pure posting rules of the money ledger and the exact money type (no database)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy.dialects import postgresql, sqlite

from server.db import Money
from server.errors import InvalidInput
from server.finance.rules import (MAX_AMOUNT, CashLine, Counterparty, CounterpartyLine, Source, check_amount,
                                  check_cash_lines, check_counterparty_lines, check_source)
from server.ids import uuid7


@pytest.mark.parametrize("value,message", [
    (Decimal("0"), "must not be zero"), (Decimal("-0.00"), "must not be zero"),
    (0.1, "not float"), (1, "not int"), ("1.00", "not str"), (True, "not bool"), (None, "not NoneType"),
    (Decimal("0.001"), "two decimal places"), (Decimal("12.345"), "two decimal places"),
    (Decimal("NaN"), "finite"), (Decimal("Infinity"), "finite"),
    (Decimal("1000000000000"), "at most"), (Decimal("-1000000000000.00"), "at most"),
])
def test_check_amount_refuses(value, message):
    with pytest.raises(InvalidInput) as err:
        check_amount(value, "amount")
    assert message in err.value.errors["amount"][0]


@pytest.mark.parametrize("value,expected", [
    (Decimal("1"), "1.00"), (Decimal("-1.5"), "-1.50"), (Decimal("0.01"), "0.01"), (Decimal("12.300"), "12.30"),
    (MAX_AMOUNT, "999999999999.99"), (-MAX_AMOUNT, "-999999999999.99"),
])
def test_check_amount_accepts_and_normalises(value, expected):
    assert str(check_amount(value, "amount")) == expected


@settings(max_examples=200, deadline=None)
@given(st.decimals(min_value=-MAX_AMOUNT, max_value=MAX_AMOUNT, places=2, allow_nan=False, allow_infinity=False))
def test_money_type_round_trips_exactly(value):
    t = Money()
    for dialect in (sqlite.dialect(), postgresql.dialect()):
        stored = t.process_bind_param(value, dialect)
        assert t.process_result_value(stored, dialect) == value
    assert isinstance(t.process_bind_param(value, sqlite.dialect()), int)  # cents: SQLite sums stay exact


def test_money_type_refuses_floats_and_extra_places():
    with pytest.raises(TypeError):
        Money().process_bind_param(0.1, sqlite.dialect())
    with pytest.raises(ValueError):
        Money().process_bind_param(Decimal("0.125"), postgresql.dialect())


def test_line_rules_name_the_line():
    party = Counterparty.party(uuid7())
    good = CounterpartyLine(party, "payable", Decimal("10.00"))
    assert check_counterparty_lines([good, CounterpartyLine(Counterparty.walk_in(), "receivable", Decimal("-3"))]) == \
        [Decimal("10.00"), Decimal("-3.00")]
    for lines, field in [
        ([], "lines"),
        ((good,) * 1001, "lines"),
        ([good, CashLine(uuid7(), Decimal(1))], "lines.1"),
        ([good, CounterpartyLine(Counterparty("party", None), "payable", Decimal(1))], "lines.1.counterparty"),
        ([good, CounterpartyLine(Counterparty("party", "not-a-uuid"), "payable", Decimal(1))], "lines.1.counterparty"),
        ([CounterpartyLine(party, "payable", Decimal(1), line_id="7")], "lines.0.line_id"),
        ([CounterpartyLine(party, "payable", Decimal(1), memo=None)], "lines.0.memo"),
    ]:
        with pytest.raises(InvalidInput) as err:
            check_counterparty_lines(lines)
        assert field in err.value.errors, (field, err.value.errors)
    with pytest.raises(InvalidInput) as err:
        check_cash_lines([CashLine(None, Decimal(1))])
    assert "lines.0.account_id" in err.value.errors


def test_source_rules():
    ok = Source("receipt", uuid7(), uuid7(), dt.date(2026, 11, 20), "SK-1")
    check_source(ok)
    for change, field in [({"document_type": ""}, "document_type"), ({"document_type": "x" * 41}, "document_type"),
                          ({"document_id": None}, "document_id"), ({"org_id": "SZ01"}, "org_id"),
                          ({"doc_date": dt.datetime(2026, 11, 20, tzinfo=dt.timezone.utc)}, "doc_date"),
                          ({"number": "x" * 41}, "number")]:
        bad = Source(**{**ok.__dict__, **change})
        with pytest.raises(InvalidInput) as err:
            check_source(bad)
        assert field in err.value.errors


def test_source_of_a_document():
    class Doc:
        DOC_TYPE = "receipt"
        id, org_id, doc_date, number = uuid7(), uuid7(), dt.date(2026, 11, 20), None

    src = Source.of(Doc())
    assert (src.document_type, src.document_id, src.org_id, src.doc_date, src.number) == \
        ("receipt", Doc.id, Doc.org_id, Doc.doc_date, "")
