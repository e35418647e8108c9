"""What every input passes at the edge, whichever door it comes through (API, sync, import).

- ``load_json``: JSON with a nesting bound. The C decoder recurses per level, so a body
  nested a thousand deep raised RecursionError (a 500) before any schema saw it; anything
  deeper than real documents ever are is refused naming the body.
- ``control_problem``: text may not carry control characters. NUL above all (PostgreSQL
  refuses it in text, SQLite keeps it and every export then breaks on it); tab, line feed
  and carriage return stay allowed for multi-line text. Lone surrogates (JSON's ``\\ud800``
  escapes) are refused too: no encoding can store them.
"""

from __future__ import annotations

import json
import re
from typing import Any, Iterator

from .errors import InvalidInput

MAX_JSON_DEPTH = 32

# C0 controls but tab, LF and CR; DEL and the C1 controls; UTF-16 surrogates.
CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
CONTROL_MESSAGE = "must not contain control characters"


def load_json(data: bytes | str, field: str = "body") -> Any:
    """``json.loads`` that refuses nesting deeper than MAX_JSON_DEPTH (InvalidInput naming ``field``).

    Malformed JSON raises ValueError as ``json.loads`` does; bytes must be UTF-8."""
    text = data.decode("utf-8") if isinstance(data, (bytes, bytearray)) else data
    try:
        value = json.loads(text)
    except RecursionError:
        raise InvalidInput(field, f"is nested more than {MAX_JSON_DEPTH} levels deep") from None
    # Cheap common case: fewer openers than the limit cannot nest deeper than it.
    if text.count("[") + text.count("{") > MAX_JSON_DEPTH and _deeper_than(value, MAX_JSON_DEPTH):
        raise InvalidInput(field, f"is nested more than {MAX_JSON_DEPTH} levels deep")
    return value


def _deeper_than(value: Any, limit: int) -> bool:
    stack = [(value, 1)] if isinstance(value, (dict, list)) else []
    while stack:  # iterative: the point is not to recurse
        node, depth = stack.pop()
        if depth > limit:
            return True
        for child in (node.values() if isinstance(node, dict) else node):
            if isinstance(child, (dict, list)):
                stack.append((child, depth + 1))
    return False


def control_problem(text: str) -> str | None:
    """Why this text may not be stored, or None."""
    return CONTROL_MESSAGE if CONTROL_CHARACTERS.search(text) else None


def strings_with_control(data: Any, prefix: str = "") -> Iterator[str]:
    """Dotted paths (``lines.0.note``) of the strings (and keys) in ``data`` that carry control characters."""
    stack: list[tuple[str, Any]] = [(prefix, data)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, str):
            if CONTROL_CHARACTERS.search(node):
                yield path or "_schema"
        elif isinstance(node, dict) or (hasattr(node, "items") and hasattr(node, "keys")):
            for key, value in node.items():
                name = f"{path}.{key}" if path else str(key)
                if isinstance(key, str) and CONTROL_CHARACTERS.search(key):
                    yield name
                    continue
                stack.append((name, value))
        elif isinstance(node, (list, tuple)):
            for i, value in enumerate(node):
                stack.append((f"{path}.{i}" if path else str(i), value))


def without_control(text: str) -> str:
    """The text with control characters removed (for writing out records stored before they were refused)."""
    return CONTROL_CHARACTERS.sub("", text)
