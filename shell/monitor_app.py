"""The ``oe monitor`` application: a prompt_toolkit full-screen window over
``MonitorState.render`` (monitor.py) and a thread that runs one round per interval.

The thread only reads the pool's thread-safe ``status()`` and updates the state under its
lock; the UI redraws on each round (``invalidate``) and on every key.
"""

from __future__ import annotations

import threading
from pathlib import Path

from prompt_toolkit.application import Application
from prompt_toolkit.key_binding import KeyBindings
from prompt_toolkit.layout import Layout, Window
from prompt_toolkit.layout.controls import FormattedTextControl

from .monitor import MonitorState, Recorder

#: output bytes drawn per round at most: enough to show the pool working, little enough
#: that a profile asking for MiBs a round (fast) does not slow the dashboard down
OUTPUT_PER_ROUND_CAP = 65536


class Monitor:
    def __init__(self, profile, interval: float, sessions: Path, **io):
        from openentropy.engine.runner import Harvest
        from openentropy.pipelines.sinks import NullSinkSpec

        spec = profile.with_run(rounds=None, bytes=None).model_copy(update={"sinks": [NullSinkSpec()]})
        self.harvest = Harvest(spec)
        self.output_per_round = min(spec.run.bytes_per_round, OUTPUT_PER_ROUND_CAP)
        self.recorder = Recorder(sessions, self.harvest)
        # on a cluster the rows are the workers' sources (name@host:pid), known once they report
        known = [] if profile.engine.distributed else [s.name for s in profile.sources]
        self.state = MonitorState(profile.name, known, interval)
        self.stop = threading.Event()
        self.app = self._application(**io)

    def _application(self, **io) -> Application:
        keys = KeyBindings()
        state = self.state

        @keys.add("q")
        @keys.add("c-c")
        def _quit(event):
            event.app.exit()

        @keys.add("p")
        def _pause(event):
            state.paused = not state.paused

        @keys.add("s")
        def _sort(event):
            state.cycle_sort()

        @keys.add("r")
        def _record(event):
            try:
                state.recording = self.recorder.toggle()
            except Exception as error:  # a full disk, an unwritable folder: shown, the monitor goes on
                state.error = f"recording: {error}"

        @keys.add("?")
        def _help(event):
            state.show_help = not state.show_help

        def text():
            size = app.output.get_size()
            return "\n".join(state.render(size.columns, size.rows))

        window = Window(FormattedTextControl(text), wrap_lines=False)
        app = Application(layout=Layout(window), key_bindings=keys, full_screen=True, **io)
        return app

    def _harvest_loop(self) -> None:
        index = 0
        while not self.stop.is_set():
            if not self.state.paused:
                try:
                    result = self.harvest.run_round(index, self.output_per_round)
                    index += 1
                    self.state.update(result, self.harvest.status())
                except Exception as error:  # shown on screen; the monitor keeps running
                    self.state.error = f"{type(error).__name__}: {error}"
            self.app.invalidate()
            self.stop.wait(self.state.interval)

    def run(self) -> None:
        worker = threading.Thread(target=self._harvest_loop, name="oe-monitor", daemon=True)
        self.harvest.open_sinks()
        worker.start()
        try:
            self.app.run()
        finally:
            self.stop.set()
            worker.join(timeout=10)
            if self.recorder.folder is not None:
                self.recorder.toggle()
            self.harvest.close()
