"""What the benchmark scripts share: the repository on the import path, timed processes, the
peak memory of a process tree, Dagster's own import time (the yardstick of start-up) and
dbt's start-up."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))
BIN = Path(sys.executable).parent
DAGSTER_IMPORT = "import dagster, dagster_dbt"
DBT_NOTHING = ["build", "--quiet", "--select", "tag:__nothing__"]  # a dbt run with no node


class PeakRss:
    """Samples the summed memory of a process and its descendants: PSS, so that pages forked
    workers share with their parent count once (RSS where PSS is unavailable).

    Reading PSS walks each process's page tables (some 30 ms for 2 GB, on the cores the
    measured run needs), so the tree is sampled once a second, and a sample reads PSS only
    when the tree's RSS, read in constant time, exceeds the peak so far (PSS is at most RSS:
    such a sample could not raise the peak)."""

    def __init__(self, pid: int, every: float = 1.0):
        self.pid, self.every, self.peak = pid, every, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _tree(self) -> list[int]:
        children: dict[int, list[int]] = {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                except (OSError, IndexError, ValueError):
                    continue
                children.setdefault(ppid, []).append(int(entry.name))
        tree, todo = [], [self.pid]
        while todo:
            pid = todo.pop()
            tree.append(pid)
            todo += children.get(pid, [])
        return tree

    def current(self) -> int:
        """The summed PSS of the tree now, in bytes."""
        return _summed(_pss, self._tree())

    def _run(self) -> None:
        while True:
            tree = self._tree()
            if _summed(_rss, tree) > self.peak:
                self.peak = max(self.peak, _summed(_pss, tree))
            if self._stop.wait(self.every):  # stop() returns at once, not after a sleep
                return

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


def _summed(size: Callable[[int], int], pids: list[int]) -> int:
    """``size`` of each process in ``pids`` that still exists, summed."""
    total = 0
    for pid in pids:
        try:
            total += size(pid)
        except (OSError, IndexError, ValueError):
            continue
    return total


def _rss(pid: int) -> int:
    """Resident set size of ``pid`` in bytes."""
    return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _pss(pid: int) -> int:
    """Proportional set size of ``pid`` in bytes (its RSS when smaps_rollup is unreadable)."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return _rss(pid)


def timed_process(command: list[str], env: dict[str, str], log: Path) -> tuple[float, int]:
    """Run ``command`` from the repository, output to ``log``; wall seconds and the peak PSS
    bytes of its process tree. A failure stops the benchmark."""
    started = time.perf_counter()
    with log.open("w") as out:
        process = subprocess.Popen(command, cwd=REPO, env=env, stdout=out,
                                   stderr=subprocess.STDOUT)
        sampler = PeakRss(process.pid)
        code = process.wait()
        peak = sampler.stop()
    if code:
        raise SystemExit(f"{' '.join(command)} failed: see {log}")
    return time.perf_counter() - started, peak


def import_seconds(code: str, repetitions: int) -> list[float]:
    """Wall time of ``python -c code`` in fresh processes."""
    times = []
    for _ in range(repetitions):
        began = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - began)
    return times


# A dbt run with no node through dbtRunner, in a process that has built the definitions, as a
# run's step starts dbt (store_pipeline/internals/dbt_in_process.py); prints its two parts.
IN_PROCESS = """
import json, sys, time
import store_pipeline.definitions as d
d.defs()
began = time.perf_counter()
from dbt.cli.main import dbtRunner
imported = time.perf_counter()
assert dbtRunner().invoke(sys.argv[1:]).success
print(json.dumps({"import_s": imported - began, "invoke_s": time.perf_counter() - imported}))
"""


def dbt_in_process_start(env: dict[str, str], target: Path) -> dict[str, float]:
    """Seconds of dbt's import and of its first invocation (the same build that selects
    nothing) in a run's step, the start-up every dbt run pays."""
    from store_pipeline.lib.dbt_manifest import DBT_PROJECT_DIR

    out = subprocess.run([sys.executable, "-c", IN_PROCESS, *DBT_NOTHING, "--target-path",
                          str(target)], cwd=DBT_PROJECT_DIR, env=env, check=True, text=True,
                         capture_output=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def dbt_start_seconds(env: dict[str, str], target: Path, out: int | IO = subprocess.DEVNULL,
                      ) -> float:
    """Seconds of a ``dbt build`` that selects nothing, from the CLI: the interpreter, dbt's
    import and the project read from its partial parse state in ``target``."""
    from store_pipeline.lib.dbt_manifest import DBT_PROJECT_DIR

    began = time.perf_counter()
    subprocess.run([str(BIN / "dbt"), *DBT_NOTHING, "--target-path", str(target)],
                   cwd=DBT_PROJECT_DIR, env=env, check=True, stdout=out, stderr=out)
    return time.perf_counter() - began
