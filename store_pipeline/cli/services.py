"""``store-pipeline ui``: one code server, the webserver and the daemon, stopped together.

Started from ``workspace.yaml``, the webserver and the daemon would each start a code server of
their own and load the definitions twice. Here one code server on a Unix socket loads them, and
both reach it through a workspace file naming that socket, as ``dagster dev`` does.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

from store_pipeline.internals.code_server import code_server_answers

REPO = Path(__file__).resolve().parents[2]
WORKSPACE = str(REPO / "workspace.yaml")
LOCATION = "store_pipeline.definitions"  # workspace.yaml's module, and so its location name
_BIN = Path(sys.executable).parent  # the venv's bin/, whether or not it is on PATH


def code_server_command(socket: Path) -> list[str]:
    """The code location's server on ``socket``; its runs start with this interpreter."""
    return [sys.executable, "-m", "dagster", "code-server", "start", "--socket", str(socket),
            "-m", LOCATION, "-d", str(REPO), "--location-name", LOCATION,
            "--use-python-environment-entry-point"]


def webserver_command(port: int, workspace: str) -> list[str]:
    return [str(_BIN / "dagster-webserver"), "-w", workspace, "-h", "127.0.0.1", "-p", str(port)]


def daemon_command(workspace: str) -> list[str]:
    return [sys.executable, "-m", "store_pipeline.cli.main", "daemon", "--workspace", workspace]


def shared_workspace(folder: Path) -> tuple[Path, Path]:
    """A workspace file in ``folder`` whose one location is the code server on the socket
    beside it; (the socket, the workspace file)."""
    socket, workspace = folder / "code.sock", folder / "workspace.yaml"
    workspace.write_text(f"load_from:\n  - grpc_server:\n      socket: {socket}\n"
                         f"      location_name: {LOCATION}\n")
    return socket, workspace


def run_services(port: int) -> int:
    """Run the code server, then, once it has loaded the definitions, the daemon and the
    webserver on 127.0.0.1:``port``, until one ends or a signal (Ctrl-C, SIGTERM) asks all to;
    the exit code of the first to end."""
    stopping: list[int] = []
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda signum, _frame: stopping.append(signum))
    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="store-pipeline-")))
        socket, workspace = shared_workspace(folder)
        processes = [subprocess.Popen(code_server_command(socket))]
        stack.callback(_stop_all, processes)
        while not (stopping or _ended(processes) or code_server_answers(socket)):
            time.sleep(0.2)
        if not (stopping or _ended(processes)):
            processes += [subprocess.Popen(daemon_command(str(workspace))),
                          subprocess.Popen(webserver_command(port, str(workspace)))]
        while not (stopping or _ended(processes)):
            time.sleep(0.5)
        ended = _ended(processes)
    return ended[0] if ended else 0


def _ended(processes: list[subprocess.Popen]) -> list[int]:
    return [p.returncode for p in processes if p.poll() is not None]


def _stop_all(processes: list[subprocess.Popen]) -> None:
    """SIGTERM every process, then wait for each; the code server, started first, last."""
    for process in reversed(processes):
        process.terminate()
    for process in reversed(processes):
        process.wait()
