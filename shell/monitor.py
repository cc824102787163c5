"""``oe monitor``: a full-screen live dashboard of one profile's sources and pool.

    MonitorState       what is shown :: per source {health, min-entropy, throughput,
                       failures, history (last HISTORY min-entropy values)}, the last pool
                       status, round count, sort column, paused, help, recording folder
    MonitorState.render(width, height) -> [str]   the screen as lines, fitted to the size
    Recorder           ``r``: starts / stops recording the running harvest into a
                       session folder (pipelines/recording.py, the format of ``oe record``)
    Monitor            the prompt_toolkit Application and the harvesting thread

The profile runs with its sinks replaced by a null sink and no run limits: one round
per refresh interval, until ``q``. Keys: q quit, p pause, s sort column, r record,
? help. A small terminal loses the sparkline column first, then rows ("+N more");
below MIN_WIDTH x MIN_HEIGHT only a notice is drawn.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

SPARKS = "▁▂▃▄▅▆▇█"
HISTORY = 24  # min-entropy values kept per source for the sparkline
SORTS = ("source", "health", "min-entropy", "throughput", "failures")
MIN_WIDTH, MIN_HEIGHT = 40, 6
SPARK_WIDTH = 72  # below this width the sparkline column is dropped
KEYS = "q quit  p pause  s sort  r record  ? help"
HELP = (
    "q  quit",
    "p  pause / resume harvesting",
    "s  cycle the sort column: " + ", ".join(SORTS),
    "r  start / stop recording raw samples to a session folder",
    "?  show / hide this help",
)


def sparkline(values, top: float = 8.0) -> str:
    """One block character per value, 0..``top`` (min-entropy bits per byte)."""
    scale = len(SPARKS) - 1
    return "".join(SPARKS[max(0, min(scale, round(v / top * scale)))] for v in values)


@dataclass
class SourceRow:
    name: str
    health: str = "startup"
    min_entropy: float = 0.0
    throughput: float = 0.0  # extracted bytes per second of collect time, last round
    failures: int = 0
    history: deque = field(default_factory=lambda: deque(maxlen=HISTORY))


class MonitorState:
    def __init__(self, profile_name: str, sources: list[str], interval: float):
        self.profile_name = profile_name
        self.interval = interval
        self.rows = {name: SourceRow(name) for name in sources}
        self.status = None
        self.rounds = 0
        self.sort = 0
        self.paused = False
        self.show_help = False
        self.recording: Path | None = None
        self.error = ""
        self._lock = threading.Lock()

    def update(self, result, status) -> None:
        """Take one round's ``RoundResult`` and the pool's ``PoolStatus``."""
        with self._lock:
            self.rounds += 1
            self.status = status
            pool_rows = {s.name: s for s in status.sources}
            for source in result.sources:
                row = self.rows.setdefault(source.name, SourceRow(source.name))
                known = pool_rows.get(source.name)
                row.health = known.health if known else source.health or source.status.value
                row.failures = (known.failures + known.health_failures) if known else row.failures
                if source.ok:
                    row.min_entropy = source.min_entropy
                    row.throughput = source.bytes / source.duration_s if source.duration_s > 0 else 0.0
                    row.history.append(source.min_entropy)

    def cycle_sort(self) -> str:
        self.sort = (self.sort + 1) % len(SORTS)
        return SORTS[self.sort]

    def sorted_rows(self) -> list[SourceRow]:
        key = {
            "source": lambda r: r.name,
            "health": lambda r: (r.health != "healthy", r.health, r.name),
            "min-entropy": lambda r: -r.min_entropy,
            "throughput": lambda r: -r.throughput,
            "failures": lambda r: -r.failures,
        }[SORTS[self.sort]]
        return sorted(self.rows.values(), key=key)

    def _head(self) -> list[str]:
        flags = " [paused]" if self.paused else ""
        flags += f" [recording to {self.recording}]" if self.recording else ""
        lines = [f"oe monitor: {self.profile_name} | round {self.rounds} | every {self.interval:g} s | "
                 f"sort: {SORTS[self.sort]}{flags}"]
        s = self.status
        if s is None:
            lines.append("pool: waiting for the first round")
        else:
            healthy = sum(x.health == "healthy" for x in s.sources)
            lines.append(f"pool {s.mode}: healthy {healthy}/{len(s.sources)} | credited {s.credited_bits:,.0f} bits | "
                         f"balance {s.balance_bits:,.0f} bits | mixed {s.mixed_bytes:,} B | out {s.output_bytes:,} B")
        if self.error:
            lines.append(f"error: {self.error}")
        return lines

    def render(self, width: int, height: int) -> list[str]:
        if width < MIN_WIDTH or height < MIN_HEIGHT:
            return [f"terminal too small ({width}x{height}); need {MIN_WIDTH}x{MIN_HEIGHT}"[:width]]
        with self._lock:
            lines = self._head() + [""]
            if self.show_help:
                body = list(HELP)
            else:
                spark = width >= SPARK_WIDTH
                header = f"{'source':<22} {'health':<11} {'min-H':>6} {'bytes/s':>13} {'fails':>6}"
                body = [header + (f"  {'min-entropy history':<{HISTORY}}" if spark else "")]
                for r in self.sorted_rows():
                    line = (f"{r.name[:22]:<22} {r.health[:11]:<11} {r.min_entropy:>6.2f} {r.throughput:>13,.0f} "
                            f"{r.failures:>6}")
                    body.append(line + (f"  {sparkline(r.history)}" if spark else ""))
            room = height - len(lines) - 1
            if len(body) > room:
                body = body[: room - 1] + [f"+{len(body) - room + 1} more (enlarge the terminal)"]
            lines += body
            lines += [""] * (height - len(lines) - 1) + [KEYS]
            return [line[:width] for line in lines]


class Recorder:
    """Records a harvest's rounds into a new session while on (``toggle``); the session
    format and its writer are ``oe record``'s (pipelines/recording.py)."""

    def __init__(self, root: Path, harvest):
        self.root = root
        self.harvest = harvest
        self.folder: Path | None = None
        self._writer = None
        self._stop_observing = None
        self._lock = threading.Lock()

    def toggle(self) -> Path | None:
        """Start recording (returns the new session's folder) or stop it (returns None)."""
        from openentropy.pipelines.recording import SessionWriter

        with self._lock:
            if self._writer is None:
                self._writer = SessionWriter(self.root, self.harvest.profile, note="recorded from oe monitor")
                self._stop_observing = self.harvest.observe(self._writer.add_round)
                self.folder = self._writer.folder
            else:
                self._stop_observing()
                writer, self._writer, self.folder = self._writer, None, None
                writer.close(self.harvest.health(), "stopped")
            return self.folder
