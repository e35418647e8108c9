"""Marshmallow schemas of the repair API (unknown fields refused, every string bounded)."""

from __future__ import annotations

import marshmallow as ma

from ..http import ExactDecimal, PageArgs, Schema, Str, page_schema
from . import rules
from . import statemachine as sm

SIGNATURE_MAX = 65_536


def Money(**kw) -> ma.fields.Decimal:
    """Amounts travel as strings with two places ("1234.50"), never as JSON numbers."""
    return ma.fields.Decimal(as_string=True, places=2, **kw)


def AmountIn(**kw) -> ma.fields.Decimal:
    return ExactDecimal(as_string=True, places=2, validate=ma.validate.Range(min=0, min_inclusive=False,
                                                                             max=999_999_999_999), **kw)


def Signature(**kw) -> ma.fields.String:
    kw.setdefault("metadata", {"description": "data:image/…;base64 URL of the signature, or the SHA-256 of an uploaded one"})
    return Str(SIGNATURE_MAX, **kw)


# -- input ----------------------------------------------------------------------------------

class DepositIn(Schema):
    amount = AmountIn(required=True)
    account_id = ma.fields.UUID(required=True, metadata={"description": "Cash drawer or bank account of the service point"})


# The lengths are the rules the PWA checks too (rules.py, exported into its build).
_L = rules.TEXT_LIMITS


class IntakeIn(Schema):
    member_phone = Str(_L["member_phone"], metadata={"description": "A member's phone; leave empty for a walk-in customer"})
    customer_name = Str(_L["customer_name"], metadata={"description": "Walk-in customer's name"})
    customer_phone = Str(_L["customer_phone"], metadata={"description": "Walk-in customer's phone"})
    imei = Str(_L["imei"], required=True)
    model_id = ma.fields.UUID(metadata={"description": "Default: from the warranty card or the IMEI's TAC"})
    colour = Str(_L["colour"])
    passcode = Str(_L["passcode"], metadata={"description": "Screen passcode or pattern; stored encrypted, erased at pickup"})
    accessories_received = ma.fields.List(ma.fields.UUID(), validate=ma.validate.Length(max=50))
    symptom_ids = ma.fields.List(ma.fields.UUID(), validate=ma.validate.Length(max=20))
    fault_description = Str(_L["fault_description"])
    appearance_note = Str(_L["appearance_note"])
    photos = ma.fields.List(Str(64), validate=ma.validate.Length(max=20))
    signature = Signature(metadata={"description": "The customer's signature on the intake ticket: a data:image/…;base64 URL or the SHA-256 of an uploaded image"})
    purchase_date = ma.fields.Date()
    warranty_status_id = ma.fields.UUID(metadata={"description": "Override the computed warranty status (with a reason)"})
    warranty_override_reason = Str(_L["warranty_override_reason"])
    promised_date = ma.fields.Date()
    mode = ma.fields.String(validate=ma.validate.OneOf(("A", "B", "C")))
    deposit = ma.fields.Nested(DepositIn)
    provisional_code = Str(_L["provisional_code"])
    note = Str(_L["note"])


_EVENT_FIELDS = {
    "engineer_id": lambda: ma.fields.UUID(),
    "mode": lambda: ma.fields.String(validate=ma.validate.OneOf(("B", "C"))),
    "note": lambda: Str(500),
    "repair_level_id": lambda: ma.fields.UUID(),
    "repair_method_ids": lambda: ma.fields.List(ma.fields.UUID(), validate=ma.validate.Length(max=20)),
    "reason": lambda: Str(300),
    "account_id": lambda: ma.fields.UUID(),
    "signature": lambda: Signature(),
    "exchange_ref": lambda: Str(80),
    "satisfaction": lambda: ma.fields.Integer(validate=ma.validate.Range(min=1, max=5)),
    "photos": lambda: ma.fields.List(Str(64), validate=ma.validate.Length(max=20),
                                     metadata={"description": "SHA-256 of photos uploaded first (POST /api/blobs)"}),
}


def event_schema(t: sm.Transition) -> type[Schema]:
    """The body of one state-machine event, from the fields the machine lists for it."""
    fields = {name: _EVENT_FIELDS[name]() for name in t.fields}
    if not fields:
        fields["note"] = Str(500)
    name = "".join(part.title() for part in t.event.split("_")) + "In"
    return type(name, (Schema,), fields)


class QuotationLineIn(Schema):
    kind = ma.fields.String(required=True, validate=ma.validate.OneOf(("part", "labour")))
    item_id = ma.fields.UUID()
    quantity = ma.fields.Integer(validate=ma.validate.Range(min=1, max=999))
    repair_level_id = ma.fields.UUID()


class QuotationIn(Schema):
    lines = ma.fields.List(ma.fields.Nested(QuotationLineIn), required=True, validate=ma.validate.Length(min=1, max=50))
    note = Str(500)


class DecisionIn(Schema):
    accepted = ma.fields.Boolean(required=True)
    signature = Signature(required=True)


class RefundIn(Schema):
    amount = AmountIn(required=True)
    account_id = ma.fields.UUID(required=True)
    reason = Str(300, required=True, min_len=1)


class CarryOverIn(Schema):
    amount = AmountIn(metadata={"description": "Default: all of the deposit held"})
    note = Str(300)


class DepositTransferOut(Schema):
    """押金结转单 (JZ-…): the deposit moved from the repair order to its exchange order."""

    id = ma.fields.UUID()
    number = ma.fields.String(allow_none=True)
    status = ma.fields.String()
    org_id = ma.fields.UUID()
    order_id = ma.fields.UUID()
    exchange_order_id = ma.fields.UUID()
    amount = Money()
    doc_date = ma.fields.Date()
    note = ma.fields.String()
    posted_at = ma.fields.DateTime(allow_none=True)


class PartIn(Schema):
    item_id = ma.fields.UUID(required=True)
    quantity = ma.fields.Integer(load_default=1, validate=ma.validate.Range(min=1, max=99))
    serials = ma.fields.List(Str(40), validate=ma.validate.Length(max=99))
    defective_serials = ma.fields.List(Str(40), validate=ma.validate.Length(max=99))
    defective_warehouse_id = ma.fields.UUID(metadata={"description": "Default: the point's first defective warehouse"})


class HandoverIn(Schema):
    to_user_id = ma.fields.UUID(required=True)
    signature = Signature(required=True, metadata={"description": "The receiver's signature"})
    place = Str(120)
    note = Str(300)


# The order list's sort keys (indexed, see the repair_order indexes).
ORDER_SORTS = ("created_at", "doc_date", "number", "promised_date")


class OrderListArgs(PageArgs):
    state = ma.fields.String(validate=ma.validate.OneOf(sm.STATES))
    imei = Str(15)
    phone = Str(20)
    number = Str(40)
    holder_id = ma.fields.UUID()
    batch_id = ma.fields.UUID()
    comebacks = ma.fields.Boolean(metadata={"description": "Only orders that are comebacks of an earlier repair"})
    mode = ma.fields.String(validate=ma.validate.OneOf(tuple(sm.MODES)))
    org_id = ma.fields.UUID(metadata={"description": "The service point that took the order in (headquarters: any)"})
    since = ma.fields.Date(metadata={"description": "Taken in on or after this date"})
    until = ma.fields.Date(metadata={"description": "Taken in on or before this date"})
    q = Str(40, metadata={"description": "The whole order number, IMEI or customer phone"})
    sort = ma.fields.String(validate=ma.validate.OneOf([s for k in ORDER_SORTS for s in (k, f"-{k}")]),
                            metadata={"description": "A column, - for descending; default -created_at"})


class OrderExportArgs(OrderListArgs):
    class Meta:
        exclude = ("page", "page_size")  # the whole filtered list

    format = ma.fields.String(load_default="xlsx", validate=ma.validate.OneOf(("xlsx",)))
    lang = ma.fields.String(load_default="zh-CN", validate=ma.validate.OneOf(("zh-CN", "en")),
                            metadata={"description": "The language of the column names and states"})


# -- output ---------------------------------------------------------------------------------

class OrderOut(Schema):
    id = ma.fields.UUID()
    number = ma.fields.String(allow_none=True)
    org_id = ma.fields.UUID()
    doc_date = ma.fields.Date()
    state = ma.fields.String()
    mode = ma.fields.String()
    customer_kind = ma.fields.String()
    member_id = ma.fields.UUID(allow_none=True)
    customer_name = ma.fields.String()
    customer_phone = ma.fields.String()
    imei = ma.fields.String()
    model_id = ma.fields.UUID(allow_none=True)
    model_source = ma.fields.String()
    colour = ma.fields.String()
    passcode_erased_at = ma.fields.DateTime(allow_none=True)
    accessories = ma.fields.List(ma.fields.Dict())
    symptoms = ma.fields.List(ma.fields.Dict())
    fault_description = ma.fields.String()
    appearance_note = ma.fields.String()
    photos = ma.fields.List(ma.fields.String())
    warranty_card_id = ma.fields.UUID(allow_none=True)
    purchase_date = ma.fields.Date(allow_none=True)
    warranty_rule = ma.fields.String()
    warranty_reason = ma.fields.String()
    computed_status_id = ma.fields.UUID(allow_none=True)
    warranty_status_id = ma.fields.UUID(allow_none=True)
    warranty_override_reason = ma.fields.String()
    chargeable = ma.fields.Boolean()
    claimable = ma.fields.Boolean()
    promised_date = ma.fields.Date(allow_none=True)
    engineer_id = ma.fields.UUID(allow_none=True)
    repair_level_id = ma.fields.UUID(allow_none=True)
    repair_method_ids = ma.fields.List(ma.fields.String())
    repair_started_at = ma.fields.DateTime(allow_none=True)
    repair_finished_at = ma.fields.DateTime(allow_none=True)
    qc_passed_at = ma.fields.DateTime(allow_none=True)
    qc_fail_count = ma.fields.Integer()
    unrepaired = ma.fields.Boolean()
    forwarded_out = ma.fields.Boolean()
    exchange_ref = ma.fields.String()
    exchange_reason = ma.fields.String()
    picked_up_at = ma.fields.DateTime(allow_none=True)
    pickup_photos = ma.fields.List(ma.fields.String())
    followup_satisfaction = ma.fields.Integer(allow_none=True)
    followup_note = ma.fields.String()
    comeback_of_id = ma.fields.UUID(allow_none=True)
    custody_org_id = ma.fields.UUID(allow_none=True)
    shared_org_id = ma.fields.UUID(allow_none=True)
    batch_id = ma.fields.UUID(allow_none=True)
    current_holder_id = ma.fields.UUID(allow_none=True)
    device_id = ma.fields.String()
    provisional_code = ma.fields.String()
    note = ma.fields.String()
    created_at = ma.fields.DateTime()
    created_by_id = ma.fields.UUID(allow_none=True)
    audited_at = ma.fields.DateTime(allow_none=True)


class OrderTotalsOut(Schema):
    open = ma.fields.Integer(metadata={"description": "Orders not yet handed back (before 已完成)"})
    overdue = ma.fields.Integer(metadata={"description": "Open orders past their promised date"})


OrderPage = type("RepairOrderPage", (page_schema(OrderOut, "RepairOrderPageBase"),),
                 {"totals": ma.fields.Nested(OrderTotalsOut)})


class TransitionOut(Schema):
    seq = ma.fields.Integer()
    event = ma.fields.String()
    from_state = ma.fields.String()
    to_state = ma.fields.String()
    at = ma.fields.DateTime()
    user_id = ma.fields.UUID(allow_none=True)
    username = ma.fields.String()
    source = ma.fields.String()
    data = ma.fields.Dict()
    event_id = ma.fields.String(allow_none=True, metadata={"description": "The sync event that made this move (None: the API)"})


class QuotationLineOut(Schema):
    kind = ma.fields.String()
    item_id = ma.fields.UUID(allow_none=True)
    repair_level_id = ma.fields.UUID(allow_none=True)
    description = ma.fields.String()
    quantity = ma.fields.Decimal(as_string=True)
    unit_price = Money()
    amount = Money()


class QuotationOut(Schema):
    id = ma.fields.UUID()
    order_id = ma.fields.UUID()
    status = ma.fields.String()
    total = Money()
    note = ma.fields.String()
    created_at = ma.fields.DateTime()
    decided_at = ma.fields.DateTime(allow_none=True)
    signed = ma.fields.Function(lambda q: bool(q.signature))
    created_by_id = ma.fields.UUID(allow_none=True)
    decided_by_id = ma.fields.UUID(allow_none=True)
    lines = ma.fields.List(ma.fields.Nested(QuotationLineOut))


class PartOut(Schema):
    id = ma.fields.UUID()
    item_id = ma.fields.UUID()
    quantity = ma.fields.Decimal(as_string=True)
    unit_price = Money()
    amount = Money()
    cost = Money()  # what it left stock at; only for those who see money (below)
    engineer_id = ma.fields.UUID()
    used_document_id = ma.fields.UUID()
    return_document_id = ma.fields.UUID()
    serials = ma.fields.List(ma.fields.String())
    defective_serials = ma.fields.List(ma.fields.String())
    created_at = ma.fields.DateTime()

    @ma.post_dump
    def _cost_for_money_viewers(self, data, **kw):
        from ..http import principal
        p = principal()
        if not (p.can("finance.view") or p.can("report.view")):
            data.pop("cost", None)
        return data


class PaymentOut(Schema):
    id = ma.fields.UUID()
    kind = ma.fields.String()
    number = ma.fields.String(allow_none=True)
    status = ma.fields.String()
    order_id = ma.fields.UUID()
    account_id = ma.fields.UUID(allow_none=True)
    amount = Money()
    reason = ma.fields.String()
    parts_total = Money()
    labour_total = Money()
    check_fee = Money()
    deposit_applied = Money()
    change_returned = Money()
    claim_amount = Money()
    manufacturer_id = ma.fields.UUID(allow_none=True)
    after_settlement = ma.fields.Boolean()
    doc_date = ma.fields.Date()
    created_by_id = ma.fields.UUID(allow_none=True)
    posted_at = ma.fields.DateTime(allow_none=True)
    posted_by_id = ma.fields.UUID(allow_none=True)


class HandoverOut(Schema):
    seq = ma.fields.Integer()
    from_user = ma.fields.String(allow_none=True)
    to_user = ma.fields.String(allow_none=True)
    to_user_id = ma.fields.UUID()
    at = ma.fields.DateTime()
    place = ma.fields.String()
    note = ma.fields.String()


class BillOut(Schema):
    parts_total = Money()
    labour_total = Money()
    check_fee = Money()
    bill_total = Money()
    deposit_held = Money()
    deposit_applied = Money()
    change_returned = Money()
    amount_due = Money()
    claim_amount = Money()
    manufacturer_id = ma.fields.UUID(allow_none=True)
    customer_share = Money(metadata={"description": "The customer's part of the bill (all of it unless the payers' split says otherwise)"})


class OrderDetailOut(Schema):
    order = ma.fields.Nested(OrderOut)
    state_label = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String())
    has_passcode = ma.fields.Boolean()
    current_holder = ma.fields.String(allow_none=True)
    facts = ma.fields.Dict()
    allowed_events = ma.fields.List(ma.fields.String())
    transitions = ma.fields.List(ma.fields.Nested(TransitionOut))
    handovers = ma.fields.List(ma.fields.Nested(HandoverOut))
    quotations = ma.fields.List(ma.fields.Nested(QuotationOut))
    parts = ma.fields.List(ma.fields.Nested(PartOut))
    payments = ma.fields.List(ma.fields.Nested(PaymentOut))
    deposit_held = Money()
    bill = ma.fields.Nested(BillOut)
    people = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.String(),
                            metadata={"description": "user id → full name of who did the order's steps"})


class CounterAccountOut(Schema):
    id = ma.fields.UUID()
    code = ma.fields.String()
    name = ma.fields.String()
    kind = ma.fields.String()


class HandoverUserOut(Schema):
    id = ma.fields.UUID()
    username = ma.fields.String()
    full_name = ma.fields.String()
    roles = ma.fields.List(ma.fields.String())


class PasscodeOut(Schema):
    passcode = ma.fields.String(allow_none=True)


class HistoryEntryOut(Schema):
    at = ma.fields.DateTime()
    kind = ma.fields.String()
    summary = ma.fields.String()
    order_id = ma.fields.String(allow_none=True)
    number = ma.fields.String(allow_none=True)
    quotation_id = ma.fields.String(allow_none=True)
    item_id = ma.fields.String(allow_none=True)
    document_id = ma.fields.String(allow_none=True)
    warranty_card_id = ma.fields.String(allow_none=True)


class HistoryOrderOut(Schema):
    id = ma.fields.UUID()
    number = ma.fields.String(allow_none=True)
    state = ma.fields.String()
    mode = ma.fields.String()
    comeback_of_id = ma.fields.UUID(allow_none=True)


class HistoryExchangeOut(Schema):
    """An exchange order the device is part of: its old unit, the replacement, or the manufacturer's unit."""

    id = ma.fields.UUID()
    number = ma.fields.String(allow_none=True)
    state = ma.fields.String()
    mode = ma.fields.String()
    old_imei = ma.fields.String()
    new_imei = ma.fields.String(allow_none=True)
    factory_imei = ma.fields.String(allow_none=True)
    role = ma.fields.String(metadata={"description": "old, replacement or factory: what this IMEI is on the order"})


class ImeiHistoryOut(Schema):
    imei = ma.fields.String()
    model_code = ma.fields.String(allow_none=True)
    model_name = ma.fields.String(allow_none=True)
    orders = ma.fields.List(ma.fields.Nested(HistoryOrderOut))
    exchanges = ma.fields.List(ma.fields.Nested(HistoryExchangeOut))
    entries = ma.fields.List(ma.fields.Nested(HistoryEntryOut))


# -- packing lists (§1.9) -------------------------------------------------------------------

class PackingListIn(Schema):
    purpose = ma.fields.String(required=True, validate=ma.validate.OneOf(("forward", "return", "factory")),
                               metadata={"description": "forward: to the higher-level point (mode B); return: forwarded "
                                                        "devices back to their point; factory: to the manufacturer (mode C)"})
    destination_org_id = ma.fields.UUID(metadata={"description": "return: the lower-level point; forward: the own parent"})
    manufacturer_id = ma.fields.UUID(metadata={"description": "factory: the manufacturer"})
    carrier = Str(80)
    tracking_no = Str(80)
    note = Str(500)
    order_ids = ma.fields.List(ma.fields.UUID(), validate=ma.validate.Length(max=200))
    exchange_order_ids = ma.fields.List(ma.fields.UUID(), validate=ma.validate.Length(max=200),
                                        metadata={"description": "factory: exchange units (换机装箱单) in the same box"})


class PackIn(Schema):
    order_id = ma.fields.UUID()
    exchange_order_id = ma.fields.UUID(metadata={"description": "An exchange unit (factory lists only)"})
    imei = Str(15, metadata={"description": "Scan the IMEI instead of naming the order"})


class ReceiveIn(Schema):
    imei = Str(15, required=True)
    signature = Signature(metadata={"description": "The receiver's signature (required for a repair device on the list)"})
    note = Str(300)
    replaces_imei = Str(15, metadata={"description": "An exchange unit: the old unit's IMEI the scanned replacement is for"})


class PackingListArgs(PageArgs):
    purpose = ma.fields.String(validate=ma.validate.OneOf(("forward", "return", "factory")))
    open = ma.fields.Boolean()


class PackingListOut(Schema):
    id = ma.fields.UUID()
    number = ma.fields.String(allow_none=True)
    status = ma.fields.String()
    org_id = ma.fields.UUID()
    purpose = ma.fields.String()
    destination_org_id = ma.fields.UUID(allow_none=True)
    manufacturer_id = ma.fields.UUID(allow_none=True)
    carrier = ma.fields.String()
    tracking_no = ma.fields.String()
    note = ma.fields.String()
    doc_date = ma.fields.Date()
    line_count = ma.fields.Integer()
    created_at = ma.fields.DateTime()
    posted_at = ma.fields.DateTime(allow_none=True)
    closed_at = ma.fields.DateTime(allow_none=True)


PackingListPage = page_schema(PackingListOut, "RepairPackingListPage")


class PackingLineOut(Schema):
    seq = ma.fields.Integer()
    kind = ma.fields.String(metadata={"description": "repair or exchange"})
    order_id = ma.fields.UUID(allow_none=True)
    exchange_order_id = ma.fields.UUID(allow_none=True)
    order_number = ma.fields.String(allow_none=True)
    imei = ma.fields.String()
    replacement_imei = ma.fields.String(metadata={"description": "An exchange unit: the manufacturer's unit received"})
    state = ma.fields.String()
    received_at = ma.fields.DateTime(allow_none=True)
    note = ma.fields.String()


class PackingDetailOut(Schema):
    packing_list = ma.fields.Nested(PackingListOut)
    stage = ma.fields.String(metadata={"description": "packing, sent or closed"})
    counts = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer())
    lines = ma.fields.List(ma.fields.Nested(PackingLineOut))


class InTransitOut(Schema):
    order_id = ma.fields.UUID()
    number = ma.fields.String(allow_none=True)
    imei = ma.fields.String()
    mode = ma.fields.String()
    state = ma.fields.String()
    from_ = ma.fields.String(allow_none=True, data_key="from", attribute="from")
    to = ma.fields.String(allow_none=True)
    packing_list_id = ma.fields.UUID(allow_none=True)
    packing_list = ma.fields.String(allow_none=True)


class InTransitListOut(Schema):
    items = ma.fields.List(ma.fields.Nested(InTransitOut))


# -- loaners (§1.10) ------------------------------------------------------------------------

class LoanerIn(Schema):
    item_id = ma.fields.UUID(metadata={"description": "Default: the item the scanned serial is a unit of"})
    serial = Str(40, required=True, min_len=1, metadata={"description": "The loaner unit's IMEI"})
    warehouse_id = ma.fields.UUID(metadata={"description": "Default: the point's loaner warehouse"})
    due_date = ma.fields.Date(required=True)
    deposit = AmountIn()
    account_id = ma.fields.UUID(metadata={"description": "Where the deposit goes (required with a deposit)"})
    note = Str(500)


class LoanerReturnIn(Schema):
    condition = ma.fields.String(required=True, validate=ma.validate.OneOf(("good", "damaged")))
    warehouse_id = ma.fields.UUID(metadata={"description": "Default: loaner warehouse (good), defective warehouse (damaged)"})
    damage_charge = AmountIn()
    account_id = ma.fields.UUID(metadata={"description": "Default: the account the deposit went into"})
    note = Str(300)


class LoanerArgs(PageArgs):
    q = Str(40, metadata={"description": "A slip or order number (whole), or the loaner unit's IMEI"})
    order_id = ma.fields.UUID()
    out = ma.fields.Boolean(metadata={"description": "Only loaners not returned yet"})
    overdue = ma.fields.Boolean(metadata={"description": "Only loaners past their due date and not returned"})


class LoanerOut(Schema):
    id = ma.fields.UUID()
    number = ma.fields.String(allow_none=True)
    status = ma.fields.String()
    org_id = ma.fields.UUID()
    order_id = ma.fields.UUID(allow_none=True)
    exchange_order_id = ma.fields.UUID(allow_none=True, metadata={"description": "换机备机单: the exchange order"})
    item_id = ma.fields.UUID()
    serial = ma.fields.String()
    warehouse_id = ma.fields.UUID()
    value = Money()
    deposit = Money()
    account_id = ma.fields.UUID(allow_none=True)
    due_date = ma.fields.Date()
    doc_date = ma.fields.Date()
    posted_at = ma.fields.DateTime(allow_none=True)
    returned_at = ma.fields.DateTime(allow_none=True)
    return_condition = ma.fields.String(allow_none=True)
    return_warehouse_id = ma.fields.UUID(allow_none=True)
    damage_charge = Money()
    return_note = ma.fields.String()
    note = ma.fields.String()
    order_number = ma.fields.String(allow_none=True)
    created_at = ma.fields.DateTime()
    posted_by_id = ma.fields.UUID(allow_none=True)
    returned_by_id = ma.fields.UUID(allow_none=True)
    actions = ma.fields.List(ma.fields.String(), metadata={"description": "What may be done now: return"})


LoanerPage = page_schema(LoanerOut, "RepairLoanerPage")


# -- batches (§1.12) ------------------------------------------------------------------------

class BatchIn(Schema):
    party_id = ma.fields.UUID(required=True, metadata={"description": "The distributor or dealer"})
    contact_name = Str(80)
    contact_phone = Str(20, required=True, min_len=1)
    mode = ma.fields.String(validate=ma.validate.OneOf(("A", "B", "C")))
    note = Str(500)


class BatchDeviceIn(Schema):
    imei = Str(15, required=True)
    model_id = ma.fields.UUID()
    colour = Str(40)
    passcode = Str(64)
    accessories_received = ma.fields.List(ma.fields.UUID(), validate=ma.validate.Length(max=50))
    symptom_ids = ma.fields.List(ma.fields.UUID(), validate=ma.validate.Length(max=20))
    fault_description = Str(2000)
    appearance_note = Str(2000)
    photos = ma.fields.List(Str(64), validate=ma.validate.Length(max=20))
    purchase_date = ma.fields.Date()
    warranty_status_id = ma.fields.UUID()
    warranty_override_reason = Str(300)
    promised_date = ma.fields.Date()
    provisional_code = Str(32)
    note = Str(2000)


def _batch_event_fields() -> dict:
    fields = {name: make() for name, make in _EVENT_FIELDS.items()}
    fields["event"] = ma.fields.String(required=True, validate=ma.validate.OneOf([e for e in sm.TRANSITIONS if e != "pickup"]))
    fields["order_ids"] = ma.fields.List(ma.fields.UUID(), validate=ma.validate.Length(max=500),
                                         metadata={"description": "Default: every device of the batch"})
    return fields


BatchEventIn = type("BatchEventIn", (Schema,), _batch_event_fields())


class BatchPickupIn(Schema):
    signature = Signature(required=True, metadata={"description": "The distributor's signature"})


class BatchArgs(PageArgs):
    q = Str(40, metadata={"description": "The batch number (whole) or the contact's phone"})
    status = ma.fields.String(validate=ma.validate.OneOf(("draft", "posted")),
                              metadata={"description": "draft: devices still being scanned in; posted: intake closed"})
    party_id = ma.fields.UUID(metadata={"description": "The distributor or dealer"})
    open = ma.fields.Boolean(metadata={"description": "Only batches not picked up yet"})


class BatchOut(Schema):
    id = ma.fields.UUID()
    number = ma.fields.String(allow_none=True)
    status = ma.fields.String()
    org_id = ma.fields.UUID()
    party_id = ma.fields.UUID()
    contact_name = ma.fields.String()
    contact_phone = ma.fields.String()
    mode = ma.fields.String()
    device_count = ma.fields.Integer()
    doc_date = ma.fields.Date()
    note = ma.fields.String()
    created_at = ma.fields.DateTime()
    posted_at = ma.fields.DateTime(allow_none=True)
    picked_up_at = ma.fields.DateTime(allow_none=True)
    picked_up_by_id = ma.fields.UUID(allow_none=True)
    bill_total = Money()


BatchPage = page_schema(BatchOut, "RepairBatchPage")


class BatchOrderOut(Schema):
    line = ma.fields.Integer()
    id = ma.fields.UUID()
    number = ma.fields.String(allow_none=True)
    imei = ma.fields.String()
    model_id = ma.fields.UUID(allow_none=True)
    state = ma.fields.String()
    bill_total = Money()


class BatchDetailOut(BatchOut):
    """The batch's columns (as every document's answer has them), the batch again under ``batch``,
    its devices as ``orders`` and as ``lines``, and what may be done now."""
    batch = ma.fields.Nested(BatchOut)
    orders = ma.fields.List(ma.fields.Nested(BatchOrderOut))
    lines = ma.fields.List(ma.fields.Nested(BatchOrderOut))
    actions = ma.fields.List(ma.fields.String(), metadata={"description": "add_device, close, pickup"})


# -- comebacks ------------------------------------------------------------------------------

class ComebackArgs(Schema):
    since = ma.fields.Date(metadata={"description": "Repairs picked up on or after this day"})
    until = ma.fields.Date(metadata={"description": "Repairs picked up on or before this day"})


class ComebackItemOut(Schema):
    order_id = ma.fields.UUID()
    number = ma.fields.String(allow_none=True)
    imei = ma.fields.String()
    picked_up_at = ma.fields.DateTime()
    engineer_id = ma.fields.UUID(allow_none=True)
    engineer = ma.fields.String(allow_none=True)
    fault_codes = ma.fields.List(ma.fields.String())
    comeback_number = ma.fields.String(allow_none=True)
    comeback_org = ma.fields.String(allow_none=True)
    comeback_at = ma.fields.DateTime()


class ComebackCountOut(Schema):
    engineer_id = ma.fields.UUID(allow_none=True)
    code = ma.fields.String(allow_none=True)
    name = ma.fields.String(allow_none=True)
    repairs = ma.fields.Integer()
    comebacks = ma.fields.Integer()
    rate = ma.fields.Float()


class ComebacksOut(Schema):
    items = ma.fields.List(ma.fields.Nested(ComebackItemOut))
    by_engineer = ma.fields.List(ma.fields.Nested(ComebackCountOut))
    by_fault = ma.fields.List(ma.fields.Nested(ComebackCountOut))


# -- refund slips at the desk (§1.11) ---------------------------------------------------------

class RefundArgs(PageArgs):
    q = Str(40, metadata={"description": "A slip or order number (whole)"})
    approval = ma.fields.String(validate=ma.validate.OneOf(("pending", "approved", "refused")),
                                metadata={"description": "pending: waiting for the approver"})
    order_id = ma.fields.UUID()


class RefundOut(PaymentOut):
    order_number = ma.fields.String(allow_none=True)
    approval = ma.fields.String(metadata={"description": "pending, approved (posted: paid out) or refused"})
    refused_at = ma.fields.DateTime(allow_none=True)
    refused_by_id = ma.fields.UUID(allow_none=True)
    refusal_reason = ma.fields.String()
    created_at = ma.fields.DateTime()
    actions = ma.fields.List(ma.fields.String(), metadata={"description": "What may be done now: approve, refuse"})


RefundPage = page_schema(RefundOut, "RepairRefundPage")


class RefuseIn(Schema):
    reason = Str(300, required=True, min_len=1)


# -- several payers per job (split.py, issue 19 §7): /api/repair/orders/<id>/payers ----------------

class PayerShareIn(Schema):
    payer = ma.fields.String(required=True, validate=ma.validate.OneOf(("customer", "manufacturer", "insurer", "goodwill")),
                             metadata={"description": "customer, manufacturer, insurer or goodwill (the point's own)"})
    party_id = ma.fields.UUID(allow_none=True, metadata={"description": "The manufacturer (default: the repair level's) or the insurer"})
    amount = ExactDecimal(places=2, as_string=True, allow_nan=False, required=True,
                          validate=ma.validate.Range(min=0, max=999_999_999))
    note = Str(200)


class PayerSplitIn(Schema):
    split = ma.fields.List(ma.fields.Nested(PayerShareIn), required=True, validate=ma.validate.Length(max=4),
                           metadata={"description": "Shares adding up to the bill; [] clears the split"})


class PayerRowOut(Schema):
    payer = ma.fields.String()
    party_id = ma.fields.UUID(allow_none=True)
    party_name = ma.fields.String()
    bill_share = Money()
    labour_fee = Money(metadata={"description": "In-warranty labour fee claimable from the manufacturer"})
    parts_claimed = Money(metadata={"description": "In-warranty parts at standard cost, claimed on the labour-fee claim"})
    total = Money()
    open = Money(allow_none=True, metadata={"description": "What the payer still owes on the settlement (null before it)"})
    note = ma.fields.String()


class MarginOut(Schema):
    revenue = Money()
    goodwill = Money()
    parts_cost = Money()
    commission = Money()
    commission_estimated = ma.fields.Boolean()
    margin = Money()


class PayersOut(Schema):
    order_id = ma.fields.UUID()
    settled = ma.fields.Boolean()
    settlement_number = ma.fields.String(allow_none=True)
    bill_total = Money()
    split_planned = ma.fields.Boolean()
    payers = ma.fields.List(ma.fields.Nested(PayerRowOut))
    margin = ma.fields.Nested(MarginOut)
