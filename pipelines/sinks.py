"""Sinks: where pool output goes. Each profile model (``type: stdout|file|null|record|fifo``)
opens a ``Sink`` with ``write(data)`` and ``close()``. The ``record`` sink
(record_sink.py) keeps the rounds' per-source data instead, and only counts the output.
The ``fifo`` sink (fifo_sink.py) serves a named pipe to one reader after another.

Guarantees: a sink never truncates an existing file unless the profile says
``mode: truncate``; ``close()`` flushes (and for files, fsyncs) whatever was written;
a failing write (disk full, closed pipe) raises ``SinkError`` naming the sink, the
reason and how many bytes had been written, and those bytes stay written.

Counting. ``bytes_written`` is the pool bytes whose encoding the OS has accepted, no
more: a full disk takes part of a write (a short write) before it refuses the rest, and
that part is counted. File and stdout sinks write unbuffered (stdout through its raw
file when it has one), so the OS's answer is known for every byte. After a failed
write a sink writes nothing more, not even the encoder's pending tail at ``close()``.
For hex and base64, a byte counts once its two digits, or the whole 4-character group
holding it, are written. ``bytes_delivered(sinks)`` is what a run summary reports: the
pool bytes every sink holds.
"""

from __future__ import annotations

import errno
import io
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, BinaryIO, Literal, Union

from pydantic import Field

from openentropy.errors import SinkError
from openentropy.strict import StrictModel

from .encoding import _BYTES_PER_LINE, Format, StreamEncoder
from .record_sink import RecordSinkSpec


class Sink:
    """An open sink. ``bytes_written`` counts pool bytes accepted (before encoding)."""

    label = "sink"

    def __init__(self) -> None:
        self.bytes_written = 0

    def write(self, data: bytes) -> None:
        raise NotImplementedError

    def close(self) -> None:
        """Flush and release; safe to call more than once."""


def bytes_delivered(sinks: Sequence[Sink]) -> int | None:
    """Pool bytes every one of ``sinks`` holds (the least any wrote); None without sinks."""
    return min((sink.bytes_written for sink in sinks), default=None)


#: Text formats: (pool bytes, characters) in the smallest group of text that decodes
#: alone: two hex digits, four base64 characters. Lines (encoding.py) hold whole groups.
_GROUPS = {"hex": (1, 2), "base64": (3, 4)}


def _decodable(fmt: Format, written: int) -> int:
    """Pool bytes whose text lies wholly in the first ``written`` bytes of ``fmt`` output
    (a base64 group with padding counts 3; the caller caps by the bytes fed)."""
    if fmt == "raw":
        return written
    group_bytes, group_chars = _GROUPS[fmt]
    line_bytes = _BYTES_PER_LINE[fmt]
    line_chars = line_bytes // group_bytes * group_chars
    lines, rest = divmod(written, line_chars + 1)  # + 1: the newline
    return lines * line_bytes + min(rest, line_chars) // group_chars * group_bytes


class _EncodedSink(Sink):
    """A sink writing encoded bytes to a binary stream it may or may not own."""

    def __init__(self, stream: BinaryIO, fmt: Format, label: str, *, owns_stream: bool, sync: bool):
        super().__init__()
        self._stream = stream
        self._encoder = StreamEncoder(fmt)
        self._owns_stream = owns_stream
        self._sync = sync
        self._closed = False
        self._failed = False
        self._fed = 0  # pool bytes given to write()
        self._accepted = 0  # encoded bytes the stream took
        self.label = label

    def _put(self, encoded: bytes) -> None:
        if self._failed:
            raise SinkError(f"{self.label}: an earlier write failed; nothing more is written")
        try:
            view = memoryview(encoded)
            while view:  # an unbuffered file may accept only part of a write
                accepted = self._stream.write(view)
                if accepted is None:  # a non-blocking file that is full for now: not ours to wait on
                    raise BlockingIOError(errno.EAGAIN, "the output is non-blocking and full")
                self._accepted += accepted
                view = view[accepted:]
            self._stream.flush()
        except OSError as error:
            self._failed = True
            self._count()
            if isinstance(error, BrokenPipeError):
                raise
            raise SinkError(
                f"{self.label}: cannot write: {error.strerror or error} "
                f"({self.bytes_written:,} bytes written and kept)"
            ) from None
        self._count()

    def _count(self) -> None:
        self.bytes_written = min(self._fed, _decodable(self._encoder.format, self._accepted))

    def write(self, data: bytes) -> None:
        self._fed += len(data)
        self._put(self._encoder.feed(data))

    def _fsync(self) -> None:
        try:
            os.fsync(self._stream.fileno())
        except OSError as error:
            if error.errno != errno.EINVAL:  # EINVAL: a device or pipe, nothing to sync
                raise SinkError(f"{self.label}: cannot sync to disk: {error.strerror or error}") from None

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        try:
            if not self._failed:
                self._put(self._encoder.finish())
            if self._sync:
                self._fsync()
        finally:
            if self._owns_stream:
                try:
                    self._stream.close()
                except OSError as error:
                    raise SinkError(f"{self.label}: cannot close: {error.strerror or error}") from None


class NullSink(Sink):
    label = "null sink"

    def write(self, data: bytes) -> None:
        self.bytes_written += len(data)


class StdoutSinkSpec(StrictModel):
    """Write to standard output. ``auto`` = hex on a terminal, raw bytes when redirected."""

    type: Literal["stdout"] = "stdout"
    format: Literal["auto", "raw", "hex", "base64"] = "auto"

    def resolved_format(self, stream: BinaryIO) -> Format:
        if self.format != "auto":
            return self.format
        return "hex" if stream.isatty() else "raw"

    def open(self) -> Sink:
        stream = sys.stdout.buffer
        fmt = self.resolved_format(stream)
        stream.flush()  # what was printed before goes first
        raw = getattr(stream, "raw", None)  # unbuffered, so a short write is seen and counted
        return _EncodedSink(raw if isinstance(raw, io.RawIOBase) else stream, fmt, "stdout sink",
                            owns_stream=False, sync=False)


_OPEN_FLAGS = {
    "append": os.O_WRONLY | os.O_CREAT | os.O_APPEND,
    "truncate": os.O_WRONLY | os.O_CREAT | os.O_TRUNC,
    "create": os.O_WRONLY | os.O_CREAT | os.O_EXCL,
}


def _open_file(path: Path, mode: str) -> BinaryIO:
    """The file, unbuffered: every write reaches the OS at once, so an error (and how
    much of the write got through) is seen where it happens."""
    return os.fdopen(os.open(path, _OPEN_FLAGS[mode], 0o600), "wb", buffering=0)


class FileSinkSpec(StrictModel):
    """Write to a file: appends by default, ``truncate`` replaces, ``create`` refuses an existing file."""

    type: Literal["file"] = "file"
    path: str = Field(min_length=1)
    mode: Literal["append", "truncate", "create"] = "append"
    format: Format = "raw"

    def open(self) -> Sink:
        path = Path(os.path.expanduser(self.path))
        label = f"file sink '{path}'"
        try:
            stream = _open_file(path, self.mode)
        except FileExistsError:
            raise SinkError(f"{label}: file exists and mode is 'create'; use mode 'append' or 'truncate'") from None
        except OSError as error:
            raise SinkError(f"{label}: cannot open: {error.strerror or error}") from None
        return _EncodedSink(stream, self.format, label, owns_stream=True, sync=True)


class NullSinkSpec(StrictModel):
    """Discard the output (for benchmarks and health-only runs)."""

    type: Literal["null"] = "null"

    def open(self) -> Sink:
        return NullSink()


from .fifo_sink import FifoSinkSpec  # noqa: E402  (last: fifo_sink.py builds on Sink above)

SinkSpec = Annotated[Union[StdoutSinkSpec, FileSinkSpec, NullSinkSpec, RecordSinkSpec, FifoSinkSpec],
                     Field(discriminator="type")]

SINK_TYPES = ("fifo", "file", "null", "record", "stdout")
