"""Printed forms (tickets, labels, receipts, lists): view-models, templates, one rendering service."""
