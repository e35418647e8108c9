"""Writes the accessory rule and the counter's swap limits (``rules.export()``) as JSON for the
PWA's build (``pwa/src/generated/swap-rules.json``), as ``server.repair.pwa_export`` does for
repair: the tablet takes accessories in offline and cannot ask ``GET /api/swap/rules``.

With them go the swap papers (form → papers, the first the default) and a few of the rule's own
answers at its day boundaries (``vectors``), so the PWA's port of the month arithmetic is checked
against this one by its unit tests instead of being trusted."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from ..core.generated import write_json
from . import rules

# Sale dates at month ends and leap days, each asked on the warranty's last day and the day after.
_SALES = [("2026-01-31", "charger"), ("2026-08-31", "battery"), ("2027-11-30", "headset"), ("2028-02-29", "battery"),
          ("2026-12-07", "headset"), ("2026-12-07", "other")]


def vectors() -> list[dict]:
    out = []
    for sale, cls in _SALES:
        sold = dt.date.fromisoformat(sale)
        until = rules.warranty_until(sold, cls)
        days = [sold - dt.timedelta(days=1), sold] + ([until, until + dt.timedelta(days=1)] if until else [sold + dt.timedelta(days=30)])
        for today in days:
            for failed in (0, rules.REFUND_AFTER):
                out.append({"sale_date": sale, "class": cls, "today": today.isoformat(), "failed": failed,
                            "until": until.isoformat() if until else None,
                            "verdict": rules.verdict(sold, cls, today, failed)})
    return out


def papers() -> dict:
    from ..printing.forms import FORMS

    return {f.name: list(f.papers) for f in FORMS.values() if f.name.startswith("swap-")}


def write_rules(path: Path) -> bool:
    """Write the rules to ``path``; False when the file already says the same (keeps make quiet)."""
    return write_json(path, {**rules.export(), "papers": papers(), "vectors": vectors()})


if __name__ == "__main__":  # pragma: no cover - a build step
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "pwa/src/generated/swap-rules.json")
    write_rules(target)
    print(f"accessory swap rules → {target}")
