"""Exchange (spec §2): the exchange order, its steps, and the per-brand 三包 rules.

- ``exchange_order`` (换机单, number ``HJ-…``): one customer's device exchanged; a document posted at
  intake whose progress is the machine of ``statemachine.py`` (column ``state``).
- ``exchange_step``: every move of the machine (intake included), who, when, the event's data and
  the order's columns before it (a reversal restores them). A step that writes ledger rows is
  their source document: ``(exchange_<event>, step id)`` in the stock and money ledgers.
- ``exchange_rule``: the eligibility rules per brand (the row without a brand is the default).
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.models import DocumentMixin
from ..db import Base, IdMixin, JSONType, Money, TimestampMixin, utcnow
from ..org.models import OrgOwned
from . import statemachine as sm


class ExchangeOrder(DocumentMixin, Base):
    __tablename__ = "exchange_order"
    __table_args__ = (
        CheckConstraint("customer_kind IN ('member', 'walk_in')", name="customer_kind"),
        CheckConstraint("mode IN ('A', 'B', 'C', 'D')", name="mode"),
        CheckConstraint("unit_at IN ('customer', 'defective', 'transit', 'factory')", name="unit_at"),
        Index("ix_exchange_order_imei_created", "imei", "created_at"),
        Index("ix_exchange_order_replacement_imei", "replacement_imei"),
        Index("ix_exchange_order_factory_imei", "factory_imei"),
        Index("ix_exchange_order_org_created", "org_id", "created_at"),
        Index("ix_exchange_order_state_created", "state", "created_at"),
    )

    DOC_TYPE = "exchange_order"
    NUMBER_PREFIX = "HJ"

    state: Mapped[str] = mapped_column(String(24), default=sm.PENDING_EXCHANGE)
    mode: Mapped[str] = mapped_column(String(1), default="A")
    customer_kind: Mapped[str] = mapped_column(String(8))
    member_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("member.id"), index=True)
    customer_name: Mapped[str] = mapped_column(String(80), default="")
    customer_phone: Mapped[str] = mapped_column(String(20), default="", index=True)
    # The customer's unit.
    imei: Mapped[str] = mapped_column(String(15))
    model_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("product_model.id"))
    item_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("item.id"))  # the model's device item (stock)
    symptoms: Mapped[list] = mapped_column(JSONType, default=list)
    fault_description: Mapped[str] = mapped_column(Text, default="")
    # At intake, as repair's: photos of the unit's condition (SHA-256 of uploaded blobs) and the
    # customer's signature on the exchange ticket (data URL or SHA-256).
    photos: Mapped[list] = mapped_column(JSONType, default=list, server_default=text("'[]'"))
    intake_signature: Mapped[str] = mapped_column(Text, default="", server_default=text("''"))
    warranty_card_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("warranty_card.id"))
    sale_date: Mapped[dt.date | None] = mapped_column(Date)
    warranty_until: Mapped[dt.date | None] = mapped_column(Date)
    # Eligibility by rule (the verdict as computed) and an override with its reason.
    eligibility: Mapped[dict] = mapped_column(JSONType, default=dict)
    override_reason: Mapped[str] = mapped_column(String(300), default="")
    manufacturer_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("party.id"))
    # Where the old unit is, and the value it carries in the books once it is ours.
    unit_at: Mapped[str] = mapped_column(String(10), default="customer")
    unit_value: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    # The unit the customer gets (A/C: from the point's stock; B: the manufacturer's).
    replacement_imei: Mapped[str] = mapped_column(String(40), default="")
    replacement_item_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("item.id"))
    handed_over_at: Mapped[dt.datetime | None]
    signature: Mapped[str] = mapped_column(Text, default="")
    fee: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    # A deposit carried over from the repair this came from (repair_deposit_transfer): the part
    # applied to the fee, and the part paid back, when the customer gets the replacement.
    deposit_applied: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    deposit_returned: Mapped[Decimal] = mapped_column(Money(), default=Decimal("0"))
    new_card_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("warranty_card.id"))
    # Never read: it tells the flush a new card goes in before the order naming it (a posting batch
    # flushes both at once; without a relationship the ORM orders the two tables' rows at random).
    new_card: Mapped["WarrantyCard | None"] = relationship(foreign_keys=[new_card_id], lazy="raise")  # noqa: F821
    # A/C: the manufacturer's unit that came into the point's good stock.
    factory_imei: Mapped[str] = mapped_column(String(40), default="")
    replacement_received_at: Mapped[dt.datetime | None]
    carrier: Mapped[str] = mapped_column(String(80), default="")
    tracking_no: Mapped[str] = mapped_column(String(80), default="")
    # Links with repair: the repair this exchange came from (its convert_to_exchange), and the
    # repair this exchange became (mode D).
    from_repair_order_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("repair_order.id"))
    repair_order_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("repair_order.id"))
    conversion_reason: Mapped[str] = mapped_column(String(300), default="")
    step_count: Mapped[int] = mapped_column(default=0)
    device_id: Mapped[str] = mapped_column(String(64), default="")
    provisional_code: Mapped[str] = mapped_column(String(32), default="")

    # The repair money paths read these (``repair.money.customer_counterparty``).
    batch_id = None

    @property
    def handed_over(self) -> bool:
        return self.handed_over_at is not None


class ExchangeStep(IdMixin, OrgOwned, Base):
    """One move of the machine (intake and reversals included); the source of its ledger rows."""

    __tablename__ = "exchange_step"
    __table_args__ = (UniqueConstraint("order_id", "seq"),)

    order_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("exchange_order.id"), index=True)
    seq: Mapped[int]
    event: Mapped[str] = mapped_column(String(32))
    from_state: Mapped[str] = mapped_column(String(24))
    to_state: Mapped[str] = mapped_column(String(24))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    doc_date: Mapped[dt.date] = mapped_column(Date)
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))
    username: Mapped[str] = mapped_column(String(64), default="")
    source: Mapped[str] = mapped_column(String(16), default="api")
    event_id: Mapped[str | None] = mapped_column(String(64), unique=True)
    data: Mapped[dict] = mapped_column(JSONType, default=dict)
    # The order's columns this step changed, as they were before (restored by its reversal).
    before: Mapped[dict] = mapped_column(JSONType, default=dict)
    # A reversal names the step it undoes; the undone step names its reversal.
    reverses_seq: Mapped[int | None]
    reversed_by_seq: Mapped[int | None]

    @property
    def ledger_type(self) -> str:
        return f"exchange_{self.event}"


class ExchangeRule(IdMixin, TimestampMixin, Base):
    """三包 eligibility for a brand (``brand_id`` None: the default for every other brand)."""

    __tablename__ = "exchange_rule"
    __table_args__ = (CheckConstraint("new_warranty IN ('restart', 'continue')", name="new_warranty"),)

    brand_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("brand.id"), unique=True)
    return_days: Mapped[int] = mapped_column(default=7)
    exchange_days: Mapped[int] = mapped_column(default=15)
    performance_symptom_ids: Mapped[list] = mapped_column(JSONType, default=list)
    repeat_repairs: Mapped[int] = mapped_column(default=2)
    accessory_months: Mapped[dict] = mapped_column(JSONType, default=dict)
    accessory_failed_replacements: Mapped[int] = mapped_column(default=2)
    new_warranty: Mapped[str] = mapped_column(String(8), default="restart")
    # Who replaces this brand's units (the manufacturer the receivable is on).
    manufacturer_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("party.id"))
