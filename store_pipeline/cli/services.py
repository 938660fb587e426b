"""``store-pipeline ui``: the webserver and the daemon as two processes that stop together."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

WORKSPACE = str(Path(__file__).resolve().parents[2] / "workspace.yaml")
_BIN = Path(sys.executable).parent  # the venv's bin/, whether or not it is on PATH


def webserver_command(port: int) -> list[str]:
    return [str(_BIN / "dagster-webserver"), "-w", WORKSPACE, "-h", "127.0.0.1", "-p", str(port)]


def daemon_command() -> list[str]:
    return [sys.executable, "-m", "store_pipeline.cli.main", "daemon"]


def run_services(port: int) -> int:
    """Run the webserver on 127.0.0.1:``port`` and the daemon until either ends or a signal
    (Ctrl-C, SIGTERM) asks both to; the exit code of the first to end."""
    processes = [subprocess.Popen(daemon_command()), subprocess.Popen(webserver_command(port))]
    stopping: list[int] = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda signum, _frame: stopping.append(signum))
    ended: list[int] = []
    try:
        while not stopping and not ended:
            ended = [p.returncode for p in processes if p.poll() is not None]
            time.sleep(0.5)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait()
    return ended[0] if ended else 0
