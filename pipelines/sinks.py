"""Sinks: where pool output goes. Each profile model (``type: stdout|file|null``) opens
a ``Sink`` with ``write(data)`` and ``close()``.

Guarantees: a sink never truncates an existing file unless the profile says
``mode: truncate``; ``close()`` flushes (and for files, fsyncs) whatever was written;
a failing write (disk full, closed pipe) raises ``SinkError`` naming the sink, the
reason and how many bytes had been written, and those bytes stay written.
"""

from __future__ import annotations

import errno
import os
import sys
from pathlib import Path
from typing import Annotated, BinaryIO, Literal, Union

from pydantic import Field

from openentropy.engine.errors import SinkError
from openentropy.engine.strict import StrictModel

from .encoding import Format, StreamEncoder


class Sink:
    """An open sink. ``bytes_written`` counts pool bytes accepted (before encoding)."""

    label = "sink"

    def __init__(self) -> None:
        self.bytes_written = 0

    def write(self, data: bytes) -> None:
        raise NotImplementedError

    def close(self) -> None:
        """Flush and release; safe to call more than once."""


class _EncodedSink(Sink):
    """A sink writing encoded bytes to a binary stream it may or may not own."""

    def __init__(self, stream: BinaryIO, fmt: Format, label: str, *, owns_stream: bool, sync: bool):
        super().__init__()
        self._stream = stream
        self._encoder = StreamEncoder(fmt)
        self._owns_stream = owns_stream
        self._sync = sync
        self._closed = False
        self.label = label

    def _put(self, encoded: bytes) -> None:
        try:
            view = memoryview(encoded)
            while view:  # an unbuffered file may accept only part of a write
                view = view[self._stream.write(view) :]
            self._stream.flush()
        except BrokenPipeError:
            raise
        except OSError as error:
            raise SinkError(
                f"{self.label}: cannot write: {error.strerror or error} "
                f"({self.bytes_written} bytes written before this are kept)"
            ) from None

    def write(self, data: bytes) -> None:
        self._put(self._encoder.feed(data))
        self.bytes_written += len(data)

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
        return _EncodedSink(stream, self.resolved_format(stream), "stdout sink", owns_stream=False, sync=False)


_OPEN_FLAGS = {
    "append": os.O_WRONLY | os.O_CREAT | os.O_APPEND,
    "truncate": os.O_WRONLY | os.O_CREAT | os.O_TRUNC,
    "create": os.O_WRONLY | os.O_CREAT | os.O_EXCL,
}


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
            fd = os.open(path, _OPEN_FLAGS[self.mode], 0o600)
        except FileExistsError:
            raise SinkError(f"{label}: file exists and mode is 'create'; use mode 'append' or 'truncate'") from None
        except OSError as error:
            raise SinkError(f"{label}: cannot open: {error.strerror or error}") from None
        # unbuffered: every write reaches the OS at once, so an error is reported where it happens
        return _EncodedSink(os.fdopen(fd, "wb", buffering=0), self.format, label, owns_stream=True, sync=True)


class NullSinkSpec(StrictModel):
    """Discard the output (for benchmarks and health-only runs)."""

    type: Literal["null"] = "null"

    def open(self) -> Sink:
        return NullSink()


SinkSpec = Annotated[Union[StdoutSinkSpec, FileSinkSpec, NullSinkSpec], Field(discriminator="type")]

SINK_TYPES = ("file", "null", "stdout")
