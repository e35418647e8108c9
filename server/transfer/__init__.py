"""Transfers between organisations (spec §8): requests, transfer orders, in transit, receiving with differences."""
