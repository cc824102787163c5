"""Bytes straight from one source, bypassing the pool: for measuring, never for keys.

    SourceReader(spec).read_once(conditioning, deadline)   one collect's worth of bytes
    read_sources(readers, n, conditioning, timeout_s)      n bytes from fresh collects
    stream_sources(readers, conditioning, stall_s)         every collect's bytes, forever

A reader owns its own instance of the source (so it never competes with a harvest's
collector) and turns fresh collects into bytes with ``extract``:

    raw          the source's samples after its extraction stages (e.g. delta -> lsb),
                 nothing else: upstream's "raw" bytes. No entropy is claimed for them.
    von_neumann  raw, then Von Neumann debiasing (removes bias of independent bits)
    sha256       raw, then the ``sha256`` stage: 32 bytes out per 64 bytes in

No mixing, no crediting, no health tests. Reads are serialised per reader (one collect
at a time) and bounded by a deadline; all of this blocks.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

from openentropy.pipelines.stages import Sha256Stage, VonNeumannStage

from .collector import Collector
from openentropy.errors import EntropyTimeoutError, SourceUnavailableError
from .extract import extract_bytes
from .outcome import Status
from .profile import SourceSpec

CONDITIONINGS = ("raw", "von_neumann", "sha256")
_FINISHING = {"raw": (), "von_neumann": (VonNeumannStage(),), "sha256": (Sha256Stage(),)}
#: Pause after a failed collect before the next try, so a source that fails at once
#: cannot spin a core until the request's deadline.
RETRY_PAUSE_S = 0.01


class SourceReader:
    def __init__(self, spec: SourceSpec):
        self.spec = spec
        self.name = spec.name
        self.collector = Collector(spec.source_class(spec.validated_params()), spec.name)
        self.stages = spec.extraction_stages()
        self.lock = threading.Lock()

    def read_once(self, conditioning: str, deadline: float) -> bytes:
        """One collect's worth of bytes (possibly none). Raises if the source cannot run."""
        if conditioning not in CONDITIONINGS:
            raise ValueError(f"conditioning must be one of {', '.join(CONDITIONINGS)}, got {conditioning!r}")
        budget = min(self.spec.deadline, max(0.0, deadline - time.monotonic()))
        outcome = self.collector.collect(self.spec.samples, time.monotonic_ns() + int(budget * 1e9))
        if outcome.status is Status.UNAVAILABLE:
            raise SourceUnavailableError(f"source '{self.name}' cannot run here: {outcome.error}")
        if outcome.status is not Status.OK:
            time.sleep(RETRY_PAUSE_S)
            return b""
        return extract_bytes((*self.stages, *_FINISHING[conditioning]), outcome.data).tobytes()


def read_sources(readers: list[SourceReader], n: int, conditioning: str, timeout_s: float) -> bytes:
    """``n`` bytes from fresh collects of ``readers``, in turn; ``EntropyTimeoutError`` after ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    out = bytearray()
    while len(out) < n:
        for reader in readers:
            left = deadline - time.monotonic()
            if left <= 0:
                names = ", ".join(r.name for r in readers)
                raise EntropyTimeoutError(f"{names}: only {len(out)} of {n} {conditioning} bytes after {timeout_s:g} s")
            if not reader.lock.acquire(timeout=left):
                continue
            try:
                out += reader.read_once(conditioning, deadline)
            finally:
                reader.lock.release()
            if len(out) >= n:
                break
    return bytes(out[:n])


def stream_sources(readers: list[SourceReader], conditioning: str, stall_s: float) -> Iterator[bytes]:
    """Fresh collects of ``readers`` in turn, without end: each collect's bytes as one chunk,
    none dropped. ``EntropyTimeoutError`` once no collect has given a byte for ``stall_s``."""
    last_bytes = time.monotonic()
    while True:
        for reader in readers:
            with reader.lock:
                chunk = reader.read_once(conditioning, time.monotonic() + reader.spec.deadline)
            if chunk:
                last_bytes = time.monotonic()
                yield chunk
            elif time.monotonic() - last_bytes > stall_s:
                names = ", ".join(r.name for r in readers)
                raise EntropyTimeoutError(f"{names}: no {conditioning} bytes for {stall_s:g} s")
