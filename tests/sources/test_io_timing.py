"""disk_io and fsync_journal: live collects in a tmp directory, the O_DIRECT fallback,
the scratch bound and cleanup, and the unavailable paths (missing, read-only, full)."""

import errno
import os
import tempfile
import time
from types import SimpleNamespace

import numpy as np
import pytest

from openentropy.errors import SourceUnavailableError
from openentropy.sources import io_timing
from openentropy.sources.io_timing import DiskIo, FsyncJournal

BACKENDS = ["native", "python"]


def _collect(source, n, seconds):
    started = time.monotonic_ns()
    data = source.collect(n, started + int(seconds * 1e9))
    return data, (time.monotonic_ns() - started) / 1e9


@pytest.mark.parametrize("backend", BACKENDS)
def test_disk_io_collects_read_latencies_and_cleans_up(tmp_path, backend):
    source = DiskIo(DiskIo.Params(directory=str(tmp_path), scratch_mib=1, backend=backend))
    assert source.available()
    data, elapsed = _collect(source, 10**7, 0.15)
    assert data.dtype == np.uint64 and 0 < len(data) < 10**7
    assert elapsed < 0.15 + 0.2 + 0.5  # + scratch creation (1 MiB write + fsync)
    assert len(np.unique(data)) > 1 and (data > 0).all()
    assert source.runtime_notes()["io"] in {"O_DIRECT"} or source.runtime_notes()["io"].startswith("buffered")
    assert list(tmp_path.iterdir()) == []


def test_disk_io_falls_back_to_buffered_reads_when_o_direct_is_refused(tmp_path, monkeypatch):
    real_open = os.open

    def no_direct(path, flags, *args):
        if flags & os.O_DIRECT:
            raise OSError(errno.EINVAL, "Invalid argument")
        return real_open(path, flags, *args)

    monkeypatch.setattr(io_timing.os, "open", no_direct)
    source = DiskIo(DiskIo.Params(directory=str(tmp_path), scratch_mib=1))
    note = source.runtime_notes()["io"]
    assert note.startswith("buffered (O_DIRECT refused by ") and note.endswith(": EINVAL)")
    data, _ = _collect(source, 200, 1.0)
    assert len(data) == 200 and source.runtime_notes()["io"] == note
    assert list(tmp_path.iterdir()) == []


def test_disk_io_direct_can_be_disabled(tmp_path):
    source = DiskIo(DiskIo.Params(directory=str(tmp_path), scratch_mib=1, direct=False))
    assert len(source.collect(50, time.monotonic_ns() + 10**9)) == 50
    assert source.runtime_notes() == {"io": "buffered (O_DIRECT disabled by params)"}


def test_default_directory_is_the_temp_dir():
    assert DiskIo().directory == tempfile.gettempdir() == FsyncJournal().directory


@pytest.mark.parametrize("backend", BACKENDS)
def test_fsync_journal_collects_commit_latencies_and_bounds_its_file(tmp_path, monkeypatch, backend):
    sizes = []
    real_unlink = os.unlink

    def measuring_unlink(path, *args, **kwargs):
        sizes.append(os.path.getsize(path))
        return real_unlink(path, *args, **kwargs)

    monkeypatch.setattr(io_timing.os, "unlink", measuring_unlink)
    source = FsyncJournal(FsyncJournal.Params(directory=str(tmp_path), record_bytes=4096, max_kib=8, backend=backend))
    data, elapsed = _collect(source, 10**6, 0.2)
    assert data.dtype == np.uint64 and 0 < len(data) < 10**6 and elapsed < 0.2 + 0.2 + 0.5
    assert (data > 0).all()
    assert sizes == [min(8192, 4096 * len(data))]  # two records fit; later ones wrap to offset 0
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("cls", [DiskIo, FsyncJournal])
def test_missing_directory_is_unavailable(tmp_path, cls):
    missing = tmp_path / "nope"
    source = cls(cls.Params(directory=str(missing)))
    assert source.available().reason == f"scratch directory {missing} does not exist"
    with pytest.raises(SourceUnavailableError, match=f"cannot write a scratch file in {missing}: no such directory"):
        source.collect(10, time.monotonic_ns() + 10**9)


def _fake_statvfs(flag, free_blocks):
    return lambda path: SimpleNamespace(f_flag=flag, f_bavail=free_blocks, f_frsize=4096)


@pytest.mark.parametrize("cls", [DiskIo, FsyncJournal])
def test_read_only_directory_is_unavailable(tmp_path, monkeypatch, cls):
    monkeypatch.setattr(io_timing.os, "statvfs", _fake_statvfs(os.ST_RDONLY, 10**6))
    source = cls(cls.Params(directory=str(tmp_path)))
    assert source.available().reason == f"scratch directory {tmp_path} is on a read-only filesystem"

    def refuse(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(io_timing.tempfile, "mkstemp", refuse)
    with pytest.raises(SourceUnavailableError, match="read-only filesystem"):
        source.collect(10, time.monotonic_ns() + 10**9)


def test_full_directory_is_unavailable_and_a_failed_fill_cleans_up(tmp_path, monkeypatch):
    source = DiskIo(DiskIo.Params(directory=str(tmp_path), scratch_mib=4))
    with monkeypatch.context() as patch:
        patch.setattr(io_timing.os, "statvfs", _fake_statvfs(0, 100))
        assert source.available().reason == f"scratch directory {tmp_path} is full: 400 KiB free, 4096 KiB needed"

    def full(fd, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(io_timing.os, "write", full)
    with pytest.raises(SourceUnavailableError, match=f"cannot write a scratch file in {tmp_path}: no space left"):
        source.collect(10, time.monotonic_ns() + 10**9)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("backend", BACKENDS)
def test_fsync_journal_reports_a_full_disk(tmp_path, monkeypatch, backend):
    if backend == "native":  # the C loop's pwrite cannot be patched; exercise its error path with a read-only fd
        real_open = os.open
        monkeypatch.setattr(io_timing.os, "open", lambda path, flags, *a: real_open(path, os.O_RDONLY if flags == os.O_WRONLY else flags, *a))
        match = "Bad file descriptor"
    else:
        monkeypatch.setattr(io_timing.os, "pwrite", lambda fd, data, offset: len(data) - 1)
        match = "no space left on device"
    source = FsyncJournal(FsyncJournal.Params(directory=str(tmp_path), backend=backend))
    with pytest.raises(SourceUnavailableError, match=match):
        source.collect(10, time.monotonic_ns() + 10**9)
    assert list(tmp_path.iterdir()) == []
