"""Harvesting on a dask.distributed cluster of separate processes on loopback.

The module's cluster is a ``dask scheduler`` and two ``dask worker`` processes (no nanny,
so a worker's pid is the process we started and can stop or kill), started here and
stopped at the end. Every wait is bounded.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from openentropy.engine.cluster import ClusterRounds, remote_name
from openentropy.engine.loader import load_profile_text
from openentropy.engine.outcome import CollectOutcome, Status
from openentropy.engine.pool import EntropyPool
from openentropy.engine.remote import RemoteSource, WorkerReport
from openentropy.engine.runner import Harvest
from openentropy.engine.status import SourceHealth
from openentropy.errors import ClusterError, ProfileError

pytest.importorskip("distributed")  # a dev dependency: installed by `pip install -e '.[dev]'`

SUPPORT = Path(__file__).resolve().parents[1] / "support"
HOST = socket.gethostname()
START_TIMEOUT_S = 90  # python + dask start-up on a loaded 2-core machine


def _wait_for(predicate, timeout_s: float, what: str):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout_s} s waiting for {what}")


class LoopbackCluster:
    """A scheduler and workers as child processes; ``stop()`` ends every one."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.scheduler_file = folder / "scheduler.json"
        self.env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(SUPPORT), os.environ.get("PYTHONPATH", "")])}
        self.processes: list[subprocess.Popen] = []
        self.scheduler = self._spawn("scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                                     "--scheduler-file", str(self.scheduler_file))
        _wait_for(self.scheduler_file.exists, START_TIMEOUT_S, "the scheduler file")
        self.address = _wait_for(self._address, START_TIMEOUT_S, "the scheduler address")
        from distributed import Client

        self.client = Client(self.address, set_as_default=False, timeout=START_TIMEOUT_S)
        self.workers: list[subprocess.Popen] = []

    def _address(self) -> str | None:
        try:
            return json.loads(self.scheduler_file.read_text())["address"]
        except (ValueError, KeyError):
            return None

    def _spawn(self, *args: str) -> subprocess.Popen:
        with open(self.folder / f"{args[0]}-{len(self.processes)}.log", "wb") as log:  # the child keeps its copy
            process = subprocess.Popen([sys.executable, "-m", "dask", *args], env=self.env, stdout=log,
                                       stderr=subprocess.STDOUT, start_new_session=True)
        self.processes.append(process)
        return process

    def start_worker(self) -> subprocess.Popen:
        before = len(self.client.nthreads())
        worker = self._spawn("worker", self.address, "--host", "127.0.0.1", "--nthreads", "2", "--no-nanny",
                             "--no-dashboard")
        self.workers.append(worker)
        _wait_for(lambda: len(self.client.nthreads()) > before, START_TIMEOUT_S, "a worker to join")
        return worker

    def live_workers(self) -> list[subprocess.Popen]:
        return [w for w in self.workers if w.poll() is None]

    def stop(self) -> None:
        self.client.close(timeout=5)
        for process in reversed(self.processes):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
        for process in self.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cluster")
    running = LoopbackCluster(folder)
    try:
        running.start_worker()
        running.start_worker()
        yield running
    finally:
        running.stop()


def cluster_profile(address: str, placement: str = "each_worker", mode: str = "sha256", extra: str = "") -> str:
    return f"""
name: cluster-test
sources:
  - {{name: clock_jitter, samples: 2048, deadline: 250ms}}
  - {{name: "oe_test_sources:UniformSource", samples: 2048, deadline: 250ms}}
{extra}
pool: {{mode: {mode}, os_random: false}}
sinks: [{{type: "null"}}]
run: {{bytes_per_round: 64}}
engine: {{scheduler: "{address}", placement: {placement}, network_slack: 1s, connect_timeout: 90s}}
"""


def names_for(worker: subprocess.Popen, *sources: str) -> set[str]:
    return {remote_name(source, f"{HOST}:{worker.pid}") for source in sources}


SOURCES = ("clock_jitter", "oe_test_sources:UniformSource")


def test_each_worker_harvests_its_own_noise_into_one_pool(cluster):
    profile = load_profile_text(cluster_profile(cluster.address), file="cluster.yaml")
    with Harvest(profile) as harvest:
        results = [harvest.run_round(index, 64) for index in range(4)]
        status = harvest.status()
        ledger = harvest.ledger()
    expected = set().union(*(names_for(worker, *SOURCES) for worker in cluster.live_workers()))
    assert {s.name for s in status.sources} == expected
    assert {s.name for s in results[-1].sources} == expected
    assert all(s.status is Status.OK for s in results[-1].sources)
    jitter = [s for s in status.sources if s.name.startswith("clock_jitter@")]
    assert len(jitter) == 2 and all(s.credited_bits > 0 and s.health == "healthy" for s in jitter)
    assert all(r.bytes_out == 64 for r in results)
    assert ledger.balanced


def test_local_placement_runs_each_source_once_on_some_worker(cluster):
    profile = load_profile_text(cluster_profile(cluster.address, placement="local"), file="cluster.yaml")
    with Harvest(profile) as harvest:
        result = harvest.run_round(0, 64)
    names = [s.name for s in result.sources]
    assert len(names) == 2
    workers = {name.split("@")[1] for name in names}
    assert workers == {f"{HOST}:{w.pid}" for w in cluster.live_workers()}  # spread over both, in turn


def test_health_tests_run_on_the_worker_and_a_stuck_source_earns_nothing(cluster):
    stuck = '  - {name: "oe_test_sources:StuckTimerSource", samples: 2048, deadline: 250ms}'
    profile = load_profile_text(cluster_profile(cluster.address, extra=stuck), file="cluster.yaml")
    with Harvest(profile) as harvest:
        for index in range(3):
            harvest.run_round(index, 64)
        status = harvest.status()
        health = harvest.health()
    stuck_rows = [s for s in status.sources if s.name.startswith("oe_test_sources:StuckTimerSource@")]
    assert len(stuck_rows) == 2
    assert all(s.credited_bits == 0 and s.health == "quarantined" and s.health_failures >= 1 for s in stuck_rows)
    assert all(health[s.name].state == "quarantined" for s in stuck_rows)


def test_a_stalled_then_killed_worker_does_not_stop_the_rounds_and_a_new_worker_joins(cluster):
    profile = load_profile_text(cluster_profile(cluster.address), file="cluster.yaml")
    survivor, victim = cluster.live_workers()[:2]
    with Harvest(profile) as harvest:
        for index in range(2):
            harvest.run_round(index, 64)
        os.kill(victim.pid, signal.SIGSTOP)  # stalled: the round waits its deadline + slack, no longer
        stalled = harvest.run_round(2, 64)
        late = {s.name: s for s in stalled.sources if s.name in names_for(victim, *SOURCES)}
        assert late and all(s.status is Status.LATE for s in late.values())
        assert stalled.duration_s < 0.25 + 1.0 + 2.0  # deadline + slack + a loaded machine's margin
        assert all(s.status is Status.OK for s in stalled.sources if s.name in names_for(survivor, *SOURCES)), \
            [(s.name, s.status, s.error) for s in stalled.sources]

        os.kill(victim.pid, signal.SIGKILL)
        victim.wait(timeout=10)
        after = [harvest.run_round(index, 64) for index in range(3, 6)]
        assert all(r.bytes_out == 64 for r in after)
        assert all(s.status is Status.OK for s in after[-1].sources if s.name in names_for(survivor, *SOURCES))
        credited_before = {s.name: s.credited_bits for s in harvest.status().sources}

        newcomer = cluster.start_worker()  # greeted, then in the rounds after it answers
        joined, index, give_up = [], 6, time.monotonic() + START_TIMEOUT_S  # its first import can be slow
        while time.monotonic() < give_up:
            joined.append(harvest.run_round(index, 64))
            index += 1
            if names_for(newcomer, *SOURCES) <= {s.name for s in joined[-1].sources if s.ok}:
                break
        assert names_for(newcomer, *SOURCES) <= {s.name for s in joined[-1].sources if s.ok}, [(s.name, s.status, s.error) for s in joined[-1].sources]
        final = harvest.status()
    assert {s.name for s in final.sources} >= names_for(newcomer, *SOURCES)
    for name in names_for(victim, *SOURCES):  # the dead worker's credit stays what it had earned
        assert next(s for s in final.sources if s.name == name).credited_bits == credited_before[name]


# --- without a cluster -----------------------------------------------------------------


class _Answered:
    """A finished future (what identify() returns on a worker)."""

    def __init__(self, value):
        self.value = value

    def done(self):
        return True

    def result(self, timeout=None):
        return self.value


class _OneWorkerClient:
    """Stands in for a distributed.Client with one worker, where no round is run."""

    def __init__(self, workers=("tcp://a:1",)):
        self.workers = workers

    def nthreads(self):
        return {worker: 2 for worker in self.workers}

    def submit(self, function, *args, **kwargs):
        return _Answered(("box:1", "a" * 16))


def _rounds(placement: str = "each_worker", client=None, timeout: str = "90s") -> ClusterRounds:
    text = cluster_profile("tcp://127.0.0.1:9", placement=placement).replace("connect_timeout: 90s",
                                                                             f"connect_timeout: {timeout}")
    profile = load_profile_text(text, file="c.yaml")
    return ClusterRounds(profile, EntropyPool(mode="sha256", os_random=False), client=client or _OneWorkerClient())


def test_a_cluster_without_workers_is_a_clear_error():
    with pytest.raises(ClusterError, match=r"has no workers after 0.5 s; start one with: dask worker tcp://"):
        _rounds(client=_OneWorkerClient(workers=()), timeout="500ms")


def _report(sequence: int, incarnation: str = "a" * 16, credit: float = 150.0) -> WorkerReport:
    outcome = CollectOutcome("clock_jitter", Status.OK, None, 0.01, samples=2048, health="healthy", credit_bits=credit)
    source = RemoteSource(outcome, bytes(range(200)), sequence, SourceHealth("clock_jitter", "healthy", 0, "", 1.0))
    return WorkerReport("box:1", incarnation, 0, (source,))


def test_a_report_is_credited_once_and_a_replay_is_refused():
    rounds = _rounds()
    report = _report(1)
    first = rounds.accept(report, report.sources[0])
    replay = rounds.accept(report, report.sources[0])
    assert first.credited_bits == 150.0 and first.bytes == 200
    assert replay.status is Status.FAILED and replay.credited_bits == 0 and "already accepted" in replay.error
    older = _report(1)  # the same sequence again, as a forged copy would carry
    assert rounds.accept(older, older.sources[0]).credited_bits == 0
    assert rounds.pool.ledger().credited_in == 150.0
    restarted = _report(1, incarnation="b" * 16)  # a new worker process: its own sequence
    assert rounds.accept(restarted, restarted.sources[0]).credited_bits == 150.0


def test_a_worker_claiming_more_credit_than_the_policy_allows_is_held_to_it():
    rounds = _rounds()
    spec = rounds.profile.sources[0]  # clock_jitter, 2048 samples asked for
    liar = _report(1, credit=1e9)
    fed = rounds.accept(liar, liar.sources[0])
    bound = spec.source_class.declared_min_entropy * spec.samples
    assert fed.credited_bits == pytest.approx(min(bound, 8 * 200))
    assert rounds.pool.ledger().credited_in == pytest.approx(min(bound, 8 * 200))


def test_local_placement_spreads_sources_in_turn_and_rehomes_when_a_worker_leaves():
    rounds = _rounds("local")
    placed = rounds.placement(["tcp://a:1", "tcp://b:1"])
    assert {w: [s.name for s in specs] for w, specs in placed.items()} == {
        "tcp://a:1": ["clock_jitter"], "tcp://b:1": ["oe_test_sources:UniformSource"]}
    again = rounds.placement(["tcp://b:1", "tcp://c:1"])  # a left: its source moves to idle c, b's stays
    assert {w: [s.name for s in specs] for w, specs in again.items()} == {
        "tcp://b:1": ["oe_test_sources:UniformSource"], "tcp://c:1": ["clock_jitter"]}
    assert rounds.placement([]) == {}


def test_an_unreachable_scheduler_is_a_clear_error_at_once():
    profile = load_profile_text(cluster_profile("tcp://127.0.0.1:1"), file="c.yaml")
    started = time.monotonic()
    with pytest.raises(ClusterError, match="cannot reach the dask scheduler at tcp://127.0.0.1:1"):
        Harvest(profile)
    assert time.monotonic() - started < 5


def test_a_bad_scheduler_address_is_a_profile_error():
    with pytest.raises(ProfileError, match="engine.scheduler: .*neither 'threads' nor a dask scheduler address"):
        load_profile_text(cluster_profile("localhost:8786"), file="c.yaml")


def test_oe_run_reports_an_unreachable_scheduler_and_a_bad_address(tmp_path):
    oe = [sys.executable, "-m", "openentropy.shell.cli"]
    down = subprocess.run([*oe, "run", "default", "--rounds", "1", "--scheduler", "tcp://127.0.0.1:1"],
                          capture_output=True, text=True, timeout=120)
    assert down.returncode == 1
    assert down.stderr.strip() == "oe: error: cannot reach the dask scheduler at tcp://127.0.0.1:1: Connection refused"
    bad = subprocess.run([*oe, "run", "default", "--rounds", "1", "--scheduler", "nowhere"],
                         capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and "engine.scheduler" in bad.stderr and "Traceback" not in bad.stderr
