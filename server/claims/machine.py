"""The claim's progress, declared once and checked by ``server.core.machine``. Pure: no database.
Exported with the claim's answers (``actions``) so screens offer what the server accepts."""

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


@dataclass(frozen=True)
class Guard:
    label: dict[str, str]
    test: object

    def holds(self, facts) -> bool:
        return self.test(facts)


STAGES = {
    "draft": L("草稿", "Draft"), "submitted": L("已申报", "Submitted"), "answered": L("已回复", "Answered"),
    "settled": L("已结算", "Settled"),
}
GUARDS = {
    "has_lines": Guard(L("申报单没有明细", "the claim has no lines"), lambda f: f["lines"] > 0),
    "all_answered": Guard(L("还有明细未回复", "some lines are not answered yet"), lambda f: f["unanswered"] == 0),
}
EVENTS = {
    "edit": Transition(("draft",), "draft", "claims.manage", L("编辑", "Edit")),
    "delete": Transition(("draft",), "draft", "claims.manage", L("删除", "Delete")),
    "submit": Transition(("draft",), "submitted", "claims.submit", L("申报", "Submit"), ("has_lines",)),
    "answer": Transition(("submitted",), "submitted", "claims.answer", L("录入回复", "Enter answers")),
    "finish": Transition(("submitted",), "answered", "claims.answer", L("确认回复", "Confirm answer"), ("all_answered",)),
    "settle": Transition(("answered",), "settled", "claims.settle", L("结算", "Settle")),
}


def check(stage: str, event: str, facts: dict, permissions=None) -> str:
    return machine.check(EVENTS, GUARDS, STAGES, stage, event, facts, permissions)


def actions(stage: str, facts: dict, permissions) -> list[str]:
    return machine.allowed_events(EVENTS, GUARDS, STAGES, stage, facts, permissions)
