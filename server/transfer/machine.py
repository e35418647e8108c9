"""The request's and the transfer order's progress, declared once and checked by ``server.core.machine``.
Pure: no database. Exported with the documents' answers (``actions``) so screens offer what the server
accepts."""

from __future__ import annotations

from dataclasses import dataclass

from ..core import machine

L = lambda zh, en: {"zh-CN": zh, "en": en}  # noqa: E731


@dataclass(frozen=True)
class Transition:
    sources: tuple[str, ...]
    target: str
    permission: str
    label: dict[str, str]
    guards: tuple[str, ...] = ()

    def target_for(self, _state: str, _facts) -> str:
        return self.target


REQUEST_STATES = {
    "draft": L("草稿", "Draft"), "submitted": L("已提交", "Submitted"), "approved": L("已批准", "Approved"),
    "refused": L("已拒绝", "Refused"), "cancelled": L("已取消", "Cancelled"),
}
REQUEST_EVENTS = {
    "edit": Transition(("draft",), "draft", "transfer.request", L("编辑", "Edit")),
    "submit": Transition(("draft",), "submitted", "transfer.request", L("提交", "Submit")),
    "approve": Transition(("submitted",), "approved", "transfer.approve", L("批准", "Approve")),
    "refuse": Transition(("submitted",), "refused", "transfer.approve", L("拒绝", "Refuse")),
    "cancel": Transition(("draft", "submitted"), "cancelled", "transfer.request", L("取消", "Cancel")),
}

ORDER_STAGES = {
    "draft": L("草稿", "Draft"), "in_transit": L("在途", "In transit"), "received": L("已收货", "Received"),
    "cancelled": L("已红冲", "Reversed"),
}
ORDER_EVENTS = {
    "edit": Transition(("draft",), "draft", "transfer.issue", L("编辑", "Edit")),
    "issue": Transition(("draft",), "in_transit", "transfer.issue", L("发货", "Issue")),
    "receive": Transition(("in_transit",), "received", "transfer.receive", L("收货", "Receive")),
    "reverse": Transition(("in_transit",), "cancelled", "transfer.issue", L("红冲", "Reverse")),
}


def check_request(state: str, event: str, permissions=None) -> str:
    return machine.check(REQUEST_EVENTS, {}, REQUEST_STATES, state, event, None, permissions)


def check_order(state: str, event: str, permissions=None) -> str:
    return machine.check(ORDER_EVENTS, {}, ORDER_STAGES, state, event, None, permissions)


def request_actions(state: str, permissions) -> list[str]:
    return machine.allowed_events(REQUEST_EVENTS, {}, REQUEST_STATES, state, None, permissions)


def order_actions(state: str, permissions) -> list[str]:
    return machine.allowed_events(ORDER_EVENTS, {}, ORDER_STAGES, state, None, permissions)
