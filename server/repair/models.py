"""Repair (spec §1): the repair order and what hangs off it.

- ``repair_order``: one device taken in (维修工单); a document (number ``WX-…``) posted at
  intake, whose progress is the seven-state machine of ``statemachine.py`` (column ``state``;
  the document ``status`` stays ``posted``).
- ``repair_transition``: every move of the machine (who, when, from, to, event data).
- ``repair_quotation`` / ``_line``: the price quoted to an out-of-warranty customer (报价单).
- ``repair_part``: parts fitted, with the stock documents ``record_part_used`` posted.
- ``repair_payment``: deposits (押金), refund slips (退款单) and the pickup settlement (结算),
  documents that post to the money ledger.
- ``repair_handover``: the handover slip (维修机移交单): hops between people, signed by the
  receiver; the order's ``current_holder_id`` is the one current holder.
- ``repair_packing_list`` / ``_line``: the packing list (维修装箱单, §1.9): devices shipped in a box
  to the higher-level point, back from it, or to the factory, and checked in one by one.
- ``repair_loaner``: the loaner slip (维修备机单, §1.10): a loaner unit lent against an order.
- ``repair_batch``: a distributor's batch (批量受理, §1.12): its orders carry ``batch_id``.

The order and the records a forwarded repair's higher-level point works on are ``OrgShared``:
``shared_org_id`` is that point, which then reads and writes them (``server.org.scoping``).
Columns added to the landed tables carry no foreign key (see ``OrgShared``).
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.models import DocumentMixin
from ..db import Base, Fixed, IdMixin, JSONType, Money, utcnow
from ..org.models import OrgOwned, OrgShared
from . import statemachine as sm

Qty = Fixed(14, 3)

CUSTOMER_KINDS = ("member", "walk_in")
PAYMENT_KINDS = {"deposit": "YJ", "refund": "TK", "settlement": "JS"}
QUOTATION_STATUSES = ("pending", "accepted", "declined", "superseded")


class RepairOrder(DocumentMixin, OrgShared, Base):
    __tablename__ = "repair_order"
    __table_args__ = (
        CheckConstraint("customer_kind IN ('member', 'walk_in')", name="customer_kind"),
        CheckConstraint("mode IN ('A', 'B', 'C', 'D')", name="mode"),
        Index("ix_repair_order_imei_created", "imei", "created_at"),
        # The online list (HQ, managers): newest first overall, per point, per state; a point's state
        # over an intake-date range, sorted by date; a date range (docs/repair.md, "The order list online").
        Index("ix_repair_order_created", "created_at"),
        Index("ix_repair_order_org_created", "org_id", "created_at"),
        Index("ix_repair_order_state_created", "state", "created_at"),
        Index("ix_repair_order_org_state_date", "org_id", "state", "doc_date", "created_at"),
        Index("ix_repair_order_date", "doc_date", "created_at"),
        # Reports: the repairs picked up in a period, and whether a later order came back to one (the
        # comeback rule's EXISTS): first-time fix over 200,000 orders 1.3-1.5 s without, 0.23-0.4 s with both.
        Index("ix_repair_order_picked_up", "picked_up_at"),
        Index("ix_repair_order_comeback_of", "comeback_of_id"),
    )

    DOC_TYPE = "repair_order"
    NUMBER_PREFIX = "WX"

    state: Mapped[str] = mapped_column(String(24), default=sm.PENDING_ACCEPTANCE, index=True)
    mode: Mapped[str] = mapped_column(String(1), default="A")
    # Customer: a member (by phone) or a walk-in (name and phone kept on the order only).
    customer_kind: Mapped[str] = mapped_column(String(8))
    member_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("member.id"), index=True)
    customer_name: Mapped[str] = mapped_column(String(80), default="")
    customer_phone: Mapped[str] = mapped_column(String(20), default="", index=True)
    # Device.
    imei: Mapped[str] = mapped_column(String(15))
    model_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("product_model.id"))
    model_source: Mapped[str] = mapped_column(String(16), default="")
    colour: Mapped[str] = mapped_column(String(40), default="")
    # AES-GCM ciphertext (base64) of the passcode or pattern; erased at pickup.
    passcode_cipher: Mapped[str | None] = mapped_column(String(400))
    passcode_erased_at: Mapped[dt.datetime | None]
    accessories: Mapped[list] = mapped_column(JSONType, default=list)
    symptoms: Mapped[list] = mapped_column(JSONType, default=list)
    fault_description: Mapped[str] = mapped_column(Text, default="")
    appearance_note: Mapped[str] = mapped_column(Text, default="")
    photos: Mapped[list] = mapped_column(JSONType, default=list)
    # Warranty: computed at intake, overridable with a reason.
    warranty_card_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("warranty_card.id"))
    purchase_date: Mapped[dt.date | None] = mapped_column(Date)
    warranty_rule: Mapped[str] = mapped_column(String(24), default="")
    warranty_reason: Mapped[str] = mapped_column(String(300), default="")
    computed_status_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("warranty_status.id"))
    warranty_status_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("warranty_status.id"))
    warranty_override_reason: Mapped[str] = mapped_column(String(300), default="")
    chargeable: Mapped[bool] = mapped_column(default=False)
    claimable: Mapped[bool] = mapped_column(default=False)
    promised_date: Mapped[dt.date | None] = mapped_column(Date)
    # Work.
    engineer_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("engineer.id"), index=True)
    repair_level_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("repair_level.id"))
    repair_method_ids: Mapped[list] = mapped_column(JSONType, default=list)
    repair_started_at: Mapped[dt.datetime | None]
    repair_finished_at: Mapped[dt.datetime | None]
    qc_passed_at: Mapped[dt.datetime | None]
    qc_fail_count: Mapped[int] = mapped_column(default=0)
    unrepaired: Mapped[bool] = mapped_column(default=False)
    forwarded_out: Mapped[bool] = mapped_column(default=False)
    exchange_ref: Mapped[str] = mapped_column(String(80), default="")
    exchange_reason: Mapped[str] = mapped_column(String(300), default="")
    picked_up_at: Mapped[dt.datetime | None]
    # The customer's signature on the intake ticket (data URL or SHA-256 of an uploaded image).
    intake_signature: Mapped[str] = mapped_column(Text, default="", server_default=text("''"))
    # Taken at pickup, compared with the intake photos in front of the customer.
    pickup_photos: Mapped[list] = mapped_column(JSONType, default=list, server_default=text("'[]'"))
    followup_satisfaction: Mapped[int | None]
    followup_note: Mapped[str] = mapped_column(String(500), default="")
    comeback_of_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("repair_order.id"))
    # Who has the device now (handover slip); exactly one.
    current_holder_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    handover_count: Mapped[int] = mapped_column(default=0)
    transition_count: Mapped[int] = mapped_column(default=0)
    # Set when a device took the order in offline: the intake event (= the order id) and the device.
    device_id: Mapped[str] = mapped_column(String(64), default="")
    provisional_code: Mapped[str] = mapped_column(String(32), default="")
    # Where the device is while it is not away: None = at its own point, else the higher-level
    # point it was forwarded to (mode B). ``forwarded_out`` says it is on the road or at the factory.
    custody_org_id: Mapped[uuid.UUID | None]
    # A distributor's batch (§1.12): billed to the distributor with the batch, not one by one.
    batch_id: Mapped[uuid.UUID | None] = mapped_column(index=True)
    # Mode D: the exchange order this repair continues as (``exchange_ref`` is its number); or the
    # exchange order this repair came from (an exchange converted to repair). No foreign key (see OrgShared).
    exchange_order_id: Mapped[uuid.UUID | None]

    @property
    def at_org_id(self) -> uuid.UUID | None:
        """The point holding the device now (None while it is on the road or at the factory)."""
        return None if self.forwarded_out else (self.custody_org_id or self.org_id)


class RepairTransition(IdMixin, OrgShared, Base):
    """One move of the state machine (including self-moves such as start_repair)."""

    __tablename__ = "repair_transition"
    __table_args__ = (UniqueConstraint("order_id", "seq"),)

    order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("repair_order.id"), index=True)
    seq: Mapped[int]
    event: Mapped[str] = mapped_column(String(32))
    from_state: Mapped[str] = mapped_column(String(24))
    to_state: Mapped[str] = mapped_column(String(24))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    username: Mapped[str] = mapped_column(String(64), default="")
    source: Mapped[str] = mapped_column(String(16), default="api")
    event_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    data: Mapped[dict] = mapped_column(JSONType, default=dict)


class RepairQuotation(IdMixin, OrgShared, Base):
    __tablename__ = "repair_quotation"
    __table_args__ = (CheckConstraint("status IN ('pending', 'accepted', 'declined', 'superseded')", name="status"),)

    order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("repair_order.id"), index=True)
    status: Mapped[str] = mapped_column(String(12), default="pending")
    total: Mapped[Decimal] = mapped_column(Money())
    note: Mapped[str] = mapped_column(String(500), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[dt.datetime | None]
    decided_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    # The customer's signature: a small inline image (data URL) or the SHA-256 of an uploaded one.
    signature: Mapped[str] = mapped_column(Text, default="")
    lines: Mapped[list["RepairQuotationLine"]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="RepairQuotationLine.sort_order")


class RepairQuotationLine(IdMixin, Base):
    __tablename__ = "repair_quotation_line"
    __table_args__ = (CheckConstraint("kind IN ('part', 'labour')", name="kind"),)

    quotation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("repair_quotation.id", ondelete="CASCADE"), index=True)
    sort_order: Mapped[int] = mapped_column(default=0)
    kind: Mapped[str] = mapped_column(String(8))
    item_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("item.id"))
    repair_level_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("repair_level.id"))
    description: Mapped[str] = mapped_column(String(160), default="")
    quantity: Mapped[Decimal] = mapped_column(Qty)
    unit_price: Mapped[Decimal] = mapped_column(Money())
    amount: Mapped[Decimal] = mapped_column(Money())


class RepairPart(IdMixin, OrgShared, Base):
    """A part fitted into the device; the stock side is two posted documents (use + defective return)."""

    __tablename__ = "repair_part"

    order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("repair_order.id"), index=True)
    item_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("item.id"))
    quantity: Mapped[Decimal] = mapped_column(Qty)
    unit_price: Mapped[Decimal] = mapped_column(Money())
    amount: Mapped[Decimal] = mapped_column(Money())
    # What the use document's moves took out of stock (the moving average at fitting): the line's
    # cost for the profit summary (docs/repair.md, "Parts: revenue and cost").
    cost: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    engineer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("engineer.id"))
    used_document_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("stock_document.id"))
    return_document_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("stock_document.id"))
    serials: Mapped[list] = mapped_column(JSONType, default=list)
    defective_serials: Mapped[list] = mapped_column(JSONType, default=list)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))


class RepairPayment(DocumentMixin, Base):
    """Money of a repair order: a deposit, a refund slip, or the pickup settlement.

    Deposits and settlements are posted when made; a refund slip is a draft until someone with
    ``repair.approve_refund`` approves it (posting it pays out). See docs/repair.md,
    "Money flows", for the ledger rows each kind writes.
    """

    __tablename__ = "repair_payment"
    __table_args__ = (
        CheckConstraint("kind IN ('deposit', 'refund', 'settlement')", name="kind"),
        Index("ix_repair_payment_order_kind", "order_id", "kind"),
    )

    kind: Mapped[str] = mapped_column(String(12))
    order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("repair_order.id"))
    account_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("money_account.id"))
    # Deposit / refund: the money taken or paid back. Settlement: what the customer paid at pickup.
    amount: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    reason: Mapped[str] = mapped_column(String(300), default="")
    # The bill (settlement): parts + labour (+ check fee) − deposit held = due.
    parts_total: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    labour_total: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    check_fee: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    deposit_applied: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    change_returned: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    claim_amount: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    manufacturer_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("party.id"))
    signature: Mapped[str] = mapped_column(Text, default="")
    # A refund after the bill was settled gives back money paid, not a deposit held.
    after_settlement: Mapped[bool] = mapped_column(default=False)
    # A refund slip the approver refused stays a draft (nothing was paid) that never posts.
    refused_at: Mapped[dt.datetime | None]
    refused_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    refusal_reason: Mapped[str] = mapped_column(String(300), default="")

    @property
    def DOC_TYPE(self) -> str:  # noqa: N802 - the lifecycle reads it as a constant
        return f"repair_{self.kind}"

    @property
    def NUMBER_PREFIX(self) -> str:  # noqa: N802
        return PAYMENT_KINDS[self.kind]

    @property
    def bill_total(self) -> Decimal:
        return self.parts_total + self.labour_total + self.check_fee

    def check_postable(self, session) -> None:
        if self.refused_at is not None:
            from ..errors import TransitionRefused

            raise TransitionRefused("this refund slip was refused", {"refused_at": ["refused"]})

    def write_ledgers(self, session) -> None:
        from .money import write_payment_ledgers

        write_payment_ledgers(session, self)


class RepairHandover(IdMixin, OrgShared, Base):
    """One hop of a device between people, signed by the receiver (维修机移交单)."""

    __tablename__ = "repair_handover"
    __table_args__ = (UniqueConstraint("order_id", "seq"),)

    order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("repair_order.id"), index=True)
    seq: Mapped[int]
    from_user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    to_user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("user_account.id"))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    place: Mapped[str] = mapped_column(String(120), default="")
    signature: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(String(300), default="")
    recorded_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    event_id: Mapped[str | None] = mapped_column(String(64), unique=True)


PACKING_PURPOSES = ("forward", "return", "factory")
PACKING_LINE_STATES = ("packed", "in_transit", "received", "missing", "unexpected")


class RepairPackingList(DocumentMixin, OrgShared, Base):
    """维修装箱单: a box of devices (their repair orders) shipped together.

    ``forward``: to the higher-level point (mode B; ``destination_org_id`` = the parent, which
    shares the list to receive it); ``return``: the higher-level point sends forwarded devices
    back to their own point (``org_id`` = the sender, shared with the destination); ``factory``:
    to the manufacturer (mode C), received back by the sender. Lifecycle: draft (packing; lines
    added and removed) → posted = sent (number ``ZX-…``; each order moves with the machine's
    event, its device is in transit) → closed (``closed_at``; lines never scanned in are flagged
    missing). Lists are not reversed: a device sent is brought back by receiving it.
    """

    __tablename__ = "repair_packing_list"
    __table_args__ = (CheckConstraint("purpose IN ('forward', 'return', 'factory')", name="purpose"),)

    DOC_TYPE = "repair_packing_list"
    NUMBER_PREFIX = "ZX"

    purpose: Mapped[str] = mapped_column(String(8))
    destination_org_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organisation.id"))
    manufacturer_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("party.id"))
    carrier: Mapped[str] = mapped_column(String(80), default="")
    tracking_no: Mapped[str] = mapped_column(String(80), default="")
    closed_at: Mapped[dt.datetime | None]
    closed_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    line_count: Mapped[int] = mapped_column(default=0)
    lines: Mapped[list["RepairPackingLine"]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="RepairPackingLine.seq")


class RepairPackingLine(IdMixin, Base):
    """One device in the box, or a device scanned at receipt that was not in it (``unexpected``)."""

    __tablename__ = "repair_packing_line"
    __table_args__ = (
        UniqueConstraint("list_id", "seq"),
        CheckConstraint("state IN ('packed', 'in_transit', 'received', 'missing', 'unexpected')", name="state"),
        Index("ix_repair_packing_line_imei", "imei"),
    )

    list_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("repair_packing_list.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int]
    order_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("repair_order.id"), index=True)
    # An exchange unit in the box (换机装箱单; a factory list may mix repair and exchange units), and
    # the manufacturer's unit received in its place.
    exchange_order_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("exchange_order.id"), index=True)
    replacement_imei: Mapped[str] = mapped_column(String(40), default="")
    imei: Mapped[str] = mapped_column(String(15))
    state: Mapped[str] = mapped_column(String(12), default="packed")
    received_at: Mapped[dt.datetime | None]
    received_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    note: Mapped[str] = mapped_column(String(300), default="")


LOANER_CONDITIONS = ("good", "damaged")


class RepairLoaner(DocumentMixin, Base):
    """维修备机单: a loaner unit (serialized device item) lent to the customer of an order.

    Posted when lent (number ``BJ-…``): the unit moves from the loaner warehouse to the customer
    at its book value, and the deposit is taken (customer payable +d, cash +d). Returned once
    (``returned_at``): the unit comes back at the value it left with, into the loaner warehouse
    if in good condition or the defective warehouse if damaged; the deposit is paid back less
    any damage charge. Both halves post under this document's id (the return as
    ``repair_loaner_return``).
    """

    __tablename__ = "repair_loaner"
    __table_args__ = (
        CheckConstraint("return_condition IN ('good', 'damaged') OR return_condition IS NULL", name="return_condition"),
        Index("ix_repair_loaner_serial", "serial"),
        Index("ix_repair_loaner_open_due", "returned_at", "due_date"),
    )

    DOC_TYPE = "repair_loaner"
    NUMBER_PREFIX = "BJ"

    # Lent against a repair order, or an exchange order (换机备机单: mode B while the unit is away).
    order_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("repair_order.id"), index=True)
    exchange_order_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("exchange_order.id"), index=True)
    item_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("item.id"))
    serial: Mapped[str] = mapped_column(String(40))
    warehouse_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("warehouse.id"))
    value: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    deposit: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    account_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("money_account.id"))
    due_date: Mapped[dt.date] = mapped_column(Date)
    returned_at: Mapped[dt.datetime | None]
    returned_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    return_condition: Mapped[str | None] = mapped_column(String(8))
    return_warehouse_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("warehouse.id"))
    damage_charge: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    return_note: Mapped[str] = mapped_column(String(300), default="")

    def write_ledgers(self, session) -> None:
        from .loaners import write_lend_ledgers

        write_lend_ledgers(session, self)


class RepairDepositTransfer(DocumentMixin, Base):
    """押金结转: a deposit held on a repair order converted to an exchange, carried over to the
    exchange order it became (issue 16 §9). Posted at once (number ``JZ-…``); its two counterparty
    rows (the customer's payable −x on the repair, +x on the exchange) share this document as their
    source, so both sides stay linked and no posted row is ever edited. One per repair order."""

    __tablename__ = "repair_deposit_transfer"

    DOC_TYPE = "repair_deposit_transfer"
    NUMBER_PREFIX = "JZ"

    order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("repair_order.id"), unique=True)
    exchange_order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("exchange_order.id"), index=True)
    amount: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))

    def write_ledgers(self, session) -> None:
        from .money import write_transfer_ledgers

        write_transfer_ledgers(session, self)


class RepairBatch(DocumentMixin, Base):
    """批量受理单: a distributor's devices taken in together, one repair order per device.

    Draft while the devices are scanned in (each scan posts its order at once, ``batch_id`` set);
    posted (number ``PL-…``) when the intake is complete; picked up together (``picked_up_at``),
    when one bill for the whole batch goes to the distributor's receivable.
    """

    __tablename__ = "repair_batch"

    DOC_TYPE = "repair_batch"
    NUMBER_PREFIX = "PL"

    party_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("party.id"), index=True)
    contact_name: Mapped[str] = mapped_column(String(80), default="")
    contact_phone: Mapped[str] = mapped_column(String(20), default="")
    mode: Mapped[str] = mapped_column(String(1), default="A")
    device_count: Mapped[int] = mapped_column(default=0)
    picked_up_at: Mapped[dt.datetime | None]
    picked_up_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    bill_total: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    signature: Mapped[str] = mapped_column(Text, default="")


PAYERS = ("customer", "manufacturer", "insurer", "goodwill")


class RepairPayerShare(IdMixin, OrgShared, Base):
    """One payer's share of a repair's bill (several payers per job, issue 19 §7): the customer, the
    manufacturer, an insurer, or the point's own goodwill (善意减免: nobody owes it). Set before
    pickup (``settlement_id`` empty: a plan, replaced as a whole); the pickup settlement posts each
    payer's share as its receivable, an open item of that payer, and freezes the shares
    (``settlement_id``). See docs/repair.md, "Several payers per job"."""

    __tablename__ = "repair_payer_share"
    __table_args__ = (
        CheckConstraint("payer IN ('customer', 'manufacturer', 'insurer', 'goodwill')", name="payer"),
        CheckConstraint("amount >= 0", name="amount_not_negative"),
    )

    order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("repair_order.id"), index=True)
    settlement_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("repair_payment.id"), index=True)
    seq: Mapped[int] = mapped_column(default=1)
    payer: Mapped[str] = mapped_column(String(16))
    party_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("party.id"))
    amount: Mapped[Decimal] = mapped_column(Money())
    note: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
