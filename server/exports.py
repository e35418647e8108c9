"""Large Excel exports in constant memory: rows are written one by one to a temporary file
(XlsxWriter's ``constant_memory`` mode flushes each row and writes strings inline, so nothing
grows with the row count) and the finished file is streamed back in chunks, then deleted.

openpyxl's write-only mode keeps every distinct string in a shared-strings table in memory, which
for 100,000 orders with their IMEIs, phones and numbers is most of the file again.
"""

from __future__ import annotations

import datetime as dt
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from typing import Any

import xlsxwriter
from flask import Response

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CHUNK = 256 * 1024


def write_xlsx(path: str, header: list[str], rows: Iterable[list[Any]], widths: list[int] | None = None) -> int:
    """Header and rows into a new workbook at ``path``; answers the number of rows written.

    Every value is written as what it is, text as text (never a formula: an IMEI or a name starting
    with ``=`` stays text); dates as dates, money as numbers with two places."""
    wb = xlsxwriter.Workbook(path, {"constant_memory": True, "strings_to_formulas": False,
                                    "strings_to_numbers": False, "strings_to_urls": False,
                                    "tmpdir": os.path.dirname(path)})
    try:
        ws = wb.add_worksheet()
        bold = wb.add_format({"bold": True})
        date = wb.add_format({"num_format": "yyyy-mm-dd"})
        stamp = wb.add_format({"num_format": "yyyy-mm-dd hh:mm"})
        money = wb.add_format({"num_format": "0.00"})
        for c, w in enumerate(widths or []):
            ws.set_column(c, c, w)
        ws.write_row(0, 0, header, bold)
        ws.freeze_panes(1, 0)
        n = 0
        write_string, write_number, write_datetime = ws.write_string, ws.write_number, ws.write_datetime
        for n, row in enumerate(rows, start=1):
            for c, v in enumerate(row):
                if v is None or v == "":
                    continue
                if isinstance(v, str):
                    write_string(n, c, v)
                elif isinstance(v, bool):
                    ws.write_boolean(n, c, v)
                elif isinstance(v, Decimal):
                    write_number(n, c, float(v), money)
                elif isinstance(v, (int, float)):
                    write_number(n, c, v)
                elif isinstance(v, dt.datetime):
                    # Excel has no time zones: the time as the business reads it (the caller converts).
                    write_datetime(n, c, v.replace(tzinfo=None), stamp)
                elif isinstance(v, dt.date):
                    write_datetime(n, c, v, date)
                else:
                    write_string(n, c, str(v))
        return n
    finally:
        wb.close()


def xlsx_response(filename: str, header: list[str], rows: Iterable[list[Any]], widths: list[int] | None = None,
                  on_written: Callable[[int], None] | None = None) -> Response:
    """The workbook of ``rows`` as a download. It is written to a temporary file first (an .xlsx is a
    zip whose directory comes last), ``on_written`` is told the row count (to audit the export before
    anything is sent), then the file is streamed in chunks and removed."""
    fd, path = tempfile.mkstemp(prefix="aftercare-export-", suffix=".xlsx", dir=_tmpdir())
    os.close(fd)
    try:
        written = write_xlsx(path, header, rows, widths)
        if on_written is not None:
            on_written(written)
        size = os.path.getsize(path)
        f = open(path, "rb")  # noqa: SIM115 - closed by the generator
    except BaseException:
        os.unlink(path)
        raise
    os.unlink(path)  # the open handle keeps the data until it is closed (POSIX)

    def chunks() -> Iterator[bytes]:
        with f:
            while block := f.read(CHUNK):
                yield block

    return Response(chunks(), mimetype=XLSX_MIME, direct_passthrough=True,
                    headers={"Content-Disposition": f'attachment; filename="{filename}"', "Content-Length": str(size)})


def _tmpdir() -> str:
    # Beside the database and blobs, not in a small /tmp: a 100,000-row export is a few tens of MB.
    from .http import settings

    path = os.path.join(settings().var_dir, "tmp")
    os.makedirs(path, exist_ok=True)
    return path
