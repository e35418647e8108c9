"""Retail at the counter (spec §7), offline: sales, returns, the daily cash-up, the stock exception list."""
