"""Warehouse documents' API schemas, and the words for their fields: the labels are stated here
once and exported by ``/api/meta/documents`` (the PWA restates none)."""

import marshmallow as ma

from ..core.lifecycle import STATUSES
from ..http import ExactDecimal, PageArgs, Schema, Str, page_schema

# zh-CN/en label of every field a document, its lines, its list or its moves show.
LABELS: dict[str, dict[str, str]] = {
    "number": {"zh-CN": "单号", "en": "Number"},
    "status": {"zh-CN": "状态", "en": "Status"},
    "kind": {"zh-CN": "业务类型", "en": "Type"},
    "doc_date": {"zh-CN": "单据日期", "en": "Date"},
    "org_id": {"zh-CN": "所属网点", "en": "Service point"},
    "warehouse_id": {"zh-CN": "仓库", "en": "Warehouse"},
    "to_warehouse_id": {"zh-CN": "调入仓库", "en": "To warehouse"},
    "party_id": {"zh-CN": "往来单位", "en": "Party"},
    "engineer_id": {"zh-CN": "工程师", "en": "Engineer"},
    "formula_id": {"zh-CN": "拆装公式", "en": "Formula"},
    "reference": {"zh-CN": "关联单号", "en": "Reference"},
    "note": {"zh-CN": "备注", "en": "Note"},
    "item_id": {"zh-CN": "产品", "en": "Item"},
    "quantity": {"zh-CN": "数量", "en": "Quantity"},
    "unit_cost": {"zh-CN": "单位成本", "en": "Unit cost"},
    "counted_quantity": {"zh-CN": "实盘数量", "en": "Counted"},
    "book_quantity": {"zh-CN": "账面数量", "en": "Book"},
    "difference": {"zh-CN": "盘盈(+)/盘亏(−)", "en": "Gain (+) / loss (−)"},
    "serials": {"zh-CN": "串号", "en": "Serials"},
    "created_at": {"zh-CN": "录入时间", "en": "Entered"},
    "since": {"zh-CN": "起始日期", "en": "From"},
    "until": {"zh-CN": "截止日期", "en": "To"},
    "value": {"zh-CN": "金额", "en": "Value"},
    "from_location": {"zh-CN": "调出", "en": "From"},
    "to_location": {"zh-CN": "调入", "en": "To"},
    "reason": {"zh-CN": "红冲原因", "en": "Reason"},
    "on": {"zh-CN": "红冲日期", "en": "Reversal date"},
}

# Where stock moves between (``models.LOCATION_KINDS``), as a move shows it.
LOCATION_KIND_LABELS: dict[str, dict[str, str]] = {
    "warehouse": {"zh-CN": "仓库", "en": "Warehouse"},
    "engineer": {"zh-CN": "工程师", "en": "Engineer"},
    "transit": {"zh-CN": "在途（调拨）", "en": "In transit (transfer)"},
    "supplier": {"zh-CN": "供应商", "en": "Supplier"},
    "customer": {"zh-CN": "客户", "en": "Customer"},
    "manufacturer": {"zh-CN": "厂家", "en": "Manufacturer"},
    "custody": {"zh-CN": "代管（客户的货）", "en": "In custody (others' goods)"},
    "adjustment": {"zh-CN": "库存调整", "en": "Adjustment"},
    "scrapped": {"zh-CN": "已报废", "en": "Scrapped"},
}

QTY = dict(places=3, as_string=True, allow_nan=False, validate=ma.validate.Range(min=0, max=1_000_000))
COST = dict(places=4, as_string=True, allow_nan=False, validate=ma.validate.Range(min=0, max=10_000_000))


class StockLineIn(Schema):
    item_id = ma.fields.UUID(required=True)
    quantity = ExactDecimal(load_default=None, **QTY)
    unit_cost = ExactDecimal(load_default=None, allow_none=True, **COST)
    counted_quantity = ExactDecimal(load_default=None, allow_none=True, **QTY)
    serials = ma.fields.List(Str(40, min_len=1), load_default=list, validate=ma.validate.Length(max=1000))
    role = ma.fields.String(load_default="main", validate=ma.validate.OneOf(["main", "component"]))
    note = Str(200, load_default="")


class StockLineOut(Schema):
    id = ma.fields.UUID()
    item_id = ma.fields.UUID()
    quantity = ma.fields.Decimal(as_string=True)
    unit_cost = ma.fields.Decimal(as_string=True, allow_none=True)
    counted_quantity = ma.fields.Decimal(as_string=True, allow_none=True)
    book_quantity = ma.fields.Decimal(as_string=True, allow_none=True, dump_default=None,
                                      metadata={"description": "A stocktake's book quantity (queries.book_quantities)"})
    serials = ma.fields.List(ma.fields.String())
    role = ma.fields.String()
    note = ma.fields.String()


class _Header(Schema):
    kind = Str(24)
    warehouse_id = ma.fields.UUID(allow_none=True)
    to_warehouse_id = ma.fields.UUID(allow_none=True)
    party_id = ma.fields.UUID(allow_none=True)
    engineer_id = ma.fields.UUID(allow_none=True)
    formula_id = ma.fields.UUID(allow_none=True)
    reference = Str(80)
    note = Str(2000)
    doc_date = ma.fields.Date()
    lines = ma.fields.List(ma.fields.Nested(StockLineIn), validate=ma.validate.Length(max=500))


class DocumentIn(_Header):
    org_id = ma.fields.UUID(load_default=None, metadata={"description": "Headquarters only; default: your organisation"})


class DocumentUpdateIn(_Header):
    pass


class DocumentOut(Schema):
    id = ma.fields.UUID()
    doc_type = ma.fields.String()
    number = ma.fields.String(allow_none=True)
    status = ma.fields.String()
    org_id = ma.fields.UUID()
    kind = ma.fields.String()
    doc_date = ma.fields.Date()
    warehouse_id = ma.fields.UUID(allow_none=True)
    to_warehouse_id = ma.fields.UUID(allow_none=True)
    party_id = ma.fields.UUID(allow_none=True)
    engineer_id = ma.fields.UUID(allow_none=True)
    formula_id = ma.fields.UUID(allow_none=True)
    reference = ma.fields.String()
    note = ma.fields.String()
    reverses_id = ma.fields.UUID(allow_none=True)
    reversal_reason = ma.fields.String()
    lines = ma.fields.List(ma.fields.Nested(StockLineOut))
    actions = ma.fields.Method("_actions")
    created_at = ma.fields.DateTime()
    created_by_id = ma.fields.UUID(allow_none=True)
    posted_at = ma.fields.DateTime(allow_none=True)
    posted_by_id = ma.fields.UUID(allow_none=True)
    reversed_at = ma.fields.DateTime(allow_none=True)
    reversed_by_id = ma.fields.UUID(allow_none=True)
    reversal_id = ma.fields.Method("_reversal_id", metadata={"description": "The document that reversed this one"})

    @ma.pre_dump
    def _book_quantities(self, obj, **_):
        # Only a stocktake has any (one query for a draft's lines); each line carries its own.
        if getattr(obj, "kind", None) == "stocktake":
            from sqlalchemy.orm import object_session

            from .queries import book_quantities

            book = book_quantities(object_session(obj), obj)
            for line in obj.lines:
                line.book_quantity = book.get(line.id)
        return obj

    def _actions(self, obj):
        from ..core.lifecycle import allowed_actions

        return allowed_actions(obj.doc_state)

    def _reversal_id(self, obj):
        # Only a reversed document has one: lists pay a query per reversed row, not per row.
        if obj.status != "reversed":
            return None
        from sqlalchemy import select
        from sqlalchemy.orm import object_session

        from .models import StockDocument

        found = object_session(obj).execute(select(StockDocument.id).where(StockDocument.reverses_id == obj.id)).scalar()
        return str(found) if found else None


DOCUMENT_SORTS = ("doc_date", "number", "created_at")


class DocumentListArgs(PageArgs):
    status = ma.fields.String(validate=ma.validate.OneOf(STATUSES))
    kind = Str(24)
    warehouse_id = ma.fields.UUID()
    engineer_id = ma.fields.UUID()
    reference = Str(80)
    number = Str(40)
    since = ma.fields.Date()
    until = ma.fields.Date()
    sort = ma.fields.String(validate=ma.validate.OneOf([s for k in DOCUMENT_SORTS for s in (k, f"-{k}")]),
                            metadata={"description": "A column, - for descending; default -doc_date"})


class DocumentExportArgs(DocumentListArgs):
    class Meta:
        exclude = ("page", "page_size")  # the whole filtered list

    format = ma.fields.String(load_default="xlsx", validate=ma.validate.OneOf(("xlsx",)))
    lang = ma.fields.String(load_default="zh-CN", validate=ma.validate.OneOf(("zh-CN", "en")),
                            metadata={"description": "The language of the column names, types and states"})


class ReverseIn(Schema):
    reason = Str(300, required=True, min_len=1)
    on = ma.fields.Date(load_default=None)


class StockRowOut(Schema):
    org_id = ma.fields.UUID()
    location_id = ma.fields.UUID()
    location_kind = ma.fields.String()
    location_name = ma.fields.String()
    warehouse_id = ma.fields.UUID(allow_none=True)
    warehouse_kind = ma.fields.String(allow_none=True)
    item_id = ma.fields.UUID()
    item_code = ma.fields.String()
    item_name = ma.fields.String()
    item_kind = ma.fields.String()
    quantity = ma.fields.Decimal(as_string=True)
    value = ma.fields.Decimal(as_string=True)
    unit_cost = ma.fields.Decimal(as_string=True, places=4)


class StockArgs(PageArgs):
    org_id = ma.fields.UUID()
    warehouse_id = ma.fields.UUID()
    warehouse_kind = ma.fields.String(validate=ma.validate.OneOf(["good", "defective", "loaner", "in_transit", "scrap"]))
    include_engineers = ma.fields.Boolean(load_default=False)
    item_kind = ma.fields.String(validate=ma.validate.OneOf(["device", "mainboard", "part", "accessory"]))
    brand_id = ma.fields.UUID()
    model_id = ma.fields.UUID()
    item_id = ma.fields.UUID()
    q = Str(64)


class StockTotals(Schema):
    quantity = ma.fields.Decimal(as_string=True)
    value = ma.fields.Decimal(as_string=True)


class MoveOut(Schema):
    id = ma.fields.UUID()
    org_id = ma.fields.UUID()
    item_id = ma.fields.UUID()
    from_location_id = ma.fields.UUID()
    to_location_id = ma.fields.UUID()
    quantity = ma.fields.Decimal(as_string=True)
    value = ma.fields.Decimal(as_string=True)
    doc_type = ma.fields.String()
    doc_id = ma.fields.UUID()
    line_id = ma.fields.UUID(allow_none=True)
    doc_date = ma.fields.Date()
    posted_at = ma.fields.DateTime()
    reverses_move_id = ma.fields.UUID(allow_none=True)


class MoveRowOut(MoveOut):
    """A move as a document's ledger shows it: the item and both locations named."""

    item_code = ma.fields.String()
    item_name = ma.fields.String()
    from_location_kind = ma.fields.String()
    from_location_name = ma.fields.String()
    to_location_kind = ma.fields.String()
    to_location_name = ma.fields.String()
    serials = ma.fields.List(ma.fields.String())


class MoveArgs(PageArgs):
    item_id = ma.fields.UUID()
    location_id = ma.fields.UUID()
    doc_id = ma.fields.UUID()
    serial = Str(40)


class SerialOut(Schema):
    item_id = ma.fields.UUID()
    serial = ma.fields.String()
    location_id = ma.fields.UUID()
    location_name = ma.fields.String()
    location_kind = ma.fields.String()
    org_id = ma.fields.UUID()
    history = ma.fields.List(ma.fields.Nested(MoveOut))


class ShortageIn(Schema):
    item_id = ma.fields.UUID(required=True)
    quantity = ExactDecimal(required=True, places=3, as_string=True, allow_nan=False,
                            validate=ma.validate.Range(min=0, min_inclusive=False, max=100_000))
    engineer_id = ma.fields.UUID(load_default=None, allow_none=True)
    reference = Str(80, load_default="")
    note = Str(2000, load_default="")
    org_id = ma.fields.UUID(load_default=None)


# The shortage register's states and actions (a shortage is no document: it has no number or ledger).
SHORTAGE_STATUSES: dict[str, dict[str, str]] = {
    "waiting": {"zh-CN": "待料", "en": "Waiting"},
    "ready": {"zh-CN": "已到货", "en": "Arrived"},
    "fulfilled": {"zh-CN": "已领用", "en": "Fulfilled"},
    "cancelled": {"zh-CN": "已取消", "en": "Cancelled"},
}
SHORTAGE_OPEN = ("waiting", "ready")
SHORTAGE_ACTIONS: dict[str, dict[str, str]] = {
    "fulfil": {"zh-CN": "已领用", "en": "Fulfilled"},
    "cancel": {"zh-CN": "取消", "en": "Cancel"},
}
SHORTAGE_LABELS: dict[str, dict[str, str]] = {
    "register": {"zh-CN": "缺料登记", "en": "Shortage register"},
    "quantity": {"zh-CN": "缺料数量", "en": "Quantity short"},
    "reference": {"zh-CN": "维修单号", "en": "Repair order"},
    "ready_at": {"zh-CN": "到货时间", "en": "Arrived"},
    "closed_at": {"zh-CN": "关闭时间", "en": "Closed"},
}


class ShortageOut(Schema):
    id = ma.fields.UUID()
    org_id = ma.fields.UUID()
    item_id = ma.fields.UUID()
    quantity = ma.fields.Decimal(as_string=True)
    engineer_id = ma.fields.UUID(allow_none=True)
    reference = ma.fields.String()
    note = ma.fields.String()
    status = ma.fields.String()
    created_at = ma.fields.DateTime()
    ready_at = ma.fields.DateTime(allow_none=True)
    closed_at = ma.fields.DateTime(allow_none=True)
    actions = ma.fields.Method("_actions", metadata={"description": "What may be done to it now"})

    def _actions(self, obj):
        return list(SHORTAGE_ACTIONS) if obj.status in SHORTAGE_OPEN else []


class ShortageArgs(PageArgs):
    status = ma.fields.String(validate=ma.validate.OneOf(list(SHORTAGE_STATUSES)))
    item_id = ma.fields.UUID()
    engineer_id = ma.fields.UUID()
    reference = Str(80)


class CheckOut(Schema):
    consistent = ma.fields.Boolean()
    problems = ma.fields.List(ma.fields.String())


class DocumentTotals(Schema):
    quantity = ma.fields.Decimal(as_string=True, metadata={"description": "Sum of the listed documents' line quantities"})


DocumentPage = type("StockDocumentPage", (page_schema(DocumentOut, "StockDocumentPageBase"),),
                    {"totals": ma.fields.Nested(DocumentTotals)})
MovePage = page_schema(MoveRowOut, "StockMovePage")
ShortagePage = page_schema(ShortageOut, "ShortagePage")


class StockPage(Schema):
    items = ma.fields.List(ma.fields.Nested(StockRowOut))
    total = ma.fields.Integer()
    page = ma.fields.Integer()
    page_size = ma.fields.Integer()
    totals = ma.fields.Nested(StockTotals)
