"""Organisation scoping, enforced in one place for every ``OrgOwned`` record.

Reads: every ORM SELECT gets ``org_id IN (visible orgs)`` for each OrgOwned
entity it touches (with_loader_criteria, aliases included), unless the
principal sees everything (headquarters, the system).
Writes: a flush that would create or change a record of another organisation
is refused.
Personal data (``PersonalData``: members, warranty cards) is network-wide but
read and written the same way, by the records a service point served; a query
by the exact key (phone, IMEI, id) says so with ``exact`` and crosses points.
"""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker, with_loader_criteria

from ..auth.principal import Principal, get_principal
from ..errors import Forbidden
from .models import OrgOwned, OrgShared, PersonalData


def install_scoping(factory: sessionmaker) -> None:
    event.listen(factory, "do_orm_execute", _scope_reads)
    event.listen(factory, "before_flush", _guard_writes)


def _scope_reads(state: ORMExecuteState) -> None:
    if not state.is_select or state.execution_options.get("unscoped", False):
        return
    principal = get_principal(state.session)
    if principal.sees_all:
        return
    state.statement = state.statement.options(
        *_read_criteria(principal.visible_org_ids, state.execution_options.get("exact_key", False)))


@lru_cache(maxsize=4096)
def _read_criteria(org_ids: tuple, exact_key: bool) -> tuple:
    """The loader criteria of a set of visible organisations, made once: building a
    ``with_loader_criteria`` analyses its lambda again (about a millisecond a statement), and a
    request runs several statements for the same organisations."""
    options = [with_loader_criteria(OrgOwned, lambda cls: cls.scope_criteria(org_ids), include_aliases=True)]
    if not exact_key:
        options += [model.served_loader_criteria(org_ids) for model in PersonalData.__subclasses__()]
    return tuple(options)


def exact(stmt):
    """Mark a SELECT that finds personal data by its exact key (a phone, an IMEI, an id).

    A returning customer walks into any service point, so such a lookup crosses points, where
    a list or a prefix search shows only the records the point served. Only for statements
    whose WHERE names the whole key: a list or search marked so would leak the network."""
    return stmt.execution_options(exact_key=True)


def served_ids(session: Session, model: type, record_ids) -> set:
    """Which of these personal-data records the session's principal served (registered them,
    or repaired for them), as the database holds them: headquarters and the system serve all."""
    principal = get_principal(session)
    wanted = set(record_ids)
    if principal.sees_all or not wanted:
        return wanted
    with session.no_autoflush:
        return set(session.execute(
            select(model.id).where(model.id.in_(wanted), model.served_criteria(principal.visible_org_ids))
            .execution_options(unscoped=True)).scalars())


def _guard_writes(session: Session, _ctx, _instances) -> None:
    check_writes(session, list(session.new) + list(session.dirty) + list(session.deleted))


def check_writes(session: Session, objects) -> None:
    """Refuse writing records of an organisation the session's principal may not write for.

    Every flush applies it; a posting batch (server.core.batch) applies it to a
    posting's objects when the posting is made, since they are flushed later."""
    principal = get_principal(session)
    if principal.sees_all:
        return
    for obj in objects:
        if issubclass(model_of(obj), OrgOwned) and not may_write(principal, obj):
            raise Forbidden("this record belongs to another organisation", {"org_id": ["not your organisation"]})
        if issubclass(model_of(obj), PersonalData):
            _check_personal_write(session, principal, obj)


def _check_personal_write(session: Session, principal: Principal, obj: PersonalData) -> None:
    """A service point changes or deletes only what it served (judged on the stored row, before
    this change), and registers personal data at itself only."""
    state = inspect(obj)
    if state.key is not None:
        if obj not in session.deleted and not session.is_modified(obj):
            return
        if obj.id not in served_ids(session, type(obj), [obj.id]):
            raise Forbidden("a customer's data is changed only where the customer was served",
                            {"id": ["not served by your organisation"]})
        if obj in session.deleted or not state.attrs.registered_org_id.history.has_changes():
            return
    if not principal.may_write_org(obj.registered_org_id):
        raise Forbidden("a service point registers customers' data at its own organisation",
                        {"registered_org_id": ["not your organisation"]})


def model_of(obj) -> type:
    """The mapped class of a record, also of a plain one (``server.core.plain``)."""
    return getattr(obj, "MODEL", None) or type(obj)


def may_see(principal: Principal, obj: OrgOwned) -> bool:
    """The read rule for one loaded record (``session.get`` may answer from the identity map,
    which the SELECT criteria never saw)."""
    if principal.sees_all:
        return True
    visible = principal.visible_org_ids
    return obj.org_id in visible or (issubclass(model_of(obj), OrgShared) and obj.shared_org_id in visible)


def may_write(principal: Principal, obj: OrgOwned) -> bool:
    if principal.may_write_org(obj.org_id):
        return True
    return (issubclass(model_of(obj), OrgShared) and obj.shared_org_id is not None
            and principal.may_write_org(obj.shared_org_id))
