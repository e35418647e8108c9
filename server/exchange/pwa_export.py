"""Writes the exchange state machine (``statemachine.export()``) and the counter's rules
(``rules.export()``) as JSON for the PWA's build (``pwa/src/generated/exchange-machine.json``), as
``server.repair.pwa_export`` does for repair: the tablet works offline and cannot ask the server."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from . import rules
from . import statemachine as sm


def write_machine(path: Path) -> bool:
    """Write the machine to ``path``; False when the file already says the same (keeps make quiet)."""
    text = json.dumps({**sm.export(), "rules": rules.export()}, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return True


if __name__ == "__main__":  # pragma: no cover - a build step
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "pwa/src/generated/exchange-machine.json")
    write_machine(target)
    print(f"exchange state machine → {target}")
