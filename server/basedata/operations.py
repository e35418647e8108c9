"""Create, change, deactivate and delete base data; keep search tokens and the outbox in step.

Every write goes through ``save_record`` so tokens, the outbox row for devices
and the audit record are written in the same transaction as the change.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import UniqueConstraint, delete, insert, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..auth.principal import get_principal
from ..core.models import snapshot
from ..core.operations import diff_snapshots, record_audit
from ..errors import Conflict, Forbidden, InvalidInput
from ..org.models import Organisation, PersonalData
from ..org.scoping import exact, served_ids
from ..outbox.operations import MASTER_DB, enqueue_document, service_point_db
from . import models as m
from .kinds import KINDS, Kind
from .text import normalise_imei, tokens_for


_KIND_OF = {m.Member: "members", m.WarrantyCard: "warranty-cards"}


def _ref_model(kind_name: str) -> type:
    return KINDS[kind_name].model


def _normalise_key_value(kind: Kind, name: str, value: Any) -> Any:
    f = kind.field(name)
    if f.type == "code" and isinstance(value, str):
        return value.strip().upper()
    if f.type == "imei" and isinstance(value, str):
        return normalise_imei(value)
    return value


def find_by_key(session: Session, kind: Kind, values: dict[str, Any], org_id: uuid.UUID | None = None):
    """The record with this natural key (in ``org_id`` for organisation-owned kinds)."""
    stmt = select(kind.model)
    for name in kind.key:
        stmt = stmt.where(getattr(kind.model, name) == _normalise_key_value(kind, name, values[name]))
    if kind.org_owned:
        stmt = stmt.where(kind.model.org_id == org_id)
    # Personal data is found by its exact key across service points (a phone is one person's
    # wherever registered); whether this point may change what it found is scoping's call.
    return session.execute(exact(stmt).execution_options(unscoped=kind.org_owned)).scalar_one_or_none()


def _resolve_org(session: Session, kind: Kind, requested: uuid.UUID | None) -> uuid.UUID:
    p = get_principal(session)
    org_id = requested or p.org_id
    if org_id is None:
        raise InvalidInput("org_id", "required")
    if not p.may_write_org(org_id):
        raise Forbidden("you may change your own organisation's records only", {"org_id": ["not your organisation"]})
    org = session.get(Organisation, org_id)
    if org is None:
        raise InvalidInput("org_id", "no such organisation")
    return org_id


def _apply(session: Session, kind: Kind, obj: Any, data: dict[str, Any]) -> None:
    for f in kind.fields:
        if f.name not in data:
            continue
        value = data[f.name]
        if f.type == "code" and isinstance(value, str):
            value = value.strip().upper()
        elif f.type == "imei" and isinstance(value, str):
            value = normalise_imei(value)
        elif f.type in ("str", "text", "phone") and isinstance(value, str):
            value = value.strip()
        if f.type == "ref" and value is not None:
            if session.get(_ref_model(f.ref), value) is None:
                raise InvalidInput(f.name, f"no such {KINDS[f.ref].label['en'].lower().rstrip('s')}")
        if f.type == "org" and value is not None and session.get(Organisation, value) is None:
            raise InvalidInput(f.name, "no such organisation")
        if f.type == "refs":
            model = _ref_model(f.ref)
            wanted = list(dict.fromkeys(value or []))
            found = session.execute(select(model).where(model.id.in_(wanted))).scalars().all() if wanted else []
            if len(found) != len(wanted):
                missing = sorted(set(map(str, wanted)) - {str(x.id) for x in found})
                raise InvalidInput(f.name, f"unknown ids: {', '.join(missing[:5])}")
            setattr(obj, f.model_attr, sorted(found, key=lambda x: x.code))
            continue
        if f.type == "lines":
            wanted = [(line["component_item_id"], Decimal(line["quantity"])) for line in value]
            if wanted != [(x.component_item_id, x.quantity) for x in obj.lines]:
                obj.lines = [m.DisassemblyLine(component_item_id=c, quantity=q, sort_order=i)
                             for i, (c, q) in enumerate(wanted)]
            continue
        setattr(obj, f.model_attr, value)


def _check_unique(session: Session, kind: Kind, obj: Any) -> None:
    """Every unique constraint of the kind's table (the natural key, an item's barcode, an engineer's
    account …), checked before the flush so a duplicate is a 422 naming the field, not an
    IntegrityError. The caller holds autoflush off: a query must not flush the duplicate first."""
    model = kind.model
    mapper = sa_inspect(model)
    uniques = [c for c in model.__table__.constraints if isinstance(c, UniqueConstraint)]
    for constraint in sorted(uniques, key=lambda c: str(c.name)):
        keys = [mapper.get_property_by_column(c).key for c in constraint.columns]
        values = {k: getattr(obj, k) for k in keys}
        if any(v is None for v in values.values()):
            continue  # NULLs never collide
        stmt = select(model.id).where(*[getattr(model, k) == v for k, v in values.items()])
        if obj.id is not None:
            stmt = stmt.where(model.id != obj.id)
        # Across organisations and scopes: the constraint is the whole table's (only an id is read).
        if session.execute(stmt.limit(1).execution_options(unscoped=True)).first() is not None:
            field = next((f.name for f in kind.fields if f.model_attr == keys[-1]), keys[-1])
            raise InvalidInput(field, "already used by another record")


def document_for(kind: Kind, obj: Any) -> dict[str, Any]:
    """What devices receive: the API representation plus its kind."""
    from .schemas import schemas_for

    body = schemas_for(kind.name)["out"]().dump(obj)
    # `kind` names the master-data kind; a record's own kind (an item's part/device, a
    # warehouse's good/defective) travels as `record_kind` instead of being lost.
    if "kind" in body:
        body["record_kind"] = body["kind"]
    body.update({"type": "master", "kind": kind.name})
    return body


def _publish(session: Session, kind: Kind, obj: Any, deleted: bool = False) -> None:
    if kind.publish is None:
        return
    if kind.publish == "org":
        org = session.get(Organisation, obj.org_id)
        if org.kind != "service_point":
            return  # only service points have a database on the store (headquarters works online)
        target = service_point_db(org.code)
        doc_id = f"md:{kind.name}:{obj.id}"
    else:
        target, doc_id = MASTER_DB, f"{kind.name}:{obj.id}"
    enqueue_document(session, target, doc_id, f"master.{kind.name}", None if deleted else document_for(kind, obj))


def refresh_tokens(session: Session, kind: Kind, obj: Any) -> None:
    if kind.search is None:
        return
    session.execute(delete(m.SearchToken).where(m.SearchToken.kind == kind.token_kind, m.SearchToken.record_id == obj.id))
    texts, exact = kind.search(obj)
    rows = [{"kind": kind.token_kind, "token": t, "record_id": obj.id} for t in tokens_for(*texts, exact=exact)]
    if rows:
        session.execute(insert(m.SearchToken), rows)


def _snap(kind: Kind, obj: Any) -> dict[str, Any]:
    data = snapshot(obj)
    for f in kind.fields:
        if f.type == "refs":
            data[f.name] = [str(x.id) for x in getattr(obj, f.model_attr)]
        if f.type == "lines":
            data["lines"] = [{"component_item_id": str(x.component_item_id), "quantity": format(x.quantity.normalize(), "f")}
                             for x in obj.lines]
    return data


def create_record(session: Session, kind: Kind, data: dict[str, Any]) -> Any:
    """Add a record. Writes: the kind's table, search_token, outbox_message, audit_log."""
    obj = kind.model()
    for f in kind.fields:
        if f.name not in data and f.default is not None:
            data = {**data, f.name: f.default}
    if kind.org_owned:
        obj.org_id = _resolve_org(session, kind, data.get("org_id"))
    if issubclass(kind.model, PersonalData) and data.get("registered_org_id") is None:
        # Registered where it is entered, so the point that entered it reads it back.
        data = {**data, "registered_org_id": get_principal(session).org_id}
    with session.no_autoflush:
        _apply(session, kind, obj, data)
        if kind.check:
            kind.check(session, obj)
        _check_unique(session, kind, obj)
    session.add(obj)
    session.flush()
    refresh_tokens(session, kind, obj)
    _publish(session, kind, obj)
    record_audit(session, f"{kind.name}.create", obj, entity_type=kind.model.__tablename__, after=_snap(kind, obj))
    return obj


def update_record(session: Session, kind: Kind, obj: Any, changes: dict[str, Any]) -> Any:
    """Change a record (``active: false`` deactivates). Writes as create_record."""
    before = _snap(kind, obj)
    with session.no_autoflush:  # the checks' queries must not flush a duplicate before it is named
        _apply(session, kind, obj, changes)
        if kind.check:
            kind.check(session, obj)
        _check_unique(session, kind, obj)
    session.flush()
    after = _snap(kind, obj)
    if after == before:
        return obj
    refresh_tokens(session, kind, obj)
    _publish(session, kind, obj)
    b, a = diff_snapshots(before, after)
    record_audit(session, f"{kind.name}.update", obj, entity_type=kind.model.__tablename__, before=b, after=a)
    return obj


def delete_record(session: Session, kind: Kind, obj: Any) -> None:
    """Delete a record nothing refers to; one in use must be deactivated instead."""
    before = _snap(kind, obj)
    try:
        with session.begin_nested():
            session.delete(obj)
            session.flush()
    except IntegrityError:
        raise Conflict("in use by other records: deactivate it instead of deleting",
                       {"id": ["in use; set active to false"]}) from None
    session.execute(delete(m.SearchToken).where(m.SearchToken.kind == kind.token_kind, m.SearchToken.record_id == obj.id))
    _publish(session, kind, obj, deleted=True)
    record_audit(session, f"{kind.name}.delete", entity_type=kind.model.__tablename__, entity_id=obj.id,
                 org_id=getattr(obj, "org_id", None), before=before)


def upsert_record(session: Session, kind: Kind, data: dict[str, Any], org_id: uuid.UUID | None) -> tuple[Any, str]:
    """Create or update by natural key; returns (record, "created" | "updated" | "unchanged")."""
    existing = find_by_key(session, kind, data, org_id)
    if existing is None:
        if kind.org_owned:
            data = {**data, "org_id": org_id}
        return create_record(session, kind, data), "created"
    before = _snap(kind, existing)
    update_record(session, kind, existing, {k: v for k, v in data.items() if k != "org_id"})
    return existing, "unchanged" if _snap(kind, existing) == before else "updated"


def audit_lookup(session: Session, records: list[Any], by: str) -> None:
    """Record each personal-data record an exact lookup showed a service point that had not
    served it: finding a returning customer anywhere is allowed, and accountable. Writes: audit_log."""
    p = get_principal(session)
    if p.sees_all:
        return
    for model in {type(r) for r in records}:
        mine = [r for r in records if type(r) is model]
        served = served_ids(session, model, [r.id for r in mine])
        for r in mine:
            if r.id not in served:
                record_audit(session, f"{_KIND_OF[model]}.lookup", r, org_id=p.org_id, after={"by": by})


def record_export(session: Session, kind: Kind, fmt: str, rows: int) -> None:
    """Personal data leaves the server in bulk only on the record. Writes: audit_log."""
    if issubclass(kind.model, PersonalData):
        record_audit(session, f"{kind.name}.export", entity_type=kind.model.__tablename__,
                     after={"format": fmt, "rows": rows})


def today_in(tz: str) -> dt.date:
    from zoneinfo import ZoneInfo

    return dt.datetime.now(ZoneInfo(tz)).date()
