"""This area's messages in zh-CN (merged into server/messages.py's catalogue)."""

from __future__ import annotations

CATALOGUE: dict[str, str] = {}
