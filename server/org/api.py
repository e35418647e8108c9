"""Organisation directory (readable by every user) and its management (headquarters)."""

from __future__ import annotations

from flask.views import MethodView

from sqlalchemy import or_, select

from ..errors import NotFound
from ..http import Blueprint, db_session, paginate, permission
from . import operations as ops
from .models import Organisation
from .schemas import OrganisationCreateIn, OrganisationListArgs, OrganisationOut, OrganisationPage, OrganisationUpdateIn

blp = Blueprint("organisations", __name__, url_prefix="/api/organisations",
                description="Headquarters and service points (spec §14.3)")


@blp.route("")
class Organisations(MethodView):
    @permission("org.view")
    @blp.arguments(OrganisationListArgs, location="query")
    @blp.response(200, OrganisationPage)
    def get(self, args):
        stmt = select(Organisation).order_by(Organisation.level, Organisation.code)
        if args.get("q"):
            like = f"%{args['q'].strip()}%"
            stmt = stmt.where(or_(Organisation.code.ilike(like), Organisation.name.ilike(like)))
        for key in ("kind", "active", "parent_id"):
            if args.get(key) is not None:
                stmt = stmt.where(getattr(Organisation, key) == args[key])
        return paginate(db_session(), stmt, args)

    @permission("org.manage")
    @blp.arguments(OrganisationCreateIn)
    @blp.response(201, OrganisationOut)
    def post(self, data):
        session = db_session()
        org = ops.create_organisation(session, data)
        session.commit()
        return org


def _get(org_id) -> Organisation:
    org = db_session().get(Organisation, org_id)
    if org is None:
        raise NotFound("no such organisation")
    return org


@blp.route("/<uuid:org_id>")
class OrganisationItem(MethodView):
    @permission("org.view")
    @blp.response(200, OrganisationOut)
    def get(self, org_id):
        return _get(org_id)

    @permission("org.manage")
    @blp.arguments(OrganisationUpdateIn)
    @blp.response(200, OrganisationOut)
    def patch(self, data, org_id):
        session = db_session()
        org = ops.update_organisation(session, _get(org_id), data)
        session.commit()
        return org
