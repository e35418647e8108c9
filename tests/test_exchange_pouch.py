"""Exchange modes A–D through a real PouchDB client (issue 17, Acceptance): a counter's tablet
(pouchdb-node, sync/testdriver/driver.js) writes the exchange events into its own database offline and
replicates them through the server's /sync proxy with a clerk's token; the posting worker posts them; the
tablet pulls back its status documents. The steps the counter does online (dispatch, the factory's receipt,
the replacement's arrival) go by REST between the pushes, as the PWA does. At each step: stock balances
and where each serial is, the manufacturer's receivable, warranty cards, the IMEI history old ⇄ new, the
order's state and the stock ledger's rebuild check. Then the tablet replicates again and the worker is
restarted with its feed replayed from the start: nothing is posted twice. Both databases."""

from __future__ import annotations

from decimal import Decimal

import pytest

from .conftest import row_counts
from .exchange_fixtures import books, card, receivable, where, xw  # noqa: F401
from .repair_fixtures import SIG, rw  # noqa: F401
from .stock_fixtures import imei, world  # noqa: F401
from .sync_support import Tablet, couch, event, live, make_worker, publish_all, restart_worker  # noqa: F401

OLD, R1, R2 = imei(2), imei(101), imei(102)


@pytest.fixture
def counter(app, net, xw, couch, live, tmp_path):
    return Counter(app, net, xw, couch, Tablet(live, net, tmp_path / "tablet"))


class Counter:
    """The tablet, the point's one worker and the REST client, with what a test checks after each step."""

    def __init__(self, app, net, w, couch, tablet):
        self.app, self.net, self.w, self.couch, self.tablet = app, net, w, couch, tablet
        self.worker = make_worker(app, couch)
        self.http = app.test_client()
        self.sent: list[dict] = []
        self.refused: set[str] = set()  # events the server was meant to refuse

    # -- the tablet --------------------------------------------------------------------------

    def intake(self, **kw) -> dict:
        body = dict(member_phone="13800138000", imei=OLD, symptom_ids=[str(self.w.ids["nopower"])], mode="A",
                    provisional_code="K7QD5-0100")
        body.update(kw)
        doc = event(self.net, "sz01.clerk", "exchange_intake", **body)
        doc["order_id"] = doc["_id"]
        return doc

    def step(self, order_doc, name, **kw) -> dict:
        return event(self.net, "sz01.clerk", "exchange_event", order_id=order_doc["_id"], event=name, **kw)

    def offline(self, *docs) -> dict[str, dict]:
        """Written on the tablet, pushed through /sync, posted by the worker, the statuses pulled back."""
        pushed = self.tablet.sync(docs)["push"]
        assert pushed["docs_written"] >= len(docs) and pushed["denied"] == [], pushed
        self.sent += docs
        self.worker.drain()
        publish_all(self.app, self.couch)
        status = self.tablet.sync()["status"]
        return {d["_id"]: status[d["_id"]] for d in docs}

    # -- online, by REST ---------------------------------------------------------------------

    def fire(self, oid, name, **body) -> dict:
        r = self.http.post(f"/api/exchange/orders/{oid}/{name.replace('_', '-')}", json=body,
                           headers=self.net.headers("sz01.clerk"))
        assert r.status_code == 200, (name, r.json)
        return r.json["order"]

    def order(self, oid) -> dict:
        r = self.http.get(f"/api/exchange/orders/{oid}", headers=self.net.headers("sz01.clerk"))
        assert r.status_code == 200, r.json
        return r.json

    def steps(self, oid) -> list[tuple[str, str]]:
        """The order's steps: (event, where it came from — the tablet by sync, or REST)."""
        return [(x["event"], x["source"]) for x in self.order(oid)["steps"]]

    def history(self, number: str) -> dict:
        r = self.http.get(f"/api/repair/imei/{number}/history", headers=self.net.headers("sz01.clerk"))
        assert r.status_code == 200, r.json
        return r.json

    def linked(self, old: str, new: str, oid: str) -> None:
        """The IMEI history leads from the old unit to the new one and back, through this order."""
        there = [(x["id"], x["role"], x["new_imei"]) for x in self.history(old)["exchanges"]]
        back = [(x["id"], x["role"], x["old_imei"]) for x in self.history(new)["exchanges"]]
        assert (oid, "old", new) in there and (oid, "replacement", old) in back, (there, back)

    # -- nothing twice -----------------------------------------------------------------------

    def nothing_posted_twice(self) -> None:
        """The tablet replicates again; then the worker restarts and reads its feed from the start."""
        rows = lambda: {k: v for k, v in row_counts(self.app).items()  # noqa: E731
                        if k not in ("sync_checkpoint", "sync_lease")}  # the feeds' bookkeeping
        before, ledgers = rows(), books(self.w)
        again = self.tablet.sync()
        assert again["push"]["docs_written"] == 0 and again["push"]["denied"] == [], again["push"]
        statuses = {d["_id"]: d for d in again["docs"]}
        assert self.worker.drain() == {"posted": 0, "rejected": 0, "waiting": 0, "skipped": 0}
        self.worker = restart_worker(self.app, self.couch, self.worker, replay=True)
        replayed = self.worker.drain()
        # Every event the tablet sent read again, each known as done.
        assert replayed == {"posted": 0, "rejected": 0, "waiting": 0, "skipped": len(self.sent)}, replayed
        publish_all(self.app, self.couch)
        assert rows() == before and books(self.w) == ledgers
        assert {d["_id"]: d for d in self.tablet.sync()["docs"]} == statuses  # no status rewritten
        assert all(st["state"] == "posted" or st["event_id"] in self.refused
                   for st in statuses.values() if st["event_id"] in {d["_id"] for d in self.sent})


def test_mode_a_on_site_offline_at_the_counter(counter):
    c, w = counter, counter.w
    start = books(w)
    intake = c.intake()
    hand = c.step(intake, "hand_over", replacement_imei=R1, signature=SIG, fee="30.00",
                  account_id=str(w.ids["SZ01.CASH"]))
    st = c.offline(hand, intake)  # saved in that order on the tablet: the handover waits for its intake
    assert [s["state"] for s in st.values()] == ["posted", "posted"], st
    number = st[intake["_id"]]["numbers"]["exchange_order"]
    oid = intake["_id"]
    assert number.startswith("HJ-SZ01-") and st[hand["_id"]]["numbers"]["state"] == "pending_dispatch"
    o = c.order(oid)["order"]
    assert (o["number"], o["state"], o["mode"], o["unit_at"], o["replacement_imei"]) == (
        number, "pending_dispatch", "A", "defective", R1)
    # The point's unit went to the customer, the customer's unit into defective stock at its value.
    assert where(w, R1) == ("customer", "") and where(w, OLD) == ("warehouse", "defective")
    b = books(w)
    assert b["stock"] != start["stock"] and b["cash"] == start["cash"] + Decimal("30.00")
    assert not card(w, OLD).active and card(w, R1).active and card(w, R1).sale_date == w.ids["today"]
    c.linked(OLD, R1, oid)
    # The courier's leg, online.
    assert c.fire(oid, "dispatch", imei=OLD, carrier="顺丰", tracking_no="SF1")["unit_at"] == "transit"
    assert where(w, OLD) == ("warehouse", "in_transit") and receivable(w, w.ids["maker"]) == 0
    c.fire(oid, "factory_receipt")
    assert where(w, OLD) == ("manufacturer", "") and receivable(w, w.ids["maker"]) == Decimal("3000.00")
    o = c.fire(oid, "receive_replacement", replacement_imei=imei(201))
    assert (o["state"], o["factory_imei"]) == ("completed", imei(201))
    assert where(w, imei(201)) == ("warehouse", "good") and receivable(w, w.ids["maker"]) == 0
    assert books(w)["cards"] == b["cards"]
    assert c.steps(oid) == [("intake", "sync"), ("hand_over", "sync"), ("dispatch", "api"),
                            ("factory_receipt", "api"), ("receive_replacement", "api")]
    c.nothing_posted_twice()


def test_mode_b_return_to_factory_picked_up_offline(counter):
    c, w = counter, counter.w
    start = books(w)
    intake = c.intake(mode="B", provisional_code="K7QD5-0101")
    oid = intake["_id"]
    assert c.offline(intake)[oid]["state"] == "posted"
    assert c.order(oid)["order"]["state"] == "pending_exchange" and books(w) == start  # still the customer's
    # Sent to the factory: the customer's unit in transit, at the model's average cost.
    o = c.fire(oid, "dispatch")
    assert (o["state"], o["unit_at"]) == ("at_factory", "transit") and where(w, OLD) == ("warehouse", "in_transit")
    c.fire(oid, "factory_receipt")
    assert where(w, OLD) == ("manufacturer", "") and receivable(w, w.ids["maker"]) == Decimal("3000.00")
    # The manufacturer's unit arrives, held in good stock for the customer; what it owed is settled.
    o = c.fire(oid, "receive_replacement", replacement_imei=imei(202))
    assert (o["state"], o["replacement_imei"]) == ("pending_pickup", imei(202))
    assert where(w, imei(202)) == ("warehouse", "good") and receivable(w, w.ids["maker"]) == 0
    assert card(w, OLD).active and card(w, imei(202)) is None
    # The customer signs for it at the counter, offline; a second pickup saved on the tablet is refused
    # naming the state.
    pickup, twice = c.step(intake, "pickup", signature=SIG), c.step(intake, "pickup", signature=SIG)
    st = c.offline(pickup, twice)
    assert st[pickup["_id"]]["state"] == "posted" and st[pickup["_id"]]["numbers"]["state"] == "completed", st
    assert st[twice["_id"]]["state"] == "rejected" and st[twice["_id"]]["reasons"][0]["field"] == "state", st
    c.refused.add(twice["_id"])
    assert where(w, imei(202)) == ("customer", "") and c.order(oid)["order"]["state"] == "completed"
    assert not card(w, OLD).active and card(w, imei(202)).active and card(w, imei(202)).sale_date == w.ids["today"]
    c.linked(OLD, imei(202), oid)
    assert c.steps(oid) == [("intake", "sync"), ("dispatch", "api"), ("factory_receipt", "api"),
                            ("receive_replacement", "api"), ("pickup", "sync")]  # one pickup
    c.nothing_posted_twice()


def test_mode_c_b_turned_on_site_at_the_counter_then_the_factory_unit_restocks(counter):
    c, w = counter, counter.w
    intake = c.intake(mode="B", provisional_code="K7QD5-0102")
    oid = intake["_id"]
    c.offline(intake)
    c.fire(oid, "dispatch")
    assert where(w, OLD) == ("warehouse", "in_transit")
    # The customer cannot wait: the point hands over a unit of its own, at the counter.
    onsite = c.step(intake, "convert_to_onsite", replacement_imei=R2, signature=SIG, reason="客户等不及")
    st = c.offline(onsite)[onsite["_id"]]
    assert st["state"] == "posted" and st["numbers"]["state"] == "at_factory", st
    o = c.order(oid)["order"]
    assert (o["mode"], o["unit_at"], o["replacement_imei"]) == ("C", "transit", R2)
    assert where(w, R2) == ("customer", "") and card(w, R2).active and not card(w, OLD).active
    c.linked(OLD, R2, oid)
    c.fire(oid, "factory_receipt")
    assert where(w, OLD) == ("manufacturer", "") and receivable(w, w.ids["maker"]) == Decimal("3000.00")
    # The manufacturer's unit enters the point's good stock.
    o = c.fire(oid, "receive_replacement", replacement_imei=imei(203))
    assert (o["state"], o["factory_imei"]) == ("completed", imei(203))
    assert where(w, imei(203)) == ("warehouse", "good") and receivable(w, w.ids["maker"]) == 0
    assert imei(203) in books(w)["serials"] and R2 not in books(w)["serials"]
    assert c.steps(oid) == [("intake", "sync"), ("dispatch", "api"), ("convert_to_onsite", "sync"),
                            ("factory_receipt", "api"), ("receive_replacement", "api")]
    c.nothing_posted_twice()


def test_mode_d_turned_into_a_repair_that_goes_on_at_the_counter(counter):
    c, w = counter, counter.w
    start = books(w)
    intake = c.intake(mode="B", provisional_code="K7QD5-0103")
    oid = intake["_id"]
    convert = c.step(intake, "convert_to_repair", reason="检测后可修")
    st = c.offline(intake, convert)
    assert st[convert["_id"]]["state"] == "posted" and st[convert["_id"]]["numbers"]["state"] == "converted", st
    d = c.order(oid)
    assert (d["order"]["state"], d["order"]["mode"]) == ("converted", "D")
    rid = d["order"]["repair_order_id"]
    assert d["links"]["repair"]["number"].startswith("WX-SZ01-")
    repair = c.http.get(f"/api/repair/orders/{rid}", headers=c.net.headers("sz01.clerk")).json["order"]
    assert (repair["exchange_ref"], repair["imei"]) == (d["order"]["number"], OLD)
    # Nothing moved: the unit is still the customer's, its card open, nobody owes anything.
    assert books(w) == start and card(w, OLD).active and where(w, OLD) is None
    assert receivable(w, w.ids["maker"]) == 0
    hist = c.history(OLD)
    assert [(x["id"], x["role"], x["state"]) for x in hist["exchanges"]] == [(oid, "old", "converted")]
    assert rid in [o["id"] for o in hist["orders"]]
    # The repair goes on from the same tablet, offline, as a §1 repair order.
    accept = event(c.net, "sz01.clerk", "repair_event", order_id=rid, event="accept")
    st = c.offline(accept)[accept["_id"]]
    assert st["state"] == "posted", st
    repair = c.http.get(f"/api/repair/orders/{rid}", headers=c.net.headers("sz01.clerk")).json["order"]
    assert repair["state"] == "pending_repair" and repair["exchange_ref"] == d["order"]["number"]
    assert c.steps(oid) == [("intake", "sync"), ("convert_to_repair", "sync")]
    c.nothing_posted_twice()
