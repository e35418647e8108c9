"""Printing benchmark: 200 intake tickets (80 mm, two copies each, every one a different order)
and a 500-line packing list (A4), through the same rendering service the API uses.

The ticket figure is the median wall time of one PDF once the service is warm (fonts,
stylesheets, templates loaded; 10 tickets rendered first); CPU time per ticket is printed too,
since on a shared machine the wall time includes waiting for a core. Ends with
``print ticket_ms=<median> packing_s=<seconds>``.
"""

from __future__ import annotations

import dataclasses
import os
import re
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from server.printing.forms import FORMS  # noqa: E402
from server.printing.qr import order_token  # noqa: E402
from server.printing.render import PAPERS, printer  # noqa: E402
from server.ids import uuid7  # noqa: E402
from tests import print_samples as samples  # noqa: E402

TICKETS = 200
WARM_UP = 10
PACKING_LINES = 500


def main() -> None:
    p = printer()
    t0 = time.perf_counter()
    p.warm()
    print(f"service start (fonts, stylesheets): {time.perf_counter() - t0:.2f} s")
    ticket = FORMS["intake-ticket"]
    base = samples.intake_ticket()
    tickets = [dataclasses.replace(base, number=f"WX-SZ01-2611-{n:05d}", provisional_code=f"K7QD5-{n:04d}",
                                   imei=samples.imei(n), token=order_token(uuid7()))
               for n in range(1, TICKETS + WARM_UP + 1)]
    wall, cpu, sizes = [], [], []
    for i, vm in enumerate(tickets):
        w, c = time.perf_counter(), time.process_time()
        pdf = p.pdf(ticket.template, vm, PAPERS["80mm"], "zh")
        if i >= WARM_UP:
            wall.append((time.perf_counter() - w) * 1000)
            cpu.append((time.process_time() - c) * 1000)
            sizes.append(len(pdf))
    wall.sort()
    print(f"intake tickets: {TICKETS} rendered, median {statistics.median(wall):.1f} ms "
          f"(p90 {wall[int(len(wall) * 0.9)]:.1f} ms, min {wall[0]:.1f} ms), CPU median {statistics.median(cpu):.1f} ms, "
          f"{statistics.mean(sizes) / 1024:.0f} KiB each")
    packing = FORMS["packing-list"]
    vm = samples.packing_list(PACKING_LINES)
    w, c = time.perf_counter(), time.process_time()
    pdf = p.pdf(packing.template, vm, PAPERS["a4"], "zh")
    packing_s = time.perf_counter() - w
    cpu_s = time.process_time() - c
    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    page_count = re.search(r"^Pages:\s+(\d+)", info, re.M)[1]
    print(f"packing list: {PACKING_LINES} lines in {packing_s:.2f} s (CPU {cpu_s:.2f} s), {page_count} pages, "
          f"{len(pdf) / 1024:.0f} KiB")
    print(f"print ticket_ms={statistics.median(wall):.1f} packing_s={packing_s:.2f}")


if __name__ == "__main__":
    main()
