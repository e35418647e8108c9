"""The document workspace's metadata (``GET /api/meta/documents``): each document type and each
base-data kind as a screen needs it — fields with labels, types, lookups; the line table; list
columns, filters, search, sort and totals; the states and the actions the asking user may take in
each; the ledgers a document writes, its audit trail and its print forms.

Nothing here is a second copy. It is read, at request time, from what the API itself runs on:
- the routes: each type's paths, the permission mark each route carries (so an action is offered
  exactly when its route would let the user through), and their argument and answer schemas
  (field types, bounds, choices, filters, sort keys, totals);
- the registries: ``stock.documents.DOC_TYPES`` (which fields a type uses, for which kinds, what a
  reference may name), ``basedata.kinds.KINDS``, the lifecycle (``core.lifecycle``), the print
  forms (``printing.forms.FORMS``: a form that sets ``document_type`` prints that type);
- the words stated once beside them: ``stock.schemas.LABELS``, ``basedata.labels``, the lifecycle's.
A lookup names the base-data kind a reference points to, found through the column's foreign key.

The shape (``docs/workspace.md``): ``{"statuses", "documents": [entry], "kinds": [entry]}``; a
base-data kind's entry has the document entry's keys, so one list component serves both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import marshmallow as ma
from flask import Flask

from ..auth.principal import Principal
from ..basedata.kinds import KINDS, Kind
from ..basedata.labels import FIELD_LABELS, choice_labels
from ..core import lifecycle
from ..http import AUTHENTICATED, PUBLIC, _view_handler

# A document type's REST routes by what they do: (method, path under the type's base path).
# Lifecycle actions other than create are the transitions of ``core.lifecycle`` of the same name.
DOCUMENT_ROUTES: dict[str, tuple[str, str]] = {
    "list": ("GET", ""), "read": ("GET", "/<id>"), "create": ("POST", ""), "edit": ("PATCH", "/<id>"),
    "delete": ("DELETE", "/<id>"), "post": ("POST", "/<id>/post"), "reverse": ("POST", "/<id>/reverse"),
    "audit": ("POST", "/<id>/audit"), "unaudit": ("POST", "/<id>/unaudit"), "export": ("GET", "/export"),
}
# A base-data kind's: deactivating is an edit of ``active``.
KIND_ROUTES: dict[str, tuple[str, str]] = {
    "list": ("GET", ""), "read": ("GET", "/<id>"), "create": ("POST", ""), "edit": ("PATCH", "/<id>"),
    "delete": ("DELETE", "/<id>"), "import": ("POST", "/import"), "export": ("GET", "/export"),
}
_PAGING = {"page", "page_size"}
_CONVERTER = re.compile(r"<(?:[a-z]+:)?([A-Za-z_]+)>")


# -- the routes ----------------------------------------------------------------

@dataclass
class Route:
    path: str  # with {id} for the record
    method: str
    permission: str
    arguments: dict[str, type[ma.Schema]] = field(default_factory=dict)  # location → schema
    answer: ma.Schema | None = None

    def allows(self, p: Principal) -> bool:
        return self.permission in (PUBLIC, AUTHENTICATED) or p.can(self.permission)


def _route(app: Flask, endpoint: str, rule: str, method: str) -> Route:
    handler = _view_handler(app, endpoint, method)
    apidoc = getattr(handler, "_apidoc", {}) or {}
    params = (apidoc.get("arguments") or {}).get("parameters", [])
    answers = ((apidoc.get("response") or {}).get("responses") or {})
    ok = next((a for code in (200, 201) for a in answers.get(code, []) if a.get("schema") is not None), None)
    return Route(_CONVERTER.sub(lambda m: "{id}" if m.group(1).endswith("id") else "{" + m.group(1) + "}", rule),
                 method, handler._permission, {p["in"]: p["schema"] for p in params}, ok["schema"] if ok else None)


def routes_of(app: Flask, blueprint: str, table: dict[str, tuple[str, str]]) -> tuple[str, dict[str, Route]]:
    """A blueprint's base path and its routes by what they do (per ``table``)."""
    base = app.blueprints[blueprint].url_prefix
    by_shape = {}
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith(blueprint + "."):
            continue
        shape = _CONVERTER.sub("<id>", rule.rule[len(base):])
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            by_shape[(method, shape)] = _route(app, rule.endpoint, rule.rule, method)
    return base, {name: by_shape[key] for name, key in table.items() if key in by_shape}


def endpoint_route(app: Flask, endpoint: str, method: str = "GET") -> Route | None:
    rule = next(iter(app.url_map.iter_rules(endpoint)), None)
    return _route(app, endpoint, rule.rule, method) if rule is not None else None


def _schema_fields(schema) -> dict[str, ma.fields.Field]:
    if schema is None:
        return {}
    return dict((schema() if isinstance(schema, type) else schema).fields)


# -- fields ----------------------------------------------------------------------

def _kind_for_table(table: str) -> Kind | None:
    return next((k for k in KINDS.values() if k.model.__table__.name == table), None)


_OTHER_LOOKUPS = {"organisations": ("organisations.Organisations", ["name", "code"]),
                  "users": ("users.Users", ["full_name", "username"])}


def _lookup(app: Flask, p: Principal, kind_name: str, only: dict | None = None, scoped: bool = False) -> dict | None:
    """Where a reference's records are listed and searched (None when the user may not read them)."""
    # Organisations and user accounts are not base-data kinds: their own list routes serve the lookup.
    if kind_name in _OTHER_LOOKUPS:
        endpoint, display = _OTHER_LOOKUPS[kind_name]
        route = endpoint_route(app, endpoint)
        if route is None or not route.allows(p):
            return None
        return {"kind": kind_name, "path": route.path, "search": "q" if "q" in _schema_fields(route.arguments.get("query")) else None,
                "display": display}
    kind = KINDS[kind_name]
    base, routes = routes_of(app, f"basedata_{kind.name}", KIND_ROUTES)
    if "list" not in routes or not routes["list"].allows(p):
        return None
    names = {f.name for f in kind.fields}
    out = {"kind": kind.name, "path": base, "search": "q" if kind.search is not None else None,
           "display": [n for n in ("name", "code", "phone", "imei") if n in names][:2]}
    if only:
        out["only"] = {k: list(v) for k, v in only.items()}
    if scoped and kind.org_owned:
        out["scope"] = "org_id"  # the document's organisation (headquarters chooses it)
    return out


def _foreign_kind(model, column: str) -> str | None:
    col = model.__table__.c.get(column)
    if col is None:
        return None
    for fk in col.foreign_keys:
        table = fk.column.table.name
        if table == "organisation":
            return "organisations"
        kind = _kind_for_table(table)
        if kind is not None:
            return kind.name
    return None


# Every value of a serial list opens that unit's history (the IMEI timeline, /imei/<serial>).
IMEI_LINK = "/imei/{value}"


def describe_field(name: str, mfield: ma.fields.Field | None, label: dict, **extra) -> dict:
    """A field as a form or a column shows it, from the API's marshmallow field."""
    out: dict[str, Any] = {"name": name, "label": label}
    t = "str"
    if isinstance(mfield, ma.fields.UUID):
        t = "uuid"
    elif isinstance(mfield, ma.fields.DateTime):
        t = "datetime"
    elif isinstance(mfield, ma.fields.Date):
        t = "date"
    elif isinstance(mfield, ma.fields.Decimal):
        t = "decimal"
        if mfield.places is not None:
            out["places"] = -mfield.places.as_tuple().exponent
    elif isinstance(mfield, ma.fields.Boolean):
        t = "bool"
    elif isinstance(mfield, ma.fields.Integer):
        t = "int"
    elif isinstance(mfield, ma.fields.List):
        t = "list"
    for v in (mfield.validators if mfield is not None else []):
        if isinstance(v, ma.validate.Length) and v.max is not None and t == "str":
            out["max_len"] = v.max
        elif isinstance(v, ma.validate.Range):
            out.update({k: (str(x) if t == "decimal" else x) for k, x in (("min", v.min), ("max", v.max)) if x is not None})
        elif isinstance(v, ma.validate.OneOf) and t == "str":
            t = "enum"
            out["choices"] = [{"value": c, "label": None} for c in v.choices]
    if t == "str" and out.get("max_len", 0) > 300:
        t = "text"
    out["type"] = t
    out.update(extra)
    if out.get("lookup"):
        out["type"] = "refs" if t == "list" else "ref"
    return out


def _choices(values, labels: dict) -> list[dict]:
    return [{"value": v, "label": labels.get(v) or {"zh-CN": v, "en": v}} for v in values]


def _status_choices() -> list[dict]:
    return _choices(lifecycle.STATUSES, lifecycle.LABELS)


# -- actions ---------------------------------------------------------------------

def _action_states(action: str, auditable: bool) -> list[str]:
    states = []
    for (status, name) in lifecycle.TRANSITIONS:
        if name != action:
            continue
        try:
            lifecycle.next_status(lifecycle.DocState(status, auditable), action)
        except Exception:  # noqa: BLE001 - TransitionRefused: not for this type
            continue
        states.append(status)
    return states


def _input_fields(route: Route, labels: dict) -> list[dict]:
    fields = _schema_fields(route.arguments.get("json"))
    return [describe_field(n, f, labels.get(n) or {"zh-CN": n, "en": n}, required=f.required) for n, f in fields.items()]


def _document_actions(routes: dict[str, Route], p: Principal, auditable: bool, labels: dict) -> list[dict]:
    out = []
    for name in ("create", "edit", "delete", "post", "audit", "unaudit", "reverse"):
        route = routes.get(name)
        if route is None or not route.allows(p):
            continue
        states = [] if name == "create" else _action_states(name, auditable)
        if name != "create" and not states:
            continue  # e.g. audit on a type that is not audited
        action = {"name": name, "label": lifecycle.ACTION_LABELS[name], "method": route.method, "path": route.path,
                  "states": states}
        if name in ("reverse", "unaudit", "audit"):
            action["input"] = _input_fields(route, labels)
        out.append(action)
    return out


# -- prints ----------------------------------------------------------------------

def _prints(app: Flask, p: Principal, document_type: str, label: dict) -> list[dict]:
    """The forms that print this type: FORMS read now, so a form added there shows up here."""
    from ..printing.forms import FORMS

    route = endpoint_route(app, "print.print_form")
    if route is None or not route.allows(p):
        return []
    out = []
    for form in FORMS.values():
        if getattr(form, "document_type", None) != document_type or not p.can(form.permission):
            continue
        out.append({"name": form.name, "label": getattr(form, "label", None) or label, "papers": list(form.papers),
                    "path": route.path.replace("{form}", form.name).replace("{document_id}", "{id}")})
    return out


def list_export(route: Route | None, p: Principal) -> dict | None:
    """A list's Excel export as the PWA offers it: its path and formats; ``query`` when it takes the
    list's own filters, search and sort; ``lang`` names the parameter of the sheet's language."""
    if route is None or not route.allows(p):
        return None
    args = _schema_fields(route.arguments.get("query"))
    fmt = args.get("format")
    formats = next((list(v.choices) for v in (fmt.validators if fmt else []) if isinstance(v, ma.validate.OneOf)), ["xlsx"])
    return {"path": route.path, "formats": formats, "query": True, "lang": "lang" if "lang" in args else None}


def _audit(app: Flask, p: Principal, table: str) -> dict | None:
    route = endpoint_route(app, "core.audit_log")
    if route is None or not route.allows(p):
        return None
    return {"path": route.path, "params": {"entity_type": table}, "id_param": "entity_id"}


# -- stock documents -------------------------------------------------------------

def _stock_entry(app: Flask, p: Principal, t) -> dict | None:
    from ..stock.api import blueprint_name
    from ..stock.documents import count_field
    from ..stock.models import StockDocument, StockDocumentLine
    from ..stock.schemas import LABELS, LOCATION_KIND_LABELS

    base, routes = routes_of(app, blueprint_name(t), DOCUMENT_ROUTES)
    if "list" not in routes or not routes["list"].allows(p):
        return None
    create = routes.get("create") or routes.get("edit")
    header_schema = _schema_fields(create.arguments.get("json")) if create else {}
    line_schema = _schema_fields(header_schema["lines"].inner.nested) if "lines" in header_schema else {}
    answer = routes["read"].answer
    out_fields = _schema_fields(answer)
    has_kinds = any(t.kinds)
    kinds = _choices(t.kinds, t.kind_labels or {}) if has_kinds else []

    def ref(model, name, only=None):
        kind = _foreign_kind(model, name)
        return _lookup(app, p, kind, only, scoped=True) if kind else None

    header = []
    if has_kinds:
        header.append(describe_field("kind", header_schema.get("kind"), LABELS["kind"], required=True, type="enum",
                                     choices=kinds, default=t.kinds[0]))
    header.append(describe_field("doc_date", header_schema.get("doc_date"), LABELS["doc_date"], required=False))
    if p.sees_all and "org_id" in header_schema:
        header.append(describe_field("org_id", header_schema["org_id"], LABELS["org_id"], required=True,
                                     lookup=ref(StockDocument, "org_id")))
    for u in t.header:
        header.append(describe_field(u.name, header_schema.get(u.name), LABELS[u.name], required=u.required,
                                     kinds=list(u.kinds), lookup=ref(StockDocument, u.name, dict(u.only))))
    for name in ("reference", "note"):
        header.append(describe_field(name, header_schema.get(name), LABELS[name], required=False))

    out_lines = _schema_fields(out_fields["lines"].inner.nested) if "lines" in out_fields else {}

    current = endpoint_route(app, "stock.current")

    def line_extra(u) -> dict:
        if u.name == "book_quantity":
            # Before the first save the form reads it where posting will: what the warehouse holds of
            # the item now (current stock's total for the header's warehouse and the line's item).
            if current is None or not current.allows(p):
                return {}
            return {"preview": {"path": current.path, "header": {"warehouse_id": "warehouse_id"},
                                "line": {"item_id": "item_id"}, "value": "totals.quantity"}}
        if u.name != "serials":
            return {}
        # Serials are entered for a serial-tracked item only (the item's `attr`), one per unit of the
        # line's count field per kind: the rule posting and a draft's save apply (ledger.serial_rule).
        return {"serial": {"attr": "serialized", "count": {k: count_field(t.name, k) for k in t.kinds}},
                "link_each": IMEI_LINK}

    lines = [describe_field(u.name, line_schema.get(u.name) or out_lines.get(u.name), LABELS[u.label or u.name],
                            required=u.required, kinds=list(u.kinds), filled=u.filled, lookup=ref(StockDocumentLine, u.name),
                            total=u.name in ("quantity", "counted_quantity"), **line_extra(u))
             for u in t.lines]

    def column(name, **extra):
        return describe_field(name, out_fields.get(name), LABELS[name], **extra)

    used_refs = list(dict.fromkeys(u.name for u in t.header))
    columns = [column("number"), column("doc_date")]
    if has_kinds:
        columns.append(column("kind", type="enum", choices=kinds))
    if p.sees_all:
        columns.append(column("org_id", lookup=ref(StockDocument, "org_id")))
    columns += [column(n, lookup=ref(StockDocument, n)) for n in used_refs]
    columns += [column("reference"), column("status", type="enum", choices=_status_choices())]

    list_route = routes["list"]
    args = _schema_fields(list_route.arguments.get("query"))
    filters = []
    for name, f in args.items():
        if name in _PAGING or name == "sort" or name == "number":
            continue
        if name == "kind" and not has_kinds:
            continue
        if name.endswith("_id") and name not in used_refs:
            continue
        extra: dict[str, Any] = {}
        if name == "status":
            extra = {"type": "enum", "choices": _status_choices()}
        elif name == "kind":
            extra = {"type": "enum", "choices": kinds}
        elif name.endswith("_id"):
            extra = {"lookup": ref(StockDocument, name)}
        filters.append(describe_field(name, f, LABELS.get(name) or {"zh-CN": name, "en": name}, **extra))
    sort = None
    if "sort" in args:
        keys = [c for c in next(v for v in args["sort"].validators if isinstance(v, ma.validate.OneOf)).choices
                if not c.startswith("-")]
        sort = {"param": "sort", "options": [{"value": k, "label": LABELS[k]} for k in keys]}
    totals_schema = _schema_fields(list_route.answer).get("totals")
    totals = [describe_field(n, f, LABELS[n]) for n, f in _schema_fields(totals_schema.nested if totals_schema else None).items()]

    ledgers = []
    moves = endpoint_route(app, "stock.moves")
    if moves is not None and moves.allows(p) and "doc_id" in _schema_fields(moves.arguments.get("query")):
        move_fields = _schema_fields(moves.answer).get("items")
        mf = _schema_fields(move_fields.inner.nested) if move_fields else {}
        loc_choices = _choices(LOCATION_KIND_LABELS, LOCATION_KIND_LABELS)
        ledgers.append({
            "key": "stock_moves", "label": {"zh-CN": "库存流水", "en": "Stock moves"}, "path": moves.path, "param": "doc_id",
            "columns": [describe_field("item_name", mf.get("item_name"), LABELS["item_id"]),
                        describe_field("from_location_name", mf.get("from_location_name"), LABELS["from_location"],
                                       kind_field="from_location_kind", choices=loc_choices),
                        describe_field("to_location_name", mf.get("to_location_name"), LABELS["to_location"],
                                       kind_field="to_location_kind", choices=loc_choices),
                        describe_field("quantity", mf.get("quantity"), LABELS["quantity"]),
                        describe_field("value", mf.get("value"), LABELS["value"]),
                        describe_field("serials", mf.get("serials"), LABELS["serials"], link_each=IMEI_LINK)],
        })

    return {
        "key": t.name, "family": "stock", "label": t.label, "path": base, "number_prefix": t.prefix,
        "read": routes["read"].path if "read" in routes else None,
        "kinds": kinds, "fields": header, "lines": {"fields": lines, "item": "item_id"},
        "list": {"columns": columns, "filters": filters, "search": "number" if "number" in args else None,
                 "search_label": LABELS["number"], "sort": sort, "totals": totals, "export": list_export(routes.get("export"), p)},
        "states": _status_choices(), "auditable": StockDocument.AUDITABLE,
        "actions": _document_actions(routes, p, StockDocument.AUDITABLE, LABELS),
        "links": [{"field": "reverses_id", "label": {"zh-CN": "原单", "en": "Reverses"}},
                  {"field": "reversal_id", "label": {"zh-CN": "红冲单", "en": "Reversed by"}}],
        "ledgers": ledgers,
        "audit": _audit(app, p, StockDocument.__tablename__),
        "prints": _prints(app, p, t.name, t.label),
    }


# Words of audited actions that are no lifecycle transition (base-data edits, the shortage register).
AUDIT_WORDS: dict[str, dict[str, str]] = {
    "update": {"zh-CN": "修改", "en": "Changed"},
    "lookup": {"zh-CN": "查询", "en": "Looked up"},
    "export": {"zh-CN": "导出", "en": "Exported"},
    "import": {"zh-CN": "导入", "en": "Imported"},
    "register": {"zh-CN": "登记", "en": "Registered"},
    "fulfilled": {"zh-CN": "已领用", "en": "Fulfilled"},
    "cancelled": {"zh-CN": "已取消", "en": "Cancelled"},
}


# -- the shortage register ------------------------------------------------------------

SHORTAGE_ROUTES: dict[str, tuple[str, str]] = {
    "list": ("GET", ""), "read": ("GET", "/<id>"), "create": ("POST", ""),
    "fulfil": ("POST", "/<id>/fulfil"), "cancel": ("POST", "/<id>/cancel"),
}


def _shortage_entry(app: Flask, p: Principal) -> dict | None:
    """缺料单 (spec §9.10) in the documents' shape: registered, then fulfilled or cancelled; no lines,
    number or ledger of its own (the requisition that fulfils it is a document)."""
    from ..stock.models import Shortage
    from ..stock.schemas import LABELS, SHORTAGE_ACTIONS, SHORTAGE_LABELS, SHORTAGE_OPEN, SHORTAGE_STATUSES

    if "stock_shortages" not in app.blueprints:
        return None
    base, routes = routes_of(app, "stock_shortages", SHORTAGE_ROUTES)
    if "list" not in routes or not routes["list"].allows(p):
        return None
    labels = {**LABELS, **SHORTAGE_LABELS}
    create = _schema_fields(routes["create"].arguments.get("json")) if "create" in routes else {}
    out_fields = _schema_fields(routes["read"].answer)
    states = _choices(SHORTAGE_STATUSES, SHORTAGE_STATUSES)

    def ref(name):
        kind = _foreign_kind(Shortage, name)
        return _lookup(app, p, kind, scoped=True) if kind else None

    fields = []
    if p.sees_all and "org_id" in create:
        fields.append(describe_field("org_id", create["org_id"], labels["org_id"], required=True, lookup=ref("org_id")))
    for name in ("item_id", "quantity", "engineer_id", "reference", "note"):
        f = create.get(name)
        fields.append(describe_field(name, f, labels[name], required=bool(f and f.required), lookup=ref(name)))
    columns = [describe_field(n, out_fields.get(n), labels[n], lookup=ref(n))
               for n in ("created_at", "item_id", "quantity", "engineer_id", "reference")]
    if p.sees_all:
        columns.insert(1, describe_field("org_id", out_fields.get("org_id"), labels["org_id"], lookup=ref("org_id")))
    columns.append(describe_field("status", out_fields.get("status"), labels["status"], type="enum", choices=states))
    filters = []
    for name, f in _schema_fields(routes["list"].arguments.get("query")).items():
        if name in _PAGING or name == "reference":
            continue
        extra = {"type": "enum", "choices": states} if name == "status" else {"lookup": ref(name)}
        filters.append(describe_field(name, f, labels[name], **extra))
    actions = []
    for name in ("create", "fulfil", "cancel"):
        route = routes.get(name)
        if route is None or not route.allows(p):
            continue
        actions.append({"name": name, "label": lifecycle.ACTION_LABELS["create"] if name == "create" else SHORTAGE_ACTIONS[name],
                        "method": route.method, "path": route.path, "states": [] if name == "create" else list(SHORTAGE_OPEN)})
    return {
        "key": "shortages", "family": "stock", "label": SHORTAGE_LABELS["register"], "path": base, "number_prefix": None,
        "read": routes["read"].path if "read" in routes else None, "kinds": [], "fields": fields, "lines": None,
        "list": {"columns": columns, "filters": filters, "search": "reference", "search_label": labels["reference"],
                 "sort": None, "totals": [], "export": None},
        "states": states, "auditable": False, "actions": actions, "links": [], "ledgers": [],
        "audit": _audit(app, p, Shortage.__tablename__), "prints": [],
    }


# -- base-data kinds ---------------------------------------------------------------

def _kind_field(app: Flask, p: Principal, kind: Kind, f, mfield) -> dict:
    label = FIELD_LABELS.get(f.name) or {"zh-CN": f.name, "en": f.name}
    extra: dict[str, Any] = {"required": f.required}
    if f.default is not None and not callable(f.default):
        extra["default"] = f.default if isinstance(f.default, (bool, int, str)) else str(f.default)
    if f.type in ("ref", "refs") and f.ref:
        extra["lookup"] = _lookup(app, p, f.ref)
    elif f.type == "org":
        extra["lookup"] = _lookup(app, p, "organisations")
    elif f.type == "user":
        extra["lookup"] = _lookup(app, p, "users")
    elif f.type in ("enum", "enums"):
        extra["type"] = f.type
        extra["choices"] = _choices(f.choices, choice_labels(kind.name, f.name))
    elif f.type in ("code", "phone", "imei"):
        extra["format"] = f.type
    out = describe_field(f.name, mfield, label, **extra)
    if f.type == "lines":
        out["type"] = "lines"
    return out


def _import_field(kind: Kind, column: str) -> str | None:
    if column == "org_code":
        return "org_id"
    if column in ("component_item_code", "quantity") and any(f.type == "lines" for f in kind.fields):
        return "lines"
    return next((f.name for f in kind.fields if f.column == column), None)


def _kind_entry(app: Flask, p: Principal, kind: Kind) -> dict | None:
    from ..basedata.importexport import columns as import_columns
    from ..basedata.schemas import schemas_for

    base, routes = routes_of(app, f"basedata_{kind.name}", KIND_ROUTES)
    if "list" not in routes or not routes["list"].allows(p):
        return None
    create = _schema_fields(schemas_for(kind.name)["create"])
    fields = [_kind_field(app, p, kind, f, create.get(f.name)) for f in kind.fields]
    if kind.org_owned and p.sees_all and "org_id" in create:
        # Headquarters says whose record it is (a point's own records default to it).
        fields.insert(0, describe_field("org_id", create["org_id"], FIELD_LABELS["org_id"], required=True,
                                        lookup=_lookup(app, p, "organisations")))
    by_name = {f["name"]: f for f in fields}
    lines = None
    if "lines" in by_name:
        from ..basedata.models import DisassemblyLine

        line_schema = _schema_fields(create["lines"].inner.nested)
        lines = {"item": "component_item_id", "fields": [
            describe_field(n, line_schema[n], FIELD_LABELS[n], required=True,
                           lookup=_lookup(app, p, _foreign_kind(DisassemblyLine, n)) if n.endswith("_id") else None)
            for n in line_schema]}
    columns = [f for f in fields if f["type"] not in ("text", "refs", "lines", "list") and f["name"] != "org_id"]
    if kind.org_owned and p.sees_all:
        columns.append(describe_field("org_id", None, FIELD_LABELS["org_id"], lookup=_lookup(app, p, "organisations")))
    args = _schema_fields(routes["list"].arguments.get("query"))
    filters = []
    for name, f in args.items():
        if name in _PAGING or name in ("sort", "q"):
            continue
        src = by_name.get(name) or by_name.get("roles" if name == "role" else "")
        extra: dict[str, Any] = {}
        if src and src.get("choices"):
            extra = {"type": "enum", "choices": src["choices"]}
        elif src and src.get("lookup"):
            extra = {"lookup": src["lookup"]}
        elif name == "model_id":
            extra = {"lookup": _lookup(app, p, "models")}
        elif name == "org_id":
            extra = {"lookup": _lookup(app, p, "organisations")}
        filters.append(describe_field(name, f, FIELD_LABELS.get(name) or {"zh-CN": name, "en": name}, **extra))
    sort = None
    if "sort" in args:
        keys = [c for c in next(v for v in args["sort"].validators if isinstance(v, ma.validate.OneOf)).choices
                if not c.startswith("-")]
        sort = {"param": "sort", "options": [{"value": k, "label": FIELD_LABELS.get(k) or {"zh-CN": k, "en": k}} for k in keys]}
    export = None
    if "export" in routes and routes["export"].allows(p):
        fmt = _schema_fields(routes["export"].arguments.get("query")).get("format")
        formats = next((list(v.choices) for v in (fmt.validators if fmt else []) if isinstance(v, ma.validate.OneOf)), ["xlsx"])
        export = {"path": routes["export"].path, "formats": formats}
    actions = []
    for name in ("create", "edit", "delete", "import"):
        route = routes.get(name)
        if route is not None and route.allows(p):
            action = {"name": name, "label": lifecycle.ACTION_LABELS.get(name) or {"zh-CN": "导入", "en": "Import"},
                      "method": route.method, "path": route.path, "states": []}
            if name == "import":
                # The file's columns (importexport.columns) and the field each one fills, for the
                # dialog's column list and for naming a bad cell by its field's label.
                action["columns"] = [{"name": c, "field": _import_field(kind, c)} for c in import_columns(kind)]
                action["formats"] = ["xlsx", "csv"]
            actions.append(action)
    return {
        "key": kind.name, "family": "basedata", "label": kind.label, "one": kind.one or kind.label, "path": base,
        "number_prefix": None,
        "read": routes["read"].path if "read" in routes else None,
        "display": [n for n in ("name", "code", "phone", "imei") if n in by_name][:2],  # what names a record
        "kinds": [], "fields": fields, "lines": lines,
        "list": {"columns": columns, "filters": filters, "search": "q" if "q" in args else None,
                 "search_label": FIELD_LABELS["q"], "sort": sort, "totals": [], "export": export},
        "states": [], "auditable": False, "actions": actions, "links": [], "ledgers": [],
        "audit": _audit(app, p, kind.model.__tablename__), "prints": [],
    }


# Describers of other document families (repair, finance, admin lists ...): each module registers
# a function (app, principal) -> [entry] with @describer; export() calls them in registration order.
# An entry has the same shape as _stock_entry's (docs/workspace.md), so the PWA needs no new page.
DESCRIBERS: list = []


def describer(fn):
    DESCRIBERS.append(fn)
    return fn


def _load_describers() -> None:
    # The family modules register themselves on import; imported here, not at the top, because they
    # import this module's helpers.
    import importlib
    import pkgutil

    from .. import meta

    for info in pkgutil.iter_modules(meta.__path__):
        if info.name.startswith("family_"):
            importlib.import_module(f"{meta.__name__}.{info.name}")


# The drawer's section of each family's entries (the PWA's menu sections), unless an entry names its
# own (``menu.section``, or ``section``); ``menu: False`` keeps an entry out of the drawer.
FAMILY_SECTIONS = {"stock": "warehouse", "repair": "counter", "finance": "backOffice", "admin": "system",
                   "basedata": "baseData", "swap": "counter", "exchange": "counter",
                   "purchase": "trade", "wholesale": "trade", "transfer": "trade", "retail": "counter",
                   "claims": "backOffice"}


def _place(entry: dict) -> dict:
    if entry.get("menu") is False:
        return entry
    menu = dict(entry.get("menu") or {})
    menu.setdefault("section", entry.get("section") or FAMILY_SECTIONS.get(entry["family"], "warehouse"))
    return {**entry, "menu": menu}


def export(app: Flask, p: Principal) -> dict:
    """Everything the user may see, described for the workspace."""
    from ..stock.documents import DOC_TYPES

    _load_describers()
    documents = [e for t in DOC_TYPES.values() if (e := _stock_entry(app, p, t)) is not None]
    if (shortages := _shortage_entry(app, p)) is not None:
        documents.append(shortages)
    for fn in DESCRIBERS:
        documents.extend(fn(app, p))
    documents = [_place(e) for e in documents]
    # A family may name the audited actions of its own (``audit_words``: a machine's events).
    words = {k: v for e in documents for k, v in e.pop("audit_words", {}).items()}
    return {
        "statuses": _status_choices(),
        # An audit trail names every action, offered or not (its last dotted part: "items.update").
        "action_labels": {**words, **lifecycle.ACTION_LABELS, **AUDIT_WORDS},
        "documents": documents,
        "kinds": [e for k in KINDS.values() if (e := _kind_entry(app, p, k)) is not None],
    }
