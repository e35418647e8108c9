"""Writes the repair state machine (``statemachine.export()``) and the counter's input rules
(``rules.export()``) as JSON for the PWA's build.

The PWA works offline, so it cannot ask ``GET /api/repair/state-machine`` when it needs the
machine; the Makefile runs ``python -m server.repair.pwa_export pwa/src/generated/repair-machine.json``
before every PWA build and test run, so the bundle carries the server's one definition
(the file is build output, not committed).
"""

from __future__ import annotations

import sys
from pathlib import Path

from ..core.generated import write_json
from . import rules
from . import statemachine as sm


def write_machine(path: Path) -> bool:
    """Write the machine to ``path``; False when the file already says the same (keeps make quiet)."""
    # The counter's input rules travel with the machine: one generated file, one import.
    return write_json(path, {**sm.export(), "rules": rules.export()})


if __name__ == "__main__":  # pragma: no cover - a build step
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "pwa/src/generated/repair-machine.json")
    write_machine(target)
    print(f"repair state machine → {target}")
