"""Read side: current stock (spec §9.9), moves, where a serial is."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import Float, Numeric, case, func, literal_column, or_, select
from sqlalchemy.orm import Session

from ..basedata.models import Item, Warehouse
from ..basedata.queries import plan_search
from ..basedata.kinds import KINDS
from ..basedata.text import normalise_imei
from ..errors import NotFound
from .ledger import CENT, ZERO as ZERO_QTY
from .models import (Shortage, StockBalance, StockCost, StockDocument, StockDocumentLine, StockLocation, StockMove,
                     StockMoveSerial, StockSerial)


def get_document(session: Session, doc_type: str | None, doc_id) -> StockDocument:
    """One warehouse document (of ``doc_type`` when given), read as its API reads it: scoped by
    organisation, so another point's document (or one of another type) is a 404. The document
    GET route, its printed form and the QR code's resolver all read through here."""
    stmt = select(StockDocument).where(StockDocument.id == doc_id)
    if doc_type is not None:
        stmt = stmt.where(StockDocument.doc_type == doc_type)
    doc = session.execute(stmt).scalar_one_or_none()
    if doc is None:
        raise NotFound("no such document")
    return doc


def book_quantities(session: Session, doc: StockDocument) -> dict:
    """A stocktake's book quantity per line id: for a posted count what the books held (counted
    minus the difference posting wrote), for a draft what the warehouse holds now (the counting
    sheet). Empty for other documents and for a reversal (it counts nothing)."""
    if doc.kind != "stocktake" or doc.reverses_id is not None:
        return {}
    if doc.status != "draft":
        return {l.id: l.counted_quantity - l.quantity for l in doc.lines if l.counted_quantity is not None}
    if doc.warehouse_id is None:
        return {}
    held = dict(session.execute(
        select(StockBalance.item_id, StockBalance.quantity)
        .join(StockLocation, StockLocation.id == StockBalance.location_id)
        .where(StockLocation.warehouse_id == doc.warehouse_id, StockBalance.item_id.in_({l.item_id for l in doc.lines}))
        .execution_options(unscoped=True)).all())
    return {l.id: held.get(l.item_id, ZERO_QTY) for l in doc.lines}


def shortages_query(args: dict):
    """The shortage register's list: newest first, by status, item, engineer, reference."""
    stmt = select(Shortage).order_by(Shortage.created_at.desc(), Shortage.id)
    for key in ("status", "item_id", "engineer_id"):
        if args.get(key):
            stmt = stmt.where(getattr(Shortage, key) == args[key])
    if args.get("reference"):
        stmt = stmt.where(Shortage.reference.startswith(args["reference"], autoescape=True))
    return stmt


def _value_sum(dialect: str):
    """SUM(quantity × organisation average) in yuan, from the raw column values.

    The average is per organisation and item (spec: moving weighted average per
    item and organisation), so a warehouse's stock is shown at that average.
    SQLite keeps scaled integers (quantity ×1000, value ×100): the ratio of two
    quantities is unit-free and leaves cents.
    """
    if dialect == "sqlite":
        return literal_column("sum(CAST(stock_balance.quantity AS REAL) * stock_cost.value"
                              " / NULLIF(stock_cost.quantity, 0)) / 100.0", Float())
    return literal_column("sum(stock_balance.quantity * stock_cost.value / NULLIF(stock_cost.quantity, 0))", Numeric())


def current_stock(session: Session, args: dict) -> dict:
    """On hand per location and item, valued at the organisation's average, with totals.
    Scoped: a service point sees its own."""
    own_kinds = ("warehouse", "engineer") if args.get("include_engineers") else ("warehouse",)
    stmt = (select(StockBalance, StockLocation, Item, Warehouse, StockCost)
            .join(StockLocation, StockLocation.id == StockBalance.location_id)
            .join(Item, Item.id == StockBalance.item_id)
            .join(StockCost, (StockCost.org_id == StockBalance.org_id) & (StockCost.item_id == StockBalance.item_id))
            .outerjoin(Warehouse, Warehouse.id == StockLocation.warehouse_id)
            .where(StockBalance.location_kind.in_(own_kinds), StockBalance.quantity != 0))
    if args.get("org_id"):
        stmt = stmt.where(StockBalance.org_id == args["org_id"])
    if args.get("warehouse_id"):
        stmt = stmt.where(StockLocation.warehouse_id == args["warehouse_id"])
    if args.get("warehouse_kind"):
        stmt = stmt.where(Warehouse.kind == args["warehouse_kind"])
    if args.get("item_kind"):
        stmt = stmt.where(Item.kind == args["item_kind"])
    for key, col in (("brand_id", Item.brand_id), ("model_id", Item.model_id), ("item_id", Item.id)):
        if args.get(key):
            stmt = stmt.where(col == args[key])
    if args.get("q"):
        plan = plan_search(session, KINDS["items"], args["q"])
        if plan is not None:
            stmt = stmt.where(plan.condition)
    total, qty, value = session.execute(_totals(session, args, own_kinds)).one()
    page, size = args.get("page", 1), args.get("page_size", 50)
    rows = session.execute(stmt.order_by(Item.code, StockLocation.key).limit(size).offset((page - 1) * size)).all()
    items = []
    for bal, loc, item, wh, cost in rows:
        unit = cost.value / cost.quantity if cost.quantity else Decimal("0")
        items.append({
            "org_id": bal.org_id, "location_id": loc.id, "location_kind": loc.kind, "location_name": loc.name,
            "warehouse_id": loc.warehouse_id, "warehouse_kind": wh.kind if wh else None,
            "item_id": item.id, "item_code": item.code, "item_name": item.name, "item_kind": item.kind,
            "quantity": bal.quantity, "value": (bal.quantity * unit).quantize(CENT, ROUND_HALF_UP),
            "unit_cost": unit,
        })
    value = Decimal(str(value or 0)).quantize(CENT, ROUND_HALF_UP)
    return {"items": items, "total": total, "page": page, "page_size": size,
            "totals": {"quantity": Decimal(qty), "value": value}}


def _totals(session: Session, args: dict, own_kinds: tuple[str, ...]):
    """Count, quantity and value of the rows ``current_stock`` lists, joining only what the filters need."""
    stmt = (select(func.count(), func.coalesce(func.sum(StockBalance.quantity), 0),
                   _value_sum(session.get_bind().dialect.name))
            .select_from(StockBalance)
            .join(StockLocation, StockLocation.id == StockBalance.location_id)
            .join(StockCost, (StockCost.org_id == StockBalance.org_id) & (StockCost.item_id == StockBalance.item_id))
            .where(StockBalance.location_kind.in_(own_kinds), StockBalance.quantity != 0))
    if args.get("org_id"):
        stmt = stmt.where(StockBalance.org_id == args["org_id"])
    if args.get("warehouse_id"):
        stmt = stmt.where(StockLocation.warehouse_id == args["warehouse_id"])
    if args.get("warehouse_kind"):
        stmt = stmt.join(Warehouse, Warehouse.id == StockLocation.warehouse_id).where(Warehouse.kind == args["warehouse_kind"])
    if args.get("item_id"):
        stmt = stmt.where(StockBalance.item_id == args["item_id"])
    item_filters = [(Item.kind, args.get("item_kind")), (Item.brand_id, args.get("brand_id")), (Item.model_id, args.get("model_id"))]
    if any(v for _, v in item_filters) or args.get("q"):
        stmt = stmt.join(Item, Item.id == StockBalance.item_id)
        for col, v in item_filters:
            if v:
                stmt = stmt.where(col == v)
        if args.get("q"):
            plan = plan_search(session, KINDS["items"], args["q"])
            if plan is not None:
                stmt = stmt.where(plan.condition)
    return stmt


def moves_query(args: dict):
    stmt = select(StockMove).order_by(StockMove.posted_at.desc(), StockMove.id.desc())
    if args.get("item_id"):
        stmt = stmt.where(StockMove.item_id == args["item_id"])
    if args.get("location_id"):
        stmt = stmt.where(or_(StockMove.from_location_id == args["location_id"], StockMove.to_location_id == args["location_id"]))
    if args.get("doc_id"):
        stmt = stmt.where(StockMove.doc_id == args["doc_id"])
    if args.get("serial"):
        stmt = stmt.where(StockMove.id.in_(select(StockMoveSerial.move_id)
                                           .where(StockMoveSerial.serial == normalise_imei(args["serial"]))))
    return stmt


def serial_whereabouts(session: Session, serial: str) -> list[dict]:
    """Where a serial-tracked unit is and every move it made (for the IMEI history)."""
    out = []
    rows = session.execute(select(StockSerial, StockLocation).join(StockLocation, StockLocation.id == StockSerial.location_id)
                           .where(StockSerial.serial == serial)).all()
    for unit, loc in rows:
        history = session.execute(
            select(StockMove).join(StockMoveSerial, StockMoveSerial.move_id == StockMove.id)
            .where(StockMoveSerial.serial == serial, StockMove.item_id == unit.item_id)
            .order_by(StockMove.posted_at, StockMove.id)).scalars().all()
        out.append({"item_id": unit.item_id, "serial": unit.serial, "location_id": loc.id, "location_name": loc.name,
                    "location_kind": loc.kind, "org_id": loc.org_id, "history": history})
    return out


def _documents_filter(stmt, doc_type: str, args: dict):
    stmt = stmt.where(StockDocument.doc_type == doc_type)
    for key in ("status", "kind", "warehouse_id", "engineer_id", "reference", "number"):
        if args.get(key):
            stmt = stmt.where(getattr(StockDocument, key) == args[key])
    if args.get("since"):
        stmt = stmt.where(StockDocument.doc_date >= args["since"])
    if args.get("until"):
        stmt = stmt.where(StockDocument.doc_date <= args["until"])
    return stmt


def documents_query(doc_type: str, args: dict):
    """One type's documents, filtered and sorted (``sort``: a column, ``-`` for descending)."""
    sort = args.get("sort") or "-doc_date"
    col = getattr(StockDocument, sort.lstrip("-"))
    first = col.desc() if sort.startswith("-") else col.asc()
    return _documents_filter(select(StockDocument), doc_type, args).order_by(
        first, StockDocument.created_at.desc(), StockDocument.id.desc())


# What names a referenced record in a sheet: (model, column) per header reference a type may use.
_REF_NAMES = {"warehouse_id": ("Warehouse", "name"), "to_warehouse_id": ("Warehouse", "name"),
              "party_id": ("Party", "name"), "engineer_id": ("Engineer", "name"),
              "formula_id": ("DisassemblyFormula", "code")}
_EXPORT_WIDTHS = {"number": 22, "doc_date": 12, "kind": 14, "org_id": 10, "reference": 18, "status": 10,
                  "item_code": 16, "item_name": 28, "serials": 40, "note": 24}


def export_columns(t) -> tuple[list[str], list[str]]:
    """A document type's sheet: the list's columns (the header references the type uses), then one
    line per row — the item and what a line of this type holds (``DocType.lines``, one column per
    name). Answers (document columns, line columns)."""
    doc_cols = ["number", "doc_date"] + (["kind"] if any(t.kinds) else []) + ["org_id"]
    doc_cols += list(dict.fromkeys(u.name for u in t.header)) + ["reference", "status"]
    line_cols = ["item_code", "item_name"] + [n for n in dict.fromkeys(u.name for u in t.lines) if n != "item_id"]
    return doc_cols, line_cols


def export_header(t, lang: str) -> tuple[list[str], list[int]]:
    from .schemas import LABELS

    extra = {"item_code": {"zh-CN": "产品编码", "en": "Item code"}, "item_name": {"zh-CN": "产品名称", "en": "Item"},
             "note": {"zh-CN": "行备注", "en": "Line note"}}
    doc_cols, line_cols = export_columns(t)
    # A stocktake line's quantity is the difference posting wrote; other kinds' the quantity moved.
    stocktake = "stocktake" in t.kinds
    names = doc_cols + line_cols
    labels = [(extra.get(n) if n in line_cols and n in extra else None) or
              (LABELS["difference"] if stocktake and n == "quantity" and n in line_cols else None) or LABELS[n]
              for n in names]
    return [lab[lang] for lab in labels], [_EXPORT_WIDTHS.get(n, 14) for n in names]


def export_rows(session: Session, t, args: dict, lang: str):
    """The filtered list as sheet rows, one per line (a document without lines: one row), in the
    list's order, read in chunks (``yield_per``: a server-side cursor on PostgreSQL) so memory does
    not grow with the list; references named in one query per table. Scoped like the list.

    A reversal's quantity is written negative (its lines repeat the original's), so the column adds
    up as the list's total does; a posted stocktake's book quantity is what the books held."""
    from ..basedata import models as bd
    from ..core.lifecycle import LABELS as STATUS_LABELS
    from ..org.models import Organisation

    doc_cols, line_cols = export_columns(t)
    tables: dict = {}
    names: dict = {}
    for c in doc_cols:
        if c in _REF_NAMES:
            if _REF_NAMES[c] not in tables:
                model = getattr(bd, _REF_NAMES[c][0])
                tables[_REF_NAMES[c]] = dict(session.execute(select(model.id, getattr(model, _REF_NAMES[c][1]))).all())
            names[c] = tables[_REF_NAMES[c]]
    names["org_id"] = dict(session.execute(select(Organisation.id, Organisation.code)).all())
    kinds = {k: v[lang] for k, v in (t.kind_labels or {}).items()}
    states = {k: v[lang] for k, v in STATUS_LABELS.items()}
    stored = [c for c in line_cols if c not in ("item_code", "item_name", "book_quantity")]
    stored += [c for c in ("quantity", "counted_quantity") if c not in stored]
    sort = args.get("sort") or "-doc_date"
    col = getattr(StockDocument, sort.lstrip("-"))
    stmt = _documents_filter(
        select(*(getattr(StockDocument, c) for c in doc_cols), StockDocument.reverses_id.label("_reverses"),
               Item.code.label("item_code"), Item.name.label("item_name"),
               *(getattr(StockDocumentLine, c).label(f"line_{c}") for c in stored))
        .select_from(StockDocument)
        .outerjoin(StockDocumentLine, (StockDocumentLine.document_id == StockDocument.id) & (StockDocumentLine.role == "main"))
        .outerjoin(Item, Item.id == StockDocumentLine.item_id), t.name, args).order_by(
        col.desc() if sort.startswith("-") else col.asc(), StockDocument.created_at.desc(), StockDocument.id.desc(),
        StockDocumentLine.sort_order)
    for r in session.execute(stmt.execution_options(yield_per=2000)):
        m = r._mapping
        row = []
        for c in doc_cols:
            v = m[c]
            if c == "kind":
                v = kinds.get(v, v)
            elif c == "status":
                v = states.get(v, v)
            elif c in names and v is not None:
                v = names[c].get(v, "")
            row.append(v)
        qty, counted = m["line_quantity"], m["line_counted_quantity"]
        for c in line_cols:
            if c in ("item_code", "item_name"):
                v = m[c]
            elif c == "book_quantity":
                v = counted - qty if counted is not None and qty is not None and m["status"] != "draft" and m["_reverses"] is None else None
            elif c == "serials":
                v = "、".join(m["line_serials"] or []) or None
            else:
                v = m[f"line_{c}"]
                if c == "quantity" and v and m["_reverses"] is not None:
                    v = -v
            row.append(v)
        yield row


def documents_totals(session: Session, doc_type: str, args: dict) -> dict:
    """What the filtered list adds up to: the quantity on its main lines, a reversal's taken off
    (its lines repeat the original's), so a reversed document and its reversal add up to nothing."""
    signed = case((StockDocument.reverses_id.is_(None), StockDocumentLine.quantity), else_=-StockDocumentLine.quantity)
    stmt = _documents_filter(
        select(func.coalesce(func.sum(signed), 0))
        .select_from(StockDocument).join(StockDocumentLine, StockDocumentLine.document_id == StockDocument.id)
        .where(StockDocumentLine.role == "main"), doc_type, args)
    return {"quantity": Decimal(session.execute(stmt).scalar_one())}


def describe_moves(session: Session, moves: list[StockMove]) -> list[dict]:
    """Moves with their item and both locations named (a warehouse, engineer or party by its own
    name; a virtual counterpart by its kind only), read in one query per table, and their serials."""
    from ..basedata.models import Engineer, Party
    from .schemas import MoveOut

    loc_ids = {m.from_location_id for m in moves} | {m.to_location_id for m in moves}
    locs = {l.id: l for l in session.execute(select(StockLocation).where(StockLocation.id.in_(loc_ids))).scalars()} if loc_ids else {}
    names: dict = {}
    for model, attr in ((Warehouse, "warehouse_id"), (Engineer, "engineer_id"), (Party, "party_id")):
        ids = {getattr(l, attr) for l in locs.values() if getattr(l, attr)}
        if ids:
            names.update({r.id: r.name for r in session.execute(select(model).where(model.id.in_(ids))).scalars()})
    item_ids = {m.item_id for m in moves}
    items = {i.id: i for i in session.execute(select(Item).where(Item.id.in_(item_ids))).scalars()} if item_ids else {}
    serials: dict = {}
    if moves:
        for move_id, serial in session.execute(select(StockMoveSerial.move_id, StockMoveSerial.serial)
                                                .where(StockMoveSerial.move_id.in_([m.id for m in moves]))):
            serials.setdefault(move_id, []).append(serial)

    def name(loc):
        # A virtual counterpart (adjustment, customer devices) is named by its kind alone: its
        # stored name is the ledger's own.
        ref = loc and (loc.warehouse_id or loc.engineer_id or loc.party_id)
        return names.get(ref, "") if ref else ""

    out = []
    for m in moves:
        row = {f: getattr(m, f) for f in MoveOut._declared_fields}
        src, dst, item = locs.get(m.from_location_id), locs.get(m.to_location_id), items.get(m.item_id)
        row.update(item_code=item.code if item else "", item_name=item.name if item else "",
                   from_location_kind=src.kind if src else "", from_location_name=name(src),
                   to_location_kind=dst.kind if dst else "", to_location_name=name(dst),
                   serials=sorted(serials.get(m.id, [])))
        out.append(row)
    return out
