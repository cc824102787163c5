"""Restart data (SP 800-90B 3.1.4): restart a source many times, keep its first samples each time.

    collect_restarts(name, restarts, params, mode="fork")   yields one Restart per restart
    restart_matrix(...)                                      the rows as a (restarts, per_restart) uint8 array
    record_restarts(name, restarts, root, ...)               the rows into a session (``oe record --restarts``)

3.1.4.1 wants 1,000 restarts of 1,000 samples (``RESTARTS`` x ``RESTART_SAMPLES``). One
restart (restart_child.py ``collect_row``) builds the source from nothing, collects, runs
its extraction stages and keeps the first ``per_restart`` bytes. Two ways to restart:

``exec`` (a fresh interpreter per restart: ``python -m openentropy.engine.restart_child``)
    resets everything a process owns: a new pid, a new address space laid out anew
    (ASLR), every module imported again, the native core loaded again, no Python or
    numpy state from any earlier restart. It costs an interpreter start and the imports
    each time: seconds per restart on a loaded machine, hours for 1,000.
``fork`` (the default: a zygote process forks one child per restart)
    the zygote is a fresh interpreter that imports the engine and the source's module
    once and builds no source; each child is a new process (new pid) that builds the
    source object and its native state from nothing, makes fresh allocations and exits.
    What it does NOT reset: a child inherits the zygote's memory image, so the imported
    modules, their module-level state (a numpy global RandomState is not reseeded;
    Python's ``random`` is, by CPython's fork hook) and the memory layout (the same
    addresses in every child: ASLR happened once, in the zygote) are the same in every
    restart. A source whose noise depends on what is in a fresh interpreter's memory,
    or on address randomization, is only honestly restarted by ``exec``.

Neither mode resets what a power cycle would: the CPU's caches, TLBs and branch
predictors, the kernel's state (page cache, scheduler, entropy pool), the clocks and
the hardware itself. The restart test on this data is about the source's software state.

Every child is bounded: killed after ``timeout_s`` (default ``TIMEOUT_S``), and the
collection ends with a ``RestartError`` naming the restart and the reason. Fork mode
needs ``os.fork`` (Linux, macOS); elsewhere use exec.
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from openentropy.errors import OpenEntropyError

from .restart_child import FRAME, RAW_PER_SAMPLE
from .measure import source_spec

#: 3.1.4.1: the restart matrix is 1,000 restarts x 1,000 samples.
RESTARTS = 1000
RESTART_SAMPLES = 1000
MODES = ("fork", "exec")
#: Seconds one restart may take before its child is killed: the collect's own 30 s
#: deadline, plus an interpreter start on a loaded machine (several seconds), with room.
TIMEOUT_S = 120.0
#: Seconds the zygote may take to start (an interpreter and the engine's imports),
#: on top of the first restart's timeout.
ZYGOTE_START_S = 60.0
_CHILD_MODULE = "openentropy.engine.restart_child"


class RestartError(OpenEntropyError):
    """A restart gave no row (its number, the source, the reason), or the zygote failed."""


@dataclass(frozen=True)
class Restart:
    """One restart: its index (0-based), the pid of the process that ran it, its row."""

    index: int
    pid: int
    row: bytes


def collect_restarts(name: str, restarts: int, params: dict | None = None, *,
                     per_restart: int = RESTART_SAMPLES, mode: str = "fork", timeout_s: float = TIMEOUT_S,
                     progress: Callable[[str], None] | None = None) -> Iterator[Restart]:
    """``restarts`` restarts of ``name``, in order, each ``per_restart`` bytes long.

    Bad names or params raise ``ProfileError`` before any process starts; a failed or
    timed-out restart raises ``RestartError``. Closing the generator early stops the
    children (none outlives it)."""
    if mode not in MODES:
        raise ValueError(f"restart mode must be one of {', '.join(MODES)}, got {mode!r}")
    params = dict(params or {})
    source_spec(name, per_restart * RAW_PER_SAMPLE, 30.0, params)  # ProfileError now, not in a child
    rows = _forked(name, restarts, params, per_restart, timeout_s) if mode == "fork" else \
        _executed(name, restarts, params, per_restart, timeout_s)
    return rows if progress is None else _reported(rows, progress, f"of {restarts:,} of {name} ({mode})")


def _reported(rows: Iterator[Restart], progress: Callable[[str], None], what: str) -> Iterator[Restart]:
    try:
        for restart in rows:
            if restart.index % 50 == 0:
                progress(f"restarts: {restart.index + 1:,} {what}")
            yield restart
    finally:
        rows.close()


def restart_matrix(name: str, restarts: int, params: dict | None = None, **options) -> np.ndarray:
    """The restart matrix: row i is restart i's samples (uint8, ``(restarts, per_restart)``)."""
    per_restart = options.get("per_restart", RESTART_SAMPLES)
    rows = [np.frombuffer(r.row, np.uint8) for r in collect_restarts(name, restarts, params, **options)]
    return np.stack(rows) if rows else np.empty((0, per_restart), np.uint8)


def _failed(index: int, restarts: int, name: str, reason: str) -> RestartError:
    return RestartError(f"restart {index + 1} of {restarts} of {name} failed: {reason}")


def _executed(name, restarts, params, per_restart, timeout_s) -> Iterator[Restart]:
    command = [sys.executable, "-m", _CHILD_MODULE, "exec", name, str(per_restart), json.dumps(params)]
    for index in range(restarts):
        child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                                 start_new_session=True)
        try:
            out, err = child.communicate(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            child.kill()
            child.communicate()
            raise _failed(index, restarts, name, f"timed out after {timeout_s:g} s (process {child.pid} killed)") from None
        except BaseException:
            child.kill()
            child.communicate()
            raise
        if child.returncode != 0 or len(out) != per_restart:
            last = err.decode(errors="replace").strip().splitlines()[-1:] or [f"exit code {child.returncode}, no output"]
            raise _failed(index, restarts, name, last[0])
        yield Restart(index, child.pid, out)


def _forked(name, restarts, params, per_restart, timeout_s) -> Iterator[Restart]:
    if not hasattr(os, "fork"):
        raise RestartError("fork mode needs os.fork (Linux, macOS): use the exec mode")
    command = [sys.executable, "-m", _CHILD_MODULE, "zygote", name, str(per_restart), str(restarts),
               repr(float(timeout_s)), json.dumps(params)]
    # its own session: a terminal's Ctrl-C reaches only us, and we stop the zygote in order
    zygote = subprocess.Popen(command, stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, start_new_session=True)
    fd = zygote.stdout.fileno()
    try:
        for index in range(restarts):
            wait = timeout_s + 10.0 + (ZYGOTE_START_S if index == 0 else 0.0)
            header, timed_out = _read_exactly(fd, FRAME.size, time.monotonic() + wait)
            if timed_out or len(header) < FRAME.size:
                code = zygote.poll()
                why = f"no answer from the zygote in {wait:g} s" if timed_out else \
                    f"the zygote ended (exit code {code}) before this restart"
                raise _failed(index, restarts, name, why)
            got, pid, ok, length = FRAME.unpack(header)
            payload, _ = _read_exactly(fd, length, time.monotonic() + 10.0)
            if got == -1:
                raise RestartError(f"cannot restart {name}: {payload.decode(errors='replace')}")
            if not ok or len(payload) != per_restart:
                raise _failed(index, restarts, name, payload.decode(errors="replace") or "a short row")
            yield Restart(index, pid, payload)
    finally:
        _stop_zygote(zygote)


def _stop_zygote(zygote: subprocess.Popen) -> None:
    """SIGTERM: the zygote SIGKILLs its running child, if any, and exits; SIGKILL if it lingers."""
    if zygote.poll() is None:
        zygote.terminate()
        try:
            zygote.wait(5.0)
        except subprocess.TimeoutExpired:
            zygote.kill()
    zygote.wait()
    zygote.stdout.close()


def _read_exactly(fd: int, size: int, deadline: float) -> tuple[bytes, bool]:
    """``size`` bytes from ``fd`` (fewer at EOF), or (what came, True) past ``deadline``."""
    parts, got = [], 0
    while got < size:
        left = deadline - time.monotonic()
        if left <= 0 or not select.select([fd], [], [], left)[0]:
            return b"".join(parts), True
        part = os.read(fd, size - got)
        if not part:
            break
        parts.append(part)
        got += len(part)
    return b"".join(parts), False


def record_restarts(name: str, restarts: int, root, params: dict | None = None, *,
                    per_restart: int = RESTART_SAMPLES, mode: str = "fork", timeout_s: float = TIMEOUT_S,
                    tags: dict[str, str] | None = None, note: str = "", chunk_seconds: float | None = None,
                    progress: Callable[[str], None] | None = None, stop=None,
                    stopped_by: Callable[[], str] = lambda: "interrupted"):
    """Collect the restart matrix into a new session under ``root`` (pipelines/restart_recording.py),
    row by row; returns (the session's folder, its ``stopped_by``). ``stop`` (a
    ``threading.Event``) ends it after the restart in progress; ``stopped_by()`` then
    names why. Whatever ends it (an error, Ctrl-C) closes the session: its complete rows
    are kept and ``stopped_by`` in its metadata says why."""
    from openentropy.pipelines.recording import CHUNK_SECONDS
    from openentropy.pipelines.restart_recording import RestartSessionWriter

    params = dict(params or {})
    rows = collect_restarts(name, restarts, params, per_restart=per_restart, mode=mode, timeout_s=timeout_s,
                            progress=progress)
    writer = RestartSessionWriter(root, name, params=params, restarts=restarts, per_restart=per_restart, mode=mode,
                                  timeout_s=timeout_s, tags=tags, note=note,
                                  chunk_seconds=CHUNK_SECONDS if chunk_seconds is None else chunk_seconds)
    reason = "completed"
    try:
        for restart in rows:
            writer.add(restart.index, restart.pid, restart.row)
            if stop is not None and stop.is_set() and restart.index + 1 < restarts:
                reason = stopped_by()
                break
    except BaseException as error:
        reason = "interrupted" if isinstance(error, KeyboardInterrupt) else type(error).__name__
        raise
    finally:
        rows.close()
        writer.close(reason)
    return writer.folder, reason
