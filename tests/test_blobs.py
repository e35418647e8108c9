"""Photos: content-addressed upload, sniffed type, size limit, organisation-scoped reads."""

from __future__ import annotations

import hashlib

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"jpeg-body" * 20
WEBP = b"RIFF\x24\x00\x00\x00WEBPVP8 " + b"\x00" * 32


def upload(client, net, username, data, content_type="image/jpeg"):
    return client.post("/api/blobs", data=data, content_type=content_type, headers=net.headers(username))


def test_upload_is_content_addressed_and_a_reupload_is_a_no_op(client, net, app):
    r = upload(client, net, "sz01.clerk", JPEG, "application/octet-stream")  # the declared type is not trusted
    assert r.status_code == 201, r.json
    sha = hashlib.sha256(JPEG).hexdigest()
    assert r.json == {"sha256": sha, "media_type": "image/jpeg", "size": len(JPEG)}
    again = upload(client, net, "sz01.manager", JPEG)
    assert again.status_code == 200 and again.json["sha256"] == sha
    got = client.get(f"/api/blobs/{sha}", headers=net.headers("sz01.clerk"))
    assert got.status_code == 200 and got.data == JPEG and got.mimetype == "image/jpeg"
    assert "immutable" in got.headers["Cache-Control"]
    for data, media in ((PNG, "image/png"), (WEBP, "image/webp")):
        assert upload(client, net, "sz01.clerk", data).json["media_type"] == media


def test_other_organisations_cannot_read_a_photo_until_they_upload_it(client, net):
    sha = upload(client, net, "sz01.clerk", PNG).json["sha256"]
    assert client.get(f"/api/blobs/{sha}", headers=net.headers("gz01.clerk")).status_code == 404
    assert client.get(f"/api/blobs/{sha}", headers=net.headers("hq")).status_code == 200  # headquarters sees all
    assert upload(client, net, "gz01.clerk", PNG).status_code == 200
    assert client.get(f"/api/blobs/{sha}", headers=net.headers("gz01.clerk")).status_code == 200


def test_non_images_oversized_and_bad_names_are_refused(client, net, app):
    r = upload(client, net, "sz01.clerk", b"GIF89a" + b"\x00" * 10, "image/jpeg")
    assert r.status_code == 422 and "file" in r.json["errors"]
    assert upload(client, net, "sz01.clerk", b"").status_code == 422
    limit = app.extensions["aftercare.settings"].blob_max_bytes
    r = upload(client, net, "sz01.clerk", b"\xff\xd8\xff" + b"\x00" * limit)
    assert r.status_code == 413
    assert client.get("/api/blobs/not-a-hash", headers=net.headers("sz01.clerk")).status_code == 404
    assert client.get(f"/api/blobs/{'0' * 64}", headers=net.headers("sz01.clerk")).status_code == 404
    assert client.post("/api/blobs", data=JPEG, content_type="image/jpeg").status_code == 401
