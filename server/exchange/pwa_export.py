"""Writes the exchange state machine (``statemachine.export()``) and the counter's rules
(``rules.export()``) as JSON for the PWA's build (``pwa/src/generated/exchange-machine.json``), as
``server.repair.pwa_export`` does for repair: the tablet works offline and cannot ask the server.

With them go the exchange papers (form → papers, the first the default) and the rule's own answers
at its day boundaries (``vectors``), so the PWA's offline verdict is checked against this one by its
unit tests instead of being trusted."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from ..core.generated import write_json
from . import rules
from . import statemachine as sm


def papers() -> dict:
    from ..printing.forms import FORMS

    return {f.name: list(f.papers) for f in FORMS.values() if f.document_type == "exchange_order"}


def vectors() -> list[dict]:
    """The default rule's verdicts a day either side of its limits, listed fault or not, in and out
    of warranty, with and without earlier failed repairs."""
    ruleset, sale = rules.RuleSet(), dt.date(2026, 2, 20)
    out = []
    for days in (-1, 0, 7, 8, 15, 16, 200, 400):
        for listed in (True, False):
            for failed in (0, 2):
                today = sale + dt.timedelta(days=days)
                until = dt.date(2027, 2, 20)
                v = rules.device_verdict(ruleset, today=today, sale_date=sale, warranty_until=until,
                                         symptom_ids=["s1"] if listed else [], failed_repairs=failed)
                out.append({"sale_date": sale.isoformat(), "today": today.isoformat(), "until": until.isoformat(),
                            "listed": listed, "failed": failed, "options": v["options"],
                            "reasons": [r["code"] for r in v["reasons"]]})
    v = rules.device_verdict(ruleset, today=sale, sale_date=None, warranty_until=None, symptom_ids=["s1"])
    out.append({"sale_date": None, "today": sale.isoformat(), "until": None, "listed": True, "failed": 0,
                "options": v["options"], "reasons": [r["code"] for r in v["reasons"]]})
    return out


def write_machine(path: Path) -> bool:
    """Write the machine to ``path``; False when the file already says the same (keeps make quiet)."""
    return write_json(path, {**sm.export(), "rules": rules.export(), "papers": papers(), "vectors": vectors()})


if __name__ == "__main__":  # pragma: no cover - a build step
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "pwa/src/generated/exchange-machine.json")
    write_machine(target)
    print(f"exchange state machine → {target}")
