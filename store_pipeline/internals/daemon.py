"""The Dagster daemon with a backfill loop that looks for work every few seconds.

Dagster's backfill daemon sleeps a fixed 30 s between iterations
(``DEFAULT_DAEMON_INTERVAL_SECONDS`` in ``dagster._daemon.controller``, read when the loop
starts), so a range launched from the UI would wait up to 30 s before its run is created.
``run`` sets it before the daemon starts; the same constant is the asset daemon's interval
only when the instance names none, and ``dagster.yaml`` names one. ``test_daemon_loop`` fails
if an upgrade changes what this relies on.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

BACKFILL_POLL_SECONDS = 2


def run(argv: Sequence[str]) -> None:
    """``dagster-daemon <argv>`` with the backfill loop polling every BACKFILL_POLL_SECONDS."""
    from dagster._daemon import controller
    from dagster._daemon.cli import main

    controller.DEFAULT_DAEMON_INTERVAL_SECONDS = BACKFILL_POLL_SECONDS
    sys.argv = ["dagster-daemon", *argv]
    main()
