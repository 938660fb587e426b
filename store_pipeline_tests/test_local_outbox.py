"""The local outbox: several copies at once, verified, in order; a bad copy lands nothing."""

import hashlib
from pathlib import Path

import pytest

from store_pipeline.defs.resources.outbox import LocalOutbox, TransferError


def _backups(outbox: Path, count: int) -> list[str]:
    outbox.mkdir()
    names = []
    for n in range(count):
        name = f"pos_202607{n + 1:02d}.duckdb"
        data = bytes([n]) * (100_000 + n)
        (outbox / name).write_bytes(data)
        (outbox / f"{name}.sha256").write_text(f"{hashlib.sha256(data).hexdigest()}  {name}\n")
        names.append(name)
    return names


def test_fetch_all_lands_every_file_verified_in_order(tmp_path):
    names = _backups(tmp_path / "outbox", 6)
    outbox = LocalOutbox(path=str(tmp_path / "outbox"), workers=3)
    results = list(outbox.fetch_all(outbox.list_files(), tmp_path / "landing"))
    assert [r.path.name for r in results] == names
    for r in results:
        assert r.path.read_bytes() == (tmp_path / "outbox" / r.path.name).read_bytes()
        assert r.sha256 == hashlib.sha256(r.path.read_bytes()).hexdigest()
    assert not list((tmp_path / "landing").glob("*.part"))


def test_a_corrupt_copy_fails_after_the_files_before_it_and_leaves_no_part(tmp_path):
    names = _backups(tmp_path / "outbox", 5)
    (tmp_path / "outbox" / names[2]).write_bytes(b"changed after its sidecar was written")
    outbox = LocalOutbox(path=str(tmp_path / "outbox"), workers=2)
    landed = []
    with pytest.raises(TransferError, match=names[2]):
        for result in outbox.fetch_all(outbox.list_files(), tmp_path / "landing"):
            landed.append(result.path.name)
    assert landed == names[:2]
    assert not (tmp_path / "landing" / names[2]).exists()
    assert not list((tmp_path / "landing").glob("*.part"))
