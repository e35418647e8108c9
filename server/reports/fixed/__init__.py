"""固定报表 Fixed reports (spec §11.2–§11.7), figured by the custom report engine."""
