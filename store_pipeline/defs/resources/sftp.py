"""``SftpOutbox``: the production POS outbox, a folder on the POS host reached over SFTP."""

from __future__ import annotations

import os
import posixpath
import time
from collections.abc import Callable
from pathlib import Path
from typing import Literal, TypeVar

import dagster as dg
import paramiko
from pydantic import Field

from store_pipeline.defs.resources.outbox import Outbox
from store_pipeline.lib.ingest.files import FetchResult, OutboxFile
from store_pipeline.lib.ingest.sftp_transfer import (
    ChecksumError,
    Endpoint,
    HostKeyError,
    RemoteFile,
    SftpError,
    SftpPermissionError,
    SftpTransferError,
    describe,
    dispose,
    is_transient,
    landing_paths,
    list_outbox,
    open_sftp,
    resume_download,
)

__all__ = ["ChecksumError", "HostKeyError", "SftpError", "SftpOutbox", "SftpPermissionError",
           "SftpTransferError"]

ENV_PREFIX = "STORE_PIPELINE_SFTP_"
PASSWORD_ENV = ENV_PREFIX + "PASSWORD"
_REQUIRED_ENV = {"host": "HOST", "user": "USER", "known_hosts": "KNOWN_HOSTS",
                 "remote_dir": "REMOTE_DIR"}
_OPTIONAL_ENV = {"port": "PORT", "key_file": "KEY_FILE", "after_transfer": "AFTER_TRANSFER"}
T = TypeVar("T")
log = dg.get_dagster_logger(__name__)


class SftpOutbox(Outbox):
    """Backups waiting in ``remote_dir`` on the POS host; fetched resumably and verified.

    Host keys come only from ``known_hosts``; authenticate with ``key_file`` or ``password``
    (give the password as ``EnvVar("STORE_PIPELINE_SFTP_PASSWORD")``, never a literal).
    ``after_transfer`` is ``keep``, ``archive`` (move to ``<remote_dir>/archive/``) or ``delete``.
    Dropped connections are retried ``retries`` times, waiting ``backoff_seconds`` doubled each
    time; ``timeout`` bounds connect, banner, auth and every channel read.
    """

    host: str
    port: int = 22
    user: str
    key_file: str | None = None
    password: str | None = Field(default=None, repr=False,
                                 description=f"EnvVar({PASSWORD_ENV!r}); never a literal")
    known_hosts: str
    remote_dir: str
    after_transfer: Literal["keep", "archive", "delete"] = "keep"
    timeout: float = 30.0
    keepalive: int = 15
    retries: int = 5
    backoff_seconds: float = 2.0

    @classmethod
    def from_env(cls) -> SftpOutbox:
        """Configure from ``STORE_PIPELINE_SFTP_*``; the password stays an ``EnvVar``."""
        missing = [ENV_PREFIX + var for var in _REQUIRED_ENV.values()
                   if not os.environ.get(ENV_PREFIX + var)]
        if missing:
            raise SftpError(f"the SFTP outbox needs {', '.join(missing)}")
        values: dict[str, object] = {
            field: os.environ[ENV_PREFIX + var] for field, var in _REQUIRED_ENV.items()}
        values |= {field: os.environ[ENV_PREFIX + var] for field, var in _OPTIONAL_ENV.items()
                   if os.environ.get(ENV_PREFIX + var)}
        if "port" in values:
            values["port"] = int(str(values["port"]))
        if os.environ.get(PASSWORD_ENV):
            values["password"] = dg.EnvVar(PASSWORD_ENV)
        return cls(**values)

    def describe(self) -> str:
        return f"sftp://{self.user}@{self.host}:{self.port}{self.remote_dir}"

    def list_files(self) -> list[OutboxFile]:
        """Files in ``remote_dir`` matching ``pattern``, with size and mtime, sorted by name."""
        endpoint = self._endpoint()
        return self._with_retries(
            f"list {self.remote_dir}",
            lambda sftp: list_outbox(sftp, endpoint, self.remote_dir, self.pattern,
                                     self.ready_marker))

    def fetch(self, name: str, landing: Path, expected_size: int | None = None) -> FetchResult:
        """Download ``name`` to ``landing/<name>`` via ``<name>.part``, resuming after drops.

        Refuses unsafe names, a size differing from ``expected_size`` (still being written) and
        bytes not matching a remote ``<name>.sha256`` sidecar; renames only when verified.
        """
        target, part = landing_paths(Path(landing), name)
        path = posixpath.join(self.remote_dir, name)
        endpoint = self._endpoint()
        started = time.perf_counter()
        baseline: dict[str, RemoteFile] = {}

        def download(sftp: paramiko.SFTPClient) -> tuple[RemoteFile, str]:
            remote = describe(sftp, endpoint, path)
            _check_unchanged(remote, baseline.setdefault("first", remote), expected_size, part)
            digest = resume_download(sftp, endpoint, remote, part)
            _check_unchanged(describe(sftp, endpoint, path), remote, None, part)
            return remote, digest.hexdigest()

        remote, sha256 = self._with_retries(f"download {path}", download)
        _verify(remote, part, sha256)
        os.replace(part, target)
        if self.after_transfer != "keep":
            self._with_retries(
                f"{self.after_transfer} {path}",
                lambda sftp: dispose(sftp, endpoint, self.remote_dir, name, self.after_transfer))
        return FetchResult(target, remote.size, sha256, time.perf_counter() - started)

    def _endpoint(self) -> Endpoint:
        password = self.password
        if isinstance(password, dg.EnvVar):
            password = password.get_value()
        return Endpoint(host=self.host, port=self.port, user=self.user,
                        known_hosts=Path(self.known_hosts).expanduser(),
                        key_file=str(Path(self.key_file).expanduser()) if self.key_file else None,
                        password=password, timeout=self.timeout, keepalive=self.keepalive)

    def _with_retries(self, what: str, action: Callable[[paramiko.SFTPClient], T]) -> T:
        """Run ``action`` in a fresh session, reconnecting with backoff on transient failures."""
        endpoint = self._endpoint()
        attempt = 0
        while True:
            try:
                with open_sftp(endpoint) as sftp:
                    return action(sftp)
            except Exception as exc:
                if not is_transient(exc):
                    raise
                if attempt >= self.retries:
                    raise SftpError(f"could not {what} on {endpoint.label} after {attempt + 1} "
                                    f"attempts; last error: {exc!r}") from exc
                delay = self.backoff_seconds * 2**attempt
                attempt += 1
                log.warning("%s on %s failed (%r); retry %d of %d in %.1f s", what,
                            endpoint.label, exc, attempt, self.retries, delay)
                time.sleep(delay)


def _check_unchanged(remote: RemoteFile, first: RemoteFile, expected_size: int | None,
                     part: Path) -> None:
    """Refuse a file still being written, or one that changed between attempts."""
    if expected_size is not None and remote.size != expected_size:
        raise SftpTransferError(f"{remote.path} is {remote.size} bytes but was listed with "
                            f"{expected_size}: it is probably still being written; not taken")
    if (remote.size, remote.mtime) != (first.size, first.mtime):
        part.unlink(missing_ok=True)
        raise SftpTransferError(f"{remote.path} changed during the download; fetch it again once "
                            "the POS has finished writing it")


def _verify(remote: RemoteFile, part: Path, sha256: str) -> None:
    """Size against the remote stat, hash against the sidecar; a bad ``.part`` is deleted."""
    size = part.stat().st_size
    if size != remote.size:
        part.unlink()
        raise SftpTransferError(f"{remote.path}: landed {size} bytes, the server reports "
                            f"{remote.size}")
    if remote.sha256 is not None and remote.sha256 != sha256:
        part.unlink()
        raise ChecksumError(f"{remote.path}: sha256 {sha256} does not match its sidecar "
                            f"({remote.sha256}); the download was discarded")
