"""Completion: everything offered comes from the command table, the registry and the schema."""

import pytest
from prompt_toolkit.completion import CompleteEvent
from prompt_toolkit.document import Document

from openentropy.engine.loader import load_profile
from openentropy.engine.loader import shipped_profiles
from openentropy.pipelines.sinks import SINK_TYPES
from openentropy.pipelines.stages import STAGE_TYPES
from openentropy.shell.commands import COMMANDS
from openentropy.shell.completion import ShellCompleter
from openentropy.shell.repl import Shell
from openentropy.sources.registry import source_names


@pytest.fixture
def shell():
    s = Shell()
    yield s
    s.session.close()


def complete(shell, text: str) -> list[str]:
    completer = ShellCompleter(shell)
    return [c.text for c in completer.get_completions(Document(text), CompleteEvent(completion_requested=True))]


def test_command_names(shell):
    assert complete(shell, "") == sorted(COMMANDS)
    assert complete(shell, "s") == sorted(name for name in COMMANDS if name.startswith("s"))
    assert complete(shell, "help pr") == ["probe"]


def test_profiles_and_files(shell, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mine.yaml").write_text("name: m\n")
    (tmp_path / "notes.txt").write_text("")
    (tmp_path / "dir").mkdir()
    assert complete(shell, "load ") == sorted([*shipped_profiles(), "dir/", "mine.yaml"])
    assert complete(shell, "load pa") == ["paranoid"]
    assert complete(shell, "save n") == ["notes.txt"]
    assert complete(shell, f"load {tmp_path}/m") == [f"{tmp_path}/mine.yaml"]


def test_sources(shell):
    assert complete(shell, "probe ") == source_names()
    assert complete(shell, "probe clock") == ["clock_jitter"]
    assert complete(shell, "probe clock_jitter ") == []  # its one argument is given
    assert complete(shell, "bench os_random ") == source_names()  # SOURCES... takes many
    shell.execute("load default")
    assert complete(shell, "add ") == ["source"]
    assert "clock_jitter" not in complete(shell, "add source ") and "disk_io" in complete(shell, "add source ")
    assert complete(shell, "remove source ") == sorted(s.name for s in load_profile("default").sources)


def test_options_and_option_values(shell):
    assert complete(shell, "run --") == ["--bytes", "--help", "--json", "--rounds"]
    assert complete(shell, "bytes 16 --") == ["--base64", "--help", "--hex"]
    assert complete(shell, "bench --rank-by ") == ["balanced", "min_entropy", "throughput"]
    assert complete(shell, "bench --rounds 3 cl") == ["clock_jitter"]


def test_field_paths_follow_the_loaded_profile(shell):
    before = complete(shell, "set ")
    assert "pool.mode" in before and "run.bytes" in before and not any(p.startswith("sources.") for p in before)
    shell.execute("load default")
    paths = complete(shell, "set sources.clock_jitter.")
    assert "sources.clock_jitter.weight" in paths and "sources.clock_jitter.health.alpha" in paths
    assert "sources.clock_jitter.params.backend" in paths  # from the source's own Params
    assert complete(shell, "show sinks.0.") == ["sinks.0.format", "sinks.0.type"]
    assert complete(shell, "unset pool.drbg.k") == ["pool.drbg.kind"]


def test_values_of_enumerated_fields(shell):
    shell.execute("load default")
    assert complete(shell, "set pool.mode ") == ["drbg", "full_entropy", "sha256"]
    assert complete(shell, "set pool.os_random ") == ["false", "true"]
    assert complete(shell, "set sources.clock_jitter.params.backend n") == ["native"]
    # every sink type, quoted where YAML would read the bare word as something else
    assert complete(shell, "set sinks.0.type ") == sorted(t if t != "null" else "'null'" for t in SINK_TYPES)
    shell.execute("set conditioning.0 {type: lsb}")
    assert complete(shell, "set conditioning.0.type ") == sorted(STAGE_TYPES)
    assert complete(shell, "set run.bytes ") == []
