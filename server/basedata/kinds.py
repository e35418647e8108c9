"""The registry of base-data kinds: one declaration drives API, search, import/export and outbox.

Each kind lists its fields once. From that the API builds its schemas, the
importer its columns (references by code), the exporter the same columns, and
the outbox the document devices receive.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import InvalidInput
from ..commissions.models import SCOPES as COMMISSION_SCOPES
from ..commissions.models import CommissionRule
from ..finance.models import CURRENCIES, MONEY_ACCOUNT_KINDS, MoneyAccount
from ..org.scoping import exact
from . import models as m
from .text import imei_problem, normalise_phone, phone_problem


@dataclass(frozen=True)
class F:
    """One field. ``type``: str, text, int, decimal, bool, date, enum, enums, ref, refs, phone, imei, code."""

    name: str
    type: str = "str"
    required: bool = False
    max_len: int = 0
    choices: tuple[str, ...] = ()
    ref: str | None = None  # kind name for ref/refs
    attr: str | None = None  # model attribute when it differs (refs: the relationship)
    default: Any = None
    min: int | None = None
    max: int | None = None
    label: str = ""

    @property
    def column(self) -> str:
        """The import/export column: references travel by code."""
        if self.type == "ref":
            return self.name.removesuffix("_id") + "_code"
        if self.type == "refs":
            return self.name.removesuffix("_ids") + "_codes"
        if self.type == "user":
            return "username"
        if self.type == "org":
            return self.name.removesuffix("_id") + "_code"
        return self.name

    @property
    def model_attr(self) -> str:
        return self.attr or self.name


@dataclass
class Kind:
    name: str
    model: type
    label: dict[str, str]
    fields: list[F]
    # One record's name ("New brand", a record page's title): the label is the list's ("Brands").
    one: dict[str, str] | None = None
    key: tuple[str, ...] = ("code",)
    org_owned: bool = False
    publish: str | None = "master"  # "master", "org" (the organisation's database) or None
    search: Callable[[Any], tuple[tuple[str, ...], tuple[str, ...]]] | None = None
    filters: tuple[str, ...] = ()
    sort: tuple[str, ...] = ("code", "name")
    view_perm: str = "basedata.view"
    manage_perm: str = "basedata.manage"
    check: Callable[[Session, Any], None] | None = None
    # Delete, import and export; personal data names a back-office permission for them.
    bulk_perm: str | None = None

    @property
    def delete_perm(self) -> str:
        return self.bulk_perm or self.manage_perm

    @property
    def import_perm(self) -> str:
        return self.bulk_perm or self.manage_perm

    @property
    def export_perm(self) -> str:
        return self.bulk_perm or self.view_perm

    def field(self, name: str) -> F:
        return next(f for f in self.fields if f.name == name)

    @property
    def token_kind(self) -> str:
        return self.name[:24]


KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    KINDS[kind.name] = kind
    return kind


ACTIVE = F("active", "bool", default=True)


# -- checks that span fields ---------------------------------------------------

def _check_item(session: Session, item: m.Item) -> None:
    if item.model_id:
        model = session.get(m.ProductModel, item.model_id)
        if item.brand_id and item.brand_id != model.brand_id:
            raise InvalidInput("brand_id", "does not match the model's brand")
        item.brand_id = model.brand_id
    if item.serialized and item.kind not in ("device", "mainboard"):
        raise InvalidInput("serialized", "only whole devices and mainboards are tracked by IMEI/serial")
    for name in ("standard_cost", "retail_price", "wholesale_price", "repair_price"):
        if getattr(item, name) is not None and getattr(item, name) < 0:
            raise InvalidInput(name, "must not be negative")
    if item.barcode == "":
        item.barcode = None


def _check_accessory(session: Session, acc: m.BundledAccessory) -> None:
    if acc.item_id:
        item = session.get(m.Item, acc.item_id)
        if item.kind != "accessory":
            raise InvalidInput("item_id", "must be an accessory item")


def _check_party(session: Session, party: m.Party) -> None:
    if not party.roles:
        raise InvalidInput("roles", "at least one role is required")
    if party.discount_percent is not None and party.discount_percent >= 100:
        raise InvalidInput("discount_percent", "must be less than 100")


def _check_repair_level(session: Session, level: m.RepairLevel) -> None:
    party = session.get(m.Party, level.manufacturer_id)
    if "manufacturer" not in party.roles:
        raise InvalidInput("manufacturer_id", "must be a party with the manufacturer role")


def _check_engineer(session: Session, eng: m.Engineer) -> None:
    if eng.user_id is None:
        return
    from ..auth.models import User

    user = session.execute(
        select(User).where(User.id == eng.user_id).execution_options(unscoped=True)
    ).scalar_one_or_none()
    if user is None or user.org_id != eng.org_id:
        raise InvalidInput("user_id", "must be an account of the engineer's organisation")
    if "engineer" not in user.roles:
        raise InvalidInput("user_id", "the account does not have the engineer role")


def _check_formula(session: Session, formula: m.DisassemblyFormula) -> None:
    device = session.get(m.Item, formula.device_item_id)
    if device.kind != "device":
        raise InvalidInput("device_item_id", "must be a whole device")
    if not formula.lines:
        raise InvalidInput("lines", "a formula needs at least one component")
    seen = set()
    for i, line in enumerate(formula.lines):
        comp = session.get(m.Item, line.component_item_id)
        if comp is None:
            raise InvalidInput(f"lines.{i}.component_item_id", "no such item")
        if comp.id == device.id or comp.kind == "device":
            raise InvalidInput(f"lines.{i}.component_item_id", "a component cannot be a whole device")
        if comp.id in seen:
            raise InvalidInput(f"lines.{i}.component_item_id", "listed twice")
        if line.quantity is None or line.quantity <= 0:
            raise InvalidInput(f"lines.{i}.quantity", "must be positive")
        seen.add(comp.id)


def _check_member(session: Session, member: m.Member) -> None:
    member.phone = normalise_phone(member.phone)
    problem = phone_problem(member.phone)
    if problem:
        raise InvalidInput("phone", problem)


def _check_card(session: Session, card: m.WarrantyCard) -> None:
    problem = imei_problem(card.imei)
    if problem:
        raise InvalidInput("imei", problem)
    if card.model_id is None:
        tac = session.execute(select(m.Tac).where(m.Tac.code == card.imei[:8])).scalar_one_or_none()
        if tac is None:
            raise InvalidInput("model_id", "required: the IMEI's TAC is not in the TAC table")
        card.model_id = tac.model_id
    if card.sale_date > dt.date.today() + dt.timedelta(days=1):
        raise InvalidInput("sale_date", "is in the future")
    if card.buyer_phone:
        card.buyer_phone = normalise_phone(card.buyer_phone)
        problem = phone_problem(card.buyer_phone)
        if problem:
            raise InvalidInput("buyer_phone", problem)
        if card.member_id is None:
            card.member_id = session.execute(
                exact(select(m.Member.id).where(m.Member.phone == card.buyer_phone))).scalar_one_or_none()
    if card.dealer_id:
        dealer = session.get(m.Party, card.dealer_id)
        if "dealer" not in dealer.roles:
            raise InvalidInput("dealer_id", "must be a party with the dealer role")


def _check_commission_rule(session: Session, rule) -> None:
    from ..commissions.operations import check_rule

    check_rule(session, rule)


def _check_money_account(session: Session, account: MoneyAccount) -> None:
    from ..finance.operations import check_money_account

    check_money_account(session, account)


def _check_tac(session: Session, tac: m.Tac) -> None:
    if not (len(tac.code) == 8 and tac.code.isdigit()):
        raise InvalidInput("code", "a TAC is 8 digits")


# -- the kinds -----------------------------------------------------------------

CODE = F("code", "code", required=True, max_len=32)
NAME = F("name", "str", required=True, max_len=120)

register(Kind(
    "brands", m.Brand, {"zh-CN": "品牌", "en": "Brands"},
    [CODE, F("name", "str", required=True, max_len=80), F("name_en", "str", max_len=80, default=""), ACTIVE],
    search=lambda o: ((o.name, o.name_en, o.code), ()),
    one={"zh-CN": "品牌", "en": "Brand"},
))
register(Kind(
    "models", m.ProductModel, {"zh-CN": "型号", "en": "Models"},
    [F("code", "code", required=True, max_len=40), NAME, F("brand_id", "ref", required=True, ref="brands"),
     F("warranty_months", "int", default=12, min=0, max=120), ACTIVE],
    search=lambda o: ((o.name, o.code), ()), filters=("brand_id",),
    one={"zh-CN": "型号", "en": "Model"},
))
register(Kind(
    "items", m.Item, {"zh-CN": "产品", "en": "Items"},
    [F("code", "code", required=True, max_len=40), F("name", "str", required=True, max_len=160),
     F("kind", "enum", required=True, choices=m.ITEM_KINDS),
     F("brand_id", "ref", ref="brands"), F("model_id", "ref", ref="models"),
     F("unit", "str", max_len=16, default="个"), F("barcode", "str", max_len=64),
     F("serialized", "bool", default=False),
     F("standard_cost", "decimal", default=Decimal("0")), F("retail_price", "decimal", default=Decimal("0")),
     F("wholesale_price", "decimal", default=Decimal("0")), F("repair_price", "decimal", default=Decimal("0")),
     ACTIVE],
    search=lambda o: ((o.name, o.code), (o.barcode or "",)), filters=("kind", "brand_id", "model_id", "serialized"),
    check=_check_item,
    one={"zh-CN": "产品", "en": "Item"},
))
register(Kind(
    "accessories", m.BundledAccessory, {"zh-CN": "随机附件", "en": "Bundled accessories"},
    [F("code", "code", required=True, max_len=40), F("model_id", "ref", required=True, ref="models"),
     F("name", "str", required=True, max_len=80), F("item_id", "ref", ref="items"),
     F("sort_order", "int", default=0, min=0, max=999), ACTIVE],
    search=lambda o: ((o.name, o.code), ()), filters=("model_id",), sort=("code", "name", "sort_order"),
    check=_check_accessory,
    one={"zh-CN": "随机附件", "en": "Bundled accessory"},
))
register(Kind(
    "parties", m.Party, {"zh-CN": "往来单位", "en": "Parties"},
    [CODE, F("name", "str", required=True, max_len=160),
     F("roles", "enums", required=True, choices=m.PARTY_ROLES),
     F("contact_name", "str", max_len=80, default=""), F("phone", "str", max_len=40, default=""),
     F("address", "str", max_len=300, default=""), F("tax_number", "str", max_len=40, default=""),
     F("bank_name", "str", max_len=120, default=""), F("bank_account", "str", max_len=64, default=""),
     F("credit_limit", "decimal", default=Decimal("0")), F("discount_percent", "decimal", default=Decimal("0")),
     F("note", "text", max_len=2000, default=""), ACTIVE],
    search=lambda o: ((o.name, o.code, o.contact_name), (o.phone,)), filters=("role",),
    check=_check_party,
    one={"zh-CN": "往来单位", "en": "Party"},
))
register(Kind(
    "repair-levels", m.RepairLevel, {"zh-CN": "维修级别", "en": "Repair levels"},
    [F("manufacturer_id", "ref", required=True, ref="parties"), CODE, F("name", "str", required=True, max_len=80),
     F("grade", "int", default=1, min=1, max=9),
     F("labour_charge", "decimal", default=Decimal("0")), F("labour_fee", "decimal", default=Decimal("0")), ACTIVE],
    key=("manufacturer_id", "code"), search=lambda o: ((o.name, o.code), ()), filters=("manufacturer_id", "grade"),
    sort=("code", "name", "grade"), check=_check_repair_level,
    one={"zh-CN": "维修级别", "en": "Repair level"},
))
register(Kind(
    "engineers", m.Engineer, {"zh-CN": "工程师", "en": "Engineers"},
    [CODE, F("name", "str", required=True, max_len=80), F("user_id", "user"),
     F("grade", "int", default=1, min=1, max=9), F("phone", "str", max_len=40, default=""),
     F("brand_ids", "refs", ref="brands", attr="brands"), ACTIVE],
    org_owned=True, publish="org", search=lambda o: ((o.name, o.code), (o.phone,)), filters=("grade",),
    manage_perm="basedata.manage_local", check=_check_engineer,
    one={"zh-CN": "工程师", "en": "Engineer"},
))
register(Kind(
    "fault-symptoms", m.FaultSymptom, {"zh-CN": "故障现象", "en": "Fault symptoms"},
    [CODE, NAME, F("category", "str", max_len=60, default=""), F("model_ids", "refs", ref="models", attr="models"),
     ACTIVE],
    search=lambda o: ((o.name, o.code, o.category), ()), filters=("category", "model_id"),
    one={"zh-CN": "故障现象", "en": "Fault symptom"},
))
register(Kind(
    "repair-methods", m.RepairMethod, {"zh-CN": "处理方法", "en": "Repair methods"},
    [CODE, NAME, F("category", "str", max_len=60, default=""), F("grade", "int", default=1, min=1, max=9),
     F("model_ids", "refs", ref="models", attr="models"), ACTIVE],
    search=lambda o: ((o.name, o.code, o.category), ()), filters=("category", "model_id"),
    one={"zh-CN": "处理方法", "en": "Repair method"},
))
register(Kind(
    "warranty-statuses", m.WarrantyStatus, {"zh-CN": "保修状态", "en": "Warranty statuses"},
    [CODE, F("name", "str", required=True, max_len=60), F("name_en", "str", max_len=60, default=""),
     F("rule", "enum", choices=m.WARRANTY_RULES, default="other"),
     F("chargeable", "bool", default=False), F("claimable", "bool", default=False), ACTIVE],
    search=lambda o: ((o.name, o.name_en, o.code), ()), filters=("rule",),
    one={"zh-CN": "保修状态", "en": "Warranty status"},
))
register(Kind(
    "warehouses", m.Warehouse, {"zh-CN": "仓库", "en": "Warehouses"},
    [CODE, F("name", "str", required=True, max_len=80), F("kind", "enum", required=True, choices=m.WAREHOUSE_KINDS),
     ACTIVE],
    org_owned=True, publish="org", search=lambda o: ((o.name, o.code), ()), filters=("kind",),
    manage_perm="basedata.manage_local",
    one={"zh-CN": "仓库", "en": "Warehouse"},
))
register(Kind(
    "disassembly-formulas", m.DisassemblyFormula, {"zh-CN": "拆装公式", "en": "Disassembly formulas"},
    [F("code", "code", required=True, max_len=40), F("device_item_id", "ref", required=True, ref="items"),
     F("lines", "lines", required=True), ACTIVE],
    search=lambda o: ((o.code,), ()), filters=("device_item_id",), sort=("code",), check=_check_formula,
    one={"zh-CN": "拆装公式", "en": "Disassembly formula"},
))
register(Kind(
    "members", m.Member, {"zh-CN": "售后会员", "en": "Members"},
    [F("phone", "phone", required=True, max_len=20), F("name", "str", required=True, max_len=80),
     F("gender", "enum", choices=("", "male", "female"), default=""), F("email", "str", max_len=120, default=""),
     F("address", "str", max_len=300, default=""), F("registered_org_id", "org"),
     F("note", "text", max_len=2000, default=""), ACTIVE],
    key=("phone",), publish=None, search=lambda o: ((o.name,), (o.phone,)), sort=("name", "phone"),
    view_perm="customer.view", manage_perm="customer.manage", bulk_perm="customer.personal_data", check=_check_member,
    one={"zh-CN": "售后会员", "en": "Member"},
))
register(Kind(
    "warranty-cards", m.WarrantyCard, {"zh-CN": "保修卡", "en": "Warranty cards"},
    [F("imei", "imei", required=True, max_len=15), F("model_id", "ref", ref="models"),
     F("buyer_name", "str", max_len=80, default=""), F("buyer_phone", "str", max_len=20, default=""),
     F("sale_date", "date", required=True), F("dealer_id", "ref", ref="parties"),
     F("period_months", "int", default=12, min=0, max=120), F("invoice_number", "str", max_len=40, default=""),
     F("registered_org_id", "org"), ACTIVE],
    # Cards are found by IMEI, phone, invoice or the buyer's full name; name
    # fragments and pinyin are the member search's job.
    key=("imei",), publish=None, search=lambda o: ((), (o.imei, o.buyer_phone, o.invoice_number, o.buyer_name)),
    filters=("model_id", "dealer_id"), sort=("imei", "sale_date"),
    view_perm="customer.view", manage_perm="customer.manage", bulk_perm="customer.personal_data", check=_check_card,
    one={"zh-CN": "保修卡", "en": "Warranty card"},
))
register(Kind(
    "tacs", m.Tac, {"zh-CN": "TAC 号段", "en": "TAC table"},
    [F("code", "code", required=True, max_len=8), F("model_id", "ref", required=True, ref="models")],
    publish="master", search=None, filters=("model_id",), sort=("code",), check=_check_tac,
    one={"zh-CN": "TAC 号段", "en": "TAC range"},
))
register(Kind(
    # Bank accounts (银行账号, §10.9) and cash drawers; their ledger is server.finance.
    "money-accounts", MoneyAccount, {"zh-CN": "银行账号与现金", "en": "Money accounts"},
    [CODE, F("name", "str", required=True, max_len=80), F("kind", "enum", required=True, choices=MONEY_ACCOUNT_KINDS),
     F("bank_name", "str", max_len=120, default=""), F("account_number", "str", max_len=64, default=""),
     F("currency", "enum", choices=CURRENCIES, default="CNY"), F("business_line", "str", max_len=60, default=""),
     ACTIVE],
    org_owned=True, publish=None, search=lambda o: ((o.name, o.code, o.bank_name, o.business_line), (o.account_number,)),
    filters=("kind",), view_perm="finance.view", manage_perm="finance.manage_accounts", check=_check_money_account,
    one={"zh-CN": "银行账号与现金", "en": "Money account"},
))
register(Kind(
    # 提成规则 (issue 19 §8): what an engineer earns on a job's line; server/commissions applies them.
    "commission-rules", CommissionRule, {"zh-CN": "提成规则", "en": "Commission rules"},
    [CODE, F("name", "str", required=True, max_len=120), F("scope", "enum", required=True, choices=COMMISSION_SCOPES),
     F("item_id", "ref", ref="items"), F("item_kind", "enum", choices=("",) + m.ITEM_KINDS, default=""), F("grade", "int", min=1, max=9),
     F("repair_level_id", "ref", ref="repair-levels"),
     F("rate_percent", "decimal", default=Decimal("0")), F("fixed_amount", "decimal", default=Decimal("0")), ACTIVE],
    publish=None, search=lambda o: ((o.name, o.code), ()), filters=("scope",),
    view_perm="commissions.view", manage_perm="commissions.manage", check=_check_commission_rule,
    one={"zh-CN": "提成规则", "en": "Commission rule"},
))
