"""Ledger detail as an Excel workbook (§10.5, §10.6, bank and cash detail): the rows the screen
pages through, all of them, between the opening and the closing balance.

Rows are read in chunks (``yield_per``) and written by openpyxl's write-only workbook, which keeps
no cells in memory; the file is spooled to disk past 8 MB and streamed from there, so a long
ledger costs the server little memory. Headings are in the asker's language (``lang``); amounts
are numbers, text is quoted like every export (``quote_cell``: no formulas).
"""

from __future__ import annotations

import tempfile
from itertools import islice
from typing import IO, Iterator

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from sqlalchemy import Select
from sqlalchemy.orm import Session

from ..basedata.importexport import quote_cell
from . import queries as q

CHUNK = 1000
_WORDS = {
    "doc_date": {"zh-CN": "日期", "en": "Date"},
    "document": {"zh-CN": "单据", "en": "Document"},
    "document_number": {"zh-CN": "单号", "en": "Number"},
    "direction": {"zh-CN": "方向", "en": "Direction"},
    "amount": {"zh-CN": "金额", "en": "Amount"},
    "balance_after": {"zh-CN": "余额", "en": "Balance"},
    "memo": {"zh-CN": "摘要", "en": "Memo"},
    "opening": {"zh-CN": "期初余额", "en": "Opening balance"},
    "closing": {"zh-CN": "期末余额", "en": "Closing balance"},
    "receivable": {"zh-CN": "应收", "en": "Receivable"},
    "payable": {"zh-CN": "应付", "en": "Payable"},
}
MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _entries(session: Session, stmt: Select) -> Iterator[dict]:
    rows = iter(session.execute(stmt.execution_options(yield_per=CHUNK)))
    while chunk := [q.entry_row(r) for r in islice(rows, CHUNK)]:
        q.add_sources(session, chunk)
        yield from chunk


def write_ledger(session: Session, stmt: Select, span: dict, lang: str, *, directions: bool) -> tuple[IO[bytes], int]:
    """The workbook in a spooled file (rewound) and the number of entries written."""
    word = lambda key: _WORDS[key][lang]  # noqa: E731
    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append([word(k) for k in ("doc_date", "document", "document_number", *(("direction",) if directions else ()),
                                 "amount", "balance_after", "memo")])
    pad = [None] * (3 if directions else 2)

    def text(value: str):
        cell = WriteOnlyCell(ws, value=quote_cell(value))
        cell.data_type = "s"
        return cell

    ws.append([text(word("opening")), *pad, None, span["opening_balance"], None])
    count = 0
    for e in _entries(session, stmt):
        count += 1
        ws.append([e["doc_date"], text(e["document_label"][lang]), text(e["document_number"]),
                   *((text(word(e["direction"])),) if directions else ()), e["amount"], e["balance_after"], text(e["memo"])])
    ws.append([text(word("closing")), *pad, None, span["closing_balance"], None])
    out = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)
    wb.save(out)
    out.seek(0)
    return out, count


def stream(file: IO[bytes], size: int = 64 * 1024) -> Iterator[bytes]:
    try:
        while block := file.read(size):
            yield block
    finally:
        file.close()
