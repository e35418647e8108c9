"""User accounts, their roles, refresh tokens and the login record (spec §12.4, §13.1)."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import Base, IdMixin, TimestampMixin, utcnow
from ..org.models import OrgOwned


class User(IdMixin, TimestampMixin, OrgOwned, Base):
    __tablename__ = "user_account"

    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(80))
    password_hash: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(120), default="")
    language: Mapped[str] = mapped_column(String(8), default="zh-CN")
    active: Mapped[bool] = mapped_column(default=True)
    # Raised whenever the account's sessions must end (a password set, deactivation): every
    # access token carries the version it was issued under and is refused once it differs.
    token_version: Mapped[int] = mapped_column(default=0)
    # Failed logins before this instant no longer slow this account's logins down ("unlock").
    failures_cleared_at: Mapped[dt.datetime | None]
    last_login_at: Mapped[dt.datetime | None]

    role_rows: Mapped[list["UserRole"]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="UserRole.role"
    )

    @property
    def roles(self) -> list[str]:
        return [r.role for r in self.role_rows]


class UserRole(Base):
    __tablename__ = "user_role"

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(32), primary_key=True)


class RefreshToken(IdMixin, Base):
    """A login session. Only the SHA-256 of the token is stored.

    Tokens rotate on every refresh; presenting a rotated-out token again is
    treated as theft and revokes the whole family.
    """

    __tablename__ = "refresh_token"
    # Every authenticated request asks whether its session (family) still has a live row.
    __table_args__ = (Index("ix_refresh_token_family_live", "family_id", "revoked_at"),)

    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    family_id: Mapped[uuid.UUID]
    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"), index=True)
    # Set while an administrator acts as another user (spec §16.1).
    acting_as_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime]
    revoked_at: Mapped[dt.datetime | None]
    replaced_by_id: Mapped[uuid.UUID | None]


class LoginRecord(IdMixin, Base):
    """Every login attempt. The login throttle counts failures from these rows (server.auth.throttle)."""

    __tablename__ = "login_record"
    __table_args__ = (Index("ix_login_record_username_ip_at", "username", "ip", "at"),
                      Index("ix_login_record_ip_at", "ip", "at"))

    at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    username: Mapped[str] = mapped_column(String(64), index=True)
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    org_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organisation.id"))
    ip: Mapped[str] = mapped_column(String(64), default="")
    user_agent: Mapped[str] = mapped_column(String(300), default="")
    # ok, bad_password, unknown_user, inactive, throttled (locked: rows from before the throttle)
    outcome: Mapped[str] = mapped_column(String(16))
