"""Purchasing (spec §5): purchase orders to manufacturers and suppliers, receipts against them, purchase returns."""
