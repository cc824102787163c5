"""A sink on a disk that fills up: it counts exactly what the OS accepted, reports it,
and writes nothing more; the run loop's summary takes its byte count from the sinks.

No root needed: the "disk" is a file object that accepts ``room`` bytes, then raises
OSError(ENOSPC), as write(2) does on a full filesystem (a short write, then the error).
"""

import contextlib
import errno
import io
import threading

import pytest

from openentropy.errors import SinkError
from openentropy.engine.loader import load_profile_text
from openentropy.engine.outcome import RunSummary
from openentropy.pipelines import sinks
from openentropy.pipelines.sinks import FileSinkSpec, bytes_delivered


class FullDisk(io.RawIOBase):
    """A writable raw file with ``room`` bytes left."""

    def __init__(self, room: int):
        self.room = room
        self.data = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, chunk) -> int:
        if self.room == 0:
            raise OSError(errno.ENOSPC, "No space left on device")
        accepted = bytes(chunk[: self.room])
        self.data += accepted
        self.room -= len(accepted)
        return len(accepted)

    def fileno(self) -> int:
        raise OSError(errno.EINVAL, "not a real file")


@pytest.fixture
def full_disk(monkeypatch):
    """File sinks open onto a FullDisk with 5,000 bytes of room."""
    disk = FullDisk(5000)
    monkeypatch.setattr(sinks, "_open_file", lambda path, mode: disk)
    return disk


@pytest.mark.parametrize("fmt, on_disk, counted", [
    ("raw", 5000, 5000),
    ("hex", 5000, 76 * 32 + 30),  # 76 lines of 64 digits and a newline, then 60 digits
    ("base64", 5000, 64 * 57 + 54),  # 64 lines of 76 characters and a newline, then 72 characters
])
def test_a_failed_write_counts_the_bytes_the_disk_took(full_disk, fmt, on_disk, counted):
    sink = FileSinkSpec(path="/nowhere/out.bin", format=fmt).open()
    sink.write(b"\x01" * 1000)
    with pytest.raises(SinkError, match=rf"cannot write: No space left on device \({counted:,} bytes written and kept\)"):
        sink.write(b"\x02" * 9000)
    assert len(full_disk.data) == on_disk and sink.bytes_written == counted
    sink.close()  # writes nothing more: no second error for the encoder's pending tail
    assert len(full_disk.data) == on_disk


def test_bytes_delivered_is_what_every_sink_holds(full_disk):
    failing, null = FileSinkSpec(path="/nowhere/out.bin").open(), sinks.NullSinkSpec().open()
    for sink in (failing, null):
        with pytest.raises(SinkError) if sink is failing else contextlib.nullcontext():
            sink.write(b"\x00" * 6000)
    assert (failing.bytes_written, null.bytes_written) == (5000, 6000)
    assert bytes_delivered([failing, null]) == 5000 and bytes_delivered([]) is None


def test_run_summary_counts_the_bytes_on_disk_not_the_rounds(full_disk):
    from openentropy.engine.runner import Harvest
    from openentropy.shell.progress import RunProgress
    from openentropy.shell.run_command import drive_rounds

    profile = load_profile_text(
        "name: fill\nsources: [{name: os_random, samples: 4096}]\nsinks: [{type: file, path: /nowhere/out.bin}]\n"
        "run: {bytes_per_round: 1024, rounds: 10}\n"
    )
    summary = RunSummary(profile.name)
    harvest = Harvest(profile)
    try:
        status = drive_rounds(harvest, summary, RunProgress(profile, enabled=False), threading.Event())
    finally:
        harvest.close()
    assert status == 1 and summary.stopped_by == "sink error"
    assert summary.rounds == 4 and summary.bytes_out == len(full_disk.data) == 5000  # 4 rounds and 904 bytes
