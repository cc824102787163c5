"""The ``oe`` command as a user runs it: real processes, exit codes, no tracebacks."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest
import yaml

OE = [sys.executable, "-m", "openentropy.shell"]


def oe(*args, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([*OE, *args], capture_output=True, timeout=120, **kwargs)


def test_help_lists_commands():
    result = oe("--help")
    assert result.returncode == 0
    assert b"run " in result.stdout and b"profiles " in result.stdout


def test_run_default_with_bytes_writes_exactly_that_many(repo, tmp_path):
    out = tmp_path / "out.bin"
    with open(out, "wb") as handle:
        result = subprocess.run([*OE, "run", str(repo / "profiles/default.yaml"), "--bytes", "1048576"],
                                stdout=handle, stderr=subprocess.PIPE, timeout=120)
    assert result.returncode == 0, result.stderr
    assert out.stat().st_size == 1048576
    assert result.stderr == b""  # quiet when not on a terminal
    data = out.read_bytes()
    assert len({data[i : i + 32] for i in range(0, len(data), 32)}) == 1048576 // 32


def test_run_paranoid_by_name_with_json_summary():
    result = oe("run", "paranoid", "--bytes", "2048", "--json")
    assert result.returncode == 0, result.stderr
    assert len(result.stdout) == 2048
    summary = json.loads(result.stderr)  # stdout carries the bytes, so the summary goes to stderr
    assert summary["profile"] == "paranoid" and summary["bytes_out"] == 2048
    credited = sum(row["credited_bits"] for row in summary["sources"].values())
    assert credited >= 2048 * 8 * 320 / 256  # full_entropy backing


def test_rounds_option_replaces_the_profile_limits():
    result = oe("run", "default", "--rounds", "2", "--json")
    # default's run.bytes is 1024; --rounds 2 replaces it: two rounds of 64 KiB
    assert result.returncode == 0 and len(result.stdout) == 2 * 65536
    assert json.loads(result.stderr)["rounds"] == 2


def test_json_summary_goes_to_stdout_when_no_sink_uses_it(write_profile, tmp_path):
    path = write_profile(f"name: j\nsources: [{{name: os_random}}]\nsinks:\n  - {{type: file, path: '{tmp_path / 'o.bin'}'}}\nrun:\n  rounds: 2\n  bytes_per_round: 10\n")
    result = oe("run", str(path), "--json")
    assert result.returncode == 0
    assert json.loads(result.stdout)["bytes_out"] == 20 and (tmp_path / "o.bin").stat().st_size == 20


def test_broken_profile_exits_2_with_located_message_and_no_traceback(write_profile):
    path = write_profile("name: t\nsources:\n  - name: clok_jitter\n")
    result = oe("run", str(path))
    assert result.returncode == 2
    err = result.stderr.decode()
    assert "p.yaml:3:11: sources[0].name: 'clok_jitter' is not a known source; did you mean 'clock_jitter'?" in err
    assert "Traceback" not in err and result.stdout == b""


def test_unknown_profile_name_exits_2():
    result = oe("run", "paranoia")
    assert result.returncode == 2 and b"did you mean 'paranoid'" in result.stderr and b"Traceback" not in result.stderr


def test_bad_option_exits_2():
    result = oe("run", "default", "--bytes", "0")
    assert result.returncode == 2 and b"Traceback" not in result.stderr


def test_sink_error_exits_1_and_keeps_written_data(write_profile, tmp_path):
    blocked = tmp_path / "dir"
    blocked.mkdir()
    path = write_profile(f"name: s\nsources: [{{name: os_random}}]\nsinks:\n  - {{type: file, path: '{blocked}'}}\nrun: {{rounds: 1}}\n")
    result = oe("run", str(path))
    assert result.returncode == 1 and b"cannot open" in result.stderr and b"Traceback" not in result.stderr
    full = write_profile("name: s\nsources: [{name: os_random}]\nsinks:\n  - {type: file, path: /dev/full}\nrun: {rounds: 1}\n")
    result = oe("run", str(full))
    assert result.returncode == 1 and b"No space left on device" in result.stderr and b"Traceback" not in result.stderr


def test_file_sink_appends_across_runs(write_profile, tmp_path):
    out = tmp_path / "o.bin"
    path = write_profile(f"name: a\nsources: [{{name: os_random}}]\nsinks:\n  - {{type: file, path: '{out}'}}\nrun: {{bytes: 100}}\n")
    assert oe("run", str(path)).returncode == 0
    first = out.read_bytes()
    assert oe("run", str(path)).returncode == 0
    data = out.read_bytes()
    assert len(data) == 200 and data[:100] == first and data[100:] != first


@pytest.mark.parametrize("signum, status", [(signal.SIGINT, 130), (signal.SIGTERM, 0)], ids=["ctrl-c", "sigterm"])
def test_a_stop_signal_ends_cleanly_after_closing_sinks(write_profile, tmp_path, signum, status):
    out = tmp_path / "o.hex"
    path = write_profile(
        f"name: forever\nsources: [{{name: os_random}}]\nsinks:\n  - {{type: file, path: '{out}', format: hex}}\n"
        "run:\n  bytes_per_round: 48\n  interval: 20ms\n"
    )
    proc = subprocess.Popen([*OE, "run", str(path), "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and (not out.exists() or out.stat().st_size < 200):
        time.sleep(0.05)
    proc.send_signal(signum)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == status, stderr
    assert b"Traceback" not in stderr
    summary = json.loads(stdout)
    assert summary["stopped_by"] == "interrupted"
    text = out.read_text()
    # every byte counted was written and the encoder's last partial line was flushed
    assert len(bytes.fromhex("".join(text.split()))) == summary["bytes_out"] and text.endswith("\n")


def test_broken_pipe_is_quiet(repo):
    result = subprocess.run(f"{sys.executable} -m openentropy.shell run fast | head -c 10 > /dev/null",
                            shell=True, capture_output=True, timeout=120)
    assert result.returncode == 0 and result.stderr == b""


def test_profiles_list_show_validate_schema(repo, write_profile):
    listing = oe("profiles", "list").stdout.decode()
    assert all(name in listing for name in ("default", "paranoid", "fast"))
    shown = yaml.safe_load(oe("profiles", "show", "paranoid").stdout)
    assert shown["name"] == "paranoid" and shown["pool"]["os_random"] is False and shown["run"]["bytes"] == 1024
    good = oe("profiles", "validate", str(repo / "profiles/default.yaml"))
    assert good.returncode == 0 and good.stdout.strip().endswith(b": ok")
    bad = write_profile("name: t\nsources:\n  - name: clock_jitter\n    weight: -1\n")
    result = oe("profiles", "validate", str(repo / "profiles/fast.yaml"), str(bad))
    assert result.returncode == 2 and b"fast.yaml: ok" in result.stdout and b"p.yaml:4:13: sources[0].weight" in result.stderr
    schema = json.loads(oe("profiles", "schema").stdout)
    assert schema["title"] == "Profile" and "sources" in schema["properties"]


def test_oe_entry_point_installed():
    """The console script exists in the environment that runs the tests."""
    script = os.path.join(os.path.dirname(sys.executable), "oe")
    assert os.path.exists(script)
    assert subprocess.run([script, "--version"], capture_output=True, timeout=60).stdout.startswith(b"oe, version")


def test_output_never_repeats_across_restarts(write_profile):
    """Two runs of one profile without OS randomness still share no 32-byte block."""
    path = write_profile(
        "name: r\nsources: [{name: 'oe_test_sources:UniformSource', samples: 2048}]\n"
        "pool: {os_random: false}\nsinks: [{type: stdout, format: raw}]\nrun: {bytes: 65536}\n"
    )
    env = {**os.environ, "PYTHONPATH": str(__import__("pathlib").Path(__file__).parents[1] / "support")}
    first, second = (subprocess.run([*OE, "run", str(path)], capture_output=True, timeout=120, env=env) for _ in "ab")
    assert first.returncode == second.returncode == 0, first.stderr
    blocks = lambda data: {data[i : i + 32] for i in range(0, len(data), 32)}  # noqa: E731
    assert len(blocks(first.stdout)) == 2048 and blocks(first.stdout).isdisjoint(blocks(second.stdout))


def test_assess_file_and_errors(tmp_path):
    import numpy as np

    data = np.random.default_rng(9).integers(0, 16, 20_000).astype(np.uint8)  # 4-bit uniform symbols
    path = tmp_path / "nibbles.bin"
    path.write_bytes(data.tobytes())
    result = oe("assess", "--file", str(path), "--bits", "4", "--json", "--non-iid")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["samples"] == 20_000 and report["bits_per_symbol"] == 4
    assert 2.5 < report["min_entropy"] <= 4.0 and set(report["estimators"]) >= {"MostCommonValue", "LZ78Y"}
    assert oe("assess").returncode == 2
    assert oe("assess", "--file", str(tmp_path / "missing.bin")).returncode == 2
    short = tmp_path / "short.bin"
    short.write_bytes(b"x" * 10)
    assert b"at least 1000" in oe("assess", "--file", str(short)).stderr


def test_run_fast_is_drbg_output_of_exactly_the_bytes_asked():
    result = oe("run", "fast", "--bytes", "3000001", "--json")
    assert result.returncode == 0, result.stderr
    assert len(result.stdout) == 3_000_001 and len(set(result.stdout[i : i + 32] for i in range(0, 3_000_000, 32))) == 93_750
    summary = json.loads(result.stderr)
    assert summary["bytes_out"] == 3_000_001 and summary["profile"] == "fast"
