"""Test settings: one temporary data home for the session, set before the code location loads;
which test files run together on one worker, and which start first."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

_HOME = Path(tempfile.mkdtemp(prefix="store-pipeline-test-"))
os.environ.update({
    "STORE_PIPELINE_HOME": str(_HOME),
    "STORE_PIPELINE_OUTBOX": str(_HOME / "pos_outbox"),
    "STORE_PIPELINE_START_DATE": "2026-01-01",
    "STORE_PIPELINE_TIMEZONE": "America/New_York",
    "DAGSTER_HOME": str(_HOME / "dagster_home"),
})

from store_pipeline.instance.config import ensure_dagster_home  # noqa: E402
from store_pipeline.lib.settings import load_settings  # noqa: E402

ensure_dagster_home(load_settings())


# Test files that build the same chain in the session's data home run on one worker, one after
# the other, so the chain is built once (test_pipeline.py builds it, test_report_figures.py
# finds it built). Every other file is a unit of its own, as with ``--dist loadfile``.
SAME_WORKER = {
    "store_pipeline_tests/test_report_figures.py": "store_pipeline_tests/test_pipeline.py",
}
# The longest files (one to three minutes each on 2 cores) start first, so that the two
# workers finish together; xdist would otherwise start the files with the most tests first.
LONGEST_FIRST = ("test_postgres_instance.py", "test_pipeline.py", "test_crash_recovery.py",
                 "test_reports_browser.py", "test_dbt_unit.py", "test_kpi_marts.py",
                 "test_dirty_data.py")


def pytest_collection_modifyitems(items):
    def rank(item) -> int:
        name = item.path.name
        return LONGEST_FIRST.index(name) if name in LONGEST_FIRST else len(LONGEST_FIRST)

    items.sort(key=rank)  # stable: each file's tests keep their order


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    from xdist.scheduler import LoadFileScheduling

    class SharedHomeScheduling(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            scope = super()._split_scope(nodeid)
            return SAME_WORKER.get(scope, scope)

    config.option.loadscopereorder = False  # keep the order of LONGEST_FIRST
    return SharedHomeScheduling(config, log)
