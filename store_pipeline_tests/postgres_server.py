"""A throwaway PostgreSQL cluster on 127.0.0.1 (Debian's ``postgresql`` package) for tests.

``running_postgres()`` starts a private cluster (initdb, pg_ctl) in a new folder under the
system's temp folder (pytest's are closed to other users) on a free port, with password logins
over TCP; as root, it runs as the ``postgres`` user. The
``postgres`` fixture is one cluster for the session; ``postgres_url`` a fresh database and its
address for each test (import ``postgres_fixtures`` into a test module to use them).
"""

from __future__ import annotations

import contextlib
import os
import pwd
import secrets
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import count
from pathlib import Path

import psycopg2
import pytest
from psycopg2 import sql

from store_pipeline_tests.processes import free_port

HOST = "127.0.0.1"
PG_BINS = sorted(Path("/usr/lib/postgresql").glob("*/bin"))
ROLE = "pipeline"
_databases = count(1)


@dataclass(frozen=True)
class PostgresFacts:
    """How to reach the running cluster: its superuser and the pipeline's role."""

    port: int
    superuser_password: str
    role_password: str

    def url(self, database: str, user: str = ROLE, password: str | None = None) -> str:
        password = self.role_password if password is None else password
        return f"postgresql://{user}:{password}@{HOST}:{self.port}/{database}"

    @contextlib.contextmanager
    def superuser(self) -> Iterator:
        """A cursor of the superuser, each statement committed at once."""
        connection = psycopg2.connect(self.url("postgres", "postgres", self.superuser_password))
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                yield cursor
        finally:
            connection.close()

    def sessions(self, database: str) -> int:
        """Connections ever made to ``database`` (PostgreSQL's cumulative statistics)."""
        with self.superuser() as cursor:
            cursor.execute("SELECT pg_stat_force_next_flush()")
            cursor.execute("SELECT sessions FROM pg_stat_database WHERE datname = %s",
                           (database,))
            return cursor.fetchone()[0]

    def create_database(self, database: str) -> str:
        """A new, empty database owned by the pipeline's role; its address."""
        with self.superuser() as cursor:
            cursor.execute(sql.SQL("CREATE DATABASE {} OWNER {}").format(
                sql.Identifier(database), sql.Identifier(ROLE)))
        return self.url(database)


def _as_postgres(args: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


@contextlib.contextmanager
def running_postgres() -> Iterator[PostgresFacts]:
    bin_dir = PG_BINS[-1]
    workdir = Path(tempfile.mkdtemp(prefix="store-pipeline-postgres-"))
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")
        os.chown(workdir, user.pw_uid, user.pw_gid)
    facts = PostgresFacts(free_port(), secrets.token_urlsafe(16), secrets.token_urlsafe(16))
    password_file = workdir / "superuser_password"
    password_file.write_text(facts.superuser_password)
    if os.geteuid() == 0:
        os.chown(password_file, user.pw_uid, user.pw_gid)
    data = workdir / "data"
    subprocess.run(_as_postgres([str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres",
                                 f"--pwfile={password_file}", "--auth-host=scram-sha-256",
                                 "--auth-local=peer", "-E", "UTF8"]),
                   check=True, capture_output=True)
    options = (f"-c listen_addresses={HOST} -p {facts.port} -k {workdir} -c fsync=off "
               "-c synchronous_commit=off -c full_page_writes=off")
    subprocess.run(_as_postgres([str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options,
                                 "-l", str(workdir / "server.log"), "-w", "start"]),
                   check=True, capture_output=True)
    try:
        with facts.superuser() as cursor:
            cursor.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
                sql.Identifier(ROLE), sql.Literal(facts.role_password)))
        yield facts
    finally:
        subprocess.run(_as_postgres([str(bin_dir / "pg_ctl"), "-D", str(data), "-m",
                                     "immediate", "-w", "stop"]), capture_output=True)
        shutil.rmtree(workdir, ignore_errors=True)


def postgres_installed() -> bool:
    return bool(PG_BINS) and shutil.which("runuser") is not None


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresFacts]:
    if not postgres_installed():
        message = "no PostgreSQL server under /usr/lib/postgresql (apt-get install postgresql)"
        if os.environ.get("CI", "").lower() in {"true", "1"}:
            pytest.fail(message)
        pytest.skip(message)
    with running_postgres() as facts:
        yield facts


@pytest.fixture
def postgres_url(postgres: PostgresFacts) -> str:
    """A new, empty database owned by the pipeline's role; its address, password included."""
    return postgres.create_database(f"dagster_{next(_databases)}")


postgres_fixtures = (postgres, postgres_url)
