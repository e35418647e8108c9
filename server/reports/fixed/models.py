"""No tables: a fixed report is a query over the registry's sources."""
