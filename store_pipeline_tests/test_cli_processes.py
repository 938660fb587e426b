"""The CLI as an operator starts it: ``.venv/bin/store-pipeline`` without ``.venv/bin`` on PATH,
and a console free of Dagster's beta and preview notices."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from contextlib import ExitStack
from pathlib import Path

import dagster as dg

from store_pipeline.lib.settings import load_settings
from store_pipeline_tests.processes import (
    REPO,
    free_port,
    graphql,
    start,
    wait_for,
    webserver_up,
)

BIN = Path(sys.executable).parent
# The system's folders only: neither dagster nor dbt nor the venv's python is found on it.
BARE_PATH = "/usr/bin:/bin"


def test_ui_starts_webserver_and_daemon_from_the_venv_without_it_on_path(tmp_path):
    dagster_home = tmp_path / "home" / "dagster_home"
    env = {**os.environ, "PATH": BARE_PATH, "STORE_PIPELINE_HOME": str(tmp_path / "home"),
           "DAGSTER_HOME": str(dagster_home)}
    port = free_port()
    log = tmp_path / "ui.log"
    with ExitStack() as stack:
        ui = start(stack, [str(BIN / "store-pipeline"), "ui", "--port", str(port)], env, log)
        wait_for("the UI", lambda: webserver_up(port), [log])
        instance = stack.enter_context(dg.DagsterInstance.from_config(str(dagster_home)))
        wait_for("the daemon's backfill loop",
                 lambda: "BACKFILL" in instance.get_daemon_heartbeats(), [log])
        assert _running(ui.pid, "store_pipeline.cli.main daemon") == 1
        # One code server loads the definitions for both (its proxy, and the server it runs).
        assert _running(ui.pid, "dagster code-server start") == 1
        assert _running(ui.pid, "dagster api grpc") == 1
        # The UI's Reload starts that server anew: another process loads the definitions.
        loading = _pids(ui.pid, "dagster api grpc")
        reloaded = graphql(port, RELOAD, {})["reloadRepositoryLocation"]
        assert reloaded["loadStatus"] == "LOADED", reloaded
        assert _pids(ui.pid, "dagster api grpc") not in (set(), loading)
        ui.send_signal(signal.SIGTERM)  # to the ui command alone: it stops what it started
        assert ui.wait(timeout=60) == 0
        assert not webserver_up(port)
        assert not _running(ui.pid, "store_pipeline.cli.main daemon")
        assert not _running(ui.pid, "dagster api grpc")
    assert (dagster_home / "dagster.yaml").is_file()


RELOAD = """mutation {
  reloadRepositoryLocation(repositoryLocationName: "store_pipeline.definitions") {
    ... on WorkspaceLocationEntry { loadStatus }
  }
}"""


def _running(group: int, command: str) -> int:
    """How many processes of process group ``group`` whose command line holds ``command``
    run."""
    return len(_pids(group, command))


def _pids(group: int, command: str) -> set[int]:
    """The processes of process group ``group`` whose command line holds ``command``."""
    pids = set()
    for proc in Path("/proc").glob("[0-9]*"):
        try:
            fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
            args = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue  # ended while we looked
        if fields[0] != "Z" and int(fields[2]) == group and command in args:
            pids.add(int(proc.name))
    return pids


def test_loading_the_code_location_prints_no_beta_or_preview_notice():
    probe = ("import warnings; from store_pipeline.definitions import defs; defs(); "
             "warnings.warn('still shown', UserWarning)")
    result = subprocess.run([sys.executable, "-W", "default", "-c", probe], cwd=REPO,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "BetaWarning" not in result.stderr and "PreviewWarning" not in result.stderr
    assert "is currently in" not in result.stderr
    assert "UserWarning: still shown" in result.stderr


def test_settings_leave_the_environment_alone(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("STORE_PIPELINE_TIMEZONE=Europe/Paris\n")
    monkeypatch.setenv("STORE_PIPELINE_HOME", "relative-home")
    before = dict(os.environ)
    settings = load_settings()
    assert dict(os.environ) == before
    assert settings.home == tmp_path / "relative-home"


def test_the_cli_leaves_its_objects_frozen_out_of_the_collector_when_it_returns(tmp_path):
    probe = ("import gc; from store_pipeline.cli.main import main; "
             "before = gc.get_freeze_count(); "
             "status = main(['backfill', '--start', '2026-01-02', '--end', '2026-01-01']); "
             "print(status, before, gc.get_freeze_count() > before)")
    env = {**os.environ, "STORE_PIPELINE_HOME": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", probe], cwd=REPO, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["2", "0", "True"]
