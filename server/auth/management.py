"""Who may manage whom: the one rule every user-management operation asks (issue 15).

An actor may grant only the roles its own roles let it grant, and may manage an
account (edit it, change its roles, reset its password, clear its failed logins,
deactivate or reactivate it) only when every role the account holds is one the actor
may grant. So no one can take over, demote or lock out an account that holds more
than they could give: an hq_manager cannot touch an administrator, a service point
manager cannot touch headquarters staff. Peers may manage peers (an hq_manager staffs
headquarters, a service point manager its point), which gives neither more than they
already have. Pure: role names in, an answer out.
"""

from __future__ import annotations

from collections.abc import Iterable

from .permissions import HQ_ONLY_ROLES, ROLES

_ALL = frozenset(ROLES)

GRANTABLE: dict[str, frozenset[str]] = {
    "admin": _ALL,
    "hq_manager": _ALL - {"admin"},
    "sp_manager": _ALL - HQ_ONLY_ROLES,
}


def grantable_roles(actor_roles: Iterable[str]) -> frozenset[str]:
    """The roles an actor holding ``actor_roles`` may give (the union over its roles)."""
    out: frozenset[str] = frozenset()
    for role in actor_roles:
        out |= GRANTABLE.get(role, frozenset())
    return out


def roles_beyond(actor_roles: Iterable[str], roles: Iterable[str]) -> list[str]:
    """The roles among ``roles`` the actor may not grant, sorted; empty when it may."""
    return sorted(set(roles) - grantable_roles(actor_roles))


def may_manage(actor_roles: Iterable[str], target_roles: Iterable[str]) -> bool:
    """Whether the actor may manage an account holding ``target_roles`` (and grant those roles)."""
    return not roles_beyond(actor_roles, target_roles)
