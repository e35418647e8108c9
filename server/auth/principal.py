"""Who is acting: carried on the SQL session (``session.info['principal']``).

Scoping and the audit log read it from there, so an operation needs no extra
argument and no entry point can forget to pass it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from sqlalchemy.orm import Session


@dataclass(frozen=True)
class Principal:
    kind: str  # "user", "system", "anonymous"
    user_id: uuid.UUID | None = None
    username: str | None = None
    org_id: uuid.UUID | None = None
    sees_all: bool = False
    roles: frozenset[str] = frozenset()
    permissions: frozenset[str] = frozenset()
    actor_id: uuid.UUID | None = None  # the real (admin) user while switched
    actor_username: str | None = None
    actor_roles: frozenset[str] = frozenset()  # the administrator's own roles while switched
    session_id: uuid.UUID | None = None  # the refresh family of the access token, when it names one
    request_id: str | None = None
    source: str = field(default="api")

    @property
    def visible_org_ids(self) -> tuple[uuid.UUID, ...]:
        return (self.org_id,) if self.org_id else ()

    def can(self, permission: str) -> bool:
        return permission in self.permissions

    def may_write_org(self, org_id: uuid.UUID | None) -> bool:
        return self.sees_all or (org_id is not None and org_id == self.org_id)


SYSTEM = Principal(kind="system", sees_all=True, username="system", source="system")
ANONYMOUS = Principal(kind="anonymous", username="anonymous")


def set_principal(session: Session, principal: Principal) -> None:
    session.info["principal"] = principal


def get_principal(session: Session) -> Principal:
    try:
        return session.info["principal"]
    except KeyError:
        raise RuntimeError("session has no principal: the entry point must set one") from None
