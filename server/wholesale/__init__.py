"""Wholesale (spec §6): sales orders from distributors and dealers, credit limits, deliveries, sales returns."""
