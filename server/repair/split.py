"""Several payers per job (issue 19 §7): a repair's bill split between the customer, the
manufacturer, an insurer and the point's own goodwill, and the job's margin.

- **The plan** (``set_payer_split``, before pickup): shares ``[{payer, party_id, amount, note}]`` that
  add up to the bill (parts + labour + check fee, ``bill_of``); each payer at most once; the customer
  is the order's customer (no party), the manufacturer and the insurer are parties with that role
  (the manufacturer defaults to the repair level's), goodwill is the point's own (nobody owes it).
  An empty list clears the plan: the customer pays the whole bill.
- **The settlement** (``pick_up``) charges the customer only the customer's share (the deposit is
  applied to it, the rest is due), and posts every other payer's share as that payer's receivable
  on the settlement document (``server.repair.money``), so each share is an open item of its payer
  (``finance_open_item``), received and allocated by the finance receipts like any other charge.
  Goodwill posts nothing. The shares are then frozen (``settlement_id``).
- **The manufacturer's in-warranty money** is not part of the bill: the labour fee the settlement
  books as claimable, and the parts the labour-fee claim books at standard cost (server/claims).
  The split shows them on the manufacturer's row; they are claimed as before.
- **Margin** = revenue from every payer (bill shares except goodwill, the claimable labour fee and
  parts) − the parts at cost (``repair_part.cost``) − the engineer's commission (server/commissions:
  what was earned, net of refunds, once settled; before, what the rules would give).
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..auth.principal import get_principal
from ..basedata import models as bd
from ..core import operations as core
from ..errors import InvalidInput, TransitionRefused
from .models import PAYERS, RepairOrder, RepairPart, RepairPayerShare, RepairPayment

ZERO = Decimal("0")
CENT = Decimal("0.01")
NIL = uuid.UUID(int=0)  # the walk-in customer's counterparty id in finance_open_item
MAX_SHARES = len(PAYERS)
# The role a payer's party must have.
PAYER_ROLES = {"manufacturer": "manufacturer", "insurer": "insurer"}


def shares_of(session: Session, order_id, settlement_id: uuid.UUID | None = None) -> list[RepairPayerShare]:
    """The order's planned shares (``settlement_id`` None) or those a settlement froze."""
    crit = (RepairPayerShare.settlement_id.is_(None) if settlement_id is None
            else RepairPayerShare.settlement_id == settlement_id)
    return list(session.execute(select(RepairPayerShare).where(RepairPayerShare.order_id == order_id, crit)
                                .order_by(RepairPayerShare.seq)).scalars())


def customer_share(shares: list[RepairPayerShare], total: Decimal) -> Decimal:
    """What the customer pays of ``total``: the whole bill unless a split says otherwise."""
    if not shares:
        return total
    return sum((s.amount for s in shares if s.payer == "customer"), ZERO)


def _amount(value: Any, field: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (Decimal, int, str)):
        raise InvalidInput(field, "must be an amount")
    try:
        amount = Decimal(value)
    except Exception:  # noqa: BLE001 - any parse failure is bad input
        raise InvalidInput(field, "must be an amount") from None
    if not amount.is_finite() or amount != amount.quantize(CENT):
        raise InvalidInput(field, "at most two decimal places")
    if amount < 0:
        raise InvalidInput(field, "must not be negative")
    if amount >= Decimal("1e12"):
        raise InvalidInput(field, "too large")
    return amount.quantize(CENT)


def _party(session: Session, value: Any, role: str, field: str) -> uuid.UUID:
    try:
        party_id = value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except (ValueError, TypeError, AttributeError):
        raise InvalidInput(field, "not a valid id") from None
    party = session.get(bd.Party, party_id)
    if party is None or not party.active:
        raise InvalidInput(field, "no such party")
    if role not in party.roles:
        raise InvalidInput(field, f"the party is not a {role}")
    return party.id


def check_shares(session: Session, order: RepairOrder, shares: Any, total: Decimal) -> list[dict]:
    """The shares checked against the bill ``total``; errors name ``split.<i>.<field>`` or ``split``."""
    if not isinstance(shares, list):
        raise InvalidInput("split", "a list of payers' shares")
    if len(shares) > MAX_SHARES:
        raise InvalidInput("split", f"at most {MAX_SHARES} shares, one per payer")
    out: list[dict] = []
    seen: set[str] = set()
    for i, raw in enumerate(shares):
        f = f"split.{i}"
        if not isinstance(raw, dict):
            raise InvalidInput(f, "a share: payer and amount")
        payer = raw.get("payer")
        if payer not in PAYERS:
            raise InvalidInput(f"{f}.payer", "one of customer, manufacturer, insurer, goodwill")
        if payer in seen:
            raise InvalidInput(f"{f}.payer", "this payer is named twice")
        seen.add(payer)
        amount = _amount(raw.get("amount"), f"{f}.amount")
        party_id = raw.get("party_id")
        if payer in ("customer", "goodwill"):
            if party_id not in (None, ""):
                raise InvalidInput(f"{f}.party_id", "the customer is the order's, goodwill the point's own: no party")
            party_id = None
        elif payer == "manufacturer" and party_id in (None, ""):
            level = session.get(bd.RepairLevel, order.repair_level_id) if order.repair_level_id else None
            if level is None:
                raise InvalidInput(f"{f}.party_id", "name the manufacturer (the order has no repair level)")
            party_id = level.manufacturer_id
        elif party_id in (None, ""):
            raise InvalidInput(f"{f}.party_id", f"name the {payer}")
        if party_id is not None:
            party_id = _party(session, party_id, PAYER_ROLES[payer], f"{f}.party_id")
        note = raw.get("note") or ""
        if not isinstance(note, str) or len(note) > 200:
            raise InvalidInput(f"{f}.note", "text of at most 200 characters")
        out.append({"payer": payer, "party_id": party_id, "amount": amount, "note": note.strip()})
    if out:
        if total <= 0:
            raise InvalidInput("split", "nothing to split: the bill is 0")
        added = sum((s["amount"] for s in out), ZERO)
        if added != total:
            raise InvalidInput("split", f"the shares add up to {added}, the bill is {total}")
    return out


def set_payer_split(session: Session, order: RepairOrder, shares: Any) -> list[RepairPayerShare]:
    """Plan who pays the bill (before pickup), replacing any plan; ``[]`` clears it.
    Writes: repair_payer_share, audit_log."""
    from .operations import _not_batch, _settled, bill_of

    if not get_principal(session).may_write_org(order.org_id) and not (
            order.shared_org_id and get_principal(session).may_write_org(order.shared_org_id)):
        raise InvalidInput("order_id", "not your order")
    _not_batch(order)
    if _settled(session, order):
        raise TransitionRefused("the bill is settled: its split is fixed", {"state": [order.state]})
    total = bill_of(session, order)["bill_total"]
    checked = check_shares(session, order, shares, total)
    session.execute(delete(RepairPayerShare).where(RepairPayerShare.order_id == order.id,
                                                   RepairPayerShare.settlement_id.is_(None)))
    user_id = get_principal(session).user_id
    rows = [RepairPayerShare(org_id=order.org_id, shared_org_id=order.shared_org_id, order_id=order.id, seq=n,
                             created_by_id=user_id, **s) for n, s in enumerate(checked, start=1)]
    session.add_all(rows)
    session.flush()
    core.record_audit(session, "repair_order.payer_split", order, after={
        "split": [{"payer": s["payer"], "party_id": str(s["party_id"]) if s["party_id"] else None,
                   "amount": str(s["amount"])} for s in checked]})
    return rows


def freeze_for_settlement(session: Session, order: RepairOrder, settlement: RepairPayment, total: Decimal) -> None:
    """At pickup: the plan must still add up to the bill (parts may have been added since); its shares
    become the settlement's. Called before the settlement posts (its ledger rows read them)."""
    planned = shares_of(session, order.id)
    if not planned:
        return
    added = sum((s.amount for s in planned), ZERO)
    if added != total:
        raise InvalidInput("split", f"the payers' shares add up to {added} but the bill is now {total}: split it again")
    for s in planned:
        s.settlement_id = settlement.id
    session.flush()


def _parties(session: Session, ids) -> dict:
    ids = {i for i in ids if i}
    if not ids:
        return {}
    return {p.id: p for p in session.execute(select(bd.Party).where(bd.Party.id.in_(ids))).scalars()}


def split_view(session: Session, order: RepairOrder) -> dict:
    """Who pays what for this job, each payer's open amount once posted, and the margin."""
    from ..claims.operations import parts_at_cost
    from ..commissions import operations as commissions
    from ..finance.settlement_models import FinanceOpenItem
    from .money import customer_counterparty
    from .operations import bill_of

    settlement = session.execute(select(RepairPayment).where(
        RepairPayment.order_id == order.id, RepairPayment.kind == "settlement", RepairPayment.status == "posted")
        .order_by(RepairPayment.created_at.desc())).scalars().first()
    if settlement is not None:
        shares = shares_of(session, order.id, settlement.id)
        total = settlement.bill_total
        labour_fee, maker_id = settlement.claim_amount, settlement.manufacturer_id
    else:
        shares = shares_of(session, order.id)
        bill = bill_of(session, order)
        total, labour_fee, maker_id = bill["bill_total"], bill["claim_amount"], bill["manufacturer_id"]
    rows: dict[str, dict] = {}

    def row(payer: str, party_id) -> dict:
        key = f"{payer}:{party_id or ''}"
        if key not in rows:
            rows[key] = {"payer": payer, "party_id": party_id, "party_name": "", "bill_share": ZERO,
                         "labour_fee": ZERO, "parts_claimed": ZERO, "total": ZERO, "open": None, "note": ""}
        return rows[key]

    if shares:
        for s in shares:
            r = row(s.payer, s.party_id)
            r["bill_share"] += s.amount
            r["note"] = s.note
    elif total:
        row("customer", None)["bill_share"] = total
    if labour_fee and maker_id:
        row("manufacturer", maker_id)["labour_fee"] = labour_fee
        if order.claimable:
            row("manufacturer", maker_id)["parts_claimed"] = parts_at_cost(session, [order.id]).get(order.id, ZERO)
    names = _parties(session, [r["party_id"] for r in rows.values()])
    open_items = {}
    if settlement is not None:
        open_items = {(i.counterparty_id, i.counterparty_kind): i for i in session.execute(
            select(FinanceOpenItem).where(FinanceOpenItem.document_id == settlement.id,
                                          FinanceOpenItem.direction == "receivable")).scalars()}
    for r in rows.values():
        r["total"] = r["bill_share"] + r["labour_fee"] + r["parts_claimed"]
        if r["party_id"] in names:
            r["party_name"] = names[r["party_id"]].name
        if settlement is not None and r["payer"] != "goodwill":
            if r["payer"] == "customer":
                cp = customer_counterparty(session, order)
                item = open_items.get((cp.id or NIL, cp.kind))
            else:
                item = open_items.get((r["party_id"], "party"))
            r["open"] = item.open_amount if item is not None else ZERO
    payers = sorted(rows.values(), key=lambda r: PAYERS.index(r["payer"]))
    revenue = sum((r["total"] for r in payers if r["payer"] != "goodwill"), ZERO)
    parts_cost = sum(session.execute(select(RepairPart.cost).where(RepairPart.order_id == order.id)).scalars(), ZERO)
    if settlement is not None:
        commission, estimated = commissions.earned_on_order(session, order.id), False
    else:
        commission, estimated = sum((ln.amount for ln in commissions.lines_for_order(session, order)), ZERO), True
    goodwill = sum((r["bill_share"] for r in payers if r["payer"] == "goodwill"), ZERO)
    return {"order_id": order.id, "settled": settlement is not None,
            "settlement_number": settlement.number if settlement is not None else None,
            "bill_total": total, "split_planned": bool(shares), "payers": payers,
            "margin": {"revenue": revenue, "goodwill": goodwill, "parts_cost": parts_cost, "commission": commission,
                       "commission_estimated": estimated, "margin": revenue - parts_cost - commission}}
