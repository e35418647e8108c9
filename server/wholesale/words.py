"""This area's messages in zh-CN (merged into server/messages.py's catalogue)."""

from __future__ import annotations

from . import statemachine as _sm

CATALOGUE: dict[str, str] = {
    "must be less than 100": "必须小于 100",
    "no such sales order": "没有这张销售订单",
    "no such delivery": "没有这张发货单",
    "no such sales return": "没有这张销售退货单",
    "no such party": "没有这个往来单位",
    "must be a distributor or a dealer": "必须是分销商或经销商",
    "no such warehouse": "没有这个仓库",
    "the warehouse belongs to another organisation": "仓库属于其他机构",
    "must be a good-stock warehouse": "必须是良品仓",
    "no such item": "没有这个产品",
    "the item is inactive": "产品已停用",
    "the item is on the order twice": "同一产品在订单上出现两次",
    "at least one line is required": "至少需要一行",
    "changing the price needs the permission sales.price": "改价需要权限 sales.price",
    "changing the discount needs the permission sales.price": "改折扣需要权限 sales.price",
    "the party is inactive": "往来单位已停用",
    "only a draft can be changed": "只有草稿可以修改",
    "goods leave only against an approved order": "只有已审核的订单可以发货",
    "the item is not on the order": "产品不在订单上",
    "more than the order still holds ({left} left)": "超过订单未发数量（剩 {left}）",
    "more than was delivered and not yet returned ({left} left)": "超过已发货未退货的数量（剩 {left}）",
    "the serial was not delivered on this delivery": "该串号不在这张发货单上",
    "the serial is already returned": "该串号已退回",
    "the item is not on the delivery": "产品不在这张发货单上",
    "a delivery with returns against it cannot be reversed: reverse the returns first":
        "发货单已有退货，不能红冲：请先红冲退货单",
    "a reversed delivery takes no returns": "已红冲的发货单不能退货",
    "only a posted delivery takes returns": "只有已过账的发货单可以退货",
    "you may sell for your own organisation only": "只能以本机构的名义销售",
    "in force": "未红冲",
}
for _labels in (_sm.STATE_LABELS.values(), (t.label for t in _sm.TRANSITIONS.values()),
                (g.label for g in _sm.GUARDS.values())):
    for _label in _labels:
        CATALOGUE.setdefault(_label["en"], _label["zh-CN"])
