"""Read side of auth: who a token belongs to, login records."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import Unauthorized
from ..settings import Settings
from .models import LoginRecord, RefreshToken, User
from .operations import principal_for, users_by_id
from .principal import Principal
from .tokens import decode_access_token


def principal_from_token(session: Session, settings: Settings, token: str, request_id: str | None) -> Principal:
    """Decode the token and load the account on every request, so deactivation bites at once.

    The session must still be on: the owner's (the administrator's, while switched) token
    version must be the one the token was issued under (a password set or a deactivation
    raises it), and the refresh family it names must have a live row (logout, leaving a
    switch, a reused refresh token and every session end revoke it). One indexed lookup.
    """
    claims = decode_access_token(settings, token)
    users = users_by_id(session, [claims.user_id, claims.actor_id])
    user = users.get(claims.user_id)
    actor = users.get(claims.actor_id) if claims.actor_id else None
    if user is None or not user.active or (claims.actor_id and (actor is None or not actor.active)):
        raise Unauthorized("account is deactivated or gone")
    if actor is not None and "admin" not in actor.roles:
        raise Unauthorized("acting user is no longer an administrator")
    owner = actor or user
    if claims.version != owner.token_version or (
            claims.session_id is not None and not _session_is_live(session, claims.session_id, owner.id)):
        raise Unauthorized("the session has ended", reason="session_ended")
    return principal_for(session, user, actor, request_id, claims.session_id)


def _session_is_live(session: Session, family_id, owner_id) -> bool:
    return session.execute(
        select(RefreshToken.id).where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None),
                                      RefreshToken.user_id == owner_id).limit(1)
    ).first() is not None


def login_records_query(args: dict):
    stmt = select(LoginRecord).order_by(LoginRecord.at.desc(), LoginRecord.id.desc())
    if args.get("username"):
        stmt = stmt.where(LoginRecord.username == args["username"].strip().lower())
    if args.get("outcome"):
        stmt = stmt.where(LoginRecord.outcome == args["outcome"])
    if args.get("since"):
        stmt = stmt.where(LoginRecord.at >= args["since"])
    if args.get("until"):
        stmt = stmt.where(LoginRecord.at < args["until"])
    return stmt


def users_query(args: dict):
    stmt = select(User).order_by(User.username)
    if args.get("q"):
        like = f"%{args['q'].strip().lower()}%"
        stmt = stmt.where(User.username.ilike(like) | User.full_name.ilike(like))
    if args.get("org_id"):
        stmt = stmt.where(User.org_id == args["org_id"])
    if args.get("active") is not None:
        stmt = stmt.where(User.active == args["active"])
    if args.get("role"):
        from .models import UserRole

        stmt = stmt.where(User.id.in_(select(UserRole.user_id).where(UserRole.role == args["role"])))
    return stmt
