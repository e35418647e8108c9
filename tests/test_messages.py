"""Every message a person may read from the server has its zh-CN words in server/messages.py.

The walk reads the source (AST) of server/ and sync/: every literal message given to a domain
error (InvalidInput and its kin, Conflict, NotFound, Forbidden, TransitionRefused …), to
marshmallow's ValidationError or a validator's ``error=``, the field messages of an ``errors``
dict, and what the ``*_problem``/``*_rule(s)`` checks return. f-strings count as templates (each
``{…}`` one placeholder). A new message therefore cannot ship untranslated.
"""

from __future__ import annotations

import ast
from pathlib import Path

import marshmallow as ma
import pytest

from server import messages

ROOT = Path(__file__).resolve().parent.parent
ERRORS = {"DomainError", "InvalidInput", "Unauthorized", "Forbidden", "NotFound", "Conflict", "TransitionRefused",
          "PeriodClosed", "TooManyAttempts", "ValidationError", "Problem"}
FIELD_FIRST = {"InvalidInput", "PeriodClosed", "Problem"}  # (field, message); Problem: a sync event's


def _sources() -> dict[Path, ast.Module]:
    files = [p for d in ("server", "sync") for p in (ROOT / d).rglob("*.py") if "migrations" not in p.parts]
    return {p: ast.parse(p.read_text(), filename=str(p)) for p in files}


def _name(node: ast.AST) -> str | None:
    return node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", None)


def shape(node: ast.AST | None) -> str | None:
    """A literal message with its placeholders as ``{}``; None when the message is computed."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(v.value if isinstance(v, ast.Constant) else "{}" for v in node.values)
    return None


def _error_classes(trees) -> tuple[set[str], set[str]]:
    """The error names and those taking (field, message), subclasses found in the source included."""
    names, field_first = set(ERRORS), set(FIELD_FIRST)
    grew = True
    while grew:
        grew = False
        for tree in trees.values():
            for node in ast.walk(tree):
                if isinstance(node, ast.ClassDef) and node.name not in names:
                    bases = {_name(b) for b in node.bases}
                    if bases & names:
                        names.add(node.name)
                        if bases & field_first and not _message_first(node):
                            field_first.add(node.name)
                        grew = True
    return names, field_first


def _message_first(cls: ast.ClassDef) -> bool:
    """A subclass whose own __init__ takes the message first (``FileProblem(message)``)."""
    init = next((n for n in cls.body if isinstance(n, ast.FunctionDef) and n.name == "__init__"), None)
    return init is not None and len(init.args.args) > 1 and init.args.args[1].arg == "message"


def _arg(call: ast.Call, index: int, keyword: str) -> ast.AST | None:
    if len(call.args) > index:
        return call.args[index]
    return next((k.value for k in call.keywords if k.arg == keyword), None)


def _messages_of_errors_dict(node: ast.AST | None):
    if isinstance(node, ast.Dict):
        for value in node.values:
            if isinstance(value, (ast.List, ast.Tuple)):
                yield from value.elts
            elif isinstance(value, ast.ListComp):  # [f"may not grant {r}" for r in beyond]
                yield value.elt
            else:
                yield value


def collect() -> dict[str, list[str]]:
    """message shape → where it is written."""
    trees = _sources()
    names, field_first = _error_classes(trees)
    found: dict[str, list[str]] = {}

    def add(node, where):
        s = shape(node)
        if s is not None:
            found.setdefault(s, []).append(where)

    for path, tree in trees.items():
        rel = path.relative_to(ROOT)
        for node in ast.walk(tree):
            where = f"{rel}:{getattr(node, 'lineno', 0)}"
            if isinstance(node, ast.Call):
                name = _name(node.func)
                if name in names:
                    first = 1 if name in field_first else 0
                    message = _arg(node, first, "message")
                    if isinstance(message, ast.Dict):  # ValidationError({field: [msg]})
                        for m in _messages_of_errors_dict(message):
                            add(m, where)
                    else:
                        add(message, where)
                    for m in _messages_of_errors_dict(_arg(node, first + 1, "errors")):
                        add(m, where)
                for k in node.keywords:
                    if k.arg == "error":
                        add(k.value, where)
            elif isinstance(node, ast.FunctionDef) and node.name.endswith(("problem", "_rule", "_rules")):
                for ret in ast.walk(node):
                    if isinstance(ret, ast.Return) and ret.value is not None:
                        for v in (ret.value.body, ret.value.orelse) if isinstance(ret.value, ast.IfExp) else (ret.value,):
                            add(v, where)
            elif isinstance(node, ast.Assign) and any(_name(t) and _name(t).endswith("MESSAGE") for t in node.targets):
                add(node.value, where)
    return found


def marshmallow_messages() -> set[str]:
    """marshmallow's standard messages, as it formats them (Range's operators spelled out)."""
    out: set[str] = set()
    for cls in vars(ma.fields).values():
        if isinstance(cls, type):
            for c in cls.__mro__:
                out.update(getattr(c, "default_error_messages", {}).values())
    out.update(ma.Schema._default_error_messages.values())
    for v in (ma.validate.Length(min=1), ma.validate.Length(max=1), ma.validate.Length(min=1, max=2),
              ma.validate.Length(equal=1), ma.validate.OneOf([]), ma.validate.Regexp(""), ma.validate.URL(),
              ma.validate.Email(), ma.validate.Equal(1), ma.validate.NoneOf([]), ma.validate.ContainsOnly([]),
              ma.validate.ContainsNoneOf([])):
        for attr in ("message_min", "message_max", "message_all", "message_equal", "error", "default_message"):
            if isinstance(getattr(v, attr, None), str):
                out.add(getattr(v, attr))
    for kw in ({"min": 1}, {"max": 1}, {"min": 1, "max": 2}, {"min": 1, "min_inclusive": False},
               {"max": 1, "max_inclusive": False}, {"min": 1, "max": 2, "min_inclusive": False, "max_inclusive": False}):
        with pytest.raises(ma.ValidationError) as err:
            ma.validate.Range(**kw)(0 if "min" in kw else 5)
        out.add(_unformat(err.value.messages[0], kw))
    return {m.replace("{{", "{").replace("}}", "}") for m in out}


def _unformat(text: str, kw: dict) -> str:
    for key in ("min", "max"):
        if key in kw:
            text = text.replace(str(kw[key]), "{%s}" % key, 1)
    return text


def _machine_codes() -> set[str]:
    """Codes a field carries on purpose (read by the PWA with the exported machine, not words)."""
    from server.auth.permissions import PERMISSIONS
    from server.repair import statemachine as sm

    from server.exchange import statemachine as xm

    return set(sm.GUARDS) | set(xm.GUARDS) | set(PERMISSIONS)


def test_every_message_of_the_source_has_zh_cn_words():
    codes = _machine_codes()
    missing = {s: where for s, where in collect().items() if not messages.has(s) and s not in codes}
    assert not missing, "messages without zh-CN words in server/messages.py:\n" + "\n".join(
        f"  {s!r}  ({', '.join(where[:3])})" for s, where in sorted(missing.items()))


def test_marshmallow_standard_messages_have_zh_cn_words():
    missing = sorted(m for m in marshmallow_messages() if not messages.has(messages.shape(m)))
    assert not missing, f"marshmallow messages without zh-CN words: {missing}"


def test_catalogue_templates_keep_their_placeholders():
    for en, zh in messages.CATALOGUE.items():
        assert sorted(messages.placeholders(en)) == sorted(messages.placeholders(zh)), en
        assert zh.strip() and not zh.isascii() or en == zh, f"{en!r}: zh-CN looks untranslated"


def test_translate_exact_template_and_prefixed():
    tr = messages.translate
    assert tr("must be positive", "zh-CN") == "须大于零"
    assert tr("must be positive", "en") == "must be positive"
    assert tr("more than the deposit held (50.00)", "zh-CN") == "超过已收押金（50.00）"
    assert tr("Longer than maximum length 80.", "zh-CN") == "最多 80 个字符"
    # a field-prefixed message (InvalidInput's top message) keeps the field, translates the rest
    assert tr("amount: must be positive", "zh-CN") == "amount: 须大于零"
    # a placeholder's own words are translated too (a state's label inside a refusal)
    assert "待维修" in tr("Start repair: not allowed while the order is Pending repair", "zh-CN")
    # unknown text (a machine code) is left as it is
    assert tr("device_here", "zh-CN") == "device_here"


@pytest.mark.parametrize("header, expected", [
    ("zh-CN,zh;q=0.9,en;q=0.8", "zh-CN"), ("zh", "zh-CN"), ("en-US,en;q=0.9", "en"), ("", "en"), ("fr", "en"),
])
def test_language_of_accept_language(header, expected):
    assert messages.language_of(header) == expected
