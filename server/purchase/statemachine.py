"""The purchase order's progress (spec §5): ONE definition of states, events, guards and who may
fire each, checked by the engine of ``server.core.machine``. Pure: facts in, target or
``TransitionRefused`` out.

draft → (approve) approved → (receive) partly received → received; closed (nothing more will come)
or cancelled (nothing came). A receipt's posting is the ``receive`` event; a return or a reversal
changes what was received, and the order's state follows it (``state_for``) while it is open.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..core import machine

DRAFT, APPROVED, PARTLY_RECEIVED, RECEIVED, CLOSED, CANCELLED = (
    "draft", "approved", "partly_received", "received", "closed", "cancelled")
STATES = (DRAFT, APPROVED, PARTLY_RECEIVED, RECEIVED, CLOSED, CANCELLED)
# Open to receipts (a fully received order still takes what the over-receipt tolerance allows).
RECEIVING = (APPROVED, PARTLY_RECEIVED, RECEIVED)

STATE_LABELS = {
    DRAFT: {"zh-CN": "草稿", "en": "Draft"},
    APPROVED: {"zh-CN": "已审批", "en": "Approved"},
    PARTLY_RECEIVED: {"zh-CN": "部分到货", "en": "Partly received"},
    RECEIVED: {"zh-CN": "已到货", "en": "Received"},
    CLOSED: {"zh-CN": "已关闭", "en": "Closed"},
    CANCELLED: {"zh-CN": "已取消", "en": "Cancelled"},
}


@dataclass(frozen=True)
class Facts:
    """What the guards look at; built from the order by ``operations.facts_of``."""

    received_any: bool = False  # some goods are in (net of returns)
    fully_received: bool = False  # every line has its ordered quantity (net of returns)


@dataclass(frozen=True)
class Guard:
    name: str
    label: dict[str, str]

    def holds(self, f: Facts) -> bool:
        return _GUARD_RULES[self.name](f)


_GUARD_RULES = {"nothing_received": lambda f: not f.received_any}

GUARDS: dict[str, Guard] = {g.name: g for g in [
    Guard("nothing_received", {"zh-CN": "订单已有到货，不能取消（可关闭）",
                               "en": "goods were received against the order: close it instead"}),
]}


@dataclass(frozen=True)
class Transition:
    event: str
    sources: tuple[str, ...]
    target: str | None  # None: the state the facts give (``state_for``), or the same one
    permission: str
    label: dict[str, str]
    guards: tuple[str, ...] = ()

    def target_for(self, state: str, facts: Facts) -> str:
        return self.target or state_for(state, facts)


TRANSITIONS: dict[str, Transition] = {t.event: t for t in [
    Transition("edit", (DRAFT,), DRAFT, "purchase.manage", {"zh-CN": "编辑", "en": "Edit"}),
    Transition("approve", (DRAFT,), APPROVED, "purchase.approve", {"zh-CN": "审批", "en": "Approve"}),
    Transition("receive", RECEIVING, None, "purchase.receive", {"zh-CN": "到货入库", "en": "Receive"}),
    Transition("close", RECEIVING, CLOSED, "purchase.approve", {"zh-CN": "关闭", "en": "Close"}),
    Transition("cancel", (DRAFT, APPROVED), CANCELLED, "purchase.manage", {"zh-CN": "取消", "en": "Cancel"},
               ("nothing_received",)),
]}


def state_for(state: str, facts: Facts) -> str:
    """An open order's state from what it has received; a draft, closed or cancelled one keeps its own."""
    if state not in RECEIVING:
        return state
    if facts.fully_received:
        return RECEIVED
    return PARTLY_RECEIVED if facts.received_any else APPROVED


def check(state: str, event: str, facts: Facts, permissions: frozenset[str] | set[str] | None = None) -> str:
    return machine.check(TRANSITIONS, GUARDS, STATE_LABELS, state, event, facts, permissions)


def allowed_events(state: str, facts: Facts, permissions: frozenset[str] | set[str] | None = None) -> list[str]:
    return machine.allowed_events(TRANSITIONS, GUARDS, STATE_LABELS, state, facts, permissions)
