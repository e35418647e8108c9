"""Login, refresh, logout, switch user, and user account management (spec §12.4, §13.1, §16.1)."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..core.models import snapshot
from ..core.operations import diff_snapshots, record_audit
from ..db import get_loaded, utcnow
from ..errors import Forbidden, InvalidInput, NotFound, TooManyAttempts, Unauthorized
from ..org.models import Organisation
from ..settings import Settings
from .management import roles_beyond
from .models import LoginRecord, RefreshToken, User, UserRole
from .passwords import check_password_rules, dummy_verify, hash_password, verify_password
from .permissions import HQ_ONLY_ROLES, ROLES, permissions_for
from .principal import Principal, get_principal
from .throttle import count_failures, serialise_attempts, wait_seconds
from .tokens import hash_refresh_token, issue_access_token, new_refresh_token


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int
    user: User
    actor: User | None = None


@dataclass(frozen=True)
class LoginOutcome:
    tokens: TokenPair | None
    error: Exception | None


def users_by_id(session: Session, ids) -> dict:
    """Accounts by id across organisations: an administrator acting inside a
    service point is still an HQ account, invisible to the scoped session."""
    wanted = [i for i in ids if i is not None]
    return {u.id: u for u in session.execute(
        select(User).where(User.id.in_(wanted)).execution_options(unscoped=True)
    ).scalars()}


def principal_for(session: Session, user: User, actor: User | None = None, request_id: str | None = None,
                  session_id: uuid.UUID | None = None) -> Principal:
    """The principal of a user (or of an administrator acting as that user)."""
    org = get_loaded(session, Organisation, user.org_id)
    roles = frozenset(user.roles)
    perms = permissions_for(roles)
    if actor is not None:
        # Acting inside a service point keeps the administrator's powers
        # (un-audit, corrections, spec §16.1) but the target's scope.
        perms = perms | permissions_for(actor.roles)
    sees_all = org is not None and org.kind == "hq" and "dealer" not in roles
    return Principal(
        kind="user",
        user_id=user.id,
        username=user.username,
        org_id=user.org_id,
        sees_all=sees_all,
        roles=roles,
        permissions=perms,
        actor_id=actor.id if actor else None,
        actor_username=actor.username if actor else None,
        actor_roles=frozenset(actor.roles) if actor else frozenset(),
        session_id=session_id,
        request_id=request_id,
    )


def _issue_pair(session: Session, settings: Settings, user: User, actor: User | None = None,
                family_id: uuid.UUID | None = None) -> tuple[TokenPair, RefreshToken]:
    owner = actor or user
    token, digest = new_refresh_token()
    row = RefreshToken(
        token_hash=digest,
        family_id=family_id or uuid.uuid4(),
        user_id=owner.id,
        acting_as_id=user.id if actor else None,
        expires_at=utcnow() + dt.timedelta(days=settings.refresh_token_days),
    )
    session.add(row)
    session.flush()
    # The access token names its session (the family) and the owner's token version:
    # ending either ends the token at once (server.auth.queries.principal_from_token).
    access, ttl = issue_access_token(settings, user.id, actor.id if actor else None,
                                     version=owner.token_version, session_id=row.family_id)
    return TokenPair(access, token, ttl, user, actor), row


def _find_user(session: Session, username: str) -> User | None:
    return session.execute(
        select(User).where(User.username == username.strip().lower()).execution_options(unscoped=True)
    ).scalar_one_or_none()


def login(session: Session, settings: Settings, username: str, password: str, ip: str, user_agent: str) -> LoginOutcome:
    """Check a password and open a session; every attempt is recorded.

    Throttled, not locked (server.auth.throttle): an attempt that comes before its wait
    is over is answered 429 unchecked. A failure is returned (not raised) so the entry
    point commits the login record before answering 401/429.
    Writes: login_record, user_account (last login), refresh_token.
    """
    now = utcnow()
    name, ip = username.strip().lower()[:64], ip[:64]
    serialise_attempts(session, name)
    user = _find_user(session, name)
    wait = wait_seconds(count_failures(session, name, ip, now, user.failures_cleared_at if user else None), now, settings)

    def record(outcome: str) -> None:
        session.add(LoginRecord(username=name, ip=ip, user_agent=user_agent[:300], outcome=outcome,
                                user_id=user.id if user else None, org_id=user.org_id if user else None))

    if wait > 0:
        # The same for a known and an unknown name, and no hash computed.
        record("throttled")
        return LoginOutcome(None, TooManyAttempts(f"too many failed logins: try again in {wait} s", retry_after=wait))
    cost = settings.password_hash_cost
    if user is None:
        dummy_verify(password, cost)
        record("unknown_user")
        return LoginOutcome(None, Unauthorized("wrong username or password"))
    if not verify_password(user.password_hash, password, cost):
        record("bad_password")
        return LoginOutcome(None, Unauthorized("wrong username or password"))
    if not user.active:
        record("inactive")
        return LoginOutcome(None, Unauthorized("account is deactivated", reason="inactive"))
    record("ok")  # clears this address's count for the account
    user.last_login_at = now
    pair, _ = _issue_pair(session, settings, user)
    return LoginOutcome(pair, None)


def refresh_session(session: Session, settings: Settings, refresh_token: str) -> LoginOutcome:
    """Rotate a refresh token. A rotated-out token presented again revokes its family.

    Writes: refresh_token.
    """
    row = session.execute(
        select(RefreshToken).where(RefreshToken.token_hash == hash_refresh_token(refresh_token))
    ).scalar_one_or_none()
    now = utcnow()
    if row is None:
        return LoginOutcome(None, Unauthorized("unknown refresh token"))
    if row.revoked_at is not None:
        if row.replaced_by_id is not None:
            _revoke_family(session, row.family_id)
            return LoginOutcome(None, Unauthorized("refresh token reused; the session is revoked"))
        return LoginOutcome(None, Unauthorized("refresh token revoked"))
    if row.expires_at <= now:
        return LoginOutcome(None, Unauthorized("refresh token expired"))
    owner = session.get(User, row.user_id)
    target = session.get(User, row.acting_as_id) if row.acting_as_id else None
    if owner is None or not owner.active or (target is not None and not target.active):
        return LoginOutcome(None, Unauthorized("account is deactivated", reason="inactive"))
    pair, new_row = (_issue_pair(session, settings, target, owner, row.family_id) if target
                     else _issue_pair(session, settings, owner, None, row.family_id))
    row.revoked_at = now
    row.replaced_by_id = new_row.id
    return LoginOutcome(pair, None)


def _revoke_family(session: Session, family_id: uuid.UUID) -> None:
    session.execute(
        update(RefreshToken).where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )


def logout(session: Session, refresh_token: str) -> None:
    """Revoke the caller's session (the token's whole family): its refresh token and the
    access tokens issued in it stop working. Writes: refresh_token, audit_log."""
    p = get_principal(session)
    row = session.execute(
        select(RefreshToken).where(RefreshToken.token_hash == hash_refresh_token(refresh_token))
    ).scalar_one_or_none()
    owner_id = p.actor_id or p.user_id
    if row is None or row.user_id != owner_id:
        raise InvalidInput("refresh_token", "not a session of yours")
    _revoke_family(session, row.family_id)
    record_audit(session, "auth.logout", entity_type="user_account", entity_id=owner_id, org_id=p.org_id)


def switch_user(session: Session, settings: Settings, target_id: uuid.UUID) -> TokenPair:
    """An administrator starts acting as ``target`` (spec §16.1). Writes: refresh_token, audit_log."""
    p = get_principal(session)
    users = users_by_id(session, [p.actor_id or p.user_id, target_id])
    actor, target = users[p.actor_id or p.user_id], users.get(target_id)
    if target is None:
        raise NotFound("no such user", {"user_id": ["no such user"]})
    if not target.active:
        raise InvalidInput("user_id", "that account is deactivated")
    if target.id == actor.id:
        raise InvalidInput("user_id", "use leave to return to your own account")
    if "admin" in target.roles:
        raise InvalidInput("user_id", "cannot act as another administrator")
    pair, _ = _issue_pair(session, settings, target, actor)
    record_audit(session, "auth.switch_user", target, after={"acting_as": target.username, "actor": actor.username})
    return pair


def leave_switch(session: Session, settings: Settings, refresh_token: str | None) -> TokenPair:
    """End acting as another user and return to the administrator's own session."""
    p = get_principal(session)
    if p.actor_id is None:
        raise InvalidInput("token", "you are not acting as another user")
    if p.session_id is not None:
        _revoke_family(session, p.session_id)  # the switched access token ends here too
    if refresh_token:
        row = session.execute(
            select(RefreshToken).where(RefreshToken.token_hash == hash_refresh_token(refresh_token))
        ).scalar_one_or_none()
        if row is not None and row.user_id == p.actor_id:
            _revoke_family(session, row.family_id)
    users = users_by_id(session, [p.actor_id, p.user_id])
    actor, target = users[p.actor_id], users[p.user_id]
    record_audit(session, "auth.leave_switch", target, after={"acting_as": None, "actor": actor.username})
    pair, _ = _issue_pair(session, settings, actor)
    return pair


# -- accounts ------------------------------------------------------------------

def _check_roles(session: Session, org: Organisation, roles: list[str]) -> None:
    p = get_principal(session)
    unknown = [r for r in roles if r not in ROLES]
    if unknown:
        raise InvalidInput("roles", f"unknown role(s): {', '.join(unknown)}")
    if not roles:
        raise InvalidInput("roles", "at least one role is required")
    if org.kind != "hq" and set(roles) & HQ_ONLY_ROLES:
        raise InvalidInput("roles", f"{', '.join(sorted(set(roles) & HQ_ONLY_ROLES))} only for headquarters accounts")
    if p.kind != "system" and not p.sees_all and org.id != p.org_id:
        raise Forbidden("you may manage accounts of your own organisation only", {"org_id": ["not your organisation"]})
    _require_may_grant(p, roles)


def _manager_roles(p: Principal) -> frozenset[str]:
    # While switched the administrator keeps its powers (as with permissions) in the target's scope.
    return p.roles | p.actor_roles


def _require_may_grant(p: Principal, roles: list[str]) -> None:
    """The one rule (server.auth.management): only roles the actor may grant."""
    beyond = [] if p.kind == "system" else roles_beyond(_manager_roles(p), roles)
    if beyond:
        raise Forbidden(f"you may not grant the role(s) {', '.join(beyond)}", {"roles": [f"may not grant {r}" for r in beyond]})


def _require_may_manage(p: Principal, user: User) -> None:
    """The one rule again: every act on an account needs all of its roles to be grantable by the actor."""
    beyond = [] if p.kind == "system" else roles_beyond(_manager_roles(p), user.roles)
    if beyond:
        raise Forbidden(f"{user.username} holds {', '.join(beyond)}, which you may not grant: you may not manage that account",
                        {"user_id": [f"holds {', '.join(beyond)}"]})


def _get_org(session: Session, org_id: uuid.UUID) -> Organisation:
    org = session.get(Organisation, org_id)
    if org is None:
        raise InvalidInput("org_id", "no such organisation")
    if not org.active:
        raise InvalidInput("org_id", "organisation is deactivated")
    return org


def create_user(session: Session, settings: Settings, *, username: str, full_name: str, password: str,
                org_id: uuid.UUID | None, roles: list[str], phone: str = "", email: str = "",
                language: str = "zh-CN") -> User:
    """Open an account. Writes: user_account, user_role, audit_log."""
    p = get_principal(session)
    org = _get_org(session, org_id or p.org_id)
    username = username.strip().lower()
    if session.execute(select(User.id).where(User.username == username).execution_options(unscoped=True)).first():
        raise InvalidInput("username", "already taken")
    problem = check_password_rules(password, username)
    if problem:
        raise InvalidInput("password", problem)
    _check_roles(session, org, roles)
    user = User(username=username, full_name=full_name.strip(), org_id=org.id, phone=phone, email=email,
                language=language, password_hash=hash_password(password, settings.password_hash_cost),
                role_rows=[UserRole(role=r) for r in sorted(set(roles))])
    session.add(user)
    session.flush()
    record_audit(session, "user.create", user, after={**snapshot(user), "roles": user.roles})
    return user


def update_user(session: Session, user: User, changes: dict[str, Any]) -> User:
    """Change name, contact, language, roles or active flag. Writes: user_account, user_role, audit_log, refresh_token."""
    p = get_principal(session)
    _require_may_manage(p, user)
    before = {**snapshot(user), "roles": user.roles}
    if "roles" in changes:
        org = session.get(Organisation, user.org_id)
        _check_roles(session, org, changes["roles"])
        if user.id == p.user_id and "admin" in user.roles and "admin" not in changes["roles"]:
            raise InvalidInput("roles", "you cannot remove your own admin role")
        user.role_rows = [UserRole(role=r) for r in sorted(set(changes["roles"]))]
    if changes.get("active") is False and user.id == p.user_id:
        raise InvalidInput("active", "you cannot deactivate yourself")
    if "active" in changes and changes["active"] != user.active:
        # Deactivation ends every session; reactivation revives none of them.
        _end_sessions(session, user)
    for key in ("full_name", "phone", "email", "language", "active"):
        if key in changes:
            setattr(user, key, changes[key])
    session.flush()
    b, a = diff_snapshots(before, {**snapshot(user), "roles": user.roles})
    record_audit(session, "user.update", user, before=b, after=a)
    return user


def _end_sessions(session: Session, user: User, keep_family: uuid.UUID | None = None) -> None:
    """End the account's sessions (all but ``keep_family``), and every session acting as it.

    The refresh families are revoked (their access tokens die with them) and the token
    version goes up, so no access token issued before survives, whatever it names.
    """
    user.token_version = User.token_version + 1
    stmt = (update(RefreshToken)
            .where((RefreshToken.user_id == user.id) | (RefreshToken.acting_as_id == user.id),
                   RefreshToken.revoked_at.is_(None))
            .values(revoked_at=utcnow()))
    if keep_family is not None:
        stmt = stmt.where(RefreshToken.family_id != keep_family)
    session.execute(stmt)


def reset_password(session: Session, settings: Settings, user: User, password: str) -> None:
    """Set a new password, clear the failed logins, and end every session of the account.

    Writes: user_account, refresh_token, audit_log.
    """
    _require_may_manage(get_principal(session), user)
    problem = check_password_rules(password, user.username)
    if problem:
        raise InvalidInput("password", problem)
    user.password_hash = hash_password(password, settings.password_hash_cost)
    user.failures_cleared_at = utcnow()
    _end_sessions(session, user)
    session.flush()
    record_audit(session, "user.reset_password", user)


def change_own_password(session: Session, settings: Settings, current: str, new: str) -> TokenPair:
    """Change one's own password: every other session ends; this one goes on with a fresh pair
    (its tokens carried the old token version). Writes: user_account, refresh_token, audit_log."""
    p = get_principal(session)
    if p.actor_id is not None:
        raise Forbidden("leave the switched session to change a password")
    user = session.get(User, p.user_id)
    if not verify_password(user.password_hash, current, settings.password_hash_cost):
        raise InvalidInput("current_password", "is wrong")
    problem = check_password_rules(new, user.username)
    if problem:
        raise InvalidInput("new_password", problem)
    user.password_hash = hash_password(new, settings.password_hash_cost)
    _end_sessions(session, user, keep_family=p.session_id)
    session.flush()
    live = session.execute(
        select(RefreshToken).where(RefreshToken.family_id == p.session_id, RefreshToken.revoked_at.is_(None))
    ).scalars().all() if p.session_id else []
    pair, row = _issue_pair(session, settings, user, None, p.session_id if live else None)
    for old in live:  # rotated, as on refresh: the old refresh token presented again is theft
        old.revoked_at = utcnow()
        old.replaced_by_id = row.id
    record_audit(session, "user.change_password", user)
    return pair


def unlock_user(session: Session, user: User) -> User:
    """Forget the account's failed logins: every address may try again at once. Writes: user_account, audit_log."""
    _require_may_manage(get_principal(session), user)
    user.failures_cleared_at = utcnow()
    session.flush()
    record_audit(session, "user.unlock", user, after={"failures_cleared_at": user.failures_cleared_at.isoformat()})
    return user
