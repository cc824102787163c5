"""Restart data (engine/restarts.py): each restart in its own process, the source built
from nothing there, every child bounded by a timeout.

``oe_test_sources:RestartProbeSource`` writes into its own samples the pid of the process
that collected them and how many probes that process had built (1: built from nothing).
Children import it through PYTHONPATH, as ``oe`` run from a checkout would.
"""

import os
import struct
import time
from pathlib import Path

import numpy as np
import pytest

from openentropy.engine.restarts import (MODES, RESTART_SAMPLES, RESTARTS, TIMEOUT_S, RestartError,
                                         collect_restarts, restart_matrix)
from openentropy.errors import ProfileError

SUPPORT = Path(__file__).parents[1] / "support"
PROBE = "oe_test_sources:RestartProbeSource"


@pytest.fixture(autouse=True)
def children_see_the_test_sources(monkeypatch):
    monkeypatch.setenv("PYTHONPATH", str(SUPPORT))


def probe_header(row: bytes) -> tuple[int, int]:
    """(pid that collected the row, probes that process had built)."""
    return struct.unpack("<IB", row[:5])


def test_fork_mode_gives_each_restart_a_new_process_and_a_new_source():
    rows = list(collect_restarts(PROBE, 20, per_restart=1000))
    assert [r.index for r in rows] == list(range(20))
    assert all(len(r.row) == 1000 for r in rows)
    pids = [r.pid for r in rows]
    assert len(set(pids)) == 20 and os.getpid() not in pids
    for restart in rows:
        pid, built = probe_header(restart.row)
        assert pid == restart.pid  # collected in the child itself, not in the zygote
        assert built == 1  # the zygote built no probe: each child built its own, from nothing
    assert len({r.row[5:] for r in rows}) == 20  # and each collected afresh


def test_exec_mode_still_runs_a_fresh_interpreter_per_restart():
    matrix = restart_matrix(PROBE, 2, per_restart=500, mode="exec")
    assert matrix.shape == (2, 500) and matrix.dtype == np.uint8
    headers = [probe_header(row.tobytes()) for row in matrix]
    assert headers[0][0] != headers[1][0] and [built for _, built in headers] == [1, 1]


def test_a_hanging_child_is_killed_at_its_timeout_with_a_clear_error():
    started = time.monotonic()
    with pytest.raises(RestartError, match=r"restart 1 of 3 of oe_test_sources:SlowSource failed: "
                                           r"timed out after 1\.5 s \(child (\d+) killed\)") as caught:
        list(collect_restarts("oe_test_sources:SlowSource", 3, {"seconds": 60}, timeout_s=1.5))
    assert time.monotonic() - started < 25  # not the source's 60 s, nor its 30 s collect deadline
    child = int(caught.value.args[0].rsplit("child ", 1)[1].split()[0])
    with pytest.raises(ProcessLookupError):
        os.kill(child, 0)  # killed and reaped


def test_a_failing_source_names_the_restart_and_the_reason():
    for mode in MODES:
        with pytest.raises(RestartError, match=r"restart 1 of 2 of oe_test_sources:FailingSource failed: .*"
                                               r"sensor on fire"):
            list(collect_restarts("oe_test_sources:FailingSource", 2, mode=mode, per_restart=100))


def test_bad_names_and_modes_fail_before_any_process_starts():
    with pytest.raises(ProfileError, match="clock_jiter"):
        collect_restarts("clock_jiter", 2)
    with pytest.raises(ValueError, match="fork, exec"):
        collect_restarts("clock_jitter", 2, mode="spawn")


def test_closing_early_stops_the_zygote():
    rows = collect_restarts(PROBE, 1000, per_restart=100)
    first = next(rows)
    rows.close()
    with pytest.raises(ProcessLookupError):
        os.kill(first.pid, 0)  # the child is gone; the zygote was stopped and waited for


def test_the_cli_repeats_the_engine_constants():
    from openentropy.shell import assess_command

    assert (assess_command.RESTARTS, assess_command.RESTART_SAMPLES, assess_command.MODES,
            assess_command.TIMEOUT_S) == (RESTARTS, RESTART_SAMPLES, MODES, TIMEOUT_S)
