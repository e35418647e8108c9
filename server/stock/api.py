"""Warehouse documents (spec §9), current stock, moves, serials, shortages."""

from __future__ import annotations

from flask.views import MethodView
from sqlalchemy import select

from ..basedata.operations import today_in
from ..basedata.text import normalise_imei
from ..core.operations import record_audit
from ..db import writing
from ..errors import NotFound
from ..exports import xlsx_response
from ..http import Blueprint, db_session, paginate, permission, principal, settings
from . import operations as ops
from .documents import DOC_TYPES, DocType
from .ledger import rebuild_check
from .models import Shortage, StockDocument
from .queries import (current_stock, describe_moves, documents_query, documents_totals, export_header, export_rows,
                      get_document, moves_query, serial_whereabouts, shortages_query)
from .schemas import (CheckOut, DocumentExportArgs, DocumentIn, DocumentListArgs, DocumentOut, DocumentPage,
                      DocumentUpdateIn, MoveArgs, MovePage, ReverseIn, SerialOut, ShortageArgs, ShortageIn, ShortageOut,
                      ShortagePage, StockArgs, StockPage)
from .shortages import close_shortage, register_shortage

ENGINEER_TYPES = {"engineer_requisition", "engineer_return", "engineer_use"}


def _get(doc_type: str, doc_id) -> StockDocument:
    return get_document(db_session(), doc_type, doc_id)


def blueprint_name(t: DocType) -> str:
    """The name of a document type's blueprint (``server.meta.documents`` finds its routes by it)."""
    return f"stock_{t.name}"


def make_blueprint(t: DocType) -> Blueprint:
    manage = "stock.requisition" if t.name in ENGINEER_TYPES else "stock.manage"
    post_perm = "stock.requisition" if t.name in ENGINEER_TYPES else "stock.post"
    slug = t.name.replace("_", "-")
    blp = Blueprint(blueprint_name(t), __name__, url_prefix=f"/api/stock/{slug}s",
                    description=f"{t.label['zh-CN']} / {t.label['en']}")

    @blp.route("")
    class Collection(MethodView):
        @permission("stock.view")
        @blp.arguments(DocumentListArgs, location="query")
        @blp.response(200, DocumentPage)
        def get(self, args):
            session = db_session()
            return {**paginate(session, documents_query(t.name, args), args),
                    "totals": documents_totals(session, t.name, args)}

        @permission(manage)
        @blp.arguments(DocumentIn)
        @blp.response(201, DocumentOut)
        def post(self, data):
            """A draft; it touches no stock until posted."""
            session = db_session()
            data.setdefault("doc_date", today_in(settings().timezone))
            doc = ops.create_stock_document(session, t.name, data)
            session.commit()
            return doc

    @blp.route("/export", methods=["GET"])
    @permission("stock.view")
    @blp.arguments(DocumentExportArgs, location="query")
    @blp.response(200, description="The filtered list as .xlsx, one row per line, in the list's order (streamed)")
    def export_documents(args):
        """The list with its filters and sort, every document and line, as Excel (the shared
        constant-memory writer, ``server.exports``); audited with the filters and the row count."""
        session = db_session()
        header, widths = export_header(t, args["lang"])

        def audit(rows: int) -> None:
            filters = {k: str(v) for k, v in args.items() if k not in ("format", "lang")}
            with writing(session):
                record_audit(session, "stock_documents.export", entity_type="stock_document",
                             after={"doc_type": t.name, "format": args["format"], "rows": rows, "filters": filters})

        name = f"{slug}s-{today_in(settings().timezone).isoformat()}.xlsx"
        return xlsx_response(name, header, export_rows(session, t, args, args["lang"]), widths, on_written=audit)

    @blp.route("/<uuid:doc_id>")
    class Item(MethodView):
        @permission("stock.view")
        @blp.response(200, DocumentOut)
        def get(self, doc_id):
            return _get(t.name, doc_id)

        @permission(manage)
        @blp.arguments(DocumentUpdateIn)
        @blp.response(200, DocumentOut)
        def patch(self, data, doc_id):
            session = db_session()
            doc = ops.update_stock_document(session, _get(t.name, doc_id), data)
            session.commit()
            return doc

        @permission(manage)
        @blp.response(204)
        def delete(self, doc_id):
            from ..core.operations import delete_draft

            session = db_session()
            delete_draft(session, _get(t.name, doc_id))
            session.commit()

    @blp.route("/<uuid:doc_id>/post", methods=["POST"])
    @permission(post_perm)
    @blp.response(200, DocumentOut)
    def post_document(doc_id):
        """Number the document and move the stock (refused whole if any line cannot move)."""
        session = db_session()
        doc = ops.post_stock_document(session, _get(t.name, doc_id))
        session.commit()
        return doc

    @blp.route("/<uuid:doc_id>/reverse", methods=["POST"])
    @permission(post_perm)
    @blp.arguments(ReverseIn)
    @blp.response(201, DocumentOut)
    def reverse_document(data, doc_id):
        """红冲: a linked document with the exact opposite moves; returns it."""
        session = db_session()
        reversal = ops.reverse_stock_document(session, _get(t.name, doc_id), data["reason"], data["on"])
        session.commit()
        return reversal

    return blp


stock_blp = Blueprint("stock", __name__, url_prefix="/api/stock", description="Current stock, moves, serials")


@stock_blp.route("/current", methods=["GET"])
@permission("stock.view")
@stock_blp.arguments(StockArgs, location="query")
@stock_blp.response(200, StockPage)
def current(args):
    """当前库存: quantity and value per warehouse and item (headquarters: every organisation)."""
    return current_stock(db_session(), args)


@stock_blp.route("/moves", methods=["GET"])
@permission("stock.view")
@stock_blp.arguments(MoveArgs, location="query")
@stock_blp.response(200, MovePage)
def moves(args):
    """Moves, newest first; each names its item and both locations (a document's ledger: ``doc_id``)."""
    session = db_session()
    page = paginate(session, moves_query(args), args)
    return {**page, "items": describe_moves(session, page["items"])}


@stock_blp.route("/serials/<serial>", methods=["GET"])
@permission("stock.view")
@stock_blp.response(200, SerialOut(many=True))
def serial(serial):
    """Where an IMEI/serial-tracked unit is, and its moves."""
    return serial_whereabouts(db_session(), normalise_imei(serial[:40]))


@stock_blp.route("/check", methods=["GET"])
@permission("stock.check")
@stock_blp.response(200, CheckOut)
def check():
    """Rebuild balances and average costs from the ledger and compare with the cached ones."""
    problems = rebuild_check(db_session())
    return {"consistent": not problems, "problems": problems[:100]}


# The shortage register (缺料单, spec §9.10): a blueprint of its own, so the workspace finds its routes
# by the shape every type has (server.meta.documents.SHORTAGE_ROUTES).
shortage_blp = Blueprint("stock_shortages", __name__, url_prefix="/api/stock/shortages",
                         description="缺料单 / Shortage register: repairs waiting for parts")


@shortage_blp.route("", methods=["GET"])
@permission("stock.view")
@shortage_blp.arguments(ShortageArgs, location="query")
@shortage_blp.response(200, ShortagePage)
def shortages(args):
    """Repairs waiting for parts, newest first; `ready` once stock arrived (scoped by organisation)."""
    return paginate(db_session(), shortages_query(args), args)


@shortage_blp.route("", methods=["POST"])
@permission("stock.requisition")
@shortage_blp.arguments(ShortageIn)
@shortage_blp.response(201, ShortageOut)
def add_shortage(data):
    session = db_session()
    org_id = data.pop("org_id") or principal().org_id
    row = register_shortage(session, org_id=org_id, **data)
    session.commit()
    return row


def _shortage(sid) -> Shortage:
    row = db_session().execute(select(Shortage).where(Shortage.id == sid)).scalar_one_or_none()
    if row is None:
        raise NotFound("no such shortage")
    return row


@shortage_blp.route("/<uuid:sid>", methods=["GET"])
@permission("stock.view")
@shortage_blp.response(200, ShortageOut)
def get_shortage(sid):
    return _shortage(sid)


@shortage_blp.route("/<uuid:sid>/fulfil", methods=["POST"])
@permission("stock.requisition")
@shortage_blp.response(200, ShortageOut)
def fulfil_shortage(sid):
    """The part was drawn: the shortage is closed."""
    session = db_session()
    row = close_shortage(session, _shortage(sid), "fulfilled")
    session.commit()
    return row


@shortage_blp.route("/<uuid:sid>/cancel", methods=["POST"])
@permission("stock.requisition")
@shortage_blp.response(200, ShortageOut)
def cancel_shortage(sid):
    """Nobody waits any more: the shortage is closed without a part."""
    session = db_session()
    row = close_shortage(session, _shortage(sid), "cancelled")
    session.commit()
    return row


def blueprints() -> list[Blueprint]:
    return [make_blueprint(t) for t in DOC_TYPES.values()] + [stock_blp, shortage_blp]
