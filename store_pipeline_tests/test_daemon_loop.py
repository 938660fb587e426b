"""The backfill loop of ``store-pipeline daemon``: its interval is set where Dagster reads it."""

from __future__ import annotations

import logging
import sys
import threading

from dagster._daemon import backfill, controller

from store_pipeline.internals import daemon


class _RecordedWait(threading.Event):
    """A shutdown event that records how long the loop would sleep, and sets itself."""

    def __init__(self) -> None:
        super().__init__()
        self.timeouts: list[float] = []

    def wait(self, timeout: float | None = None) -> bool:
        self.timeouts.append(timeout)
        return True


def test_the_daemon_starts_dagsters_with_the_short_backfill_interval(monkeypatch):
    monkeypatch.setattr(controller, "DEFAULT_DAEMON_INTERVAL_SECONDS",
                        controller.DEFAULT_DAEMON_INTERVAL_SECONDS)  # restored afterwards
    monkeypatch.setattr(sys, "argv", sys.argv)
    seen = {}
    monkeypatch.setattr("dagster._daemon.cli.main", lambda: seen.update(
        interval=controller.DEFAULT_DAEMON_INTERVAL_SECONDS, argv=list(sys.argv)))
    daemon.run(["run", "-w", "workspace.yaml"])
    assert seen == {"interval": daemon.BACKFILL_POLL_SECONDS,
                    "argv": ["dagster-daemon", "run", "-w", "workspace.yaml"]}


def test_the_backfill_loop_sleeps_the_interval_set_before_it_starts(monkeypatch):
    monkeypatch.setattr(controller, "DEFAULT_DAEMON_INTERVAL_SECONDS",
                        daemon.BACKFILL_POLL_SECONDS)
    monkeypatch.setattr(backfill, "execute_backfill_iteration", lambda *args, **kwargs: iter(()))
    shutdown = _RecordedWait()
    loop = backfill.execute_backfill_iteration_loop(None, logging.getLogger("test"), shutdown)
    for _ in loop:
        if shutdown.timeouts:
            break
    [timeout] = shutdown.timeouts
    assert 0 < timeout <= daemon.BACKFILL_POLL_SECONDS < 30
