"""Photos: upload (content-addressed) and download."""

from __future__ import annotations

import re
from pathlib import Path

import marshmallow as ma
from flask import current_app, request, send_file
from sqlalchemy import select

from ..errors import NotFound
from ..http import Blueprint, Schema, db_session, permission, settings
from .models import Blob, BlobUpload
from .operations import MEDIA_TYPES, store_blob
from .storage import LocalBlobStorage

blp = Blueprint("blobs", __name__, url_prefix="/api/blobs", description="Photos (appearance photos, signatures as images)")

_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class BlobOut(Schema):
    sha256 = ma.fields.String()
    media_type = ma.fields.String()
    size = ma.fields.Integer()


def blob_storage() -> LocalBlobStorage:
    storage = current_app.extensions.get("aftercare.blobs")
    if storage is None:
        storage = LocalBlobStorage(Path(settings().var_dir) / "blobs")
        current_app.extensions["aftercare.blobs"] = storage
    return storage


@blp.route("", methods=["POST"])
@permission("blob.upload")
@blp.doc(requestBody={"required": True, "description": "The image bytes (JPEG, PNG or WebP; the type is read from the content).",
                      "content": {m: {"schema": {"type": "string", "format": "binary"}} for m in MEDIA_TYPES}})
@blp.response(201, BlobOut, description="Stored")
@blp.alt_response(200, schema=BlobOut, description="These bytes were already stored (a re-upload)", success=True)
def upload_blob():
    """Store a photo; the answer names it by SHA-256, which events then carry."""
    request.max_content_length = settings().blob_max_bytes
    data = request.get_data(cache=False)
    session = db_session()
    blob, created = store_blob(session, blob_storage(), data)
    session.commit()
    return blob, 201 if created else 200


@blp.route("/<sha256>", methods=["GET"])
@permission("blob.view")
@blp.response(200, description="The image bytes")
def get_blob(sha256):
    """A photo, to users of an organisation that uploaded it."""
    if not _SHA256.match(sha256):
        raise NotFound("no such photo")
    session = db_session()
    visible = session.execute(select(BlobUpload.id).where(BlobUpload.sha256 == sha256).limit(1)).first()
    blob = session.get(Blob, sha256) if visible else None
    if blob is None:
        raise NotFound("no such photo")
    resp = send_file(blob_storage().path(sha256), mimetype=blob.media_type, etag=sha256, conditional=True)
    resp.headers["Cache-Control"] = "private, max-age=31536000, immutable"
    return resp
