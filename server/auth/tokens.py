"""Access tokens (JWT, HS256) and opaque refresh tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import uuid
from dataclasses import dataclass

import jwt

from ..errors import Unauthorized
from ..settings import Settings

ISSUER = "aftercare"
ALGORITHM = "HS256"


@dataclass(frozen=True)
class AccessClaims:
    user_id: uuid.UUID
    actor_id: uuid.UUID | None
    expires_at: dt.datetime
    # The session owner's token version (the actor's while switched; absent in old tokens: 0)
    # and the refresh family the token came from: both checked on every request.
    version: int = 0
    session_id: uuid.UUID | None = None


def issue_access_token(settings: Settings, user_id: uuid.UUID, actor_id: uuid.UUID | None = None, *,
                       version: int = 0, session_id: uuid.UUID | None = None) -> tuple[str, int]:
    now = dt.datetime.now(dt.timezone.utc)
    ttl = settings.access_token_minutes * 60
    claims = {
        "iss": ISSUER,
        "typ": "access",
        "sub": str(user_id),
        "iat": int(now.timestamp()),
        "exp": int(now.timestamp()) + ttl,
        "jti": secrets.token_hex(8),
        "ver": version,
    }
    if session_id is not None:
        claims["sid"] = str(session_id)
    if actor_id is not None:
        # RFC 8693 "act": the administrator acting as this user.
        claims["act"] = {"sub": str(actor_id)}
    return jwt.encode(claims, settings.jwt_secret, algorithm=ALGORITHM), ttl


def decode_access_token(settings: Settings, token: str) -> AccessClaims:
    try:
        claims = jwt.decode(
            token, settings.jwt_secret, algorithms=[ALGORITHM], issuer=ISSUER,
            options={"require": ["exp", "iat", "sub", "iss"]},
        )
    except jwt.ExpiredSignatureError:
        raise Unauthorized("access token expired", reason="token_expired") from None
    except jwt.PyJWTError:
        raise Unauthorized("invalid access token") from None
    if claims.get("typ") != "access":
        raise Unauthorized("not an access token")
    try:
        user_id = uuid.UUID(claims["sub"])
        act = claims.get("act")
        actor_id = uuid.UUID(act["sub"]) if act else None
        version = claims.get("ver", 0)
        if not isinstance(version, int) or isinstance(version, bool):
            raise TypeError
        session_id = uuid.UUID(claims["sid"]) if "sid" in claims else None
    except (ValueError, TypeError, KeyError, AttributeError):
        raise Unauthorized("invalid access token") from None
    return AccessClaims(user_id, actor_id, dt.datetime.fromtimestamp(claims["exp"], dt.timezone.utc), version, session_id)


def new_refresh_token() -> tuple[str, str]:
    """(token for the client, hash to store)."""
    token = secrets.token_urlsafe(32)
    return token, hash_refresh_token(token)


def hash_refresh_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
