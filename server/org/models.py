"""Organisations: headquarters and service points of several levels."""

from __future__ import annotations

import uuid

from sqlalchemy import CheckConstraint, ForeignKey, String, or_
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, IdMixin, TimestampMixin

ORG_KINDS = ("hq", "service_point")


class Organisation(IdMixin, TimestampMixin, Base):
    __tablename__ = "organisation"
    __table_args__ = (CheckConstraint("kind IN ('hq', 'service_point')", name="kind"),)

    code: Mapped[str] = mapped_column(String(16), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    kind: Mapped[str] = mapped_column(String(16))
    level: Mapped[int] = mapped_column(default=1)
    # The higher-level service point this one forwards repairs to (spec §1.1 B).
    parent_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    address: Mapped[str] = mapped_column(String(300), default="")
    contact_name: Mapped[str] = mapped_column(String(80), default="")
    contact_phone: Mapped[str] = mapped_column(String(40), default="")
    active: Mapped[bool] = mapped_column(default=True)


class OrgOwned:
    """Mixin for every record that belongs to one organisation.

    Reads are filtered and writes checked by ``server.org.scoping`` for every
    class that has this mixin; views never filter by organisation themselves.
    """

    org_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisation.id"), index=True)

    @classmethod
    def scope_criteria(cls, org_ids):
        """Which rows the organisations ``org_ids`` may read (``server.org.scoping``)."""
        return cls.org_id.in_(org_ids)


class OrgShared(OrgOwned):
    """An ``OrgOwned`` record that one more organisation may see and work: ``shared_org_id``.

    Used for a repair forwarded to the higher-level service point (spec §1.1 B): the order and
    what hangs off it stay the owner's, and the point it was forwarded to reads and writes them
    too. ``server.org.scoping`` applies it, in the one place, to reads and writes alike.
    The column has no foreign key on purpose: it was added to populated tables, and SQLite can
    add a constraint only by rebuilding the table (and, with foreign keys on, not while other
    tables reference its rows); the operations that set it check the organisation.
    """

    shared_org_id: Mapped[uuid.UUID | None] = mapped_column(index=True)

    @classmethod
    def scope_criteria(cls, org_ids):
        return or_(cls.org_id.in_(org_ids), cls.shared_org_id.in_(org_ids))


class PersonalData:
    """Mixin for a network-wide record of a person: a member (customer), a warranty card.

    Not owned by one organisation: a returning customer walks into any service point, so any point
    finds one by its exact key (phone, IMEI; ``server.org.scoping.exact``). Lists, searches, reads
    by id and changes are limited to the records the point served (``served_criteria``), applied by
    ``server.org.scoping`` like ``OrgOwned``. ``registered_org_id``: the point that registered it.
    """

    @classmethod
    def served_criteria(cls, org_ids):
        """Which rows the organisations ``org_ids`` served: registered there, or repaired there."""
        raise NotImplementedError

    @staticmethod
    def served_loader_criteria(org_ids):
        """``with_loader_criteria(<the model>, lambda cls: cls.served_criteria(org_ids))``, written
        out in each model: SQLAlchemy analyses a criteria lambda once per code object, with the
        class it was given first, and the models' criteria differ in shape."""
        raise NotImplementedError
