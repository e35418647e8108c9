"""The sales order's machine (spec §6): the ONE definition of its states and events, checked by the
shared engine (``server.core.machine``).

draft → (submit) → approved, or awaiting_approval when the order and the party's receivable exceed
its credit limit → (approve) → approved → partly_delivered → delivered → closed; cancelled before
anything is delivered. Deliveries move the order (``delivered``: a fact the operations set from the
lines), a reversed delivery moves it back; ``close`` ends an order the customer wants no more of.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..core import machine

DRAFT, AWAITING, APPROVED, PARTLY, DELIVERED, CLOSED, CANCELLED = (
    "draft", "awaiting_approval", "approved", "partly_delivered", "delivered", "closed", "cancelled")
STATES = (DRAFT, AWAITING, APPROVED, PARTLY, DELIVERED, CLOSED, CANCELLED)
STATE_LABELS = {
    DRAFT: {"zh-CN": "草稿", "en": "Draft"},
    AWAITING: {"zh-CN": "待信用审批", "en": "Awaiting credit approval"},
    APPROVED: {"zh-CN": "已审核", "en": "Approved"},
    PARTLY: {"zh-CN": "部分发货", "en": "Partly delivered"},
    DELIVERED: {"zh-CN": "已发货", "en": "Delivered"},
    CLOSED: {"zh-CN": "已关闭", "en": "Closed"},
    CANCELLED: {"zh-CN": "已作废", "en": "Cancelled"},
}
# States in which goods may leave against the order.
DELIVERABLE = (APPROVED, PARTLY)


@dataclass(frozen=True)
class Facts:
    within_credit: bool = True
    nothing_delivered: bool = True
    something_delivered: bool = False


@dataclass(frozen=True)
class Guard:
    label: dict
    test: object

    def holds(self, facts: Facts) -> bool:
        return self.test(facts)


@dataclass(frozen=True)
class Transition:
    event: str
    sources: tuple[str, ...]
    target: str
    permission: str
    label: dict
    guards: tuple[str, ...] = ()
    # (fact, target when it does not hold)
    unless: tuple[str, str] | None = None

    def target_for(self, state: str, facts: Facts) -> str:
        if self.unless and not getattr(facts, self.unless[0]):
            return self.unless[1]
        return self.target


GUARDS = {
    "nothing_delivered": Guard({"zh-CN": "订单已有发货，不能作废（可关闭）", "en": "Goods went out against the order: close it instead"},
                               lambda f: f.nothing_delivered),
    "something_delivered": Guard({"zh-CN": "订单尚未发货，请作废", "en": "Nothing was delivered: cancel the order instead"},
                                 lambda f: f.something_delivered),
}

TRANSITIONS: dict[str, Transition] = {t.event: t for t in [
    Transition("submit", (DRAFT,), APPROVED, "sales.manage", {"zh-CN": "提交", "en": "Submit"},
               unless=("within_credit", AWAITING)),
    Transition("approve", (AWAITING,), APPROVED, "sales.approve", {"zh-CN": "信用审批通过", "en": "Approve over the credit limit"}),
    Transition("cancel", (AWAITING, APPROVED), CANCELLED, "sales.manage", {"zh-CN": "作废", "en": "Cancel"},
               ("nothing_delivered",)),
    Transition("close", (PARTLY, DELIVERED), CLOSED, "sales.manage", {"zh-CN": "关闭", "en": "Close"},
               ("something_delivered",)),
]}
EVENTS = tuple(TRANSITIONS)


def check(state: str, event: str, facts: Facts, permissions=None) -> str:
    """The state after ``event`` (``TransitionRefused`` naming what stops it)."""
    return machine.check(TRANSITIONS, GUARDS, STATE_LABELS, state, event, facts, permissions)


def allowed(state: str, facts: Facts, permissions=None) -> list[str]:
    return machine.allowed_events(TRANSITIONS, GUARDS, STATE_LABELS, state, facts, permissions)


def progress(ordered_lines) -> str:
    """An approved order's state from its lines' delivered quantities (deliveries and their reversals)."""
    delivered = [l.delivered_quantity for l in ordered_lines]
    if all(d == 0 for d in delivered):
        return APPROVED
    if all(l.delivered_quantity >= l.quantity for l in ordered_lines):
        return DELIVERED
    return PARTLY
