"""固定报表 The fixed reports' engine: every figure is a custom report (server/reports/custom).

A fixed report is rows of dimensions (a point, an engineer, a warehouse and item …) and columns of
figures. A ``Figure`` is one measure (a count, a sum) of one registry source under its own filters
and period, grouped by the report's dimensions: the custom engine runs it (the same registry
expressions, the same scoping rule), and the same spec with detail fields and each row's keys as
filters is the figure's drill, the documents behind it. So a figure and its drill cannot disagree.
A ``Derived`` column is worked out from a row's figures in Python (a rate, a profit, a closing
balance) and drills into the figure it names.
"""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...basedata.models import Brand, Item, ProductModel, Warehouse
from ...errors import InvalidInput
from ...org.models import Organisation
from ..custom.query import Report as Query
from ..custom.registry import sources
from ..custom.spec import ReportSpec

Words = dict[str, str]
CENT = decimal.Decimal("0.01")
WAREHOUSE_FIELDS = ("to_warehouse", "from_warehouse")


def w(zh: str, en: str) -> Words:
    return {"zh-CN": zh, "en": en}


@dataclass(frozen=True)
class Filter:
    """A filter a report takes: ``type`` org, date, reference (``lookup``: the base-data kind) or
    choice (``choices``: value → words; ``default``)."""

    key: str
    label: Words
    type: str
    lookup: str | None = None
    model: type | None = None
    choices: dict[str, Words] | None = None
    default: str | None = None


@dataclass(frozen=True)
class Dim:
    """A row dimension: its words and, per source, the registry field that carries it."""

    key: str
    label: Words
    fields: dict[str, str]


@dataclass(frozen=True)
class Figure:
    key: str
    label: Words
    type: str  # number or money
    source: str
    fn: str = "count"
    field: str | None = None
    filters: tuple[dict, ...] = ()
    period: str | None = None  # the date field the report's since/until bound
    before: bool = False  # the period is "up to the day before since" (an opening balance)
    through: bool = False  # the period is "up to until" (a closing balance)
    maps: dict[str, str] = dc_field(default_factory=dict)  # report filter key → source field (eq)
    dims: dict[str, str] = dc_field(default_factory=dict)  # dimension key → source field (else Dim.fields)
    hidden: bool = False  # an input of derived columns, not shown


@dataclass(frozen=True)
class Derived:
    key: str
    label: Words
    type: str  # number, money, percent, text
    compute: Callable[[dict], Any]
    drill: str | None = None  # the figure whose documents this column opens


@dataclass(frozen=True)
class FixedReport:
    key: str
    title: Words
    filters: tuple[str, ...]
    dims: Callable[[dict], list[Dim]]
    columns: Callable[[dict], list[Figure | Derived]]
    drill_fields: dict[str, list[str]]
    finish: Callable | None = None  # (session, filters, rows, total) → extra work on the rows (suggestions)

    def figures(self, filters: dict) -> list[Figure]:
        return [c for c in self.columns(filters) if isinstance(c, Figure)]

    def permissions(self) -> set[str]:
        """The read permission of every source a figure reads (the choice filters' defaults)."""
        every = {}
        for f in self.filters:
            if FILTERS[f].choices:
                for value in FILTERS[f].choices:
                    every.setdefault(f, []).append(value)
        perms = set()
        combos = [{}]
        for key, values in every.items():
            combos = [dict(c, **{key: v}) for c in combos for v in values]
        for combo in combos:
            for fig in self.figures({**self.defaults(), **combo}):
                perms.add(sources()[fig.source].permission)
        return perms

    def defaults(self) -> dict:
        return {f: FILTERS[f].default for f in self.filters if FILTERS[f].default is not None}


FILTERS: dict[str, Filter] = {f.key: f for f in (
    Filter("org_id", w("机构", "Organisation"), "org", "organisations", Organisation),
    Filter("since", w("开始日期", "From"), "date"),
    Filter("until", w("结束日期", "To"), "date"),
    Filter("brand_id", w("品牌", "Brand"), "reference", "brands", Brand),
    Filter("model_id", w("型号", "Model"), "reference", "models", ProductModel),
    Filter("item_id", w("产品", "Item"), "reference", "items", Item),
)}


def add_filter(f: Filter) -> Filter:
    """A report's own filter (a choice), known to every report by its key."""
    FILTERS[f.key] = f
    return f


# -- filters in ------------------------------------------------------------------------------

def check_filters(session: Session, report: FixedReport, given: Any, today: dt.date) -> dict:
    """The report's filters from the request body, each checked (a 422 naming ``filters.<key>``),
    defaults filled: the period is this month so far unless given."""
    if given is None:
        given = {}
    if not isinstance(given, dict):
        raise InvalidInput("filters", "an object of filters")
    out: dict[str, Any] = {}
    for key, value in given.items():
        where = f"filters.{key}"
        if key not in report.filters:
            raise InvalidInput(where, "this report does not take this filter")
        if value is None or value == "":
            continue
        f = FILTERS[key]
        if f.type == "date":
            try:
                out[key] = dt.date.fromisoformat(value) if isinstance(value, str) else None
            except ValueError:
                out[key] = None
            if out[key] is None or not 1900 <= out[key].year <= 9998:
                raise InvalidInput(where, "a date (YYYY-MM-DD)")
        elif f.type == "choice":
            if str(value) not in f.choices:
                raise InvalidInput(where, "one of " + ", ".join(f.choices))
            out[key] = str(value)
        else:
            try:
                ident = uuid.UUID(str(value))
            except ValueError:
                raise InvalidInput(where, "an id") from None
            if session.get(f.model, ident) is None:
                raise InvalidInput(where, "no such record")
            out[key] = ident
    for key, value in report.defaults().items():
        out.setdefault(key, value)
    if "days" in report.filters:  # the consumption period: the last N days up to today
        out["until"] = today
        out["since"] = today - dt.timedelta(days=int(out["days"]) - 1)
    if out.get("org_id") is not None:
        # Stock figures filter by the organisation's warehouses (a move has two sides).
        out["_warehouses"] = sorted(str(i) for i in session.execute(
            select(Warehouse.id).where(Warehouse.org_id == out["org_id"])).scalars())
    if "until" in report.filters:
        out.setdefault("until", today)
    if "since" in report.filters:
        out.setdefault("since", out["until"].replace(day=1))
        if out["since"] > out["until"]:
            raise InvalidInput("filters.since", "must not be after until")
        if (out["until"] - out["since"]).days > 3660:
            raise InvalidInput("filters.since", "at most ten years")
    return out


def resolved(session: Session, report: FixedReport, filters: dict, lang: str) -> dict:
    """The filters applied, each with the words a reader sees (a name, a date, a choice's word)."""
    out = {}
    for key in report.filters:
        f = FILTERS[key]
        v = filters.get(key)
        if v is None:
            out[key] = {"value": None, "label": label(w("全部", "All"), lang)}
        elif f.type == "date":
            out[key] = {"value": v.isoformat(), "label": v.isoformat()}
        elif f.type == "choice":
            out[key] = {"value": v, "label": label(f.choices[v], lang)}
        else:
            rec = session.get(f.model, v)
            out[key] = {"value": str(v), "label": getattr(rec, "name", str(v))}
    return out


def label(words: Words, lang: str) -> str:
    return words.get(lang) or words.get("en") or next(iter(words.values()))


# -- figures ---------------------------------------------------------------------------------

def _json(v: Any) -> Any:
    if isinstance(v, uuid.UUID):
        return str(v)
    if isinstance(v, (dt.date, decimal.Decimal)):
        return str(v) if isinstance(v, decimal.Decimal) else v.isoformat()
    if isinstance(v, (list, tuple)):
        return [_json(x) for x in v]
    if isinstance(v, dict):
        return {k: _json(x) for k, x in v.items()}
    return v


def _dim_field(fig: Figure, dim: Dim) -> str:
    return fig.dims.get(dim.key) or dim.fields[fig.source]


def figure_spec(fig: Figure, filters: dict, dims: list[Dim], keys: tuple | None = None,
                fields: list[str] | None = None) -> dict:
    """The custom report spec of a figure: grouped by the dimensions (keys None), or the documents
    behind one row's figure (keys: that row's dimension values)."""
    flts = [dict(f) for f in fig.filters]
    for key, fld in fig.maps.items():
        if filters.get(key) is None:
            continue
        if fld in WAREHOUSE_FIELDS:
            whs = filters["_warehouses"][:200]
            flts.append({"field": fld, "op": "in", "value": whs} if whs else {"field": fld, "op": "is_null", "value": True})
        else:
            flts.append({"field": fld, "op": "eq", "value": filters[key]})
    spec: dict[str, Any] = {"source": fig.source}
    if fig.period:
        since, until = filters.get("since"), filters.get("until")
        if fig.before:
            spec["date_range"] = {"field": fig.period, "until": since - dt.timedelta(days=1)}
        elif fig.through:
            spec["date_range"] = {"field": fig.period, "until": until}
        else:
            spec["date_range"] = {"field": fig.period, "since": since, "until": until}
    if keys is None:
        spec["groupings"] = [{"field": _dim_field(fig, d)} for d in dims]
        spec["measures"] = [{"fn": fig.fn, **({"field": fig.field} if fig.field else {})}]
    else:
        for d, k in zip(dims, keys):
            flts.append({"field": _dim_field(fig, d), "op": "is_null", "value": True} if k is None
                        else {"field": _dim_field(fig, d), "op": "eq", "value": k})
        spec["fields"] = list(fields or [])
    spec["filters"] = flts
    return _json(spec)


@dataclass
class Line:
    keys: tuple
    labels: list[Any]
    cells: dict[str, Any] = dc_field(default_factory=dict)
    extra: dict[str, Any] = dc_field(default_factory=dict)


def _run_figure(session: Session, fig: Figure, filters: dict, dims: list[Dim], lang: str, timezone: str):
    spec = ReportSpec().load(figure_spec(fig, filters, dims))
    q = Query(session, spec, lang=lang, timezone=timezone)
    leaves, rollup = q.aggregate()
    _, fn, fld = q.measures[0]
    return [(k, s, q.value(a[0], fn, fld)) for k, s, a in leaves], q.value(rollup[()][0], fn, fld)


def zero(fig: Figure) -> Any:
    """A figure with no records: 0, or a sum's zero with its field's places."""
    if fig.fn != "sum":
        return 0
    places = sources()[fig.source].by_key[fig.field].places
    return decimal.Decimal(0).scaleb(-(places if places is not None else 2))


def compute(session: Session, report: FixedReport, filters: dict, lang: str, timezone: str):
    """Rows (ordered by their dimensions' words) and the total, each with every column's value."""
    dims = report.dims(filters)
    columns = report.columns(filters)
    lines: dict[tuple, Line] = {}
    total = Line((), [])
    for fig in (c for c in columns if isinstance(c, Figure)):
        leaves, grand = _run_figure(session, fig, filters, dims, lang, timezone)
        for keys, shown, value in leaves:
            line = lines.setdefault(keys, Line(keys, list(shown)))
            line.cells[fig.key] = value
        total.cells[fig.key] = grand
    for line in [*lines.values(), total]:
        for fig in (c for c in columns if isinstance(c, Figure)):
            line.cells.setdefault(fig.key, zero(fig))
        for d in (c for c in columns if isinstance(c, Derived)):
            line.cells[d.key] = d.compute(line.cells)
    rows = sorted(lines.values(), key=lambda ln: [(v is None, str(v) if v is not None else "") for v in ln.labels])
    if report.finish:
        report.finish(session, filters, rows, total, dims)
    return dims, columns, rows, total


def drill(report: FixedReport, col: Figure | Derived, filters: dict, dims: list[Dim], keys: tuple | None,
          figures: dict[str, Figure]) -> dict | None:
    """The custom report spec listing the documents behind a cell (keys: the row's; None: the total)."""
    fig = col if isinstance(col, Figure) else figures.get(col.drill or "")
    if fig is None:
        return None
    return figure_spec(fig, filters, dims if keys else [], keys or (), report.drill_fields[fig.source])


def cell(v: Any, kind: str) -> Any:
    """A JSON cell: money as a string with 2 places (as the custom report answers), a percentage as
    a string with one place, counts as numbers."""
    if v is None:
        return None
    if isinstance(v, dict):
        return v  # words: the caller picks the reader's language
    if kind == "money":
        return str(decimal.Decimal(v).quantize(CENT, decimal.ROUND_HALF_UP))
    if kind == "percent":
        return str(decimal.Decimal(v).quantize(decimal.Decimal("0.1"), decimal.ROUND_HALF_UP))
    if isinstance(v, decimal.Decimal):
        return str(v)  # a quantity keeps its column's places, as the custom report answers
    return v
