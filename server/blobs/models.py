"""Photos uploaded by devices, content-addressed by SHA-256 (the bytes live in a BlobStorage)."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, IdMixin, utcnow
from ..org.models import OrgOwned


class Blob(Base):
    __tablename__ = "blob"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    media_type: Mapped[str] = mapped_column(String(32))
    size: Mapped[int]
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class BlobUpload(IdMixin, OrgOwned, Base):
    """Which organisations uploaded a blob: their users may read it (scoped like every OrgOwned record)."""

    __tablename__ = "blob_upload"
    __table_args__ = (UniqueConstraint("sha256", "org_id"),)

    sha256: Mapped[str] = mapped_column(ForeignKey("blob.sha256"), index=True)
    uploaded_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"))
    uploaded_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
