"""自定义报表 Custom reports (spec §11.1): a registry of queryable fields per document type, a query
spec checked against it, grouped and pivoted results, streamed Excel, saved and shared reports.
See docs/reports.md."""
