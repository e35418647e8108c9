"""This area's REST routes."""

from __future__ import annotations

blueprints: list = []
