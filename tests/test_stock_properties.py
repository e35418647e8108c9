"""Property-based: random postings and reversals keep the stock ledger's invariants."""

from __future__ import annotations

import itertools
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from server.basedata.kinds import KINDS
from server.basedata.operations import create_record
from server.db import unit_of_work
from server.errors import DomainError
from server.stock.ledger import rebuild_check
from server.stock.models import StockBalance, StockCost, StockDocument, StockLocation, StockMove

from .stock_fixtures import World, world  # noqa: F401

_codes = itertools.count()

OPS = st.tuples(
    st.sampled_from(["receipt", "issue", "transfer", "reverse"]),
    st.integers(0, 1),                      # item
    st.integers(1, 6),                      # quantity
    st.integers(1, 99_999),                 # unit cost in cents
    st.integers(0, 1),                      # warehouse
    st.integers(0, 50),                     # which earlier document to reverse
)


def _deltas(s, doc_id) -> dict:
    out: dict = {}
    for m in s.execute(select(StockMove).where(StockMove.doc_id == doc_id)).scalars():
        for loc, sign in ((m.to_location_id, 1), (m.from_location_id, -1)):
            q, v = out.get((loc, m.item_id), (Decimal(0), Decimal(0)))
            out[(loc, m.item_id)] = (q + sign * m.quantity, v + sign * m.value)
    return out


def _balances(s, items) -> dict:
    return {(b.location_id, b.item_id): (b.quantity, b.value)
            for b in s.execute(select(StockBalance).where(StockBalance.item_id.in_(items))).scalars()}


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(OPS, min_size=1, max_size=18))
def test_random_postings_and_reversals_keep_the_invariants(world, steps):
    w: World = world
    s = w.session()
    with unit_of_work(s):
        items = [create_record(s, KINDS["items"], {"code": f"P{next(_codes)}", "name": "part", "kind": "part"}).id
                 for _ in range(2)]
    s.close()
    whs = [w.ids["SZ01.GOOD"], w.ids["SZ01.GOOD2"]]
    posted: list[StockDocument] = []
    costs_seen: dict = {i: [] for i in items}
    for op, item_i, qty, cents, wh_i, target in steps:
        item, wh = items[item_i], whs[wh_i]
        line = [{"item_id": item, "quantity": Decimal(qty)}]
        s = w.session()
        before = _balances(s, items)
        s.close()
        try:
            if op == "receipt":
                cost = Decimal(cents) / 100
                doc = w.post("goods_receipt", {"kind": "other", "warehouse_id": wh, "lines": [{**line[0], "unit_cost": cost}]})
                costs_seen[item].append(cost)
            elif op == "issue":
                doc = w.post("goods_issue", {"kind": "other", "warehouse_id": wh, "lines": line})
            elif op == "transfer":
                doc = w.post("bin_transfer", {"warehouse_id": wh, "to_warehouse_id": whs[1 - wh_i], "lines": line})
            else:
                live = [d for d in posted if d.status == "posted" and d.reverses_id is None]
                if not live:
                    continue
                original = live[target % len(live)]
                doc = w.reverse(original)
                original.status = "reversed"
                s = w.session()
                after = _balances(s, items)
                # the reversal changed exactly the opposite of what the original did
                for key, (q, v) in _deltas(s, original.id).items():
                    b0, a0 = before.get(key, (0, 0)), after.get(key, (0, 0))
                    assert (a0[0] - b0[0], a0[1] - b0[1]) == (-q, -v)
                s.close()
            posted.append(doc)
        except DomainError as exc:
            assert exc.code in ("negative_stock",), exc.payload()
            s = w.session()
            assert _balances(s, items) == before  # a refused posting changes nothing
            s.close()
        s = w.session()
        assert rebuild_check(s) == []
        own = select(StockLocation.id).where(StockLocation.kind.in_(("warehouse", "engineer")))
        negative = s.execute(select(func.count()).select_from(StockBalance).where(
            StockBalance.location_id.in_(own), StockBalance.quantity < 0)).scalar_one()
        assert negative == 0
        for c in s.execute(select(StockCost).where(StockCost.item_id.in_(items))).scalars():
            if c.quantity == 0:
                assert c.value == 0  # no residue once the stock is gone
            else:
                seen = costs_seen[c.item_id]
                slack = Decimal("0.01") * len(steps)
                assert min(seen) * c.quantity - slack <= c.value <= max(seen) * c.quantity + slack
        s.close()
