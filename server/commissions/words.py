"""This area's messages in zh-CN (merged into server/messages.py's catalogue)."""

from __future__ import annotations

CATALOGUE: dict[str, str] = {
    "a month as YYYY-MM": "月份，格式 YYYY-MM",
    "an item rule names its item": "按产品的规则需要指定产品",
    "a category rule names its category": "按品类的规则需要指定品类",
    "an engineer-grade rule names its grade": "按工程师级别的规则需要指定级别",
    "at most 100 (per cent)": "不能超过 100（百分比）",
    "no such engineer": "没有这个工程师",
}
