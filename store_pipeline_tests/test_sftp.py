"""SftpOutbox against a real OpenSSH sshd on 127.0.0.1 (see ``sshd_server.py``)."""

from __future__ import annotations

import hashlib
import random
import socket
import tempfile
from pathlib import Path

import dagster as dg
import paramiko
import pytest

import store_pipeline.lib.ingest.sftp_transfer as transfer
from store_pipeline.defs.resources.sftp import (
    ChecksumError,
    HostKeyError,
    SftpError,
    SftpOutbox,
    SftpPermissionError,
)
from store_pipeline.lib.ingest.files import UnsafeFileName
from store_pipeline.lib.ingest.transfer import TransferError
from store_pipeline_tests.sshd_server import (
    SshdFacts,
    known_hosts_line,
    make_key,
    sshd_fixture,  # noqa: F401  (provides the ``sshd`` fixture)
)

NAME = "pos_20250101.bak"
MIB = 1 << 20


@pytest.fixture
def remote(sshd: SshdFacts) -> Path:
    """A fresh remote outbox folder for one test."""
    return Path(tempfile.mkdtemp(dir=sshd.outbox))


@pytest.fixture
def landing(tmp_path: Path) -> Path:
    return tmp_path / "landing"


def outbox(sshd: SshdFacts, remote: Path, **overrides: object) -> SftpOutbox:
    config: dict[str, object] = {
        "host": sshd.host, "port": sshd.port, "user": sshd.user, "key_file": str(sshd.key_file),
        "known_hosts": str(sshd.known_hosts), "remote_dir": str(remote), "timeout": 10.0,
        "backoff_seconds": 0.01} | overrides
    return SftpOutbox(**config)


def write_backup(remote: Path, size: int, name: str = NAME) -> bytes:
    data = random.Random(size).randbytes(size)
    (remote / name).write_bytes(data)
    return data


def write_sidecar(remote: Path, data: bytes, name: str = NAME) -> None:
    (remote / f"{name}.sha256").write_text(f"{hashlib.sha256(data).hexdigest()}  {name}\n")


def test_lists_matching_regular_files_with_size_and_mtime(sshd: SshdFacts, remote: Path) -> None:
    write_backup(remote, 1000)
    write_backup(remote, 10, "pos_20250102.duckdb")
    write_backup(remote, 10, "notes.txt")
    write_sidecar(remote, b"x")
    (remote / "pos_20250103.bak").mkdir()
    listed = outbox(sshd, remote).list_files()
    assert [(f.name, f.size) for f in listed] == [(NAME, 1000), ("pos_20250102.duckdb", 10)]
    assert listed[0].mtime == int((remote / NAME).stat().st_mtime)


def test_missing_remote_dir_is_reported(sshd: SshdFacts, remote: Path) -> None:
    with pytest.raises(SftpError, match=f"{remote}/absent does not exist"):
        outbox(sshd, remote / "absent").list_files()


def test_fetch_lands_a_byte_identical_file(sshd: SshdFacts, remote: Path, landing: Path) -> None:
    data = write_backup(remote, 5 * MIB + 12345)
    result = outbox(sshd, remote).fetch(NAME, landing, expected_size=len(data))
    assert result.path == landing.resolve() / NAME
    assert result.size == len(data)
    assert result.sha256 == hashlib.sha256(data).hexdigest()
    assert result.seconds > 0
    assert result.path.read_bytes() == data
    assert sorted(p.name for p in landing.iterdir()) == [NAME]
    assert (remote / NAME).exists()


def _record_sessions(monkeypatch: pytest.MonkeyPatch, part: Path) -> list[tuple[int, ...]]:
    """Per SFTP session: the size of ``part`` when it opened, and the first remote offset read."""
    sessions: list[list[int]] = []
    real_open_sftp = paramiko.SSHClient.open_sftp
    real_seek = paramiko.SFTPFile.seek

    def open_sftp(self: paramiko.SSHClient) -> paramiko.SFTPClient:
        sessions.append([part.stat().st_size if part.exists() else 0])
        return real_open_sftp(self)

    def seek(self: paramiko.SFTPFile, offset: int, whence: int = 0) -> None:
        if len(sessions[-1]) == 1:
            sessions[-1].append(offset)
        real_seek(self, offset, whence)

    monkeypatch.setattr(paramiko.SSHClient, "open_sftp", open_sftp)
    monkeypatch.setattr(paramiko.SFTPFile, "seek", seek)
    return sessions  # type: ignore[return-value]


# paramiko's prefetch thread reports the cut line on its own; the fetch itself recovers.
# A read cut off answers either with an error or, depending on timing, with no bytes.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
@pytest.mark.parametrize("cut_read_returns", ["its block", "no bytes"])
def test_dropped_connection_resumes_from_the_part_file(
        sshd: SshdFacts, remote: Path, landing: Path, monkeypatch: pytest.MonkeyPatch,
        cut_read_returns: str) -> None:
    data = write_backup(remote, 32 * MIB + 777)
    sessions = _record_sessions(monkeypatch, landing / f"{NAME}.part")
    real_read = paramiko.SFTPFile.read
    delivered = 0

    def read_then_cut_the_line(self: paramiko.SFTPFile, size: int | None = None) -> bytes:
        nonlocal delivered
        block = real_read(self, size)
        cut_here = delivered < 4 * MIB <= delivered + len(block)
        delivered += len(block)
        if cut_here:
            self.sftp.get_channel().get_transport().sock.shutdown(socket.SHUT_RDWR)
            if cut_read_returns == "no bytes":
                return b""
        return block

    monkeypatch.setattr(paramiko.SFTPFile, "read", read_then_cut_the_line)
    result = outbox(sshd, remote).fetch(NAME, landing)
    assert len(sessions) == 2
    assert sessions[0] == [0, 0]
    part_size, resumed_at = sessions[1]
    assert 4 * MIB <= part_size < len(data)
    assert resumed_at == part_size
    assert result.path.read_bytes() == data
    assert result.sha256 == hashlib.sha256(data).hexdigest()


def test_file_changed_during_the_download_is_discarded(
        sshd: SshdFacts, remote: Path, landing: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_backup(remote, 8 * MIB)
    real_read = paramiko.SFTPFile.read

    def read_while_the_pos_appends(self: paramiko.SFTPFile, size: int | None = None) -> bytes:
        with (remote / NAME).open("ab") as fh:
            fh.write(b"late row")
        return real_read(self, size)

    monkeypatch.setattr(paramiko.SFTPFile, "read", read_while_the_pos_appends)
    with pytest.raises(TransferError, match="changed during the download"):
        outbox(sshd, remote).fetch(NAME, landing)
    assert not any(landing.iterdir())


def test_part_left_by_an_earlier_run_is_resumed(
        sshd: SshdFacts, remote: Path, landing: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = write_backup(remote, 3 * MIB + 5)
    landing.mkdir()
    (landing / f"{NAME}.part").write_bytes(data[:MIB + 3])
    sessions = _record_sessions(monkeypatch, landing / f"{NAME}.part")
    result = outbox(sshd, remote).fetch(NAME, landing)
    assert sessions == [[MIB + 3, MIB + 3]]
    assert result.path.read_bytes() == data
    assert result.sha256 == hashlib.sha256(data).hexdigest()


def test_server_read_cap_is_detected(sshd: SshdFacts, remote: Path, landing: Path,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """Asking for more than sshd serves per read still lands the file, at the server's size."""
    data = write_backup(remote, 6 * MIB + 1)
    monkeypatch.setattr(transfer, "MAX_READ_REQUEST", 1 * MIB)
    request_sizes = []
    real_prefetch = paramiko.SFTPFile.prefetch

    def prefetch(self: paramiko.SFTPFile, *args: object, **kwargs: object) -> None:
        request_sizes.append(self.MAX_REQUEST_SIZE)
        real_prefetch(self, *args, **kwargs)

    monkeypatch.setattr(paramiko.SFTPFile, "prefetch", prefetch)
    assert outbox(sshd, remote).fetch(NAME, landing).path.read_bytes() == data
    assert set(request_sizes) == {255 * 1024}


def test_unknown_host_is_refused(sshd: SshdFacts, remote: Path, landing: Path,
                                 tmp_path: Path) -> None:
    write_backup(remote, 100)
    known_hosts = tmp_path / "known_hosts"
    known_hosts.write_text(known_hosts_line(sshd.port + 1, sshd.key_file.with_suffix(".pub")))
    with pytest.raises(HostKeyError) as caught:
        outbox(sshd, remote, known_hosts=str(known_hosts)).fetch(NAME, landing)
    message = str(caught.value)
    assert f"{sshd.host}:{sshd.port}" in message
    assert f"ssh-keyscan -p {sshd.port} {sshd.host} >> {known_hosts}" in message
    assert not any(landing.iterdir())


def test_changed_host_key_is_refused(sshd: SshdFacts, remote: Path, landing: Path,
                                     tmp_path: Path) -> None:
    write_backup(remote, 100)
    impostor = make_key(tmp_path / "impostor")
    known_hosts = tmp_path / "known_hosts"
    known_hosts.write_text(known_hosts_line(sshd.port, impostor.with_suffix(".pub")))
    with pytest.raises(HostKeyError, match="does not match") as caught:
        outbox(sshd, remote, known_hosts=str(known_hosts)).list_files()
    assert str(known_hosts) in str(caught.value)
    assert not landing.exists()


def test_missing_known_hosts_file_is_refused(sshd: SshdFacts, remote: Path,
                                             tmp_path: Path) -> None:
    with pytest.raises(HostKeyError, match="does not exist"):
        outbox(sshd, remote, known_hosts=str(tmp_path / "absent")).list_files()


def test_file_still_being_written_is_not_taken(sshd: SshdFacts, remote: Path,
                                               landing: Path) -> None:
    data = write_backup(remote, 2000)
    box = outbox(sshd, remote)
    before = box.list_files()
    with (remote / NAME).open("ab") as fh:
        fh.write(b"more")
    after = box.list_files()
    assert [f.size for f in before] == [len(data)]
    assert [f.size for f in after] == [len(data) + 4]
    with pytest.raises(TransferError, match="still being written"):
        box.fetch(NAME, landing, expected_size=before[0].size)
    assert not any(landing.iterdir())


@pytest.mark.parametrize("name", ["../evil", "/etc/passwd", "a/b", "pos\x00.bak", ".hidden",
                                  "..", ""])
def test_unsafe_names_are_refused(sshd: SshdFacts, remote: Path, tmp_path: Path,
                                  name: str) -> None:
    (remote.parent / "evil").write_bytes(b"outside the outbox")
    landing = tmp_path / "deep" / "landing"
    with pytest.raises(UnsafeFileName):
        outbox(sshd, remote).fetch(name, landing)
    assert sorted(p.name for p in tmp_path.rglob("*")) == []


def test_symlink_in_landing_is_not_followed(sshd: SshdFacts, remote: Path, landing: Path,
                                            tmp_path: Path) -> None:
    write_backup(remote, 100)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.write_bytes(b"keep me")
    landing.mkdir()
    (landing / NAME).symlink_to(elsewhere)
    with pytest.raises(UnsafeFileName, match="outside"):
        outbox(sshd, remote).fetch(NAME, landing)
    assert elsewhere.read_bytes() == b"keep me"


def _require_file_modes(sshd: SshdFacts) -> None:
    if not sshd.file_modes_enforced:
        pytest.skip("the test sshd runs as root with file-mode override; chmod has no effect")


def test_unreadable_remote_file_names_account_and_path(sshd: SshdFacts, remote: Path,
                                                       landing: Path) -> None:
    _require_file_modes(sshd)
    write_backup(remote, 100)
    (remote / NAME).chmod(0)
    with pytest.raises(SftpPermissionError) as caught:
        outbox(sshd, remote).fetch(NAME, landing)
    message = str(caught.value)
    assert f"{sshd.user}@{sshd.host}:{sshd.port}" in message
    assert str(remote / NAME) in message
    assert not any(landing.iterdir())


def test_unreadable_remote_dir_names_account_and_path(sshd: SshdFacts, remote: Path) -> None:
    _require_file_modes(sshd)
    remote.chmod(0)
    try:
        with pytest.raises(SftpPermissionError, match=f"may not list {remote}"):
            outbox(sshd, remote).list_files()
    finally:
        remote.chmod(0o700)


def test_wrong_client_key_is_permission_denied(sshd: SshdFacts, remote: Path,
                                               tmp_path: Path) -> None:
    stranger = make_key(tmp_path / "stranger")
    with pytest.raises(SftpPermissionError) as caught:
        outbox(sshd, remote, key_file=str(stranger)).list_files()
    assert f"permission denied: {sshd.user}@{sshd.host}:{sshd.port}" in str(caught.value)


def test_matching_sidecar_is_accepted(sshd: SshdFacts, remote: Path, landing: Path) -> None:
    data = write_backup(remote, MIB)
    write_sidecar(remote, data)
    result = outbox(sshd, remote).fetch(NAME, landing)
    assert result.sha256 == hashlib.sha256(data).hexdigest()


def test_mismatching_sidecar_discards_the_download(sshd: SshdFacts, remote: Path,
                                                   landing: Path) -> None:
    write_backup(remote, MIB)
    write_sidecar(remote, b"something else")
    with pytest.raises(ChecksumError, match="does not match its sidecar"):
        outbox(sshd, remote).fetch(NAME, landing)
    assert not any(landing.iterdir())


@pytest.mark.parametrize("after_transfer", ["archive", "delete"])
def test_after_transfer_moves_or_removes_file_and_sidecar(
        sshd: SshdFacts, remote: Path, landing: Path, after_transfer: str) -> None:
    data = write_backup(remote, 1000)
    write_sidecar(remote, data)
    outbox(sshd, remote, after_transfer=after_transfer).fetch(NAME, landing)
    assert (landing / NAME).read_bytes() == data
    assert sorted(p.name for p in remote.iterdir()) == (
        ["archive"] if after_transfer == "archive" else [])
    archived = sorted(p.name for p in (remote / "archive").glob("*"))
    assert archived == ([NAME, f"{NAME}.sha256"] if after_transfer == "archive" else [])


def test_empty_file_lands(sshd: SshdFacts, remote: Path, landing: Path) -> None:
    write_backup(remote, 0)
    result = outbox(sshd, remote).fetch(NAME, landing)
    assert result.size == 0
    assert result.path.read_bytes() == b""


def test_unreachable_server_fails_after_retries(sshd: SshdFacts, remote: Path) -> None:
    with socket.socket() as unused:
        unused.bind((sshd.host, 0))
        port = unused.getsockname()[1]
    with pytest.raises(SftpError, match="after 3 attempts"):
        outbox(sshd, remote, port=port, retries=2).list_files()


def test_from_env_keeps_the_password_an_env_var(monkeypatch: pytest.MonkeyPatch) -> None:
    env = {"HOST": "127.0.0.1", "PORT": "2222", "USER": "pos", "KNOWN_HOSTS": "/k",
           "REMOTE_DIR": "/outbox", "PASSWORD": "hunter2", "AFTER_TRANSFER": "archive"}
    for key, value in env.items():
        monkeypatch.setenv(f"STORE_PIPELINE_SFTP_{key}", value)
    box = SftpOutbox.from_env()
    assert (box.port, box.user, box.after_transfer, box.key_file) == (2222, "pos", "archive", None)
    assert isinstance(box.password, dg.EnvVar)
    assert "hunter2" not in repr(box)
    monkeypatch.delenv("STORE_PIPELINE_SFTP_HOST")
    with pytest.raises(SftpError, match="STORE_PIPELINE_SFTP_HOST"):
        SftpOutbox.from_env()
