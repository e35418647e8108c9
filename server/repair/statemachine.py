"""The repair order's progress (spec §1.1): ONE definition of states, events, guards and
who may fire each, used by the server and exported to the PWA (``GET /api/repair/state-machine``).

Pure: no database. A guard is a named rule evaluated on a :class:`Facts` snapshot of the
order; the operation builds the facts, asks :func:`check` and then applies the move. The PWA
evaluates the same guard names on the facts the order's API answer carries (``facts``), so it
shows exactly the buttons the server will accept.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..core import machine

# -- states ----------------------------------------------------------------------------

PENDING_ACCEPTANCE = "pending_acceptance"
PENDING_REPAIR = "pending_repair"
PENDING_QC = "pending_qc"
PENDING_PICKUP = "pending_pickup"
COMPLETED = "completed"
FOLLOWED_UP = "followed_up"
AUDITED = "audited"

STATES = (PENDING_ACCEPTANCE, PENDING_REPAIR, PENDING_QC, PENDING_PICKUP, COMPLETED, FOLLOWED_UP, AUDITED)

STATE_LABELS = {
    PENDING_ACCEPTANCE: {"zh-CN": "待受理", "en": "Pending acceptance"},
    PENDING_REPAIR: {"zh-CN": "待维修", "en": "Pending repair"},
    PENDING_QC: {"zh-CN": "待质检", "en": "Pending quality check"},
    PENDING_PICKUP: {"zh-CN": "待取机", "en": "Pending pickup"},
    COMPLETED: {"zh-CN": "已完成", "en": "Completed"},
    FOLLOWED_UP: {"zh-CN": "已回访", "en": "Followed up"},
    AUDITED: {"zh-CN": "已审计", "en": "Audited"},
}

MODES = {
    "A": {"zh-CN": "自行维修", "en": "Self repair"},
    "B": {"zh-CN": "转送维修", "en": "Forwarded repair"},
    "C": {"zh-CN": "返厂维修", "en": "Return-to-factory repair"},
    "D": {"zh-CN": "维修转换机", "en": "Converted to exchange"},
}


# -- facts and guards ------------------------------------------------------------------

@dataclass(frozen=True)
class Facts:
    """What the guards look at; built from the order by ``RepairOrder.facts()``."""

    chargeable: bool = False  # out of warranty: the customer pays
    quotation: str = "none"  # none | pending | accepted | declined
    repair_started: bool = False
    qc_passed: bool = False
    unrepaired: bool = False  # returned without repair (quotation declined, withdrawn)
    followup_optional: bool = False
    forwarded_out: bool = False  # on the road (mode B either way) or at the factory (mode C)
    settled: bool = False
    # Where the device is, seen from the one acting: at the actor's point (headquarters: at any
    # point), at the order's own point, on its way to the higher-level point (mode B).
    device_here: bool = True
    at_owner: bool = True
    to_higher_point: bool = False
    followed_up: bool = False  # the follow-up call was recorded (un-audit goes back to 已回访)
    # The one acting is an administrator switched into a user (spec §16.1): a fact of the actor,
    # like device_here. Offline events never carry it (the posting worker acts as the device's user).
    acting_admin: bool = False


@dataclass(frozen=True)
class Guard:
    name: str
    label: dict[str, str]

    def holds(self, f: Facts) -> bool:
        return _GUARD_RULES[self.name](f)


_GUARD_RULES = {
    "quotation_accepted_if_chargeable": lambda f: not f.chargeable or f.quotation == "accepted",
    "repair_started": lambda f: f.repair_started,
    "repair_not_started": lambda f: not f.repair_started,
    "qc_passed_or_unrepaired": lambda f: f.qc_passed or f.unrepaired,
    "followup_optional": lambda f: f.followup_optional,
    "device_at_point": lambda f: not f.forwarded_out,
    "device_away": lambda f: f.forwarded_out,
    "device_here": lambda f: f.device_here,
    "device_at_owner": lambda f: f.at_owner,
    "device_not_at_owner": lambda f: not f.at_owner and not f.forwarded_out,
    "on_way_to_higher_point": lambda f: f.forwarded_out and f.to_higher_point,
    "on_way_home": lambda f: f.forwarded_out and not f.to_higher_point,
    "acting_admin": lambda f: f.acting_admin,
}

GUARDS: dict[str, Guard] = {g.name: g for g in [
    Guard("quotation_accepted_if_chargeable", {
        "zh-CN": "保外维修需客户先接受报价", "en": "an out-of-warranty repair needs an accepted quotation first"}),
    Guard("repair_started", {"zh-CN": "尚未开始维修", "en": "the repair has not been started"}),
    Guard("repair_not_started", {"zh-CN": "维修已开始", "en": "the repair has already been started"}),
    Guard("qc_passed_or_unrepaired", {
        "zh-CN": "质检未通过，不能取机", "en": "no pickup before the quality check has passed"}),
    Guard("followup_optional", {
        "zh-CN": "审计前须先回访", "en": "the order must be followed up before it is audited"}),
    Guard("device_at_point", {"zh-CN": "机器在外（转送或返厂中）", "en": "the device is away (forwarded or at the factory)"}),
    Guard("device_away", {"zh-CN": "机器不在外", "en": "the device was not sent away"}),
    Guard("device_here", {"zh-CN": "机器在其他网点", "en": "the device is at another service point"}),
    Guard("device_at_owner", {"zh-CN": "机器尚未回到受理网点", "en": "the device is not back at its own service point"}),
    Guard("device_not_at_owner", {"zh-CN": "机器在受理网点，无需送回", "en": "the device is at its own service point already"}),
    Guard("on_way_to_higher_point", {"zh-CN": "机器未转送上级网点", "en": "the device is not on its way to the higher-level point"}),
    Guard("on_way_home", {"zh-CN": "机器正转送上级网点", "en": "the device is on its way to the higher-level point, not back"}),
    Guard("acting_admin", {"zh-CN": "反审核须由管理员切换为该网点用户后进行",
                           "en": "un-auditing is done by an administrator switched into the service point"}),
]}


# -- events ----------------------------------------------------------------------------

@dataclass(frozen=True)
class Transition:
    event: str
    sources: tuple[str, ...]
    target: str | None  # None: stays in the state it was in
    permission: str
    label: dict[str, str]
    guards: tuple[str, ...] = ()
    # Fields the event carries besides the order (for the PWA's forms and the sync schema).
    fields: tuple[str, ...] = ()
    # (fact, state): the target when that fact holds (un-audit returns to 已回访 after a follow-up).
    target_if: tuple[str, str] | None = None
    # Only through the API (online): the event needs who is acting, which an offline event
    # (posted by the worker as the device's user) does not carry; the sync schema leaves it out.
    online: bool = False

    def target_for(self, state: str, facts: Facts) -> str:
        if self.target_if and getattr(facts, self.target_if[0]):
            return self.target_if[1]
        return self.target or state


TRANSITIONS: dict[str, Transition] = {t.event: t for t in [
    Transition("accept", (PENDING_ACCEPTANCE,), PENDING_REPAIR, "repair.accept",
               {"zh-CN": "受理", "en": "Accept"}, (), ("engineer_id",)),
    Transition("forward", (PENDING_REPAIR,), None, "repair.forward",
               {"zh-CN": "转送/返厂发出", "en": "Send away (forward / factory)"},
               ("device_at_point", "repair_not_started", "device_at_owner"), ("mode", "note")),
    # Mode B: the higher-level point receives the device, works it, and sends it back.
    Transition("forward_receive", (PENDING_REPAIR,), None, "repair.forward",
               {"zh-CN": "上级网点收机", "en": "Received at the higher-level point"},
               ("device_away", "on_way_to_higher_point"), ("note",)),
    Transition("send_back", (PENDING_PICKUP,), None, "repair.forward",
               {"zh-CN": "上级网点送回", "en": "Send back to the own point"},
               ("device_at_point", "device_here", "device_not_at_owner"), ("note",)),
    Transition("forward_return", (PENDING_REPAIR, PENDING_PICKUP), None, "repair.forward",
               {"zh-CN": "转送/返厂收回", "en": "Received back"}, ("device_away", "on_way_home"), ("note",)),
    Transition("start_repair", (PENDING_REPAIR,), None, "repair.repair",
               {"zh-CN": "开始维修", "en": "Start repair"},
               ("quotation_accepted_if_chargeable", "repair_not_started", "device_at_point", "device_here"),
               ("engineer_id",)),
    Transition("finish_repair", (PENDING_REPAIR,), PENDING_QC, "repair.repair",
               {"zh-CN": "维修完成", "en": "Repair done"}, ("repair_started", "device_at_point", "device_here"),
               ("repair_level_id", "repair_method_ids", "note")),
    Transition("return_unrepaired", (PENDING_ACCEPTANCE, PENDING_REPAIR), PENDING_PICKUP, "repair.accept",
               {"zh-CN": "不修退回", "en": "Return unrepaired"}, ("repair_not_started", "device_at_point", "device_here"),
               ("reason",)),
    Transition("qc_pass", (PENDING_QC,), PENDING_PICKUP, "repair.qc",
               {"zh-CN": "质检通过", "en": "QC passed"}, ("device_here",), ("note",)),
    Transition("qc_fail", (PENDING_QC,), PENDING_REPAIR, "repair.qc",
               {"zh-CN": "质检不合格，返修", "en": "QC failed: back to repair"}, ("device_here",), ("reason",)),
    Transition("pickup", (PENDING_PICKUP,), COMPLETED, "repair.pickup",
               {"zh-CN": "取机结算", "en": "Pickup and settle"},
               ("qc_passed_or_unrepaired", "device_at_point", "device_at_owner", "device_here"), ("account_id", "signature", "photos")),
    Transition("convert_to_exchange", (PENDING_ACCEPTANCE, PENDING_REPAIR), COMPLETED, "repair.convert",
               {"zh-CN": "维修转换机", "en": "Convert to exchange"}, ("device_at_point", "device_at_owner", "device_here"),
               ("reason", "exchange_ref")),
    Transition("follow_up", (COMPLETED,), FOLLOWED_UP, "repair.follow_up",
               {"zh-CN": "回访", "en": "Follow up"}, (), ("satisfaction", "note")),
    Transition("audit", (FOLLOWED_UP,), AUDITED, "repair.audit", {"zh-CN": "审计", "en": "Audit"}),
    Transition("audit_without_followup", (COMPLETED,), AUDITED, "repair.audit",
               {"zh-CN": "审计（免回访）", "en": "Audit (follow-up optional)"}, ("followup_optional",)),
    # 反审核 (spec §16.1): an administrator, switched into the point, reopens an audited order.
    Transition("unaudit", (AUDITED,), COMPLETED, "repair.unaudit", {"zh-CN": "反审核", "en": "Un-audit"},
               ("acting_admin",), ("reason",), target_if=("followed_up", FOLLOWED_UP), online=True),
]}


def check(state: str, event: str, facts: Facts, permissions: frozenset[str] | set[str] | None = None) -> str:
    """The state after ``event``, or :class:`TransitionRefused` with a readable reason (core.machine)."""
    return machine.check(TRANSITIONS, GUARDS, STATE_LABELS, state, event, facts, permissions)


def allowed_events(state: str, facts: Facts, permissions: frozenset[str] | set[str] | None = None) -> list[str]:
    return machine.allowed_events(TRANSITIONS, GUARDS, STATE_LABELS, state, facts, permissions)


def permissions_used() -> set[str]:
    return {t.permission for t in TRANSITIONS.values()}


def export() -> dict:
    """The machine as data, for the PWA."""
    return {
        "states": [{"name": s, "label": STATE_LABELS[s]} for s in STATES],
        "initial": PENDING_ACCEPTANCE,
        "modes": [{"code": c, "label": l} for c, l in MODES.items()],
        "guards": [{"name": g.name, "label": g.label} for g in GUARDS.values()],
        "events": [{"event": t.event, "from": list(t.sources), "to": t.target, "permission": t.permission,
                    "label": t.label, "guards": list(t.guards), "fields": list(t.fields),
                    **({"to_if": {"fact": t.target_if[0], "to": t.target_if[1]}} if t.target_if else {}),
                    **({"online": True} if t.online else {})} for t in TRANSITIONS.values()],
        "facts": list(Facts.__dataclass_fields__),
    }


__all__ = ["STATES", "STATE_LABELS", "MODES", "Facts", "GUARDS", "TRANSITIONS", "check", "allowed_events", "export"]
