"""Property-based, across the trade areas (issue 18 acceptance): any interleaving of purchase receipts
and returns, wholesale deliveries and returns, transfers issued and received with differences, retail
sales and returns, and the reversals each area offers, on one shared item set, keeps the stock ledger
rebuildable and never negative, the money ledger's balances equal to its entries, the supplier's
payable equal to its purchase documents, the dealer's receivable equal to deliveries less returns, and
nothing in transit but what still travels. Each example runs in one transaction, rolled back at the end
(a savepoint per step, as tests/test_wholesale.py's property). Both databases."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from server.auth.models import User
from server.auth.operations import principal_for
from server.auth.principal import set_principal
from server.basedata.kinds import KINDS
from server.basedata.models import Item, Party
from server.basedata.operations import create_record, today_in
from server.db import unit_of_work
from server.errors import DomainError
from server.finance.models import CashEntry, CounterpartyEntry
from server.finance.queries import account_balance, counterparty_balances_query
from server.purchase import operations as purchase
from server.purchase.models import PurchaseReceipt, PurchaseReturn
from server.retail import posting as retail
from server.stock.ledger import rebuild_check
from server.stock.models import StockBalance, StockLocation
from server.transfer import operations as transfer
from server.transfer.models import TransferOrder
from server.wholesale import operations as wholesale
from server.wholesale.models import SalesDelivery, SalesReturn

from .stock_fixtures import receipt
from .transfer_fixtures import stock_in, tw, world  # noqa: F401

ITEMS = ("screen", "battery")
ZERO = Decimal(0)


@pytest.fixture
def trade(tw, net):  # noqa: F811
    """The transfer network (HQ and SZ01 warehouses, courier) with wholesale and retail prices, the
    dealer's discount and credit, SZ01's cash drawer, and stock in both good warehouses."""
    w = tw
    s = net.session()
    with unit_of_work(s):
        for name, (whole, ret) in {"screen": ("600", "899"), "battery": ("150", "199")}.items():
            item = s.get(Item, w.ids[name])
            item.wholesale_price, item.retail_price = Decimal(whole), Decimal(ret)
        dealer = s.get(Party, w.ids["dealer"])
        dealer.discount_percent, dealer.credit_limit = Decimal("5"), Decimal("10000000")
        w.ids["SZ01.CASH"] = create_record(s, KINDS["money-accounts"], {
            "code": "CASH", "name": "SZ01 现金", "kind": "cash", "org_id": net.orgs["SZ01"].id}).id
    s.close()
    # Some stock at both ends to start from (plain goods receipts: no payable).
    for item, qty, cost in (("screen", 8, "400"), ("battery", 8, "100")):
        receipt(w, item, qty, cost)
        stock_in(w, item, qty, cost)
    return w


step = st.one_of(
    st.tuples(st.just("purchase"), st.sampled_from(("SZ01", "HQ")), st.sampled_from(ITEMS), st.integers(1, 6),
              st.integers(1, 99_999)),
    st.tuples(st.just("purchase_return"), st.integers(0, 99), st.integers(1, 3)),
    st.tuples(st.just("purchase_reverse"), st.integers(0, 99)),
    st.tuples(st.just("deliver"), st.sampled_from(ITEMS), st.integers(1, 5)),
    st.tuples(st.just("sales_return"), st.integers(0, 99), st.integers(1, 3)),
    st.tuples(st.just("delivery_reverse"), st.integers(0, 99)),
    st.tuples(st.just("transfer"), st.sampled_from(ITEMS), st.integers(1, 5)),
    st.tuples(st.just("transfer_receive"), st.integers(0, 99), st.integers(0, 2), st.integers(0, 2), st.booleans()),
    st.tuples(st.just("transfer_reverse"), st.integers(0, 99)),
    st.tuples(st.just("retail_sale"), st.sampled_from(ITEMS), st.integers(1, 3)),
    st.tuples(st.just("retail_return"), st.integers(0, 99), st.integers(1, 2)),
)


_PRINCIPALS: dict = {}


def _as(s, w, username: str) -> None:
    # Read once, as admin: another user's session does not see the users of other organisations.
    set_principal(s, _PRINCIPALS[username])


def _run(s, w, st_, docs: dict, on: dt.date) -> bool:
    """One step through the area's operations; False when there is nothing to apply it to."""
    kind, ids = st_[0], w.ids
    pick = lambda name, i: docs[name][i % len(docs[name])]  # noqa: E731
    if kind == "purchase":
        _, org, item, qty, cents = st_
        _as(s, w, "admin" if org == "HQ" else "sz01.manager")
        o = purchase.create_order(s, {"party_id": ids["supplier"], "warehouse_id": ids[f"{org}.GOOD"], "doc_date": on,
                                      "lines": [{"item_id": ids[item], "quantity": Decimal(qty),
                                                 "unit_price": Decimal(cents) / 100, "tax_rate": Decimal("0.13")}]})
        purchase.fire(s, o, "approve")
        r = purchase.create_receipt(s, {"order_id": o.id, "doc_date": on,
                                        "lines": [{"item_id": ids[item], "quantity": Decimal(qty)}]})
        docs["receipts"].append(purchase.post_receipt(s, r) or r)
    elif kind == "purchase_return" and docs["receipts"]:
        rec = pick("receipts", st_[1])
        _as(s, w, "admin" if rec.org_id == w.net.orgs["HQ"].id else "sz01.manager")
        doc = purchase.create_return(s, {"receipt_id": rec.id, "doc_date": on, "lines": [
            {"item_id": rec.lines[0].item_id, "quantity": Decimal(st_[2])}]})
        docs["purchase_returns"].append(purchase.post_return(s, doc) or doc)
    elif kind == "purchase_reverse" and (docs["receipts"] or docs["purchase_returns"]):
        doc = (docs["receipts"] + docs["purchase_returns"])[st_[1] % (len(docs["receipts"]) + len(docs["purchase_returns"]))]
        _as(s, w, "admin" if doc.org_id == w.net.orgs["HQ"].id else "sz01.manager")
        if isinstance(doc, PurchaseReceipt):
            purchase.reverse_receipt(s, doc, "测试")
        else:
            purchase.reverse_return(s, doc, "测试")
    elif kind == "deliver":
        _as(s, w, "sz01.manager")
        o = wholesale.create_order(s, {"party_id": ids["dealer"], "warehouse_id": ids["SZ01.GOOD"], "doc_date": on,
                                       "lines": [{"item_id": ids[st_[1]], "quantity": Decimal(st_[2])}]})
        o = wholesale.fire(s, o, "submit")
        d = wholesale.create_delivery(s, {"order_id": o.id, "lines": [{"item_id": ids[st_[1]], "quantity": Decimal(st_[2])}]})
        docs["deliveries"].append(wholesale.post_delivery(s, d))
    elif kind == "sales_return" and docs["deliveries"]:
        _as(s, w, "sz01.manager")
        d = pick("deliveries", st_[1])
        r = wholesale.create_return(s, {"delivery_id": d.id, "lines": [{"item_id": d.lines[0].item_id,
                                                                         "quantity": Decimal(st_[2])}]})
        docs["sales_returns"].append(wholesale.post_return(s, r))
    elif kind == "delivery_reverse" and docs["deliveries"]:
        _as(s, w, "sz01.manager")
        wholesale.reverse_delivery(s, pick("deliveries", st_[1]), "测试")
    elif kind == "transfer":
        _as(s, w, "hq.wh")
        o = transfer.create_order(s, {"from_warehouse_id": ids["HQ.GOOD"], "to_warehouse_id": ids["SZ01.GOOD"],
                                      "doc_date": on, "settle": True, "courier_party_id": ids["courier"],
                                      "lines": [{"item_id": ids[st_[1]], "quantity": Decimal(st_[2])}]})
        transfer.issue_order(s, o)
        docs["transfers"].append(o)
    elif kind in ("transfer_receive", "transfer_reverse"):
        live = [o for o in docs["transfers"] if o.stage == "in_transit"]
        if not live:
            return False
        o = live[st_[1] % len(live)]
        if kind == "transfer_reverse":
            _as(s, w, "hq.wh")
            transfer.reverse_order(s, o, "录错")
            return True
        _, _, short, damaged, courier = st_
        _as(s, w, "sz01.manager")
        sent = o.lines[0].quantity
        d = min(Decimal(damaged), sent)
        sh = min(Decimal(short), sent - d)
        transfer.receive_order(s, o, {"doc_date": on, "lines": [{
            "line_id": o.lines[0].id, "received": sent - d - sh, "damaged": d, "surplus": ZERO,
            "loss_rule": "courier" if courier else "sender", "damage_to": "defective"}]})
    elif kind == "retail_sale":
        _as(s, w, "sz01.clerk")
        docs["sales"].append(retail.make_sale(s, {
            "warehouse_id": ids["SZ01.GOOD"], "doc_date": on,
            "lines": [{"item_id": ids[st_[1]], "quantity": Decimal(st_[2])}],
            "payments": [{"account_id": ids["SZ01.CASH"], "amount": Decimal("5000")}]}))
    elif kind == "retail_return" and docs["sales"]:
        _as(s, w, "sz01.clerk")
        sale = pick("sales", st_[1])
        docs["retail_returns"].append(retail.make_return(s, {
            "sale_id": sale.id, "doc_date": on, "reason": "测试",
            "lines": [{"sale_line_id": sale.lines[0].id, "quantity": Decimal(st_[2])}]}))
    else:
        return False
    return True


def _check(s, w, start_receivable: Decimal, transfers: list) -> None:
    s.flush()
    assert rebuild_check(s) == []
    # Stock is never negative where it is held.
    assert s.execute(select(func.count()).select_from(StockBalance).join(
        StockLocation, StockLocation.id == StockBalance.location_id).where(
        StockLocation.kind.in_(("warehouse", "engineer", "transit")), StockBalance.quantity < 0)).scalar_one() == 0
    # The money ledger: the balances the finance queries answer are the sums of the entries.
    entries = s.execute(select(CounterpartyEntry)).scalars().all()
    sums: dict = defaultdict(lambda: [ZERO, ZERO])
    for e in entries:
        key = (e.org_id, e.party_id or e.counterparty_org_id or e.member_id)
        sums[key][0 if e.direction == "receivable" else 1] += e.amount
    answered = {(r.org_id, r.counterparty_id): [r.receivable, r.payable]
                for r in s.execute(counterparty_balances_query({}))}
    assert answered == dict(sums)
    cash = s.execute(select(func.coalesce(func.sum(CashEntry.amount), 0))
                     .where(CashEntry.account_id == w.ids["SZ01.CASH"])).scalar_one()
    assert account_balance(s, w.ids["SZ01.CASH"]) == cash
    # The supplier's payable (both organisations) is the sum of its purchase documents.
    payable = sum((v[1] for (org, cp), v in sums.items() if cp == w.ids["supplier"]), ZERO)
    rec = s.execute(select(func.coalesce(func.sum(PurchaseReceipt.gross_total), 0))
                    .where(PurchaseReceipt.status != "draft")).scalar_one()
    ret = s.execute(select(func.coalesce(func.sum(PurchaseReturn.gross_total), 0))
                    .where(PurchaseReturn.status != "draft")).scalar_one()
    assert payable == rec - ret
    # The dealer's receivable is its deliveries in force less its returns in force.
    owed = sums[(w.net.orgs["SZ01"].id, w.ids["dealer"])][0] - start_receivable
    dsum = s.execute(select(func.coalesce(func.sum(SalesDelivery.gross_total), 0))
                     .where(wholesale.in_force(SalesDelivery))).scalar_one()
    rsum = s.execute(select(func.coalesce(func.sum(SalesReturn.gross_total), 0))
                     .where(wholesale.in_force(SalesReturn))).scalar_one()
    assert owed == dsum - rsum
    # In transit: exactly what the orders still travelling carry, nothing of a received or reversed one.
    q, v = s.execute(select(func.coalesce(func.sum(StockBalance.quantity), 0), func.coalesce(func.sum(StockBalance.value), 0))
                     .join(StockLocation, StockLocation.id == StockBalance.location_id)
                     .where(StockLocation.kind == "transit")).one()
    travelling = [o for o in transfers if o.stage == "in_transit"]
    assert (Decimal(q), Decimal(v)) == (sum((l.quantity for o in travelling for l in o.lines), ZERO),
                                        sum((l.value for o in travelling for l in o.lines), ZERO))


@settings(max_examples=15, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(steps=st.lists(step, min_size=4, max_size=12))
def test_any_interleaving_of_trade_documents_keeps_both_ledgers_and_the_documents_agreeing(trade, steps):
    w = trade
    on = today_in("Asia/Shanghai")
    s = w.session("admin")
    for name in ("admin", "sz01.manager", "sz01.clerk", "hq.wh"):
        _PRINCIPALS[name] = principal_for(s, s.get(User, w.net.users[name].id))
    try:
        start = sum((e.amount for e in s.execute(select(CounterpartyEntry).where(
            CounterpartyEntry.party_id == w.ids["dealer"], CounterpartyEntry.direction == "receivable",
            CounterpartyEntry.org_id == w.net.orgs["SZ01"].id)).scalars()), ZERO)
        docs: dict = defaultdict(list)
        for st_ in steps:
            sp = s.begin_nested()
            try:
                if _run(s, w, st_, docs, on):
                    event(f"{st_[0]} done")
                sp.commit()
            except DomainError as exc:
                event(f"{st_[0]} refused: {exc.code}")
                sp.rollback()  # refused whole: the checks below prove nothing was half-written
                s.expire_all()
            _as(s, w, "admin")
            _check(s, w, start, docs["transfers"])
    finally:
        s.rollback()
        s.close()
