"""Property-based: random stock-ins, transfer orders issued, received with shortfalls, damage and surpluses
under either rule, and reversed before receipt keep both organisations' stock, the in-transit location
and the money ledger consistent and rebuildable. Both databases."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from server.basedata.kinds import KINDS
from server.basedata.operations import create_record
from server.db import unit_of_work
from server.errors import DomainError
from server.finance.models import CounterpartyEntry
from server.stock.ledger import rebuild_check
from server.stock.models import StockBalance, StockLocation
from server.transfer import operations as ops
from server.transfer.models import TransferOrder, TransferReceipt

from .stock_fixtures import World
from .transfer_fixtures import tw, world  # noqa: F401

_codes = itertools.count()
D = dt.date(2026, 11, 21)

STEPS = st.tuples(
    st.sampled_from(["stock", "issue", "issue", "receive", "receive", "reverse"]),
    st.integers(0, 1),          # item
    st.integers(1, 5),          # quantity
    st.integers(0, 3),          # short
    st.integers(0, 2),          # damaged
    st.integers(0, 1),          # surplus
    st.booleans(),              # courier rule / settle / damage back
    st.integers(1, 99_999),     # unit cost in cents
    st.integers(0, 20),         # which order
)


def _totals(s, kind: str, org_id=None, items=()) -> tuple[Decimal, Decimal]:
    stmt = (select(func.coalesce(func.sum(StockBalance.quantity), 0), func.coalesce(func.sum(StockBalance.value), 0))
            .join(StockLocation, StockLocation.id == StockBalance.location_id)
            .where(StockLocation.kind == kind, StockBalance.item_id.in_(items)))
    if org_id is not None:
        stmt = stmt.where(StockLocation.org_id == org_id)
    q, v = s.execute(stmt).one()
    return Decimal(q), Decimal(v)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(STEPS, min_size=1, max_size=8))
def test_random_transfers_keep_stock_transit_and_money_consistent(tw, steps):  # noqa: F811
    w: World = tw
    hq, sz = w.net.orgs["HQ"].id, w.net.orgs["SZ01"].id
    with w.open() as s, unit_of_work(s):
        items = [create_record(s, KINDS["items"], {"code": f"T{next(_codes)}", "name": "part", "kind": "part"}).id
                 for _ in range(2)]
    stocked = [Decimal(0), Decimal(0)]  # quantity and value received from the supplier
    orders: list = []
    for op, item_i, qty, short, damaged, surplus, flag, cents, target in steps:
        item = items[item_i]
        if op == "stock":
            w.post("goods_receipt", {"kind": "purchase", "party_id": w.ids["supplier"], "warehouse_id": w.ids["HQ.GOOD"],
                                     "lines": [{"item_id": item, "quantity": Decimal(qty), "unit_cost": Decimal(cents) / 100}]},
                   "admin")
            stocked[0] += qty
            stocked[1] += (Decimal(cents) / 100 * qty).quantize(Decimal("0.01"))
        elif op == "issue":
            with w.open("hq.wh") as s:
                try:
                    with unit_of_work(s):
                        order = ops.create_order(s, {"from_warehouse_id": w.ids["HQ.GOOD"], "to_warehouse_id": w.ids["SZ01.GOOD"],
                                                     "doc_date": D, "settle": flag, "courier_party_id": w.ids["courier"],
                                                     "lines": [{"item_id": item, "quantity": Decimal(qty)}]})
                        ops.issue_order(s, order)
                    orders.append(order.id)
                except DomainError as exc:
                    assert exc.code == "negative_stock", exc.payload()
        else:
            with w.open() as s:
                live = [o for o in s.execute(select(TransferOrder.id).where(TransferOrder.id.in_(orders),
                                                                            TransferOrder.stage == "in_transit")).scalars()]
            if not live:
                continue
            oid = sorted(live)[target % len(live)]
            if op == "reverse":
                with w.open("hq.wh") as s, unit_of_work(s):
                    ops.reverse_order(s, ops.get_order(s, oid), "录错")
            else:
                with w.open("sz01.manager") as s, unit_of_work(s):
                    order = ops.get_order(s, oid)
                    sent = order.lines[0].quantity
                    d = min(Decimal(damaged), sent)
                    sh = min(Decimal(short), sent - d)
                    extra = Decimal(surplus) if not sh else Decimal(0)
                    ops.receive_order(s, order, {"doc_date": D, "lines": [{
                        "line_id": order.lines[0].id, "received": sent - d - sh + extra, "damaged": d, "surplus": extra,
                        "loss_rule": "courier" if flag else "sender", "damage_to": "back" if flag and d else "defective"}]})
        with w.open() as s:
            assert rebuild_check(s) == []
            # In transit holds exactly the orders still travelling, at the value they left with.
            travelling = s.execute(select(TransferOrder).where(TransferOrder.stage == "in_transit",
                                                               TransferOrder.id.in_(orders))).scalars().all()
            want = (sum((l.quantity for o in travelling for l in o.lines), Decimal(0)),
                    sum((l.value for o in travelling for l in o.lines), Decimal(0)))
            assert _totals(s, "transit", items=items) == want
            # Nothing lost or counted twice: every unit the supplier delivered is in either organisation's
            # own stock (warehouses, transit) or written off at headquarters' adjustment; so is its value.
            own = [_totals(s, k, org, items) for k in ("warehouse", "transit") for org in (hq, sz)]
            adj = _totals(s, "adjustment", hq, items)
            assert sum((q for q, _ in own), adj[0]) == stocked[0]
            assert sum((v for _, v in own), adj[1]) == stocked[1]
            negative = s.execute(select(func.count()).select_from(StockBalance).join(
                StockLocation, StockLocation.id == StockBalance.location_id).where(
                StockLocation.kind.in_(("warehouse", "transit")), StockBalance.quantity < 0)).scalar_one()
            assert negative == 0
            # Internal settlement: the sender's receivable is the receiver's payable, and both are the receipts' sums.
            receipts = s.execute(select(TransferReceipt)).scalars().all()
            settled = sum((l.settled_amount for r in receipts for l in r.lines if r.order_id in orders), Decimal(0))
            entries = s.execute(select(CounterpartyEntry).where(CounterpartyEntry.counterparty_kind == "organisation")).scalars().all()
            assert sum((e.amount for e in entries if e.org_id == hq and e.direction == "receivable"), Decimal(0)) - \
                sum((e.amount for e in entries if e.org_id == sz and e.direction == "payable"), Decimal(0)) == 0
            mine = {r.id for r in receipts if r.order_id in orders}
            assert sum((e.amount for e in entries if e.document_id in mine), Decimal(0)) == settled
