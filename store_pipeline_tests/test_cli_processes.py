"""The CLI as an operator starts it: ``.venv/bin/store-pipeline`` without ``.venv/bin`` on PATH,
and a console free of Dagster's beta and preview notices."""

from __future__ import annotations

import os
import subprocess
import sys
from contextlib import ExitStack
from pathlib import Path

from store_pipeline.lib.settings import load_settings
from store_pipeline_tests.processes import REPO, free_port, start, wait_for, webserver_up

BIN = Path(sys.executable).parent
# The system's folders only: neither dagster nor dbt nor the venv's python is found on it.
BARE_PATH = "/usr/bin:/bin"


def test_ui_starts_from_the_venv_without_it_on_path(tmp_path):
    env = {**os.environ, "PATH": BARE_PATH, "STORE_PIPELINE_HOME": str(tmp_path / "home"),
           "DAGSTER_HOME": str(tmp_path / "home" / "dagster_home")}
    port = free_port()
    log = tmp_path / "ui.log"
    with ExitStack() as stack:
        start(stack, [str(BIN / "store-pipeline"), "ui", "--port", str(port)], env, log)
        wait_for("the UI", lambda: webserver_up(port), [log])
    assert (tmp_path / "home" / "dagster_home" / "dagster.yaml").is_file()


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
