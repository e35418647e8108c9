"""The engine of the documents' state machines (repair, exchange): each machine module declares its
states, guards and transitions once; checking an event against them is the same everywhere, so it
is stated here once. Pure: no database."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..errors import TransitionRefused


def _refuse(message: str, field_name: str, code_reason: str) -> TransitionRefused:
    return TransitionRefused(message, {field_name: [code_reason]})


def check(transitions: Mapping[str, Any], guards: Mapping[str, Any], state_labels: Mapping[str, dict],
          state: str, event: str, facts: Any, permissions: frozenset[str] | set[str] | None = None) -> str:
    """The state after ``event``, or :class:`TransitionRefused` naming what stops it.

    ``permissions`` (when given) are the actor's; the API's route permission and the worker's handler
    permission check the same names. A transition has ``sources``, ``permission``, ``label``, ``guards``
    and ``target_for(state, facts)``; a guard ``holds(facts)`` and its ``label``.
    """
    t = transitions.get(event)
    if t is None:
        raise _refuse(f"unknown event {event!r}", "event", "unknown event")
    if state not in t.sources:
        label = state_labels.get(state, {"en": state})
        raise _refuse(f"{t.label['en']}: not allowed while the order is {label['en']}", "state",
                      f"{state}: {event} not allowed")
    if permissions is not None and t.permission not in permissions:
        raise _refuse(f"{t.label['en']} needs the permission {t.permission}", "permission", t.permission)
    for name in t.guards:
        guard = guards[name]
        if not guard.holds(facts):
            # English here; the reader's language comes from server/messages.py (the label's words).
            raise _refuse(guard.label["en"], "state", name)
    return t.target_for(state, facts)


def allowed_events(transitions: Mapping[str, Any], guards: Mapping[str, Any], state_labels: Mapping[str, dict],
                   state: str, facts: Any, permissions: frozenset[str] | set[str] | None = None) -> list[str]:
    """The events the machine accepts now, in declaration order."""
    out = []
    for name in transitions:
        try:
            check(transitions, guards, state_labels, state, name, facts, permissions)
        except TransitionRefused:
            continue
        out.append(name)
    return out


def acting_permissions(principal) -> frozenset[str] | None:
    """The permissions a machine checks a step against: the user's, or none to check for the system
    itself (the demo loader, the command line), which may take any step."""
    return None if principal.kind == "system" else principal.permissions
