"""oe shell without a terminal: commands, errors, editing, history, Ctrl-C."""

import os
import signal
import threading

import pytest
import yaml
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from openentropy.engine.loader import load_profile
from openentropy.shell.commands import COMMANDS, get_command
from openentropy.shell.repl import Shell, history_path


@pytest.fixture
def shell():
    s = Shell()
    yield s
    s.session.close()


@pytest.fixture
def loaded(shell, quick_profile):
    assert shell.execute(f"load {quick_profile}") == 0
    return shell


def drive(shell, text: str) -> None:
    """Type ``text`` at a real PromptSession (pipe input, dummy output) until it ends."""
    with create_pipe_input() as pipe:
        pipe.send_text(text)
        shell.loop(input=pipe, output=DummyOutput())


def test_table_names_every_command_and_reuses_the_oe_commands():
    from openentropy.shell.cli import COMMANDS as CLI

    assert list(COMMANDS) == sorted(COMMANDS)
    for name in ("scan", "probe", "bench"):
        assert COMMANDS[name] == CLI[name]  # the same click command, not a copy
    for name in COMMANDS:
        assert get_command(name).name in (name, "bytes")


def test_commands_need_a_profile(shell, capsys):
    for line in ("show", "set run.rounds 3", "run", "bytes 8", "pool", "health", "save x.yaml", "add source os_random"):
        assert shell.execute(line) == 2, line
        assert "no profile is loaded" in capsys.readouterr().err


def test_unknown_command_and_bad_usage_are_errors_not_exits(shell, capsys):
    assert shell.execute("lod default") == 2
    assert "unknown command 'lod'; did you mean 'load'?" in capsys.readouterr().err
    assert shell.execute("bytes zero") == 2
    assert "Invalid value for 'COUNT'" in capsys.readouterr().err
    assert shell.execute('set "unclosed') == 2
    assert shell.execute("") == 0 and shell.execute("# a comment") == 0
    assert not shell.finished


def test_load_show_and_errors(shell, capsys, write_profile):
    assert shell.execute("load default") == 0
    names = ", ".join(s.name for s in load_profile("default").sources)
    assert f"loaded default: {names}" in capsys.readouterr().out
    assert shell.execute("show pool.mode") == 0 and capsys.readouterr().out == "sha256\n"
    assert shell.execute("show") == 0
    assert yaml.safe_load(capsys.readouterr().out) == load_profile("default").model_dump(mode="json", exclude={"extends"})
    assert shell.execute("show pool.nope") == 2 and "no field 'nope'" in capsys.readouterr().err
    assert shell.execute("load paranoia") == 2 and "did you mean 'paranoid'" in capsys.readouterr().err
    bad = write_profile("name: t\nsources:\n  - name: clok_jitter\n")
    assert shell.execute(f"load {bad}") == 2
    assert "p.yaml:3:11: sources[0].name: 'clok_jitter' is not a known source" in capsys.readouterr().err
    assert shell.session.draft.profile.name == "default"  # a failed load keeps the profile


def test_set_validates_with_the_file_messages_and_rejected_edits_change_nothing(loaded, capsys):
    assert loaded.execute("set sources.clock_jitter.weight 2") == 0
    assert capsys.readouterr().out == "sources.clock_jitter.weight = 2.0\n"
    assert loaded.execute("set sources.clock_jitter.weight -1") == 2
    assert capsys.readouterr().err == "error: quick: sources[0].weight: Input should be greater than 0 (got -1)\n"
    assert loaded.execute("set pool.mdoe sha256") == 2
    assert "pool.mdoe: unknown field 'mdoe'; did you mean 'mode'?" in capsys.readouterr().err
    assert loaded.execute("set sources.jitter.weight 2") == 2
    assert "no item named 'jitter' (named items: clock_jitter, os_random)" in capsys.readouterr().err
    assert loaded.session.draft.profile.sources[0].weight == 2.0
    assert loaded.execute("set sinks.1 {type: file, path: out.bin, format: hex}") == 0
    assert loaded.execute("set sinks.1.format 'base64'") == 0
    assert loaded.session.draft.profile.sinks[1].format == "base64"
    assert loaded.execute("set description two words  # and a comment") == 0
    assert loaded.session.draft.profile.description == "two words"


def test_unset_add_remove(loaded, capsys):
    assert loaded.execute("unset run.rounds") == 0
    assert loaded.session.draft.profile.run.rounds is None
    assert "run.rounds = null (default)" in capsys.readouterr().out
    assert loaded.execute("unset run.rounds") == 2 and "is not set" in capsys.readouterr().err
    assert loaded.execute("add source tsc_clock_beat") == 0
    assert loaded.execute("add source clok_jitter") == 2 and "did you mean 'clock_jitter'" in capsys.readouterr().err
    assert loaded.execute("add source os_random") == 2 and "listed twice" in capsys.readouterr().err
    assert loaded.execute("remove source os_random") == 0
    assert [s.name for s in loaded.session.draft.profile.sources] == ["clock_jitter", "tsc_clock_beat"]
    assert loaded.execute("remove source os_random") == 2 and "is not in the profile" in capsys.readouterr().err
    assert loaded.execute("add sink null") == 2  # only sources can be added by name


def test_set_save_reload_round_trip(loaded, tmp_path):
    for line in ("set sources.clock_jitter.weight 2.5", "set pool.mode full_entropy", "set run.interval 10ms",
                 "set sinks.0 {type: file, path: out.bin, mode: truncate}", "add source tsc_clock_beat",
                 "set conditioning.0 {type: xor_fold, rounds: 2}"):
        assert loaded.execute(line) == 0, line
    edited = loaded.session.draft.profile
    assert loaded.session.dirty
    target = tmp_path / "saved.yaml"
    assert loaded.execute(f"save {target}") == 0 and not loaded.session.dirty
    assert load_profile(target) == edited
    assert loaded.execute(f"load {target}") == 0 and loaded.session.draft.profile == edited
    assert loaded.execute("set run.rounds 7") == 0 and loaded.execute("save") == 0  # back to where it came from
    assert load_profile(target).run.rounds == 7


def test_save_needs_a_file_for_a_shipped_profile(shell, capsys):
    shell.execute("load default")
    assert shell.execute("save") == 2 and "give one: save my-profile.yaml" in capsys.readouterr().err


def test_run_bytes_pool_health_share_one_pool(loaded, capsys):
    assert loaded.execute("health") == 0 and "no rounds yet" in capsys.readouterr().out
    assert loaded.execute("run") == 0
    assert "run quick: 2 rounds, 512 bytes out" in capsys.readouterr().out
    assert loaded.execute("run --rounds 1 --bytes 5") == 2
    assert loaded.execute("run --bytes 100 --json") == 0
    assert '"bytes_out": 100' in capsys.readouterr().out
    assert loaded.execute("bytes 40") == 0
    lines = capsys.readouterr().out.split()
    assert [len(line) for line in lines] == [64, 16] and int("".join(lines), 16) > 0
    assert loaded.execute("bytes 30 --base64") == 0 and len(capsys.readouterr().out.strip()) == 40
    assert loaded.execute("pool --rounds 2 --json") == 0
    status = yaml.safe_load(capsys.readouterr().out)
    assert status["output_bytes"] == 512 + 100 + 40 + 30 and len(status["sources"]) == 2
    assert loaded.execute("health") == 0 and "sources healthy" in capsys.readouterr().out
    assert loaded.execute("pool") == 0 and "balance" in capsys.readouterr().out
    assert loaded.execute("set run.rounds 1") == 0 and not loaded.session.started  # an edit starts a new pool


def test_bytes_in_full_entropy_mode_waits_for_credit(loaded, capsys):
    assert loaded.execute("set pool.mode full_entropy") == 0
    capsys.readouterr()
    assert loaded.execute("bytes 64") == 0 and len("".join(capsys.readouterr().out.split())) == 128
    assert loaded.session.pool_status().drawn_bits >= 2 * 320


def test_run_error_is_reported_and_the_session_goes_on(loaded, tmp_path, capsys):
    folder = tmp_path / "dir"
    folder.mkdir()
    assert loaded.execute(f"set sinks.0 {{type: file, path: '{folder}'}}") == 0
    assert loaded.execute("run") == 1 and "cannot open" in capsys.readouterr().err
    assert loaded.execute("show run.rounds") == 0


def test_scan_probe_bench_are_the_oe_commands(loaded, capsys):
    assert loaded.execute("scan --available --json") == 0 and '"native_core"' in capsys.readouterr().out
    assert loaded.execute("probe os_random --samples 500 --json") == 0 and '"grade"' in capsys.readouterr().out
    assert loaded.execute("probe clok_jitter") == 2 and "did you mean 'clock_jitter'" in capsys.readouterr().err
    assert loaded.execute("bench --rounds 1 --warmup 0 --samples 500 --json") == 0  # bare: the profile's sources
    assert {r["name"] for r in yaml.safe_load(capsys.readouterr().out)["results"]} == {"clock_jitter", "os_random"}


@pytest.mark.parametrize(("line", "status", "message"), [
    ("assess", 2, "give exactly one of --source NAME or --file PATH"),
    ("assess --file /nonexistent.bin", 2, "cannot read /nonexistent.bin: No such file or directory"),
    ("assess --source clok_jitter", 2, "did you mean 'clock_jitter'"),
    ("report --file /nonexistent.bin", 1, "cannot read /nonexistent.bin"),
    ("bench clok_jitter", 2, "did you mean 'clock_jitter'"),
    ("bench --rounds 0", 2, "0 is not in the range 1<=x<=1000"),
    ("scan --nope", 2, "No such option '--nope'"),
    ("history 0", 2, "0 is not in the range x>=1"),
    ("save /nonexistent-dir/x.yaml", 1, "cannot save to /nonexistent-dir/x.yaml: No such file or directory"),
    ("bytes 0", 2, "0 is not in the range 1<=x<=16777216"),
    ("pool --rounds -1", 2, "-1 is not in the range 0<=x<=10000"),
    ("health extra", 2, "unexpected extra argument (extra)"),
    ("serve --port 99999", 2, "99999 is not in the range 0<=x<=65535"),
    ("exit now", 2, "unexpected extra argument (now)"),
    ("probe", 2, "Missing argument 'SOURCE'"),
])
def test_each_command_error_is_a_status_and_a_message(loaded, capsys, line, status, message):
    capsys.readouterr()
    assert loaded.execute(line) == status
    assert message in capsys.readouterr().err
    assert not loaded.finished and loaded.execute("show name") == 0  # the session goes on


def test_help_and_exit(shell, capsys):
    assert shell.execute("help") == 0
    listing = capsys.readouterr().out
    assert all(f"  {name} " in listing for name in COMMANDS)
    assert shell.execute("help set") == 0 and "set sources.clock_jitter.weight 2" in capsys.readouterr().out
    assert shell.execute("probe --help") == 0 and "--samples" in capsys.readouterr().out
    assert shell.execute("help nope") == 2
    assert shell.execute("quit") == 0 and shell.finished


def test_prompt_loop_with_history_file_ctrl_c_and_ctrl_d(capsys, quick_profile):
    from prompt_toolkit.history import FileHistory

    path = history_path()
    path.parent.mkdir(parents=True)
    shell = Shell(history=FileHistory(str(path)))
    # Ctrl-C on a half-typed line discards it; the session goes on; Ctrl-D leaves
    drive(shell, f"load {quick_profile}\rset run.rounds 9\x03show run.rounds\rset run.rounds oops\rhistory\r\x04")
    captured = capsys.readouterr()
    assert "run.rounds = " not in captured.out and "\n2\n" in captured.out  # the Ctrl-C'd set never ran
    assert "run.rounds: Input should be a valid integer" in captured.err  # an error, and the prompt came back
    assert "    4  history" in captured.out
    assert os.environ["XDG_DATA_HOME"] in str(path)
    assert "show run.rounds" in path.read_text()
    again = Shell(history=FileHistory(str(path)))
    drive(again, "history 2\rexit\r")
    assert capsys.readouterr().out.splitlines() == ["    4  history", "    5  history 2"]


def test_lines_typed_during_a_slow_command_run_after_it_under_the_live_toolbar(loaded, capsys):
    assert loaded.execute("set run.interval 100ms") == 0
    capsys.readouterr()
    drive(loaded, "run --rounds 8\rshow name\rexit\r")  # the run takes ~0.8 s: the live toolbar takes the rest
    out = capsys.readouterr().out
    assert "run quick: 8 rounds" in out
    assert out.index("run quick: 8 rounds") < out.index("oe> show name\nquick\n")  # queued, echoed, then run
    assert loaded.history_lines()[-2:] == ["show name", "exit"]


def test_ctrl_c_during_a_command_cancels_it_and_returns_to_the_prompt(loaded, capsys, monkeypatch):
    import openentropy.engine.measure as measure

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(measure, "probe_source", interrupted)
    assert loaded.execute("probe os_random") == 130 and "probe: cancelled" in capsys.readouterr().err
    assert loaded.execute("show name") == 0


def test_a_terminal_ctrl_c_before_the_live_toolbar_drops_the_queued_lines(loaded, capsys, monkeypatch):
    import openentropy.engine.measure as measure
    from openentropy.shell.live_toolbar import TypeAhead

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt  # at once: the toolbar never started, the terminal had the key

    monkeypatch.setattr(measure, "probe_source", interrupted)
    typed = TypeAhead(lines=["show name"], partial="hea")
    assert loaded.execute_live("probe os_random", typed) == 130
    assert typed.lines == [] and typed.partial == ""


def test_ctrl_c_stops_an_endless_run_after_its_round(loaded, capsys):
    # arrange: Python's own handler, whatever earlier tests left (once in ~10 full runs the
    # handler found here was not the default one; see the closing note of issue 7)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    assert loaded.execute("unset run.rounds") == 0 and loaded.execute("set run.interval 20ms") == 0
    done = threading.Event()

    def interrupt_once_running():  # after a round, so run's own Ctrl-C handler is in place
        while not done.wait(0.02):
            status = loaded.session.pool_status()
            if status is not None and status.output_bytes > 0:
                os.kill(os.getpid(), signal.SIGINT)
                return

    thread = threading.Thread(target=interrupt_once_running, daemon=True)
    thread.start()
    try:
        assert loaded.execute("run") == 130
    finally:
        done.set()
        thread.join(5)
    out = capsys.readouterr().out
    assert "(interrupted)" in out and " 0 rounds" not in out
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    assert loaded.execute("run --rounds 1") == 0  # the pool and the session live on


def test_script_mode_stops_at_the_first_failure(loaded, tmp_path, capsys):
    from openentropy.shell.shell_command import shell_command

    script = tmp_path / "build.oe"
    target = tmp_path / "built.yaml"
    script.write_text(f"# build a profile\nload default\nset run.rounds 2\nsave {target}\nset pool.mode fast\nshow\n")
    with pytest.raises(SystemExit) as stopped:
        shell_command.main(["--script", str(script)], standalone_mode=False)
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert "pool.mode: Input should be 'sha256', 'full_entropy' or 'drbg'" in err and f"{script}:5:" in err
    assert load_profile(target).run.rounds == 2


def test_serve_and_stop_run_the_rest_service_in_the_background(shell, capsys):
    import json
    import urllib.request

    assert shell.execute("stop") == 2 and "nothing is being served" in capsys.readouterr().err
    assert shell.execute("serve") == 2  # no profile loaded yet
    capsys.readouterr()
    assert shell.execute("load default") == 0
    assert shell.execute("set pool.mode sha256") == 0
    assert shell.execute("serve --port 0") == 0, capsys.readouterr().err
    url = shell.service.url
    assert url.startswith("http://127.0.0.1:") and "serving default" in capsys.readouterr().out
    try:
        assert shell.execute("serve --port 0") == 2 and "already serving" in capsys.readouterr().err
        with urllib.request.urlopen(f"{url}/api/v1/random?length=4&type=uint8", timeout=30) as response:
            body = json.loads(response.read())
        assert body["success"] is True and len(body["data"]) == 4
    finally:
        assert shell.execute("stop") == 0
    assert shell.service is None and "stopped" in capsys.readouterr().out


def test_report_and_assess_are_the_oe_commands(shell, capsys, tmp_path):
    import numpy as np

    data = tmp_path / "d.bin"
    data.write_bytes(np.random.default_rng(3).integers(0, 256, 65536).astype(np.uint8).tobytes())
    assert shell.execute(f"assess --file {data} --json") == 0
    assert '"min_entropy"' in capsys.readouterr().out
    assert shell.execute(f"report --file {data} --output {tmp_path / 'r'} --format json") == 0
    assert (tmp_path / "r" / "report.json").exists()


def test_report_without_arguments_reports_on_the_loaded_profile(shell, capsys, tmp_path, write_profile):
    import json

    path = write_profile(
        "name: tiny\nsources: [{name: os_random, samples: 4096}]\nsinks: [{type: 'null'}]\n"
        f"report: {{source_bytes: 8192, pool_bytes: 65536, formats: [json], output: '{tmp_path / 'rep'}', record: false}}\n"
    )
    assert shell.execute(f"load {path}") == 0
    assert shell.execute("set report.pool_bytes 32768") == 0  # an unsaved edit is what gets reported
    assert shell.execute("report") == 0, capsys.readouterr()
    data = json.loads((tmp_path / "rep" / "report.json").read_text())
    assert [i["bytes"] for i in data["inputs"]] == [8192, 32768]
