"""Event document schemas: the JSON Schema files in this folder are the one source of truth.

``envelope.json`` holds what every event carries; one file per event type
(``<type>.json``) adds its payload; files named ``_<name>.json`` are shared
parts that several types ``$ref`` (e.g. the warehouse document's header and lines). The proxy validates uploads with them, the
worker validates again before posting, and the PWA reads them from
``GET /api/sync/schemas``.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema_rs
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from server.inputs import CONTROL_MESSAGE, strings_with_control

SCHEMA_DIR = Path(__file__).resolve().parent
ENVELOPE = "envelope"


@dataclass(frozen=True)
class Problem:
    """One reason a document is refused, naming its field."""

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


def _load(name: str) -> dict:
    return json.loads((SCHEMA_DIR / f"{name}.json").read_text(encoding="utf-8"))


_envelope = _load(ENVELOPE)
_definitions: dict[str, dict] = {p.stem[1:]: _load(p.stem) for p in sorted(SCHEMA_DIR.glob("_*.json"))}
_types: dict[str, dict] = {p.stem: _load(p.stem) for p in sorted(SCHEMA_DIR.glob("*.json"))
                           if p.stem != ENVELOPE and not p.stem.startswith("_")}
_validators: dict[str, Draft202012Validator] = {}
# The fast path: a compiled (Rust) validator answers "valid?" in microseconds; the Python one
# explains what is wrong when it is not. Both implement draft 2020-12.
_fast: dict[str, Any] = {}


def _registry() -> Registry:
    resources = [(s["$id"], Resource.from_contents(s)) for s in [_envelope, *_definitions.values(), *_types.values()]]
    return Registry().with_resources(resources)


def register_schema(event_type: str, schema: dict) -> None:
    """Add an event type's schema at run time (tests, plugins). The files stay the source for shipped types."""
    Draft202012Validator.check_schema(schema)
    _types[event_type] = schema
    _validators.clear()
    _fast.clear()


def event_types() -> list[str]:
    return sorted(_types)


def export() -> dict[str, Any]:
    """Everything the PWA needs to validate before it saves an event."""
    return {"envelope": _envelope, "definitions": dict(sorted(_definitions.items())), "types": dict(sorted(_types.items()))}


def _fast_validator(event_type: str):
    if event_type not in _fast:
        registry = jsonschema_rs.Registry([(s["$id"], s) for s in [_envelope, *_definitions.values(), *_types.values()]])
        _fast[event_type] = jsonschema_rs.Draft202012Validator(_types[event_type], registry=registry)
    return _fast[event_type]


def _validator(event_type: str) -> Draft202012Validator | None:
    if event_type not in _types:
        return None
    if event_type not in _validators:
        _validators[event_type] = Draft202012Validator(_types[event_type], registry=_registry())
    return _validators[event_type]


def _inherited(event_type: str) -> set[str]:
    """Fields a type takes from the envelope and the shared parts it refers to."""
    refs = {part.get("$ref") for part in _types[event_type].get("allOf", [])}
    names = set(_envelope["properties"])
    for definition in _definitions.values():
        if definition["$id"] in refs:
            names |= set(definition["properties"])
    return names


_QUOTED = re.compile(r"'([^']+)'")


def _problems(error) -> list[Problem]:
    path = ".".join(str(p) for p in error.absolute_path)
    if error.validator in ("required", "unevaluatedProperties", "additionalProperties"):
        names = _QUOTED.findall(error.message) or [""]
        if error.validator == "required":
            names, message = names[:1], "is required"
        else:
            message = "is not a field of this event"
        return [Problem(f"{path}.{n}" if path and n else (n or path or "_schema"), message) for n in names]
    return [Problem(path or "_schema", error.message[:200])]


def validate_event(doc: Any) -> list[Problem]:
    """Problems of an event document against its type's schema (empty when valid)."""
    if not isinstance(doc, dict):
        return [Problem("_schema", "an event is a JSON object")]
    event_type = doc.get("type")
    if not isinstance(event_type, str) or not event_type:
        return [Problem("type", "is required")]
    validator = _validator(event_type)
    if validator is None:
        return [Problem("type", f"unknown event type {event_type[:40]!r}")]
    if _fast_validator(event_type).is_valid(doc):
        return _check_time(doc) or _check_text(doc)
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(map(str, e.absolute_path)))
    problems = [p for e in errors for p in _problems(e)]
    # A failing envelope (or shared part) drops its annotations, so unevaluatedProperties
    # then also names that part's own fields: keep only the real strangers.
    inherited = _inherited(event_type)
    problems = [p for p in problems if not (p.message == "is not a field of this event" and p.field in inherited)]
    if not problems:  # the two validators disagree: the stricter one wins
        problems = [Problem("_schema", "is not a valid event of this type")]
    return problems[:20]


def _check_time(doc: dict) -> list[Problem]:
    try:
        parse_time(doc["created_at"])
    except ValueError:
        return [Problem("created_at", "is not a valid date and time")]
    return []


def _check_text(doc: dict) -> list[Problem]:
    """Control characters are refused in events as in the REST API (server.inputs)."""
    return [Problem(path, CONTROL_MESSAGE) for path in sorted(strings_with_control(doc))][:20]


def parse_time(value: str) -> dt.datetime:
    """An RFC 3339 time with offset, as an aware UTC datetime."""
    parsed = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        raise ValueError("no offset")
    return parsed.astimezone(dt.timezone.utc)
