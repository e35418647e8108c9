"""The document lifecycle as pure rules (no database)."""

import pytest

from server.core.lifecycle import AUDITED, DRAFT, POSTED, REVERSED, DocState, allowed_actions, export, next_status
from server.errors import TransitionRefused


@pytest.mark.parametrize("status, action, expected", [
    (DRAFT, "edit", DRAFT),
    (DRAFT, "post", POSTED),
    (DRAFT, "delete", None),
    (POSTED, "audit", AUDITED),
    (AUDITED, "unaudit", POSTED),
    (POSTED, "reverse", REVERSED),
])
def test_allowed_transitions(status, action, expected):
    assert next_status(DocState(status, auditable=True), action) == expected


@pytest.mark.parametrize("status, action", [
    (DRAFT, "audit"), (DRAFT, "reverse"), (DRAFT, "unaudit"),
    (POSTED, "edit"), (POSTED, "delete"), (POSTED, "post"), (POSTED, "unaudit"),
    (AUDITED, "edit"), (AUDITED, "reverse"), (AUDITED, "delete"), (AUDITED, "post"),
    (REVERSED, "edit"), (REVERSED, "reverse"), (REVERSED, "post"), (REVERSED, "delete"), (REVERSED, "audit"),
])
def test_refused_transitions(status, action):
    with pytest.raises(TransitionRefused) as err:
        next_status(DocState(status, auditable=True), action)
    assert err.value.errors == {"status": [status]}


def test_audited_document_must_be_unaudited_before_reversal():
    with pytest.raises(TransitionRefused, match="un-audit it first"):
        next_status(DocState(AUDITED, auditable=True), "reverse")


def test_audit_actions_need_an_auditable_type():
    with pytest.raises(TransitionRefused, match="not audited"):
        next_status(DocState(POSTED, auditable=False), "audit")


def test_a_reversal_cannot_be_reversed():
    with pytest.raises(TransitionRefused, match="reversal cannot itself be reversed"):
        next_status(DocState(POSTED, auditable=False, is_reversal=True), "reverse")


def test_allowed_actions_drive_the_buttons():
    assert allowed_actions(DocState(DRAFT, False)) == ["edit", "delete", "post"]
    assert allowed_actions(DocState(POSTED, False)) == ["reverse"]
    assert allowed_actions(DocState(POSTED, True)) == ["audit", "reverse"]
    assert allowed_actions(DocState(AUDITED, True)) == ["unaudit"]
    assert allowed_actions(DocState(REVERSED, True)) == []


def test_export_lists_every_transition():
    data = export()
    assert {(t["from"], t["action"]) for t in data["transitions"]} == {
        (DRAFT, "edit"), (DRAFT, "delete"), (DRAFT, "post"), (POSTED, "audit"), (AUDITED, "unaudit"), (POSTED, "reverse")}
    assert data["labels"][REVERSED]["zh-CN"] == "已红冲"
