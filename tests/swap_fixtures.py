"""A distributor's accessories for the swap tests: chargers, headsets, a battery and its newer
model (the substitute), a manufacturer. Accessories and parts are never tracked by serial in the
catalogue: the serials a swap records are its own (``swap_serial``)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from server.basedata.kinds import KINDS
from server.basedata.operations import create_record
from server.db import unit_of_work

from .stock_fixtures import World, world  # noqa: F401


@pytest.fixture
def sw(world: World, net) -> World:
    net.add_user("sz01.courier", "SZ01", ["courier"])
    s = net.session()
    with unit_of_work(s):
        mk = lambda kind, data: create_record(s, KINDS[kind], data)  # noqa: E731
        world.ids["charger"] = mk("items", {"code": "HW-CHARGER", "name": "华为充电器", "kind": "accessory",
                                            "standard_cost": Decimal("39")}).id
        world.ids["headset"] = mk("items", {"code": "HW-HEADSET", "name": "华为有线耳机", "kind": "accessory"}).id
        world.ids["sbat"] = mk("items", {"code": "HW-P60-BAT", "name": "P60 电池", "kind": "part",
                                         "standard_cost": Decimal("60")}).id
        world.ids["sbat2"] = mk("items", {"code": "HW-P60-BAT2", "name": "P60 电池（新版）", "kind": "part",
                                          "standard_cost": Decimal("65")}).id
        world.ids["maker"] = mk("parties", {"code": "M1", "name": "华为终端", "roles": ["manufacturer"]}).id
    s.close()
    return world
