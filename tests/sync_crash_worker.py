"""`aftercare sync worker` with the test-only sample event type: the process the crash test kills."""

import server.models  # noqa: F401 - the full metadata before the sample documents copy from it
from server.cli import main

from . import sync_sample  # noqa: F401 - registers sample_order

if __name__ == "__main__":
    main(["sync", "worker"])
