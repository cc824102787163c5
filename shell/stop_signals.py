"""SIGTERM as a request to stop, for the commands that run until stopped (``oe stream``,
``oe device``), beside ``run_command.graceful_sigint`` for Ctrl-C.

Both signals behave alike: the first sets the command's stop event (the write or round
in progress ends, the sinks close, a named pipe we made is removed), a second raises
``KeyboardInterrupt`` (stop at once). They differ in the exit status: Ctrl-C exits 130
(the project's convention, as ``oe run``), SIGTERM exits 0, because a service stopped by
its supervisor (systemd, a container runtime, ``kill``) has done nothing wrong, as with
``oe serve``. ``exit_status`` applies that rule.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from dataclasses import dataclass

from .cli import EXIT_INTERRUPTED


@dataclass
class Termination:
    received: bool = False  # whether SIGTERM came while inside stop_on_sigterm

    def exit_status(self, status: int) -> int:
        """``status``, except that a stop SIGTERM asked for is a success, not an interruption."""
        return 0 if self.received and status == EXIT_INTERRUPTED else status


@contextlib.contextmanager
def stop_on_sigterm(stop: threading.Event) -> Iterator[Termination]:
    """While inside: the first SIGTERM sets ``stop``, a second raises ``KeyboardInterrupt``.
    Outside the main thread it changes nothing."""
    termination = Termination()
    if threading.current_thread() is not threading.main_thread():
        yield termination
        return

    def on_sigterm(signum, frame):
        if termination.received:
            raise KeyboardInterrupt
        termination.received = True
        stop.set()

    previous = signal.signal(signal.SIGTERM, on_sigterm)
    try:
        yield termination
    finally:
        signal.signal(signal.SIGTERM, previous)
