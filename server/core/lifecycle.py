"""The document lifecycle as data: statuses, actions and allowed transitions.

Pure (no database), exported to the PWA via /api/meta/lifecycle so the
client shows exactly the buttons the server will accept.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import TransitionRefused

DRAFT, POSTED, AUDITED, REVERSED = "draft", "posted", "audited", "reversed"
STATUSES = (DRAFT, POSTED, AUDITED, REVERSED)

LABELS = {
    DRAFT: {"zh-CN": "草稿", "en": "Draft"},
    POSTED: {"zh-CN": "已过账", "en": "Posted"},
    AUDITED: {"zh-CN": "已审核", "en": "Audited"},
    REVERSED: {"zh-CN": "已红冲", "en": "Reversed"},
}

ACTION_LABELS = {
    "create": {"zh-CN": "新建", "en": "New"},
    "edit": {"zh-CN": "编辑", "en": "Edit"},
    "delete": {"zh-CN": "删除", "en": "Delete"},
    "post": {"zh-CN": "过账", "en": "Post"},
    "audit": {"zh-CN": "审核", "en": "Audit"},
    "unaudit": {"zh-CN": "反审核", "en": "Un-audit"},
    "reverse": {"zh-CN": "红冲", "en": "Reverse"},
}

# (from status, action) -> to status; None means the document is deleted.
TRANSITIONS: dict[tuple[str, str], str | None] = {
    (DRAFT, "edit"): DRAFT,
    (DRAFT, "delete"): None,
    (DRAFT, "post"): POSTED,
    (POSTED, "audit"): AUDITED,
    (AUDITED, "unaudit"): POSTED,
    (POSTED, "reverse"): REVERSED,
}

AUDIT_ACTIONS = frozenset({"audit", "unaudit"})


@dataclass(frozen=True)
class DocState:
    status: str
    auditable: bool
    is_reversal: bool = False


def next_status(state: DocState, action: str) -> str | None:
    """The status after ``action``, or :class:`TransitionRefused` saying why not."""
    if action in AUDIT_ACTIONS and not state.auditable:
        raise TransitionRefused(f"this document type is not audited; cannot {action}", {"status": [state.status]})
    if action == "reverse" and state.is_reversal:
        raise TransitionRefused("a reversal cannot itself be reversed; post a new document instead", {"status": [state.status]})
    key = (state.status, action)
    if key not in TRANSITIONS:
        hint = " (un-audit it first)" if state.status == AUDITED and action == "reverse" else ""
        raise TransitionRefused(f"cannot {action} a document that is {state.status}{hint}", {"status": [state.status]})
    return TRANSITIONS[key]


def allowed_actions(state: DocState) -> list[str]:
    out = []
    for (status, action) in TRANSITIONS:
        if status != state.status:
            continue
        try:
            next_status(state, action)
        except TransitionRefused:
            continue
        out.append(action)
    return out


def export() -> dict:
    return {
        "statuses": list(STATUSES),
        "labels": LABELS,
        "action_labels": ACTION_LABELS,
        "transitions": [
            {"from": s, "action": a, "to": t, "audit_only": a in AUDIT_ACTIONS} for (s, a), t in TRANSITIONS.items()
        ],
    }
