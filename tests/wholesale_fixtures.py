"""A wholesale world: the stocked world's dealer with a discount and a credit limit, items with
wholesale prices, a warehouse keeper, stock in SZ01's good warehouse at two costs."""

from __future__ import annotations

from decimal import Decimal

import pytest

from server.basedata.models import Item, Party
from server.db import unit_of_work

from .stock_fixtures import World, imei, receipt, world  # noqa: F401

PRICES = {"screen": Decimal("600"), "battery": Decimal("150"), "device": Decimal("5000")}


@pytest.fixture
def ws(world: World, net) -> World:
    net.add_user("sz01.keeper", "SZ01", ["warehouse"])
    s = net.session()
    with unit_of_work(s):
        for name, price in PRICES.items():
            s.get(Item, world.ids[name]).wholesale_price = price
        dealer = s.get(Party, world.ids["dealer"])
        dealer.discount_percent, dealer.credit_limit = Decimal("5"), Decimal("100000")
    s.close()
    # Screens at 400 and 500: a moving average of 450; batteries at 100; three devices at 4000.
    receipt(world, "screen", 10, 400)
    receipt(world, "screen", 10, 500)
    receipt(world, "battery", 20, 100)
    receipt(world, "device", 3, 4000, serials=[imei(i) for i in range(1, 4)])
    return world
