"""``oe record --restarts``: a restart matrix as a session; ``oe assess --restart SESSION``.

Real processes for kill -9 and SIGTERM. ``RestartProbeSource`` writes the collecting
process's pid into bytes 0-3 of each row (tests/support/oe_test_sources.py).
"""

import json
import os
import signal
import struct
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from session_waiting import wait_for_chunks

import openentropy
from openentropy.engine.recorded_session import SessionError
from openentropy.pipelines.restart_recording import RestartSessionWriter
from openentropy.shell.cli import oe as oe_group

OE = [sys.executable, "-m", "openentropy.shell"]
SUPPORT = Path(__file__).parents[1] / "support"
PROBE = "oe_test_sources:RestartProbeSource"


@pytest.fixture(autouse=True)
def children_see_the_test_sources(monkeypatch, data_home):
    monkeypatch.setenv("PYTHONPATH", str(SUPPORT))


def oe_cli(*args):
    return CliRunner().invoke(oe_group, list(args), catch_exceptions=False)


def pids_of(matrix: np.ndarray) -> list[int]:
    return [struct.unpack("<I", row[:4].tobytes())[0] for row in matrix]


def chunk_pids(session) -> list[int]:
    found = []
    for path in session.chunks:
        with np.load(path, allow_pickle=False) as archive:
            found += archive["pid"].tolist()
    return found


def test_a_finished_recording_ends_its_zygote_quietly(tmp_path):
    done = subprocess.run([*OE, "record", "--source", PROBE, "--restarts", "5", "--out", str(tmp_path)],
                          capture_output=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert b"Traceback" not in done.stderr and b"Exception ignored" not in done.stderr, done.stderr


@pytest.mark.parametrize("mode, restarts", [("fork", 20), ("exec", 2)])
def test_record_restarts_loads_back_as_the_matrix(tmp_path, mode, restarts):
    out = tmp_path / "sessions"
    result = oe_cli("record", "--source", PROBE, "--restarts", str(restarts), "--restart-mode", mode,
                    "--chunk", "5s", "--out", str(out), "--tag", "board=a", "--note", "cold boot")
    assert result.exit_code == 0, result.output
    folder = Path(result.stdout.strip())
    assert f"recorded {restarts} of {restarts} restarts" in result.stderr
    session = openentropy.load_session(folder)
    matrix = session.restarts(PROBE)
    assert session.kind == "restarts" and matrix.shape == (restarts, 1000) and matrix.dtype == np.uint8
    assert np.array_equal(session.restarts(), matrix)  # one source: the name may be left out
    assert pids_of(matrix) == chunk_pids(session) and len(set(pids_of(matrix))) == restarts
    meta = session.meta
    assert (meta["kind"], meta["source"], meta["restarts"], meta["rows"], meta["per_restart"], meta["mode"]) == \
        ("restarts", PROBE, restarts, restarts, 1000, mode)
    assert meta["tags"] == {"board": "a"} and meta["note"] == "cold boot" and meta["stopped_by"] == "completed"
    assert [(e["first_restart"], e["last_restart"]) for e in session.index] == [(0, restarts - 1)]
    with pytest.raises(SessionError, match="restart matrix"):
        session.raw(PROBE)
    listed = json.loads(oe_cli("sessions", str(out), "--json").output)
    assert [(s["kind"], s["restarts"]) for s in listed] == [("restarts", restarts)]
    assert f"{restarts} restarts" in oe_cli("sessions", str(out)).output


def test_samples_per_restart_and_chunks_of_rows(tmp_path):
    result = oe_cli("record", "--source", "oe_test_sources:CountingSource", "--restarts", "7",
                    "--samples-per-restart", "300", "--chunk", "0.001", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    session = openentropy.load_session(Path(result.stdout.strip()))
    expected = ((np.arange(300) * 167 + 13) % 256).astype(np.uint8)  # CountingSource's first 300 samples
    assert np.array_equal(session.restarts(), np.tile(expected, (7, 1)))
    assert len(session.chunks) > 1 and sum(e["restarts"] for e in session.index) == 7


def test_bad_input_and_a_failing_restart():
    assert oe_cli("record", "--restarts", "5").exit_code == 2  # no --source
    assert oe_cli("record", "--source", "clock_jitter", "--source", "disk_io", "--restarts", "5").exit_code == 2
    assert oe_cli("record", "--source", "clock_jitter", "--restarts", "5", "--duration", "1s").exit_code == 2
    hung = oe_cli("record", "--source", "oe_test_sources:SlowSource", "--restarts", "3", "--restart-timeout", "1")
    assert hung.exit_code == 1
    assert "oe: error: restart 1 of 3 of oe_test_sources:SlowSource failed: timed out after 1 s" in hung.stderr


def start_endless_recording(out: Path) -> subprocess.Popen:
    """``oe record --restarts`` far longer than any test waits, chunks every 50 ms."""
    return subprocess.Popen([*OE, "record", "--source", PROBE, "--restarts", "100000", "--chunk", "0.05",
                             "--samples-per-restart", "200", "--out", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def zygote_of(pid: int) -> int:
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    assert len(children) == 1, children
    return int(children[0])


def test_kill_9_keeps_every_complete_chunk_and_the_zygote_goes_too(tmp_path):
    out = tmp_path / "sessions"
    process = start_endless_recording(out)
    try:
        folder = wait_for_chunks(out, 3, process)
        zygote = zygote_of(process.pid)
    finally:
        process.kill()  # SIGKILL: no handler runs
        process.communicate(timeout=30)
    session = openentropy.load_session(folder)
    matrix = session.restarts(PROBE)
    rows = sum(e["restarts"] for e in session.index)
    assert len(session.chunks) >= 3 and matrix.shape == (rows, 200)
    restart_numbers = np.concatenate([np.load(p)["restart"] for p in session.chunks])
    assert restart_numbers.tolist() == list(range(rows))  # complete rows, in order, none torn
    assert pids_of(matrix) == chunk_pids(session)
    assert session.meta["ended"] is None
    deadline = time.monotonic() + 30  # the orphaned zygote sees its broken pipe and exits
    while time.monotonic() < deadline and Path(f"/proc/{zygote}").exists() and \
            "Z" not in Path(f"/proc/{zygote}/stat").read_text().split()[2]:
        time.sleep(0.05)
    alive = Path(f"/proc/{zygote}").exists() and "Z" not in Path(f"/proc/{zygote}/stat").read_text().split()[2]
    if alive:
        os.kill(zygote, signal.SIGKILL)
    assert not alive


def test_sigterm_stops_after_the_restart_in_progress(tmp_path):
    out = tmp_path / "sessions"
    process = start_endless_recording(out)
    try:
        wait_for_chunks(out, 1, process)
        process.send_signal(signal.SIGTERM)
        stdout, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, stderr
    assert b"Traceback" not in stderr and b"Exception ignored" not in stderr, stderr  # the zygote ends quietly too
    session = openentropy.load_session(Path(stdout.decode().strip()))
    assert session.meta["stopped_by"] == "sigterm" and session.meta["ended"]
    assert session.restarts().shape == (session.meta["rows"], 200)


def _restart_session(root: Path, matrix: np.ndarray) -> Path:
    writer = RestartSessionWriter(root, "made_up", params={}, restarts=len(matrix), per_restart=matrix.shape[1],
                                  mode="fork", timeout_s=120.0)
    for index, row in enumerate(matrix):
        writer.add(index, 1000 + index, row.tobytes())
    return writer.close()


def test_assess_runs_the_restart_test_on_a_session_as_on_a_file(tmp_path):
    matrix = np.random.default_rng(6).integers(0, 16, (1000, 1000)).astype(np.uint8)
    folder = _restart_session(tmp_path, matrix)
    flat = tmp_path / "restarts.bin"
    flat.write_bytes(matrix.tobytes())
    from_session = oe_cli("assess", "--restart", str(folder), "--bits", "4", "--h-initial", "3.5", "--json")
    from_file = oe_cli("assess", "--restart", str(flat), "--bits", "4", "--h-initial", "3.5", "--json")
    assert from_session.exit_code == 0, from_session.output
    assert json.loads(from_session.stdout) == json.loads(from_file.stdout)
    assert json.loads(from_session.stdout)["restart"]["sanity_passed"]
    short = _restart_session(tmp_path / "short", matrix[:20])
    refused = oe_cli("assess", "--restart", str(short), "--h-initial", "3.5")
    assert refused.exit_code == 2 and "holds 20 restarts x 1,000 samples" in refused.output
