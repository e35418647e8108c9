"""What the retail API answers: documents with their names resolved, lists, the cash-up preview and
the profit of the counter's sales (a query: every line keeps its revenue and cost)."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from sqlalchemy import func, or_, select

from ..basedata.models import Item, Warehouse
from ..db import get_loaded
from ..finance.models import MoneyAccount
from ..http import paginate
from .models import RetailCashup, RetailReturn, RetailReturnLine, RetailSale, RetailSaleLine, RetailStockException
from .posting import ZERO, expected_takings, refunded_so_far, returned_so_far


def _s(v) -> str | None:
    return None if v is None else str(v)


def _account(session, account_id) -> dict:
    acc = get_loaded(session, MoneyAccount, account_id)
    return {"account_id": str(account_id), "account_code": acc.code if acc else "", "account_name": acc.name if acc else "",
            "account_kind": acc.kind if acc else ""}


def _item(session, item_id) -> dict:
    item = get_loaded(session, Item, item_id)
    return {"item_id": str(item_id), "item_code": item.code, "item_name": item.name, "unit": item.unit,
            "serialized": item.serialized}


def _header(doc) -> dict:
    return {"id": str(doc.id), "number": doc.number, "status": doc.status, "doc_date": doc.doc_date.isoformat(),
            "org_id": str(doc.org_id), "created_at": doc.created_at.isoformat() if doc.created_at else None,
            "created_by_id": _s(doc.created_by_id), "note": doc.note}


def sale_row(session, sale: RetailSale) -> dict:
    wh = get_loaded(session, Warehouse, sale.warehouse_id)
    return {**_header(sale), "warehouse_id": str(sale.warehouse_id), "warehouse_name": wh.name if wh else "",
            "member_id": _s(sale.member_id), "customer_name": sale.customer_name, "customer_phone": sale.customer_phone,
            "device_id": sale.device_id, "net_total": str(sale.net_total), "tax_total": str(sale.tax_total),
            "total": str(sale.total), "tendered": str(sale.tendered), "change": str(sale.change),
            "stock_state": sale.stock_state}


def sale_detail(session, sale: RetailSale) -> dict:
    back = returned_so_far(session, sale.id)
    refunded = refunded_so_far(session, sale.id)
    exceptions = session.execute(select(RetailStockException).where(RetailStockException.sale_id == sale.id)).scalars().all()
    returns = session.execute(select(RetailReturn).where(RetailReturn.sale_id == sale.id).order_by(RetailReturn.created_at)
                              ).scalars().all()
    lines = []
    for line in sale.lines:
        q, g, _c, s = back.get(line.id, (Decimal(0), ZERO, ZERO, []))
        lines.append({"id": str(line.id), **_item(session, line.item_id), "quantity": str(line.quantity),
                      "list_price": str(line.list_price), "unit_price": str(line.unit_price),
                      "tax_rate": str(line.tax_rate), "net": str(line.net), "tax": str(line.tax), "gross": str(line.gross),
                      "cost": _s(line.cost), "profit": _s(line.net - line.cost if line.cost is not None else None),
                      "serials": list(line.serials or []), "returned_quantity": str(q), "returned_serials": s,
                      "returnable_quantity": str(line.quantity - q)})
    return {**sale_row(session, sale), "lines": lines,
            "payments": [{**_account(session, p.account_id), "amount": str(p.amount), "kept": str(p.kept),
                          "refunded": str(refunded.get(p.account_id, ZERO))} for p in sale.payments],
            "returns": [{"id": str(r.id), "number": r.number, "doc_date": r.doc_date.isoformat(), "total": str(r.total)}
                        for r in returns],
            "exceptions": [exception_row(session, e) for e in exceptions]}


def sales_page(session, args: dict) -> dict:
    stmt = select(RetailSale).order_by(RetailSale.created_at.desc(), RetailSale.id.desc())
    if args.get("warehouse_id"):
        stmt = stmt.where(RetailSale.warehouse_id == args["warehouse_id"])
    if args.get("date_from"):
        stmt = stmt.where(RetailSale.doc_date >= args["date_from"])
    if args.get("date_to"):
        stmt = stmt.where(RetailSale.doc_date <= args["date_to"])
    if args.get("stock_state"):
        stmt = stmt.where(RetailSale.stock_state == args["stock_state"])
    if q := (args.get("q") or "").strip():
        serial_sales = select(RetailSaleLine.sale_id).where(RetailSaleLine.serials.cast(type_=_text()).like(f'%"{q}"%'))
        stmt = stmt.where(or_(RetailSale.number == q, RetailSale.number.like(f"%{q}"), RetailSale.customer_phone == q,
                              RetailSale.id.in_(serial_sales)))
    page = paginate(session, stmt, args)
    page["items"] = [sale_row(session, s) for s in page["items"]]
    return page


def _text():
    from sqlalchemy import Text

    return Text()


def return_detail(session, ret: RetailReturn) -> dict:
    sale = session.get(RetailSale, ret.sale_id)
    return {**_header(ret), "sale_id": str(ret.sale_id), "sale_number": sale.number, "reason": ret.reason,
            "warehouse_id": str(ret.warehouse_id), "net_total": str(ret.net_total), "tax_total": str(ret.tax_total),
            "total": str(ret.total),
            "lines": [{"id": str(x.id), "sale_line_id": str(x.sale_line_id), **_item(session, x.item_id),
                       "quantity": str(x.quantity), "net": str(x.net), "tax": str(x.tax), "gross": str(x.gross),
                       "cost": _s(x.cost), "serials": list(x.serials or [])} for x in ret.lines],
            "refunds": [{**_account(session, r.account_id), "amount": str(r.amount)} for r in ret.refunds]}


def cashup_detail(session, doc: RetailCashup) -> dict:
    wh = get_loaded(session, Warehouse, doc.warehouse_id)
    return {**_header(doc), "warehouse_id": str(doc.warehouse_id), "warehouse_name": wh.name if wh else "",
            "business_date": doc.business_date.isoformat(), "expected_total": str(doc.expected_total),
            "counted_total": str(doc.counted_total), "difference": str(doc.difference),
            "lines": [{**_account(session, x.account_id), "sales": str(x.sales), "refunds": str(x.refunds),
                       "expected": str(x.expected), "counted": str(x.counted), "difference": str(x.difference)}
                      for x in doc.lines]}


def cashups_page(session, args: dict) -> dict:
    stmt = select(RetailCashup).order_by(RetailCashup.business_date.desc(), RetailCashup.id.desc())
    if args.get("warehouse_id"):
        stmt = stmt.where(RetailCashup.warehouse_id == args["warehouse_id"])
    page = paginate(session, stmt, args)
    page["items"] = [cashup_detail(session, c) for c in page["items"]]
    return page


def cashup_preview(session, org_id: uuid.UUID, warehouse_id: uuid.UUID, day: dt.date) -> dict:
    """What the counter's day should hold per account, before it is counted; and whether it is closed."""
    closed = session.execute(select(RetailCashup).where(RetailCashup.warehouse_id == warehouse_id,
                                                        RetailCashup.business_date == day)).scalar_one_or_none()
    accounts = session.execute(select(MoneyAccount).where(MoneyAccount.org_id == org_id, MoneyAccount.active)
                               .order_by(MoneyAccount.kind.desc(), MoneyAccount.code)).scalars().all()
    expected = expected_takings(session, org_id, warehouse_id, day)
    ids = [a.id for a in accounts] + [a for a in expected if a not in {x.id for x in accounts}]
    lines = []
    for account_id in ids:
        sales, refunds = expected.get(account_id, (ZERO, ZERO))
        lines.append({**_account(session, account_id), "sales": str(sales), "refunds": str(refunds),
                      "expected": str(sales - refunds)})
    return {"warehouse_id": str(warehouse_id), "business_date": day.isoformat(), "lines": lines,
            "closed": cashup_detail(session, closed) if closed else None}


def exception_row(session, e: RetailStockException) -> dict:
    sale = session.get(RetailSale, e.sale_id)
    wh = get_loaded(session, Warehouse, e.warehouse_id)
    return {"id": str(e.id), "sale_id": str(e.sale_id), "sale_number": sale.number if sale else "",
            "sale_date": sale.doc_date.isoformat() if sale else None, "sale_line_id": str(e.sale_line_id),
            **_item(session, e.item_id), "warehouse_id": str(e.warehouse_id), "warehouse_name": wh.name if wh else "",
            "quantity": str(e.quantity), "serials": list(e.serials or []), "reason": e.reason, "state": e.state,
            "created_at": e.created_at.isoformat(), "resolved_at": e.resolved_at.isoformat() if e.resolved_at else None,
            "resolution": e.resolution, "cost": _s(e.cost)}


def exceptions_page(session, args: dict) -> dict:
    stmt = select(RetailStockException).order_by(RetailStockException.created_at, RetailStockException.id)
    if args.get("state"):
        stmt = stmt.where(RetailStockException.state == args["state"])
    if args.get("warehouse_id"):
        stmt = stmt.where(RetailStockException.warehouse_id == args["warehouse_id"])
    page = paginate(session, stmt, args)
    page["items"] = [exception_row(session, e) for e in page["items"]]
    return page


def profit(session, args: dict) -> dict:
    """Revenue (net of tax), cost and profit of the counter's sales per day, less what came back; lines
    whose stock still waits count their revenue and no cost yet (``waiting_revenue``)."""
    days: dict[str, dict] = {}

    def row(day):
        return days.setdefault(day.isoformat(), {"date": day.isoformat(), "revenue": ZERO, "cost": ZERO,
                                                 "waiting_revenue": ZERO})

    s = (select(RetailSale.doc_date, func.sum(RetailSaleLine.net), func.sum(RetailSaleLine.cost),
                func.count(RetailSaleLine.cost), func.count())
         .join(RetailSale, RetailSale.id == RetailSaleLine.sale_id)
         .where(RetailSale.doc_date >= args["date_from"], RetailSale.doc_date <= args["date_to"]))
    r = (select(RetailReturn.doc_date, func.sum(RetailReturnLine.net), func.sum(RetailReturnLine.cost))
         .join(RetailReturn, RetailReturn.id == RetailReturnLine.return_id)
         .where(RetailReturn.doc_date >= args["date_from"], RetailReturn.doc_date <= args["date_to"]))
    if args.get("warehouse_id"):
        s = s.where(RetailSale.warehouse_id == args["warehouse_id"])
        r = r.where(RetailReturn.warehouse_id == args["warehouse_id"])
    for day, net, cost, _n, _all in session.execute(s.where(RetailSaleLine.cost.is_not(None)).group_by(RetailSale.doc_date)):
        d = row(day)
        d["revenue"] += net or ZERO
        d["cost"] += cost or ZERO
    for day, net, *_ in session.execute(s.where(RetailSaleLine.cost.is_(None)).group_by(RetailSale.doc_date)):
        row(day)["waiting_revenue"] += net or ZERO
    for day, net, cost in session.execute(r.group_by(RetailReturn.doc_date)):
        d = row(day)
        d["revenue"] -= net or ZERO
        d["cost"] -= cost or ZERO
    out = sorted(days.values(), key=lambda d: d["date"])
    totals = {"revenue": sum((d["revenue"] for d in out), ZERO), "cost": sum((d["cost"] for d in out), ZERO)}
    for d in [*out, totals]:
        d["profit"] = d["revenue"] - d["cost"]
    return {"days": [{k: str(v) if isinstance(v, Decimal) else v for k, v in d.items()} for d in out],
            "totals": {k: str(v) for k, v in totals.items()}}
