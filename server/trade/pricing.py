"""A priced line's money, one rule for every trade document (spec §5–§8, issue 18 §6).

A line is quantity × unit price, less the line's discount, rounded half-up to the cent once; its
tax (VAT) is then split out of, or added onto, that rounded amount and rounded once more. A
document's totals are sums of its lines' rounded amounts, never re-rounded, so a printed document,
the ledgers and a report always agree to the cent.

Prices are either tax-inclusive (含税价, the Chinese retail and dealer norm: the customer pays the
price, the tax is inside it) or tax-exclusive (不含税价, usual on purchase orders): ``price_includes_tax``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Iterable

from ..errors import InvalidInput

CENT = Decimal("0.01")
# Unit prices may carry four places (a part bought by the thousand); amounts carry two.
PRICE_PLACES = Decimal("0.0001")
RATE_PLACES = Decimal("0.0001")
MAX_PRICE = Decimal("99999999.9999")
MAX_QUANTITY = Decimal("9999999")


def cents(value: Decimal) -> Decimal:
    """The one rounding of money: half-up to the cent."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _decimal(value: Any, field: str) -> Decimal:
    # JSON numbers arrive as Decimal through the schemas (as_string); a float is never money.
    if isinstance(value, bool) or not isinstance(value, (Decimal, int, str)):
        raise InvalidInput(field, "must be a number")
    try:
        d = Decimal(value)
    except Exception:  # noqa: BLE001 - any unparseable text
        raise InvalidInput(field, "must be a number") from None
    if not d.is_finite():
        raise InvalidInput(field, "must be a finite number")
    return d


def check_quantity(value: Any, field: str) -> Decimal:
    q = _decimal(value, field)
    if q <= 0:
        raise InvalidInput(field, "must be greater than zero")
    if q > MAX_QUANTITY:
        raise InvalidInput(field, f"must be at most {MAX_QUANTITY}")
    if q != q.to_integral_value():
        raise InvalidInput(field, "must be a whole number")
    return q


def check_price(value: Any, field: str) -> Decimal:
    p = _decimal(value, field)
    if p < 0:
        raise InvalidInput(field, "must not be negative")
    if p > MAX_PRICE:
        raise InvalidInput(field, f"must be at most {MAX_PRICE}")
    if p != p.quantize(PRICE_PLACES):
        raise InvalidInput(field, "at most four decimal places")
    return p


def check_rate(value: Any, field: str) -> Decimal:
    """A tax or discount rate: a fraction, 0 ≤ rate < 1 (0.13 is 13 %)."""
    r = _decimal(value, field)
    if r < 0 or r >= 1:
        raise InvalidInput(field, "must be at least 0 and less than 1")
    if r != r.quantize(RATE_PLACES):
        raise InvalidInput(field, "at most four decimal places")
    return r


@dataclass(frozen=True)
class LineAmounts:
    """A line's money: ``net`` without tax, ``tax``, ``gross`` with tax (net + tax == gross)."""

    net: Decimal
    tax: Decimal
    gross: Decimal

    def __add__(self, other: "LineAmounts") -> "LineAmounts":
        return LineAmounts(self.net + other.net, self.tax + other.tax, self.gross + other.gross)


ZERO = LineAmounts(Decimal("0.00"), Decimal("0.00"), Decimal("0.00"))


def line_amounts(quantity: Decimal, unit_price: Decimal, *, discount_rate: Decimal = Decimal(0),
                 tax_rate: Decimal = Decimal(0), price_includes_tax: bool = True) -> LineAmounts:
    """The line's amounts from checked values (``check_quantity``, ``check_price``, ``check_rate``)."""
    amount = cents(quantity * unit_price * (1 - discount_rate))
    if price_includes_tax:
        net = cents(amount / (1 + tax_rate))
        return LineAmounts(net, amount - net, amount)
    tax = cents(amount * tax_rate)
    return LineAmounts(amount, tax, amount + tax)


def total(lines: Iterable[LineAmounts]) -> LineAmounts:
    """A document's totals: the sum of its lines' rounded amounts."""
    out = ZERO
    for line in lines:
        out = out + line
    return out


def share(amount: Decimal, parts: list[Decimal]) -> list[Decimal]:
    """``amount`` split in proportion to ``parts``, in cents, adding up exactly (the last part takes
    the rounding): a document discount or a payment spread over lines."""
    whole = sum(parts, Decimal(0))
    if not parts:
        return []
    if whole == 0:
        out = [Decimal("0.00")] * len(parts)
        out[-1] = cents(amount)
        return out
    out = [cents(amount * p / whole) for p in parts[:-1]]
    out.append(cents(amount) - sum(out, Decimal(0)))
    return out
