"""Finance documents' messages in zh-CN (merged into server/messages.py's catalogue)."""

from __future__ import annotations

CATALOGUE: dict[str, str] = {
    # receipts, payments, allocations (server/finance/settlement.py)
    "a {kind} is named by {field} only": "{kind} 只能通过 {field} 指定",
    "already undone": "已撤销",
    "an allocation is dated on or after both documents ({date})": "核销日期不能早于两张单据的日期（{date}）",
    "an allocation is undone on or after its date ({date})": "撤销核销的日期不能早于核销日期（{date}）",
    "at most {max}": "最多 {max}",
    "missing permission print.forms": "缺少权限 print.forms",
    "more than the {open} left to allocate": "超过可核销余额 {open}",
    "more than the {open} open on {number}": "超过单据 {number} 的未核销金额 {open}",
    "must be a decimal amount": "必须是金额",
    "name at least one open item": "请至少选择一张未核销单据",
    "no such allocation of this document": "本单据没有这条核销记录",
    "no such counterparty": "往来单位不存在",
    "no such open item of this counterparty": "该往来单位没有这张未核销单据",
    "nothing to allocate: no money left on account or no open item dated by then":
        "没有可核销的：没有预收/预付余额，或截至该日期没有未核销单据",
    "only a posted {type} allocates (this one is {status})": "只有已过账的 {type} 可以核销（当前：{status}）",
    "only a posted {type}'s allocations are undone (this one is {status})": "只有已过账的 {type} 可以撤销核销（当前：{status}）",
    "required with counterparty_id": "指定 counterparty_id 时必填",
    "this allocation is undone already": "这条核销已撤销",
    "you may allocate in your own organisation's books only": "只能在本单位账簿中核销",
    "{number} has nothing open": "{number} 没有未核销金额",
}
