"""proc_counters and process_table on fixture /proc trees (two snapshots, a and b) and
live; getrandom_timing live on both backends; the unavailable paths."""

import os
import time
from pathlib import Path

import numpy as np
import pydantic
import pytest

from openentropy.errors import SourceUnavailableError
from openentropy.sources.system import (
    GetrandomTiming,
    ProcCounters,
    ProcessTable,
    nonzero_deltas,
    read_counters,
    read_process_table,
)

FIXTURES = Path(__file__).parent / "fixtures" / "system"
PROC_A, PROC_B = str(FIXTURES / "proc_a"), str(FIXTURES / "proc_b")


def _collect(source, n, seconds):
    started = time.monotonic_ns()
    data = source.collect(n, started + int(seconds * 1e9))
    return data, (time.monotonic_ns() - started) / 1e9


def test_read_counters_takes_every_integer_of_the_files_present():
    counters = read_counters(PROC_A)
    assert sorted(counters) == ["interrupts", "schedstat", "softirqs", "vmstat"]  # no diskstats in the fixture
    assert counters["vmstat"].tolist() == [1000, 50, 123456, 7]
    assert counters["vmstat"].dtype == np.uint64


def test_counter_deltas_keep_moved_counters_and_skip_files_that_changed_shape():
    deltas = nonzero_deltas(read_counters(PROC_A), read_counters(PROC_B))
    assert deltas.dtype == np.uint64
    assert deltas.tolist() == [
        2**64 - 10, 44,  # vmstat: nr_free_pages fell by 10 (wraps), pgfault +44
        3, 1, 8, 6,  # interrupts: line 24 on both CPUs, local timer on both CPUs
        5, 412345, 77, 12,  # schedstat: timestamp, cpu0 run time, wait time, timeslices
    ]  # softirqs gained a line between a and b, so it is skipped, not misaligned


def test_process_table_parses_stat_fields_despite_odd_names():
    table = read_process_table(PROC_A)
    assert sorted(table) == [100, 200]
    # minflt cminflt majflt cmajflt utime stime cutime cstime num_threads vsize(pages) rss,
    # then schedstat's run ns, wait ns and timeslices (zeros: this fixture has no schedstat)
    assert table[100].tolist() == [500, 900, 2, 3, 40, 50, 60, 70, 3, 41197568 // os.sysconf("SC_PAGE_SIZE"), 3357,
                                   0, 0, 0]
    assert table[200].tolist()[0] == 7  # comm "odd ) name)" holds spaces and parentheses
    assert sorted(read_process_table(PROC_A, skip_pid=200)) == [100]


def test_process_table_reads_schedstat_when_present(tmp_path):
    proc = tmp_path / "proc"
    (proc / "42").mkdir(parents=True)
    (proc / "42" / "stat").write_text("42 (k) S " + " ".join(["0"] * 49) + "\n")
    (proc / "42" / "schedstat").write_text("123456789 4242 17\n")
    assert read_process_table(str(proc))[42].tolist()[-3:] == [123456789, 4242, 17]


def test_process_deltas_cover_processes_in_both_passes_only():
    page = os.sysconf("SC_PAGE_SIZE")
    deltas = nonzero_deltas(read_process_table(PROC_A), read_process_table(PROC_B))
    assert deltas.tolist() == [12, 1, 1, 8192 // page, 3]  # pid 100; 200 exited, 300 is new


def test_proc_counters_live():
    data, elapsed = _collect(ProcCounters(), 5000, 0.3)
    assert data.dtype == np.uint64 and 0 < len(data) <= 5000 and elapsed < 0.3 + 0.2
    assert len(np.unique(data)) > 1 and (data != 0).all()


def test_a_static_tree_yields_no_samples_rather_than_fake_ones():
    data, elapsed = _collect(ProcCounters(ProcCounters.Params(proc_root=PROC_A)), 100, 0.05)
    assert data.dtype == np.uint64 and len(data) == 0 and elapsed < 0.05 + 0.2


def test_process_table_live_with_a_busy_child(busy_process):
    data, elapsed = _collect(ProcessTable(), 2000, 0.5)
    assert data.dtype == np.uint64 and 0 < len(data) <= 2000 and elapsed < 0.5 + 0.2
    assert len(np.unique(data)) > 1


def test_process_table_counts_the_processes_it_watches():
    notes = ProcessTable().runtime_notes()
    others = sum(entry.isdigit() for entry in os.listdir("/proc")) - 1
    assert abs(int(notes["other processes"]) - others) <= 5  # processes come and go meanwhile
    assert ProcessTable.info.activity_driven


@pytest.mark.parametrize("cls", [ProcCounters, ProcessTable])
def test_missing_proc_root_is_unavailable(tmp_path, cls):
    source = cls(cls.Params(proc_root=str(tmp_path)))
    reason = source.available().reason
    if cls is ProcCounters:
        assert reason == f"none of vmstat, interrupts, softirqs, diskstats, schedstat is readable under {tmp_path}"
    else:
        assert reason == f"no process directories under {tmp_path}"
    with pytest.raises(SourceUnavailableError, match=str(tmp_path)):
        source.collect(10, time.monotonic_ns() + 10**9)
    missing = cls(cls.Params(proc_root=str(tmp_path / "nope")))
    assert not missing.available()


@pytest.mark.parametrize("backend", ["native", "python"])
def test_getrandom_timing_live(backend):
    source = GetrandomTiming(GetrandomTiming.Params(backend=backend, size=32))
    assert source.available()
    data, elapsed = _collect(source, 20000, 1.0)
    assert data.dtype == np.uint64 and len(data) == 20000 and elapsed < 1.2
    assert (data > 0).all() and len(np.unique(data)) > 10


@pytest.mark.parametrize("backend", ["native", "python"])
def test_getrandom_timing_stops_at_its_deadline(backend):
    data, elapsed = _collect(GetrandomTiming(GetrandomTiming.Params(backend=backend)), 10**8, 0.02)
    assert 0 < len(data) < 10**8 and elapsed < 0.02 + 0.2


def test_getrandom_size_is_bounded():
    with pytest.raises(pydantic.ValidationError):
        GetrandomTiming.Params(size=257)
