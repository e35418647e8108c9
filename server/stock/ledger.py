"""The stock ledger's posting functions: the only code that writes stock moves.

``post_moves`` takes a document's planned moves and, in the caller's
transaction: locks the balances and average costs it touches, checks stock
and serials, values each move at the moving weighted average, and writes
moves, serial moves, balances, costs and unit locations in bulk.
Concurrent posters queue on the locked balance rows (PostgreSQL) or the write
lock (SQLite); the loser of a race for the last unit gets ``NegativeStock``.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from types import SimpleNamespace
from typing import NamedTuple

from sqlalchemy import bindparam, event, select, tuple_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ..basedata.models import Item, Warehouse
from ..bulk import BulkInsert
from ..core.batch import Journal, batch_of
from ..db import IMMUTABLE_CACHES, utcnow
from ..errors import DomainError, InvalidInput
from ..ids import uuid7
from .models import CUSTODY_KINDS, HELD_KINDS, OWN_KINDS, StockBalance, StockCost, StockLocation, StockMove, StockMoveSerial, StockSerial

CENT = Decimal("0.01")
ZERO = Decimal("0")


class NegativeStock(DomainError):
    status = 409
    code = "negative_stock"


class SerialProblem(InvalidInput):
    code = "serial_problem"


class PostedMove(NamedTuple):
    id: uuid.UUID
    item_id: uuid.UUID
    from_location_id: uuid.UUID
    to_location_id: uuid.UUID
    quantity: Decimal
    value: Decimal
    line_id: uuid.UUID | None


@dataclass
class MoveSpec:
    """One planned move. ``unit_cost`` values moves that come from outside; ``value``
    forces the value (reversals, revaluations, disassembly splits)."""

    item_id: uuid.UUID
    from_location: StockLocation
    to_location: StockLocation
    quantity: Decimal
    line_id: uuid.UUID | None = None
    unit_cost: Decimal | None = None
    value: Decimal | None = None
    serials: list[str] = field(default_factory=list)
    reverses_move_id: uuid.UUID | None = None
    field_prefix: str = "lines"


# -- locations -----------------------------------------------------------------

def _insert(session: Session):
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert


_LOCATIONS = "aftercare.stock_locations"
IMMUTABLE_CACHES.append(_LOCATIONS)  # a location never changes once made


@event.listens_for(Session, "after_soft_rollback")
def _forget_locations(session: Session, _previous) -> None:
    # A location made inside a rolled-back savepoint is gone: forget what this session knew.
    session.info.pop(_LOCATIONS, None)
    session.info.pop(_ITEMS, None)


def location_for(session: Session, org_id: uuid.UUID, kind: str, *, warehouse: Warehouse | None = None,
                 engineer_id: uuid.UUID | None = None, party_id: uuid.UUID | None = None, name: str = "",
                 ref: uuid.UUID | None = None) -> StockLocation:
    """The one location of this counterpart in this organisation, made on first use.

    Locations never change once made, so a session remembers the ones it
    looked up (a batch of postings asks for the same few again and again).
    """
    ref = warehouse.id if warehouse else (engineer_id or party_id or ref)  # ref: e.g. a transit's receiver
    key = f"{kind}:{ref or '-'}"
    known = session.info.setdefault(_LOCATIONS, {})
    loc = known.get((org_id, key))
    if loc is not None:
        return loc
    stmt = select(StockLocation).where(StockLocation.org_id == org_id, StockLocation.key == key)
    loc = session.execute(stmt.execution_options(unscoped=True)).scalar_one_or_none()
    if loc is None:
        session.execute(_insert(session)(StockLocation).values(
            id=uuid7(), org_id=org_id, kind=kind, key=key, warehouse_id=warehouse.id if warehouse else None,
            engineer_id=engineer_id, party_id=party_id, name=name or (warehouse.name if warehouse else kind),
        ).on_conflict_do_nothing(index_elements=["org_id", "key"]))
        loc = session.execute(stmt.execution_options(unscoped=True)).scalar_one()
    known[(org_id, key)] = loc
    return loc


# -- posting -------------------------------------------------------------------

def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


# The hot-path statements (server.bulk: one statement per table on PostgreSQL, whatever the row count).
# A lock is a no-op DO UPDATE: it makes missing rows and locks and reads all of them, taking the
# row lock FOR UPDATE would; keys are sorted first, so posters lock in one order and never deadlock.
_LOCK = {
    StockBalance: BulkInsert(StockBalance.__table__, conflict=("location_id", "item_id"), touch="quantity",
                             returning=("location_id", "item_id", "quantity", "value")),
    StockCost: BulkInsert(StockCost.__table__, conflict=("org_id", "item_id"), touch="quantity",
                          returning=("org_id", "item_id", "quantity", "value")),
}
# New totals written back (the rows exist and are locked).
_BALANCE_TOTALS = BulkInsert(StockBalance.__table__, conflict=("location_id", "item_id"), update=("quantity", "value"))
_COST_TOTALS = BulkInsert(StockCost.__table__, conflict=("org_id", "item_id"), update=("quantity", "value"))
_SERIAL_PLACES = BulkInsert(StockSerial.__table__, conflict=("item_id", "serial"), update=("location_id", "last_move_id"))
_INSERT_MOVES = BulkInsert(StockMove.__table__)
_INSERT_MOVE_SERIALS = BulkInsert(StockMoveSerial.__table__)

# Called with (session, [(location, item_id)]) after stock arrived at own locations was written, as
# the shortage register is: other areas waiting for stock register here (retail's stock exceptions).
ARRIVAL_HOOKS: list = []


def ledger_state(session: Session) -> LedgerState | None:
    """The posting batch's ledger state (None outside a batch): what the next posting will see."""
    batch = batch_of(session)
    return batch.part("stock_ledger", LedgerState) if batch is not None else None


def _serialised(session: Session) -> bool:
    """SQLite: every writing transaction holds the database's write lock from its start (BEGIN
    IMMEDIATE), so what it reads nobody changes before it commits."""
    return session.get_bind().dialect.name == "sqlite"


def _lock_rows(session: Session, model, keys: list[tuple], cols, defaults) -> dict[tuple, list[Decimal]]:
    """Make sure the rows exist, then lock and load them (ordered, so posters never deadlock)."""
    if not keys:
        return {}
    names = tuple(c.key for c in cols)
    keys = sorted(set(keys), key=lambda k: tuple(str(x) for x in k))
    rows = _LOCK[model].execute(session.connection(), [dict(zip(names, k), **defaults(k)) for k in keys])
    return {tuple(r[:-2]): [r[-2], r[-1]] for r in rows}


_ITEMS = "aftercare.stock_items"


def know_items(session: Session, items) -> None:
    """Items a posting batch will post (loaded up front): ``_items_of`` finds them, and on SQLite a
    place's totals are read for all of them at once."""
    known = session.info.setdefault(_ITEMS, {})
    for item in items:
        known.setdefault(item.id, item)


def _items_of(session: Session, ids: set[uuid.UUID]) -> dict[uuid.UUID, tuple]:
    """Code, name and whether serial-tracked, per item; a session remembers them (forgotten on rollback)."""
    known = session.info.setdefault(_ITEMS, {})
    missing = [i for i in ids if i not in known]
    if missing:
        for row in session.execute(select(Item.id, Item.code, Item.name, Item.serialized).where(Item.id.in_(missing))):
            known[row.id] = row
    return {i: known[i] for i in ids if i in known}


class LedgerState:
    """The balances, average costs and serial locations postings read and change, and the rows
    they will write.

    A single posting uses a fresh state and writes it at once. A posting batch
    (``server.core.batch``) keeps one for many postings: rows are locked and read
    on first use, later postings see the earlier ones' effects in memory, and
    everything is written together; a refused posting is undone in memory.
    """

    def __init__(self) -> None:
        self.balances: dict[tuple, list[Decimal]] = {}
        self.costs: dict[tuple, list[Decimal]] = {}
        self.serials: dict[tuple, tuple[uuid.UUID | None, bool]] = {}
        self.serial_last: dict[tuple, uuid.UUID] = {}
        self.loc_meta: dict[uuid.UUID, tuple[uuid.UUID, str]] = {}
        self.dirty_balances: set[tuple] = set()
        self.dirty_costs: set[tuple] = set()
        self.moves: list[dict] = []
        self._by_doc: dict[uuid.UUID, list[int]] = {}  # pending moves by document, indexed on demand
        self._indexed = 0
        self.serial_moves: list[dict] = []
        self.arrivals: list[tuple[StockLocation, uuid.UUID]] = []
        self.journal = Journal()
        self._marks = (0, 0, 0)

    # -- reading (and locking) -------------------------------------------------------

    def lock_balances(self, session: Session, keys: list[tuple]) -> None:
        self._take(session, self.balances, self.dirty_balances, keys, StockBalance, StockBalance.location_id,
                   lambda k: {"org_id": self.loc_meta[k[0]][0], "location_kind": self.loc_meta[k[0]][1],
                              "quantity": ZERO, "value": ZERO})

    def lock_costs(self, session: Session, keys: list[tuple]) -> None:
        self._take(session, self.costs, self.dirty_costs, keys, StockCost, StockCost.org_id,
                   lambda k: {"quantity": ZERO, "value": ZERO})

    def _take(self, session: Session, table: dict, dirty: set, keys: list[tuple], model, place, defaults) -> None:
        """Lock and read (or, on SQLite, read) the totals of ``keys`` not held yet; mark all of them
        changed by the posting (journalled, so a refusal puts them back)."""
        missing = {k for k in keys if k not in table}
        if missing and _serialised(session):
            self._read_ahead(session, table, missing, place, model)
        elif missing:
            for k in missing:
                self.journal.save(table, k)
            table.update(_lock_rows(session, model, list(missing), [place, model.item_id], defaults))
        for k in keys:
            self.journal.save(table, k)
            dirty.add(k)

    @staticmethod
    def _read_ahead(session: Session, table: dict, missing: set[tuple], place, model) -> None:
        """Where one transaction writes at a time (SQLite), read instead of lock: the totals of the
        places asked for, for every item the session knows (a posting batch's items), in one
        statement; rows not there yet are made when the totals are written. Read values are the
        database's, so a refused posting need not forget them."""
        places = {k[0] for k in missing}
        items = {k[1] for k in missing} | set(session.info.get(_ITEMS, ()))
        # Straight from the driver (a batch reads some ten thousand of these rows): keys come back as
        # their stored text and are mapped to the ids asked for, amounts as the scaled integers
        # ``Fixed`` stores on SQLite.
        place_of = {p.hex: p for p in places}
        item_of = {i.hex: i for i in items}
        q_scale, v_scale = -model.quantity.type.scale, -model.value.type.scale
        table_name, place_name = model.__table__.name, place.key
        found = {}
        hexes = sorted(item_of)
        cursor = session.connection().connection.dbapi_connection.cursor()
        try:
            for start in range(0, len(hexes), 500):
                chunk = hexes[start:start + 500]
                cursor.execute(f'SELECT "{place_name}", item_id, quantity, value FROM "{table_name}" '
                               f'WHERE "{place_name}" IN ({", ".join("?" * len(place_of))}) '
                               f'AND item_id IN ({", ".join("?" * len(chunk))})', (*place_of, *chunk))
                for p, i, q, v in cursor.fetchall():
                    found[(place_of[p], item_of[i])] = [Decimal(q).scaleb(q_scale), Decimal(v).scaleb(v_scale)]
        finally:
            cursor.close()
        for p in places:
            for i in items:
                if (p, i) not in table:
                    table[(p, i)] = found.get((p, i)) or [ZERO, ZERO]

    def load_serials(self, session: Session, keys: list[tuple]) -> None:
        missing = [k for k in keys if k not in self.serials]
        if missing:
            found = _load_serials(session, missing)
            for k in missing:
                self.journal.save(self.serials, k)
                self.serials[k] = found.get(k, (None, False))
        for k in keys:
            self.journal.save(self.serials, k)
            self.journal.save(self.serial_last, k)

    def pending_moves(self, doc_id: uuid.UUID) -> list[dict]:
        """The moves of a document posted earlier in the batch and not written yet."""
        index = self._by_doc
        for n in range(self._indexed, len(self.moves)):  # index what was added since
            index.setdefault(self.moves[n]["doc_id"], []).append(n)
        self._indexed = len(self.moves)
        return [self.moves[n] for n in index.get(doc_id, ())]

    # -- the batch protocol ----------------------------------------------------------

    def begin(self) -> None:
        self.journal.begin()
        self._marks = (len(self.moves), len(self.serial_moves), len(self.arrivals))

    def undo(self) -> None:
        self.journal.undo()
        del self.moves[self._marks[0]:]
        if self._indexed > len(self.moves):
            self._by_doc, self._indexed = {}, 0
        del self.serial_moves[self._marks[1]:]
        del self.arrivals[self._marks[2]:]

    def write(self, session: Session) -> None:
        """Write the pending moves and the new totals (the rows exist and are locked)."""
        conn = session.connection()
        if self.moves:
            _INSERT_MOVES.execute(conn, self.moves)
        if self.serial_moves:
            _INSERT_MOVE_SERIALS.execute(conn, self.serial_moves)
        if self.serial_last:
            _SERIAL_PLACES.execute(conn, [{"item_id": k[0], "serial": k[1], "location_id": self.serials[k][0], "last_move_id": mid}
                          for k, mid in self.serial_last.items()])
        balances = [{"location_id": k[0], "item_id": k[1], "org_id": self.loc_meta[k[0]][0],
                     "location_kind": self.loc_meta[k[0]][1], "quantity": v[0], "value": v[1]}
                    for k in self.dirty_balances if (v := self.balances.get(k)) is not None]
        if balances:
            _BALANCE_TOTALS.execute(conn, balances)
        costs = [{"org_id": k[0], "item_id": k[1], "quantity": v[0], "value": v[1]}
                 for k in self.dirty_costs if (v := self.costs.get(k)) is not None]
        if costs:
            _COST_TOTALS.execute(conn, costs)
        arrivals = self.arrivals
        self.moves, self.serial_moves, self.arrivals = [], [], []
        self._by_doc, self._indexed = {}, 0
        self.serial_last, self.dirty_balances, self.dirty_costs = {}, set(), set()
        self._marks = (0, 0, 0)
        if arrivals:
            from .shortages import flag_arrivals

            flag_arrivals(session, arrivals)
            for hook in ARRIVAL_HOOKS:
                hook(session, arrivals)


def settle(session: Session) -> None:
    """Call before reading the stock ledger's tables while posting: writes what a posting
    batch holds pending, so the read sees every posting made so far."""
    batch = batch_of(session)
    if batch is not None:
        batch.write(final=False)


def _state(session: Session) -> tuple[LedgerState, bool]:
    """The posting batch's ledger state, or a fresh one to write at once."""
    batch = batch_of(session)
    if batch is None:
        return LedgerState(), True
    return batch.part("stock_ledger", LedgerState), False


def serial_rule(code: str, serialized: bool, quantity: Decimal | None, serials: list[str]) -> str | None:
    """What is wrong with the serials given for ``quantity`` units of an item (None: nothing): a
    serial-tracked item takes one distinct serial per unit, any other item none. Posting applies it
    to every move; a draft is checked against it when saved (``documents.check_serials``)."""
    if serialized and quantity:
        if len(serials) != quantity or len(set(serials)) != len(serials):
            return f"{code} is tracked by serial: give {quantity.normalize():f} distinct serials"
    elif serials:
        return f"{code} is not tracked by serial"
    return None


def post_moves(session: Session, specs: list[MoveSpec], *, org_id: uuid.UUID, doc_type: str, doc_id: uuid.UUID,
               doc_date: dt.date) -> list[PostedMove]:
    """Write the moves of one document. Writes: stock_move, stock_move_serial, stock_balance,
    stock_cost, stock_serial (in a posting batch: when the batch is written).

    Preconditions: locations belong to the organisations the caller may post
    for. Refuses (nothing written; the caller's transaction rolls back, or the
    batch undoes the posting): negative stock at an own location (naming item,
    warehouse and shortfall), serials missing, duplicated, of the wrong count,
    or not at the source.
    """
    if not specs:
        return []
    items = _items_of(session, {s.item_id for s in specs})
    for n, s in enumerate(specs):
        where = f"{s.field_prefix}.{n}"
        item = items.get(s.item_id)
        if item is None:
            raise InvalidInput(f"{where}.item_id", "no such item")
        if s.quantity < 0 or (s.quantity == 0 and s.value is None):
            raise InvalidInput(f"{where}.quantity", "must be positive")
        if s.from_location.id == s.to_location.id:
            raise InvalidInput(f"{where}.item_id", "source and destination are the same location")
        custody = s.from_location.kind in CUSTODY_KINDS or s.to_location.kind in CUSTODY_KINDS
        if custody and (s.from_location.own or s.to_location.own):
            # Others' goods are never valued: mixing them with own stock would move value.
            raise InvalidInput(f"{where}.item_id", "goods in custody never enter or leave the organisation's own stock")
        if not custody and not s.from_location.own and not s.to_location.own:
            raise InvalidInput(f"{where}.item_id", "a move must start or end in the organisation's own stock")
        if (problem := serial_rule(item.code, item.serialized, s.quantity, s.serials)) is not None:
            raise SerialProblem(f"{where}.serials", problem)
        if not custody and not s.from_location.own and s.value is None and s.unit_cost is None:
            raise InvalidInput(f"{where}.unit_cost", "required for stock coming in")

    state, immediate = _state(session)
    for s in specs:
        for loc in (s.from_location, s.to_location):
            state.loc_meta[loc.id] = (loc.org_id, loc.kind)
    state.lock_balances(session, [(loc.id, s.item_id) for s in specs for loc in (s.from_location, s.to_location)])
    state.lock_costs(session, [(loc.org_id, s.item_id) for s in specs for loc in (s.from_location, s.to_location) if loc.own])
    state.load_serials(session, [(s.item_id, x) for s in specs for x in s.serials])
    balances, costs, serial_rows = state.balances, state.costs, state.serials
    now = utcnow()
    first_move = len(state.moves)
    moves = state.moves
    for n, s in enumerate(specs):
        where = f"{s.field_prefix}.{n}"
        item = items[s.item_id]
        src, dst = s.from_location, s.to_location
        src_bal, dst_bal = balances[(src.id, s.item_id)], balances[(dst.id, s.item_id)]
        if src.held and src_bal[0] < s.quantity:
            missing = s.quantity - src_bal[0]
            raise NegativeStock(
                f"not enough {item.code} {item.name} at {src.name}: {_fmt(src_bal[0])} on hand, "
                f"{_fmt(s.quantity)} needed, {_fmt(missing)} missing",
                {f"{where}.quantity": [f"{_fmt(missing)} missing at {src.name}"]},
                item_id=str(item.id), item=f"{item.code} {item.name}", location=src.name,
                on_hand=_fmt(src_bal[0]), needed=_fmt(s.quantity), missing=_fmt(missing))
        if src.kind in CUSTODY_KINDS or dst.kind in CUSTODY_KINDS:
            value = ZERO  # custody is counted, never valued
        elif src.own:
            cost = costs[(src.org_id, s.item_id)]
            price_difference = ZERO
            if s.value is not None and s.quantity:
                # A reversal takes stock out at its original value, but never more
                # than the location holds, so own stock is never worth less than
                # nothing. An outside counterpart still gets its exact value back:
                # the difference comes from adjustment (a price difference); between
                # own locations the capped value simply moves.
                held = src_bal[1] if s.quantity == src_bal[0] else max(ZERO, min(src_bal[1], s.value))
                value = min(s.value, held) if s.value >= 0 else s.value
                price_difference = s.value - value
            elif s.value is not None:
                value = s.value
            elif s.quantity == src_bal[0]:
                value = src_bal[1]  # the last units take the location's remaining value: no residue
            else:
                avg = cost[1] / cost[0] if cost[0] else ZERO
                value = _money(avg * s.quantity)
            if not dst.own and s.quantity:
                # Leaving the organisation: its last units take all the value it has left, and no
                # move takes more than it has. (A location's own value may have drifted from the
                # average, even below nothing: each location's units go out at the organisation's
                # average, not at what they came in for.)
                if s.quantity >= cost[0]:
                    value = cost[1]
                elif value > cost[1]:
                    value = max(cost[1], ZERO)
                if s.value is not None:
                    price_difference = s.value - value
        else:
            value = s.value if s.value is not None else _money(s.unit_cost * s.quantity)
        if s.quantity == 0 and dst.own and dst_bal[0] == 0:
            raise InvalidInput(f"{where}.item_id", f"no {item.code} on hand at {dst.name} to revalue")
        move_id = uuid7()
        for serial in s.serials:
            at, at_held = serial_rows[(s.item_id, serial)]
            if src.held and at != src.id:
                raise SerialProblem(f"{where}.serials", f"{serial} is not at {src.name}")
            if not src.held and at_held:
                raise SerialProblem(f"{where}.serials", f"{serial} is already in stock")
            serial_rows[(s.item_id, serial)] = (dst.id, dst.held)
            state.serial_last[(s.item_id, serial)] = move_id
            state.serial_moves.append({"move_id": move_id, "serial": serial})
        src_bal[0] -= s.quantity
        src_bal[1] -= value
        dst_bal[0] += s.quantity
        dst_bal[1] += value
        if src.own:
            costs[(src.org_id, s.item_id)][0] -= s.quantity
            costs[(src.org_id, s.item_id)][1] -= value
        if dst.own:
            costs[(dst.org_id, s.item_id)][0] += s.quantity
            costs[(dst.org_id, s.item_id)][1] += value
        moves.append(dict(id=move_id, org_id=org_id, item_id=s.item_id, from_location_id=src.id, to_location_id=dst.id,
                          quantity=s.quantity, value=value, doc_type=doc_type, doc_id=doc_id, line_id=s.line_id,
                          doc_date=doc_date, posted_at=now, reverses_move_id=s.reverses_move_id))
        if src.own and not dst.own and s.value is not None and s.quantity and price_difference:
            _post_adjustment_value(session, state, dst, s, price_difference,
                                   dict(org_id=org_id, doc_type=doc_type, doc_id=doc_id, doc_date=doc_date, posted_at=now))
        if src.own and src_bal[0] == 0 and src_bal[1] != 0:
            # Value left with no quantity (a reversal at the original value after the average
            # moved, units that came in cheaper or dearer than the average, rounding): an empty
            # location is always worth nothing. While the organisation still holds the item the
            # value stays in its stock, with the location holding most of it; otherwise it is
            # written off to adjustment.
            residue = src_bal[1]
            home = _residue_home(session, state, src, s.item_id) if costs[(src.org_id, s.item_id)][0] > 0 else None
            if home is None:
                home = _adjustment_row(session, state, src.org_id, s.item_id)
                costs[(src.org_id, s.item_id)][1] -= residue
            src_bal[1] = ZERO
            balances[(home.id, s.item_id)][1] += residue
            moves.append(dict(id=uuid7(), org_id=org_id, item_id=s.item_id, from_location_id=src.id,
                              to_location_id=home.id, quantity=ZERO, value=residue, doc_type=doc_type, doc_id=doc_id,
                              line_id=s.line_id, doc_date=doc_date, posted_at=now, reverses_move_id=None))
    state.arrivals.extend((s.to_location, s.item_id) for s in specs if s.quantity and s.to_location.own)
    posted = [PostedMove(m["id"], m["item_id"], m["from_location_id"], m["to_location_id"], m["quantity"], m["value"],
                         m["line_id"]) for m in moves[first_move:]]
    if immediate:
        state.write(session)
    return posted


def _residue_home(session: Session, state: LedgerState, src: StockLocation, item_id: uuid.UUID) -> StockLocation | None:
    """The organisation's own location, other than ``src``, holding most of the item (None: none
    holds any). Reads the database, with what this posting batch changed over it."""
    on_hand = {loc_id: q for loc_id, q in session.connection().execute(
        select(StockBalance.location_id, StockBalance.quantity)
        .join(StockLocation, StockLocation.id == StockBalance.location_id)
        .where(StockLocation.org_id == src.org_id, StockLocation.kind.in_(OWN_KINDS), StockBalance.item_id == item_id,
               StockBalance.location_id != src.id))}
    for (loc_id, item), (q, _v) in state.balances.items():
        meta = state.loc_meta.get(loc_id)
        if item == item_id and loc_id != src.id and meta and meta[0] == src.org_id and meta[1] in OWN_KINDS:
            on_hand[loc_id] = q
    held = sorted((-q, str(loc_id), loc_id) for loc_id, q in on_hand.items() if q > 0)
    if not held:
        return None
    home = _locations_by_id(session, {held[0][2]})[held[0][2]]
    state.loc_meta[home.id] = (home.org_id, home.kind)
    state.lock_balances(session, [(home.id, item_id)])
    return home if state.balances[(home.id, item_id)][0] > 0 else None


def _adjustment_row(session: Session, state: LedgerState, org_id: uuid.UUID, item_id: uuid.UUID) -> StockLocation:
    adj = location_for(session, org_id, "adjustment", name="adjustment")
    state.loc_meta[adj.id] = (adj.org_id, adj.kind)
    state.lock_balances(session, [(adj.id, item_id)])  # rare: lock that one row now
    return adj


def _post_adjustment_value(session: Session, state: LedgerState, dst: StockLocation, spec: MoveSpec, amount: Decimal,
                           common: dict) -> None:
    """A value-only move from adjustment to ``dst`` (a reversal's price difference)."""
    adj = _adjustment_row(session, state, dst.org_id, spec.item_id)
    if adj.id == dst.id:
        return  # the counterpart is adjustment itself: nothing to move
    state.balances[(adj.id, spec.item_id)][1] -= amount
    state.balances[(dst.id, spec.item_id)][1] += amount
    if dst.own:
        state.costs[(dst.org_id, spec.item_id)][1] += amount
    state.moves.append(dict(id=uuid7(), item_id=spec.item_id, from_location_id=adj.id, to_location_id=dst.id,
                            quantity=ZERO, value=amount, line_id=spec.line_id, reverses_move_id=None, **common))


def _fmt(q: Decimal) -> str:
    return format(q.normalize(), "f") if q == q.to_integral() else str(q)


def _load_serials(session: Session, keys: list[tuple]) -> dict[tuple, tuple[uuid.UUID, bool]]:
    """(item, serial) → (current location, whether it is held: own stock or custody)."""
    if not keys:
        return {}
    rows = session.execute(_SERIALS_AT, {"keys": keys}).all()
    return {(r[0], r[1]): (r[2], r[3] in HELD_KINDS) for r in rows}


# Built once: constructing it per posting cost more than running it.
_SERIALS_AT = (select(StockSerial.item_id, StockSerial.serial, StockSerial.location_id, StockLocation.kind)
               .join(StockLocation, StockLocation.id == StockSerial.location_id)
               .where(tuple_(StockSerial.item_id, StockSerial.serial).in_(bindparam("keys", expanding=True)))
               .execution_options(unscoped=True))


def moves_of(session: Session, doc_type: str, doc_id: uuid.UUID) -> list[StockMove]:
    """A document's moves in the order they were posted. In a deferred posting, those of a
    document posted earlier in the batch are its pending ones (as plain objects)."""
    batch = batch_of(session)
    if batch is None or not batch.deferring:
        settle(session)
    elif (state := batch.parts.get("stock_ledger")) is not None:
        pending = [SimpleNamespace(**m) for m in state.pending_moves(doc_id) if m["doc_type"] == doc_type]
        if pending:
            return pending  # a document's moves are all pending or all written
    return list(session.execute(select(StockMove).where(StockMove.doc_type == doc_type, StockMove.doc_id == doc_id)
                                .order_by(StockMove.id).execution_options(unscoped=True)).scalars())


def _locations_by_id(session: Session, ids: set[uuid.UUID]) -> dict[uuid.UUID, StockLocation]:
    """Locations by id, those the session looked up before (``location_for``) without a query."""
    known = {loc.id: loc for loc in session.info.get(_LOCATIONS, {}).values()}
    missing = ids - known.keys()
    if missing:
        for loc in session.execute(select(StockLocation).where(StockLocation.id.in_(missing))
                                   .execution_options(unscoped=True)).scalars():
            known[loc.id] = loc
    return known


def reversal_specs(session: Session, moves: list[StockMove]) -> list[MoveSpec]:
    """Exact opposites of ``moves`` (same quantity, value and serials, in reverse order).

    Residue write-offs are not reversed: they followed from the stock running
    out, and the reversal makes its own if it empties a location.
    """
    locs = _locations_by_id(session, {m.from_location_id for m in moves} | {m.to_location_id for m in moves})
    moves = [m for m in moves if not (m.quantity == 0 and m.reverses_move_id is None and locs[m.from_location_id].own)]
    serials: dict[uuid.UUID, list[str]] = {}
    items = _items_of(session, {m.item_id for m in moves})
    # Only moves of serial-tracked items have serials.
    ids = {m.id for m in moves if m.item_id in items and items[m.item_id].serialized}
    if ids:
        for move_id, serial in session.execute(select(StockMoveSerial.move_id, StockMoveSerial.serial)
                                               .where(StockMoveSerial.move_id.in_(ids))):
            serials.setdefault(move_id, []).append(serial)
    batch = batch_of(session)
    state = batch.parts.get("stock_ledger") if batch is not None else None
    for row in state.serial_moves if state is not None else ():
        if row["move_id"] in ids:  # moves still pending in a posting batch
            serials.setdefault(row["move_id"], []).append(row["serial"])
    return [MoveSpec(item_id=m.item_id, from_location=locs[m.to_location_id], to_location=locs[m.from_location_id],
                     quantity=m.quantity, value=m.value, line_id=m.line_id, serials=sorted(serials.get(m.id, [])),
                     reverses_move_id=m.id) for m in reversed(moves)]


# -- checks --------------------------------------------------------------------

def rebuild_check(session: Session) -> list[str]:
    """Differences between the cached balances/costs and the sums over the ledger (empty = consistent)."""
    from sqlalchemy import func, union_all

    ins = select(StockMove.to_location_id.label("loc"), StockMove.item_id, StockMove.quantity.label("q"),
                 StockMove.value.label("v"))
    outs = select(StockMove.from_location_id.label("loc"), StockMove.item_id, (-StockMove.quantity).label("q"),
                  (-StockMove.value).label("v"))
    u = union_all(ins, outs).subquery()
    sums = {(r.loc, r.item_id): (r.q, r.v) for r in session.execute(
        select(u.c.loc, u.c.item_id, func.sum(u.c.q).label("q"), func.sum(u.c.v).label("v"))
        .group_by(u.c.loc, u.c.item_id).execution_options(unscoped=True))}
    problems = []
    cached = {(b.location_id, b.item_id): (b.quantity, b.value) for b in session.execute(
        select(StockBalance).execution_options(unscoped=True)).scalars()}
    for key in set(sums) | set(cached):
        want = tuple(Decimal(x) for x in sums.get(key, (0, 0)))
        got = cached.get(key, (ZERO, ZERO))
        if want[0] != got[0] or _money(want[1]) != got[1]:
            problems.append(f"balance {key}: cached {got}, ledger {want}")
    own = {l.id: l.org_id for l in session.execute(
        select(StockLocation).where(StockLocation.kind.in_(OWN_KINDS)).execution_options(unscoped=True)).scalars()}
    per_org: dict[tuple, list[Decimal]] = {}
    for (loc, item), (q, v) in cached.items():
        if loc in own:
            acc = per_org.setdefault((own[loc], item), [ZERO, ZERO])
            acc[0] += q
            acc[1] += v
    for c in session.execute(select(StockCost).execution_options(unscoped=True)).scalars():
        want = per_org.get((c.org_id, c.item_id), [ZERO, ZERO])
        if (c.quantity, c.value) != (want[0], want[1]):
            problems.append(f"cost {(c.org_id, c.item_id)}: cached {(c.quantity, c.value)}, balances {tuple(want)}")
    return problems
