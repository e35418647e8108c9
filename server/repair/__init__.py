"""Repair (spec §1): repair orders, quotations, deposits, refunds, handovers, IMEI history."""
