"""Reports: the back office's dashboard (orders by state, turnaround, comebacks)."""
