"""Every profile field: accepted values and rejected ones, with the message a user sees."""

import pytest

from openentropy.errors import ProfileError
from openentropy.engine.loader import load_profile_text

BASE = """\
name: t
sources:
  - name: clock_jitter
"""


def load(text: str):
    return load_profile_text(text, "t.yaml")


def error_of(text: str) -> str:
    with pytest.raises(ProfileError) as info:
        load(text)
    return str(info.value)


def test_minimal_profile_gets_documented_defaults():
    p = load(BASE)
    src = p.sources[0]
    assert (src.weight, src.samples, src.deadline, src.params, src.stages) == (1.0, 4096, 0.1, {}, None)
    assert p.pool.mode == "sha256" and p.pool.os_random is True and p.pool.input_per_block == 256
    assert [s.type for s in p.sinks] == ["stdout"] and p.sinks[0].format == "auto"
    assert p.run.rounds is None and p.run.bytes is None and p.run.bytes_per_round == 65536
    assert p.conditioning == []


@pytest.mark.parametrize(
    "field, good, bad, fragment",
    [
        ("weight", "2.5", "0", "greater than 0"),
        ("weight", "1000", "-1", "greater than 0"),
        ("samples", "16", "1", "greater than or equal to 2"),
        ("samples", "100000", "many", "valid integer"),
        ("deadline", "250ms", "soon", "expected a duration"),
        ("deadline", "0.5", "0", "greater than 0"),
        ("deadline", "2 s", "700s", "less than or equal to 600"),
    ],
)
def test_source_fields(field, good, bad, fragment):
    ok = load(BASE + f"    {field}: {good}\n")
    assert getattr(ok.sources[0], field) is not None
    message = error_of(BASE + f"    {field}: {bad}\n")
    assert f"t.yaml:4:" in message and f"sources[0].{field}" in message and fragment in message


def test_deadline_units_convert_to_seconds():
    for text, seconds in [("250ms", 0.25), ("800us", 0.0008), ("1.5s", 1.5), ("2m", 120.0), ("0.1", 0.1)]:
        assert load(BASE + f"    deadline: {text}\n").sources[0].deadline == pytest.approx(seconds)


def test_unknown_source_suggests_closest_name():
    message = error_of("name: t\nsources:\n  - name: clok_jitter\n")
    assert message.startswith("t.yaml:3:11: sources[0].name: 'clok_jitter' is not a known source; did you mean 'clock_jitter'?")


def test_unknown_key_names_the_key_and_suggests():
    message = error_of(BASE + "    wieght: 2\n")
    assert "t.yaml:4:5: sources[0].wieght: unknown field 'wieght'; did you mean 'weight'?" in message
    assert "(allowed: name, weight, samples, deadline, params, stages, health)" in message


def test_source_params_are_validated_by_the_source():
    assert load(BASE + "    params: {backend: python}\n").sources[0].params == {"backend": "python"}
    message = error_of(BASE + "    params: {backend: gpu}\n")
    assert "sources[0].params.backend" in message and "'auto', 'native' or 'python'" in message
    message = error_of(BASE + "    params: {speed: 3}\n")
    assert "sources[0].params.speed" in message and "Extra inputs are not permitted" in message


def test_duplicate_sources_are_rejected():
    message = error_of(BASE + "  - name: clock_jitter\n")
    assert "t.yaml:4:11: sources[1].name: source 'clock_jitter' is listed twice" in message


def test_sources_must_not_be_empty_or_missing():
    assert "sources: required field is missing" in error_of("name: t\n")
    assert "at least 1 item" in error_of("name: t\nsources: []\n")


def test_name_is_required_and_restricted():
    assert "name: required field is missing" in error_of("sources:\n  - name: clock_jitter\n")
    assert "should match pattern" in error_of("name: 'bad name!'\nsources:\n  - name: clock_jitter\n")


def test_stages_per_source_and_pool_conditioning():
    p = load(BASE + "    stages: [{type: delta}, {type: lsb}]\nconditioning:\n  - {type: xor_fold, rounds: 2}\n  - {type: sha256, block: 128}\n")
    assert [s.type for s in p.sources[0].stages] == ["delta", "lsb"]
    assert (p.conditioning[0].rounds, p.conditioning[1].block) == (2, 128)


def test_stage_type_typo_is_one_precise_error():
    message = error_of(BASE + "conditioning:\n  - type: sha265\n")
    assert message.count("\n") == 0
    assert "t.yaml:5:11: conditioning[0].type: Input tag 'sha265'" in message and "'sha256'" in message


def test_stage_option_error_points_at_the_option():
    message = error_of(BASE + "conditioning:\n  - type: delta\n  - type: lsb\n  - type: xor_fold\n    rounds: 0\n")
    assert "t.yaml:8:13: conditioning[2].rounds: Input should be greater than or equal to 1 (got 0)" in message


def test_stage_without_type():
    assert "conditioning[0]: needs a 'type' field" in error_of(BASE + "conditioning:\n  - rounds: 2\n")


def test_pool_fields():
    p = load(BASE + "pool:\n  os_random: false\n  input_per_block: 512\n  buffer_limit: 4096\n")
    assert (p.pool.os_random, p.pool.input_per_block, p.pool.buffer_limit) == (False, 512, 4096)
    assert "pool.mode: Input should be 'sha256'" in error_of(BASE + "pool:\n  mode: xor\n")
    assert "pool.input_per_block" in error_of(BASE + "pool:\n  input_per_block: 5000\n")
    assert "pool.os_random" in error_of(BASE + "pool:\n  os_random: maybe\n")


def test_sink_fields():
    p = load(BASE + "sinks:\n  - {type: file, path: out.bin}\n  - {type: stdout, format: base64}\n  - {type: 'null'}\n")
    assert (p.sinks[0].mode, p.sinks[0].format, p.sinks[1].format, p.sinks[2].type) == ("append", "raw", "base64", "null")
    assert "sinks[0].path: required field is missing" in error_of(BASE + "sinks:\n  - {type: file}\n")
    assert "sinks[0].mode" in error_of(BASE + "sinks:\n  - {type: file, path: x, mode: overwrite}\n")
    assert "sinks[0].type: Input tag 'socket'" in error_of(BASE + "sinks:\n  - {type: socket}\n")
    assert "sinks[0].path: required field is missing" in error_of(BASE + "sinks:\n  - {type: fifo}\n")
    assert "at least 1 item" in error_of(BASE + "sinks: []\n")


def test_run_fields():
    p = load(BASE + "run:\n  rounds: 3\n  bytes: 100\n  interval: 10ms\n  bytes_per_round: 64\n")
    assert (p.run.rounds, p.run.bytes, p.run.interval, p.run.bytes_per_round) == (3, 100, 0.01, 64)
    assert "run.rounds" in error_of(BASE + "run:\n  rounds: 0\n")
    assert "run.bytes" in error_of(BASE + "run:\n  bytes: -5\n")
    assert "run.interval" in error_of(BASE + "run:\n  interval: later\n")


def test_every_issue_is_reported_at_once():
    message = error_of("name: t\nsources:\n  - name: clok_jitter\n    weight: 0\nrun:\n  rounds: 0\n")
    assert len(message.splitlines()) == 3


def test_with_run_validates_overrides():
    p = load(BASE).with_run(bytes=10, rounds=None)
    assert p.run.bytes == 10
    with pytest.raises(Exception):
        load(BASE).with_run(bytes=0)


@pytest.mark.parametrize(
    "section, good, bad, fragment",
    [
        ("sources:\n  - name: clock_jitter\n    health:", "{alpha: 1.0e-9}", "{alpha: 0.5}", "sources[0].health.alpha"),
        ("sources:\n  - name: clock_jitter\n    health:", "{min_entropy: 2.5}", "{min_entropy: 0}", "sources[0].health.min_entropy"),
        ("sources:\n  - name: clock_jitter\n    health:", "{credit_cap: 0.5}", "{credit_cap: -1}", "sources[0].health.credit_cap"),
        ("sources:\n  - name: clock_jitter\n    health:", "{backoff: 2s}", "{backoff: never}", "sources[0].health.backoff"),
        ("sources:\n  - name: clock_jitter\n    health:", "{estimate: sp800_90b}", "{estimate: guess}", "sources[0].health.estimate"),
        ("pool:", "{mode: full_entropy, timeout: 1s}", "{timeout: 0}", "pool.timeout"),
        ("pool:", "{mode: drbg, drbg: {kind: hmac_sha256}}", "{drbg: {reseed_bytes: 0}}", "pool.drbg.reseed_bytes"),
        ("pool:", "{drbg: {prediction_resistance: true}}", "{drbg: {reseed_seconds: soon}}", "pool.drbg.reseed_seconds"),
        ("run:", "{stall_timeout: 5s}", "{stall_timeout: 0}", "run.stall_timeout"),
        ("report:", "{source_bytes: 4096, pool_bytes: 8192}", "{source_bytes: 10}", "report.source_bytes"),
        ("report:", "{formats: [html, junit]}", "{formats: [pdf]}", "report.formats[0]"),
        ("report:", "{min_grade: A, min_passed: 31}", "{min_grade: Z}", "report.min_grade"),
        ("report:", "{nist: true, assess: false, record: false, output: out}", "{min_passed: 40}", "report.min_passed"),
        ("server:", "{max_bytes: 4096, timeout: 1s}", "{max_bytes: 10}", "server.max_bytes"),
        ("server:", "{api_key_env: OE_KEY, allow_raw: true}", "{api_key_env: 'not a name'}", "server.api_key_env"),
        ("server:", "{rate_limit: {requests_per_second: null, burst: 5}}", "{rate_limit: {burst: 0}}", "server.rate_limit.burst"),
        ("server:", "{cors_origins: ['http://localhost:3000']}", "{cors_origins: nope}", "server.cors_origins"),
    ],
)
def test_later_sections_fields(section, good, bad, fragment):
    head = "name: t\n" + ("" if section.startswith("sources") else "sources:\n  - name: clock_jitter\n")
    load(head + f"{section} {good}\n")
    message = error_of(head + f"{section} {bad}\n")
    assert fragment in message, message


def test_server_trusted_proxies_are_addresses_or_networks():
    base = "name: d\nsources: [{name: clock_jitter}]\nserver:\n  trusted_proxies: "
    assert load_profile_text(base + "[10.0.0.0/8, '::1']\n").server.trusted_proxies == ["10.0.0.0/8", "::1"]
    assert load_profile_text("name: d\nsources: [{name: clock_jitter}]\n").server.trusted_proxies == []
    with pytest.raises(ProfileError, match=r"<profile>:4:33: server.trusted_proxies\[1\]: 'nope' is not an IP address"):
        load_profile_text(base + "[10.0.0.0/8, nope]\n")
