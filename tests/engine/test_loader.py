"""Loading profiles: files and shipped names, extends, ${VAR} substitution, YAML errors."""

import pytest

from openentropy.engine.errors import ProfileError, ProfileNotFoundError
from openentropy.engine.loader import load_profile, load_profile_text, shipped_profiles
from openentropy.engine.yaml_marks import substitute_env


def test_shipped_profiles_load_by_name_and_by_path(repo):
    assert {"default", "paranoid", "fast"} <= set(shipped_profiles())
    for name in ("default", "paranoid", "fast"):
        by_name = load_profile(name)
        by_path = load_profile(repo / "profiles" / f"{name}.yaml")
        assert by_name == by_path and by_name.name == name


def test_shipped_profiles_open_with_explanatory_comments(repo):
    for path in (repo / "profiles").glob("*.yaml"):
        head = path.read_text().splitlines()[:3]
        assert head[0].startswith(f"# {path.stem}:"), path


def test_paranoid_mixes_no_os_randomness():
    p = load_profile("paranoid")
    assert p.pool.os_random is False and "os_random" not in [s.name for s in p.sources]


def test_unknown_profile_name_suggests():
    with pytest.raises(ProfileNotFoundError, match="no profile named 'paranoia'; did you mean 'paranoid'"):
        load_profile("paranoia")


def test_missing_file(tmp_path):
    with pytest.raises(ProfileNotFoundError, match="does not exist"):
        load_profile(tmp_path / "nope.yaml")


def test_yaml_syntax_error_is_located(write_profile):
    path = write_profile("name: t\nsources:\n  - name: [clock_jitter\n")
    with pytest.raises(ProfileError, match=r"p.yaml:\d+:\d+: invalid YAML"):
        load_profile(path)


def test_empty_and_non_mapping_documents(write_profile):
    with pytest.raises(ProfileError, match="the file is empty"):
        load_profile(write_profile(""))
    with pytest.raises(ProfileError, match="1:1: a profile must be a YAML mapping"):
        load_profile(write_profile("- a\n- b\n"))


def test_duplicate_keys_are_errors_not_silent_overrides():
    with pytest.raises(ProfileError, match=r"x.yaml:3:1: name: duplicate key 'name'"):
        load_profile_text("name: a\nsources: [{name: clock_jitter}]\nname: b\n", "x.yaml")


def test_binary_file_is_a_clear_error(tmp_path):
    path = tmp_path / "bin.yaml"
    path.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(ProfileError, match="not a text file"):
        load_profile(path)


def test_extends_merges_mappings_and_replaces_lists(write_profile):
    write_profile(
        "name: base\ndescription: parent\nsources:\n  - name: clock_jitter\n  - name: os_random\n"
        "pool:\n  os_random: false\n  input_per_block: 128\nrun:\n  rounds: 2\n",
        "base.yaml",
    )
    child = write_profile("name: child\nextends: base\nsources:\n  - name: os_random\npool:\n  input_per_block: 64\n", "child.yaml")
    p = load_profile(child)
    assert p.name == "child" and p.description == "parent"
    assert [s.name for s in p.sources] == ["os_random"]  # list replaced
    assert (p.pool.os_random, p.pool.input_per_block) == (False, 64)  # mapping merged
    assert p.run.rounds == 2


def test_extends_a_shipped_profile_by_name(write_profile):
    p = load_profile(write_profile("name: mine\nextends: paranoid\nrun:\n  bytes: 10\n"))
    assert p.pool.os_random is False and p.run.bytes == 10 and p.run.bytes_per_round == 1024


def test_extends_by_relative_path(write_profile, tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "parent.yaml").write_text("name: parent\nsources: [{name: os_random}]\n")
    p = load_profile(write_profile("name: kid\nextends: sub/parent.yaml\n"))
    assert [s.name for s in p.sources] == ["os_random"]


def test_errors_in_a_parent_point_into_the_parent_file(write_profile):
    write_profile("name: base\nsources:\n  - name: clock_jitter\n    weight: -2\n", "base.yaml")
    child = write_profile("name: child\nextends: base\n", "child.yaml")
    with pytest.raises(ProfileError) as info:
        load_profile(child)
    assert "base.yaml:4:13: sources[0].weight" in str(info.value)


def test_extends_cycle_and_missing_parent(write_profile):
    write_profile("name: a\nextends: b\nsources: [{name: os_random}]\n", "a.yaml")
    b = write_profile("name: b\nextends: a\n", "b.yaml")
    with pytest.raises(ProfileError, match="cycle"):
        load_profile(b)
    lonely = write_profile("name: c\nextends: nowhere\n", "c.yaml")
    with pytest.raises(ProfileError, match=r"c.yaml:2:10: extends: no profile named 'nowhere'"):
        load_profile(lonely)


def test_env_substitution_in_string_values(monkeypatch):
    monkeypatch.setenv("OE_TEST_DEADLINE", "300ms")
    monkeypatch.delenv("OE_TEST_UNSET", raising=False)
    p = load_profile_text(
        "name: t\nsources:\n  - name: clock_jitter\n    deadline: ${OE_TEST_DEADLINE}\n    samples: ${OE_TEST_UNSET:-64}\n"
        "sinks:\n  - {type: file, path: '/tmp/$${literal}-${OE_TEST_UNSET:-x}.bin'}\n"
    )
    assert p.sources[0].deadline == pytest.approx(0.3) and p.sources[0].samples == 64
    assert p.sinks[0].path == "/tmp/${literal}-x.bin"


def test_unset_variable_without_default_is_located(monkeypatch):
    monkeypatch.delenv("OE_NOPE", raising=False)
    with pytest.raises(ProfileError, match=r"e.yaml:4:15: sources\[0\].deadline: environment variable 'OE_NOPE' is not set"):
        load_profile_text("name: t\nsources:\n  - name: clock_jitter\n    deadline: ${OE_NOPE}\n", "e.yaml")


def test_substitute_env_rules():
    env = {"A": "1", "EMPTY": ""}
    assert substitute_env("x${A}y", env) == "x1y"
    assert substitute_env("${EMPTY:-d}", env) == "d"  # empty counts as unset with :-
    assert substitute_env("${EMPTY}", env) == ""
    assert substitute_env("$${A}", env) == "${A}"
    with pytest.raises(KeyError):
        substitute_env("${B}", env)
