"""Master data published to devices keeps a record's own kind (an item's part/device, a warehouse's
good/defective) as ``record_kind``: ``kind`` names the master-data kind, and the workshop PWA
needs both (parts to draw for a model, the good warehouse to draw them from)."""

from __future__ import annotations

from server.basedata import models as m
from server.basedata.kinds import KINDS
from server.basedata.operations import document_for

from .stock_fixtures import world  # noqa: F401


def test_published_documents_keep_the_records_own_kind(world, net):  # noqa: F811
    s = net.session()
    try:
        item = s.get(m.Item, world.ids["screen"])
        doc = document_for(KINDS["items"], item)
        assert doc["kind"] == "items" and doc["type"] == "master" and doc["record_kind"] == "part"
        wh = s.get(m.Warehouse, world.ids["SZ01.GOOD"])
        doc = document_for(KINDS["warehouses"], wh)
        assert doc["kind"] == "warehouses" and doc["record_kind"] == "good"
        brand = s.get(m.Brand, item.brand_id) if item.brand_id else s.query(m.Brand).first()
        assert "record_kind" not in document_for(KINDS["brands"], brand)  # no kind of its own
    finally:
        s.close()
