"""The dashboard's model follows a running harvester, from its own thread, and stops clean."""

import threading
import time

import pytest

from openentropy.dashboard import Dashboard, sparkline
from openentropy.harvester import PLENTY_BITS


def wait_until(predicate, seconds=60.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def test_model_updates_while_the_pool_runs_and_stops_on_stop():
    board = Dashboard("fast", refresh_s=0.1)
    board.start_button.click()  # as a person would
    try:
        assert board.start_button.disabled and not board.stop_button.disabled
        assert wait_until(lambda: board.updates >= 5 and board.gauge.value > 0)
        names = [row["source"] for row in board.rows]
        assert names == ["futex_pingpong", "clock_jitter", "os_random"]
        assert all(len(board.history[name]) >= 5 for name in names)
        assert any(row["min_entropy"] > 0 for row in board.rows)
        rates = []  # a watcher of rounds keeps the harvester collecting (it pauses when idle)
        for _ in board.harvester.rounds(40):
            rates.append(max(row["bytes_per_s"] for row in board.rows))
        assert max(rates) > 0
        assert 0 < board.gauge.value <= PLENTY_BITS and "bits (drbg" in board.gauge_label.value
        assert "futex_pingpong" in board.table.value and "<polyline" in board.table.value
        assert "healthy" in board.table.value or "startup" in board.table.value
    finally:
        board.stop_button.click()
    assert board.harvester.closed and board.state.value == "stopped"
    assert not [t for t in threading.enumerate() if t.name == "oe-dashboard" and t.is_alive()]
    count = board.updates
    time.sleep(0.3)
    assert board.updates == count


def test_start_returns_at_once_and_twice_is_once():
    board = Dashboard("fast", refresh_s=0.2)
    started = time.monotonic()
    board.start()
    board.start()
    try:
        assert time.monotonic() - started < 10  # opening, not harvesting, is on the caller's time
        assert len([t for t in threading.enumerate() if t.name == "oe-dashboard"]) == 1
    finally:
        board.stop()
        board.stop()


def test_sparkline_scales_zero_to_eight_bits():
    svg = sparkline([0.0, 8.0, 4.0], width=100, height=20)
    assert 'points="0.0,20.0 50.0,0.0 100.0,10.0"' in svg
    assert "<polyline" not in sparkline([5.0])


def test_a_bad_refresh_is_refused():
    with pytest.raises(ValueError, match="refresh_s"):
        Dashboard("fast", refresh_s=0)
