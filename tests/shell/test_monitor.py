"""oe monitor: the screen model at any size, the keys, recording raw samples."""

import threading
import time

import numpy as np
import pytest

import openentropy
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from openentropy.engine.loader import load_profile
from openentropy.engine.outcome import RoundResult, SourceRound, Status
from openentropy.engine.pool import PoolStatus, SourceState
from openentropy.shell.monitor import SORTS, SPARKS, MonitorState, Recorder, sparkline
from openentropy.shell.monitor_app import Monitor


def status(*states):
    return PoolStatus("sha256", tuple(states), 0, 4096, 1234.0, 0.0, 1234.0, 8 * 512, 512, 16)


def fed_state(rounds: int = 3) -> MonitorState:
    state = MonitorState("quick", ["alpha", "beta"], 0.5)
    for i in range(rounds):
        result = RoundResult(i, 0.01, 256, (
            SourceRound("alpha", Status.OK, 1000, 1000, 0.001, min_entropy=2.0 + i, health="healthy"),
            SourceRound("beta", Status.QUARANTINED, 500, 0, 0.002, error="rct", health="quarantined"),
        ))
        state.update(result, status(SourceState("alpha", 1.0, health="healthy"),
                                    SourceState("beta", 1.0, health="quarantined", failures=1, health_failures=2)))
    return state


def test_sparkline_scales_min_entropy_to_eight_levels():
    assert sparkline([0, 4, 8, 20, -1]) == SPARKS[0] + SPARKS[4] + SPARKS[7] + SPARKS[7] + SPARKS[0]


def test_render_full_size_rows_totals_and_keys():
    screen = fed_state().render(100, 12)
    assert len(screen) == 12 and all(len(line) <= 100 for line in screen)
    assert screen[0].startswith("oe monitor: quick | round 3 | every 0.5 s | sort: source")
    assert "healthy 1/2" in screen[1] and "balance 1,234 bits" in screen[1] and "out 512 B" in screen[1]
    alpha = next(line for line in screen if line.startswith("alpha"))
    assert "healthy" in alpha and "4.00" in alpha and "1,000,000" in alpha and alpha.endswith(sparkline([2, 3, 4]))
    beta = next(line for line in screen if line.startswith("beta"))
    assert "quarantined" in beta and beta.split()[4] == "3"  # 1 collect + 2 health failures
    assert screen[-1].startswith("q quit")


def test_small_terminals_degrade():
    state = fed_state()
    narrow = state.render(60, 12)
    assert "history" not in "\n".join(narrow) and all(len(line) <= 60 for line in narrow)
    short = state.render(100, 6)
    assert len(short) == 6 and any("+2 more" in line for line in short)
    assert state.render(30, 5) == ["terminal too small (30x5); nee"]  # cut to the width
    assert state.render(100, 3) == ["terminal too small (100x3); need 40x6"]


def test_sort_cycles_through_every_column():
    state = fed_state()
    seen = [SORTS[state.sort]] + [state.cycle_sort() for _ in SORTS]
    assert seen == [*SORTS, SORTS[0]]
    state.sort = SORTS.index("failures")
    assert [r.name for r in state.sorted_rows()] == ["beta", "alpha"]
    state.sort = SORTS.index("min-entropy")
    assert [r.name for r in state.sorted_rows()] == ["alpha", "beta"]


def test_recorder_records_the_harvest_only_while_on(quick_profile, tmp_path):
    from openentropy.engine.runner import Harvest

    with Harvest(load_profile(quick_profile)) as harvest:
        recorder = Recorder(tmp_path, harvest)
        harvest.run_round(0, 0)  # off: not recorded
        folder = recorder.toggle()
        harvest.run_round(1, 0)
        harvest.run_round(2, 0)
        assert recorder.toggle() is None
        harvest.run_round(3, 0)
    session = openentropy.load_session(folder)
    assert list(session.rounds["round"]) == [1, 2] and session.meta["stopped_by"] == "stopped"
    assert session.raw("clock_jitter").dtype == np.uint64 and len(session.raw("os_random")) == 2 * 1024


@pytest.fixture
def monitor_run(quick_profile, tmp_path):
    """Run the monitor application on pipe input; returns (monitor, send)."""

    def start(keys_after_rounds):
        with create_pipe_input() as pipe:
            monitor = Monitor(load_profile(quick_profile), 0.05, tmp_path / "sessions", input=pipe, output=DummyOutput())

            def typist():
                deadline = time.monotonic() + 30
                for keys, rounds in keys_after_rounds:
                    while monitor.state.rounds < rounds and time.monotonic() < deadline:
                        time.sleep(0.02)
                    pipe.send_text(keys)

            thread = threading.Thread(target=typist, daemon=True)
            thread.start()
            monitor.run()
            thread.join(5)
        return monitor

    return start


def test_keys_sort_help_pause_record_quit(monitor_run, tmp_path):
    monitor = monitor_run([("s?", 2), ("r", 3), ("r", 6), ("p", 6), ("q", 0)])
    state = monitor.state
    assert SORTS[state.sort] == "health" and state.show_help and state.paused
    assert state.rounds >= 6 and state.rows["os_random"].health in ("startup", "healthy")
    folders = list((tmp_path / "sessions").iterdir())
    assert len(folders) == 1 and folders[0].name.startswith("quick-")
    session = openentropy.load_session(folders[0])  # oe record's format, closed at the second 'r'
    assert session.sources == ["clock_jitter", "os_random"] and session.meta["ended"]
    assert len(session.raw("os_random")) >= 1024 and len(session.raw("os_random")) % 1024 == 0  # whole collects
    assert session.meta["note"] == "recorded from oe monitor"
    assert state.recording is None and state.error == ""


def test_pause_stops_harvesting(monitor_run):
    monitor = monitor_run([("p", 1), ("q", 0)])
    paused_at = monitor.state.rounds
    assert monitor.state.paused and paused_at <= 2
