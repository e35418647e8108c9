"""The warehouse documents of spec §9: their rules and the moves each one posts."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..basedata.models import DisassemblyFormula, Engineer, Item, Party, Warehouse
from ..db import get_loaded
from ..errors import InvalidInput
from ..basedata.text import normalise_imei
from .ledger import ZERO, MoveSpec, SerialProblem, _money, location_for, moves_of, post_moves, reversal_specs, serial_rule, settle
from .models import StockBalance, StockCost, StockDocument, StockLocation, StockSerial


@dataclass(frozen=True)
class Use:
    """A field a document type uses, in its header or on its lines, for some of its kinds (none
    named: every kind). ``only`` limits what a reference may name by an attribute of the record
    (a warehouse's ``kind``, a party's ``roles``). Posting applies it (``_warehouse``, ``_party``),
    and the workspace builds its form and lookups from it (``server.meta.documents``)."""

    name: str
    kinds: tuple[str, ...] = ()
    required: bool = True
    only: tuple[tuple[str, tuple[str, ...]], ...] = ()
    filled: bool = False  # written by posting (a stocktake's difference), shown, never entered
    label: str | None = None  # its label's key in stock.schemas.LABELS when not its name

    def applies(self, kind: str | None) -> bool:
        return not self.kinds or kind in self.kinds


def use(name: str, *kinds: str, required: bool = True, filled: bool = False, label: str | None = None,
        **only: tuple[str, ...]) -> Use:
    return Use(name, kinds, required, tuple(only.items()), filled, label)


@dataclass(frozen=True)
class DocType:
    name: str
    prefix: str
    label: dict[str, str]
    kinds: tuple[str, ...]
    plan: Callable[[Session, StockDocument], None]
    header: tuple[Use, ...] = ()  # beyond doc_date, reference and note, which every type has
    lines: tuple[Use, ...] = ()  # what a line is entered with
    kind_labels: dict[str, dict[str, str]] | None = None  # zh-CN/en per kind (a type with kinds)
    # Planning reads nothing the ledger writes (no balances, costs or serials from the
    # database): a posting batch may defer its writes (server.core.batch). True for
    # every kind, or the kinds for which it holds.
    deferrable: bool | tuple[str, ...] = False

    def defers(self, kind: str | None) -> bool:
        if isinstance(self.deferrable, tuple):
            return (kind or self.kinds[0]) in self.deferrable
        return self.deferrable

    def header_use(self, name: str, kind: str | None) -> Use | None:
        """How this type uses a header field for ``kind`` (None: it does not)."""
        return next((u for u in self.header if u.name == name and u.applies(kind)), None)


# -- helpers -------------------------------------------------------------------

def _only(doc: StockDocument, field: str, attr: str) -> tuple[str, ...]:
    """The values the type's declaration allows for ``field``'s record's ``attr`` (none: any)."""
    u = DOC_TYPES[doc.doc_type].header_use(field, doc.kind)
    return dict(u.only).get(attr, ()) if u else ()


def _warehouse(session: Session, doc: StockDocument, field: str = "warehouse_id") -> Warehouse:
    kinds = _only(doc, field, "kind")
    wid = getattr(doc, field)
    if wid is None:
        raise InvalidInput(field, "required")
    # By primary key: the identity map answers when the session has it already.
    wh = get_loaded(session, Warehouse, wid)
    if wh is None or wh.org_id != doc.org_id:
        raise InvalidInput(field, "no such warehouse in the document's organisation")
    if not wh.active:
        raise InvalidInput(field, "the warehouse is deactivated")
    if kinds and wh.kind not in kinds:
        raise InvalidInput(field, f"must be a {' or '.join(kinds)} warehouse")
    return wh


_REFERENCES = (("warehouse_id", Warehouse, "warehouse"), ("to_warehouse_id", Warehouse, "warehouse"),
               ("party_id", Party, "party"), ("engineer_id", Engineer, "engineer"),
               ("formula_id", DisassemblyFormula, "disassembly formula"))


def check_references(session: Session, data: dict, org_id: uuid.UUID | None) -> None:
    """Every record a draft's header and lines name exists and the acting user can see it
    (scoped reads: another point's warehouse reads as missing), named by its field, e.g.
    ``lines.0.item_id``: checked before the flush, where a foreign key would fail as a 500.
    Warehouses and engineers must be the document's organisation's (``org_id``), for
    headquarters too, which sees every point's. The one place for a draft's reference rules;
    posting checks kinds, activity and the organisation again (a draft may wait while base
    data changes)."""
    with session.no_autoflush:
        for field, model, label in _REFERENCES:
            if data.get(field) is None:
                continue
            record = session.get(model, data[field])
            if record is None:
                raise InvalidInput(field, f"no such {label}")
            if model in (Warehouse, Engineer) and record.org_id != org_id:
                raise InvalidInput(field, f"no such {label} in the document's organisation")
        for n, line in enumerate(data.get("lines") or []):
            if line.get("item_id") is not None and session.get(Item, line["item_id"]) is None:
                raise InvalidInput(f"lines.{n}.item_id", "no such item")


def count_field(doc_type: str, kind: str | None) -> str:
    """The line field a line's serials are counted against: a stocktake's counted quantity, else the quantity."""
    t = DOC_TYPES[doc_type]
    return "counted_quantity" if any(u.name == "counted_quantity" and u.applies(kind) for u in t.lines) else "quantity"


def check_serials(session: Session, doc_type: str, kind: str | None, lines: list[dict]) -> None:
    """A draft's serials by the rule posting applies (``ledger.serial_rule``), for each line that
    gives serials or names an item not tracked by serial: so a count that differs from the
    quantity, a repeated IMEI or a serial on a plain part is refused when the draft is saved,
    naming ``lines.N.serials``. A serial-tracked line still without serials may wait in a draft
    (the units are scanned later); posting refuses it."""
    counted = count_field(doc_type, kind)
    with session.no_autoflush:
        for n, line in enumerate(lines or []):
            if line.get("role", "main") != "main" or line.get("item_id") is None:
                continue
            item = session.get(Item, line["item_id"])
            serials = [normalise_imei(x) for x in line.get("serials") or []]
            if item is None or (item.serialized and not serials):
                continue
            quantity = line.get(counted)
            if item.serialized and quantity is None:
                continue  # no quantity yet: the count is checked once there is one
            problem = serial_rule(item.code, item.serialized, Decimal(quantity) if quantity is not None else None, serials)
            if problem is not None:
                raise SerialProblem(f"lines.{n}.serials", problem)


def _wh_loc(session: Session, doc: StockDocument, wh: Warehouse) -> StockLocation:
    return location_for(session, doc.org_id, "warehouse", warehouse=wh)


def _party(session: Session, doc: StockDocument) -> Party:
    roles = _only(doc, "party_id", "roles")
    if doc.party_id is None:
        raise InvalidInput("party_id", "required")
    party = get_loaded(session, Party, doc.party_id)
    if party is None or not party.active:
        raise InvalidInput("party_id", "no such active party")
    if roles and not set(roles) & set(party.roles):
        raise InvalidInput("party_id", f"must be a {' or '.join(roles)}")
    return party


def _engineer(session: Session, doc: StockDocument) -> Engineer:
    if doc.engineer_id is None:
        raise InvalidInput("engineer_id", "required")
    eng = get_loaded(session, Engineer, doc.engineer_id)
    if eng is None or eng.org_id != doc.org_id or not eng.active:
        raise InvalidInput("engineer_id", "no such active engineer in the document's organisation")
    return eng


def _items(session: Session, doc: StockDocument) -> dict[uuid.UUID, Item]:
    if not doc.lines:
        raise InvalidInput("lines", "at least one line is required")
    wanted = {l.item_id for l in doc.lines}
    items = {i: item for i in wanted if (item := get_loaded(session, Item, i)) is not None}
    for n, line in enumerate(doc.lines):
        if line.item_id not in items:
            raise InvalidInput(f"lines.{n}.item_id", "no such item")
    return items


def _positive(doc: StockDocument) -> None:
    for n, line in enumerate(doc.lines):
        if line.role == "main" and (line.quantity is None or line.quantity <= 0):
            raise InvalidInput(f"lines.{n}.quantity", "must be positive")


def _simple(session: Session, doc: StockDocument, src: StockLocation, dst: StockLocation,
            cost: Callable[[int, object, Item], Decimal | None] | None = None) -> list[MoveSpec]:
    items = _items(session, doc)
    _positive(doc)
    return [MoveSpec(item_id=l.item_id, from_location=src, to_location=dst, quantity=l.quantity, line_id=l.id,
                     serials=list(l.serials or []), unit_cost=cost(n, l, items[l.item_id]) if cost else None)
            for n, l in enumerate(doc.lines) if l.role == "main"]


def _incoming_cost(n: int, line, item: Item) -> Decimal:
    if line.unit_cost is not None:
        if line.unit_cost < 0:
            raise InvalidInput(f"lines.{n}.unit_cost", "must not be negative")
        return line.unit_cost
    return item.standard_cost


def _post(session: Session, doc: StockDocument, specs: list[MoveSpec]):
    posted = post_moves(session, specs, org_id=doc.org_id, doc_type=doc.doc_type, doc_id=doc.id, doc_date=doc.doc_date)
    # Kept on the (transient) document for a caller that prices from what the moves took out (a
    # repair part's cost): in a posting batch the move rows are written later, so they cannot be queried.
    doc.posted_moves = [*getattr(doc, "posted_moves", ()), *posted]
    return posted


# -- planning per type ---------------------------------------------------------

def plan_receipt(session: Session, doc: StockDocument) -> None:
    wh = _warehouse(session, doc)
    if doc.kind == "purchase":
        src = location_for(session, doc.org_id, "supplier", party_id=_party(session, doc).id,
                           name=f"supplier {doc.party_id}")
    elif doc.kind == "wholesale_return":
        party = _party(session, doc)
        src = location_for(session, doc.org_id, "customer", party_id=party.id, name=party.name)
    else:
        src = location_for(session, doc.org_id, "adjustment", name="adjustment")
    _post(session, doc, _simple(session, doc, src, _wh_loc(session, doc, wh), _incoming_cost))


def plan_issue(session: Session, doc: StockDocument) -> None:
    wh = _warehouse(session, doc)
    if doc.kind == "wholesale":
        party = _party(session, doc)
        dst = location_for(session, doc.org_id, "customer", party_id=party.id, name=party.name)
    elif doc.kind == "purchase_return":
        party = _party(session, doc)
        dst = location_for(session, doc.org_id, "supplier", party_id=party.id, name=party.name)
    else:
        dst = location_for(session, doc.org_id, "adjustment", name="adjustment")
    _post(session, doc, _simple(session, doc, _wh_loc(session, doc, wh), dst))


def plan_transfer(session: Session, doc: StockDocument) -> None:
    src = _warehouse(session, doc)
    dst = _warehouse(session, doc, "to_warehouse_id")
    if src.id == dst.id:
        raise InvalidInput("to_warehouse_id", "must differ from the source warehouse")
    _post(session, doc, _simple(session, doc, _wh_loc(session, doc, src), _wh_loc(session, doc, dst)))


def _engineer_loc(session: Session, doc: StockDocument) -> StockLocation:
    eng = _engineer(session, doc)
    return location_for(session, doc.org_id, "engineer", engineer_id=eng.id, name=f"engineer {eng.code} {eng.name}")


def plan_requisition(session: Session, doc: StockDocument) -> None:
    wh = _warehouse(session, doc)
    _post(session, doc, _simple(session, doc, _wh_loc(session, doc, wh), _engineer_loc(session, doc)))


def plan_engineer_return(session: Session, doc: StockDocument) -> None:
    if doc.kind == "surplus":
        wh = _warehouse(session, doc)
        _post(session, doc, _simple(session, doc, _engineer_loc(session, doc), _wh_loc(session, doc, wh)))
    else:
        # The replaced part comes out of the customer's device: it enters the
        # defective warehouse with no book value (it cost us nothing).
        wh = _warehouse(session, doc)
        _engineer(session, doc)
        src = location_for(session, doc.org_id, "customer", name="customer devices")
        _post(session, doc, _simple(session, doc, src, _wh_loc(session, doc, wh), lambda n, l, i: ZERO))


def plan_engineer_use(session: Session, doc: StockDocument) -> None:
    """Parts an engineer fitted into customers' devices leave our stock."""
    dst = location_for(session, doc.org_id, "customer", name="customer devices")
    _post(session, doc, _simple(session, doc, _engineer_loc(session, doc), dst))


def _avg_cost(session: Session, org_id: uuid.UUID, item: Item) -> Decimal:
    row = session.execute(select(StockCost).where(StockCost.org_id == org_id, StockCost.item_id == item.id)
                          .execution_options(unscoped=True)).scalar_one_or_none()
    if row is not None and row.quantity > 0:
        return row.value / row.quantity
    return item.standard_cost


def plan_adjustment(session: Session, doc: StockDocument) -> None:
    adj = location_for(session, doc.org_id, "adjustment", name="adjustment")
    if doc.kind == "opening":
        wh = _warehouse(session, doc)
        _post(session, doc, _simple(session, doc, adj, _wh_loc(session, doc, wh), _incoming_cost))
    elif doc.kind == "stocktake":
        settle(session)  # reads balances, costs and serials
        wh = _warehouse(session, doc)
        _post(session, doc, _stocktake_specs(session, doc, _wh_loc(session, doc, wh), adj))
    elif doc.kind == "scrap":
        wh = _warehouse(session, doc)
        dst = location_for(session, doc.org_id, "scrapped", name="scrapped")
        _post(session, doc, _simple(session, doc, _wh_loc(session, doc, wh), dst))
    else:  # return_to_customer
        wh = _warehouse(session, doc)
        dst = location_for(session, doc.org_id, "customer", name="customer devices")
        _post(session, doc, _simple(session, doc, _wh_loc(session, doc, wh), dst))


def _stocktake_specs(session: Session, doc: StockDocument, loc: StockLocation, adj: StockLocation) -> list[MoveSpec]:
    """Counted quantities in, differences out: the lines get the signed difference at posting."""
    items = _items(session, doc)
    specs = []
    for n, line in enumerate(doc.lines):
        item = items[line.item_id]
        if line.counted_quantity is None or line.counted_quantity < 0:
            raise InvalidInput(f"lines.{n}.counted_quantity", "enter the counted quantity (0 or more)")
        bal = session.execute(select(StockBalance.quantity).where(
            StockBalance.location_id == loc.id, StockBalance.item_id == item.id).execution_options(unscoped=True)).scalar_one_or_none() or ZERO
        diff = line.counted_quantity - bal
        line.quantity = diff
        if diff == 0 and not item.serialized:
            continue
        gain, loss = [], []
        if item.serialized:
            counted = set(line.serials or [])
            if len(counted) != line.counted_quantity:
                raise InvalidInput(f"lines.{n}.serials", "list the serial of every unit counted")
            present = set(session.execute(select(StockSerial.serial).where(
                StockSerial.item_id == item.id, StockSerial.location_id == loc.id)).scalars())
            gain, loss = sorted(counted - present), sorted(present - counted)
        if diff > 0 or gain:
            q = Decimal(len(gain)) if item.serialized else diff
            if q:
                specs.append(MoveSpec(item.id, adj, loc, q, line_id=line.id, serials=gain,
                                      unit_cost=_avg_cost(session, doc.org_id, item)))
        if diff < 0 or loss:
            q = Decimal(len(loss)) if item.serialized else -diff
            if q:
                specs.append(MoveSpec(item.id, loc, adj, q, line_id=line.id, serials=loss))
    return specs


def plan_disassembly(session: Session, doc: StockDocument) -> None:
    """拆整为散 / 组散为整 by the model's formula; value moves across at the parts' standard-cost shares."""
    settle(session)  # reads balances, costs and serials
    wh = _warehouse(session, doc)
    loc = _wh_loc(session, doc, wh)
    conv = location_for(session, doc.org_id, "adjustment", name="adjustment")
    items = _items(session, doc)
    mains = [l for l in doc.lines if l.role == "main"]
    if len(mains) != 1:
        raise InvalidInput("lines", "one main line: the whole device and how many")
    main = mains[0]
    _positive(doc)
    device = items[main.item_id]
    if device.kind != "device":
        raise InvalidInput("lines.0.item_id", "must be a whole device")
    formula = session.get(DisassemblyFormula, doc.formula_id) if doc.formula_id else session.execute(
        select(DisassemblyFormula).where(DisassemblyFormula.device_item_id == device.id, DisassemblyFormula.active)).scalars().first()
    if formula is None or formula.device_item_id != device.id:
        raise InvalidInput("formula_id", f"no disassembly formula for {device.code}")
    doc.formula_id = formula.id
    comp_items = {i.id: i for i in session.execute(select(Item).where(
        Item.id.in_([fl.component_item_id for fl in formula.lines]))).scalars()}
    serials = {l.item_id: list(l.serials or []) for l in doc.lines if l.role == "component"}
    parts = [(comp_items[fl.component_item_id], fl.quantity * main.quantity) for fl in formula.lines]
    weights = [max(item.standard_cost, Decimal("0.01")) * q for item, q in parts]
    line_of = {l.item_id: l.id for l in doc.lines}
    if doc.kind == "disassemble":
        [out] = _post(session, doc, [MoveSpec(device.id, loc, conv, main.quantity, line_id=main.id, serials=list(main.serials or []))])
        values = _split(out.value, weights)
        _post(session, doc, [MoveSpec(item.id, conv, loc, q, value=v, line_id=line_of.get(item.id, main.id),
                                      serials=serials.get(item.id, []), field_prefix="components")
                             for (item, q), v in zip(parts, values)])
    else:
        outs = _post(session, doc, [MoveSpec(item.id, loc, conv, q, line_id=line_of.get(item.id, main.id),
                                             serials=serials.get(item.id, []), field_prefix="components") for item, q in parts])
        _post(session, doc, [MoveSpec(device.id, conv, loc, main.quantity, value=sum((m.value for m in outs), ZERO),
                                      line_id=main.id, serials=list(main.serials or []))])


def _split(total: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """Shares of ``total`` by weight, in cents, adding up exactly."""
    whole = sum(weights, ZERO)
    out = [_money(total * w / whole) for w in weights[:-1]]
    return out + [total - sum(out, ZERO)]


def plan_price_adjustment(session: Session, doc: StockDocument) -> None:
    """Revalue stock on hand to a new unit cost: value-only moves per own location holding the item."""
    settle(session)  # reads balances
    items = _items(session, doc)
    adj = location_for(session, doc.org_id, "adjustment", name="revaluation")
    specs = []
    for n, line in enumerate(doc.lines):
        if line.unit_cost is None or line.unit_cost < 0:
            raise InvalidInput(f"lines.{n}.unit_cost", "enter the new unit cost")
        rows = session.execute(
            select(StockLocation, StockBalance).join(StockBalance, StockBalance.location_id == StockLocation.id)
            .where(StockLocation.org_id == doc.org_id, StockLocation.kind.in_(("warehouse", "engineer")),
                   StockBalance.item_id == line.item_id, StockBalance.quantity > 0)
            .order_by(StockLocation.key).execution_options(unscoped=True)).all()
        if not rows:
            raise InvalidInput(f"lines.{n}.item_id", f"no {items[line.item_id].code} on hand to revalue")
        for loc, bal in rows:
            delta = _money(bal.quantity * line.unit_cost) - bal.value
            if delta:
                specs.append(MoveSpec(line.item_id, adj, loc, ZERO, value=delta, line_id=line.id))
        line.quantity = sum((b.quantity for _, b in rows), ZERO)
    _post(session, doc, specs)


# What a line is entered with (``StockLineIn``); quantities are checked by the plans.
_ITEM, _QTY, _SERIALS, _NOTE = use("item_id"), use("quantity"), use("serials", required=False), use("note", required=False)
_MOVING = (_ITEM, _QTY, _SERIALS, _NOTE)

DOC_TYPES: dict[str, DocType] = {t.name: t for t in [
    DocType("goods_receipt", "RK", {"zh-CN": "入库单", "en": "Goods receipt"}, ("purchase", "wholesale_return", "other"), plan_receipt,
            header=(use("warehouse_id"), use("party_id", "purchase", roles=("supplier",)),
                    use("party_id", "wholesale_return", roles=("dealer", "distributor"))),
            # No unit cost: the item's standard cost.
            lines=(_ITEM, _QTY, use("unit_cost", required=False), _SERIALS, _NOTE),
            kind_labels={"purchase": {"zh-CN": "采购入库", "en": "Purchase"},
                         "wholesale_return": {"zh-CN": "批发退货入库", "en": "Wholesale return"},
                         "other": {"zh-CN": "其他入库", "en": "Other receipt"}},
            deferrable=True),
    DocType("goods_issue", "CK", {"zh-CN": "出库单", "en": "Goods issue"}, ("wholesale", "purchase_return", "other"), plan_issue,
            header=(use("warehouse_id"), use("party_id", "wholesale", roles=("dealer", "distributor")),
                    use("party_id", "purchase_return", roles=("supplier",))),
            lines=_MOVING,
            kind_labels={"wholesale": {"zh-CN": "批发出库", "en": "Wholesale"},
                         "purchase_return": {"zh-CN": "采购退货", "en": "Purchase return"},
                         "other": {"zh-CN": "其他出库", "en": "Other issue"}},
            deferrable=True),
    DocType("bin_transfer", "ZC", {"zh-CN": "转仓单", "en": "Bin transfer"}, ("",), plan_transfer,
            header=(use("warehouse_id"), use("to_warehouse_id")), lines=_MOVING, deferrable=True),
    DocType("engineer_requisition", "LL", {"zh-CN": "工程师领料单", "en": "Engineer requisition"}, ("",), plan_requisition,
            header=(use("warehouse_id", kind=("good",)), use("engineer_id")), lines=_MOVING, deferrable=True),
    DocType("engineer_return", "TL", {"zh-CN": "工程师退料单", "en": "Engineer return"}, ("surplus", "defective"), plan_engineer_return,
            header=(use("engineer_id"), use("warehouse_id", "surplus", kind=("good",)),
                    use("warehouse_id", "defective", kind=("defective",))),
            lines=_MOVING,
            kind_labels={"surplus": {"zh-CN": "余料退回", "en": "Surplus parts"},
                         "defective": {"zh-CN": "坏件退回", "en": "Defective parts"}},
            deferrable=True),
    DocType("engineer_use", "YL", {"zh-CN": "维修用料单", "en": "Parts used in repair"}, ("",), plan_engineer_use,
            header=(use("engineer_id"),), lines=_MOVING, deferrable=True),
    DocType("stock_adjustment", "TZ", {"zh-CN": "库存调整单", "en": "Stock adjustment"},
            ("opening", "stocktake", "scrap", "return_to_customer"), plan_adjustment,
            header=(use("warehouse_id", "opening", "stocktake"), use("warehouse_id", "scrap", kind=("defective", "scrap")),
                    use("warehouse_id", "return_to_customer", kind=("defective",))),
            # A stocktake sheet takes counted quantities; posting writes the difference.
            lines=(_ITEM, use("quantity", "opening", "scrap", "return_to_customer"), use("unit_cost", "opening", required=False),
                   use("book_quantity", "stocktake", required=False, filled=True),
                   use("counted_quantity", "stocktake"), use("quantity", "stocktake", required=False, filled=True, label="difference"),
                   _SERIALS, _NOTE),
            kind_labels={"opening": {"zh-CN": "期初库存", "en": "Opening stock"},
                         "stocktake": {"zh-CN": "盘点", "en": "Stocktake"},
                         "scrap": {"zh-CN": "报废", "en": "Scrap"},
                         "return_to_customer": {"zh-CN": "坏件退还客户", "en": "Return to customer"}},
            deferrable=("opening", "scrap", "return_to_customer")),
    DocType("disassembly", "CZ", {"zh-CN": "拆装单", "en": "Disassembly / assembly"}, ("disassemble", "assemble"), plan_disassembly,
            # No formula: the device's active one.
            header=(use("warehouse_id"), use("formula_id", required=False)), lines=_MOVING,
            kind_labels={"disassemble": {"zh-CN": "拆整为散", "en": "Disassemble"},
                         "assemble": {"zh-CN": "组散为整", "en": "Assemble"}}),
    DocType("price_adjustment", "TJ", {"zh-CN": "调价单", "en": "Price adjustment"}, ("",), plan_price_adjustment,
            # The quantity revalued is what is on hand at posting.
            lines=(_ITEM, use("unit_cost"), use("quantity", required=False, filled=True), _NOTE)),
]}


def write_document_ledgers(session: Session, doc: StockDocument) -> None:
    """Post a document's moves, or for a reversal the exact opposites of the original's."""
    if doc.reverses_id is not None:
        original_moves = moves_of(session, doc.doc_type, doc.reverses_id)
        _post(session, doc, reversal_specs(session, original_moves))
        return
    DOC_TYPES[doc.doc_type].plan(session, doc)
