"""New records as plain objects: what a deferred posting builds instead of ORM objects.

Making a mapped object costs about ten times a plain one (instrumented attributes, events, the
collection of its lines). A deferred posting's new records never enter the session: they are
written as rows with their batch (``server.core.batch.PendingRows``), so they need none of that.
A plain record has its mapped class's column attributes, with the defaults the ORM would fill
(callable ones, like ids and times, when the row is made), and is checked like one
(``server.org.scoping.model_of``).
"""

from __future__ import annotations

from typing import Any, ClassVar

from sqlalchemy import Table


class Plain:
    """Subclass with ``model=<mapped class>``; instances take column values as keywords."""

    MODEL: ClassVar[type]
    __table__: ClassVar[Table]
    __tablename__: ClassVar[str]
    _static: ClassVar[dict[str, Any]]

    def __init_subclass__(cls, model: type | None = None, **kw) -> None:
        super().__init_subclass__(**kw)
        if model is not None:
            cls.MODEL, cls.__table__, cls.__tablename__ = model, model.__table__, model.__tablename__
            cls._static = {c.key: None if c.default is None or c.default.is_callable else c.default.arg
                           for c in model.__table__.columns}

    def __init__(self, **values: Any) -> None:
        self.__dict__.update(self._static)
        self.__dict__.update(values)
