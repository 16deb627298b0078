"""Writing a file whole or not at all."""

from __future__ import annotations

from pathlib import Path

import pytest

from kolada_goals.atomic_file import write_file_atomically


def test_a_new_file_is_written_and_an_existing_one_kept_unless_asked(tmp_path: Path) -> None:
    path = tmp_path / "mal.yaml"
    write_file_atomically(path, b"first", overwrite=False)
    assert path.read_bytes() == b"first"
    with pytest.raises(FileExistsError):
        write_file_atomically(path, b"second", overwrite=False)
    assert path.read_bytes() == b"first"
    path.chmod(0o640)
    write_file_atomically(path, b"second", overwrite=True)
    assert path.read_bytes() == b"second"
    assert path.stat().st_mode & 0o777 == 0o640  # the file keeps its mode
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mal.yaml"]  # no temporary left


def test_a_failed_write_leaves_nothing(tmp_path: Path) -> None:
    path = tmp_path / "missing-folder" / "mal.yaml"
    with pytest.raises(FileNotFoundError):
        write_file_atomically(path, b"x", overwrite=True)
    assert not path.parent.exists()
