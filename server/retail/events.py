"""Retail sync events (sale, return, cash-up), registered with the posting worker."""

from __future__ import annotations
