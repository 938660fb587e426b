"""SftpOutbox.fetch against OpenSSH's own ``sftp`` client, on a throwaway sshd at 127.0.0.1.

    .venv/bin/python benchmarks/sftp_throughput.py [--mib 1024] [--repeat 3]

Prints the median throughput of each (runs interleaved) and their ratio; the goal is >= 0.5.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from store_pipeline.defs.resources.sftp import SftpOutbox
from store_pipeline_tests.sshd_server import SshdFacts, running_sshd

NAME = "pos_20250101.bak"
GOAL = 0.5
MIB = 1 << 20


def make_source(path: Path, mib: int) -> str:
    """Write ``mib`` MiB of random bytes; return their sha256."""
    digest = hashlib.sha256()
    with path.open("wb") as fh:
        for _ in range(mib):
            block = os.urandom(MIB)
            fh.write(block)
            digest.update(block)
    return digest.hexdigest()


def ours(sshd: SshdFacts, landing: Path, sha256: str) -> float:
    box = SftpOutbox(host=sshd.host, port=sshd.port, user=sshd.user, key_file=str(sshd.key_file),
                     known_hosts=str(sshd.known_hosts), remote_dir=str(sshd.outbox))
    result = box.fetch(NAME, landing)
    if result.sha256 != sha256:
        raise SystemExit("SftpOutbox landed different bytes")
    result.path.unlink()
    return result.size / MIB / result.seconds


def openssh(sshd: SshdFacts, landing: Path, size: int) -> float:
    target = landing / "openssh.bin"
    started = time.perf_counter()
    subprocess.run(["sftp", "-q", "-b", "-", *sshd.ssh_options(), "-P", str(sshd.port),
                    f"{sshd.user}@{sshd.host}"],
                   input=f"get {sshd.outbox / NAME} {target}\n".encode(), check=True,
                   stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - started
    if target.stat().st_size != size:
        raise SystemExit("OpenSSH sftp landed a different size")
    target.unlink()
    return size / MIB / seconds


def measure(runs: dict[str, Callable[[], float]], repeat: int) -> dict[str, list[float]]:
    """Interleave the contenders so background load hits both alike."""
    rates: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(repeat):
        for name, run in runs.items():
            rates[name].append(run())
    return rates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mib", type=int, default=1024, help="file size in MiB (default 1024)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per client (default 3)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sftp-bench-") as tmp, \
            running_sshd(Path(tmp) / "sshd") as sshd:
        sha256 = make_source(sshd.outbox / NAME, args.mib)
        landing = Path(tmp) / "landing"
        landing.mkdir()
        size = args.mib * MIB
        rates = measure({"SftpOutbox.fetch": lambda: ours(sshd, landing, sha256),
                         "OpenSSH sftp": lambda: openssh(sshd, landing, size)}, args.repeat)
    medians = {name: statistics.median(values) for name, values in rates.items()}
    print(f"file {args.mib} MiB, {args.repeat} interleaved runs each, median throughput:")
    for name, values in rates.items():
        runs = ", ".join(f"{v:.0f}" for v in values)
        print(f"  {name:<17} {medians[name]:8.1f} MiB/s   (runs: {runs})")
    ratio = medians["SftpOutbox.fetch"] / medians["OpenSSH sftp"]
    verdict = "met" if ratio >= GOAL else "NOT met"
    print(f"  ratio             {ratio:8.2f}       (goal >= {GOAL}: {verdict})")


if __name__ == "__main__":
    main()
