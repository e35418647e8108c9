"""The permissions of this area and the roles that hold them (merged into server/auth/permissions.py)."""

from __future__ import annotations

PERMISSIONS: dict[str, str] = {
    "transfer.view": "See transfer requests, transfer orders, their receipts and what is in transit",
    "transfer.request": "Make and submit a point's transfer requests (申请单), by hand or from the shortage register",
    "transfer.approve": "Approve (changing quantities) or refuse transfer requests",
    "transfer.issue": "Make, issue and reverse transfer orders (调拨单) from the own warehouses",
    "transfer.receive": "Receive transfer orders at the own point, recording shortfalls, surpluses and damage",
}
_ALL = frozenset(PERMISSIONS)
# Headquarters approves and issues; a point's warehouse and manager request and receive; finance reads.
GRANTS: dict[str, frozenset[str]] = {
    "hq_manager": frozenset({"transfer.view", "transfer.approve", "transfer.issue"}),
    "sp_manager": frozenset({"transfer.view", "transfer.request", "transfer.receive"}),
    "warehouse": _ALL - {"transfer.approve"},
    "clerk": frozenset({"transfer.view", "transfer.receive"}),
    "finance": frozenset({"transfer.view"}),
}
