"""Marshmallow schemas of the exchange API (unknown fields refused, every string bounded)."""

from __future__ import annotations

import marshmallow as ma

from ..http import PageArgs, Schema, Str, page_schema
from ..repair.schemas import AmountIn, Money, Signature
from . import rules
from . import statemachine as sm

_L = rules.TEXT_LIMITS


class ExchangeIntakeIn(Schema):
    member_phone = Str(_L["member_phone"], metadata={"description": "A member's phone; leave empty for a walk-in customer"})
    customer_name = Str(_L["customer_name"])
    customer_phone = Str(_L["customer_phone"])
    imei = Str(_L["imei"], required=True)
    model_id = ma.fields.UUID(metadata={"description": "Default: from the warranty card or the IMEI's TAC"})
    symptom_ids = ma.fields.List(ma.fields.UUID(), validate=ma.validate.Length(max=20))
    fault_description = Str(_L["fault_description"])
    purchase_date = ma.fields.Date(metadata={"description": "Without a warranty card: the date on the invoice"})
    mode = ma.fields.String(validate=ma.validate.OneOf(("A", "B")))
    manufacturer_id = ma.fields.UUID(metadata={"description": "Default: the brand rule's manufacturer"})
    override_reason = Str(_L["override_reason"], metadata={
        "description": "Needed (with exchange.override) when the rules allow no exchange; audited"})
    provisional_code = Str(_L["provisional_code"])
    note = Str(_L["note"])
    photos = ma.fields.List(Str(64), validate=ma.validate.Length(max=rules.MAX_PHOTOS),
                            metadata={"description": "SHA-256 of photos of the unit uploaded first (POST /api/blobs)"})
    signature = Signature(metadata={"description": "The customer's signature on the exchange ticket"})


class ExchangeEligibilityIn(Schema):
    imei = Str(_L["imei"], required=True)
    model_id = ma.fields.UUID()
    symptom_ids = ma.fields.List(ma.fields.UUID(), validate=ma.validate.Length(max=20))
    purchase_date = ma.fields.Date()


_EVENT_FIELDS = {
    "imei": lambda: Str(_L["imei"], metadata={"description": "The old unit, scanned as it is packed: must be the order's"}),
    "replacement_imei": lambda: Str(40, metadata={"description": "The IMEI of the unit the customer gets / that arrived"}),
    "warehouse_id": lambda: ma.fields.UUID(metadata={"description": "Good-stock warehouse (default: the point's first)"}),
    "defective_warehouse_id": lambda: ma.fields.UUID(metadata={"description": "Where the old unit goes (default: the point's first defective warehouse)"}),
    "transit_warehouse_id": lambda: ma.fields.UUID(metadata={"description": "In-transit warehouse (default: the point's first)"}),
    "signature": lambda: Signature(),
    "fee": lambda: AmountIn(metadata={"description": "A price difference or fee the customer pays now"}),
    "account_id": lambda: ma.fields.UUID(metadata={"description": "Cash drawer or bank account the fee goes to"}),
    "carrier": lambda: Str(_L["carrier"]),
    "tracking_no": lambda: Str(_L["tracking_no"]),
    "note": lambda: Str(_L["event_note"]),
    "reason": lambda: Str(_L["reason"]),
    "promised_date": lambda: ma.fields.Date(),
}


def event_schema(t: sm.Transition) -> type[Schema]:
    """The body of one event, from the fields (and required fields) the machine lists for it."""
    fields = {}
    for name in t.fields:
        f = _EVENT_FIELDS[name]()
        if name in t.required:
            f.required = True
        fields[name] = f
    if t.event == "dispatch":
        fields["manufacturer_id"] = ma.fields.UUID()
    return type("Exchange" + "".join(p.title() for p in t.event.split("_")) + "In", (Schema,), fields)


class ExchangeReverseIn(Schema):
    reason = Str(_L["reason"], required=True, min_len=1)


class ExchangeRuleIn(Schema):
    brand_id = ma.fields.UUID(allow_none=True, metadata={"description": "None: the default for every other brand"})
    return_days = ma.fields.Integer(validate=ma.validate.Range(min=0, max=365))
    exchange_days = ma.fields.Integer(validate=ma.validate.Range(min=0, max=365))
    performance_symptom_ids = ma.fields.List(ma.fields.UUID(), validate=ma.validate.Length(max=500))
    repeat_repairs = ma.fields.Integer(validate=ma.validate.Range(min=1, max=20))
    accessory_months = ma.fields.Dict(keys=Str(16), values=ma.fields.Integer(validate=ma.validate.Range(min=0, max=120)))
    accessory_failed_replacements = ma.fields.Integer(validate=ma.validate.Range(min=1, max=20))
    new_warranty = ma.fields.String(validate=ma.validate.OneOf(rules.NEW_WARRANTY))
    manufacturer_id = ma.fields.UUID(allow_none=True)


class ExchangeRuleOut(Schema):
    id = ma.fields.UUID()
    brand_id = ma.fields.UUID(allow_none=True)
    return_days = ma.fields.Integer()
    exchange_days = ma.fields.Integer()
    performance_symptom_ids = ma.fields.List(ma.fields.String())
    repeat_repairs = ma.fields.Integer()
    accessory_months = ma.fields.Dict(keys=ma.fields.String(), values=ma.fields.Integer())
    accessory_failed_replacements = ma.fields.Integer()
    new_warranty = ma.fields.String()
    manufacturer_id = ma.fields.UUID(allow_none=True)


class ExchangeOrderArgs(PageArgs):
    state = ma.fields.String(validate=ma.validate.OneOf(sm.STATES))
    mode = ma.fields.String(validate=ma.validate.OneOf(tuple(sm.MODES)))
    org_id = ma.fields.UUID()
    q = Str(40, metadata={"description": "The whole number, the old or new IMEI, or the phone"})
    since = ma.fields.Date()
    until = ma.fields.Date()


class ExchangeOrderOut(Schema):
    id = ma.fields.UUID()
    org_id = ma.fields.UUID()
    number = ma.fields.String(allow_none=True)
    status = ma.fields.String()
    doc_date = ma.fields.Date()
    state = ma.fields.String()
    mode = ma.fields.String()
    customer_kind = ma.fields.String()
    member_id = ma.fields.UUID(allow_none=True)
    customer_name = ma.fields.String()
    customer_phone = ma.fields.String()
    imei = ma.fields.String()
    model_id = ma.fields.UUID()
    item_id = ma.fields.UUID()
    symptoms = ma.fields.List(ma.fields.Dict())
    fault_description = ma.fields.String()
    photos = ma.fields.List(ma.fields.String())
    # Whether the customer signed the ticket (the image itself is printed, not served in every answer).
    intake_signed = ma.fields.Function(lambda o: bool(o.intake_signature), dump_only=True)
    warranty_card_id = ma.fields.UUID(allow_none=True)
    sale_date = ma.fields.Date(allow_none=True)
    warranty_until = ma.fields.Date(allow_none=True)
    eligibility = ma.fields.Dict()
    override_reason = ma.fields.String()
    manufacturer_id = ma.fields.UUID(allow_none=True)
    unit_at = ma.fields.String()
    unit_value = Money()
    replacement_imei = ma.fields.String()
    replacement_item_id = ma.fields.UUID(allow_none=True)
    handed_over_at = ma.fields.DateTime(allow_none=True)
    fee = Money()
    deposit_applied = Money(metadata={"description": "Of a deposit carried over from the repair: applied to the fee"})
    deposit_returned = Money(metadata={"description": "Of a deposit carried over from the repair: paid back"})
    new_card_id = ma.fields.UUID(allow_none=True)
    factory_imei = ma.fields.String()
    replacement_received_at = ma.fields.DateTime(allow_none=True)
    carrier = ma.fields.String()
    tracking_no = ma.fields.String()
    from_repair_order_id = ma.fields.UUID(allow_none=True)
    repair_order_id = ma.fields.UUID(allow_none=True)
    conversion_reason = ma.fields.String()
    device_id = ma.fields.String()
    provisional_code = ma.fields.String()
    note = ma.fields.String()
    created_at = ma.fields.DateTime()
    posted_at = ma.fields.DateTime(allow_none=True)


class ExchangeStepOut(Schema):
    seq = ma.fields.Integer()
    event = ma.fields.String()
    from_state = ma.fields.String()
    to_state = ma.fields.String()
    at = ma.fields.DateTime()
    username = ma.fields.String()
    source = ma.fields.String()
    event_id = ma.fields.String(allow_none=True)
    data = ma.fields.Dict()
    reverses_seq = ma.fields.Integer(allow_none=True)
    reversed_by_seq = ma.fields.Integer(allow_none=True)


class ExchangeOrderDetailOut(Schema):
    order = ma.fields.Nested(ExchangeOrderOut)
    state_label = ma.fields.Dict()
    mode_label = ma.fields.Dict()
    facts = ma.fields.Dict()
    allowed_events = ma.fields.List(ma.fields.String())
    may_reverse = ma.fields.Boolean()
    steps = ma.fields.List(ma.fields.Nested(ExchangeStepOut))
    links = ma.fields.Dict(metadata={"description": "repair orders this one came from / became: {id, number}"})
    deposit_held = Money(metadata={"description": "A deposit carried over from the repair, not yet applied or paid back"})
    loaners = ma.fields.List(ma.fields.Dict(), metadata={"description": "换机备机单: loaners lent against this order "
                                                                          "({id, number, serial, due_date, returned_at})"})


ExchangeOrderPage = page_schema(ExchangeOrderOut, "ExchangeOrderPage")
