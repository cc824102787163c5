"""oe record, oe sessions, the shell's record: real processes for signals and kill -9."""

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from session_waiting import wait_for_chunks

import openentropy
from openentropy.shell.cli import oe as oe_group
from openentropy.shell.repl import Shell

OE = [sys.executable, "-m", "openentropy.shell"]
SUPPORT = Path(__file__).parents[1] / "support"
UNIFORM = "oe_test_sources:UniformSource"


@pytest.fixture
def env(data_home):
    return {**os.environ, "PYTHONPATH": str(SUPPORT), "XDG_DATA_HOME": str(data_home)}


@pytest.fixture
def fast_profile(write_profile):
    return write_profile(f"name: fast-rec\nsources:\n  - {{name: '{UNIFORM}', samples: 1024}}\n"
                         "  - {name: clock_jitter, samples: 1024}\nsinks: [{type: stdout}]\n"
                         "run: {bytes_per_round: 64, interval: 0.01}\n", "fast-rec.yaml")


def oe_cli(*args):
    return CliRunner().invoke(oe_group, list(args), catch_exceptions=False)


def test_record_rounds_then_list_and_analyze(fast_profile, tmp_path):
    out = tmp_path / "sessions"
    result = oe_cli("record", str(fast_profile), "--rounds", "10", "--chunk", "0.1", "--tag", "room=lab",
                    "--tag", "run=1", "--note", "fan at full speed", "--out", str(out))
    assert result.exit_code == 0, result.output
    folder = Path(result.stdout.strip())
    assert folder.parent == out and "recorded 10 rounds" in result.stderr
    session = openentropy.load_session(folder)
    assert session.meta["tags"] == {"room": "lab", "run": "1"} and session.meta["note"] == "fan at full speed"
    assert session.meta["profile"]["sinks"] == [{"type": "null"}]  # the recording is the output
    assert len(session.rounds["round"]) == 10 and len(session.raw(UNIFORM)) == 10 * 1024
    assert not list(folder.glob("**/.*"))  # no temporary file left behind

    listed = json.loads(oe_cli("sessions", str(out), "--json").output)
    assert [(s["id"], s["rounds"], s["tags"], s["ended"]) for s in listed] == [(folder.name, 10, session.meta["tags"], True)]
    assert listed[0]["bytes"] == sum(p.stat().st_size for p in session.chunks)
    table = oe_cli("sessions", str(out)).output
    assert folder.name in table and "room=lab" in table and " 10 " in table

    report = tmp_path / "analysis.json"
    analyzed = oe_cli("sessions", "analyze", str(folder), "--source", UNIFORM, "--report", str(report))
    assert analyzed.exit_code == 0, analyzed.output
    inputs = json.loads(report.read_text())["inputs"]
    assert [(i["input"], i["bytes"]) for i in inputs] == [(UNIFORM, len(session.conditioned(UNIFORM)))]
    assert inputs[0]["battery"]["grade"] in "AB" and inputs[0]["sp800_90b_min_entropy"] > 5
    bad = oe_cli("sessions", "analyze", str(folder), "--report", str(tmp_path / "x.pdf"))
    assert bad.exit_code == 2 and ".md, .json, .html or .xml" in bad.output


def test_kill_9_leaves_every_complete_chunk_readable(fast_profile, env, tmp_path):
    out = tmp_path / "sessions"
    process = subprocess.Popen([*OE, "record", str(fast_profile), "--chunk", "0.05", "--out", str(out)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    try:
        folder = wait_for_chunks(out, 3, process)
    finally:
        process.kill()  # SIGKILL: no handler runs
        process.communicate(timeout=30)
    session = openentropy.load_session(folder)
    names = [p.name for p in session.chunks]
    assert len(names) >= 3 and names == [f"{i:06d}.npz" for i in range(len(names))]
    per_round = session.per_round("clock_jitter")
    assert len(session.raw("clock_jitter")) == per_round["raw_count"].sum() == 1024 * len(session.rounds["round"])
    assert sum(e["rounds"] for e in session.index) == len(session.rounds["round"])
    assert session.meta["ended"] is None  # never finished, and still readable
    for chunk in session.chunks:
        with np.load(chunk, allow_pickle=False) as archive:
            assert "round" in archive.files


@pytest.mark.parametrize("signum, status, reason", [(signal.SIGINT, 130, "interrupted"), (signal.SIGTERM, 0, "sigterm")])
def test_a_signal_finishes_the_chunk_and_the_metadata(fast_profile, tmp_path, signum, status, reason):
    """In this process (the handlers need the main thread): the signal comes from a thread
    once the session exists, so the handlers are in place."""
    out = tmp_path / "sessions"

    def signal_soon():
        deadline = time.monotonic() + 60
        while not list(out.glob("*/meta.json")) and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(0.2)  # a few rounds
        os.kill(os.getpid(), signum)

    sender = threading.Thread(target=signal_soon, daemon=True)
    sender.start()
    result = oe_cli("record", str(fast_profile), "--duration", "1m", "--chunk", "1h", "--out", str(out))
    sender.join(5)
    assert result.exit_code == status, result.output
    session = openentropy.load_session(Path(result.stdout.strip()))
    assert session.meta["stopped_by"] == reason and session.meta["ended"]
    assert len(session.chunks) == 1 and session.meta["rounds"] == len(session.rounds["round"]) > 0  # the open chunk
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL  # the handler is gone again


def test_record_from_sources_and_bad_input():
    assert oe_cli("record", "default", "--source", "clock_jitter").exit_code == 2
    assert oe_cli("record", "--duration", "soon").exit_code == 2
    assert oe_cli("record", "--tag", "novalue").exit_code == 2
    assert oe_cli("record", "--source", "clok_jitter").exit_code == 2
    assert oe_cli("sessions", "analyze", "no-such-session").exit_code == 2


def test_record_sources_with_default_settings(tmp_path):
    result = oe_cli("record", "--source", "clock_jitter", "--source", "os_random", "--rounds", "2",
                    "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    session = openentropy.load_session(next(tmp_path.iterdir()))
    assert session.sources == ["clock_jitter", "os_random"] and session.meta["profile"]["name"] == "record"
    assert len(session.raw("clock_jitter")) == 2 * session.meta["profile"]["sources"][0]["samples"]


def test_the_shell_records_its_loaded_profile(quick_profile, tmp_path, capsys):
    shell = Shell()
    try:
        assert shell.execute(f"load {quick_profile}") == 0
        assert shell.execute(f"record --rounds 3 --tag who=shell --out {tmp_path}") == 0
    finally:
        shell.session.close()
    folder = Path(capsys.readouterr().out.strip().splitlines()[-1])
    session = openentropy.load_session(folder)
    assert session.meta["tags"] == {"who": "shell"} and list(session.rounds["round"]) == [0, 1, 2]
    assert session.sources == ["clock_jitter", "os_random"] and len(session.raw("os_random")) == 3 * 1024
    listed = json.loads(oe_cli("sessions", str(tmp_path), "--json").output)
    assert [s["id"] for s in listed] == [folder.name]


def test_a_full_disk_stops_the_recording_with_a_clear_error(fast_profile, tmp_path, monkeypatch):
    import errno

    from openentropy.pipelines import recording

    def no_space(*args):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(recording.os, "rename", no_space)
    result = oe_cli("record", str(fast_profile), "--rounds", "50", "--chunk", "0.01", "--out", str(tmp_path))
    assert result.exit_code == 1
    assert "cannot write chunk 000000.npz: No space left on device (0 chunks written and kept)" in result.stderr
    assert "Traceback" not in result.output
