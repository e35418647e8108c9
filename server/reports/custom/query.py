"""The custom report's queries, built with SQLAlchemy Core from the registry's expressions only.

Two statements per report, both scoped by the source's ``scope_criteria`` (the rule every list
follows; the session's scoping adds the same criteria again):
- the aggregate: GROUP BY every grouping, with partial figures per measure (count, sum, count of
  values, min, max), from which every subtotal and the grand total are rolled up in Python — exact
  (Decimal), and the same on both backends (an average is a sum over a count, never SQL's AVG of
  scaled integers on SQLite);
- the details (when the report has fields): one row per record, ordered by the groupings, read
  with ``yield_per`` (a server-side cursor on PostgreSQL), so an export streams.

``assemble`` interleaves leaf rows (details, or the aggregate's own rows) with subtotal rows as
the group keys change, and the grand total last: one generator for the JSON answer and the
workbook alike.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Date, bindparam, cast, func, literal, or_, select, type_coerce
from sqlalchemy.orm import Session

from ...auth.principal import get_principal
from ...errors import InvalidInput
from .registry import Field, Source
from .spec import measure_key, the_source

MAX_GROUPS = 20_000
YIELD_PER = 2000
CENT = decimal.Decimal("0.01")

PERIOD_WORDS = {"day": {"zh-CN": "日", "en": "day"}, "week": {"zh-CN": "周", "en": "week"},
                "month": {"zh-CN": "月", "en": "month"}, "year": {"zh-CN": "年", "en": "year"}}
FN_WORDS = {"count": {"zh-CN": "笔数", "en": "Count"}, "sum": {"zh-CN": "合计", "en": "sum"},
            "avg": {"zh-CN": "平均", "en": "average"}, "min": {"zh-CN": "最小", "en": "min"},
            "max": {"zh-CN": "最大", "en": "max"}}
ROW_WORDS = {"subtotal": {"zh-CN": "小计", "en": "Subtotal"}, "total": {"zh-CN": "合计", "en": "Total"}}


@dataclass(frozen=True)
class Column:
    key: str
    role: str  # group, field, measure
    label: dict[str, str]
    type: str  # the registry's types; a count is a number
    by: str | None = None  # a grouping's period
    fn: str | None = None
    choices: dict[Any, dict[str, str]] | None = None  # a choice's (a flag's) words per value


@dataclass
class Row:
    type: str  # detail, group, subtotal, total
    level: int  # how many group keys the row carries
    groups: list[Any]  # shown values (a reference's label, a period's first day)
    fields: list[Any] = field(default_factory=list)
    measures: list[Any] = field(default_factory=list)


class Acc:
    """Partial figures of one measure, combinable: count, sum, number of values, min, max."""

    __slots__ = ("count", "sum", "n", "min", "max")

    def __init__(self, count=0, sum=None, n=0, min=None, max=None):  # noqa: A002
        self.count, self.sum, self.n, self.min, self.max = count, sum, n, min, max

    def add(self, o: "Acc") -> None:
        self.count += o.count
        self.n += o.n
        if o.sum is not None:
            self.sum = o.sum if self.sum is None else self.sum + o.sum
        if o.min is not None and (self.min is None or o.min < self.min):
            self.min = o.min
        if o.max is not None and (self.max is None or o.max > self.max):
            self.max = o.max


class Report:
    """A checked spec bound to its source, the reader's session, language and time zone."""

    def __init__(self, session: Session, spec: dict, *, lang: str, timezone: str):
        self.session, self.spec, self.lang = session, spec, lang
        self.tz = ZoneInfo(timezone)
        self.src: Source = the_source(spec)
        self.dialect = session.get_bind().dialect.name
        f = self.src.by_key
        self.groupings = [(f[g["field"]], g.get("by")) for g in spec["groupings"]]
        self.fields = [f[k] for k in spec["fields"]]
        self.measures = [(measure_key(m), m["fn"], f.get(m.get("field") or "")) for m in spec["measures"]]
        self.depth = len(self.groupings)
        self._refs: dict[str, Any] = {}

    # -- columns -----------------------------------------------------------------------------

    def columns(self) -> list[Column]:
        out = []
        for fld, by in self.groupings:
            label = fld.label if not by else {lang: f"{fld.label[lang]}（{PERIOD_WORDS[by][lang]}）" if lang == "zh-CN"
                                              else f"{fld.label[lang]} ({PERIOD_WORDS[by][lang]})" for lang in fld.label}
            out.append(Column(fld.key, "group", label, fld.type, by=by, choices=fld.choices))
        out += [Column(fld.key, "field", fld.label, fld.type, choices=fld.choices) for fld in self.fields]
        for key, fn, fld in self.measures:
            if fn == "count" and fld is None:
                label, typ = FN_WORDS["count"], "number"
            elif fn == "count":
                label = {"zh-CN": f"{fld.label['zh-CN']}{FN_WORDS['count']['zh-CN']}",
                         "en": f"{fld.label['en']} (count)"}
                typ = "number"
            else:
                label = {"zh-CN": f"{fld.label['zh-CN']}{FN_WORDS[fn]['zh-CN']}",
                         "en": f"{fld.label['en']} ({FN_WORDS[fn]['en']})"}
                typ = fld.type
            out.append(Column(key, "measure", label, typ, fn=fn))
        return out

    # -- expressions --------------------------------------------------------------------------

    def _ref_alias(self, fld: Field):
        if fld.key not in self._refs:
            self._refs[fld.key] = fld.ref.model.__table__.alias(f"ref_{fld.key}")
        return self._refs[fld.key]

    def shown(self, fld: Field):
        """What a field shows: a reference's label column, else the column."""
        if fld.type == "reference":
            return self._ref_alias(fld).c[fld.ref.label]
        return fld.column

    def _period(self, fld: Field, by: str):
        """The first day of the period the value falls in (datetimes in the business time zone)."""
        col = fld.column
        if self.dialect == "postgresql":
            local = func.timezone(_const(self.tz.key), col) if fld.type == "datetime" else col
            if by == "day":
                return cast(local, Date)
            return cast(func.date_trunc(_const(by), local), Date)
        # SQLite keeps UTC text: shift by the zone's offset (exact for zones without daylight saving).
        mods = []
        if fld.type == "datetime":
            offset = dt.datetime.now(self.tz).utcoffset() or dt.timedelta()
            mods.append(f"{int(offset.total_seconds() // 60):+d} minutes")
        mods += {"day": [], "week": ["weekday 0", "-6 days"], "month": ["start of month"],
                 "year": ["start of year"]}[by]
        return type_coerce(func.date(col, *[_const(m) for m in mods]), Date)

    def group_key(self, fld: Field, by: str | None):
        if by:
            return self._period(fld, by)
        return fld.column

    def _base(self, *columns):
        src = self.src
        stmt = select(*columns).select_from(src.root)
        for model, on in src.joins:
            stmt = stmt.join(model, on)
        used = {f.key: f for f in [*self.fields, *(g for g, _ in self.groupings)]}
        used.update({self.src.by_key[flt["field"]].key: self.src.by_key[flt["field"]] for flt in self.spec["filters"]})
        used.update({s["key"]: self.src.by_key[s["key"]] for s in self.spec["sort"] if s["key"] in self.src.by_key})
        for fld in used.values():
            if fld.type == "reference":
                alias = self._ref_alias(fld)
                stmt = stmt.outerjoin(alias, alias.c.id == fld.column)
        stmt = stmt.where(*src.where, *self._filters(), *self._date_range())
        principal = get_principal(self.session)
        if not principal.sees_all:
            stmt = stmt.where(src.scope.scope_criteria(principal.visible_org_ids))
        return stmt

    def _filters(self) -> list:
        out = []
        for flt in self.spec["filters"]:
            fld = self.src.by_key[flt["field"]]
            op, v = flt["op"], flt.get("value")
            col = self.shown(fld) if (fld.type == "reference" and op == "contains") else fld.column
            if fld.type == "datetime" and op != "is_null":
                v = [self._aware(x) for x in v] if isinstance(v, list) else self._aware(v)
            out.append({
                "eq": lambda: col == v, "ne": lambda: or_(col != v, col.is_(None)), "in": lambda: col.in_(v),
                "lt": lambda: col < v, "le": lambda: col <= v, "gt": lambda: col > v, "ge": lambda: col >= v,
                "between": lambda: col.between(v[0], v[1]),
                "contains": lambda: col.icontains(v, autoescape=True),
                "is_null": lambda: col.is_(None) if v else col.is_not(None),
            }[op]())
        return out

    def _aware(self, v: dt.datetime) -> dt.datetime:
        return v.replace(tzinfo=self.tz) if v.tzinfo is None else v

    def _date_range(self) -> list:
        dr = self.spec.get("date_range")
        if not dr:
            return []
        fld = self.src.by_key[dr["field"]]
        since, until = dr.get("since"), dr.get("until")
        if fld.type == "datetime":
            start = lambda d: dt.datetime.combine(d, dt.time(), tzinfo=self.tz)  # noqa: E731
            since = since and start(since)
            until = until and start(until + dt.timedelta(days=1))
            return [c for c in (since and fld.column >= since, until and fld.column < until) if c is not None]
        return [c for c in (since and fld.column >= since, until and fld.column <= until) if c is not None]

    # -- the aggregate ------------------------------------------------------------------------

    def _partials(self):
        cols, layout = [], []
        for key, fn, fld in self.measures:
            col = fld.column if fld is not None else None
            if fn == "count":
                cols.append(func.count(col) if col is not None else func.count())
                layout.append(("count",))
            elif fn == "sum":
                cols.append(func.sum(col))
                layout.append(("sum",))
            elif fn == "avg":
                cols += [func.sum(col), func.count(col)]
                layout.append(("sum", "n"))
            else:
                cols.append(getattr(func, fn)(col))
                layout.append((fn,))
        return cols, layout

    def aggregate(self) -> tuple[list[tuple[tuple, tuple, list[Acc]]], dict[tuple, list[Acc]]]:
        """Leaf groups in order ``(keys, shown, accs)`` and every prefix's rolled-up figures."""
        keys = [self.group_key(f, by) for f, by in self.groupings]
        shown = [self.shown(f) if f.type == "reference" else k for (f, _), k in zip(self.groupings, keys)]
        partial_cols, layout = self._partials()
        extra = [s for (f, _), s in zip(self.groupings, shown) if f.type == "reference"]
        stmt = self._base(*keys, *extra, *partial_cols)
        if keys:
            stmt = stmt.group_by(*keys, *extra).order_by(*self._group_order(keys, shown, partial_cols, layout))
        rows = self.session.execute(stmt.limit(MAX_GROUPS + 1)).all()
        if len(rows) > MAX_GROUPS:
            raise InvalidInput("groupings", "more than 20,000 groups: group by fewer or coarser fields, or filter")
        leaves, rollup = [], {}
        n_keys, n_extra = len(keys), len(extra)
        for row in rows:
            k = tuple(row[:n_keys])
            labels = iter(row[n_keys:n_keys + n_extra])
            s = tuple(next(labels) if f.type == "reference" else v for (f, _), v in zip(self.groupings, k))
            vals = iter(row[n_keys + n_extra:])
            accs = []
            for parts in layout:
                a = Acc()
                for p in parts:
                    setattr(a, "count" if p == "count" else p, next(vals))
                accs.append(a)
            leaves.append((k, s, accs))
            for i in range(n_keys + 1):
                into = rollup.get(k[:i])
                if into is None:
                    rollup[k[:i]] = [_copy(a) for a in accs]
                else:
                    for x, a in zip(into, accs):
                        x.add(a)
        rollup.setdefault((), [Acc() for _ in layout])
        return leaves, rollup

    def _group_order(self, keys, shown, partial_cols, layout) -> list:
        """Groups in key order (a reference by its label), a sort's direction per grouping; a sort
        by a measure orders the innermost groups within their parent."""
        desc = {s["key"]: s["desc"] for s in self.spec["sort"]}
        order = []
        for (fld, _), k, s in zip(self.groupings[:-1], keys[:-1], shown[:-1]):
            order += [_dir(x, desc.get(fld.key)) for x in ((s, k) if fld.type == "reference" else (k,))]
        col_of = {}
        i = 0
        for (key, _, _), parts in zip(self.measures, layout):
            col_of[key] = partial_cols[i]
            i += len(parts)
        for s in self.spec["sort"]:
            if s["key"] in col_of:
                order.append(_dir(col_of[s["key"]], s["desc"]))
        fld = self.groupings[-1][0]
        order += [_dir(x, desc.get(fld.key)) for x in ((shown[-1], keys[-1]) if fld.type == "reference" else (keys[-1],))]
        return order

    # -- details ------------------------------------------------------------------------------

    def details(self, limit: int | None) -> Iterator[tuple[tuple, tuple, list, list]]:
        """Detail rows ordered by the groupings: ``(keys, shown, field values, measure inputs)``."""
        keys = [self.group_key(f, by) for f, by in self.groupings]
        g_shown = [self.shown(f) for f, _ in self.groupings]
        f_cols = [self.shown(f) for f in self.fields]
        m_cols = [f.column if f is not None and fn != "count" else literal(None) for _, fn, f in self.measures]
        stmt = self._base(*keys, *g_shown, *f_cols, *m_cols)
        desc = {s["key"]: s["desc"] for s in self.spec["sort"]}
        order = []
        for (fld, _), k, s in zip(self.groupings, keys, g_shown):
            order += [_dir(x, desc.get(fld.key)) for x in ((s, k) if fld.type == "reference" else (k,))]
        order += [_dir(self.shown(self.src.by_key[s["key"]]), s["desc"]) for s in self.spec["sort"]
                  if s["key"] not in {f.key for f, _ in self.groupings}]
        order.append(self.src.root.id)
        stmt = stmt.order_by(*order)
        if limit is not None:
            stmt = stmt.limit(limit)
        n, nf = len(keys), len(f_cols)
        result = self.session.execute(stmt.execution_options(yield_per=YIELD_PER))
        try:
            for row in result:
                k = tuple(row[:n])
                s = tuple(row[n + i] if f.type == "reference" else k[i] for i, (f, _) in enumerate(self.groupings))
                yield k, s, list(row[2 * n:2 * n + nf]), list(row[2 * n + nf:])
        finally:
            result.close()

    # -- rows ---------------------------------------------------------------------------------

    def value(self, acc: Acc, fn: str, fld: Field | None) -> Any:
        if fn == "count":
            return acc.count
        if fn == "sum":
            if acc.sum is not None:
                return acc.sum
            return 0 if fld.places == 0 else decimal.Decimal(0).scaleb(-(fld.places or 0))  # a sum of nothing
        if fn == "avg":
            if not acc.n:
                return None
            places = fld.places if fld.places is not None else 2
            return (decimal.Decimal(acc.sum) / acc.n).quantize(decimal.Decimal(1).scaleb(-max(places, 2)),
                                                                rounding=decimal.ROUND_HALF_UP)
        return getattr(acc, fn)

    def _measure_values(self, accs: list[Acc]) -> list[Any]:
        return [self.value(a, fn, fld) for a, (_, fn, fld) in zip(accs, self.measures)]

    def rows(self, limit: int | None = None) -> tuple[Iterator[Row], dict]:
        """The report's rows (details or groups, subtotals, the total) and facts about them
        (``truncated`` once the generator is spent)."""
        leaves, rollup = self.aggregate()
        facts = {"truncated": False, "groups": len(leaves)}
        if self.fields:
            sub_levels = self.depth
            wanted = None if limit is None else limit + 1

            def stream():
                for i, (k, s, vals, inputs) in enumerate(self.details(wanted)):
                    if limit is not None and i >= limit:
                        facts["truncated"] = True
                        return
                    yield k, s, Row("detail", self.depth, list(s), vals, inputs)
            leaf_iter = stream()
        else:
            sub_levels = max(self.depth - 1, 0)
            if limit is not None and len(leaves) > limit:
                facts["truncated"] = True
            shown = leaves if limit is None else leaves[:limit]
            leaf_iter = ((k, s, Row("group", self.depth, list(s), [], self._measure_values(a)))
                         for k, s, a in shown) if self.depth else iter(())
        return self._assemble(leaf_iter, sub_levels, rollup), facts

    def _assemble(self, leaves, sub_levels: int, rollup) -> Iterator[Row]:
        prev: tuple | None = None
        prev_shown: tuple = ()
        for k, s, row in leaves:
            if prev is not None:
                differs = next((i for i in range(sub_levels) if k[i] != prev[i]), None)
                if differs is not None:
                    yield from self._close(prev, prev_shown, sub_levels, differs, rollup)
            yield row
            prev, prev_shown = k, s
        if prev is not None:
            yield from self._close(prev, prev_shown, sub_levels, 0, rollup)
        yield Row("total", 0, [], [], self._measure_values(rollup[()]))

    def _close(self, keys, shown, sub_levels, down_to, rollup) -> Iterator[Row]:
        for level in range(sub_levels, down_to, -1):
            accs = rollup.get(keys[:level]) or [Acc() for _ in self.measures]
            yield Row("subtotal", level, list(shown[:level]), [], self._measure_values(accs))

    def presented(self, rows: Iterator[Row], columns: list[Column]) -> Iterator[Row]:
        """The rows with each choice (and flag) in the reader's words instead of its code."""
        groups = [c.choices for c in columns if c.role == "group"]
        fields = [c.choices for c in columns if c.role == "field"]
        words = lambda choices, v: _word(choices, v, self.lang) if choices and v is not None else v  # noqa: E731
        if not any(groups) and not any(fields):
            yield from rows
            return
        for row in rows:
            row.groups = [words(c, v) for c, v in zip(groups, row.groups)]
            row.fields = [words(c, v) for c, v in zip(fields, row.fields)]
            yield row

    # -- pivot --------------------------------------------------------------------------------

    def pivot(self) -> dict:
        """First grouping as rows, second as columns: each cell the measures, with both margins."""
        leaves, rollup = self.aggregate()
        col_keys: dict[Any, Any] = {}
        rows: dict[Any, dict] = {}
        col_acc: dict[Any, list[Acc]] = {}
        for k, s, accs in leaves:
            col_keys.setdefault(k[1], s[1])
            r = rows.setdefault(k[0], {"label": s[0], "cells": {}})
            r["cells"][k[1]] = accs
            into = col_acc.setdefault(k[1], [Acc() for _ in accs])
            for x, a in zip(into, accs):
                x.add(a)
        order = sorted(col_keys, key=lambda c: _sortable(col_keys[c]))
        return {
            "columns": [col_keys[c] for c in order],
            "rows": [{"label": r["label"],
                      "cells": [self._measure_values(r["cells"][c]) if c in r["cells"] else None for c in order],
                      "total": self._measure_values(rollup[(k,)])} for k, r in rows.items()],
            "totals": [self._measure_values(col_acc[c]) for c in order],
            "total": self._measure_values(rollup[()]),
        }


def _word(choices: dict, value: Any, lang: str) -> Any:
    words = choices.get(value)
    return words.get(lang) or words.get("en") if words else value


def _const(value: str):
    """A constant of the code (a period, a zone), rendered into the SQL: a bound parameter would be
    a different one in SELECT and GROUP BY, which PostgreSQL then takes for another expression."""
    return bindparam(None, value, literal_execute=True)


def _copy(a: Acc) -> Acc:
    return Acc(a.count, a.sum, a.n, a.min, a.max)


def _dir(col, desc: bool | None):
    return col.desc() if desc else col.asc()


def _sortable(v: Any) -> tuple:
    return (v is None, str(v) if v is not None else "")

