"""The shell's toolbar, kept live while a command runs.

Commands run in the main thread (signal handlers need it: Ctrl-C cancels them). A command
that is still running after ``START_DELAY_S`` gets a small prompt_toolkit application in
a background thread that redraws, every ``REFRESH_S``, the bottom of the terminal:

    quick: round 14, 3,584 bytes, 3.1 s, 1.1 KiB/s · Ctrl-C cancels
    quick | health 2/2 | balance 7,168 bits | out 3,584 B

Its first line is the command's own progress (activity.py) and elapsed time, the second
the same toolbar the prompt shows. The command's output goes above it (routed_output.py).
While it runs the terminal is in raw mode, so:

- Ctrl-C arrives as a key and is sent on as SIGINT to this process, exactly what the
  terminal would have done; the command's own handling (``run``: finish the round) follows.
- Keys typed ahead are kept: the line being typed shows above the toolbar, Enter queues
  it, and queued lines run after the command, as a shell's type-ahead does. Ctrl-C
  drops what was typed before it (a terminal flushes its input on interrupt) and keeps
  what is typed after; Ctrl-D queues the end of the session.

Quick commands finish before the app starts, so they never flash a toolbar. If the app
cannot start (no terminal) the command simply runs without it.
"""

from __future__ import annotations

import asyncio
import os
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from prompt_toolkit.application import Application
from prompt_toolkit.buffer import Buffer
from prompt_toolkit.document import Document
from prompt_toolkit.filters import Condition
from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings
from prompt_toolkit.key_binding.defaults import load_key_bindings
from prompt_toolkit.layout import ConditionalContainer, HSplit, Layout, Window
from prompt_toolkit.layout.controls import BufferControl, FormattedTextControl
from prompt_toolkit.output import create_output

from . import activity
from .routed_output import Outbox, routed_streams

#: A command still running after this long gets the live toolbar: long enough that
#: ``show``, ``set`` or ``help`` finish first, short enough to feel immediate.
START_DELAY_S = 0.3
#: Toolbar redraw period, as the prompt's (repl.py).
REFRESH_S = 0.5
#: What Ctrl-D queues: the shell ends after the command, as Ctrl-D at the prompt does.
END_OF_INPUT = None


@dataclass
class TypeAhead:
    """Lines typed while commands ran (``END_OF_INPUT`` for Ctrl-D), and the unfinished one."""

    lines: list[str | None] = field(default_factory=list)
    partial: str = ""


class LiveToolbar:
    """Context manager around one command: the live toolbar app, started after a delay.

    ``toolbar`` returns the prompt's toolbar text; ``label`` names the command in the
    progress line. Lines typed meanwhile are appended to ``typeahead``, whose unfinished
    line the app starts from and leaves updated. ``io``: prompt_toolkit
    ``input``/``output`` (tests), else the terminal.
    """

    def __init__(self, label: str, toolbar: Callable[[], str], typeahead: TypeAhead, **io):
        self.label = label
        self.toolbar = toolbar
        self.io = dict(io)
        self.typeahead = typeahead
        self.outbox = Outbox()
        self._lock = threading.Lock()
        self._closing = False
        self._app: Application | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._started = time.monotonic()
        self._cancels = 0
        self._buffer = Buffer(multiline=False, document=Document(typeahead.partial))
        self._thread = threading.Timer(START_DELAY_S, self._run_app)
        self._thread.daemon = True
        self._streams = None

    # -- around the command (main thread) -----------------------------------------------
    def __enter__(self) -> "LiveToolbar":
        activity.clear()
        if "output" not in self.io:  # the real terminal, taken before sys.stdout is routed
            try:
                self.io["output"] = create_output()
            except Exception:  # no usable terminal: _make_app fails and the command runs plainly
                pass
        self._streams = routed_streams(self.outbox)
        self._streams.__enter__()
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        with self._lock:
            self._closing = True
            app, loop = self._app, self._loop
        self._thread.cancel()
        interrupted = False
        try:
            self._streams.__exit__(None, None, None)  # partial lines into the outbox
            if app is not None and loop is not None:
                try:
                    loop.call_soon_threadsafe(self._start_finishing)
                except RuntimeError:  # its loop is already closed
                    pass
            while True:  # the app must be gone before the prompt comes back, even on Ctrl-C
                try:
                    self._thread.join()
                    break
                except KeyboardInterrupt:
                    interrupted = True
        finally:
            self.outbox.flush_remaining()
            activity.clear()
        if interrupted:
            raise KeyboardInterrupt

    @property
    def interrupted_by_key(self) -> bool:
        """Ctrl-C reached the app as a key (it dropped the type-ahead typed before it)."""
        return self._cancels > 0

    # -- the app (its own thread) -----------------------------------------------------------
    def _run_app(self) -> None:
        with self._lock:
            if self._closing:
                return
            try:
                self._app = self._make_app()
            except Exception:  # no usable terminal: run without the live toolbar
                return
        try:
            self._app.run(pre_run=self._attach, handle_sigint=False, set_exception_handler=False)
        except EOFError:  # the input ended (its pipe closed): end the session after the command
            self.typeahead.lines.append(END_OF_INPUT)
        except Exception:  # the toolbar is a convenience: the command goes on without it
            pass
        finally:
            self.outbox.flush_remaining()
            self.typeahead.partial = self._buffer.text  # the app ran: its line is the latest

    def _attach(self) -> None:
        loop = asyncio.get_running_loop()
        self.outbox.attach(loop)
        with self._lock:
            self._loop = loop
            closing = self._closing
        if closing:  # the command ended while the app was starting
            self._start_finishing()

    def _start_finishing(self) -> None:
        """In the loop: write out the queued output, then end the app."""
        self._app.create_background_task(self._finish())

    async def _finish(self) -> None:
        await self.outbox.detach()
        if self._app is not None and self._app.is_running and not self._app.future.done():
            self._app.exit()

    def _make_app(self) -> Application:
        queued = Condition(lambda: bool(self.typeahead.lines))
        typing = Condition(lambda: bool(self._buffer.text)) | queued
        layout = Layout(HSplit([
            Window(),  # takes the rows below the output, so the toolbar sits at the bottom
            ConditionalContainer(Window(FormattedTextControl(self._queued_text), height=1,
                                        style="class:queued"), filter=queued),
            ConditionalContainer(Window(BufferControl(self._buffer), height=1,
                                        get_line_prefix=lambda *_: [("class:prompt", "next> ")]), filter=typing),
            Window(FormattedTextControl(self._progress_text), height=1, style="class:bottom-toolbar.text"),
            Window(FormattedTextControl(lambda: self.toolbar()), height=1, style="class:bottom-toolbar"),
        ]), focused_element=self._buffer)
        return Application(layout=layout, key_bindings=merge_key_bindings([load_key_bindings(), self._bindings()]),
                           refresh_interval=REFRESH_S, erase_when_done=True, **self.io)

    def _bindings(self) -> KeyBindings:
        bindings = KeyBindings()

        @bindings.add("c-c")
        def _cancel(event) -> None:
            self._cancels += 1
            self.typeahead.lines.clear()
            self._buffer.reset()
            os.kill(os.getpid(), signal.SIGINT)  # what the terminal does with Ctrl-C outside raw mode

        @bindings.add("enter")
        def _queue(event) -> None:
            self.typeahead.lines.append(self._buffer.text)
            self._buffer.reset()

        @bindings.add("c-d")
        def _end(event) -> None:
            if not self._buffer.text:
                self.typeahead.lines.append(END_OF_INPUT)

        return bindings

    def _queued_text(self) -> str:
        shown = ["exit" if line is END_OF_INPUT else line for line in self.typeahead.lines]
        return f"queued: {'; '.join(shown)}" if shown else ""

    def _progress_text(self) -> str:
        """The command's own progress line if it reports one (it says its elapsed time), else
        the command and how long it has run."""
        doing = activity.current() or f"{self.label} · {time.monotonic() - self._started:.1f} s"
        hint = "Ctrl-C cancels" if not self._cancels else "cancelling (Ctrl-C again stops at once)"
        return f" {doing} · {hint}"
