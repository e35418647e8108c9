"""`aftercare sync worker` with the test-only sample event type: the process the crash test kills.

AFTERCARE_CRASH_DELAY_MS holds every batch transaction open that much longer
(after posting, before the checkpoint and the commit), so the test's kills
land inside transactions as well as between them.
"""

import os
import time

import server.models  # noqa: F401 - the full metadata before the sample documents copy from it
from server.cli import main
from sync import posting, worker

from . import sync_sample  # noqa: F401 - registers sample_order

DELAY = int(os.environ.get("AFTERCARE_CRASH_DELAY_MS", "0")) / 1000


def _slow_checkpoint(session, db, seq, _save=posting.save_checkpoint):
    time.sleep(DELAY)
    _save(session, db, seq)


if __name__ == "__main__":
    if DELAY:
        worker.save_checkpoint = _slow_checkpoint
    main(["sync", "worker"])
