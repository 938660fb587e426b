"""``store-pipeline ui`` from its start: until the webserver lists the code location, until
the daemon's first sensor evaluation, and the memory of its processes once both are up.

Each start is measured against ``import dagster, dagster_dbt`` in the same run, in a data home
of its own under ``benchmarks/results/runs/``::

    .venv/bin/python benchmarks/ui_start.py --repeat 3
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import time
import urllib.request
from pathlib import Path

from common import BIN, DAGSTER_IMPORT, REPO, PeakRss, import_seconds

REPOSITORIES = json.dumps({"query": "{ repositoriesOrError { ... on RepositoryConnection "
                                    "{ nodes { name } } } }"}).encode()
FIRST_SENSOR = "Checking for new runs for sensor"
DEADLINE_SECONDS = 300


def _lists_location(port: int) -> bool:
    request = urllib.request.Request(f"http://127.0.0.1:{port}/graphql", data=REPOSITORIES,
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=5) as reply:
            return bool(json.load(reply)["data"]["repositoriesOrError"].get("nodes"))
    except OSError:
        return False


def start_once(home: Path, port: int) -> dict[str, float]:
    """Seconds until the webserver lists the location and until the daemon's first sensor
    evaluation; the process tree's PSS (MB) five seconds after both."""
    env = {"PATH": "/usr/bin:/bin", "STORE_PIPELINE_HOME": str(home),
           "DAGSTER_HOME": str(home / "dagster_home")}
    log = home.with_suffix(".log")
    began = time.perf_counter()
    with log.open("w") as out:
        ui = subprocess.Popen([str(BIN / "store-pipeline"), "ui", "--port", str(port)], cwd=REPO,
                              env=env, stdout=out, stderr=subprocess.STDOUT)
        sampler = PeakRss(ui.pid)
        figures: dict[str, float] = {}
        try:
            while len(figures) < 2:
                if time.perf_counter() - began > DEADLINE_SECONDS or ui.poll() is not None:
                    raise SystemExit(f"store-pipeline ui did not come up: see {log}")
                if "webserver_s" not in figures and _lists_location(port):
                    figures["webserver_s"] = time.perf_counter() - began
                if "first_sensor_s" not in figures and FIRST_SENSOR in log.read_text():
                    figures["first_sensor_s"] = time.perf_counter() - began
                time.sleep(0.2)
            time.sleep(5)
            figures["pss_mb"] = sampler.current() / 1e6
        finally:
            sampler.stop()
            ui.terminate()
            ui.wait(timeout=60)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--port", type=int, default=3097)
    args = parser.parse_args()
    runs = REPO / "benchmarks" / "results" / "runs" / time.strftime("ui-%Y%m%d-%H%M%S")
    runs.mkdir(parents=True)
    starts, imports = [], []
    for n in range(args.repeat):
        imports += import_seconds(DAGSTER_IMPORT, 1)
        starts.append(start_once(runs / f"home{n}", args.port))
    imported = statistics.median(imports)
    print(f"import dagster, dagster_dbt: median {imported:.2f} s "
          f"({', '.join(f'{s:.2f}' for s in imports)})")
    for key, what in (("webserver_s", "the webserver lists the code location"),
                      ("first_sensor_s", "the daemon's first sensor evaluation")):
        values = [s[key] for s in starts]
        median = statistics.median(values)
        print(f"{what}: median {median:.2f} s = {median / imported:.2f}x the import "
              f"({', '.join(f'{v:.2f}' for v in values)})")
    print(f"memory of the ui's processes once up: median "
          f"{statistics.median(s['pss_mb'] for s in starts):.0f} MB (PSS)")
    (runs / "ui_start.json").write_text(json.dumps({"imports_s": imports, "starts": starts},
                                                   indent=2))


if __name__ == "__main__":
    main()
