"""What a custom report may query: each business document type declares its fields once.

A ``Source`` is one document type (with its lines where it has them): the FROM clause, the
model whose ``scope_criteria`` scopes it by organisation (the one rule of ``server.org.scoping``),
the permission that reads it, the default date field, the rows it never shows (drafts), and its
``Field``s. A field is a key, a zh-CN/en label (taken from the words the workspace already
states), a type, the SQL expression it reads and whether it groups and measures. Nothing outside
this registry can be named in a query: the builder only ever uses these expressions.

Adding a source is a ``Source(...)`` entry in ``_sources()``. Personal data (customers' names and
phones) is not declared: a report is not a way round ``customer.personal_data``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from sqlalchemy import Integer, case, func, select, type_coerce
from sqlalchemy.sql.elements import ColumnElement

from ...db import Fixed

Money = Fixed(14, 2)

TYPES = ("text", "number", "money", "date", "datetime", "choice", "reference", "bool")
# Types a measure may sum and average; min and max take these too.
MEASURABLE = ("number", "money")
ORDERED = ("number", "money", "date", "datetime")

YES_NO = {True: {"zh-CN": "是", "en": "Yes"}, False: {"zh-CN": "否", "en": "No"}}


@dataclass(frozen=True)
class Ref:
    """What a reference field shows: ``label`` of ``model``'s row whose id the column holds."""

    model: type
    label: str = "name"


@dataclass(frozen=True)
class Field:
    key: str
    label: dict[str, str]
    type: str
    column: Any  # a mapped attribute or SQL expression of the source's FROM
    groupable: bool = True
    measurable: bool = False
    choices: dict[Any, dict[str, str]] | None = None
    ref: Ref | None = None

    @property
    def places(self) -> int | None:
        """Decimal places a filter value may carry (the column's scale): more would not bind."""
        t = getattr(self.column, "type", None)
        if isinstance(t, Fixed):
            return t.scale
        if isinstance(t, Integer):
            return 0
        return None


@dataclass(frozen=True)
class Source:
    key: str
    label: dict[str, str]
    permission: str
    root: type  # the first entity of the FROM clause
    scope: type  # the OrgOwned model whose rule scopes the rows
    date_field: str
    fields: tuple[Field, ...]
    joins: tuple[tuple[type, Any], ...] = ()  # (model, onclause) joined onto the root
    where: tuple[ColumnElement, ...] = ()  # rows a report never shows (drafts)
    by_key: dict[str, Field] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self):
        self.by_key.update({f.key: f for f in self.fields})
        assert len(self.by_key) == len(self.fields), f"{self.key}: a field is declared twice"
        assert self.date_field in self.by_key, f"{self.key}: no date field {self.date_field}"
        for f in self.fields:
            assert f.type in TYPES, f"{self.key}.{f.key}: unknown type {f.type}"
            assert not f.measurable or f.type in MEASURABLE, f"{self.key}.{f.key}: only numbers measure"
            assert (f.type == "reference") == (f.ref is not None), f"{self.key}.{f.key}: a reference names its model"


# -- declaring fields: one call per field -----------------------------------------------------

def text(key, label, column, **kw) -> Field:
    return Field(key, label, "text", column, **kw)


def number(key, label, column, **kw) -> Field:
    return Field(key, label, "number", column, measurable=True, **kw)


def money(key, label, column, **kw) -> Field:
    return Field(key, label, "money", column, measurable=True, **kw)


def date(key, label, column, **kw) -> Field:
    return Field(key, label, "date", column, **kw)


def datetime(key, label, column, **kw) -> Field:
    return Field(key, label, "datetime", column, **kw)


def choice(key, label, column, choices, **kw) -> Field:
    return Field(key, label, "choice", column, choices=dict(choices), **kw)


def flag(key, label, column, **kw) -> Field:
    return Field(key, label, "bool", column, choices=YES_NO, **kw)


def ref(key, label, column, model, shows: str = "name", **kw) -> Field:
    return Field(key, label, "reference", column, ref=Ref(model, shows), **kw)


# -- the sources ------------------------------------------------------------------------------

@cache
def sources() -> dict[str, Source]:
    return {s.key: s for s in _sources()}


def _sources() -> list[Source]:
    # Imported here: the registry reads every area's models and words, which import much.
    from ...basedata.labels import FIELD_LABELS as B
    from ...basedata.models import (Brand, Engineer, FaultSymptom, Item, Party, ProductModel, RepairLevel, RepairMethod,
                                    Warehouse, WarrantyStatus)
    from ...commissions.models import CommissionEntry
    from ...core import lifecycle
    from ...exchange import statemachine as esm
    from ...exchange.models import ExchangeOrder
    from ...finance.models import CashEntry, CounterpartyEntry, MoneyAccount
    from ...meta.family_exchange import LABELS as E, UNIT_AT
    from ...meta.family_repair import LABELS as R
    from ...meta.family_wholesale import LABELS as W
    from ...purchase.models import PurchaseReceipt, PurchaseReceiptLine
    from ...purchase.schemas import LABELS as P
    from ...org.models import Organisation
    from ...repair import statemachine as rsm
    from ...repair.comebacks import came_back, is_repair
    from ...repair.models import RepairOrder, RepairPart, RepairPayerShare, RepairPayment
    from ...retail.models import RetailSale, RetailSaleLine
    from ...stock.documents import DOC_TYPES
    from ...stock.models import LOCATION_KINDS, StockDocument, StockDocumentLine, StockLocation, StockMove
    from ..expressions import days_between, json_uuid
    from ...stock.schemas import LABELS as S
    from ...wholesale.models import SalesDelivery, SalesDeliveryLine

    def w(zh: str, en: str) -> dict[str, str]:
        return {"zh-CN": zh, "en": en}

    statuses = lifecycle.LABELS
    status = S["status"]
    not_draft = lambda model: model.status != lifecycle.DRAFT  # noqa: E731
    stock_types = {k: t.label for k, t in DOC_TYPES.items()}
    stock_kinds = {k: label for t in DOC_TYPES.values() for k, label in (t.kind_labels or {}).items()}

    # Derived per-record facts the fixed reports figure and drill by (server/reports/fixed), each
    # declared here once so that a figure and the documents behind it are the same query.
    def brand_of_model(model_col):
        return select(ProductModel.brand_id).where(ProductModel.id == model_col).scalar_subquery()

    def of_item(col, item_col):
        return select(col).where(Item.id == item_col).scalar_subquery()

    def total(col, *where):
        return type_coerce(select(func.coalesce(func.sum(col), 0)).where(*where).scalar_subquery(), Money)

    def bucket(start, end):
        """完成周期: done within 3 days, within 3 to 7, beyond 7, or not done; a day is 24 hours."""
        days = days_between(start, end)
        return case((end.is_(None), "open"), (days <= 3, "within_3"), (days <= 7, "within_7"), else_="over_7")

    buckets = {"within_3": w("3天内完成", "Done within 3 days"), "within_7": w("3–7天完成", "Done in 3–7 days"),
               "over_7": w("超过7天完成", "Done after 7 days"), "open": w("未完成", "Not done")}
    # What the repair earns, as its margin counts it (repair/split.py): the settled bill less the
    # point's own goodwill share.
    charges = type_coerce(
        total(RepairPayment.parts_total + RepairPayment.labour_total + RepairPayment.check_fee,
              RepairPayment.order_id == RepairOrder.id, RepairPayment.kind == "settlement",
              RepairPayment.status.in_((lifecycle.POSTED, lifecycle.AUDITED)))
        - total(RepairPayerShare.amount, RepairPayerShare.order_id == RepairOrder.id,
                RepairPayerShare.payer == "goodwill", RepairPayerShare.settlement_id.is_not(None)), Money)
    parts_cost = total(RepairPart.cost, RepairPart.order_id == RepairOrder.id)
    commission = total(CommissionEntry.amount, CommissionEntry.order_id == RepairOrder.id)
    location_kinds = {k: w(k, k) for k in LOCATION_KINDS}
    location_kinds.update({"warehouse": w("仓库", "Warehouse"), "engineer": w("工程师", "Engineer"),
                           "transit": w("在途", "In transit"), "custody": w("代管", "In custody"),
                           "supplier": w("供应商", "Supplier"), "customer": w("客户", "Customer"),
                           "manufacturer": w("厂家", "Manufacturer"), "adjustment": w("盘点调整", "Adjustment"),
                           "scrapped": w("报废", "Scrapped")})

    repair = Source(
        "repair_orders", w("维修单", "Repair orders"), "repair.view", RepairOrder, RepairOrder, "doc_date",
        where=(not_draft(RepairOrder),),
        fields=(
            text("number", R["number"], RepairOrder.number, groupable=False),
            date("doc_date", R["doc_date"], RepairOrder.doc_date),
            datetime("created_at", R["created_at"], RepairOrder.created_at),
            ref("org", R["org_id"], RepairOrder.org_id, Organisation),
            choice("state", R["state"], RepairOrder.state, rsm.STATE_LABELS),
            choice("mode", R["mode"], RepairOrder.mode, rsm.MODES),
            text("imei", R["imei"], RepairOrder.imei, groupable=False),
            ref("model", R["model_id"], RepairOrder.model_id, ProductModel),
            ref("engineer", S["engineer_id"], RepairOrder.engineer_id, Engineer),
            ref("warranty_status", w("保修状态", "Warranty status"), RepairOrder.warranty_status_id, WarrantyStatus),
            ref("repair_level", B["repair_level_id"], RepairOrder.repair_level_id, RepairLevel),
            flag("chargeable", R["chargeable"], RepairOrder.chargeable),
            flag("unrepaired", w("未修复", "Unrepaired"), RepairOrder.unrepaired),
            date("promised_date", R["promised_date"], RepairOrder.promised_date),
            datetime("picked_up_at", w("取机时间", "Picked up at"), RepairOrder.picked_up_at),
            number("qc_fail_count", w("质检不合格次数", "QC failures"), RepairOrder.qc_fail_count),
            ref("brand", B["brand_id"], brand_of_model(RepairOrder.model_id), Brand),
            datetime("finished_at", w("修复时间", "Repaired at"), RepairOrder.repair_finished_at),
            choice("turnaround", w("完成周期", "Turnaround"), bucket(RepairOrder.created_at, RepairOrder.picked_up_at),
                   buckets),
            number("turnaround_days", w("周转天数", "Turnaround days"),
                   days_between(RepairOrder.created_at, RepairOrder.picked_up_at)),
            flag("counted_repair", w("计入返修率的维修", "Repair (for comebacks)"), is_repair()),
            flag("came_back", w("已返修", "Came back"), came_back()),
            ref("fault", w("主要故障", "Main fault"), json_uuid(RepairOrder.symptoms[0]["id"].as_string()), FaultSymptom),
            ref("repair_method", w("主要处理方法", "Main repair method"),
                json_uuid(RepairOrder.repair_method_ids[0].as_string()), RepairMethod),
            money("charges", w("维修收费", "Charges"), charges),
            money("parts_cost", w("配件成本", "Parts at cost"), parts_cost),
            money("commission", w("工程师提成", "Commissions"), commission),
            money("repair_profit", w("维修利润", "Repair profit"), type_coerce(charges - parts_cost - commission, Money)),
        ))

    exchange = Source(
        "exchange_orders", w("换机单", "Exchange orders"), "exchange.view", ExchangeOrder, ExchangeOrder, "doc_date",
        where=(not_draft(ExchangeOrder),),
        fields=(
            text("number", E["number"], ExchangeOrder.number, groupable=False),
            date("doc_date", E["doc_date"], ExchangeOrder.doc_date),
            datetime("created_at", R["created_at"], ExchangeOrder.created_at),
            ref("org", E["org_id"], ExchangeOrder.org_id, Organisation),
            choice("state", E["state"], ExchangeOrder.state, esm.STATE_LABELS),
            choice("mode", E["mode"], ExchangeOrder.mode, esm.MODES),
            text("imei", E["imei"], ExchangeOrder.imei, groupable=False),
            text("replacement_imei", E["replacement_imei"], ExchangeOrder.replacement_imei, groupable=False),
            ref("model", E["model_id"], ExchangeOrder.model_id, ProductModel),
            ref("manufacturer", E["manufacturer_id"], ExchangeOrder.manufacturer_id, Party),
            choice("unit_at", E["unit_at"], ExchangeOrder.unit_at, UNIT_AT),
            money("fee", E["fee"], ExchangeOrder.fee),
            money("unit_value", w("旧机价值", "Old unit's value"), ExchangeOrder.unit_value),
            datetime("handed_over_at", w("交机时间", "Handed over at"), ExchangeOrder.handed_over_at),
            ref("brand", B["brand_id"], brand_of_model(ExchangeOrder.model_id), Brand),
            choice("turnaround", w("完成周期", "Turnaround"), bucket(ExchangeOrder.created_at, ExchangeOrder.handed_over_at),
                   buckets),
            number("turnaround_days", w("周转天数", "Turnaround days"),
                   days_between(ExchangeOrder.created_at, ExchangeOrder.handed_over_at)),
        ))

    stock_lines = Source(
        "stock_document_lines", w("仓库单据明细", "Warehouse document lines"), "stock.view", StockDocumentLine,
        StockDocument, "doc_date",
        joins=((StockDocument, StockDocumentLine.document_id == StockDocument.id),),
        where=(not_draft(StockDocument),),
        fields=(
            text("number", S["number"], StockDocument.number, groupable=False),
            date("doc_date", S["doc_date"], StockDocument.doc_date),
            ref("org", S["org_id"], StockDocument.org_id, Organisation),
            choice("doc_type", w("单据类型", "Document type"), StockDocument.doc_type, stock_types),
            choice("kind", S["kind"], StockDocument.kind, stock_kinds),
            choice("status", status, StockDocument.status, statuses),
            ref("warehouse", S["warehouse_id"], StockDocument.warehouse_id, Warehouse),
            ref("party", S["party_id"], StockDocument.party_id, Party),
            ref("engineer", S["engineer_id"], StockDocument.engineer_id, Engineer),
            text("reference", S["reference"], StockDocument.reference, groupable=False),
            ref("item", S["item_id"], StockDocumentLine.item_id, Item),
            number("quantity", S["quantity"], StockDocumentLine.quantity),
            number("unit_cost", S["unit_cost"], StockDocumentLine.unit_cost),
        ))

    from_loc = StockLocation.__table__.alias("from_location")
    to_loc = StockLocation.__table__.alias("to_location")
    move_item = Item.__table__.alias("move_item")
    stock_moves = Source(
        "stock_moves", w("库存流水", "Stock moves"), "stock.view", StockMove, StockMove, "doc_date",
        # Joined, not looked up per row: a report over a million moves groups by these. Core aliases,
        # outside the session's scoping: the move's own organisation scopes it (a transfer's receipt
        # starts at the sender's transit location).
        joins=((from_loc, from_loc.c.id == StockMove.from_location_id), (to_loc, to_loc.c.id == StockMove.to_location_id),
               (move_item, move_item.c.id == StockMove.item_id)),
        fields=(
            date("doc_date", S["doc_date"], StockMove.doc_date),
            datetime("posted_at", w("过账时间", "Posted at"), StockMove.posted_at),
            ref("org", S["org_id"], StockMove.org_id, Organisation),
            text("doc_type", w("来源单据类型", "Source document type"), StockMove.doc_type),
            ref("item", S["item_id"], StockMove.item_id, Item),
            number("quantity", S["quantity"], StockMove.quantity),
            money("value", S["value"], StockMove.value),
            ref("brand", B["brand_id"], move_item.c.brand_id, Brand),
            ref("model", B["model_id"], move_item.c.model_id, ProductModel),
            ref("from_warehouse", w("发出仓库", "From warehouse"), from_loc.c.warehouse_id, Warehouse),
            ref("to_warehouse", w("收入仓库", "To warehouse"), to_loc.c.warehouse_id, Warehouse),
            choice("from_kind", w("发出方", "From"), from_loc.c.kind, location_kinds),
            choice("to_kind", w("收入方", "To"), to_loc.c.kind, location_kinds),
        ))

    retail_lines = Source(
        "retail_sale_lines", w("零售销售明细", "Retail sale lines"), "retail.view", RetailSaleLine, RetailSale,
        "doc_date",
        joins=((RetailSale, RetailSaleLine.sale_id == RetailSale.id),),
        where=(not_draft(RetailSale),),
        fields=(
            text("number", S["number"], RetailSale.number, groupable=False),
            date("doc_date", S["doc_date"], RetailSale.doc_date),
            ref("org", S["org_id"], RetailSale.org_id, Organisation),
            choice("status", status, RetailSale.status, statuses),
            ref("warehouse", S["warehouse_id"], RetailSale.warehouse_id, Warehouse),
            ref("item", S["item_id"], RetailSaleLine.item_id, Item),
            number("quantity", S["quantity"], RetailSaleLine.quantity),
            number("unit_price", W["unit_price"], RetailSaleLine.unit_price),
            money("net", W["net"], RetailSaleLine.net),
            money("tax", W["tax"], RetailSaleLine.tax),
            money("gross", W["gross"], RetailSaleLine.gross),
            money("cost", W["cost"], RetailSaleLine.cost),
            ref("brand", B["brand_id"], of_item(Item.brand_id, RetailSaleLine.item_id), Brand),
            ref("model", B["model_id"], of_item(Item.model_id, RetailSaleLine.item_id), ProductModel),
            money("profit", w("毛利", "Profit"), type_coerce(RetailSaleLine.net - func.coalesce(RetailSaleLine.cost, 0), Money)),
        ))

    deliveries = Source(
        "sales_delivery_lines", w("批发发货明细", "Wholesale delivery lines"), "sales.view", SalesDeliveryLine,
        SalesDelivery, "doc_date",
        joins=((SalesDelivery, SalesDeliveryLine.delivery_id == SalesDelivery.id),),
        where=(not_draft(SalesDelivery),),
        fields=(
            text("number", W["number"], SalesDelivery.number, groupable=False),
            date("doc_date", W["doc_date"], SalesDelivery.doc_date),
            ref("org", W["org_id"], SalesDelivery.org_id, Organisation),
            choice("status", W["status"], SalesDelivery.status, statuses),
            ref("party", W["party_id"], SalesDelivery.party_id, Party),
            ref("warehouse", W["warehouse_id"], SalesDelivery.warehouse_id, Warehouse),
            ref("item", W["item_id"], SalesDeliveryLine.item_id, Item),
            number("quantity", W["quantity"], SalesDeliveryLine.quantity),
            number("unit_price", W["unit_price"], SalesDeliveryLine.unit_price),
            money("net", W["net"], SalesDeliveryLine.net),
            money("tax", W["tax"], SalesDeliveryLine.tax),
            money("gross", W["gross"], SalesDeliveryLine.gross),
            money("cost", W["cost"], SalesDeliveryLine.cost),
            ref("brand", B["brand_id"], of_item(Item.brand_id, SalesDeliveryLine.item_id), Brand),
            ref("model", B["model_id"], of_item(Item.model_id, SalesDeliveryLine.item_id), ProductModel),
            money("profit", w("毛利", "Profit"), type_coerce(SalesDeliveryLine.net - SalesDeliveryLine.cost, Money)),
        ))

    receipts = Source(
        "purchase_receipt_lines", w("采购入库明细", "Purchase receipt lines"), "purchase.view", PurchaseReceiptLine,
        PurchaseReceipt, "doc_date",
        joins=((PurchaseReceipt, PurchaseReceiptLine.document_id == PurchaseReceipt.id),),
        where=(not_draft(PurchaseReceipt),),
        fields=(
            text("number", P["number"], PurchaseReceipt.number, groupable=False),
            date("doc_date", P["doc_date"], PurchaseReceipt.doc_date),
            ref("org", P["org_id"], PurchaseReceipt.org_id, Organisation),
            choice("status", P["status"], PurchaseReceipt.status, statuses),
            ref("party", P["party_id"], PurchaseReceipt.party_id, Party),
            ref("warehouse", P["warehouse_id"], PurchaseReceipt.warehouse_id, Warehouse),
            ref("item", P["item_id"], PurchaseReceiptLine.item_id, Item),
            number("quantity", P["quantity"], PurchaseReceiptLine.quantity),
            money("net", P["net"], PurchaseReceiptLine.net),
            money("tax", P["tax"], PurchaseReceiptLine.tax),
            money("gross", P["gross"], PurchaseReceiptLine.gross),
        ))

    cash = Source(
        "cash_entries", w("资金流水", "Cash and bank entries"), "finance.view", CashEntry, CashEntry, "doc_date",
        fields=(
            date("doc_date", S["doc_date"], CashEntry.doc_date),
            ref("org", S["org_id"], CashEntry.org_id, Organisation),
            ref("account", w("账户", "Account"), CashEntry.account_id, MoneyAccount),
            text("document_type", w("来源单据类型", "Source document type"), CashEntry.document_type),
            text("document_number", S["number"], CashEntry.document_number, groupable=False),
            money("amount", S["value"], CashEntry.amount),
        ))

    counterparty = Source(
        "counterparty_entries", w("往来流水", "Receivable and payable entries"), "finance.view", CounterpartyEntry,
        CounterpartyEntry, "doc_date",
        fields=(
            date("doc_date", S["doc_date"], CounterpartyEntry.doc_date),
            ref("org", S["org_id"], CounterpartyEntry.org_id, Organisation),
            choice("direction", w("方向", "Direction"), CounterpartyEntry.direction,
                   {"receivable": w("应收", "Receivable"), "payable": w("应付", "Payable")}),
            choice("counterparty_kind", w("往来对象类型", "Counterparty kind"), CounterpartyEntry.counterparty_kind,
                   {"party": w("往来单位", "Party"), "organisation": w("机构", "Organisation"),
                    "member": w("会员", "Member"), "walk_in": w("散客", "Walk-in customer")}),
            ref("party", S["party_id"], CounterpartyEntry.party_id, Party),
            ref("counterparty_org", w("往来机构", "Counterparty organisation"), CounterpartyEntry.counterparty_org_id,
                Organisation),
            text("document_type", w("来源单据类型", "Source document type"), CounterpartyEntry.document_type),
            text("document_number", S["number"], CounterpartyEntry.document_number, groupable=False),
            money("amount", S["value"], CounterpartyEntry.amount),
        ))

    return [repair, exchange, stock_lines, stock_moves, retail_lines, deliveries, receipts, cash, counterparty]


def label(words: dict[str, str], lang: str) -> str:
    return words.get(lang) or words.get("en") or next(iter(words.values()))
