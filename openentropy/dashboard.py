"""A live dashboard for Jupyter: start and stop a profile, watch its sources and pool.

    from openentropy.dashboard import Dashboard
    Dashboard("default")          # the last line of a cell shows it; press Start

    Start / Stop    opens ``openentropy.open(profile)`` / closes it
    sources table   per source: health (coloured), min-entropy, rate, credited bits,
                    collect and health failures
    sparklines      each source's last-round min-entropy over the last ``history``
                    refreshes (inline SVG, 0 to 8 bits per byte)
    balance gauge   credited bits buffered in the pool, against the harvester's
                    ``PLENTY_BITS`` (the level at which it pauses)

Threads
    oe-harvester/NAME   the harvester's own (harvester.py): runs the rounds
    oe-dashboard        reads ``status()`` and ``health()`` every ``refresh_s`` seconds
                        and sets the widgets' values; the kernel is never blocked, and
                        ipywidgets sends each change to the browser from this thread
Both end on ``stop()``; the watcher waits at most ``refresh_s`` to notice.

The state, for tests and for code: ``updates`` (refreshes so far), ``rows`` (the last
table as dicts), ``history`` ({source: deque of min-entropy}). Needs the ``jupyter``
extra (``pip install -e '.[jupyter]'``): ipywidgets.
"""

from __future__ import annotations

import html
import threading
import time
from collections import deque

from .errors import OpenEntropyError

try:
    import ipywidgets as widgets
except ImportError:  # pragma: no cover - depends on the install
    widgets = None

from .harvester import PLENTY_BITS, open as open_harvester

#: Seconds between refreshes: a round of the default profile takes ~0.1-1 s, so once a
#: second shows every change without keeping a core busy redrawing.
REFRESH_S = 1.0
#: Refreshes kept per sparkline: one minute at the default refresh.
HISTORY = 60
_HEALTH_COLOURS = {"healthy": "#1b7a3d", "quarantined": "#b42318", "startup": "#777777"}


def sparkline(values, width: int = 120, height: int = 24, top: float = 8.0) -> str:
    """An inline SVG polyline of ``values`` scaled from 0 to ``top`` (8 bits per byte)."""
    values = list(values)
    if len(values) < 2:
        return f'<svg width="{width}" height="{height}"></svg>'
    step = width / (len(values) - 1)
    points = " ".join(f"{i * step:.1f},{height - min(max(v, 0.0), top) / top * height:.1f}" for i, v in enumerate(values))
    return (f'<svg width="{width}" height="{height}"><polyline fill="none" stroke="#4a7ab5" stroke-width="1.5" '
            f'points="{points}"/></svg>')


class Dashboard:
    """The dashboard of one profile (see the module docstring); ``overrides`` as in
    ``openentropy.open``."""

    def __init__(self, profile="default", *, refresh_s: float = REFRESH_S, history: int = HISTORY, **overrides):
        if widgets is None:
            raise OpenEntropyError("the dashboard needs ipywidgets: pip install -e '.[jupyter]'")
        if not refresh_s > 0:
            raise ValueError(f"refresh_s must be a positive number of seconds, got {refresh_s!r}")
        self.profile, self.overrides, self.refresh_s = profile, overrides, refresh_s
        self.harvester = None
        self.updates = 0
        self.rows: list[dict] = []
        self.history: dict[str, deque] = {}
        self._history_len = history
        self._last: tuple[float, dict[str, int]] | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.start_button = widgets.Button(description="Start", button_style="success", icon="play")
        self.stop_button = widgets.Button(description="Stop", button_style="danger", icon="stop", disabled=True)
        self.state = widgets.HTML(value="stopped")
        self.gauge = widgets.FloatProgress(value=0.0, min=0.0, max=float(PLENTY_BITS), description="balance")
        self.gauge_label = widgets.Label(value="0 bits")
        self.table = widgets.HTML(value="")
        self.start_button.on_click(lambda _: self.start())
        self.stop_button.on_click(lambda _: self.stop())
        self.widget = widgets.VBox([
            widgets.HBox([self.start_button, self.stop_button, self.state]),
            widgets.HBox([self.gauge, self.gauge_label]),
            self.table,
        ])

    # --- running -----------------------------------------------------------------------

    def start(self) -> None:
        """Open the profile and start refreshing. Does nothing if already running."""
        if self._thread is not None:
            return
        self.harvester = open_harvester(self.profile, **self.overrides)
        self._stop.clear()
        self._thread = threading.Thread(target=self._watch, name="oe-dashboard", daemon=True)
        self._thread.start()
        self.start_button.disabled, self.stop_button.disabled = True, False
        self.state.value = f"running <b>{html.escape(self.harvester.profile.name)}</b>"

    def stop(self) -> None:
        """Stop refreshing and close the harvester. Idempotent."""
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=self.refresh_s + 10.0)
        self._thread = None
        if self.harvester is not None:
            self.harvester.close()
        self.start_button.disabled, self.stop_button.disabled = False, True
        self.state.value = "stopped"

    def _watch(self) -> None:
        while not self._stop.is_set():
            try:
                self.update()
            except Exception as error:  # shown in the widget, never raised into the kernel
                self.state.value = f"<span style='color:#b42318'>stopped: {html.escape(str(error))}</span>"
                return
            self._stop.wait(self.refresh_s)

    # --- one refresh ---------------------------------------------------------------------

    def update(self) -> None:
        """Read the harvester once and set every widget (the watcher calls this)."""
        status, health = self.harvester.status(), self.harvester.health()
        now = time.monotonic()
        totals = {s.name: s.total_bytes for s in status.sources}
        seconds = now - self._last[0] if self._last else 0.0
        rows = []
        for s in status.sources:
            rate = (s.total_bytes - self._last[1].get(s.name, 0)) / seconds if self._last and seconds > 0 else 0.0
            line = self.history.setdefault(s.name, deque(maxlen=self._history_len))
            line.append(s.last_min_entropy)
            state = health[s.name].state if s.name in health else s.health
            rows.append({"source": s.name, "health": state, "min_entropy": s.last_min_entropy, "bytes_per_s": rate,
                         "credited_bits": s.credited_bits, "failures": s.failures,
                         "health_failures": health[s.name].failures if s.name in health else s.health_failures})
        self._last = (now, totals)
        self.rows = rows
        self.table.value = self._table_html()
        self.gauge.value = min(float(status.balance_bits), self.gauge.max)
        self.gauge_label.value = f"{status.balance_bits:,.0f} bits ({status.mode}, {status.output_bytes:,} bytes out)"
        self.updates += 1

    def _table_html(self) -> str:
        cell = 'style="border:1px solid #ccc;padding:2px 8px"'
        head = "".join(f"<th {cell}>{h}</th>" for h in ("source", "health", "min-entropy (bits/B)", "min-entropy",
                                                         "rate (B/s)", "credited (bits)", "failures", "health failures"))
        body = "".join(
            f"<tr><td {cell}>{html.escape(r['source'])}</td>"
            f"<td {cell}><b style='color:{_HEALTH_COLOURS.get(r['health'], '#222')}'>{html.escape(r['health'])}</b></td>"
            f"<td {cell}>{r['min_entropy']:.3f}</td><td {cell}>{sparkline(self.history[r['source']])}</td>"
            f"<td {cell}>{r['bytes_per_s']:,.0f}</td><td {cell}>{r['credited_bits']:,.0f}</td>"
            f"<td {cell}>{r['failures']}</td><td {cell}>{r['health_failures']}</td></tr>"
            for r in self.rows
        )
        return f"<table style='border-collapse:collapse;font-size:13px'><tr>{head}</tr>{body}</table>"

    # --- display -------------------------------------------------------------------------

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)

    def __repr__(self) -> str:
        return f"<Dashboard profile={self.profile!r} {'running' if self._thread else 'stopped'} updates={self.updates}>"
