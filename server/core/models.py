"""The base of every business document, number counters, closed periods and the audit log."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, ClassVar

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, declared_attr, mapped_column
from sqlalchemy.orm import Session

from ..db import Base, IdMixin, JSONType, utcnow
from ..org.models import OrgOwned
from .lifecycle import DRAFT, DocState


class DocumentMixin(IdMixin, OrgOwned):
    """Columns and hooks shared by every business document.

    A concrete document sets ``DOC_TYPE`` (stable name), ``NUMBER_PREFIX``
    (e.g. ``WX``) and ``AUDITABLE``, and overrides the hooks that its ledgers
    need. ``server.core.operations`` drives the lifecycle.
    """

    DOC_TYPE: ClassVar[str]
    NUMBER_PREFIX: ClassVar[str]
    AUDITABLE: ClassVar[bool] = False

    number: Mapped[str | None] = mapped_column(String(40), unique=True)
    status: Mapped[str] = mapped_column(String(16), default=DRAFT, index=True)
    doc_date: Mapped[dt.date]
    note: Mapped[str] = mapped_column(Text, default="")
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    posted_at: Mapped[dt.datetime | None]
    posted_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    audited_at: Mapped[dt.datetime | None]
    audited_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    reversed_at: Mapped[dt.datetime | None]
    reversed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    reversal_reason: Mapped[str] = mapped_column(String(300), default="")

    @declared_attr
    def reverses_id(cls) -> Mapped[uuid.UUID | None]:
        return mapped_column(ForeignKey(f"{cls.__tablename__}.id"), unique=True)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.__table__.c.version}

    @property
    def doc_state(self) -> DocState:
        return DocState(self.status, self.AUDITABLE, self.reverses_id is not None)

    # -- hooks ---------------------------------------------------------------
    def check_postable(self, session: Session) -> None:
        """Raise a DomainError naming the field if the document cannot be posted."""

    def write_ledgers(self, session: Session) -> None:
        """Write this document's ledger rows; called once, at posting."""

    def build_reversal(self) -> "DocumentMixin":
        """A new draft that undoes this document (opposite ledger rows when posted)."""
        raise NotImplementedError(f"{self.DOC_TYPE} does not support reversal")

    def snapshot(self) -> dict[str, Any]:
        """JSON-safe column values for the audit log."""
        return snapshot(self)

    def new_records(self) -> list[Any]:
        """This new document and its parts (lines), parents first: what a deferred posting inserts."""
        return [self]


_SNAPSHOT_KEYS: dict[Any, tuple[str, ...]] = {}


def snapshot(obj: Any) -> dict[str, Any]:
    keys = _SNAPSHOT_KEYS.get(obj.__table__)
    if keys is None:
        keys = _SNAPSHOT_KEYS[obj.__table__] = tuple(
            c.key for c in obj.__table__.columns if c.key not in ("password_hash", "token_hash"))
    out = {}
    for key in keys:
        value = getattr(obj, key, None)
        # Most values are JSON as they are: a type lookup instead of a call per column.
        out[key] = value if type(value) in _AS_IS else _jsonable(value)
    return out


_AS_IS = frozenset((type(None), bool, int, float, str))


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return str(value)


class DocumentCounter(Base):
    """Last number handed out per document type, organisation and month.

    Incremented inside the posting transaction, so a rolled-back posting
    gives its number back: numbers stay gapless.
    """

    __tablename__ = "document_counter"

    doc_type: Mapped[str] = mapped_column(String(40), primary_key=True)
    org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisation.id"), primary_key=True)
    period: Mapped[str] = mapped_column(String(4), primary_key=True)  # YYMM
    last_value: Mapped[int] = mapped_column(default=0)


class PeriodLock(IdMixin, OrgOwned, Base):
    """Postings dated on or before ``closed_through`` are refused for the organisation."""

    __tablename__ = "period_lock"

    org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisation.id"), unique=True)

    closed_through: Mapped[dt.date]
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))


class AuditLog(IdMixin, OrgOwned, Base):
    """Who did what to which record, with before/after values.

    ``user_id`` is the effective user; ``actor_id`` the administrator behind a
    switched session (spec §16.1), else equal to ``user_id``.
    """

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_entity", "entity_type", "entity_id"),)

    org_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    actor_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    username: Mapped[str] = mapped_column(String(64), default="")
    actor_username: Mapped[str] = mapped_column(String(64), default="")
    source: Mapped[str] = mapped_column(String(16), default="api")
    action: Mapped[str] = mapped_column(String(60))
    entity_type: Mapped[str] = mapped_column(String(60))
    entity_id: Mapped[str] = mapped_column(String(64))
    before: Mapped[dict | None] = mapped_column(JSONType)
    after: Mapped[dict | None] = mapped_column(JSONType)
    request_id: Mapped[str] = mapped_column(String(64), default="")
