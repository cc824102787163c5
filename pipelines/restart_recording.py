"""Recorded restart data: a restart matrix (SP 800-90B 3.1.4) as a session folder.

The same folder, durability and reader as a recorded run (recording.py): ``meta.json``
rewritten whole and atomically, ``index.jsonl`` appended and fsynced, ``chunks/NNNNNN.npz``
written under a dot-name, fsynced and renamed, so a crash or ``kill -9`` keeps every
complete chunk. What differs is what a chunk holds: rows of restarts, not rounds.

``meta.json`` has the run session's ``format``, ``version``, ``id``, ``sources`` (the one
source), ``machine``, ``versions``, ``tags``, ``note``, ``started``/``ended``,
``started_ns``/``ended_ns``, ``stopped_by`` and ``chunks``, plus::

    kind          "restarts" (a run session has no kind)
    source        the source's name;  params: its parameters
    restarts      restarts asked for;  rows: complete rows written so far
    per_restart   samples per restart;  mode: "fork" or "exec" (engine/restarts.py);  timeout_s

A chunk's arrays, for R restarts (``np.load(path)``, no pickles)::

    restart             int64[R]                 the restart's index (0-based, consecutive)
    pid                 int64[R]                 the process that ran it
    time_ns             int64[R]                 wall-clock time (Unix ns) when its row arrived
    NAME/restart_rows   uint8[R, per_restart]    row i: restart i's first samples, in order

An index line: {"chunk", "first_restart", "last_restart", "restarts", "start_ns", "end_ns"}.
A chunk is written once it holds ``chunk_rows`` restarts or spans ``chunk_seconds``.
It neither mixes nor credits anything: it keeps copies.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from .recording import CHUNK_SECONDS, ChunkedSessionWriter, commit_chunk

KIND = "restarts"
ROWS_KEY = "restart_rows"
#: rows per chunk at most: 100 rows of 1,000 samples is 100 KB, what a crash can lose at most
CHUNK_ROWS = 100


class RestartSessionWriter(ChunkedSessionWriter):
    """Writes one restart session; ``add(index, pid, row)`` per restart, then ``close``."""

    def __init__(self, root: Path, source: str, *, params: dict, restarts: int, per_restart: int, mode: str,
                 timeout_s: float, tags: dict[str, str] | None = None, note: str = "",
                 chunk_seconds: float = CHUNK_SECONDS, chunk_rows: int = CHUNK_ROWS):
        self.source, self.per_restart = source, per_restart
        self.chunk_seconds, self.chunk_rows = chunk_seconds, chunk_rows
        self._open(root, f"restarts-{source}", {
            "kind": KIND, "source": source, "sources": [source], "params": dict(params), "restarts": restarts,
            "per_restart": per_restart, "mode": mode, "timeout_s": timeout_s}, tags, note)
        self.meta["rows"] = 0
        self._pending: list[tuple[int, int, int, bytes]] = []  # (restart, pid, time_ns, row)
        self._pending_since = time.monotonic()
        self._write_meta()

    def add(self, index: int, pid: int, row: bytes) -> None:
        """Keep one restart's row; write the chunk once it is full or old enough."""
        if len(row) != self.per_restart:
            raise ValueError(f"restart {index}: a row of {len(row)} samples, expected {self.per_restart}")
        with self._lock:
            if self._closed:
                return
            if not self._pending:
                self._pending_since = time.monotonic()
            self._pending.append((index, pid, time.time_ns(), row))
            if len(self._pending) >= self.chunk_rows or time.monotonic() - self._pending_since >= self.chunk_seconds:
                self._write_chunk()

    def _write_chunk(self) -> None:
        if not self._pending:
            return
        pending = self._pending
        arrays = {
            "restart": np.array([p[0] for p in pending], np.int64), "pid": np.array([p[1] for p in pending], np.int64),
            "time_ns": np.array([p[2] for p in pending], np.int64),
            f"{self.source}/{ROWS_KEY}": np.frombuffer(b"".join(p[3] for p in pending), np.uint8)
            .reshape(len(pending), self.per_restart),
        }
        number = self.meta["chunks"]
        commit_chunk(self.folder, number, arrays, lambda name: {
            "chunk": name, "first_restart": int(arrays["restart"][0]), "last_restart": int(arrays["restart"][-1]),
            "restarts": len(pending), "start_ns": int(arrays["time_ns"][0]), "end_ns": int(arrays["time_ns"][-1])})
        self.meta["chunks"] = number + 1
        self.meta["rows"] += len(pending)
        self._pending = []
        self._write_meta()

    def close(self, stopped_by: str = "completed") -> Path:
        """Write the last chunk and the final metadata; safe to call twice."""
        return self._finish(stopped_by)
