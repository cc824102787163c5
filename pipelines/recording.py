"""Recorded runs: every round's raw samples and mixed bytes per source, in a folder numpy reads.

One session is one folder (``<profile>-<YYYYmmdd-HHMMSS>[-n]``)::

    meta.json          the session's metadata (below); written at the start, after each
                       chunk and at the end, each time whole: a temporary file, fsync,
                       rename over the old one, fsync of the folder
    index.jsonl        one JSON line per chunk, appended after the chunk is in place,
                       flushed and fsynced: {"chunk", "first_round", "last_round",
                       "rounds", "start_ns", "end_ns", "sources": {NAME: {"raw",
                       "raw_dtype", "conditioned", "credited_bits"}}}
    chunks/000000.npz  one ``numpy.savez`` archive per chunk of consecutive rounds
    chunks/000001.npz  ...

A chunk's arrays, for R rounds (``np.load(path)``, no pickles)::

    round          int64[R]     the harvest's round index
    time_ns        int64[R]     wall-clock time (Unix ns) when the round ended
    duration_s     float64[R]   how long the round took
    bytes_out      int64[R]     pool output bytes the round produced
    NAME/raw                    the source's raw samples of the R rounds, concatenated,
                                in the source's own dtype (uint64 timings, uint8 bytes...)
    NAME/raw_count int64[R]     raw samples per round (0: the collect failed, or the
                                samples stayed on a worker)
    NAME/conditioned uint8      the bytes mixed into the pool (after the source's stages
                                and the profile's conditioning), concatenated
    NAME/conditioned_count int64[R]
    NAME/credited_bits float64[R]   credit the pool took with those bytes
    NAME/status    str[R]       the source's round status (ok, startup, quarantined, late...)

NAME is the profile's entry name (a registry name, or an import path such as
``package.module:Class``). Round ``i`` of a chunk owns ``raw[sum(raw_count[:i]) :
sum(raw_count[:i+1])]``.

Durability. A chunk is written under a temporary name (``chunks/.000003.npz.tmp``),
flushed, fsynced, renamed to its final name, and the folder is fsynced: a chunk file
with a final name is always complete, and readers never look at dot-files. A crash or
``kill -9`` loses at most the rounds of the chunk being gathered (``chunk_seconds``,
5 s by default) and leaves every completed chunk readable; ``load_session``
(recorded_session.py) relies on the chunk files alone, so a torn last index line, a
chunk missing from the index or a ``meta.json`` still saying ``"ended": null`` do not
stop it.

What it assumes of its callers (duck-typed, so it sits below the engine): a profile with
``name``, ``sources`` (each with ``name``) and ``model_dump``; rounds as the engine's
``RoundResult`` (``index``, ``duration_s``, ``bytes_out``, ``sources`` with ``name``,
``health``, ``status``, ``error``) with a ``SourceData`` per source (``Harvest.observe``).
It neither mixes nor credits anything: it keeps copies.

``meta.json``: ``format`` ("openentropy-session"), ``version`` (1), ``id``,
``profile`` (the profile as resolved, JSON), ``sources``, ``machine`` (hostname,
platform, machine, cpu, cpu_count), ``versions`` (openentropy, python, numpy), ``tags``,
``note``, ``started``/``ended`` (ISO 8601 UTC; ``ended`` null while recording),
``started_ns``/``ended_ns``, ``stopped_by``, ``rounds``, ``chunks``, ``totals`` per
source (raw samples, conditioned bytes, credited bits) and ``health`` per source:
``events`` (each change of health state: round, time, from, to, error) and ``final``
(the harvest's ``SourceHealth`` at the end).

    with recording(harvest, root, tags={"room": "lab"}) as session:   # observes the harvest
        for result in harvest.rounds(stop): ...
    session.folder                                                     # the session's folder
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import platform
import socket
import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from openentropy._version import __version__
from openentropy.errors import SinkError


FORMAT, VERSION = "openentropy-session", 1
META, INDEX, CHUNKS = "meta.json", "index.jsonl", "chunks"
#: a chunk is written when its rounds span this long: what a crash can lose at most
CHUNK_SECONDS = 5.0
#: ...or when its raw samples and bytes reach this size, so memory stays bounded
CHUNK_BYTES = 64 << 20


def chunk_name(number: int) -> str:
    return f"{number:06d}.npz"


def _iso(ns: int) -> str:
    return datetime.fromtimestamp(ns / 1e9, timezone.utc).isoformat(timespec="milliseconds")


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomically(path: Path, data: bytes) -> None:
    """``path`` holds either its old content or ``data``, never a mix: temp, fsync, rename, fsync."""
    temporary = path.parent / f".{path.name}.tmp"
    with open(temporary, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
    _fsync_dir(path.parent)


def commit_chunk(folder: Path, number: int, arrays: dict[str, np.ndarray], index_entry) -> dict:
    """Write chunk ``number`` of the session in ``folder`` so that a crash leaves it whole
    or absent: the .npz under a dot-name, fsynced, renamed, the folder fsynced; then its
    ``index_entry(name)`` line appended to the index (flushed, fsynced). Returns the entry.
    ``SinkError`` names the chunk and how many chunks are written and kept."""
    name = chunk_name(number)
    chunks = folder / CHUNKS
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    try:
        temporary = chunks / f".{name}.tmp"
        with open(temporary, "wb") as handle:
            handle.write(buffer.getbuffer())
            handle.flush()
            os.fsync(handle.fileno())
        os.rename(temporary, chunks / name)
        _fsync_dir(chunks)
        entry = index_entry(name)
        with open(folder / INDEX, "a") as index:
            index.write(json.dumps(entry) + "\n")
            index.flush()
            os.fsync(index.fileno())
    except OSError as error:
        raise SinkError(f"recording to {folder}: cannot write chunk {name}: "
                        f"{error.strerror or error} ({number} chunks written and kept)") from None
    return entry


def write_meta(folder: Path, meta: dict) -> None:
    """Replace the session's metadata whole (write_atomically); ``SinkError`` on failure."""
    try:
        write_atomically(folder / META, (json.dumps(meta, indent=2) + "\n").encode())
    except OSError as error:
        raise SinkError(f"recording to {folder}: cannot write {META}: {error.strerror or error}") from None


def _cpu() -> str:
    try:
        with open("/proc/cpuinfo") as handle:
            for line in handle:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine() -> dict:
    return {"hostname": socket.gethostname(), "platform": platform.platform(), "machine": platform.machine(),
            "cpu": _cpu(), "cpu_count": os.cpu_count()}


def versions() -> dict:
    return {"openentropy": __version__, "python": platform.python_version(), "numpy": np.__version__}


def new_folder(root: Path, profile_name: str) -> Path:
    """A fresh ``<root>/<profile>-<stamp>[-n]`` folder (created, with ``chunks/``)."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in profile_name) or "session"
    for suffix in range(1000):
        folder = root / (f"{safe}-{stamp}" + (f"-{suffix}" if suffix else ""))
        try:
            folder.mkdir(parents=True)
        except FileExistsError:
            continue
        (folder / CHUNKS).mkdir()
        return folder
    raise SinkError(f"recording: cannot find a free folder name under {root}")


class _Pending:
    """The rounds of the chunk being gathered."""

    def __init__(self, sources: list[str]):
        self.rounds: list[tuple[int, int, float, int]] = []  # (round, time_ns, duration_s, bytes_out)
        self.raw = {name: [] for name in sources}
        self.conditioned = {name: [] for name in sources}
        self.per_round = {name: [] for name in sources}  # (raw_count, conditioned_count, credit, status)
        self.size = 0
        self.started = time.monotonic()

    def add(self, result, data: tuple, now_ns: int) -> None:
        self.rounds.append((result.index, now_ns, result.duration_s, result.bytes_out))
        given = {d.name: d for d in data}
        for name in self.raw:
            item = given.get(name)
            raw = None if item is None or item.raw is None else np.ascontiguousarray(item.raw).ravel()
            mixed = b"" if item is None else item.conditioned
            if raw is not None:
                self.raw[name].append(raw)
                self.size += raw.nbytes
            self.conditioned[name].append(mixed)
            self.size += len(mixed)
            self.per_round[name].append((0 if raw is None else len(raw), len(mixed),
                                         0.0 if item is None else item.credited_bits,
                                         "missing" if item is None else item.status.value))

    def arrays(self) -> dict[str, np.ndarray]:
        rounds = np.array(self.rounds, dtype=object).reshape(-1, 4)
        out = {"round": rounds[:, 0].astype(np.int64), "time_ns": rounds[:, 1].astype(np.int64),
               "duration_s": rounds[:, 2].astype(np.float64), "bytes_out": rounds[:, 3].astype(np.int64)}
        for name, parts in self.raw.items():
            rows = self.per_round[name]
            out[f"{name}/raw"] = np.concatenate(parts) if parts else np.empty(0, np.uint8)
            out[f"{name}/raw_count"] = np.array([r[0] for r in rows], np.int64)
            out[f"{name}/conditioned"] = np.frombuffer(b"".join(self.conditioned[name]), np.uint8)
            out[f"{name}/conditioned_count"] = np.array([r[1] for r in rows], np.int64)
            out[f"{name}/credited_bits"] = np.array([r[2] for r in rows], np.float64)
            out[f"{name}/status"] = np.array([r[3] for r in rows], dtype=str)
        return out


class ChunkedSessionWriter:
    """What every session writer shares: a new folder with its metadata, chunks committed
    by ``commit_chunk``, and closing once. Subclasses write their chunks
    (``_write_chunk``) and fill ``meta`` beyond the common fields."""

    def _open(self, root: Path, folder_name: str, fields: dict, tags: dict[str, str] | None, note: str) -> None:
        try:
            self.folder = new_folder(Path(root), folder_name)
        except OSError as error:
            raise SinkError(f"recording: cannot create a session folder in {root}: {error.strerror or error}") from None
        started = time.time_ns()
        self.meta = {
            "format": FORMAT, "version": VERSION, **fields, "id": self.folder.name,
            "machine": machine(), "versions": versions(), "tags": dict(tags or {}), "note": note,
            "started": _iso(started), "started_ns": started, "ended": None, "ended_ns": None, "stopped_by": None,
            "chunks": 0,
        }
        self._lock = threading.Lock()
        self._closed = False

    def _write_chunk(self) -> None:
        raise NotImplementedError

    def _write_meta(self) -> None:
        write_meta(self.folder, self.meta)

    def _finish(self, stopped_by: str, final: Callable[[], None] = lambda: None) -> Path:
        """Write the last chunk, then ``final()``'s additions and the end to the metadata;
        safe to call twice; returns the session's folder."""
        with self._lock:
            if self._closed:
                return self.folder
            self._closed = True
            try:
                self._write_chunk()
            finally:
                ended = time.time_ns()
                self.meta.update(ended=_iso(ended), ended_ns=ended, stopped_by=stopped_by)
                final()
                self._write_meta()
            return self.folder


class SessionWriter(ChunkedSessionWriter):
    """Writes one session folder; ``add_round`` is a ``Harvest.observe`` callback.

    Thread-safe: rounds may arrive from a harvesting thread while another thread closes
    the session; a round arriving after ``close`` is ignored.
    """

    def __init__(self, root: Path, profile, *, tags: dict[str, str] | None = None, note: str = "",
                 chunk_seconds: float = CHUNK_SECONDS, chunk_bytes: int = CHUNK_BYTES):
        self.sources = [spec.name for spec in profile.sources]
        self.chunk_seconds, self.chunk_bytes = chunk_seconds, chunk_bytes
        self._open(root, profile.name, {"profile": profile.model_dump(mode="json"), "sources": self.sources}, tags, note)
        self.meta.update(
            rounds=0,
            totals={name: {"raw_samples": 0, "conditioned_bytes": 0, "credited_bits": 0.0} for name in self.sources},
            health={name: {"events": [], "final": None} for name in self.sources},
        )
        self._health_now: dict[str, str] = {}
        self._pending = _Pending(self.sources)
        self._write_meta()

    # --- rounds ---------------------------------------------------------------------

    def add_round(self, result, data: tuple) -> None:
        """Keep one round; write the chunk once it spans ``chunk_seconds`` or ``chunk_bytes``."""
        with self._lock:
            if self._closed:
                return
            now = time.time_ns()
            self._pending.add(result, data, now)
            self._note_health(result, now)
            pending = self._pending
            if time.monotonic() - pending.started >= self.chunk_seconds or pending.size >= self.chunk_bytes:
                self._write_chunk()

    def _note_health(self, result, now_ns: int) -> None:
        for source in result.sources:
            state = source.health or source.status.value
            before = self._health_now.get(source.name)
            if state != before and source.name in self.meta["health"]:
                self.meta["health"][source.name]["events"].append(
                    {"round": result.index, "time": _iso(now_ns), "from": before, "to": state, "error": source.error})
            self._health_now[source.name] = state

    # --- files ----------------------------------------------------------------------

    def _write_chunk(self) -> None:
        pending = self._pending
        if not pending.rounds:
            return
        arrays = pending.arrays()
        number = self.meta["chunks"]
        entry = commit_chunk(self.folder, number, arrays, lambda name: self._index_entry(name, arrays))
        self.meta["chunks"] = number + 1
        self.meta["rounds"] += len(pending.rounds)
        for source, row in entry["sources"].items():
            totals = self.meta["totals"][source]
            totals["raw_samples"] += row["raw"]
            totals["conditioned_bytes"] += row["conditioned"]
            totals["credited_bits"] += row["credited_bits"]
        self._pending = _Pending(self.sources)
        self._write_meta()

    def _index_entry(self, name: str, arrays: dict[str, np.ndarray]) -> dict:
        return {
            "chunk": name, "first_round": int(arrays["round"][0]), "last_round": int(arrays["round"][-1]),
            "rounds": int(len(arrays["round"])), "start_ns": int(arrays["time_ns"][0]),
            "end_ns": int(arrays["time_ns"][-1]),
            "sources": {s: {"raw": int(len(arrays[f"{s}/raw"])), "raw_dtype": str(arrays[f"{s}/raw"].dtype),
                            "conditioned": int(len(arrays[f"{s}/conditioned"])),
                            "credited_bits": float(arrays[f"{s}/credited_bits"].sum())} for s in self.sources},
        }

    # --- the end --------------------------------------------------------------------

    def close(self, health: dict | None = None, stopped_by: str = "completed") -> Path:
        """Write the last chunk and the final metadata (``health``: name -> ``SourceHealth``).
        Safe to call twice; returns the session's folder."""

        def final_health() -> None:
            for name, state in (health or {}).items():
                if name in self.meta["health"]:
                    self.meta["health"][name]["final"] = state.to_dict() if hasattr(state, "to_dict") else state

        return self._finish(stopped_by, final_health)


@contextlib.contextmanager
def recording(harvest, root: Path, *, tags: dict[str, str] | None = None, note: str = "",
              chunk_seconds: float = CHUNK_SECONDS) -> Iterator[SessionWriter]:
    """Record ``harvest``'s rounds into a new session under ``root`` while inside.

    On exit the last chunk and the final metadata are written; ``stopped_by`` in the
    metadata is "completed", or the exception's name when one ends the block (the writer's
    own ``meta["stopped_by"]`` may be set inside to say why, e.g. "interrupted")."""
    writer = SessionWriter(root, harvest.profile, tags=tags, note=note, chunk_seconds=chunk_seconds)
    stop_observing = harvest.observe(writer.add_round)
    reason = "completed"
    try:
        yield writer
    except BaseException as error:
        reason = type(error).__name__
        raise
    finally:
        stop_observing()
        writer.close(harvest.health(), writer.meta.get("stopped_by") or reason)
