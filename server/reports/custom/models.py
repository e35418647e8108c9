"""A saved custom report: its owner's spec under a name, shared with an organisation or a role.

Not ``OrgOwned``: who may read one is its owner, the organisation it is shared with, or the holders
of the role it is shared with (``operations.visible``). A report holds no data, only its spec;
running it is scoped by the reader's organisation like any other query.
"""

from __future__ import annotations

import uuid

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ...db import Base, IdMixin, JSONType, TimestampMixin


class SavedReport(IdMixin, TimestampMixin, Base):
    __tablename__ = "saved_report"
    __table_args__ = (UniqueConstraint("owner_id", "name"),)

    owner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"), index=True)
    # The owner's organisation when saved: a role share reaches that organisation's holders.
    org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisation.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    spec: Mapped[dict] = mapped_column(JSONType)
    shared_org_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    shared_role: Mapped[str | None] = mapped_column(String(24))
    updated_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
