"""Warehouse documents as sync events: made offline on a tablet, posted by the worker through the
same operations as the REST API, outcomes back in status documents. Master data in the store."""

from __future__ import annotations

import json
from decimal import Decimal

from click.testing import CliRunner
from sqlalchemy import func, select

from server.basedata.kinds import KINDS
from server.basedata.operations import create_record, delete_record, update_record
from server.cli import main
from server.db import unit_of_work
from server.ids import uuid7
from server.stock.documents import DOC_TYPES
from server.stock.ledger import rebuild_check
from server.stock.models import StockBalance, StockDocument, StockLocation, StockMove
from sync.handlers import handler_for, load_handlers
from sync.models import SyncProcessed
from sync.schemas import SCHEMA_DIR, event_types

from .conftest import row_counts
from .stock_fixtures import world  # noqa: F401
from .sync_support import couch, drive, event, live, make_worker, publish_all  # noqa: F401
from .test_sync_worker import cli_env, status_docs


def line(w, item: str, qty=None, **extra) -> dict:
    out = {"id": str(uuid7()), "item_id": str(w.ids[item])}
    if qty is not None:
        out["quantity"] = str(qty)
    out.update({k: str(v) if isinstance(v, (int, Decimal)) else v for k, v in extra.items()})
    return out


def stock_event(net, w, username: str, doc_type: str, lines: list[dict], **header) -> dict:
    refs = {k: str(w.ids[v]) if v in w.ids else v for k, v in header.items()}
    return event(net, username, doc_type, lines=lines, **refs)


def receipt_event(net, w, username="sz01.manager", wh="SZ01.GOOD", **qtys):
    return stock_event(net, w, username, "goods_receipt", [line(w, item, q, unit_cost=c) for item, (q, c) in qtys.items()],
                       kind="purchase", party_id="supplier", warehouse_id=wh)


def issue_event(net, w, username="sz01.manager", wh="SZ01.GOOD", **qtys):
    return stock_event(net, w, username, "goods_issue", [line(w, item, q) for item, q in qtys.items()],
                       kind="wholesale", party_id="dealer", warehouse_id=wh)


def on_hand(w, wh: str, item: str) -> Decimal:
    with w.open() as s:
        q = s.execute(select(StockBalance.quantity).join(StockLocation, StockLocation.id == StockBalance.location_id)
                      .where(StockLocation.warehouse_id == w.ids[wh], StockBalance.item_id == w.ids[item])
                      .execution_options(unscoped=True)).scalar_one_or_none()
    return q if q is not None else Decimal(0)


def consistent(w) -> None:
    with w.open() as s:
        assert rebuild_check(s) == []


def test_every_warehouse_document_type_is_an_event_type_with_a_schema_and_a_handler():
    load_handlers()
    types = set(event_types())
    for name, t in DOC_TYPES.items():
        assert name in types and handler_for(name) is not None, name
        schema = json.loads((SCHEMA_DIR / f"{name}.json").read_text())
        kinds = [k for k in t.kinds if k]
        assert schema["properties"].get("kind", {}).get("enum", []) == kinds, name  # one truth: DOC_TYPES
    assert handler_for("stock_reversal") is not None and "stock_reversal" in types


def test_a_receipt_and_an_issue_made_offline_replicate_post_and_report_their_numbers(app, net, couch, live, world, tmp_path):
    w = world
    device = str(tmp_path / "warehouse-tablet")
    rk = receipt_event(net, w, screen=(10, "400"), battery=(5, "100"))
    ck = issue_event(net, w, screen=3)
    zc = stock_event(net, w, "sz01.manager", "bin_transfer", [line(w, "screen", 2)],
                     warehouse_id="SZ01.GOOD", to_warehouse_id="SZ01.GOOD2")
    assert all(r.get("ok") for r in drive(cmd="put", dir=device, docs=[rk, ck, zc])["results"])
    token = net.token("sz01.manager")
    pushed = drive(cmd="push", dir=device, url=f"{live.url}/sync/sp_sz01", token=token)
    assert pushed["ok"] and pushed["docs_written"] == 3, pushed

    assert make_worker(app, couch).drain()["posted"] == 3
    publish_all(app, couch)
    assert on_hand(w, "SZ01.GOOD", "screen") == 5 and on_hand(w, "SZ01.GOOD2", "screen") == 2
    assert on_hand(w, "SZ01.GOOD", "battery") == 5
    consistent(w)

    # The documents are the REST API's own, with the device's ids.
    h = net.headers("sz01.manager")
    doc = app.test_client().get(f"/api/stock/goods-receipts/{rk['_id']}", headers=h).json
    assert doc["status"] == "posted" and doc["number"].startswith("RK-SZ01-")
    assert [x["id"] for x in doc["lines"]] == [x["id"] for x in rk["lines"]]
    assert doc["created_by_id"] == str(net.users["sz01.manager"].id)

    pulled = drive(cmd="pull", dir=device, url=f"{live.url}/sync/sp_sz01", token=token)
    assert pulled["ok"], pulled
    statuses = {d["event_id"]: d for d in drive(cmd="docs", dir=device, prefix="status:")["docs"]}
    assert {statuses[e["_id"]]["state"] for e in (rk, ck, zc)} == {"posted"}
    assert statuses[rk["_id"]]["numbers"] == {"goods_receipt": doc["number"]}
    assert statuses[ck["_id"]]["numbers"]["goods_issue"].startswith("CK-SZ01-")
    assert statuses[zc["_id"]]["numbers"]["bin_transfer"].startswith("ZC-SZ01-")
    # The device also received its service point's master data (warehouses, engineers), read-only.
    md = drive(cmd="docs", dir=device, prefix="md:")["docs"]
    assert {d["kind"] for d in md} >= {"warehouses", "engineers"}


def test_refusals_name_the_problem_and_the_feed_goes_on(app, net, couch, world):
    w = world
    first = receipt_event(net, w, battery=(2, "100"))
    short = issue_event(net, w, battery=5)
    clerk = receipt_event(net, w, username="sz01.clerk", battery=(1, "100"))  # clerks may not post stock
    foreign_wh = receipt_event(net, w, wh="GZ01.GOOD", battery=(1, "100"))
    bad_kind = issue_event(net, w, battery=1)
    bad_kind["kind"] = "gift"
    req = stock_event(net, w, "sz01.engineer", "engineer_requisition", [line(w, "battery", 1)],
                      warehouse_id="SZ01.GOOD", engineer_id="engineer")
    couch.bulk_docs("sp_sz01", [first, short, clerk, foreign_wh, bad_kind, req])
    totals = make_worker(app, couch).drain()
    assert totals == {"posted": 2, "rejected": 4, "waiting": 0, "skipped": 0}, totals
    publish_all(app, couch)
    st = status_docs(couch)
    assert st[first["_id"]]["state"] == st[req["_id"]]["state"] == "posted"
    assert st[req["_id"]]["numbers"]["engineer_requisition"].startswith("LL-SZ01-")
    [reason] = st[short["_id"]]["reasons"]
    assert reason["code"] == "negative_stock" and reason["field"] == "lines.0.quantity"
    assert reason["en"] == "Not enough stock of BAT Mate 60 电池 at SZ01 GOOD: 2 on hand, 5 needed, 3 missing"
    assert reason["zh-CN"] == "库存不足：SZ01 GOOD 的 BAT Mate 60 电池 现有 2，需要 5，缺 3"
    assert st[clerk["_id"]]["reasons"][0]["code"] == "not_permitted"
    assert "stock.manage" in st[clerk["_id"]]["reasons"][0]["en"]
    assert st[foreign_wh["_id"]]["reasons"][0]["field"] == "warehouse_id"
    assert st[bad_kind["_id"]]["reasons"][0]["field"] == "kind"
    assert all(r["zh-CN"] and r["en"] for d in st.values() for r in d["reasons"])
    with w.open() as s:
        ids = {first["_id"], req["_id"]}
        docs = s.execute(select(StockDocument.id).execution_options(unscoped=True)).scalars().all()
        assert {str(d) for d in docs} == ids  # nothing of a refused document was kept
    assert on_hand(w, "SZ01.GOOD", "battery") == 1
    consistent(w)


def test_reversal_events_reverse_documents_made_offline_or_through_the_api(app, net, couch, world):
    w = world
    rk = receipt_event(net, w, screen=(4, "400"))
    from .stock_fixtures import receipt

    api_doc = receipt(w, "battery", 3, "100")
    undo_rk = event(net, "sz01.manager", "stock_reversal", reverses=rk["_id"], reason="录入错误 wrong quantity")
    undo_api = event(net, "sz01.manager", "stock_reversal", reverses=str(api_doc.id), reason="供应商退回")
    again = event(net, "sz01.manager", "stock_reversal", reverses=rk["_id"], reason="twice")
    nothing = event(net, "sz01.manager", "stock_reversal", reverses=str(uuid7()), reason="?")
    couch.bulk_docs("sp_sz01", [rk, undo_rk, undo_api, again, nothing])
    assert make_worker(app, couch).drain() == {"posted": 3, "rejected": 2, "waiting": 0, "skipped": 0}
    publish_all(app, couch)
    st = status_docs(couch)
    numbers = st[undo_rk["_id"]]["numbers"]
    assert numbers["reversed"] == st[rk["_id"]]["numbers"]["goods_receipt"] and numbers["reversal"].startswith("RK-SZ01-")
    assert st[undo_api["_id"]]["numbers"]["reversed"] == api_doc.number
    assert st[again["_id"]]["reasons"][0]["code"] == "transition_refused"
    assert st[nothing["_id"]]["reasons"][0]["code"] == "not_found" and st[nothing["_id"]]["reasons"][0]["field"] == "reverses"
    assert on_hand(w, "SZ01.GOOD", "screen") == 0 and on_hand(w, "SZ01.GOOD", "battery") == 0
    with w.open() as s:
        original = s.get(StockDocument, __import__("uuid").UUID(rk["_id"]))
        assert original.status == "reversed"
    consistent(w)


def test_a_document_reversed_in_the_batch_that_posts_it(app, net, couch, world):
    """The original is still pending in the posting batch when its reversal comes: the reversal
    takes its pending moves (serials too), and its mark reaches the row the original is written with."""
    w = world
    rk = stock_event(net, w, "sz01.manager", "goods_receipt",
                     [line(w, "board", 2, unit_cost="1500", serials=["MB-1", "MB-2"]), line(w, "screen", 3, unit_cost="400")],
                     kind="purchase", party_id="supplier", warehouse_id="SZ01.GOOD")
    undo_rk = event(net, "sz01.manager", "stock_reversal", reverses=rk["_id"], reason="录错 wrong supplier")
    kept = receipt_event(net, w, battery=(5, "50"))
    sold = issue_event(net, w, battery=4)
    # Only 1 battery is left: taking the 5 back out is refused, the receipt stays posted.
    undo_kept = event(net, "sz01.manager", "stock_reversal", reverses=kept["_id"], reason="?")
    couch.bulk_docs("sp_sz01", [rk, undo_rk, kept, sold, undo_kept])
    assert make_worker(app, couch).drain() == {"posted": 4, "rejected": 1, "waiting": 0, "skipped": 0}
    publish_all(app, couch)
    st = status_docs(couch)
    assert st[undo_kept["_id"]]["reasons"][0]["code"] == "negative_stock"
    assert st[undo_rk["_id"]]["numbers"]["reversed"] == st[rk["_id"]]["numbers"]["goods_receipt"]
    assert on_hand(w, "SZ01.GOOD", "board") == 0 and on_hand(w, "SZ01.GOOD", "screen") == 0
    assert on_hand(w, "SZ01.GOOD", "battery") == 1
    import uuid

    with w.open() as s:
        original = s.get(StockDocument, uuid.UUID(rk["_id"]))
        assert (original.status, original.version, original.reversal_reason) == ("reversed", 2, "录错 wrong supplier")
        assert original.reversed_by_id == net.users["sz01.manager"].id
        reversal = s.execute(select(StockDocument).where(StockDocument.reverses_id == original.id)
                             .execution_options(unscoped=True)).scalar_one()
        assert [(l.item_id, l.quantity, l.serials) for l in reversal.lines] == [
            (w.ids["board"], 2, ["MB-1", "MB-2"]), (w.ids["screen"], 3, [])]
        moved = s.execute(select(StockMove.quantity, StockMove.value).where(StockMove.doc_id == reversal.id)
                          .execution_options(unscoped=True)).all()
        assert sorted(moved) == [(2, Decimal("3000.00")), (3, Decimal("1200.00"))]
        from server.stock.models import StockSerial

        places = dict(s.execute(select(StockSerial.serial, StockSerial.location_id)).all())
        supplier = s.execute(select(StockLocation.id).where(StockLocation.kind == "supplier")
                             .execution_options(unscoped=True)).scalar_one()
        assert places == {"MB-1": supplier, "MB-2": supplier}
        assert s.get(StockDocument, uuid.UUID(kept["_id"])).status == "posted"
        assert s.get(StockDocument, uuid.UUID(kept["_id"])).version == 1
    consistent(w)


def test_a_replayed_warehouse_feed_changes_nothing(app, net, couch, world):
    w = world
    publish_all(app, couch)  # the world's master data first: its md:* documents are in the feeds too
    docs = [receipt_event(net, w, screen=(6, "400")), issue_event(net, w, screen=2), issue_event(net, w, screen=9)]
    couch.bulk_docs("sp_sz01", docs)
    worker = make_worker(app, couch)
    worker.drain()
    publish_all(app, couch)
    before = row_counts(app)
    from sqlalchemy import update

    from sync.models import SyncCheckpoint

    with w.open() as s, unit_of_work(s):
        s.execute(update(SyncCheckpoint).values(seq=None))
    assert worker.drain()["skipped"] == 3
    assert publish_all(app, couch) == 0 and row_counts(app) == before


# -- server-owned documents: master data ------------------------------------------------------

def test_master_data_lands_in_master_and_service_point_databases_and_devices_cannot_write_it(app, net, couch, world):
    w = world
    runner, env = CliRunner(), cli_env(app)
    r = runner.invoke(main, ["sync", "provision"], env=env)
    assert r.exit_code == 0, r.output
    r = runner.invoke(main, ["sync", "worker", "--once"], env=env)  # posts nothing, publishes the outbox
    assert r.exit_code == 0, r.output
    item = couch.get_doc("master", f"items:{w.ids['screen']}")
    assert item["type"] == "master" and item["code"] == "SCR" and item["name"] == "Mate 60 屏幕总成"
    assert couch.get_doc("master", f"parties:{w.ids['dealer']}")["code"] == "D1"
    wh = couch.get_doc("sp_sz01", f"md:warehouses:{w.ids['SZ01.GOOD']}")
    assert wh["kind"] == "warehouses" and wh["code"] == "GOOD"
    assert couch.current_revs("sp_sz01", [f"md:warehouses:{w.ids['GZ01.GOOD']}"]) == {}  # only its own
    assert couch.get_doc("sp_gz01", f"md:warehouses:{w.ids['GZ01.GOOD']}")["code"] == "GOOD"
    assert couch.get_doc("sp_sz01", f"md:engineers:{w.ids['engineer']}")["name"] == "张磊"
    # Changes and deletions follow (body None = delete).
    with w.open() as s, unit_of_work(s):
        update_record(s, KINDS["warehouses"], s.get(KINDS["warehouses"].model, w.ids["SZ01.GOOD2"]), {"name": "二号仓"})
        spare = create_record(s, KINDS["items"], {"code": "TMP", "name": "临时", "kind": "part", "standard_cost": Decimal(1)})
    publish_all(app, couch)
    assert couch.get_doc("sp_sz01", f"md:warehouses:{w.ids['SZ01.GOOD2']}")["name"] == "二号仓"
    assert couch.get_doc("master", f"items:{spare.id}")["code"] == "TMP"
    with w.open() as s, unit_of_work(s):
        delete_record(s, KINDS["items"], s.get(KINDS["items"].model, spare.id))
    publish_all(app, couch)
    assert couch.get_doc("master", f"items:{spare.id}") is None
    # The worker does not take master data for events.
    with w.open() as s:
        assert s.execute(select(func.count()).select_from(SyncProcessed)).scalar_one() == 0
    assert status_docs(couch) == {}
    # Devices may not write it, not even a new id under md:.
    client = app.test_client()
    h = net.headers("sz01.manager")
    current = couch.get_doc("sp_sz01", f"md:warehouses:{w.ids['SZ01.GOOD']}")
    for doc in ({**current, "name": "mine now"}, {"_id": "md:warehouses:new", "name": "x"}):
        [res] = client.post("/sync/sp_sz01/_bulk_docs", json={"docs": [doc]}, headers=h).json
        assert res["error"] == "forbidden" and "server" in res["reason"], res
    replicated = {**current, "name": "mine", "_rev": "2-" + "c" * 32,
                  "_revisions": {"start": 2, "ids": ["c" * 32, current["_rev"][2:]]}}
    [res] = client.post("/sync/sp_sz01/_bulk_docs", json={"docs": [replicated], "new_edits": False}, headers=h).json
    assert res["error"] == "forbidden"
    assert couch.get_doc("sp_sz01", f"md:warehouses:{w.ids['SZ01.GOOD']}")["name"] == "SZ01 GOOD"
    with w.open() as s:
        assert s.execute(select(func.count()).select_from(StockMove)).scalar_one() == 0


def test_the_fast_and_the_explaining_validators_agree():
    """The compiled validator decides, the Python one explains: they must agree on every document."""
    import copy
    import random
    import uuid

    from sync import schemas

    from .sync_mix import Place, make_mix

    u = uuid.uuid4
    mix = make_mix(Place(org_id=u(), user_id=u(), good=u(), good2=u(), defective=u(), engineer=u(), supplier=u(),
                         dealer=u(), items=[u() for _ in range(6)], foreign_warehouse=u()), 300, seed=5)
    rng = random.Random(5)
    mutations = [lambda d: d.update(colour="red"), lambda d: d.pop("lines", None), lambda d: d.update(kind="gift"),
                 lambda d: d["lines"][0].update(quantity="-1") if "lines" in d else d.update(reverses="x"),
                 lambda d: d["lines"][0].pop("id") if "lines" in d else d.pop("reason"),
                 lambda d: d.update(lines=[]) if "lines" in d else d.update(on="yesterday"),
                 lambda d: d.update(_id="not-a-uuid"), lambda d: d.update(org=1), lambda d: d.pop("user_id"),
                 lambda d: d["lines"][0].update(serials=["a", "a"]) if "lines" in d else d.update(reason="")]
    docs = list(mix.events)
    for doc in mix.events[:150]:
        bad = copy.deepcopy(doc)
        rng.choice(mutations)(bad)
        docs.append(bad)
    invalid = 0
    for doc in docs:
        t = doc["type"]
        fast = schemas._fast_validator(t).is_valid(doc)
        explained = not list(schemas._validator(t).iter_errors(doc))
        assert fast == explained, doc
        invalid += not fast
    assert invalid >= 100
