"""Dagster's default run launcher, with run workers the run-monitoring daemon can check.

Dagster's ``DefaultRunLauncher`` cannot tell whether a run worker is alive, so run monitoring
never fails a run whose worker was killed. This one tags each run it launches with this host,
and reports a run worker as failed when the process it recorded is gone (``dead_runs``).
"""

from __future__ import annotations

from dagster._core.launcher import CheckRunHealthResult, LaunchRunContext, WorkerStatus
from dagster._core.launcher.default_run_launcher import DefaultRunLauncher
from dagster._core.storage.dagster_run import DagsterRun

from store_pipeline.instance.dead_runs import host_tags, is_alive, run_process


class HostRunLauncher(DefaultRunLauncher):
    """Launches runs on the code location's server of this host and checks their workers."""

    def launch_run(self, context: LaunchRunContext) -> None:
        self._instance.add_run_tags(context.dagster_run.run_id, host_tags())
        super().launch_run(context)

    @property
    def supports_check_run_worker_health(self) -> bool:
        return True

    def check_run_worker_health(self, run: DagsterRun) -> CheckRunHealthResult:
        """FAILED when the run's process on this host is gone; RUNNING when it is alive or when
        that cannot be told (a run of another host, or one not yet started)."""
        record = self._instance.get_run_record_by_id(run.run_id)
        process = run_process(self._instance, record) if record else None
        if process is None or is_alive(process):
            return CheckRunHealthResult(WorkerStatus.RUNNING)
        return CheckRunHealthResult(WorkerStatus.FAILED,
                                    f"the run's process {process.pid} is gone")
