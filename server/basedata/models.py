"""Base data (spec §14, §1.7, §1.8): the vocabulary every document uses."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from sqlalchemy import Column, ForeignKey, Index, String, Table, Text, UniqueConstraint, exists, or_
from sqlalchemy.orm import Mapped, mapped_column, relationship, with_loader_criteria

from ..db import Base, Fixed, IdMixin, TimestampMixin
from ..org.models import OrgOwned, PersonalData

Money = Fixed(14, 2)
Qty = Fixed(14, 3)

ITEM_KINDS = ("device", "mainboard", "part", "accessory")
PARTY_ROLES = ("manufacturer", "dealer", "supplier", "distributor", "insurer")
WAREHOUSE_KINDS = ("good", "defective", "loaner", "in_transit", "scrap")
WARRANTY_RULES = ("in_warranty", "out_of_warranty", "pending_inspection", "other")


class Brand(IdMixin, TimestampMixin, Base):
    __tablename__ = "brand"

    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(80))
    name_en: Mapped[str] = mapped_column(String(80), default="")
    active: Mapped[bool] = mapped_column(default=True)


class ProductModel(IdMixin, TimestampMixin, Base):
    """A phone model (e.g. 华为 Mate 60 Pro) with its warranty period."""

    __tablename__ = "product_model"

    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    brand_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("brand.id"), index=True)
    warranty_months: Mapped[int] = mapped_column(default=12)
    active: Mapped[bool] = mapped_column(default=True)


class Item(IdMixin, TimestampMixin, Base):
    """Anything stocked: whole devices, mainboards, parts, accessories."""

    __tablename__ = "item"

    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(160), index=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)
    brand_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("brand.id"), index=True)
    model_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("product_model.id"), index=True)
    unit: Mapped[str] = mapped_column(String(16), default="个")
    barcode: Mapped[str | None] = mapped_column(String(64), unique=True)
    serialized: Mapped[bool] = mapped_column(default=False)
    standard_cost: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    retail_price: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    wholesale_price: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    repair_price: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    active: Mapped[bool] = mapped_column(default=True)


class BundledAccessory(IdMixin, TimestampMixin, Base):
    """An accessory that comes in with a device of a model: a line of the intake checklist."""

    __tablename__ = "bundled_accessory"
    __table_args__ = (UniqueConstraint("model_id", "name"),)

    code: Mapped[str] = mapped_column(String(40), unique=True)
    model_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("product_model.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    item_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("item.id"))
    sort_order: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)


class Party(IdMixin, TimestampMixin, Base):
    """A company we deal with: manufacturer, dealer, supplier, distributor (several roles at once)."""

    __tablename__ = "party"

    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(160))
    # ",dealer,supplier," — delimited so one LIKE finds a role on every backend.
    roles_text: Mapped[str] = mapped_column(String(80), default=",")
    contact_name: Mapped[str] = mapped_column(String(80), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    tax_number: Mapped[str] = mapped_column(String(40), default="")
    bank_name: Mapped[str] = mapped_column(String(120), default="")
    bank_account: Mapped[str] = mapped_column(String(64), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    # Wholesale (spec §6): the receivable a dealer may run up before an order waits for an approver
    # (0: no credit), and the discount off the wholesale price its orders get, in percent.
    credit_limit: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    discount_percent: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    active: Mapped[bool] = mapped_column(default=True)

    @property
    def roles(self) -> list[str]:
        return [r for r in self.roles_text.split(",") if r]

    @roles.setter
    def roles(self, value: list[str]) -> None:
        self.roles_text = "," + ",".join(sorted(set(value))) + ("," if value else "")


class RepairLevel(IdMixin, TimestampMixin, Base):
    """Per manufacturer: the labour charged to the customer and the fee claimable from the manufacturer."""

    __tablename__ = "repair_level"
    __table_args__ = (UniqueConstraint("manufacturer_id", "code"),)

    manufacturer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("party.id"), index=True)
    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(80))
    grade: Mapped[int] = mapped_column(default=1)
    labour_charge: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    labour_fee: Mapped[Decimal] = mapped_column(Money, default=Decimal("0"))
    active: Mapped[bool] = mapped_column(default=True)


engineer_brand = Table(
    "engineer_brand", Base.metadata,
    Column("engineer_id", ForeignKey("engineer.id", ondelete="CASCADE"), primary_key=True),
    Column("brand_id", ForeignKey("brand.id"), primary_key=True),
)


class Engineer(IdMixin, TimestampMixin, OrgOwned, Base):
    __tablename__ = "engineer"
    __table_args__ = (UniqueConstraint("org_id", "code"),)

    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(80))
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"), unique=True)
    grade: Mapped[int] = mapped_column(default=1)
    phone: Mapped[str] = mapped_column(String(40), default="")
    active: Mapped[bool] = mapped_column(default=True)
    brands: Mapped[list[Brand]] = relationship(secondary=engineer_brand, lazy="selectin", order_by=Brand.code)


fault_symptom_model = Table(
    "fault_symptom_model", Base.metadata,
    Column("fault_symptom_id", ForeignKey("fault_symptom.id", ondelete="CASCADE"), primary_key=True),
    Column("model_id", ForeignKey("product_model.id"), primary_key=True),
)
repair_method_model = Table(
    "repair_method_model", Base.metadata,
    Column("repair_method_id", ForeignKey("repair_method.id", ondelete="CASCADE"), primary_key=True),
    Column("model_id", ForeignKey("product_model.id"), primary_key=True),
)


class FaultSymptom(IdMixin, TimestampMixin, Base):
    """故障现象; applies to the listed models, or to all when none are listed."""

    __tablename__ = "fault_symptom"

    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    category: Mapped[str] = mapped_column(String(60), default="", index=True)
    active: Mapped[bool] = mapped_column(default=True)
    models: Mapped[list[ProductModel]] = relationship(secondary=fault_symptom_model, lazy="selectin", order_by=ProductModel.code)


class RepairMethod(IdMixin, TimestampMixin, Base):
    """处理方法; applies to the listed models, or to all when none are listed."""

    __tablename__ = "repair_method"

    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    category: Mapped[str] = mapped_column(String(60), default="", index=True)
    grade: Mapped[int] = mapped_column(default=1)
    active: Mapped[bool] = mapped_column(default=True)
    models: Mapped[list[ProductModel]] = relationship(secondary=repair_method_model, lazy="selectin", order_by=ProductModel.code)


class WarrantyStatus(IdMixin, TimestampMixin, Base):
    """保修状态. ``rule`` ties a status to the default the warranty rule computes."""

    __tablename__ = "warranty_status"

    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(60))
    name_en: Mapped[str] = mapped_column(String(60), default="")
    rule: Mapped[str] = mapped_column(String(24), default="other")
    chargeable: Mapped[bool] = mapped_column(default=False)
    claimable: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)


class Warehouse(IdMixin, TimestampMixin, OrgOwned, Base):
    __tablename__ = "warehouse"
    __table_args__ = (UniqueConstraint("org_id", "code"),)

    code: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(default=True)


class DisassemblyFormula(IdMixin, TimestampMixin, Base):
    """拆装公式: the mainboard and parts one whole device breaks into (spec §14.14)."""

    __tablename__ = "disassembly_formula"

    code: Mapped[str] = mapped_column(String(40), unique=True)
    device_item_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("item.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)
    lines: Mapped[list["DisassemblyLine"]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="DisassemblyLine.sort_order")


class DisassemblyLine(IdMixin, Base):
    __tablename__ = "disassembly_line"

    formula_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("disassembly_formula.id", ondelete="CASCADE"), index=True)
    component_item_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("item.id"))
    quantity: Mapped[Decimal] = mapped_column(Qty)
    sort_order: Mapped[int] = mapped_column(default=0)


def _served(cls, org_ids, repaired):
    """Registered at the organisations ``org_ids``, or named by a repair order they own or were
    forwarded (``repaired(cls, repair_order)``: the join condition). A correlated EXISTS, so a
    search's, lookup's or read's few rows cost one index probe each however many customers the
    point has; an unfiltered list scans the table instead (measured in the architecture notes).
    The Core table, so the criteria do not scope their own subquery again, never correlated
    (a statement that also reads repair orders keeps its own)."""
    from ..repair.models import RepairOrder

    ro = RepairOrder.__table__
    return or_(cls.registered_org_id.in_(org_ids),
               exists().where(repaired(cls, ro), or_(ro.c.org_id.in_(org_ids), ro.c.shared_org_id.in_(org_ids)))
               .correlate_except(ro))


class Member(PersonalData, IdMixin, TimestampMixin, Base):
    """售后会员: a customer, found by phone number (the key the call centre looks up)."""

    __tablename__ = "member"

    phone: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(80), index=True)
    gender: Mapped[str] = mapped_column(String(8), default="")
    email: Mapped[str] = mapped_column(String(120), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    registered_org_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organisation.id"))
    note: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(default=True)

    @classmethod
    def served_criteria(cls, org_ids):
        return _served(cls, org_ids, lambda own, ro: ro.c.member_id == own.id)

    @staticmethod
    def served_loader_criteria(org_ids):
        return with_loader_criteria(Member, lambda cls: cls.served_criteria(org_ids), include_aliases=True)


class WarrantyCard(PersonalData, IdMixin, TimestampMixin, Base):
    """保修卡: a device sold, by IMEI, with its buyer, sale date, dealer and period."""

    __tablename__ = "warranty_card"

    imei: Mapped[str] = mapped_column(String(15), unique=True)
    model_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("product_model.id"), index=True)
    buyer_name: Mapped[str] = mapped_column(String(80), default="")
    buyer_phone: Mapped[str] = mapped_column(String(20), default="", index=True)
    member_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("member.id"), index=True)
    sale_date: Mapped[dt.date] = mapped_column(index=True)
    dealer_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("party.id"), index=True)
    period_months: Mapped[int] = mapped_column(default=12)
    invoice_number: Mapped[str] = mapped_column(String(40), default="")
    active: Mapped[bool] = mapped_column(default=True)
    # No foreign key, like OrgShared.shared_org_id: added to a populated table that others
    # reference, which SQLite could only rebuild; the operations check the organisation.
    registered_org_id: Mapped[uuid.UUID | None]

    @classmethod
    def served_criteria(cls, org_ids):
        return _served(cls, org_ids, lambda own, ro: ro.c.imei == own.imei)

    @staticmethod
    def served_loader_criteria(org_ids):
        return with_loader_criteria(WarrantyCard, lambda cls: cls.served_criteria(org_ids), include_aliases=True)


class Tac(IdMixin, TimestampMixin, Base):
    """Type Allocation Code: the first 8 IMEI digits name the model."""

    __tablename__ = "tac"

    code: Mapped[str] = mapped_column(String(8), unique=True)
    model_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("product_model.id"), index=True)


class SearchToken(Base):
    """Prefix-searchable words of a record: name, code, phone, IMEI, pinyin and its initials.

    Searching is a range scan on (kind, token), so it stays fast at hundreds of
    thousands of records on both backends. PostgreSQL compares with the "C"
    collation so the range is by code point, as on SQLite.
    """

    __tablename__ = "search_token"
    # (kind, record_id, token): a record's tokens, for refreshing them and for
    # checking a search's further words against one candidate.
    __table_args__ = (Index("ix_search_token_record", "kind", "record_id", "token"),)

    kind: Mapped[str] = mapped_column(String(24), primary_key=True)
    token: Mapped[str] = mapped_column(String(64).with_variant(String(64, collation="C"), "postgresql"), primary_key=True)
    record_id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
