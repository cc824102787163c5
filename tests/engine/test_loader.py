"""Loading profiles: files and shipped names, extends, ${VAR} substitution, YAML errors."""

import pytest

from openentropy.errors import ProfileError, ProfileNotFoundError
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


_LAUGHS = 'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n' + "".join(
    f"{cur}: &{cur} [{', '.join(['*' + prev] * 9)}]\n" for prev, cur in zip("abcdefghi", "bcdefghij")
)
_ALIAS_CHAIN = "a0: &a0 [x]\n" + "".join(f"a{i}: &a{i} [*a{i - 1}]\n" for i in range(1, 40))
_KEY_CHAIN = "? &k0 {k: 1}\n: 0\n" + "".join(f"? &k{i} {{<<: *k{i - 1}}}\n: {i}\n" for i in range(1, 40))
#: 2,600 mappings merged one into the next, hidden in a key (which the walker never
#: enters), so PyYAML's recursive flatten_mapping meets them all at once
_MERGE_CHAIN = "name: t\n? [&z0 {k: 1}" + "".join(f", &z{i} {{<<: *z{i - 1}}}" for i in range(1, 2600)) + (
    "]\n: 0\nrun: {<<: *z2599}\n")


@pytest.mark.parametrize(
    "text, where",
    [
        (_LAUGHS, r"h.yaml:1:\d+: [a-j][\[\]\d]*: more than 10,000 values, each alias \(\*name\) counting"),
        ("name: t\nsources: &a [*a]\n", r"h.yaml:2:10: sources\[0\]: an alias here names a node that contains it"),
        ("name: t\nsources: &a {x: *a}\n", r"h.yaml:2:10: sources.x: an alias here names a node that contains it"),
        ("sources: " + "[" * 5000 + "]" * 5000, r"h.yaml:1:42: invalid YAML: nested deeper than 32 levels"),
        ("sources:\n" + "- " * 5000 + "x\n", r"h.yaml:2:63: invalid YAML: nested deeper than 32 levels"),
        (_ALIAS_CHAIN, r"h.yaml:1:10: a31(\[0\]){32}: nested deeper than 32 levels through aliases"),
        ("name: t\nsources: !!python/name:os.system\n",
         r"h.yaml:2:10: sources: invalid YAML: could not determine a constructor for the tag .*python/name"),
        ("name: t\nsources:\n  - samples: " + "1" * 5000,
         r"h.yaml:3:14: sources\[0\].samples: an integer of 5,000 digits is too long \(Python reads at most 4,300\)"),
        ("name: !!binary xyz\n", r"h.yaml:1:7: name: invalid YAML: failed to decode base64 data"),
        ("name: !!timestamp 2020-13-45\n", r"h.yaml:1:7: name: cannot read '2020-13-45' as timestamp: month must be"),
        ("name: t\n? !!python/object:os.system x\n: 1\n", r"h.yaml:2:3: invalid YAML: could not determine a constructor"),
        ("name: t\nrun: {<<: 1}\n", r"h.yaml:2:6: run: invalid YAML: expected a mapping or list of mappings"),
        ("name: t\n? &k [*k]\n: 1\n", r"h.yaml:2:3: mapping keys must be plain scalars, not list"),
        (_KEY_CHAIN + "run: {<<: *k39}\n" + "x: " + "[" * 40, r"invalid YAML: nested deeper than 32 levels"),
        (_MERGE_CHAIN, r"h.yaml:4:6: run: merge keys \(<<\) nested too deeply"),
        ("name: t\ndescription: bell \x07 here\n", r"h.yaml:2:19: invalid YAML: character #x0007: special characters"),
        ("name: t\n" + "# a long comment\n" * 5000, r"h.yaml:3856:\d+: a profile is at most 64 KiB; this one goes on"),
    ],
    ids=["alias-bomb", "self-alias-list", "self-alias-map", "deep-flow", "deep-block", "deep-through-aliases",
         "python-tag", "long-integer", "bad-binary", "bad-timestamp", "tagged-key", "bad-merge", "recursive-key",
         "merge-chain-in-keys", "merge-chain-too-deep", "control-character", "too-long"],
)
def test_hostile_yaml_is_a_located_profile_error(text, where):
    with pytest.raises(ProfileError, match=where) as info:
        load_profile_text(text, "h.yaml")
    assert len(str(info.value)) < 2000


def test_reading_stops_after_a_screenful_of_problems():
    with pytest.raises(ProfileError) as info:
        load_profile_text("name: t\n" + "? [a]\n: 1\n" * 1000, "k.yaml")
    lines = str(info.value).splitlines()
    assert len(lines) == 21 and lines[-1] == "k.yaml:40:3: 20 problems; stopped reading here"


def test_values_shown_in_messages_are_shortened():
    with pytest.raises(ProfileError) as info:
        load_profile_text("name: t\nsources:\n  - name: os_random\n    samples: " + "1" * 4000 + "\n", "s.yaml")
    message = str(info.value)
    assert message.startswith("s.yaml:4:14: sources[0].samples: Input should be less than or equal to")
    assert message.endswith("...1111111111 (4,000 characters))") and len(message) < 200


def test_a_huge_file_is_refused_without_reading_it_all(tmp_path):
    path = tmp_path / "huge.yaml"
    with open(path, "wb") as handle:
        handle.write(b"name: t\n")
        handle.truncate(1 << 30)  # a sparse GiB of NUL bytes
    with pytest.raises(ProfileError, match="a profile is at most 64 KiB"):
        load_profile(path)


def test_aliases_and_merge_keys_within_the_limits_still_load(write_profile):
    p = load_profile(write_profile(
        "name: t\nsources:\n  - {name: os_random, samples: &n 1024}\n  - {name: clock_jitter, samples: *n}\n"
        "run: {<<: {rounds: 2}, bytes: 10}\n"
    ))
    assert [(s.name, s.samples) for s in p.sources] == [("os_random", 1024), ("clock_jitter", 1024)]
    assert (p.run.rounds, p.run.bytes) == (2, 10)


def test_a_merged_key_is_overridden_by_the_mappings_own():
    text = (
        "name: m\nsources:\n  - &s {name: clock_jitter, weight: 2, samples: 1024}\n"
        "  - {<<: *s, name: os_random, weight: 3}\n"
    )
    profile = load_profile_text(text)
    assert [(s.name, s.weight, s.samples) for s in profile.sources] == [("clock_jitter", 2, 1024), ("os_random", 3, 1024)]
    with pytest.raises(ProfileError, match=r"<profile>:2:43: sources\[0\].weight: duplicate key 'weight'"):
        load_profile_text("name: m\nsources: [{name: clock_jitter, weight: 1, weight: 2}]\n")
