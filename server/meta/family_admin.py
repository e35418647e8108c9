"""The workspace's description of the administration lists: user accounts, organisations and the
login record (issue 16, Admin). Same entry shape as a document type's (``_stock_entry``), so the
workspace list serves them; read from the routes (paths, permission marks, argument and answer
schemas) and the auth catalogue (roles), like every other describer. Only the words are stated here.

Each entry adds ``section`` (where the home page groups it; ``menu: false``: the drawer keeps its own
entries for these lists), ``display`` (the fields that name a
record) and ``description`` (a line for the home page). Record actions (edit, reset a password, clear failed logins) carry ``states: []``: they
apply whatever the record's state, and the record's own screen asks the server for the rest.
"""

from __future__ import annotations

from typing import Any

from flask import Flask

from ..auth.permissions import ROLES
from ..auth.principal import Principal
from ..org.models import ORG_KINDS
from .documents import (_audit, _choices, _lookup, _schema_fields, describe_field, describer, endpoint_route,
                        routes_of)


def _l(zh: str, en: str) -> dict[str, str]:
    return {"zh-CN": zh, "en": en}


LABELS: dict[str, dict[str, str]] = {
    "username": _l("用户名", "Username"),
    "full_name": _l("姓名", "Full name"),
    "password": _l("密码", "Password"),
    "org_id": _l("所属组织", "Organisation"),
    "roles": _l("角色", "Roles"),
    "role": _l("角色", "Role"),
    "phone": _l("电话", "Phone"),
    "email": _l("电子邮箱", "Email"),
    "language": _l("界面语言", "Language"),
    "active": _l("启用", "Active"),
    "last_login_at": _l("最近登录", "Last login"),
    "created_at": _l("创建时间", "Created"),
    "q": _l("搜索", "Search"),
    "code": _l("编码", "Code"),
    "name": _l("名称", "Name"),
    "kind": _l("类型", "Kind"),
    "level": _l("级别", "Level"),
    "parent_id": _l("上级网点", "Higher-level point"),
    "address": _l("地址", "Address"),
    "contact_name": _l("联系人", "Contact"),
    "contact_phone": _l("联系电话", "Contact phone"),
    "at": _l("时间", "Time"),
    "ip": _l("IP 地址", "IP address"),
    "user_agent": _l("客户端", "Client"),
    "outcome": _l("结果", "Outcome"),
    "since": _l("起始时间", "From"),
    "until": _l("截止时间", "Until"),
}

LANGUAGES = {"zh-CN": _l("简体中文", "Chinese (simplified)"), "en": _l("英文", "English")}
ORG_KIND_LABELS = {"hq": _l("总部", "Headquarters"), "service_point": _l("服务网点", "Service point")}
OUTCOME_LABELS = {
    "ok": _l("成功", "Success"), "bad_password": _l("密码错误", "Wrong password"),
    "unknown_user": _l("用户不存在", "Unknown user"), "inactive": _l("账号停用", "Account deactivated"),
    "throttled": _l("尝试过快（限流）", "Too many tries (throttled)"), "locked": _l("账号锁定（旧记录）", "Locked (older records)"),
}
USER_ACTIONS = {
    "reset_password": ("POST", "/<id>/password", _l("重置密码", "Reset password")),
    "unlock": ("POST", "/<id>/unlock", _l("清除登录失败", "Clear failed logins")),
}


def _field(name: str, mfield, **extra) -> dict:
    return describe_field(name, mfield, LABELS[name], **extra)


def _enum(choices: dict) -> dict[str, Any]:
    return {"type": "enum", "choices": _choices(list(choices), choices)}


def _actions(routes: dict, p: Principal, extra: dict | None = None) -> list[dict]:
    from ..core.lifecycle import ACTION_LABELS

    out = []
    for name in ("create", "edit", *(extra or {})):
        route = routes.get(name)
        if route is None or not route.allows(p):
            continue
        label = ACTION_LABELS.get(name) or extra[name][2]
        action = {"name": name, "label": label, "method": route.method, "path": route.path, "states": []}
        fields = _schema_fields(route.arguments.get("json"))
        if name in (extra or {}) and fields:
            action["input"] = [_field(n, f, required=f.required) for n, f in fields.items()]
        out.append(action)
    return out


def _entry(key: str, label: dict, description: dict, section: str, display: list, path: str, read: str | None, fields: list,
           columns: list, filters: list, search: str | None, actions: list, audit: dict | None,
           search_label: dict | None = None) -> dict:
    return {
        "key": key, "family": "admin", "menu": False, "section": section, "display": display, "label": label,
        "description": description,
        "path": path, "read": read, "number_prefix": None, "kinds": [], "fields": fields, "lines": None,
        "list": {"columns": columns, "filters": filters, "search": search, "search_label": search_label or LABELS["q"], "sort": None,
                 "totals": [], "export": None},
        "states": [], "auditable": False, "actions": actions, "links": [], "ledgers": [], "audit": audit, "prints": [],
    }


def _users(app: Flask, p: Principal) -> dict | None:
    table = {"list": ("GET", ""), "read": ("GET", "/<id>"), "create": ("POST", ""), "edit": ("PATCH", "/<id>"),
             **{name: (method, path) for name, (method, path, _) in USER_ACTIONS.items()}}
    base, routes = routes_of(app, "users", table)
    if "list" not in routes or not routes["list"].allows(p):
        return None
    orgs = _lookup(app, p, "organisations")
    create = _schema_fields(routes["create"].arguments.get("json")) if "create" in routes else {}
    update = _schema_fields(routes["edit"].arguments.get("json")) if "edit" in routes else {}
    answer = _schema_fields(routes["list"].answer).get("items")
    out_fields = _schema_fields(answer.inner.nested) if answer is not None else {}
    roles = {"type": "enums", "choices": _choices(list(ROLES), ROLES)}
    extra = {"org_id": {"lookup": orgs}, "roles": roles, "language": _enum(LANGUAGES)}
    fields = []
    for name in ("username", "full_name", "password", "org_id", "roles", "phone", "email", "language", "active"):
        mfield = create.get(name) or update.get(name)
        if mfield is None:
            continue
        fields.append(_field(name, mfield, required=bool(create.get(name) and create[name].required),
                             **({"create_only": True} if name not in update else {}), **extra.get(name, {})))
    columns = [_field(n, out_fields.get(n), **extra.get(n, {}))
               for n in ("full_name", "username", "org_id", "roles", "active", "last_login_at")]
    args = _schema_fields(routes["list"].arguments.get("query"))
    filters = [_field(n, args[n], **({"org_id": {"lookup": orgs}, "role": _enum(ROLES)}).get(n, {}))
               for n in ("org_id", "role", "active") if n in args]
    return _entry("users", _l("用户", "User"),
                  _l("账号、角色；新建、编辑、重置密码、停用", "Accounts and roles: create, edit, reset passwords, deactivate"),
                  "system", ["full_name", "username"], base, routes["read"].path if "read" in routes else None, fields, columns, filters,
                  "q" if "q" in args else None, _actions(routes, p, USER_ACTIONS), _audit(app, p, "user_account"))


def _organisations(app: Flask, p: Principal) -> dict | None:
    table = {"list": ("GET", ""), "read": ("GET", "/<id>"), "create": ("POST", ""), "edit": ("PATCH", "/<id>")}
    base, routes = routes_of(app, "organisations", table)
    if "list" not in routes or not routes["list"].allows(p):
        return None
    orgs = _lookup(app, p, "organisations")
    parents = dict(orgs, only={"kind": ["service_point"]}) if orgs else None
    create = _schema_fields(routes["create"].arguments.get("json")) if "create" in routes else {}
    update = _schema_fields(routes["edit"].arguments.get("json")) if "edit" in routes else {}
    answer = _schema_fields(routes["list"].answer).get("items")
    out_fields = _schema_fields(answer.inner.nested) if answer is not None else {}
    kinds = _enum({k: ORG_KIND_LABELS[k] for k in ORG_KINDS})
    extra = {"kind": kinds, "parent_id": {"lookup": parents}}
    fields = []
    for name in ("code", "name", "kind", "level", "parent_id", "address", "contact_name", "contact_phone", "active"):
        mfield = create.get(name) or update.get(name)
        if mfield is None:
            continue
        fields.append(_field(name, mfield, required=bool(create.get(name) and create[name].required),
                             **({"create_only": True} if name not in update else {}), **extra.get(name, {})))
    columns = [_field(n, out_fields.get(n), **extra.get(n, {}))
               for n in ("code", "name", "kind", "level", "parent_id", "contact_phone", "active")]
    args = _schema_fields(routes["list"].arguments.get("query"))
    filters = [_field(n, args[n], **extra.get(n, {})) for n in ("kind", "active", "parent_id") if n in args]
    return _entry("organisations", _l("服务网点", "Service point"),
                  _l("总部与各级服务网点：新建、编辑级别与上级", "Headquarters and every service point: levels and parents"),
                  "baseData", ["name", "code"], base, routes["read"].path if "read" in routes else None, fields, columns, filters,
                  "q" if "q" in args else None, _actions(routes, p), _audit(app, p, "organisation"))


def _login_records(app: Flask, p: Principal) -> dict | None:
    route = endpoint_route(app, "auth.login_records")
    if route is None or not route.allows(p):
        return None
    answer = _schema_fields(route.answer).get("items")
    out_fields = _schema_fields(answer.inner.nested) if answer is not None else {}
    outcome = _enum(OUTCOME_LABELS)
    orgs = _lookup(app, p, "organisations")
    columns = [_field("at", out_fields.get("at")), _field("username", out_fields.get("username")),
               _field("org_id", out_fields.get("org_id"), lookup=orgs), _field("ip", out_fields.get("ip")),
               _field("outcome", out_fields.get("outcome"), **outcome), _field("user_agent", out_fields.get("user_agent"))]
    args = _schema_fields(route.arguments.get("query"))
    filters = [_field(n, args[n], **(outcome if n == "outcome" else {})) for n in ("outcome", "since", "until") if n in args]
    # No record screen and no actions: the record is read, never changed.
    return _entry("login-records", _l("登录记录", "Login record"),
                  _l("谁在何时从何处登录，结果如何", "Who logged in, when, from where, with what outcome"),
                  "system", ["username"], route.path, None, [], columns, filters, "username" if "username" in args else None, [], None,
                  LABELS["username"])


@describer
def admin_lists(app: Flask, p: Principal) -> list[dict]:
    return [e for e in (_users(app, p), _organisations(app, p), _login_records(app, p)) if e is not None]
