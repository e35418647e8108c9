"""Trade's benchmark (issue 18): retail sales through the posting worker, and a 500-line transfer.

Runs bench/trade_retail.py and bench/trade_transfer.py (each prints its own figures and ratio) one
after the other, so neither competes with the other for the 2 cores, and ends with the issue's line:
``trade retail_events_per_s=<n> transfer_s=<n>``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def figure(script: str, name: str, args: list[str]) -> str:
    out = subprocess.run([sys.executable, str(HERE / script), *args], check=True, text=True,
                         stdout=subprocess.PIPE).stdout
    sys.stdout.write(out)
    last = out.strip().splitlines()[-1]
    key, _, value = last.partition("=")
    assert key == name, f"{script} ended with {last!r}"
    return value


def main() -> None:
    retail = figure("trade_retail.py", "retail_events_per_s", sys.argv[1:])
    transfer = figure("trade_transfer.py", "transfer_s", [])
    print(f"transfer_s target ≤ 2 s: ratio {2 / float(transfer):.2f}; retail_events_per_s target ≥ 500: "
          f"ratio {float(retail) / 500:.2f}")
    print(f"trade retail_events_per_s={retail} transfer_s={transfer}")


if __name__ == "__main__":
    main()
