"""Notes on orders: free-text remarks from the counter or the workshop."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, IdMixin, utcnow
from ..org.models import OrgOwned


class OrderNote(IdMixin, OrgOwned, Base):
    __tablename__ = "order_note"

    order_id: Mapped[uuid.UUID] = mapped_column(index=True)
    text: Mapped[str] = mapped_column(String(2000))
    author_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"))
    # Set when the note came from a device: the event's id (one note per event) and clock.
    event_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    device_id: Mapped[str] = mapped_column(String(64), default="")
    written_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
