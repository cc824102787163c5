"""Recorded sessions: Harvest.observe, the writer's folder, and load_session reading it back."""

import json

import numpy as np
import pytest

import openentropy
from openentropy.engine import Harvest, load_profile_text
from openentropy.engine.recorded_session import SessionError, find_sessions, summarize
from openentropy.pipelines.recording import SessionWriter, recording

PROFILE = """
name: rec
sources:
  - {name: 'oe_test_sources:UniformSource', samples: 512}
  - {name: clock_jitter, samples: 1024}
  - {name: 'oe_test_sources:FailingSource'}
sinks: [{type: "null"}]
run: {rounds: 5, bytes_per_round: 64}
"""

UNIFORM, CLOCK, FAILING = "oe_test_sources:UniformSource", "clock_jitter", "oe_test_sources:FailingSource"


@pytest.fixture
def profile():
    return load_profile_text(PROFILE)


def test_observe_hands_each_round_raw_samples_and_mixed_bytes(profile):
    seen = []
    with Harvest(profile) as harvest:
        stop = harvest.observe(lambda result, data: seen.append((result, data)))
        harvest.run_round(0, 32)
        harvest.run_round(1, 32)
        stop()
        stop()  # twice is harmless
        harvest.run_round(2, 32)
    assert [r.index for r, _ in seen] == [0, 1]
    result, data = seen[1]
    by_name = {d.name: d for d in data}
    assert [d.name for d in data] == [s.name for s in result.sources] == [UNIFORM, CLOCK, FAILING]
    assert by_name[UNIFORM].raw.dtype == np.uint8 and len(by_name[UNIFORM].raw) == 512
    assert by_name[CLOCK].raw.dtype == np.uint64 and len(by_name[CLOCK].raw) == 1024
    assert by_name[FAILING].raw is None and by_name[FAILING].conditioned == b""
    assert by_name[FAILING].status.value == "failed"
    for source in result.sources:  # the bytes handed over are the bytes the round says it mixed
        assert len(by_name[source.name].conditioned) == source.bytes
        assert by_name[source.name].credited_bits == source.credited_bits


def record(profile, root, rounds=5, chunk_seconds=0.0, **kwargs):
    with Harvest(profile) as harvest:
        with recording(harvest, root, chunk_seconds=chunk_seconds, **kwargs) as writer:
            for _ in harvest.rounds():
                pass
    return writer.folder


def test_a_session_loads_back_with_shapes_dtypes_and_counts_of_its_index(profile, tmp_path):
    folder = record(profile, tmp_path, tags={"room": "lab"}, note="fan on")
    session = openentropy.load_session(folder)
    assert session.sources == [UNIFORM, CLOCK, FAILING]
    assert len(session.chunks) == 5  # chunk_seconds=0: one round per chunk
    rounds = session.rounds
    assert list(rounds["round"]) == [0, 1, 2, 3, 4] and np.all(np.diff(rounds["time_ns"]) >= 0)
    assert rounds["bytes_out"].dtype == np.int64 and rounds["duration_s"].dtype == np.float64

    raw, per_round = session.raw(CLOCK), session.per_round(CLOCK)
    assert raw.dtype == np.uint64 and raw.shape == (5 * 1024,) and list(per_round["raw_count"]) == [1024] * 5
    assert session.raw(UNIFORM).dtype == np.uint8 and len(session.raw(UNIFORM)) == 5 * 512
    assert len(session.conditioned(CLOCK)) == per_round["conditioned_count"].sum() > 0
    assert session.conditioned(CLOCK).dtype == np.uint8
    assert len(session.raw(FAILING)) == 0 and set(session.per_round(FAILING)["status"]) == {"failed"}

    written = [json.loads(line) for line in (folder / "index.jsonl").read_text().splitlines()]
    assert written == [{**entry, "sources": {name: {**counts, "credited_bits": written[i]["sources"][name]["credited_bits"]}
                                             for name, counts in entry["sources"].items()}}
                       for i, entry in enumerate(session.index)]
    assert sum(e["sources"][CLOCK]["raw"] for e in written) == len(raw)
    assert sum(e["sources"][CLOCK]["credited_bits"] for e in written) == pytest.approx(per_round["credited_bits"].sum())

    meta = session.meta
    assert meta["tags"] == {"room": "lab"} and meta["note"] == "fan on" and meta["stopped_by"] == "completed"
    assert meta["profile"]["name"] == "rec" and meta["rounds"] == 5 and meta["chunks"] == 5
    assert meta["ended"] and meta["ended_ns"] >= meta["started_ns"]
    assert set(meta["machine"]) >= {"hostname", "platform", "cpu"}
    assert meta["versions"]["openentropy"] == openentropy.__version__ and meta["versions"]["numpy"] == np.__version__
    assert meta["totals"][CLOCK]["raw_samples"] == len(raw)
    assert meta["health"][CLOCK]["final"]["state"] in ("startup", "healthy")
    first = meta["health"][FAILING]["events"][0]
    assert first["from"] is None and first["to"] == "startup" and "sensor on fire" in first["error"]


def test_the_loader_needs_only_the_chunks(profile, tmp_path):
    """After a crash: a torn index line, a chunk the index misses, a temporary chunk and
    a meta.json that never got its end; every complete chunk still loads."""
    folder = record(profile, tmp_path)
    lines = (folder / "index.jsonl").read_text().splitlines()
    (folder / "index.jsonl").write_text("\n".join(lines[:3]) + "\n" + lines[3][:20])  # chunk 4 missing, 3 torn
    (folder / "chunks" / ".000005.npz.tmp").write_bytes(b"PK\x03\x04 half a chunk")
    meta = json.loads((folder / "meta.json").read_text())
    (folder / "meta.json").write_text(json.dumps({**meta, "ended": None, "ended_ns": None}))
    session = openentropy.load_session(folder)
    assert [e["chunk"] for e in session.index] == [f"00000{i}.npz" for i in range(5)]
    assert len(session.raw(CLOCK)) == 5 * 1024
    listed = summarize(folder)
    assert listed["rounds"] == 3 and listed["chunks"] == 5 and not listed["ended"]  # the index counts what it has

    (folder / "meta.json").unlink()  # even without metadata: sources from the chunks
    assert openentropy.load_session(folder).sources == [UNIFORM, CLOCK, FAILING]


def test_chunks_gather_rounds_until_their_time_is_up(profile, tmp_path):
    folder = record(profile, tmp_path, chunk_seconds=3600)
    session = openentropy.load_session(folder)
    assert len(session.chunks) == 1 and session.index[0]["rounds"] == 5  # the last chunk is written at close


def test_errors_name_the_problem(profile, tmp_path):
    folder = record(profile, tmp_path, rounds=1)
    with pytest.raises(SessionError, match=r"no source 'clok_jitter'; did you mean 'clock_jitter'"):
        openentropy.load_session(folder).raw("clok_jitter")
    with pytest.raises(SessionError, match="is not a recorded session"):
        openentropy.load_session(tmp_path)
    assert find_sessions(tmp_path) == [folder] and find_sessions(folder) == [folder]


def test_rounds_after_close_are_ignored_and_close_is_idempotent(profile, tmp_path):
    with Harvest(profile) as harvest:
        writer = SessionWriter(tmp_path, profile, chunk_seconds=3600)
        harvest.observe(writer.add_round)
        harvest.run_round(0, 0)
        assert writer.close(harvest.health(), "stopped") == writer.folder
        harvest.run_round(1, 0)
        writer.close()
    session = openentropy.load_session(writer.folder)
    assert list(session.rounds["round"]) == [0] and session.meta["stopped_by"] == "stopped"


def test_a_profile_record_sink_records_every_run(tmp_path):
    profile = load_profile_text(PROFILE.replace('sinks: [{type: "null"}]',
                                                f"sinks: [{{type: record, folder: '{tmp_path}', tags: {{k: v}}, "
                                                "chunk_seconds: 3600}]"))
    with Harvest(profile) as harvest:
        for _ in harvest.rounds():
            pass
    assert harvest.bytes_delivered() == 5 * 64  # the output is counted, as a null sink does
    (folder,) = find_sessions(tmp_path)
    session = openentropy.load_session(folder)
    assert list(session.rounds["round"]) == [0, 1, 2, 3, 4] and len(session.raw(CLOCK)) == 5 * 1024
    assert session.meta["tags"] == {"k": "v"} and session.meta["stopped_by"] == "closed"
    assert session.meta["profile"]["sinks"][0]["type"] == "record"


def test_a_record_sink_that_cannot_start_leaves_no_sink_open(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    profile = load_profile_text(PROFILE.replace('sinks: [{type: "null"}]', f"sinks: [{{type: record, folder: '{blocker}'}}]"))
    harvest = Harvest(profile)
    with pytest.raises(openentropy.OpenEntropyError, match="cannot create a session folder"):
        harvest.open_sinks()
    assert harvest.close() == []
