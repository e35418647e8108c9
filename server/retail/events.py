"""Retail sync events (sale, return, cash-up) made at the counter, offline if need be, posted by the
worker through the same operations as the REST API (schemas in sync/schemas/retail_*.json).

A sale posts *deferred* in the worker's batch (server.core.batch): it reads stock from the batch's
ledger state and writes plain records only, so a feed of sales posts in a few statements. Returns
and cash-ups read the sales posted before them and post optimistically."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from sync.handlers import Event, PostResult, register_handler

from ..basedata.models import Item, Warehouse
from ..db import load_many
from ..stock.ledger import know_items
from . import posting

ENVELOPE_KEYS = {"_id", "_rev", "_revisions", "type", "org", "device_id", "user_id", "created_at", "order_id"}


def _payload(event: Event) -> dict:
    data = {k: v for k, v in event.doc.items() if k not in ENVELOPE_KEYS}
    data.setdefault("doc_date", event.local_date())
    return data


def _uuid(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(value) if isinstance(value, str) else None
    except ValueError:
        return None


def prefetch_sales(session: Session, docs: list[dict]) -> None:
    """The items, warehouses and accounts a batch of sales names, loaded in three statements."""
    from ..finance.models import MoneyAccount

    items, whs, accounts = set(), set(), set()
    for doc in docs:
        if (ref := _uuid(doc.get("warehouse_id"))) is not None:
            whs.add(ref)
        for line in doc.get("lines") or ():
            if isinstance(line, dict) and (ref := _uuid(line.get("item_id"))) is not None:
                items.add(ref)
        for pay in doc.get("payments") or ():
            if isinstance(pay, dict) and (ref := _uuid(pay.get("account_id"))) is not None:
                accounts.add(ref)
    if items:
        know_items(session, load_many(session, Item, sorted(items)))
    if whs:
        load_many(session, Warehouse, sorted(whs))
    if accounts:
        load_many(session, MoneyAccount, sorted(accounts))
    imeis = [s for doc in docs for line in doc.get("lines") or () if isinstance(line, dict)
             for s in line.get("serials") or () if isinstance(s, str)]
    if imeis:
        posting.prefetch_cards(session, imeis)


@register_handler("retail_sale", permission="retail.sell", deferred=True, prefetch=prefetch_sales)
def post_sale(session: Session, event: Event) -> PostResult:
    """零售销售单 made at the counter; the LS number and whether any line's stock waits go back in the
    status document."""
    data = _payload(event)
    data["id"] = uuid.UUID(event.id)
    sale = posting.make_sale(session, data, device_id=event.device_id)
    return PostResult(numbers={"retail_sale": sale.number, "stock_state": sale.stock_state},
                      document_type="retail_sale", document_id=sale.id, number=sale.number)


@register_handler("retail_return", permission="retail.return")
def post_return(session: Session, event: Event) -> PostResult:
    """零售退货单 against a sale (by its id, as the receipt's QR code names it)."""
    data = _payload(event)
    data["id"] = uuid.UUID(event.id)
    ret = posting.make_return(session, data, device_id=event.device_id)
    return PostResult(numbers={"retail_return": ret.number, "total": str(ret.total)}, document_type="retail_return",
                      document_id=ret.id, number=ret.number)


@register_handler("retail_cashup", permission="retail.cashup")
def post_cashup(session: Session, event: Event) -> PostResult:
    """日结 of the counter's day: the differences go back with the number."""
    data = _payload(event)
    data.pop("doc_date", None)
    data.setdefault("business_date", event.local_date())
    data["id"] = uuid.UUID(event.id)
    doc = posting.make_cashup(session, data, device_id=event.device_id)
    return PostResult(numbers={"retail_cashup": doc.number, "difference": str(doc.difference)},
                      document_type="retail_cashup", document_id=doc.id, number=doc.number)
