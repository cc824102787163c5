"""Command output that goes above the shell's live toolbar instead of through it.

While the toolbar app (live_toolbar.py) draws the bottom of the terminal from its own
thread, nothing else may write to the terminal behind its back. ``routed_streams``
replaces ``sys.stdout`` and ``sys.stderr`` with ``RoutedStream``s that hand complete
lines to one ordered ``Outbox``:

    no app attached   the text is written at once, as if nothing had been replaced
    app attached      the text is queued, and the app's event loop writes it with
                      ``run_in_terminal`` (erase the toolbar, write, redraw), many
                      lines at a time

Order is kept across both streams, nothing queued is ever dropped (``detach`` and the
context's exit write out what is left), and a writer that gets more than
``MAX_PENDING`` characters ahead of the terminal waits for it. Streams keep their own
identity: stdout text goes to the real stdout, stderr text to the real stderr.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import threading
from collections.abc import Iterator
from typing import TextIO

#: Characters a writer may get ahead of the terminal before it waits (about a screenful
#: of hex dump per 4 KiB; 1 MiB keeps a fast ``run`` to stdout from blocking on every round).
MAX_PENDING = 1 << 20


class Outbox:
    """Ordered text for the terminal, written directly or through an app's event loop."""

    def __init__(self) -> None:
        self._lock = threading.Condition()
        self._items: list[tuple[TextIO, str]] = []
        self._pending = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._scheduled = False

    def put(self, stream: TextIO, text: str) -> None:
        with self._lock:
            if self._loop is None:
                self._write([(stream, text)])
                return
            self._items.append((stream, text))
            self._pending += len(text)
            if not self._scheduled:
                try:
                    self._loop.call_soon_threadsafe(self._drain_in_loop)
                    self._scheduled = True
                except RuntimeError:  # the app's loop has closed: write directly from now on
                    self._loop = None
                    self._write_queued_locked()
                    return
            while self._pending > MAX_PENDING and self._loop is not None and not self._in_loop_thread():
                self._lock.wait(timeout=0.5)

    def attach(self, loop: asyncio.AbstractEventLoop) -> None:
        """From now on, queue text for ``loop`` (call from the loop's thread)."""
        with self._lock:
            self._loop = loop

    async def detach(self) -> None:
        """In the loop: write what is queued (above the app), then go back to direct writes."""
        from prompt_toolkit.application import run_in_terminal

        await run_in_terminal(self._write_queued, in_executor=False)
        self.flush_remaining()  # anything that arrived meanwhile, now written directly

    def flush_remaining(self) -> None:
        """Write anything still queued directly (the app ended without ``detach``)."""
        with self._lock:
            self._loop = None
            self._write_queued_locked()

    def _drain_in_loop(self) -> None:
        from prompt_toolkit.application import run_in_terminal

        run_in_terminal(self._write_queued, in_executor=False)

    def _write_queued(self) -> None:
        with self._lock:
            self._write_queued_locked()

    def _write_queued_locked(self) -> None:
        items, self._items, self._pending, self._scheduled = self._items, [], 0, False
        self._write(items)
        self._lock.notify_all()

    @staticmethod
    def _write(items: list[tuple[TextIO, str]]) -> None:
        touched = []
        for stream, text in items:
            stream.write(text)
            if stream not in touched:
                touched.append(stream)
        for stream in touched:
            stream.flush()

    def _in_loop_thread(self) -> bool:
        try:
            return asyncio.get_running_loop() is self._loop
        except RuntimeError:
            return False


class _BinaryView:
    """``stream.buffer`` for code that writes bytes (the stdout sink): decoded, then routed."""

    def __init__(self, text: "RoutedStream"):
        self._text = text

    def write(self, data: bytes) -> int:
        self._text.write(bytes(data).decode(self._text.encoding, errors="replace"))
        return len(data)

    def flush(self) -> None:
        self._text.flush()

    def isatty(self) -> bool:
        return self._text.isatty()

    def fileno(self) -> int:
        return self._text.fileno()


class RoutedStream:
    """A text stream in place of ``target`` that sends whole lines (or flushed text) to ``outbox``.

    ``line_oriented`` tells live displays (rich Live and Progress) that they cannot move
    the cursor here: see console.can_redraw.
    """

    line_oriented = True

    def __init__(self, target: TextIO, outbox: Outbox):
        self.target = target
        self._outbox = outbox
        self._partial: list[str] = []
        self._lock = threading.Lock()
        self.buffer = _BinaryView(self)

    def write(self, text: str) -> int:
        if not isinstance(text, str):  # like a real text stream (click probes with b"")
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        with self._lock:
            head, newline, tail = text.rpartition("\n")
            if not newline:
                self._partial.append(text)
                return len(text)
            whole, self._partial = "".join(self._partial) + head + newline, [tail] if tail else []
        self._outbox.put(self.target, whole)
        return len(text)

    def flush(self) -> None:
        with self._lock:
            text, self._partial = "".join(self._partial), []
        if text:
            self._outbox.put(self.target, text)

    def isatty(self) -> bool:
        return self.target.isatty()

    def fileno(self) -> int:
        return self.target.fileno()

    def writable(self) -> bool:
        return True

    @property
    def encoding(self) -> str:
        return getattr(self.target, "encoding", None) or "utf-8"

    @property
    def errors(self) -> str | None:
        return getattr(self.target, "errors", None)

    @property
    def closed(self) -> bool:
        return False


@contextlib.contextmanager
def routed_streams(outbox: Outbox) -> Iterator[tuple[RoutedStream, RoutedStream]]:
    """``sys.stdout`` and ``sys.stderr`` routed through ``outbox`` while inside; on the way
    out the real streams come back and every routed character has been written."""
    real_out, real_err = sys.stdout, sys.stderr
    out, err = RoutedStream(real_out, outbox), RoutedStream(real_err, outbox)
    sys.stdout, sys.stderr = out, err
    try:
        yield out, err
    finally:
        sys.stdout, sys.stderr = real_out, real_err
        out.flush()
        err.flush()
