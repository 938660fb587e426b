"""``doctor``: every check on a wrong configuration names the problem and its fix.

SQL Server is played by a stand-in ``pyodbc`` module (no server, no unixODBC needed); the SFTP
checks use files and loopback ports only.
"""

from __future__ import annotations

import shutil
import socket
import sys
import types
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import paramiko
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from store_pipeline.cli.doctor import Finding, collect_findings, run_doctor
from store_pipeline.defs.resources.mssql import SqlServerConfigError, SqlServerWarehouse
from store_pipeline_tests.postgres_server import postgres_fixtures
from store_pipeline_tests.sshd_server import sshd_fixture  # noqa: F401  (the `sshd` fixture)

postgres, postgres_url = postgres_fixtures

SECRET = "s3cr;t}pw"
_CLEARED = ("STORE_PIPELINE_WAREHOUSE", "STORE_PIPELINE_SFTP_HOST", "STORE_PIPELINE_SFTP_PORT",
            "STORE_PIPELINE_SFTP_USER", "STORE_PIPELINE_SFTP_KNOWN_HOSTS",
            "STORE_PIPELINE_SFTP_REMOTE_DIR", "STORE_PIPELINE_SFTP_KEY_FILE",
            "STORE_PIPELINE_SFTP_PASSWORD", "STORE_PIPELINE_MSSQL_SERVER",
            "STORE_PIPELINE_MSSQL_PORT", "STORE_PIPELINE_MSSQL_DATABASE",
            "STORE_PIPELINE_MSSQL_USER", "STORE_PIPELINE_MSSQL_PASSWORD",
            "STORE_PIPELINE_MSSQL_DRIVER", "STORE_PIPELINE_MSSQL_ENCRYPT",
            "STORE_PIPELINE_MSSQL_TRUST_CERT", "STORE_PIPELINE_MSSQL_RESTORE_DATABASE",
            "STORE_PIPELINE_MSSQL_BACKUP_DIR", "STORE_PIPELINE_MSSQL_DATA_DIR",
            "STORE_PIPELINE_MSSQL_LOG_DIR")


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """A good local configuration in ``tmp_path``; tests break one part of it.

    Unused settings are set empty rather than removed, so a developer's ``.env`` cannot fill them.
    """
    for var in _CLEARED:
        monkeypatch.setenv(var, "")
    monkeypatch.setenv("STORE_PIPELINE_WAREHOUSE", "duckdb")
    monkeypatch.delenv("STORE_PIPELINE_DAGSTER_POSTGRES_URL", raising=False)
    (tmp_path / "outbox").mkdir()
    monkeypatch.setenv("STORE_PIPELINE_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("STORE_PIPELINE_OUTBOX", str(tmp_path / "outbox"))
    monkeypatch.setenv("STORE_PIPELINE_TIMEZONE", "America/Chicago")
    monkeypatch.setenv("STORE_PIPELINE_START_DATE", "2026-01-01")
    return monkeypatch


def finding(name: str) -> Finding:
    found = [f for f in collect_findings() if f.name == name]
    assert found, f"no {name!r} check ran"
    return found[0]


def assert_problem(name: str, problem: str, fix: str) -> None:
    result = finding(name)
    assert not result.ok
    assert problem in result.problem, result.problem
    assert fix in result.fix, result.fix


# --- local configuration ----------------------------------------------------------------------

def test_a_good_local_configuration_passes(env):
    lines: list[str] = []
    assert run_doctor(lines.append) == 0
    assert lines[-1] == "all 9 checks passed"
    assert all(line.startswith("ok    ") for line in lines[:-1])


def test_problems_are_printed_with_their_fix_and_fail_the_run(env, tmp_path):
    env.setenv("STORE_PIPELINE_OUTBOX", str(tmp_path / "nowhere"))
    lines: list[str] = []
    assert run_doctor(lines.append) == 1
    failed = lines.index(f"FAIL  POS outbox: the POS outbox {tmp_path / 'nowhere'} is not a "
                         "folder")
    assert lines[failed + 1].startswith("      fix: create it, or set STORE_PIPELINE_OUTBOX")
    assert lines[-1] == "1 problem(s) found"


@pytest.mark.parametrize(("var", "value", "name", "problem", "fix"), [
    ("STORE_PIPELINE_TIMEZONE", "Mars/Olympus_Mons", "timezone", "'Mars/Olympus_Mons' is not a "
     "known time zone", "e.g. America/New_York"),
    ("STORE_PIPELINE_TIMEZONE", "../etc/passwd", "timezone", "is not a known time zone",
     "IANA zone"),
    ("STORE_PIPELINE_START_DATE", "01/03/2026", "start date", "'01/03/2026' is not a date",
     "YYYY-MM-DD"),
    ("STORE_PIPELINE_WAREHOUSE", "oracle", "warehouse", "'oracle' is not a warehouse kind",
     "duckdb or sqlserver"),
])
def test_wrong_settings(env, var, value, name, problem, fix):
    env.setenv(var, value)
    assert_problem(name, problem, fix)


@pytest.mark.parametrize("name", ["data home", "landing folder", "exports folder",
                                  "reports folder"])
def test_a_data_home_that_is_a_file(env, tmp_path, name):
    (tmp_path / "home").write_text("not a folder")
    assert_problem(name, f"{tmp_path / 'home'} is a file", "set STORE_PIPELINE_HOME")


def test_a_reports_path_taken_by_a_file(env, tmp_path):
    (tmp_path / "home").mkdir()
    (tmp_path / "home" / "reports").write_text("")
    assert finding("landing folder").ok
    assert_problem("reports folder", "reports is a file, so", "move")


# --- SQL Server -------------------------------------------------------------------------------

class OdbcError(Exception):
    """Shaped like pyodbc.Error."""


class Server:
    """A stand-in for pyodbc and the server behind it."""

    def __init__(self, drivers: tuple[str, ...] = ("ODBC Driver 18 for SQL Server",),
                 roles: tuple[int, int, int] = (0, 1, 1), refuse: str | None = None) -> None:
        self.drivers, self.roles, self.refuse = drivers, roles, refuse
        self.connections: list[tuple[str, dict]] = []
        self.closed = 0

    def module(self) -> types.SimpleNamespace:
        return types.SimpleNamespace(Error=OdbcError, drivers=lambda: list(self.drivers),
                                     connect=self.connect)

    def connect(self, connection_string: str, **kwargs: object) -> types.SimpleNamespace:
        self.connections.append((connection_string, kwargs))
        if self.refuse:
            raise OdbcError("08001", self.refuse)
        rows = types.SimpleNamespace(fetchone=lambda: self.roles)
        cursor = types.SimpleNamespace(execute=lambda sql: rows)
        return types.SimpleNamespace(cursor=lambda: cursor, close=self._close)

    def _close(self) -> None:
        self.closed += 1


@pytest.fixture
def sqlserver(env) -> Iterator[pytest.MonkeyPatch]:
    env.setenv("STORE_PIPELINE_WAREHOUSE", "sqlserver")
    env.setenv("STORE_PIPELINE_MSSQL_SERVER", "127.0.0.1")
    env.setenv("STORE_PIPELINE_MSSQL_USER", "pipeline")
    env.setenv("STORE_PIPELINE_MSSQL_PASSWORD", SECRET)
    yield env


def serve(monkeypatch: pytest.MonkeyPatch, server: Server) -> Server:
    monkeypatch.setitem(sys.modules, "pyodbc", server.module())
    return server


def test_sqlserver_all_good(sqlserver):
    server = serve(sqlserver, Server())
    lines: list[str] = []
    assert run_doctor(lines.append) == 0
    assert [line[6:] for line in lines[-6:-1]] == [
        "SQL Server settings", "pyodbc", "ODBC driver", "SQL Server connection",
        "restore permission"]
    (connection_string, kwargs), = server.connections
    assert connection_string.endswith(";PWD={s3cr;t}}pw}")
    assert kwargs == {"autocommit": True, "timeout": 5}
    assert server.closed == 1
    assert not any(SECRET in line for line in lines)


def test_sqlserver_settings_missing(sqlserver):
    sqlserver.setenv("STORE_PIPELINE_MSSQL_SERVER", "")
    assert_problem("SQL Server settings", "needs STORE_PIPELINE_MSSQL_SERVER",
                   "set the STORE_PIPELINE_MSSQL_* variables")


def test_pyodbc_without_unixodbc(sqlserver):
    sqlserver.setitem(sys.modules, "pyodbc", None)  # import fails as without libodbc.so.2
    assert_problem("pyodbc", "pyodbc cannot be loaded", "apt-get install unixodbc")
    assert "ODBC driver" not in [f.name for f in collect_findings()]


def test_odbc_driver_not_installed(sqlserver):
    serve(sqlserver, Server(drivers=("FreeTDS",)))
    assert_problem("ODBC driver", "'ODBC Driver 18 for SQL Server' is not installed (installed: "
                   "FreeTDS)", "msodbcsql18")


def test_server_unreachable(sqlserver):
    serve(sqlserver, Server(refuse=(
        "[08001] [Microsoft][ODBC Driver 18 for SQL Server]TCP Provider: Error code 0x2749 "
        "(10057) (SQLDriverConnect)")))
    assert_problem("SQL Server connection", "cannot log in to 127.0.0.1:1433 as 'pipeline': "
                   "TCP Provider: Error code 0x2749 (10057)",
                   "check STORE_PIPELINE_MSSQL_SERVER")
    assert "restore permission" not in [f.name for f in collect_findings()]


def test_login_without_restore_permission(sqlserver):
    serve(sqlserver, Server(roles=(0, 0, 0)))
    assert_problem("restore permission", "login 'pipeline' may not restore databases",
                   "ALTER SERVER ROLE [dbcreator] ADD MEMBER [pipeline]")


@pytest.mark.parametrize(("var", "value", "problem"), [
    ("STORE_PIPELINE_MSSQL_ENCRYPT", "maybe", "STORE_PIPELINE_MSSQL_ENCRYPT='maybe'"),
    ("STORE_PIPELINE_MSSQL_PORT", "14x3", "STORE_PIPELINE_MSSQL_PORT='14x3'"),
    ("STORE_PIPELINE_MSSQL_RESTORE_DATABASE", "pos;restore", "invalid SQL Server identifier"),
])
def test_malformed_sqlserver_settings(sqlserver, var, value, problem):
    sqlserver.setenv(var, value)
    assert_problem("SQL Server settings", problem, "STORE_PIPELINE_MSSQL_*")


def test_resource_from_env_keeps_the_password_out_of_sight(sqlserver):
    for var, value in (("PORT", "14330"), ("DATABASE", "warehouse"), ("ENCRYPT", "no"),
                       ("TRUST_CERT", "yes"), ("DRIVER", "FreeTDS"),
                       ("BACKUP_DIR", "S:\\Landing"), ("RESTORE_DATABASE", "pos scratch")):
        sqlserver.setenv(f"STORE_PIPELINE_MSSQL_{var}", value)
    warehouse = SqlServerWarehouse.from_env()
    assert isinstance(warehouse.password, dg.EnvVar)
    assert warehouse.connection_string() == (
        "DRIVER={FreeTDS};SERVER=127.0.0.1,14330;DATABASE=warehouse;UID=pipeline;Encrypt=no;"
        "TrustServerCertificate=yes;APP=store-pipeline")
    resolved = SqlServerWarehouse(server="127.0.0.1", user="pipeline", password=SECRET)
    for shown in (repr(warehouse), str(warehouse), repr(resolved), str(resolved),
                  resolved.connection_string()):
        assert SECRET not in shown and "PWD" not in shown
    target = warehouse.restore_target(Path("/srv/landing/pos_20260310.bak"))
    assert (target.backup, target.label, target.database) == (
        "S:\\Landing\\pos_20260310.bak", "pos_20260310.bak", "pos scratch")


def test_resource_defaults_match_the_dbt_profile(sqlserver):
    sqlserver.setenv("STORE_PIPELINE_MSSQL_USER", "")
    warehouse = SqlServerWarehouse.from_env()
    assert warehouse.connection_string() == (
        "DRIVER={ODBC Driver 18 for SQL Server};SERVER=127.0.0.1,1433;DATABASE=store_analytics;"
        "UID=sa;Encrypt=yes;TrustServerCertificate=no;APP=store-pipeline")
    assert warehouse.restore_target(Path("/srv/landing/pos_20260310.bak")).backup == (
        "/srv/landing/pos_20260310.bak")
    sqlserver.setenv("STORE_PIPELINE_MSSQL_PASSWORD", "")
    with pytest.raises(SqlServerConfigError, match="STORE_PIPELINE_MSSQL_PASSWORD"):
        SqlServerWarehouse.from_env()


# --- SFTP -------------------------------------------------------------------------------------

def _public_key() -> str:
    key = Ed25519PrivateKey.generate().public_key()
    return key.public_bytes(serialization.Encoding.OpenSSH,
                            serialization.PublicFormat.OpenSSH).decode()


@pytest.fixture
def listener() -> Iterator[int]:
    """A loopback port that accepts TCP connections."""
    with socket.create_server(("127.0.0.1", 0)) as server:
        yield server.getsockname()[1]


@pytest.fixture
def closed_port() -> int:
    with socket.create_server(("127.0.0.1", 0)) as server:
        return server.getsockname()[1]


@pytest.fixture
def sftp(env, tmp_path, sshd) -> pytest.MonkeyPatch:
    """A good SFTP configuration against a real sshd, with files the test may spoil."""
    known_hosts, key_file = tmp_path / "known_hosts", tmp_path / "id_ed25519"
    shutil.copyfile(sshd.known_hosts, known_hosts)
    shutil.copyfile(sshd.key_file, key_file)
    key_file.chmod(0o600)
    for var, value in (("HOST", sshd.host), ("PORT", str(sshd.port)), ("USER", sshd.user),
                       ("KNOWN_HOSTS", str(known_hosts)), ("REMOTE_DIR", str(sshd.outbox)),
                       ("KEY_FILE", str(key_file))):
        env.setenv(f"STORE_PIPELINE_SFTP_{var}", value)
    return env


def test_sftp_all_good(sftp, sshd):
    lines: list[str] = []
    assert run_doctor(lines.append) == 0
    assert [line[6:] for line in lines if "SFTP" in line] == [
        "SFTP settings", "SFTP known_hosts", "SFTP key file", "SFTP port",
        f"SFTP session (0 backup(s) in sftp://{sshd.user}@127.0.0.1:{sshd.port}{sshd.outbox})"]
    assert "POS outbox" not in "".join(lines)  # the local outbox is not used


def test_a_changed_host_key_fails_the_session(sftp, tmp_path, sshd):
    (tmp_path / "known_hosts").write_text(f"[127.0.0.1]:{sshd.port} {_public_key()}\n")
    assert_problem("SFTP session", "host key", "the host key")


def test_sftp_settings_missing(sftp):
    sftp.setenv("STORE_PIPELINE_SFTP_REMOTE_DIR", "")
    assert_problem("SFTP settings", "needs STORE_PIPELINE_SFTP_REMOTE_DIR",
                   "set the STORE_PIPELINE_SFTP_* variables")


def test_known_hosts_missing(sftp, tmp_path, sshd):
    listener = sshd.port
    (tmp_path / "known_hosts").unlink()
    assert_problem("SFTP known_hosts", f"{tmp_path / 'known_hosts'} does not exist",
                   f"ssh-keyscan -p {listener} 127.0.0.1 >> {tmp_path / 'known_hosts'}")


def test_known_hosts_without_the_port(sftp, tmp_path, sshd):
    listener = sshd.port
    (tmp_path / "known_hosts").write_text(f"127.0.0.1 {_public_key()}\n")  # port 22 only
    assert_problem("SFTP known_hosts", f"has no entry for [127.0.0.1]:{listener}",
                   f"to trust [127.0.0.1]:{listener}, compare the server's fingerprint")


def test_hashed_known_hosts_entries_count(sftp, tmp_path, sshd):
    listener = sshd.port
    hashed = paramiko.HostKeys.hash_host(f"[127.0.0.1]:{listener}")
    (tmp_path / "known_hosts").write_text(f"{hashed} {_public_key()}\n")
    assert finding("SFTP known_hosts").ok


def test_key_file_readable_by_others(sftp, tmp_path):
    (tmp_path / "id_ed25519").chmod(0o644)
    assert_problem("SFTP key file", "has mode 0644", f"chmod 600 {tmp_path / 'id_ed25519'}")


def test_key_file_missing(sftp, tmp_path):
    (tmp_path / "id_ed25519").unlink()
    assert_problem("SFTP key file", "does not exist", "STORE_PIPELINE_SFTP_KEY_FILE")


def test_sftp_port_closed(sftp, closed_port):
    sftp.setenv("STORE_PIPELINE_SFTP_PORT", str(closed_port))
    assert_problem("SFTP port", f"cannot connect to 127.0.0.1:{closed_port}: ",
                   "no firewall blocks the port")


# --- the instance's storage -------------------------------------------------------------------

def test_the_instance_storage_is_named(env, tmp_path):
    env.delenv("DAGSTER_HOME")
    lines: list[str] = []
    run_doctor(lines.append)
    assert f"ok    instance storage (SQLite under {tmp_path / 'home' / 'dagster_home'})" in lines


def test_a_reachable_postgres_storage_passes(env, postgres_url):
    env.setenv("STORE_PIPELINE_DAGSTER_POSTGRES_URL", postgres_url)
    result = finding("instance storage")
    assert result.ok
    assert result.note.startswith("PostgreSQL at postgresql://pipeline@127.0.0.1:")


def test_a_refused_postgres_login_names_the_server_not_the_password(env, postgres_url):
    wrong = postgres_url.replace("@", "x@", 1)
    env.setenv("STORE_PIPELINE_DAGSTER_POSTGRES_URL", wrong)
    result = finding("instance storage")
    assert_problem("instance storage", "cannot connect to PostgreSQL at postgresql://pipeline@",
                   "STORE_PIPELINE_DAGSTER_POSTGRES_URL")
    password = wrong.split(":")[2].split("@")[0]
    assert password not in result.problem + result.fix
    assert "password authentication failed" in result.problem
