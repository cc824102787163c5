"""The ``fifo`` sink: pool output served through a named pipe, one reader after another.

    sinks: [{type: fifo, path: /run/openentropy/random, format: raw}]

Any program that can read a file can then read the harvest (``head -c 32 PATH``), as
from a device. Policy:

- Opening creates the pipe (mode 0o600) when ``path`` does not exist, reuses an
  existing named pipe, and refuses anything else (a regular file, a directory, a
  device): the sink never writes into a file it did not expect. Closing removes the
  pipe only if this sink created it and it is still the same pipe (device and inode).
- A write waits for a reader. The write end is opened with ``O_NONBLOCK`` and retried
  every ``READER_POLL_S`` until one appears (a blocking ``open()`` of a FIFO cannot be
  stopped cleanly from a signal handler), and writes wait for room with ``poll()`` in
  ``WRITE_POLL_S`` steps. Every wait ends as soon as the ``stop`` event is set: the
  write then returns, dropping what it had not written.
- A reader that goes away (``EPIPE``) ends its session: the rest of that write is
  dropped, never served to anyone, and the next write waits for the next reader. The
  pipe's own buffer (up to ``PIPE_SIZE``) is freed when the write end closes, so its
  bytes are dropped too, except in one race no writer can close: a new reader that
  opens the pipe before the sink has seen the old one go takes over the same buffer
  (bytes nobody read, so still never served twice).
- Each reader's text (hex, base64) starts on a fresh line: the encoder starts anew.
- ``bytes_written`` counts pool bytes readers have been sent (the kernel took their
  encoding), summed over readers; the last partial line is sent at ``close()`` if a
  reader is still there. Nothing is fsynced: a pipe holds nothing to sync.
"""

from __future__ import annotations

import errno
import fcntl
import os
import select
import stat
import threading
import time
from pathlib import Path
from typing import Literal

from pydantic import Field

from openentropy.errors import SinkError
from openentropy.strict import StrictModel

from .encoding import Format, StreamEncoder
from .sinks import Sink, _decodable

#: How often to retry opening the write end while no reader has the pipe open: short
#: enough that a reader barely waits, long enough to cost nothing while idle.
READER_POLL_S = 0.05
#: Longest single wait for room in the pipe before the stop event is checked again.
WRITE_POLL_S = 0.1
#: Pipe buffer asked for (F_SETPIPE_SZ): 1 MiB is Linux's default /proc/sys/fs/pipe-max-size
#: for unprivileged processes; 16x the 64 KiB default means 16x fewer wake-ups per byte.
PIPE_SIZE = 1 << 20
FIFO_MODE = 0o600


def make_fifo(path: Path) -> bool:
    """Create a named pipe at ``path`` (mode 0o600), or accept the one there; True if created.

    Raises ``SinkError`` if ``path`` exists and is not a named pipe, or cannot be made."""
    label = f"fifo sink '{path}'"
    try:
        os.mkfifo(path, FIFO_MODE)
    except FileExistsError:
        if _identity(path) is None:
            raise SinkError(f"{label}: exists and is not a named pipe; refusing to replace it "
                            "(remove it, or give a new path)") from None
        return False
    except OSError as error:
        raise SinkError(f"{label}: cannot create the named pipe: {error.strerror or error}") from None
    os.chmod(path, FIFO_MODE)  # mkfifo's mode passes through the umask; the owner must keep write access
    return True


class FifoSink(Sink):
    """An open named pipe; see the module docstring for the policy."""

    def __init__(self, path: Path, fmt: Format, *, created: bool, stop: threading.Event | None = None):
        super().__init__()
        self.path = path
        self.format = fmt
        self.label = f"fifo sink '{path}'"
        self.readers = 0  # readers that have connected so far
        self._stop = stop or threading.Event()
        self._identity = _identity(path) if created else None
        self._fd: int | None = None
        self._poll = select.poll()
        self._encoder = StreamEncoder(fmt)
        self._served = 0  # pool bytes sent to readers before the current one
        self._fed = self._accepted = 0  # the current reader's pool bytes in, encoded bytes out
        self._closed = False

    def write(self, data: bytes) -> None:
        if not data:  # a round with no output (full_entropy waiting for credit): no reader needed
            return
        if self._fd is None and not self._connect():
            return
        self._fed += len(data)
        self._send(self._encoder.feed(data))

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        try:
            if self._fd is not None:
                tail = self._encoder.finish()
                if tail:
                    try:
                        self._accepted += os.write(self._fd, tail)  # once: a reader that is full or gone loses it
                    except OSError:
                        pass
                    self._count()
                self._disconnect()
        finally:
            self._remove_if_ours()

    # --- readers ---------------------------------------------------------------------

    def _connect(self) -> bool:
        """Wait for a reader; False if ``stop`` was set first."""
        while not self._stop.is_set():
            try:
                fd = os.open(self.path, os.O_WRONLY | os.O_NONBLOCK | os.O_CLOEXEC)
            except OSError as error:
                if error.errno != errno.ENXIO:  # ENXIO: no reader has the pipe open yet
                    raise SinkError(f"{self.label}: cannot open: {error.strerror or error}") from None
                time.sleep(READER_POLL_S)
                continue
            if not stat.S_ISFIFO(os.fstat(fd).st_mode):  # the path was replaced since open_sink
                os.close(fd)
                raise SinkError(f"{self.label}: is no longer a named pipe; nothing was written to it")
            try:
                fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, PIPE_SIZE)
            except OSError:
                pass  # a lower pipe-max-size: the default buffer works, with more wake-ups
            self._fd = fd
            self._poll.register(fd, select.POLLOUT)
            self._encoder = StreamEncoder(self.format)
            self._fed = self._accepted = 0
            self.readers += 1
            return True
        return False

    def _disconnect(self) -> None:
        self._served = self.bytes_written
        self._poll.unregister(self._fd)
        os.close(self._fd)
        self._fd = None
        self._fed = self._accepted = 0

    def _send(self, encoded: bytes) -> None:
        view = memoryview(encoded)
        while view and not self._stop.is_set():
            try:
                accepted = os.write(self._fd, view)
            except BlockingIOError:  # the pipe is full: wait for room (or for the reader to leave)
                self._poll.poll(WRITE_POLL_S * 1000)
                continue
            except BrokenPipeError:  # the reader left: what it did not take is dropped
                self._disconnect()
                return
            except OSError as error:
                self._count()
                raise SinkError(f"{self.label}: cannot write: {error.strerror or error} "
                                f"({self.bytes_written:,} bytes served)") from None
            self._accepted += accepted
            view = view[accepted:]
            self._count()

    def _count(self) -> None:
        self.bytes_written = self._served + min(self._fed, _decodable(self.format, self._accepted))

    def _remove_if_ours(self) -> None:
        if self._identity is not None and _identity(self.path) == self._identity:
            try:
                os.unlink(self.path)
            except FileNotFoundError:
                pass


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_dev, info.st_ino) if stat.S_ISFIFO(info.st_mode) else None


class FifoSinkSpec(StrictModel):
    """Serve output through a named pipe at ``path`` (created if absent), reader after reader."""

    type: Literal["fifo"] = "fifo"
    path: str = Field(min_length=1)
    format: Format = "raw"

    def open(self, stop: threading.Event | None = None) -> FifoSink:
        """Create or check the pipe; ``stop``, when set, ends any wait for a reader or for room."""
        path = Path(os.path.expanduser(self.path))
        created = make_fifo(path)
        return FifoSink(path, self.format, created=created, stop=stop)
