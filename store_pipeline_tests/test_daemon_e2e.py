"""The real Dagster daemon and webserver: a backup dropped on the SFTP host gets ingested."""

from __future__ import annotations

import os
import shutil
from contextlib import ExitStack
from datetime import date
from pathlib import Path

import dagster as dg

from store_pipeline.instance.config import write_instance_config
from store_pipeline.lib.generator import GeneratorConfig, generate_chain
from store_pipeline_tests.processes import (
    environment,
    start_instigator,
    start_services,
    wait_for,
)
from store_pipeline_tests.sshd_server import sshd_fixture  # noqa: F401  (the `sshd` fixture)

DAY = date(2026, 3, 10)


def _environment(home: Path, sshd) -> dict[str, str]:
    return environment(home) | {
        "STORE_PIPELINE_SENSOR_INTERVAL": "3",
        "STORE_PIPELINE_SFTP_HOST": sshd.host,
        "STORE_PIPELINE_SFTP_PORT": str(sshd.port),
        "STORE_PIPELINE_SFTP_USER": sshd.user,
        "STORE_PIPELINE_SFTP_KEY_FILE": str(sshd.key_file),
        "STORE_PIPELINE_SFTP_KNOWN_HOSTS": str(sshd.known_hosts),
        "STORE_PIPELINE_SFTP_REMOTE_DIR": str(sshd.outbox),
    }


def test_sensor_under_the_daemon_ingests_a_backup_dropped_over_sftp(sshd, tmp_path):
    home = tmp_path / "home"
    write_instance_config(home / "dagster_home")
    env = _environment(home, sshd)
    logs = [tmp_path / "daemon.log", tmp_path / "webserver.log", tmp_path / "code_server.log"]
    with ExitStack() as stack:
        # Storage is created once, here: the daemon and webserver must not race to create it.
        instance = stack.enter_context(dg.DagsterInstance.from_config(str(home / "dagster_home")))
        port = start_services(stack, env, logs)
        start_instigator(port, "sensor", "new_backup_sensor")

        # The POS writes its backup, then renames it into the outbox, as the simulator does.
        [backup] = generate_chain(GeneratorConfig(stores=1, days=1, end_date=DAY, seed=5,
                                                  transactions_per_store_day=60),
                                  outbox=tmp_path / "pos")
        shutil.copyfile(backup, sshd.outbox / (backup.name + ".part"))
        os.replace(sshd.outbox / (backup.name + ".part"), sshd.outbox / backup.name)

        by_sensor = dg.RunsFilter(tags={"dagster/sensor_name": "new_backup_sensor"},
                                  statuses=[dg.DagsterRunStatus.SUCCESS])
        [run] = wait_for("the sensor's ingestion run to succeed",
                         lambda: instance.get_run_records(by_sensor), logs)
        assert run.dagster_run.tags["dagster/partition"] == DAY.isoformat()
        landed = dg.AssetKey(["raw_pos", "transaction"])
        assert DAY.isoformat() in instance.get_materialized_partitions(landed)
        assert len(instance.get_run_records(dg.RunsFilter(job_name="ingestion_job"))) == 1
        assert (home / "landing" / backup.name).read_bytes() == backup.read_bytes()
