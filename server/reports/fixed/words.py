"""This area's messages in zh-CN (merged into server/messages.py's catalogue)."""

from __future__ import annotations

CATALOGUE: dict[str, str] = {
    "no such report": "没有这个报表",
    "this report does not take this filter": "该报表没有这个筛选条件",
    "a date (YYYY-MM-DD)": "应为日期（YYYY-MM-DD）",
    "an id": "应为编号",
    "no such record": "没有这条记录",
    "an object of filters": "筛选条件应为对象",
    "must not be after until": "不能晚于结束日期",
    "at most ten years": "最长十年",
}
