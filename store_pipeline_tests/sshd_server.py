"""A throwaway OpenSSH sshd on 127.0.0.1 for SFTP tests and benchmarks.

``running_sshd(workdir)`` is a context manager usable anywhere; ``sshd`` is the pytest fixture
(import ``sshd_fixture`` into a test module to use it).
When the tests run as root, the server is started without the capabilities that let root ignore
file modes, so ``chmod 000`` on a remote file is denied exactly as it is for a normal user.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import pwd
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

SSHD = Path("/usr/sbin/sshd")
HOST = "127.0.0.1"
_PR_CAPBSET_DROP = 24
_CAP_DAC_OVERRIDE = 1
_CAP_DAC_READ_SEARCH = 2


@dataclass(frozen=True)
class SshdFacts:
    """How to reach the running server."""

    host: str
    port: int
    user: str
    key_file: Path
    known_hosts: Path
    outbox: Path
    workdir: Path
    file_modes_enforced: bool

    def ssh_options(self) -> list[str]:
        """OpenSSH client options that trust exactly this server and use the test key."""
        return ["-i", str(self.key_file), "-o", f"UserKnownHostsFile={self.known_hosts}",
                "-o", "StrictHostKeyChecking=yes", "-o", "BatchMode=yes",
                "-o", "IdentitiesOnly=yes", "-o", "GlobalKnownHostsFile=/dev/null"]


def sshd_installed() -> bool:
    return SSHD.exists() and shutil.which("ssh-keygen") is not None


def make_key(path: Path) -> Path:
    """Create a fresh ed25519 key pair at ``path`` (and ``path.pub``); return ``path``."""
    for old in (path, path.with_suffix(".pub")):
        old.unlink(missing_ok=True)
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "store-pipeline-test",
                    "-f", str(path)], check=True, stdin=subprocess.DEVNULL)
    return path


def known_hosts_line(port: int, public_key_file: Path) -> str:
    """A known_hosts entry binding ``[127.0.0.1]:port`` to the given public key."""
    key_type, key_data = public_key_file.read_text().split()[:2]
    return f"[{HOST}]:{port} {key_type} {key_data}\n"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _write_config(workdir: Path, port: int, host_key: Path, authorized: Path) -> Path:
    config = workdir / "sshd_config"
    config.write_text(
        f"ListenAddress {HOST}\nPort {port}\nHostKey {host_key}\n"
        f"PidFile {workdir / 'sshd.pid'}\nAuthorizedKeysFile {authorized}\n"
        "UsePAM no\nStrictModes no\nPasswordAuthentication no\n"
        "KbdInteractiveAuthentication no\nPubkeyAuthentication yes\n"
        "PermitRootLogin prohibit-password\nSubsystem sftp internal-sftp\n"
        "MaxStartups 50\nLogLevel VERBOSE\n"
    )
    return config


def _drop_file_override() -> None:
    """In the child before exec: a root sshd then obeys file modes like any other user."""
    if os.geteuid() != 0:
        return
    prctl = ctypes.CDLL(None, use_errno=True).prctl
    for cap in (_CAP_DAC_OVERRIDE, _CAP_DAC_READ_SEARCH):
        prctl(_PR_CAPBSET_DROP, cap, 0, 0, 0)


def _enforces_file_modes(pid: int) -> bool:
    if os.geteuid() != 0:
        return True
    status = Path(f"/proc/{pid}/status").read_text()
    bounding = int(next(x for x in status.splitlines() if x.startswith("CapBnd:")).split()[1], 16)
    return not bounding & (1 << _CAP_DAC_OVERRIDE | 1 << _CAP_DAC_READ_SEARCH)


def _wait_until_listening(proc: subprocess.Popen, port: int, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"sshd exited with {proc.returncode}:\n{log.read_text()}")
        with contextlib.suppress(OSError), socket.create_connection((HOST, port), timeout=1):
            return
        time.sleep(0.05)
    raise RuntimeError(f"sshd not listening on {HOST}:{port} after {timeout}s:\n{log.read_text()}")


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextlib.contextmanager
def running_sshd(workdir: Path, start_timeout: float = 10.0) -> Iterator[SshdFacts]:
    """Start sshd with fresh host and client keys under ``workdir``; always stop it."""
    workdir.mkdir(parents=True, exist_ok=True)
    host_key = make_key(workdir / "host_ed25519")
    client_key = make_key(workdir / "client_ed25519")
    authorized = workdir / "authorized_keys"
    shutil.copyfile(client_key.with_suffix(".pub"), authorized)
    outbox = workdir / "outbox"
    outbox.mkdir(exist_ok=True)
    if os.geteuid() == 0:
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)
    port = _free_port()
    config = _write_config(workdir, port, host_key, authorized)
    known_hosts = workdir / "known_hosts"
    known_hosts.write_text(known_hosts_line(port, host_key.with_suffix(".pub")))
    log = workdir / "sshd.log"
    with log.open("wb") as log_fh:
        proc = subprocess.Popen([str(SSHD), "-D", "-e", "-f", str(config)],
                                stdin=subprocess.DEVNULL, stdout=log_fh,
                                stderr=subprocess.STDOUT, preexec_fn=_drop_file_override)
    try:
        _wait_until_listening(proc, port, log, start_timeout)
        yield SshdFacts(host=HOST, port=port, user=pwd.getpwuid(os.geteuid()).pw_name,
                        key_file=client_key, known_hosts=known_hosts, outbox=outbox,
                        workdir=workdir, file_modes_enforced=_enforces_file_modes(proc.pid))
    finally:
        _stop(proc)


@pytest.fixture(scope="session", name="sshd")
def sshd_fixture(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SshdFacts]:
    """A running sshd for the whole test session; skipped without OpenSSH (failed on CI)."""
    if not sshd_installed():
        message = f"OpenSSH server not installed ({SSHD}); apt-get install openssh-server"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    with running_sshd(tmp_path_factory.mktemp("sshd")) as facts:
        yield facts
