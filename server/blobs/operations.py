"""Storing uploaded photos."""

from __future__ import annotations

import hashlib

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..auth.principal import get_principal
from ..errors import InvalidInput
from .models import Blob, BlobUpload
from .storage import BlobStorage

MEDIA_TYPES = ("image/jpeg", "image/png", "image/webp")


def sniff_media_type(data: bytes) -> str | None:
    """The image type from the magic bytes; the name and the declared type are not trusted."""
    if data[:3] == b"\xff\xd8\xff":
        return "image/jpeg"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "image/png"
    if len(data) >= 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def store_blob(session: Session, storage: BlobStorage, data: bytes) -> tuple[Blob, bool]:
    """Keep a photo by its SHA-256 and note the uploader's organisation. Returns (blob, created).
    Re-uploading the same bytes changes nothing. Writes: the storage, blob, blob_upload."""
    media_type = sniff_media_type(data)
    if media_type is None:
        raise InvalidInput("file", "must be a JPEG, PNG or WebP image")
    sha = hashlib.sha256(data).hexdigest()
    principal = get_principal(session)
    blob = session.get(Blob, sha)
    created = blob is None
    storage.put(sha, data)  # before the row: a row never names missing bytes
    if blob is None:
        blob = Blob(sha256=sha, media_type=media_type, size=len(data))
        session.add(blob)
        session.flush()
    mine = session.execute(select(BlobUpload.id).where(BlobUpload.sha256 == sha, BlobUpload.org_id == principal.org_id)).first()
    if mine is None and principal.org_id is not None:
        session.add(BlobUpload(sha256=sha, org_id=principal.org_id, uploaded_by=principal.user_id))
        session.flush()
    return blob, created
