"""Reasons a clerk can read, in zh-CN and en, for status documents and dead letters."""

from __future__ import annotations

from server import messages
from server.errors import DomainError

from .schemas import Problem

# code → (en, zh-CN)
MESSAGES: dict[str, tuple[str, str]] = {
    "invalid_event": ("The event is malformed", "单据格式不正确"),
    "unknown_type": ("This kind of event is not known to the server", "服务器不认识这种单据"),
    "wrong_organisation": ("The event belongs to another organisation", "单据不属于本网点"),
    "unknown_user": ("The user who made the event is unknown or not of this organisation", "制单人不存在或不属于本网点"),
    "not_permitted": ("The user may not do this", "制单人没有此权限"),
    "collision": ("Two different versions of this event exist; enter it again as a new event",
                  "同一单据出现了两个版本，请重新录入一张新单据"),
    "order_missing": ("The order this event belongs to never reached the server", "所属工单未到达服务器"),
    "waiting_for_order": ("Waiting for the order this event belongs to", "等待所属工单过账"),
    "validation_error": ("A value is not accepted", "数据不符合要求"),
    "period_closed": ("The date falls in a closed accounting period", "单据日期所在会计期间已结账"),
    "forbidden": ("Not allowed", "不允许此操作"),
    "not_found": ("Something this event refers to does not exist", "单据引用的数据不存在"),
    "conflict": ("This conflicts with the current state", "与当前状态冲突"),
    "negative_stock": ("Not enough stock", "库存不足"),
    "serial_problem": ("A serial number is not right", "串号有误"),
    "transition_refused": ("The document is not in a state that allows this", "单据当前状态不允许此操作"),
    "internal_error": ("The server could not post this event; staff have been told", "服务器无法过账此单据，已通知管理员"),
}


def reason(code: str, detail: str = "", field: str = "") -> dict:
    """Both languages, whole (``en``, ``zh-CN``), and in parts for a device that shows the field by
    its own label: ``title`` (what kind of refusal) and ``detail`` (the message of ``field``,
    translated by the one catalogue, server/messages.py)."""
    en, zh = MESSAGES.get(code, MESSAGES["conflict"])
    out = {"code": code, "field": field, "title": {"en": en, "zh-CN": zh}}
    if detail:
        zh_detail = messages.translate(detail, "zh-CN")
        out["detail"] = {"en": detail, "zh-CN": zh_detail}
        where = f"{field}: " if field and field not in ("_schema", "state") else ""
        en, zh = f"{en}: {where}{detail}", f"{zh}：{where}{zh_detail}"
    return {**out, "en": en, "zh-CN": zh}


def from_problems(problems: list[Problem]) -> list[dict]:
    return [reason("invalid_event", p.message, p.field) for p in problems]


def from_error(exc: DomainError) -> list[dict]:
    code = exc.code if exc.code in MESSAGES else "conflict"
    if code == "negative_stock" and {"item", "location", "missing"} <= set(exc.extra):
        return [_negative_stock(exc)]
    if code == "transition_refused":
        # The machine's field carries a code (a guard's name); the message is the sentence.
        return [reason(code, exc.message, next(iter(exc.errors), ""))]
    if exc.errors:
        return [reason(code, msg, field) for field, msgs in exc.errors.items() for msg in msgs][:20]
    return [reason(code, exc.message)]


def _negative_stock(exc: DomainError) -> dict:
    """Which item, where, and how many are missing, in both languages."""
    x = exc.extra
    field = next(iter(exc.errors), "")
    return {"code": "negative_stock", "field": field,
            "en": f"Not enough stock of {x['item']} at {x['location']}: {x.get('on_hand', '?')} on hand, "
                  f"{x.get('needed', '?')} needed, {x['missing']} missing",
            "zh-CN": f"库存不足：{x['location']} 的 {x['item']} 现有 {x.get('on_hand', '?')}，"
                     f"需要 {x.get('needed', '?')}，缺 {x['missing']}",
            "item_id": x.get("item_id", ""), "missing": x["missing"]}
