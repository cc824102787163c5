"""Reading a recorded session (the folder recording.py writes) back as numpy arrays.

    session = load_session("sessions/default-20261130-221500")
    session.meta                    meta.json as a dict ({} if it was never written)
    session.sources                 the recorded sources' names, in profile order
    session.raw("clock_jitter")     every raw sample, all chunks concatenated (np.ndarray)
    session.conditioned("clock_jitter")   every mixed byte (uint8)
    session.per_round("clock_jitter")     {raw_count, conditioned_count, credited_bits, status}
    session.rounds                  {round, time_ns, duration_s, bytes_out}: one entry per round
    session.index                   one dict per chunk (file, rounds, times, counts per source)
    session.kind                    "rounds" (a recorded run) or "restarts" (``oe record --restarts``)
    session.restarts("clock_jitter")      a restart session's matrix: uint8 (restarts, per_restart)

What it trusts: only the chunk files with a final name (``chunks/NNNNNN.npz``), each
complete by construction (written under a dot-name, fsynced, renamed). It never needs
``index.jsonl`` or the final ``meta.json``: after a crash the index may end in a torn
line or miss the last chunk, and ``meta.json`` may still say ``"ended": null``. Chunks
are read in the order of their numbers, and only the arrays asked for (each call reads
them again: nothing is cached, so a long session costs memory only for what is used).
"""

from __future__ import annotations

import json
from functools import cached_property
from pathlib import Path

import numpy as np

from openentropy.errors import OpenEntropyError
from openentropy.suggest import did_you_mean

from openentropy.pipelines.recording import CHUNKS, INDEX, META
from openentropy.pipelines.restart_recording import KIND as RESTARTS_KIND, ROWS_KEY

ROUND_FIELDS = ("round", "time_ns", "duration_s", "bytes_out")
PER_ROUND_FIELDS = ("raw_count", "conditioned_count", "credited_bits", "status")


class SessionError(OpenEntropyError):
    """A folder that is not a readable recorded session, or a source it does not hold."""


def chunk_paths(folder: Path) -> list[Path]:
    """The complete chunks, in order: final names only (six or more digits, ``.npz``)."""
    paths = [p for p in (folder / CHUNKS).glob("*.npz") if p.stem.isdigit()]
    return sorted(paths, key=lambda p: int(p.stem))


def read_index(folder: Path) -> list[dict]:
    """The index lines that parse; a torn last line (a crash mid-write) is skipped."""
    try:
        text = (folder / INDEX).read_text()
    except OSError:
        return []
    entries = []
    for line in text.splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if isinstance(entry, dict):
            entries.append(entry)
    return entries


def read_meta(folder: Path) -> dict:
    try:
        meta = json.loads((folder / META).read_text())
    except (OSError, ValueError):
        return {}
    return meta if isinstance(meta, dict) else {}


class RecordedSession:
    """A recorded session's metadata and arrays (see the module docstring)."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        if not (self.path / CHUNKS).is_dir():
            raise SessionError(f"{self.path} is not a recorded session (no {CHUNKS}/ folder)")
        self.meta = read_meta(self.path)
        self._chunks = chunk_paths(self.path)

    def _read(self, path: Path, keys: list[str]) -> dict[str, np.ndarray]:
        """Only ``keys`` of one chunk (an .npz member is read only when asked for)."""
        with np.load(path, allow_pickle=False) as archive:
            return {key: archive[key] for key in keys if key in archive.files}

    @staticmethod
    def _dtype(path: Path, key: str) -> str:
        """A member's dtype from its .npy header, without reading its data."""
        with np.load(path, allow_pickle=False) as archive, archive.zip.open(f"{key}.npy") as member:
            version = np.lib.format.read_magic(member)
            _, _, dtype = (np.lib.format.read_array_header_1_0 if version == (1, 0)
                           else np.lib.format.read_array_header_2_0)(member)
        return str(dtype)

    @cached_property
    def kind(self) -> str:
        """The session's kind: "restarts" for a restart matrix (pipelines/restart_recording.py), else "rounds"."""
        if self.meta.get("kind") == RESTARTS_KIND:
            return RESTARTS_KIND
        if not self.meta and self._chunks:
            with np.load(self._chunks[0], allow_pickle=False) as archive:
                if any(key.endswith("/" + ROWS_KEY) for key in archive.files):
                    return RESTARTS_KIND
        return "rounds"

    @cached_property
    def sources(self) -> list[str]:
        names = list(self.meta.get("sources") or [])
        suffix = "/" + ROWS_KEY if self.kind == RESTARTS_KIND else "/raw"
        if not names and self._chunks:
            with np.load(self._chunks[0], allow_pickle=False) as archive:
                names = [key[: -len(suffix)] for key in archive.files if key.endswith(suffix)]
        return names

    def restarts(self, name: str | None = None) -> np.ndarray:
        """A restart session's matrix: row i is restart i's samples, uint8 ``(rows, per_restart)``,
        every complete chunk's rows in order. ``name`` may be left out (one source)."""
        if self.kind != RESTARTS_KIND:
            raise SessionError(f"session {self.path.name} records rounds, not restarts ('oe record --restarts' makes those)")
        name = self.sources[0] if name is None and self.sources else name
        self._check(name)
        parts = [part for path in self._chunks for part in self._read(path, [f"{name}/{ROWS_KEY}"]).values()]
        if parts:
            return np.concatenate(parts)
        return np.empty((0, int(self.meta.get("per_restart") or 0)), np.uint8)

    def _rounds_only(self, what: str) -> None:
        if self.kind == RESTARTS_KIND:
            raise SessionError(f"session {self.path.name} is a restart matrix: it has no {what} "
                               f"(session.restarts(name) gives its rows)")

    def _check(self, name: str) -> None:
        if name not in self.sources:
            known = ", ".join(self.sources) or "none"
            raise SessionError(f"session {self.path.name} has no source '{name}'"
                               f"{did_you_mean(name, self.sources)} (its sources: {known})")

    def _concatenated(self, key: str, empty_dtype) -> np.ndarray:
        parts = [part for path in self._chunks for part in self._read(path, [key]).values()]
        return np.concatenate(parts) if parts else np.empty(0, empty_dtype)

    def raw(self, name: str) -> np.ndarray:
        """Every raw sample of ``name``, in the source's dtype, in round order."""
        self._rounds_only("rounds of raw samples")
        self._check(name)
        return self._concatenated(f"{name}/raw", np.uint8)

    def conditioned(self, name: str) -> np.ndarray:
        """Every byte of ``name`` mixed into the pool (uint8), in round order."""
        self._rounds_only("mixed bytes")
        self._check(name)
        return self._concatenated(f"{name}/conditioned", np.uint8)

    def per_round(self, name: str) -> dict[str, np.ndarray]:
        """``name``'s raw_count, conditioned_count, credited_bits and status, one per round."""
        self._rounds_only("rounds")
        self._check(name)
        return {field: self._concatenated(f"{name}/{field}", np.int64) for field in PER_ROUND_FIELDS}

    @property
    def rounds(self) -> dict[str, np.ndarray]:
        """round, time_ns (Unix ns at the round's end), duration_s, bytes_out: one per round."""
        self._rounds_only("rounds")
        return {field: self._concatenated(field, np.int64) for field in ROUND_FIELDS}

    @property
    def index(self) -> list[dict]:
        """One entry per complete chunk, computed from the chunk itself (so a chunk the
        index file misses is listed too): chunk, first_round, last_round, rounds,
        start_ns, end_ns and per source raw / raw_dtype / conditioned counts. A restart
        session's entries: chunk, first_restart, last_restart, restarts, start_ns, end_ns."""
        if self.kind == RESTARTS_KIND:
            return [self._restart_entry(path) for path in self._chunks]
        entries = []
        for path in self._chunks:
            counts = [f"{s}/{field}" for s in self.sources for field in ("raw_count", "conditioned_count")]
            arrays = self._read(path, ["round", "time_ns", *counts])
            rounds, times = arrays["round"], arrays["time_ns"]
            entries.append({
                "chunk": path.name, "first_round": int(rounds[0]), "last_round": int(rounds[-1]),
                "rounds": int(len(rounds)), "start_ns": int(times[0]), "end_ns": int(times[-1]),
                "sources": {s: {"raw": int(arrays[f"{s}/raw_count"].sum()), "raw_dtype": self._dtype(path, f"{s}/raw"),
                                "conditioned": int(arrays[f"{s}/conditioned_count"].sum())}
                            for s in self.sources if f"{s}/raw_count" in arrays},
            })
        return entries

    def _restart_entry(self, path: Path) -> dict:
        arrays = self._read(path, ["restart", "time_ns"])
        restarts, times = arrays["restart"], arrays["time_ns"]
        return {"chunk": path.name, "first_restart": int(restarts[0]), "last_restart": int(restarts[-1]),
                "restarts": int(len(restarts)), "start_ns": int(times[0]), "end_ns": int(times[-1])}

    @property
    def chunks(self) -> list[Path]:
        return list(self._chunks)

    def __repr__(self) -> str:
        return (f"<RecordedSession {self.path.name}: {len(self._chunks)} chunks, sources "
                f"{', '.join(self.sources) or '-'}>")


def load_session(path: str | Path) -> RecordedSession:
    """A recorded session (``oe record``, the monitor's ``r``, the shell's ``record``) as
    numpy arrays: ``.meta``, ``.sources``, ``.raw(name)``, ``.conditioned(name)``,
    ``.per_round(name)``, ``.rounds``, ``.index``; a restart session (``oe record
    --restarts``): ``.restarts(name)``, the matrix. Reads only complete chunks, so a
    session cut short by a crash loads up to its last complete chunk."""
    return RecordedSession(path)


def summarize(folder: Path) -> dict:
    """One line of ``oe sessions``, from meta.json and index.jsonl only (no chunk is
    opened): id, started, duration_s, ended (False while recording or after a crash),
    sources, rounds, bytes (the chunks' size on disk), tags, note."""
    meta, index = read_meta(folder), read_index(folder)
    started = meta.get("started_ns")
    ended = meta.get("ended_ns")
    last = max((e.get("end_ns", 0) for e in index), default=None)
    end = ended or last
    chunks = chunk_paths(folder)
    return {
        "id": folder.name, "path": str(folder), "started": meta.get("started"),
        "duration_s": (end - started) / 1e9 if started and end else None, "ended": bool(ended),
        "sources": meta.get("sources") or [], "rounds": sum(int(e.get("rounds", 0)) for e in index),
        "kind": meta.get("kind") or "rounds", "restarts": sum(int(e.get("restarts", 0)) for e in index),
        "chunks": len(chunks), "bytes": sum(p.stat().st_size for p in chunks),
        "tags": meta.get("tags") or {}, "note": meta.get("note") or "",
    }


def find_sessions(root: Path) -> list[Path]:
    """The session folders directly under ``root`` (a folder with ``chunks/``), oldest first."""
    if (root / CHUNKS).is_dir():
        return [root]
    try:
        folders = [p for p in root.iterdir() if (p / CHUNKS).is_dir()]
    except OSError:
        return []
    return sorted(folders, key=lambda p: (read_meta(p).get("started_ns") or 0, p.name))
