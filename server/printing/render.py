"""One rendering service: Jinja templates (``templates/print/``) → HTML, and → PDF by WeasyPrint.

What is expensive is made once per process and reused by every request: the Jinja environment
(templates compiled on first use), WeasyPrint's font configuration with the bundled Noto Sans SC
faces registered, and one parsed stylesheet per paper. A render then costs only the document's
own layout. WeasyPrint's font machinery (Pango, fontconfig) is not meant to be shared between
threads, so renders take a lock; a ticket renders in tens of milliseconds, and a process that
must print many documents at once is scaled out like any CPU-bound work.

Rendering fetches nothing: every image in a view-model is a data URL, and the document's URL
fetcher refuses every other scheme, so a hostile SVG signature cannot pull in a file or a URL.
"""

from __future__ import annotations

import atexit
import gc
import datetime as dt
import threading
import zlib
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import jinja2

from .fonts import FAMILY, FONT_DIR, font_paths
from .labels import LABELS, TERMS, count
from .qr import qr_png_data_url

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


@dataclass(frozen=True)
class Paper:
    name: str
    size: str  # CSS @page size
    margin: str
    # Thermal roll: laid out on a long page, then each page is cut to its content.
    roll: bool = False
    footer: bool = True  # "page x / y" at the foot


PAPERS = {
    "80mm": Paper("80mm", "80mm 1000mm", "3mm 4mm 4mm 4mm", roll=True, footer=False),
    "a5": Paper("a5", "A5", "9mm 9mm 12mm 9mm"),
    "a4": Paper("a4", "A4", "12mm 12mm 15mm 12mm"),
    "a4_landscape": Paper("a4_landscape", "A4 landscape", "10mm 10mm 13mm 10mm"),  # reports (fixed and custom)
    "label": Paper("label", "50mm 30mm", "1.5mm 2mm", footer=False),
}


class _FastZlib:
    """zlib as pydyf (WeasyPrint's PDF writer) sees it, compressing at level 1 where pydyf asks for
    9: on a ticket level 9 was a fifth of the PDF writing time for 7 % smaller files (40 KiB
    rather than 43), which matters to no printer."""

    def __getattr__(self, name):
        return getattr(zlib, name)

    @staticmethod
    def compressobj(*args, **kwargs):
        return zlib.compressobj(1)


def _compress_faster() -> None:
    import pydyf

    if not isinstance(pydyf.zlib, _FastZlib):
        pydyf.zlib = _FastZlib()


def money(value: Decimal | None) -> str:
    if value is None:
        return ""
    return f"-¥{-value:,.2f}" if value < 0 else f"¥{value:,.2f}"


def cost(value: Decimal | None) -> str:
    """A unit cost: two places, or up to the four the ledger keeps when they matter (¥401.3725)."""
    if value is None:
        return ""
    places = max(2, -value.normalize().as_tuple().exponent)
    text = f"{abs(value):,.{min(places, 4)}f}"
    return f"-¥{text}" if value < 0 else f"¥{text}"


def quantity(value: Decimal | None) -> str:
    if value is None:
        return ""
    return f"{value.normalize():f}"


def signed_quantity(value: Decimal | None) -> str:
    """A difference: +2, -3, 0."""
    if value is None:
        return ""
    return ("+" if value > 0 else "") + quantity(value)


def mask_phone(phone: str) -> str:
    """138****8000: the customer copy leaves the counter; the stub keeps the whole number."""
    return phone[:3] + "****" + phone[-4:] if len(phone) >= 8 else phone


def fmt_datetime(value: dt.datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else ""


def fmt_date(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def fields(pairs) -> str:
    """Label/value pairs as one text: ``label<TAB>value`` lines, empty values left out. A form
    prints it in one ``white-space: pre-wrap`` block whose tab stops align the values: WeasyPrint's
    cost is per box, and one block of ten lines costs about what one table row of two cells does."""
    return "\n".join(f"{label}\t{value}" for label, value in pairs if value not in (None, ""))


class Printer:
    """Renders a form's view-model to HTML or PDF. One per process (``printer()``)."""

    def __init__(self, templates: Path = TEMPLATES, font_dir: Path = FONT_DIR):
        self._fonts = font_paths(font_dir)
        self.env = jinja2.Environment(loader=jinja2.FileSystemLoader(templates), autoescape=True,
                                      undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                                      auto_reload=False)
        self.env.filters.update(money=money, cost=cost, qty=quantity, signed=signed_quantity, mask_phone=mask_phone,
                                dt=fmt_datetime, date=fmt_date, fields=fields)
        self.env.globals.update(qr=qr_png_data_url)
        self._base_css = (templates / "print" / "print.css").read_text(encoding="utf-8")
        self._lock = threading.Lock()
        self._font_config = None
        self._stylesheets: dict[str, list] = {}

    # -- HTML ------------------------------------------------------------------------------

    def _context(self, vm: Any, paper: Paper, lang: str) -> dict:
        return {"vm": vm, "paper": paper.name, "lang": lang, "t": LABELS[lang],
                "terms": {k: v[lang] for k, v in TERMS.items()}, "count": lambda n, what: count(n, what, lang)}

    def page_css(self, paper: Paper) -> str:
        footer = ""
        if paper.footer:
            footer = ('@bottom-right { content: counter(page) " / " counter(pages); font-size: 7pt; color: #444; '
                      f"font-family: '{FAMILY}'; }}")
        return f"@page {{ size: {paper.size}; margin: {paper.margin}; {footer} }}"

    def html(self, template: str, vm: Any, paper: Paper, lang: str) -> str:
        """A standalone page for the browser's own print dialog: styles inline; the browser's
        Noto Sans SC (the PWA ships it) or its own CJK font draws the text."""
        body = self.env.get_template(template).render(**self._context(vm, paper, lang))
        css = f"{self._base_css}\n{self.page_css(paper)}"
        return body.replace("</head>", f"<style>{css}</style></head>", 1)

    # -- PDF -------------------------------------------------------------------------------

    def _setup(self, paper: Paper) -> list:
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration
        from weasyprint.urls import URLFetcher

        if self._font_config is None:
            self._font_config = FontConfiguration()
            _compress_faster()
        sheets = self._stylesheets.get(paper.name)
        if sheets is None:
            faces = "".join(
                f"@font-face {{ font-family: '{FAMILY}'; font-weight: {weight}; src: url('{path.as_uri()}'); }}\n"
                for weight, path in self._fonts.items())
            # Only the bundled font files may be read while the stylesheet is parsed.
            fetcher = URLFetcher(allowed_protocols={"file"})
            sheets = [CSS(string=faces + self._base_css + self.page_css(paper), font_config=self._font_config,
                          url_fetcher=fetcher)]
            self._stylesheets[paper.name] = sheets
        return sheets

    def pdf(self, template: str, vm: Any, paper: Paper, lang: str) -> bytes:
        from weasyprint import HTML
        from weasyprint.urls import URLFetcher

        body = self.env.get_template(template).render(**self._context(vm, paper, lang))
        with self._lock:
            sheets = self._setup(paper)
            doc = HTML(string=body, url_fetcher=URLFetcher(allowed_protocols={"data"})).render(
                stylesheets=sheets, font_config=self._font_config)
            if paper.roll:
                _cut_to_content(doc)
            return doc.write_pdf()

    def close(self) -> None:
        """Drop the font configuration (and its temporary font folder) while the interpreter is
        still whole; left to interpreter shutdown, WeasyPrint's cleanup finds its modules gone."""
        with self._lock:
            self._stylesheets.clear()
            self._font_config = None

    def warm(self) -> None:
        """Load fonts and stylesheets now rather than on the first request. What is loaded by
        then (modules, fonts, stylesheets, templates) lives as long as the process: frozen out of
        the garbage collector's sight, so the full collections a render's many short-lived boxes
        trigger (about one every 40 tickets) do not walk it all again (50 ms each, measured)."""
        with self._lock:
            for paper in PAPERS.values():
                self._setup(paper)
        gc.collect()
        gc.freeze()


def _cut_to_content(doc) -> None:
    """A thermal roll has no page length: cut each page just below its content (plus the bottom
    margin). The layout is top-down and nothing is anchored to the page's foot, so shortening
    the page moves nothing. Containers stretch to the page's end, so the content's end is that of
    its lowest leaf box (a line of text, an image, a signature rule)."""
    for page in doc.pages:
        box = page._page_box
        bottom = 0.0
        stack = list(box.children)
        while stack:
            child = stack.pop()
            kids = getattr(child, "children", None)
            if kids:
                stack.extend(kids)
            else:
                bottom = max(bottom, child.position_y + child.margin_height())
        page.height = min(page.height, bottom + box.margin_bottom)


_printer: Printer | None = None
_printer_lock = threading.Lock()


def printer() -> Printer:
    global _printer
    if _printer is None:
        with _printer_lock:
            if _printer is None:
                _printer = Printer()
                atexit.register(_printer.close)
    return _printer
