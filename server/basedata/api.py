"""REST endpoints for every base-data kind, generated from the registry, plus the counter lookups."""

from __future__ import annotations

import datetime as dt

import marshmallow as ma
from flask import Response, request
from flask.views import MethodView
from flask_smorest.fields import Upload
from sqlalchemy import select

from ..errors import InvalidInput, NotFound
from ..http import Blueprint, Schema, body_limit, db_session, paginate, permission, settings
from . import operations as ops
from .importexport import export_rows, import_rows, read_table, write_file
from .kinds import KINDS, Kind
from .queries import check_warranty, list_query, lookup_phone, model_for_imei
from .schemas import (ExportArgs, ImportArgs, ImportResult, PhoneLookupOut, WarrantyCheckArgs, WarrantyCheckOut,
                      schemas_for)
from .text import imei_problem, normalise_imei


class ImportFile(Schema):
    file = Upload(required=True)


def _get(kind: Kind, record_id):
    obj = db_session().execute(select(kind.model).where(kind.model.id == record_id)).scalar_one_or_none()
    if obj is None:
        raise NotFound(f"no such record in {kind.name}")
    return obj


def make_blueprint(kind: Kind) -> Blueprint:
    s = schemas_for(kind.name)
    blp = Blueprint(f"basedata_{kind.name}", __name__, url_prefix=f"/api/{kind.name}",
                    description=f"{kind.label['zh-CN']} / {kind.label['en']}")

    @blp.route("")
    class Collection(MethodView):
        @permission(kind.view_perm)
        @blp.arguments(s["list"], location="query")
        @blp.response(200, s["page"])
        def get(self, args):
            """List with filters; `q` searches by prefix (pinyin initials too)."""
            session = db_session()
            stmt, capped = list_query(session, kind, args)
            return paginate(session, stmt, args, capped=capped)

        @permission(kind.manage_perm)
        @blp.arguments(s["create"])
        @blp.response(201, s["out"])
        def post(self, data):
            session = db_session()
            obj = ops.create_record(session, kind, data)
            session.commit()
            return obj

    @blp.route("/<uuid:record_id>")
    class Item(MethodView):
        @permission(kind.view_perm)
        @blp.response(200, s["out"])
        def get(self, record_id):
            return _get(kind, record_id)

        @permission(kind.manage_perm)
        @blp.arguments(s["update"])
        @blp.response(200, s["out"])
        def patch(self, data, record_id):
            """Change fields; `active: false` deactivates a record that is in use."""
            session = db_session()
            obj = ops.update_record(session, kind, _get(kind, record_id), data)
            session.commit()
            return obj

        @permission(kind.delete_perm)
        @blp.response(204)
        def delete(self, record_id):
            """Delete a record nothing uses (409 if in use: deactivate it instead)."""
            session = db_session()
            ops.delete_record(session, kind, _get(kind, record_id))
            session.commit()

    @blp.route("/import", methods=["POST"])
    @permission(kind.import_perm)
    @body_limit("max_import_bytes")
    @blp.arguments(ImportArgs, location="query")
    @blp.arguments(ImportFile, location="files")
    @blp.response(200, ImportResult)
    def import_records(args, files):
        """Import .xlsx or .csv: every bad row reported, nothing written unless all rows are good."""
        upload = files["file"]
        session = db_session()
        report = import_rows(session, kind, read_table(upload.filename or "", upload.read()), dry_run=args["dry_run"])
        if report.ok and not report.dry_run:
            session.commit()
        else:
            session.rollback()
        return report

    @blp.route("/export", methods=["GET"])
    @permission(kind.export_perm)
    @blp.arguments(ExportArgs, location="query")
    @blp.response(200, description="The records as .xlsx or .csv, in the import columns")
    def export_records(args):
        fmt = args["format"]
        session = db_session()
        written = [0]

        def counted(rows):
            for written[0], row in enumerate(rows):
                yield row

        data = write_file(counted(export_rows(session, kind)), fmt)
        ops.record_export(session, kind, fmt, written[0])  # rows after the header
        session.commit()
        mime = "text/csv; charset=utf-8" if fmt == "csv" else \
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        name = f"{kind.name}-{dt.date.today().isoformat()}.{fmt}"
        return Response(data, mimetype=mime, headers={"Content-Disposition": f'attachment; filename="{name}"'})

    return blp


lookup_blp = Blueprint("lookup", __name__, url_prefix="/api/lookup", description="Counter lookups: IMEI, phone, warranty")


class ImeiOut(Schema):
    imei = ma.fields.String()
    valid = ma.fields.Boolean()
    problem = ma.fields.String(allow_none=True)
    model_id = ma.fields.UUID(allow_none=True)
    warranty = ma.fields.Nested(WarrantyCheckOut, allow_none=True)


@lookup_blp.route("/warranty", methods=["GET"])
@permission("customer.view")
@lookup_blp.arguments(WarrantyCheckArgs, location="query")
@lookup_blp.response(200, WarrantyCheckOut)
def warranty(args):
    """The default warranty status for an IMEI, from its warranty card or a stated purchase date."""
    imei = normalise_imei(args["imei"])
    problem = imei_problem(imei)
    if problem:
        raise InvalidInput("imei", problem)
    on = args.get("on") or ops.today_in(settings().timezone)
    return check_warranty(db_session(), imei, on, args.get("purchase_date"))


@lookup_blp.route("/imei/<imei>", methods=["GET"])
@permission("customer.view")
@lookup_blp.response(200, ImeiOut)
def imei(imei):
    """Is the IMEI valid, which model (TAC or warranty card), and its warranty today."""
    imei = normalise_imei(imei)
    problem = imei_problem(imei)
    if problem:
        return {"imei": imei[:20], "valid": False, "problem": problem, "model_id": None, "warranty": None}
    session = db_session()
    verdict = check_warranty(session, imei, ops.today_in(settings().timezone))
    return {"imei": imei, "valid": True, "problem": None, "model_id": verdict.model_id or model_for_imei(session, imei),
            "warranty": verdict}


@lookup_blp.route("/phone/<phone>", methods=["GET"])
@permission("customer.view")
@lookup_blp.response(200, PhoneLookupOut)
def phone(phone):
    """What base data holds for a calling number: the member and their warranty cards."""
    if len(phone) > 20:
        raise InvalidInput("phone", "too long")
    session = db_session()
    member, cards = lookup_phone(session, phone)
    ops.audit_lookup(session, ([member] if member else []) + cards, by="phone")
    session.commit()
    return {
        "phone": phone,
        "member": schemas_for("members")["out"]().dump(member) if member else None,
        "warranty_cards": schemas_for("warranty-cards")["out"](many=True).dump(cards),
    }


def blueprints() -> list[Blueprint]:
    return [make_blueprint(k) for k in KINDS.values()] + [lookup_blp]
