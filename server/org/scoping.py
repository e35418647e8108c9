"""Organisation scoping, enforced in one place for every ``OrgOwned`` record.

Reads: every ORM SELECT gets ``org_id IN (visible orgs)`` for each OrgOwned
entity it touches (with_loader_criteria, aliases included), unless the
principal sees everything (headquarters, the system).
Writes: a flush that would create or change a record of another organisation
is refused.
"""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.orm import ORMExecuteState, Session, sessionmaker, with_loader_criteria

from ..auth.principal import Principal, get_principal
from ..errors import Forbidden
from .models import OrgOwned, OrgShared


def install_scoping(factory: sessionmaker) -> None:
    event.listen(factory, "do_orm_execute", _scope_reads)
    event.listen(factory, "before_flush", _guard_writes)


def _scope_reads(state: ORMExecuteState) -> None:
    if not state.is_select or state.execution_options.get("unscoped", False):
        return
    principal = get_principal(state.session)
    if principal.sees_all:
        return
    org_ids = principal.visible_org_ids
    state.statement = state.statement.options(
        with_loader_criteria(OrgOwned, lambda cls: cls.scope_criteria(org_ids), include_aliases=True)
    )


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
