"""A realistic stream of warehouse events from one service point's tablets, with the stock it must leave.

Used by the crash test and by ``bench/sync.py``. The generator keeps its own
book of quantities per warehouse/engineer and item, in feed order, so it
knows which events the server must post, which it must refuse (negative
stock, another organisation's warehouse) and what every balance must be
afterwards. Mix (by weight): receipts, issues, bin transfers, engineer
requisitions, surplus and defective returns, scrapping, reversals of earlier
receipts and requisitions, and a few refusals.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from dataclasses import dataclass, field
from decimal import Decimal

from server.ids import uuid7

WEIGHTS = {"receipt": 20, "issue": 12, "transfer": 8, "requisition": 22, "return_surplus": 8,
           "return_defective": 12, "scrap": 5, "reversal": 6, "refused": 2, "unknown_warehouse": 1}


@dataclass
class Place:
    """Who and where: one service point, its user (a warehouse role), warehouses, engineer, parties, items."""

    org_id: uuid.UUID
    user_id: uuid.UUID
    good: uuid.UUID
    good2: uuid.UUID
    defective: uuid.UUID
    engineer: uuid.UUID
    supplier: uuid.UUID
    dealer: uuid.UUID
    items: list[uuid.UUID]
    foreign_warehouse: uuid.UUID  # another organisation's: refused
    device_id: str = "wh-tablet-1"


@dataclass
class Mix:
    events: list[dict] = field(default_factory=list)
    # (("warehouse", id) or ("engineer", id), item id) → quantity the ledger must show
    expected: dict[tuple, Decimal] = field(default_factory=dict)
    outcome: dict[str, str] = field(default_factory=dict)  # event id → "posted" | "rejected"
    kinds: dict[str, int] = field(default_factory=dict)

    @property
    def posted(self) -> int:
        return sum(1 for o in self.outcome.values() if o == "posted")


def make_mix(place: Place, n: int, seed: int = 7, *, start: dt.datetime | None = None) -> Mix:
    rng = random.Random(seed)
    mix = Mix()
    stock = mix.expected
    clock = start or dt.datetime.now(dt.timezone.utc).replace(microsecond=0) - dt.timedelta(hours=2)
    reversible: list[tuple[str, list[tuple[tuple, uuid.UUID, Decimal]]]] = []  # (event id, moves taken out)
    wh = lambda w: ("warehouse", w)  # noqa: E731
    eng = ("engineer", place.engineer)

    def have(loc, item) -> Decimal:
        return stock.get((loc, item), Decimal(0))

    def move(src, dst, item, q) -> None:
        if src is not None:
            stock[(src, item)] = have(src, item) - q
        if dst is not None:
            stock[(dst, item)] = have(dst, item) + q

    def line(item, q, **extra) -> dict:
        return {"id": str(uuid7()), "item_id": str(item), "quantity": str(q), **extra}

    def held(loc, k) -> list[uuid.UUID]:
        items = [i for i in place.items if have(loc, i) > 0]
        rng.shuffle(items)
        return items[:k]

    def emit(event_type: str, outcome: str, label: str, **payload) -> dict:
        nonlocal clock
        clock += dt.timedelta(seconds=rng.randint(1, 20))
        doc = {"_id": str(uuid7()), "type": event_type, "org": str(place.org_id), "device_id": place.device_id,
               "user_id": str(place.user_id), "created_at": clock.isoformat(), **payload}
        mix.events.append(doc)
        mix.outcome[doc["_id"]] = outcome
        mix.kinds[label] = mix.kinds.get(label, 0) + 1
        return doc

    names, weights = list(WEIGHTS), list(WEIGHTS.values())
    while len(mix.events) < n:
        kind = rng.choices(names, weights)[0]
        if kind == "issue" and (items := held(wh(place.good), rng.randint(1, 3))):
            qs = [min(have(wh(place.good), i), Decimal(rng.randint(1, 8))) for i in items]
            for i, q in zip(items, qs):
                move(wh(place.good), None, i, q)
            emit("goods_issue", "posted", kind, kind="wholesale", party_id=str(place.dealer), warehouse_id=str(place.good),
                 lines=[line(i, q) for i, q in zip(items, qs)])
        elif kind == "transfer" and (items := held(wh(place.good), rng.randint(1, 2))):
            src, dst = (place.good, place.good2) if rng.random() < 0.7 or not held(wh(place.good2), 1) else (place.good2, place.good)
            items = held(wh(src), rng.randint(1, 2))
            qs = [min(have(wh(src), i), Decimal(rng.randint(1, 5))) for i in items]
            for i, q in zip(items, qs):
                move(wh(src), wh(dst), i, q)
            emit("bin_transfer", "posted", kind, warehouse_id=str(src), to_warehouse_id=str(dst),
                 lines=[line(i, q) for i, q in zip(items, qs)])
        elif kind == "requisition" and (items := held(wh(place.good), rng.randint(1, 2))):
            qs = [min(have(wh(place.good), i), Decimal(rng.randint(1, 3))) for i in items]
            for i, q in zip(items, qs):
                move(wh(place.good), eng, i, q)
            doc = emit("engineer_requisition", "posted", kind, warehouse_id=str(place.good), engineer_id=str(place.engineer),
                       reference=f"WX-{rng.randint(1, 99999):05d}", lines=[line(i, q) for i, q in zip(items, qs)])
            reversible.append((doc["_id"], [(eng, i, q) for i, q in zip(items, qs)]))
        elif kind == "return_surplus" and (items := held(eng, 1)):
            q = min(have(eng, items[0]), Decimal(rng.randint(1, 2)))
            move(eng, wh(place.good), items[0], q)
            emit("engineer_return", "posted", kind, kind="surplus", warehouse_id=str(place.good),
                 engineer_id=str(place.engineer), lines=[line(items[0], q)])
        elif kind == "return_defective":
            item = rng.choice(place.items)
            q = Decimal(rng.randint(1, 2))
            move(None, wh(place.defective), item, q)
            emit("engineer_return", "posted", kind, kind="defective", warehouse_id=str(place.defective),
                 engineer_id=str(place.engineer), lines=[line(item, q)])
        elif kind == "scrap" and (items := held(wh(place.defective), rng.randint(1, 2))):
            qs = [have(wh(place.defective), i) for i in items]
            for i, q in zip(items, qs):
                move(wh(place.defective), None, i, q)
            emit("stock_adjustment", "posted", kind, kind="scrap", warehouse_id=str(place.defective),
                 lines=[line(i, q) for i, q in zip(items, qs)])
        elif kind == "reversal" and reversible:
            # Reverse a recent document whose goods are all still where it put them.
            candidates = [r for r in reversible[-30:] if all(have(loc, i) >= q for loc, i, q in r[1])]
            if not candidates:
                continue
            target = rng.choice(candidates)
            reversible.remove(target)
            for loc, i, q in target[1]:
                # a receipt's reversal takes the goods back to the supplier; a requisition's back to the warehouse
                move(loc, wh(place.good) if loc == eng else None, i, q)
            emit("stock_reversal", "posted", kind, reverses=target[0], reason="录入错误 entered by mistake")
        elif kind == "refused" and (items := held(wh(place.good), 1)):
            # More than there is: refused whole with negative_stock, the book unchanged.
            emit("goods_issue", "rejected", kind, kind="wholesale", party_id=str(place.dealer), warehouse_id=str(place.good),
                 lines=[line(items[0], have(wh(place.good), items[0]) + rng.randint(1, 5))])
        elif kind == "unknown_warehouse":
            emit("goods_receipt", "rejected", kind, kind="purchase", party_id=str(place.supplier),
                 warehouse_id=str(place.foreign_warehouse), lines=[line(rng.choice(place.items), 1, unit_cost="10")])
        else:  # a receipt (also when the drawn kind had nothing to work with)
            items = rng.sample(place.items, rng.randint(1, min(4, len(place.items))))
            qs = [Decimal(rng.randint(5, 40)) for _ in items]
            for i, q in zip(items, qs):
                move(None, wh(place.good), i, q)
            doc = emit("goods_receipt", "posted", "receipt", kind="purchase", party_id=str(place.supplier),
                       warehouse_id=str(place.good),
                       lines=[line(i, q, unit_cost=f"{rng.randint(1000, 50000) / 100:.2f}") for i, q in zip(items, qs)])
            reversible.append((doc["_id"], [(wh(place.good), i, q) for i, q in zip(items, qs)]))
    return mix
