"""``store-pipeline doctor``: check the configuration in force; say how to fix each problem.

Local checks always run, the instance's storage among them (SQLite, or PostgreSQL reached with
a login); the SQL Server checks when ``STORE_PIPELINE_WAREHOUSE=sqlserver``, the SFTP checks
when ``STORE_PIPELINE_SFTP_HOST`` is set. Nothing is created or changed.
"""

from __future__ import annotations

import os
import socket
import stat
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from types import ModuleType
from zoneinfo import ZoneInfo

import paramiko
import psycopg2
from dotenv import load_dotenv
from paramiko.hostkeys import InvalidHostKey

from store_pipeline.defs.resources.mssql import SqlServerConfigError, SqlServerWarehouse
from store_pipeline.defs.resources.sftp import SftpOutbox
from store_pipeline.instance.config import POSTGRES_URL_ENV, describe_postgres, postgres_url
from store_pipeline.lib.ingest.mssql_restore import describe_error
from store_pipeline.lib.ingest.sftp_transfer import Endpoint, SftpError
from store_pipeline.lib.ingest.tsql import RESTORE_PERMISSION_SQL
from store_pipeline.lib.settings import (
    DEFAULT_START_DATE,
    DEFAULT_TIMEZONE,
    Settings,
    load_settings,
)

WAREHOUSE_ENV = "STORE_PIPELINE_WAREHOUSE"
WAREHOUSES = ("duckdb", "sqlserver")
SFTP_HOST_ENV = "STORE_PIPELINE_SFTP_HOST"
CONNECT_TIMEOUT = 5


@dataclass(frozen=True)
class Finding:
    """The outcome of one check: what is wrong and how to fix it when ``ok`` is False."""

    name: str
    ok: bool
    problem: str = ""
    fix: str = ""
    note: str = ""


def _ok(name: str, note: str = "") -> Finding:
    return Finding(name, True, note=note)


def _problem(name: str, problem: str, fix: str) -> Finding:
    return Finding(name, False, problem, fix)


def check_timezone(name: str) -> Finding:
    """The chain's timezone is a known IANA zone."""
    try:
        ZoneInfo(name)
    except (KeyError, ValueError):
        return _problem("timezone", f"STORE_PIPELINE_TIMEZONE={name!r} is not a known time zone",
                        "set it to the chain's IANA zone, e.g. America/New_York")
    return _ok("timezone")


def check_start_date(text: str) -> Finding:
    """The first business date is an ISO date."""
    try:
        date.fromisoformat(text)
    except ValueError:
        return _problem("start date", f"STORE_PIPELINE_START_DATE={text!r} is not a date",
                        "set it to the first business date to process, as YYYY-MM-DD")
    return _ok("start date")


def check_warehouse(kind: str) -> Finding:
    """The warehouse kind is one the pipeline knows."""
    if kind not in WAREHOUSES:
        return _problem("warehouse", f"{WAREHOUSE_ENV}={kind!r} is not a warehouse kind",
                        f"set it to {' or '.join(WAREHOUSES)}")
    return _ok("warehouse")


def check_writable(name: str, folder: Path) -> Finding:
    """``folder`` exists and takes new files, or can be created where it should be."""
    existing = folder
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir():
        return _problem(name, f"{existing} is a file, so {folder} cannot be a folder",
                        f"move {existing} away, or set STORE_PIPELINE_HOME to another folder")
    try:
        with tempfile.TemporaryFile(dir=existing):
            pass
    except OSError as error:
        return _problem(name, f"cannot write in {existing}: {error.strerror or error}",
                        f"let the pipeline's user write in {existing} (chown or chmod), or set "
                        "STORE_PIPELINE_HOME to a folder it can write")
    return _ok(name)


def folder_findings(settings: Settings) -> list[Finding]:
    """The data home and the folders the assets write to."""
    folders = {"data home": settings.home, "landing folder": settings.landing,
               "exports folder": settings.exports, "reports folder": settings.reports}
    return [check_writable(name, folder) for name, folder in folders.items()]


def check_instance_storage(dagster_home: Path) -> Finding:
    """Which storage the Dagster instance uses; PostgreSQL's must take a login."""
    url = postgres_url()
    if url is None:
        return _ok("instance storage", f"SQLite under {dagster_home}")
    where = describe_postgres(url)
    try:
        psycopg2.connect(url, connect_timeout=CONNECT_TIMEOUT).close()
    except psycopg2.Error as error:
        reason = str(error).strip().splitlines()[-1] if str(error).strip() else type(error).__name__
        return _problem("instance storage", f"cannot connect to PostgreSQL at {where}: {reason}",
                        f"check {POSTGRES_URL_ENV} (postgresql://user:password@host:port/db), "
                        "that the server takes TCP connections there and the database exists; "
                        "unset it for the embedded SQLite storage")
    return _ok("instance storage", f"PostgreSQL at {where}")


def check_outbox(folder: Path) -> Finding:
    """The local POS outbox exists."""
    if not folder.is_dir():
        return _problem("POS outbox", f"the POS outbox {folder} is not a folder",
                        "create it, or set STORE_PIPELINE_OUTBOX to the folder where the POS "
                        "writes its backups (or STORE_PIPELINE_SFTP_* for an SFTP outbox)")
    return _ok("POS outbox")


def check_odbc_driver(installed: Sequence[str], wanted: str) -> Finding:
    """unixODBC lists the driver the connection string names."""
    if wanted not in installed:
        return _problem("ODBC driver", f"ODBC driver {wanted!r} is not installed (installed: "
                        f"{', '.join(installed) or 'none'})",
                        "install Microsoft's msodbcsql18 package (ACCEPT_EULA=Y, from Microsoft's "
                        "package repository), or set STORE_PIPELINE_MSSQL_DRIVER to an installed "
                        "driver")
    return _ok("ODBC driver")


def check_restore_permission(roles: Sequence[object], user: str) -> Finding:
    """The login is sysadmin or dbcreator, or holds CREATE ANY DATABASE."""
    if 1 not in tuple(roles):
        return _problem("restore permission", f"login {user!r} may not restore databases: it is "
                        "neither sysadmin nor dbcreator and lacks CREATE ANY DATABASE",
                        f"as an administrator run: ALTER SERVER ROLE [dbcreator] ADD MEMBER "
                        f"[{user}]")
    return _ok("restore permission")


def _server_findings(pyodbc: ModuleType, warehouse: SqlServerWarehouse) -> list[Finding]:
    where = f"{warehouse.server}:{warehouse.port}"
    try:
        with warehouse.connect(timeout=CONNECT_TIMEOUT) as connection:
            roles = connection.cursor().execute(RESTORE_PERMISSION_SQL).fetchone()
    except pyodbc.Error as error:
        return [_problem("SQL Server connection", f"cannot log in to {where} as "
                         f"{warehouse.user!r}: {describe_error(error)}",
                         "check STORE_PIPELINE_MSSQL_SERVER, _PORT, _USER and _PASSWORD, that the "
                         "server takes TCP connections on that port, and _ENCRYPT/_TRUST_CERT "
                         "against its certificate")]
    return [_ok("SQL Server connection"), check_restore_permission(roles, warehouse.user)]


def _sqlserver_checks() -> Iterator[Finding]:
    """Each check runs only when the one before it passed."""
    try:
        warehouse = SqlServerWarehouse.from_env()
    except SqlServerConfigError as error:
        yield _problem("SQL Server settings", str(error),
                       "set the STORE_PIPELINE_MSSQL_* variables (see README and .env.example)")
        return
    yield _ok("SQL Server settings")
    try:
        import pyodbc
    except ImportError as error:
        yield _problem("pyodbc", f"pyodbc cannot be loaded: {error}",
                       "install unixODBC (apt-get install unixodbc) so that libodbc.so.2 exists")
        return
    yield _ok("pyodbc")
    driver = check_odbc_driver(pyodbc.drivers(), warehouse.driver)
    yield driver
    if driver.ok:
        yield from _server_findings(pyodbc, warehouse)


def check_known_hosts(endpoint: Endpoint) -> Finding:
    """known_hosts exists and trusts ``[host]:port`` (``host`` on port 22)."""
    entry = endpoint.host if endpoint.port == 22 else f"[{endpoint.host}]:{endpoint.port}"
    fix = f"to trust {entry}, {endpoint.keyscan_hint()}"
    if not endpoint.known_hosts.is_file():
        return _problem("SFTP known_hosts", f"{endpoint.known_hosts} does not exist", fix)
    try:
        keys = paramiko.HostKeys(str(endpoint.known_hosts))
    except (OSError, paramiko.SSHException, InvalidHostKey) as error:
        return _problem("SFTP known_hosts", f"cannot read {endpoint.known_hosts}: {error}", fix)
    if keys.lookup(entry) is None:
        return _problem("SFTP known_hosts", f"{endpoint.known_hosts} has no entry for {entry}",
                        fix)
    return _ok("SFTP known_hosts")


def check_key_file(path: Path) -> Finding:
    """The private key exists and only its owner may read it."""
    if not path.is_file():
        return _problem("SFTP key file", f"{path} does not exist",
                        "set STORE_PIPELINE_SFTP_KEY_FILE to the private key authorised on the "
                        "POS host")
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077 or not os.access(path, os.R_OK):
        return _problem("SFTP key file", f"{path} has mode {mode:04o}: it must be readable by "
                        "the pipeline's user only",
                        f"chown it to the pipeline's user, then chmod 600 {path}")
    return _ok("SFTP key file")


def check_port(name: str, host: str, port: int) -> Finding:
    """A TCP connection to ``host:port`` opens."""
    try:
        with socket.create_connection((host, port), timeout=CONNECT_TIMEOUT):
            pass
    except OSError as error:
        return _problem(name, f"cannot connect to {host}:{port}: {error.strerror or error}",
                        "check the host and port, that the service runs there and that no "
                        "firewall blocks the port")
    return _ok(name)


def check_sftp_session(outbox: SftpOutbox) -> Finding:
    """An SSH session opens with the pinned host key and lists the outbox."""
    try:
        files = outbox.list_files()
    except SftpError as error:
        return _problem("SFTP session", str(error),
                        "fix what the message names: the host key, the login or the folder")
    return _ok(f"SFTP session ({len(files)} backup(s) in {outbox.describe()})")


def sftp_findings() -> list[Finding]:
    """The SFTP outbox: settings, known_hosts, key file, port, then a real session."""
    try:
        outbox = SftpOutbox.from_env()
    except (SftpError, ValueError) as error:
        return [_problem("SFTP settings", str(error),
                         "set the STORE_PIPELINE_SFTP_* variables (see README and .env.example)")]
    endpoint = Endpoint(outbox.host, outbox.port, outbox.user,
                        Path(outbox.known_hosts).expanduser())
    findings = [_ok("SFTP settings"), check_known_hosts(endpoint)]
    if outbox.key_file:
        findings.append(check_key_file(Path(outbox.key_file).expanduser()))
    findings.append(check_port("SFTP port", outbox.host, outbox.port))
    if all(f.ok for f in findings):
        findings.append(check_sftp_session(outbox))
    return findings


def collect_findings() -> list[Finding]:
    """Every check that applies to the configuration in force."""
    load_dotenv(override=False)
    warehouse = os.environ.get(WAREHOUSE_ENV, "duckdb").strip().lower()
    findings = [
        check_timezone(os.environ.get("STORE_PIPELINE_TIMEZONE", DEFAULT_TIMEZONE)),
        check_start_date(os.environ.get("STORE_PIPELINE_START_DATE", DEFAULT_START_DATE)),
    ]
    if not all(f.ok for f in findings):
        return findings  # load_settings refuses these, so the folders cannot be checked yet
    settings = load_settings()
    findings.append(check_warehouse(warehouse))
    findings += folder_findings(settings)
    findings.append(check_instance_storage(Path(os.environ.get("DAGSTER_HOME",
                                                               settings.dagster_home))))
    if os.environ.get(SFTP_HOST_ENV):
        findings += sftp_findings()
    else:
        findings.append(check_outbox(settings.outbox))
    if warehouse == "sqlserver":
        findings += _sqlserver_checks()
    return findings


def run_doctor(print_fn: Callable[[str], None] = print) -> int:
    """Print every check, each problem with its fix; 1 if there is any problem, else 0."""
    findings = collect_findings()
    for finding in findings:
        if finding.ok:
            print_fn(f"ok    {finding.name}" + (f" ({finding.note})" if finding.note else ""))
        else:
            print_fn(f"FAIL  {finding.name}: {finding.problem}")
            print_fn(f"      fix: {finding.fix}")
    problems = sum(not f.ok for f in findings)
    print_fn(f"{problems} problem(s) found" if problems else f"all {len(findings)} checks passed")
    return 1 if problems else 0
