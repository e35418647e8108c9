"""Helpers that walk the OpenAPI document: every route, its permission, its body schema."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass


@dataclass
class Operation:
    method: str
    path: str  # with path parameters filled in
    template: str
    permission: str
    body_schema: dict | None
    query_params: list[dict]
    multipart: bool = False


def _resolve(spec: dict, schema: dict | None) -> dict | None:
    if schema and "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return spec["components"]["schemas"][name]
    return schema


def operations(spec: dict) -> list[Operation]:
    out = []
    for template, item in spec["paths"].items():
        path = re.sub(r"\{[^}]+\}", str(uuid.uuid4()), template)
        for method, op in item.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            body = None
            content = op.get("requestBody", {}).get("content", {})
            if "application/json" in content:
                body = _resolve(spec, content["application/json"]["schema"])
            params = [p for p in op.get("parameters", []) if p.get("in") == "query"]
            out.append(Operation(method.upper(), path, template, op["x-permission"], body, params,
                                 multipart="multipart/form-data" in content))
    return out


def sample_value(prop: dict):
    """A valid-looking value of a property's type (validation of content may still refuse it)."""
    if "enum" in prop:
        return prop["enum"][0]
    t = prop.get("type")
    fmt = prop.get("format")
    if t == "string":
        if fmt == "uuid":
            return str(uuid.uuid4())
        if fmt == "date":
            return "2026-11-01"
        if fmt == "date-time":
            return "2026-11-01T10:00:00+08:00"
        if fmt == "email":
            return "a@example.com"
        if fmt == "decimal":
            return "1"
        return "x1-sample"
    if t == "integer":
        return 1
    if t == "number":
        return 1
    if t == "boolean":
        return True
    if t == "array":
        return [sample_value(prop.get("items", {}))]
    if t == "object":
        return {}
    return "x"


def wrong_type_value(prop: dict):
    t = prop.get("type")
    if t == "string" and prop.get("format") == "decimal":
        return "not-a-number"  # a decimal string also takes a JSON number
    if t in ("string",):
        return 12345
    if t in ("integer", "number"):
        return "not-a-number"
    if t == "boolean":
        return "not-a-bool"
    if t == "array":
        return "not-a-list"
    if t == "object":
        return "not-an-object"
    return None
