"""Scheduling sources: how long the kernel's scheduler and timers take to do small things.

Five sources, each a native loop in ``_native/scheduling.c`` (one C call per batch):

    sleep_jitter        elapsed ns of a real short sleep (default 50 us)       ~9k samples/s
    timer_coalescing    lateness (ns) of absolute-deadline wake-ups             ~10k samples/s
    thread_lifecycle    ticks of pthread_create + pthread_join                  15k-45k samples/s
    sched_yield_timing  ticks of one sched_yield()                              0.7M-2.5M samples/s
    pe_core_arithmetic  ticks of a fixed dependent arithmetic chain             80k-200k samples/s

(rates measured on a shared 2-vCPU Xeon VM, which is why they are ranges; the sleeping
sources are bounded by their sleep plus the 50 us default timer slack.)
Samples are durations, not timestamps: "ticks" are ``oe_ticks()`` units (the TSC on
x86, ns elsewhere); the sleeping sources use CLOCK_MONOTONIC ns so that a sample can
be compared with the requested sleep. The default stages still take deltas first
(``TIMING_STAGES``): the difference of two durations removes the slowly varying mean
(timer slack, CPU frequency) and keeps the wake-up noise.

Sleeping sources take tens of microseconds per sample, so they check the deadline
before every sample and do not start a sleep that would end past it; a profile should
ask them for a few thousand samples, not millions.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from typing import Any

import numpy as np
from pydantic import Field

from .base import AVAILABLE, Availability, Category, SourceInfo, unavailable
from .timing_source import TimingParams, TimingSource

_LINUX = sys.platform.startswith("linux")
_NOT_LINUX = "needs Linux (clock_nanosleep, prctl timer slack)"


class SleepJitterParams(TimingParams):
    #: The requested sleep; every sample is at least this long. 50 us is short enough
    #: for thousands of samples per second and long enough to always enter the timer path.
    sleep_ns: int = Field(50_000, ge=1_000, le=10_000_000)


class SleepJitter(TimingSource):
    """Elapsed time of a real ``clock_nanosleep`` of ``sleep_ns``: ~9k samples/s at 50 us
    (each sleep overshoots by about the thread's timer slack, 50 us by default); the
    Python fallback (``time.sleep``) gives about the same rate."""

    info = SourceInfo(
        name="sleep_jitter",
        description="Overshoot of a real short sleep (clock_nanosleep, default 50 us)",
        physics=(
            "A short sleep arms an hrtimer; the thread wakes when that timer's interrupt fires "
            "and the scheduler runs it again. The kernel may delay the expiry by up to the "
            "thread's timer slack to coalesce it with other timers, the interrupt arrives after "
            "variable APIC or hypervisor latency, and the wake-up waits for whatever else holds "
            "the CPU and for the core to leave its idle state. Those delays depend on the "
            "timers and interrupts of the whole machine, so the overshoot's low bits vary."
        ),
        category=Category.SCHEDULING,
        platforms=("linux",),
        requirements=("native timing core or time.sleep",),
        entropy_rate_estimate=5.0e4,
    )
    Params = SleepJitterParams
    native_symbol = "oe_sleep_jitter"
    has_python_fallback = True

    def available_here(self) -> Availability:
        if self.uses_native and not _LINUX:
            return unavailable(_NOT_LINUX)
        return AVAILABLE

    def native_args(self) -> tuple[Any, ...]:
        return (self.params.sleep_ns,)

    def collect_python(self, n: int, deadline_ns: int) -> np.ndarray:
        sleep_ns = self.params.sleep_ns
        seconds = sleep_ns / 1e9
        clock = time.monotonic_ns  # the clock time.sleep runs on, so samples >= sleep_ns
        out = np.empty(n, dtype=np.uint64)
        taken = 0
        while taken < n:
            start = clock()
            if start + sleep_ns > deadline_ns:
                break
            time.sleep(seconds)
            out[taken] = clock() - start
            taken += 1
        return out[:taken]


class TimerCoalescingParams(TimingParams):
    #: Spacing of the absolute deadlines.
    interval_ns: int = Field(100_000, ge=10_000, le=10_000_000)
    #: Timer slack set on the sampling thread for the call (restored after); 0 keeps the
    #: thread's own (50 us by default), which makes lateness mostly coalescing.
    timer_slack_ns: int = Field(0, ge=0, le=10_000_000)


class TimerCoalescing(TimingSource):
    """Lateness of ``clock_nanosleep(TIMER_ABSTIME)`` wake-ups on a fixed grid of
    ``interval_ns``: ~10k samples/s at 100 us. Native only."""

    info = SourceInfo(
        name="timer_coalescing",
        description="Wake-up lateness of absolute-deadline timers on a fine grid",
        physics=(
            "The thread sleeps until absolute CLOCK_MONOTONIC deadlines spaced a fixed interval "
            "apart and records how late each wake-up is. The kernel may fire the hrtimer anywhere "
            "within the timer-slack window to batch it with other timers due then, so the "
            "lateness depends on every other timer on the CPU; on top come interrupt delivery "
            "latency (through the hypervisor on a VM), idle-state exit and run-queue delay. "
            "None of these is visible to an observer outside the machine."
        ),
        category=Category.SCHEDULING,
        platforms=("linux",),
        requirements=("native timing core",),
        entropy_rate_estimate=5.0e4,
    )
    Params = TimerCoalescingParams
    native_symbol = "oe_timer_coalescing"

    def available_here(self) -> Availability:
        return AVAILABLE if _LINUX else unavailable(_NOT_LINUX)

    def native_args(self) -> tuple[Any, ...]:
        return (self.params.interval_ns, self.params.timer_slack_ns)


def _idle() -> None:
    return None


class ThreadLifecycle(TimingSource):
    """Time to create and join a thread that does nothing: 15k-45k samples/s native,
    ~10k with the Python fallback (``threading.Thread``)."""

    info = SourceInfo(
        name="thread_lifecycle",
        description="Duration of pthread_create + pthread_join of an empty thread",
        physics=(
            "Creating a thread maps a stack (mmap, page faults), clones the task in the kernel "
            "and asks the scheduler to place it; joining waits for the new task to be scheduled, "
            "run, exit and wake the parent through a futex. Each step depends on allocator and "
            "page-table state, which CPU the scheduler picks, whether that CPU is idle or busy, "
            "and the interrupts that land meanwhile, so the total varies by microseconds."
        ),
        category=Category.SCHEDULING,
        platforms=("linux", "macos"),
        requirements=("native timing core or threading",),
        entropy_rate_estimate=8.0e4,
    )
    native_symbol = "oe_thread_lifecycle"
    has_python_fallback = True

    def collect_python(self, n: int, deadline_ns: int) -> np.ndarray:
        clock = time.perf_counter_ns
        out = np.empty(n, dtype=np.uint64)
        taken = 0
        while taken < n and time.monotonic_ns() < deadline_ns:
            start = clock()
            thread = threading.Thread(target=_idle, daemon=True)
            thread.start()
            thread.join()
            out[taken] = clock() - start
            taken += 1
        return out[:taken]


class SchedYieldTiming(TimingSource):
    """Duration of one ``sched_yield()``: 0.7M-2.5M samples/s native, 0.3M-0.8M with
    the Python fallback (``os.sched_yield``, dominated by the interpreter)."""

    info = SourceInfo(
        name="sched_yield_timing",
        description="Duration of sched_yield() system calls",
        physics=(
            "sched_yield enters the kernel, takes the run-queue lock, asks the scheduler for the "
            "next task and returns, possibly after another task ran. Its cost moves with the "
            "run-queue contents, lock contention from other CPUs, cache and TLB state after the "
            "kernel entry, speculative-execution mitigations and any interrupt or preemption "
            "that lands in the window; when another task is runnable the call includes its whole "
            "time slice."
        ),
        category=Category.SCHEDULING,
        platforms=("linux",),
        requirements=("native timing core or os.sched_yield",),
        entropy_rate_estimate=3.0e6,
    )
    native_symbol = "oe_sched_yield_timing"
    has_python_fallback = True

    def available_here(self) -> Availability:
        if not self.uses_native and not hasattr(os, "sched_yield"):
            return unavailable("os.sched_yield is missing on this platform")
        return AVAILABLE

    def collect_python(self, n: int, deadline_ns: int) -> np.ndarray:
        clock = time.perf_counter_ns
        yield_ = os.sched_yield
        out = np.empty(n, dtype=np.uint64)
        taken = 0
        while taken < n and time.monotonic_ns() < deadline_ns:
            start = clock()
            yield_()
            out[taken] = clock() - start
            taken += 1
        return out[:taken]


class PeCoreArithmeticParams(TimingParams):
    #: Steps of the dependent multiply-xorshift chain timed per sample (~5 cycles each).
    chain_length: int = Field(2048, ge=16, le=1_000_000)
    #: sched_yield() after this many samples (untimed), inviting a migration; 0 never.
    yield_every: int = Field(16, ge=0, le=1_000_000)


class PeCoreArithmetic(TimingSource):
    """Duration of a fixed dependent arithmetic chain (2048 steps, ~10 us here) with a
    ``sched_yield`` every 16 samples: 80k-200k samples/s. Native only: in Python the
    interpreter, not the core, would be timed."""

    info = SourceInfo(
        name="pe_core_arithmetic",
        description="Duration of a fixed dependent integer chain across core placement and frequency",
        physics=(
            "A serial multiply-xorshift chain runs at the latency of the core it lands on, so its "
            "duration in constant-rate TSC ticks tracks that core's type (performance or "
            "efficiency) and its clock at that instant, which DVFS, thermal limits and turbo "
            "budgets shared with other cores change continually. The periodic sched_yield lets "
            "the scheduler move the thread; on shared or virtualised hosts the vCPU may also be "
            "descheduled or share its core with an SMT sibling mid-chain."
        ),
        category=Category.SCHEDULING,
        platforms=("linux", "macos"),
        requirements=("native timing core",),
        entropy_rate_estimate=4.0e5,
    )
    Params = PeCoreArithmeticParams
    native_symbol = "oe_pe_core_arithmetic"

    def native_args(self) -> tuple[Any, ...]:
        return (self.params.chain_length, self.params.yield_every)
