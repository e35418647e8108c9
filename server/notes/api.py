"""Notes on an order (devices add them through sync, as `note` events)."""

from __future__ import annotations

from sqlalchemy import select

from ..http import Blueprint, db_session, paginate, permission
from .models import OrderNote
from .schemas import NoteListArgs, NotePage

blp = Blueprint("notes", __name__, url_prefix="/api/notes", description="Notes on orders")


@blp.route("", methods=["GET"])
@permission("note.view")
@blp.arguments(NoteListArgs, location="query")
@blp.response(200, NotePage)
def list_notes(args):
    """An order's notes in the order they were written."""
    stmt = select(OrderNote).where(OrderNote.order_id == args["order_id"]).order_by(OrderNote.written_at, OrderNote.id)
    return paginate(db_session(), stmt, args)
