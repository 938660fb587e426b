"""SFTP mechanics behind ``SftpOutbox``: connecting safely, listing, resumable download, disposal.

Everything here works on an open ``paramiko.SFTPClient``; retries and the landing protocol live in
``store_pipeline.defs.resources.sftp``.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import logging
import posixpath
import queue
import re
import socket
import stat
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

import paramiko

from store_pipeline.lib.ingest.files import (
    OutboxFile,
    UnsafeFileName,
    check_file_name,
    with_markers,
)
from store_pipeline.lib.ingest.transfer import TransferError, read_sidecar_sha256

log = logging.getLogger(__name__)

WINDOW_SIZE = 64 << 20
MAX_PACKET_SIZE = 256 << 10
# OpenSSH >= 8.6 serves reads up to 255 KiB; a server that caps lower is detected and honoured.
MAX_READ_REQUEST = 255 << 10
# Bytes per prefetch run; with two runs in flight this covers a WAN round trip, while more
# would only pile up in paramiko's channel buffer, whose reads cost in proportion to its fill.
RUN_BYTES = 2 << 20
# AES-GCM needs no separate HMAC pass: less CPU on both ends than paramiko's default aes-ctr.
PREFERRED_CIPHERS = ("aes128-gcm@openssh.com", "aes256-gcm@openssh.com")
# Received blocks waiting for the writer thread (at most this many times MAX_READ_REQUEST).
WRITE_QUEUE_BLOCKS = 32
ARCHIVE_DIR = "archive"
SIDECAR_SUFFIX = ".sha256"
_TRANSIENT_ERRNOS = {errno.ECONNRESET, errno.ECONNREFUSED, errno.ECONNABORTED, errno.EPIPE,
                     errno.ETIMEDOUT, errno.EHOSTUNREACH, errno.ENETUNREACH, errno.ENETDOWN}


class SftpError(Exception):
    """An SFTP outbox problem a user has to act on."""


class HostKeyError(SftpError):
    """The server's host key is unknown or differs from the one in known_hosts."""


class SftpPermissionError(SftpError):
    """Authentication failed, or the server refused access to a path."""


class SftpTransferError(SftpError, TransferError):
    """A download could not be completed or verified."""


class ChecksumError(SftpTransferError):
    """The landed bytes do not match the remote ``.sha256`` sidecar."""


@dataclass(frozen=True)
class Endpoint:
    """Where and as whom to connect; the password is never part of any message."""

    host: str
    port: int
    user: str
    known_hosts: Path
    key_file: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout: float = 30.0
    keepalive: int = 15

    @property
    def label(self) -> str:
        return f"{self.user}@{self.host}:{self.port}"

    def keyscan_hint(self) -> str:
        return (f"compare the server's fingerprint with the one its administrator gives you "
                f"(ssh-keygen -lf on the POS host), then run: "
                f"ssh-keyscan -p {self.port} {self.host} >> {self.known_hosts}")


@dataclass(frozen=True)
class RemoteFile:
    """A remote file about to be downloaded, with the hash its sidecar announces (if any)."""

    path: str
    size: int
    mtime: int
    sha256: str | None


class _RejectUnknownHost(paramiko.RejectPolicy):
    """Refuse hosts absent from known_hosts, saying how to trust one deliberately."""

    def __init__(self, endpoint: Endpoint) -> None:
        self.endpoint = endpoint

    def missing_host_key(self, client: paramiko.SSHClient, hostname: str,
                         key: paramiko.PKey) -> None:
        ep = self.endpoint
        raise HostKeyError(
            f"unknown host key for {ep.host}:{ep.port}: it is not in {ep.known_hosts} (the server "
            f"offered {key.get_name()} {key.fingerprint}). To trust it, {ep.keyscan_hint()}")


def _fast_transport(sock: socket.socket, **kwargs: object) -> paramiko.Transport:
    """A transport with a large window and packets, preferring the cheapest strong cipher.

    Nagle's algorithm is off: it would hold back the small read requests that keep the
    pipeline full until the server acknowledges earlier ones.
    """
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    transport = paramiko.Transport(sock, default_window_size=WINDOW_SIZE,
                                   default_max_packet_size=MAX_PACKET_SIZE, **kwargs)
    options = transport.get_security_options()
    options.ciphers = PREFERRED_CIPHERS + tuple(
        c for c in options.ciphers if c not in PREFERRED_CIPHERS)
    return transport


def _changed_key_error(ep: Endpoint, exc: paramiko.BadHostKeyException) -> HostKeyError:
    return HostKeyError(
        f"host key for {ep.host}:{ep.port} does not match {ep.known_hosts}: expected "
        f"{exc.expected_key.get_name()} {exc.expected_key.fingerprint}, the server offered "
        f"{exc.key.get_name()} {exc.key.fingerprint}. This can be an attack; if the POS host's "
        f"key was replaced on purpose, remove the old entry (ssh-keygen -R '[{ep.host}]:{ep.port}' "
        f"-f {ep.known_hosts}), then {ep.keyscan_hint()}")


def _connect(client: paramiko.SSHClient, ep: Endpoint) -> None:
    if not ep.key_file and not ep.password:
        raise SftpError(f"no credentials for {ep.label}: set a key file or a password")
    try:
        client.load_host_keys(str(ep.known_hosts))
    except FileNotFoundError:
        raise HostKeyError(f"known_hosts file {ep.known_hosts} does not exist; to trust "
                           f"{ep.host}:{ep.port}, {ep.keyscan_hint()}") from None
    client.set_missing_host_key_policy(_RejectUnknownHost(ep))
    try:
        client.connect(ep.host, ep.port, username=ep.user, key_filename=ep.key_file,
                       password=ep.password, timeout=ep.timeout, banner_timeout=ep.timeout,
                       auth_timeout=ep.timeout, channel_timeout=ep.timeout, look_for_keys=False,
                       allow_agent=False, transport_factory=_fast_transport)
    except paramiko.BadHostKeyException as exc:
        raise _changed_key_error(ep, exc) from None
    except paramiko.AuthenticationException:
        method = f"key {ep.key_file}" if ep.key_file else "password"
        raise SftpPermissionError(f"permission denied: {ep.label} rejected the {method}; check "
                                  f"the user and that the key is authorised there") from None


@contextlib.contextmanager
def open_sftp(ep: Endpoint) -> Iterator[paramiko.SFTPClient]:
    """An SFTP session verified against known_hosts only; closed on exit."""
    client = paramiko.SSHClient()
    try:
        _connect(client, ep)
        transport = client.get_transport()
        assert transport is not None
        transport.set_keepalive(ep.keepalive)
        sftp = client.open_sftp()
        sftp.get_channel().settimeout(ep.timeout)
        yield sftp
    finally:
        client.close()


def is_transient(exc: BaseException) -> bool:
    """Whether retrying on a new connection can help (dropped link, timeout, refused)."""
    if isinstance(exc, SftpError | paramiko.AuthenticationException):
        return False
    if isinstance(exc, EOFError | paramiko.SSHException | TimeoutError):
        return True
    return isinstance(exc, OSError) and (exc.errno is None or exc.errno in _TRANSIENT_ERRNOS)


@contextlib.contextmanager
def remote_access(ep: Endpoint, what: str) -> Iterator[None]:
    """Turn the server's permission refusals into an error naming the account and path."""
    try:
        yield
    except PermissionError:
        raise SftpPermissionError(f"permission denied: {ep.label} may not {what}") from None


def landing_paths(landing: Path, name: str) -> tuple[Path, Path]:
    """``landing/<name>`` and ``landing/<name>.part``, refused unless both resolve inside."""
    check_file_name(name)
    landing.mkdir(parents=True, exist_ok=True)
    root = landing.resolve()
    target = (root / name).resolve()
    part = (root / f"{name}.part").resolve()
    if target.parent != root or part.parent != root:
        raise UnsafeFileName(f"refusing {name!r}: it would land outside {root}")
    return target, part


def list_outbox(sftp: paramiko.SFTPClient, ep: Endpoint, remote_dir: str,
                pattern: str, marker: str = "") -> list[OutboxFile]:
    """Regular files in ``remote_dir`` whose names match ``pattern``, sorted by name, flagged
    ready when their ``marker`` companion file exists."""
    regex = re.compile(pattern)
    if "date" not in regex.groupindex:
        raise SftpError(f"file pattern {pattern!r} has no named group 'date'")
    try:
        with remote_access(ep, f"list {remote_dir}"):
            entries = sftp.listdir_attr(remote_dir)
    except FileNotFoundError:
        raise SftpError(f"{ep.label}:{remote_dir} does not exist") from None
    found = []
    for entry in entries:
        if not (stat.S_ISREG(entry.st_mode or 0) and regex.match(entry.filename)):
            continue
        try:
            check_file_name(entry.filename)
        except UnsafeFileName as exc:
            log.warning("skipping remote file: %s", exc)
            continue
        found.append(OutboxFile(entry.filename, entry.st_size or 0, float(entry.st_mtime or 0)))
    found.sort(key=lambda f: f.name)
    return with_markers(found, {e.filename for e in entries}, marker)


def describe(sftp: paramiko.SFTPClient, ep: Endpoint, path: str) -> RemoteFile:
    """Stat a remote file and read its sidecar hash, if it has one."""
    try:
        with remote_access(ep, f"read {path}"):
            attrs = sftp.stat(path)
    except FileNotFoundError:
        raise SftpTransferError(f"{ep.label}:{path} does not exist") from None
    if not stat.S_ISREG(attrs.st_mode or 0):
        raise SftpTransferError(f"{ep.label}:{path} is not a regular file")
    sidecar = path + SIDECAR_SUFFIX
    try:
        with remote_access(ep, f"read {sidecar}"), sftp.open(sidecar, "rb") as fh:
            digest = read_sidecar_sha256(fh.read(4096).decode("ascii", "replace"))
    except FileNotFoundError:
        digest = None
    return RemoteFile(path, attrs.st_size or 0, int(attrs.st_mtime or 0), digest)


def _digest_of_part(part: Path) -> hashlib._Hash:
    digest = hashlib.sha256()
    if part.exists():
        with part.open("rb") as fh:
            while block := fh.read(4 << 20):
                digest.update(block)
    return digest


class _PartWriter:
    """Appends blocks to a ``.part`` and its sha256 on a thread of its own, so the SFTP reader
    only hands blocks over; leaving the ``with`` block writes out what was queued."""

    def __init__(self, part: Path, digest: hashlib._Hash) -> None:
        self._file = part.open("ab")
        self._digest = digest
        self._queue: queue.Queue[bytes | None] = queue.Queue(WRITE_QUEUE_BLOCKS)
        self._error: OSError | None = None
        self._thread = threading.Thread(target=self._run, name=f"write {part.name}", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while (block := self._queue.get()) is not None:
            if self._error is None:
                try:
                    self._file.write(block)
                    self._digest.update(block)
                except OSError as exc:
                    self._error = exc

    def write(self, block: bytes) -> None:
        if self._error is not None:
            raise self._error
        self._queue.put(block)

    def __enter__(self) -> _PartWriter:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._queue.put(None)
        self._thread.join()
        self._file.close()
        if self._error is not None:
            raise self._error


def _first_block(rf: paramiko.SFTPFile, offset: int, size: int) -> tuple[bytes, int]:
    """One plain read at ``offset``, and the request size to use: a short answer before EOF
    reveals that the server caps reads below ``MAX_READ_REQUEST``."""
    rf.MAX_REQUEST_SIZE = MAX_READ_REQUEST
    rf.seek(offset)
    block = rf._read(min(MAX_READ_REQUEST, size - offset))  # exactly one SFTP read request
    capped = offset + len(block) < size and len(block) < MAX_READ_REQUEST
    return block, len(block) if capped else MAX_READ_REQUEST


def _prefetch(rf: paramiko.SFTPFile, request: int, start: int, end: int) -> None:
    """Queue read requests for ``[start, end)`` of ``rf``; paramiko buffers the answers."""
    rf.MAX_REQUEST_SIZE = request
    rf.seek(start)
    rf.prefetch(end)


def _drain(rf: paramiko.SFTPFile, out: _PartWriter, request: int, start: int,
           end: int) -> None:
    """Write the prefetched bytes ``[start, end)`` of ``rf`` to ``out``."""
    position = start
    while position < end:
        block = rf.read(min(request, end - position))
        if not block:
            # paramiko answers a read cut off by a dropped link with no bytes; a retry
            # resumes from the part file, or refuses the file if it really shrank
            raise EOFError(f"remote file ended at byte {position} of {end}")
        out.write(block)
        position += len(block)


def _copy(handles: tuple[paramiko.SFTPFile, paramiko.SFTPFile], out: _PartWriter,
          offset: int, size: int) -> None:
    """Copy from ``offset`` in runs of prefetched requests; two handles on the same file take
    turns, so the next run is always in flight while the current one is written."""
    first, request = _first_block(handles[0], offset, size)
    out.write(first)
    run = max(RUN_BYTES // request, 1) * request
    runs = [(start, min(start + run, size)) for start in range(offset + len(first), size, run)]
    if runs:
        _prefetch(handles[0], request, *runs[0])
    for index, (start, end) in enumerate(runs):
        if index + 1 < len(runs):
            _prefetch(handles[(index + 1) % 2], request, *runs[index + 1])
        _drain(handles[index % 2], out, request, start, end)


def resume_download(sftp: paramiko.SFTPClient, ep: Endpoint, remote: RemoteFile,
                    part: Path) -> hashlib._Hash:
    """Append what ``part`` lacks of ``remote``; return the sha256 state of the whole part."""
    offset = part.stat().st_size if part.exists() else 0
    if offset > remote.size:
        log.warning("discarding %s: larger than the remote file", part)
        part.unlink()
        offset = 0
    digest = _digest_of_part(part)
    if offset == remote.size:
        part.touch()
        return digest
    if offset:
        log.info("resuming %s at byte %d of %d", remote.path, offset, remote.size)
    with contextlib.ExitStack() as stack:
        with remote_access(ep, f"read {remote.path}"):
            first = stack.enter_context(sftp.open(remote.path, "rb"))
            second = stack.enter_context(sftp.open(remote.path, "rb"))
        _copy((first, second), stack.enter_context(_PartWriter(part, digest)), offset, remote.size)
    return digest


def _ignore_missing(action: Callable[..., object], *args: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        action(*args)


def dispose(sftp: paramiko.SFTPClient, ep: Endpoint, remote_dir: str, name: str,
            mode: str) -> None:
    """After a verified landing: ``archive`` or ``delete`` the remote file and its sidecar."""
    archive = posixpath.join(remote_dir, ARCHIVE_DIR)
    with remote_access(ep, f"{mode} files in {remote_dir}"):
        if mode == "archive":
            try:
                sftp.stat(archive)
            except FileNotFoundError:
                sftp.mkdir(archive)
        for file_name in (name, name + SIDECAR_SUFFIX):
            source = posixpath.join(remote_dir, file_name)
            if mode == "delete":
                _ignore_missing(sftp.remove, source)
                continue
            destination = posixpath.join(archive, file_name)
            _ignore_missing(sftp.remove, destination)
            _ignore_missing(sftp.rename, source, destination)
