"""This area's messages in zh-CN (merged into server/messages.py's catalogue)."""

from __future__ import annotations

CATALOGUE: dict[str, str] = {
    "no such report source": "没有这个报表数据源",
    "not a field of this source": "不是该数据源的字段",
    "a field is given twice": "字段重复",
    "this field does not group": "该字段不能分组",
    "grouped twice": "重复分组",
    "only a date groups by a period": "只有日期字段可以按期间分组",
    "sum, avg, min and max need a number or money field": "合计、平均、最小、最大只能用于数值或金额字段",
    "required for this measure": "该统计方式需要指定字段",
    "given twice": "重复",
    "not a grouping or measure of this report": "不是本报表的分组或统计项",
    "not a date field": "不是日期字段",
    "a pivot takes exactly two groupings and no fields": "交叉表需要恰好两个分组，且不选明细字段",
    "this operator does not apply to the field's type": "该运算符不适用于此字段类型",
    "true or false": "应为 true 或 false",
    "a single value of the field's type": "应为该字段类型的单个值",
    "two values": "应为两个值",
    "a date between 1900 and 9998": "日期应在 1900 年到 9998 年之间",
    "a list of 1 to 200 values": "应为 1 到 200 个值的列表",
    "more than 20,000 groups: group by fewer or coarser fields, or filter": "分组超过 20,000 个：请减少或放宽分组，或加筛选条件",
    "{permission} is needed to report on this source": "查询此数据源需要权限 {permission}",
    "no such saved report": "没有这个已保存的报表",
    "no such role": "没有这个角色",
    "a service point shares with its own organisation only": "网点只能共享给本网点",
    "you have a saved report of this name": "已有同名的报表",
    "only a user saves reports": "只有用户可以保存报表",
    "only its owner changes a saved report": "只有报表的创建人可以修改",
    "not yours": "不是你的报表",
}
