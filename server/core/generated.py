"""Files the PWA's build imports, generated from the server's one definition of a thing (a state
machine, a counter's rules): written only when their text changes, so make stays quiet."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def write_json(path: Path, data: Any) -> bool:
    """Write ``data`` to ``path`` as stable JSON; False when the file already says the same."""
    text = json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return True
