"""The exchange order's progress (spec §2.1): ONE definition of states, events, guards and who
may fire each, used by the server and exported to the PWA (``GET /api/exchange/state-machine``,
``pwa/src/generated/exchange-machine.json``). Pure: facts in, target or ``TransitionRefused`` out.

The machine follows the customer's unit (taken in, sent to the manufacturer, settled by it) and,
through the fact ``handed_over``, whether the customer has the replacement yet:

- mode A (现场换机): intake → ``hand_over`` (the point's unit now) → ``dispatch`` → (``factory_receipt``)
  → ``receive_replacement`` (the manufacturer's unit into good stock) or ``credit`` → 已完成;
- mode B (返厂换机): intake → ``dispatch`` → (``factory_receipt``) → ``receive_replacement`` (held for the
  customer) → ``pickup`` (signed) → 已完成;
- mode C (返厂换机转现场换机): a B order ``convert_to_onsite`` (the point's unit now), then as A;
- mode D (换机转维修): ``convert_to_repair`` before anything moved: continues as a repair order.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..core import machine

PENDING_EXCHANGE = "pending_exchange"
PENDING_DISPATCH = "pending_dispatch"
AT_FACTORY = "at_factory"
PENDING_PICKUP = "pending_pickup"
COMPLETED = "completed"
CONVERTED = "converted"
CANCELLED = "cancelled"

STATES = (PENDING_EXCHANGE, PENDING_DISPATCH, AT_FACTORY, PENDING_PICKUP, COMPLETED, CONVERTED, CANCELLED)

STATE_LABELS = {
    PENDING_EXCHANGE: {"zh-CN": "待换机", "en": "Pending exchange"},
    PENDING_DISPATCH: {"zh-CN": "待发厂", "en": "Pending dispatch to the factory"},
    AT_FACTORY: {"zh-CN": "返厂中", "en": "At the factory"},
    PENDING_PICKUP: {"zh-CN": "待取新机", "en": "Replacement pending pickup"},
    COMPLETED: {"zh-CN": "换机完成", "en": "Exchange completed"},
    CONVERTED: {"zh-CN": "已转维修", "en": "Converted to repair"},
    CANCELLED: {"zh-CN": "已作废", "en": "Cancelled"},
}

MODES = {
    "A": {"zh-CN": "现场换机", "en": "On-site exchange"},
    "B": {"zh-CN": "返厂换机", "en": "Return-to-factory exchange"},
    "C": {"zh-CN": "返厂换机转现场换机", "en": "Return-to-factory turned on-site"},
    "D": {"zh-CN": "换机转维修", "en": "Exchange converted to repair"},
}

# Where the customer's old unit is (the stock ledger says the same by its serial).
UNIT_PLACES = ("customer", "defective", "transit", "factory")


@dataclass(frozen=True)
class Facts:
    """What the guards look at; built from the order by ``operations.facts_of``."""

    mode: str = "A"
    handed_over: bool = False  # the customer has the replacement
    unit_at: str = "customer"  # the old unit: customer (at the counter), defective, transit, factory
    replacement_received: bool = False  # the manufacturer's unit has arrived


@dataclass(frozen=True)
class Guard:
    name: str
    label: dict[str, str]

    def holds(self, f: Facts) -> bool:
        return _GUARD_RULES[self.name](f)


_GUARD_RULES = {
    "mode_onsite": lambda f: f.mode == "A",
    "mode_factory": lambda f: f.mode == "B",
    "not_handed_over": lambda f: not f.handed_over,
    "handed_over_or_factory_mode": lambda f: f.handed_over or f.mode == "B",
    "handed_over": lambda f: f.handed_over,
    "unit_at_point": lambda f: f.unit_at in ("customer", "defective"),
    "unit_with_customer": lambda f: f.unit_at == "customer",
    "unit_in_transit": lambda f: f.unit_at == "transit",
    "replacement_not_received": lambda f: not f.replacement_received,
}

GUARDS: dict[str, Guard] = {g.name: g for g in [
    Guard("mode_onsite", {"zh-CN": "不是现场换机", "en": "not an on-site exchange"}),
    Guard("mode_factory", {"zh-CN": "不是返厂换机", "en": "not a return-to-factory exchange"}),
    Guard("not_handed_over", {"zh-CN": "新机已交给客户", "en": "the replacement was handed to the customer already"}),
    Guard("handed_over_or_factory_mode", {"zh-CN": "现场换机须先把新机交给客户",
                                          "en": "an on-site exchange hands the replacement over first"}),
    Guard("handed_over", {"zh-CN": "新机尚未交给客户", "en": "the replacement has not been handed over"}),
    Guard("unit_at_point", {"zh-CN": "旧机不在网点", "en": "the old unit is not at the service point"}),
    Guard("unit_with_customer", {"zh-CN": "旧机已入库或已发出", "en": "the old unit was taken into stock or sent already"}),
    Guard("unit_in_transit", {"zh-CN": "旧机不在途中", "en": "the old unit is not on its way to the factory"}),
    Guard("replacement_not_received", {"zh-CN": "厂家新机已收到", "en": "the manufacturer's unit was received already"}),
]}


@dataclass(frozen=True)
class Transition:
    event: str
    sources: tuple[str, ...]
    target: str | None  # None: stays in the state it was in
    permission: str
    label: dict[str, str]
    guards: tuple[str, ...] = ()
    fields: tuple[str, ...] = ()
    required: tuple[str, ...] = ()
    # (fact, state): the target when that boolean fact holds.
    target_if: tuple[str, str] | None = None
    # source state → target, where a source moves elsewhere than ``target``.
    targets: dict[str, str | None] = field(default_factory=dict)

    def target_for(self, state: str, facts: Facts) -> str:
        if self.target_if and getattr(facts, self.target_if[0]):
            return self.target_if[1]
        if state in self.targets:
            return self.targets[state] or state
        return self.target or state


TRANSITIONS: dict[str, Transition] = {t.event: t for t in [
    Transition("hand_over", (PENDING_EXCHANGE,), PENDING_DISPATCH, "exchange.handover",
               {"zh-CN": "现场换机交付", "en": "Hand the replacement over"}, ("mode_onsite", "not_handed_over"),
               ("replacement_imei", "warehouse_id", "defective_warehouse_id", "signature", "fee", "account_id"),
               ("replacement_imei", "signature")),
    Transition("dispatch", (PENDING_EXCHANGE, PENDING_DISPATCH), AT_FACTORY, "exchange.dispatch",
               {"zh-CN": "发往厂家", "en": "Send to the manufacturer"}, ("unit_at_point", "handed_over_or_factory_mode"),
               ("imei", "transit_warehouse_id", "carrier", "tracking_no", "note")),
    Transition("factory_receipt", (AT_FACTORY,), None, "exchange.dispatch",
               {"zh-CN": "厂家已签收旧机", "en": "The manufacturer received the unit"}, ("unit_in_transit",), ("note",)),
    Transition("receive_replacement", (AT_FACTORY,), PENDING_PICKUP, "exchange.dispatch",
               {"zh-CN": "厂家新机到货", "en": "The manufacturer's unit arrived"}, ("replacement_not_received",),
               ("replacement_imei", "warehouse_id", "note"), ("replacement_imei",), target_if=("handed_over", COMPLETED)),
    Transition("credit", (AT_FACTORY,), COMPLETED, "exchange.dispatch",
               {"zh-CN": "厂家折价结算", "en": "The manufacturer credits the unit"}, ("handed_over",), ("note",)),
    Transition("pickup", (PENDING_PICKUP,), COMPLETED, "exchange.handover",
               {"zh-CN": "客户取新机", "en": "The customer picks the replacement up"}, ("mode_factory", "not_handed_over"),
               ("signature", "fee", "account_id"), ("signature",)),
    Transition("convert_to_onsite", (PENDING_EXCHANGE, AT_FACTORY), None, "exchange.convert",
               {"zh-CN": "返厂换机转现场换机", "en": "Turn into an on-site exchange"}, ("mode_factory", "not_handed_over"),
               ("replacement_imei", "warehouse_id", "defective_warehouse_id", "signature", "fee", "account_id", "reason"),
               ("replacement_imei", "signature"), targets={PENDING_EXCHANGE: PENDING_DISPATCH}),
    Transition("convert_to_repair", (PENDING_EXCHANGE,), CONVERTED, "exchange.convert",
               {"zh-CN": "换机转维修", "en": "Convert to repair"}, ("not_handed_over", "unit_with_customer"),
               ("reason", "promised_date"), ("reason",)),
]}


def check(state: str, event: str, facts: Facts, permissions: frozenset[str] | set[str] | None = None) -> str:
    """The state after ``event``, or :class:`TransitionRefused` with a readable reason (core.machine)."""
    return machine.check(TRANSITIONS, GUARDS, STATE_LABELS, state, event, facts, permissions)


def allowed_events(state: str, facts: Facts, permissions: frozenset[str] | set[str] | None = None) -> list[str]:
    return machine.allowed_events(TRANSITIONS, GUARDS, STATE_LABELS, state, facts, permissions)


def export() -> dict:
    """The machine as data, for the PWA."""
    return {
        "states": [{"name": s, "label": STATE_LABELS[s]} for s in STATES],
        "initial": PENDING_EXCHANGE,
        "modes": [{"code": c, "label": l} for c, l in MODES.items()],
        "guards": [{"name": g.name, "label": g.label} for g in GUARDS.values()],
        "events": [{"event": t.event, "from": list(t.sources), "to": t.target, "permission": t.permission,
                    "label": t.label, "guards": list(t.guards), "fields": list(t.fields), "required": list(t.required),
                    **({"to_if": {"fact": t.target_if[0], "to": t.target_if[1]}} if t.target_if else {}),
                    **({"to_from": dict(t.targets)} if t.targets else {})} for t in TRANSITIONS.values()],
        "facts": list(Facts.__dataclass_fields__),
        "unit_places": list(UNIT_PLACES),
    }
