"""This area's messages in zh-CN (merged into server/messages.py's catalogue)."""

from __future__ import annotations

from . import statemachine as _sm

CATALOGUE: dict[str, str] = {
    "no such active party": "没有这个启用的往来单位",
    "must be a supplier or manufacturer": "必须是供应商或厂家",
    "the warehouse is deactivated": "仓库已停用",
    "at least one line is required": "至少需要一行",
    "at most {n} lines": "最多 {n} 行",
    "no such active item": "没有这个启用的产品",
    "required": "必填",
    "unknown event": "未知操作",
    "no such purchase order": "没有这张采购订单",
    "the order is {state}: it takes no receipts": "订单{state}：不能再入库",
    "more than the order allows: ordered {ordered}, received {received}, at most {left} more":
        "超出订单允许的数量：订购 {ordered}，已到货 {received}，最多还能收 {left}",
    "not a line of the order": "不是这张订单的行",
    "not the order line's item": "不是订单行的产品",
    "not on the order": "产品不在订单上",
    "return {number} stands against this receipt: reverse it first": "退货单 {number} 仍有效：请先红冲退货单",
    "no such purchase receipt": "没有这张采购入库单",
    "only a posted receipt (not reversed) takes returns": "只有已过账且未红冲的入库单可以退货",
    "not a line of the receipt": "不是这张入库单的行",
    "not on the receipt": "产品不在这张入库单上",
    "more than was received: received {received}, returned {returned}, at most {left} more":
        "超出已入库数量：入库 {received}，已退 {returned}，最多还能退 {left}",
    "{serial} was not received on this line or is returned already": "{serial} 不是这一行入库的，或已退回",
    "no such document": "没有这张单据",
    "an order keeps its organisation": "订单的所属机构不能更改",
    "a draft keeps its order: make a new one for another": "草稿的采购订单不能更改：请另建一张",
    "a draft keeps its receipt: make a new one for another": "草稿的入库单不能更改：请另建一张",
}
for _labels in (_sm.STATE_LABELS.values(), (t.label for t in _sm.TRANSITIONS.values()),
                (g.label for g in _sm.GUARDS.values())):
    for _label in _labels:
        CATALOGUE.setdefault(_label["en"], _label["zh-CN"])
