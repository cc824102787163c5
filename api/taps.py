"""Per-source reads for ``source=NAME`` and ``conditioning=raw|von_neumann``.

A ``SourceTap`` owns its own instance of one source (so it never competes with the
harvest's collector) and turns fresh collects into bytes:

    raw          the source's samples after its extraction stages (e.g. delta -> lsb),
                 nothing else: upstream's "raw" bytes. No entropy is claimed for them.
    von_neumann  raw, then Von Neumann debiasing (removes bias of independent bits)
    sha256       raw, then the ``sha256`` stage: 32 bytes out per 64 bytes in

These bytes bypass the pool: no mixing, no crediting, no health tests; they are for
measuring a source, not for keys. Reads are serialised per tap (one collect at a time)
and bounded by a deadline; all of this blocks, so callers run it in a worker thread.
"""

from __future__ import annotations

import threading
import time

from openentropy.engine.collector import Collector
from openentropy.engine.errors import EntropyTimeoutError, SourceUnavailableError
from openentropy.engine.outcome import Status
from openentropy.engine.profile import SourceSpec
from openentropy.pipelines.conditioners import as_bytes
from openentropy.pipelines.stages import Sha256Stage, VonNeumannStage

CONDITIONINGS = ("raw", "von_neumann", "sha256")
_FINISHING = {"raw": (), "von_neumann": (VonNeumannStage(),), "sha256": (Sha256Stage(),)}
#: Pause after a failed collect before the next try, so a source that fails at once
#: cannot spin a core until the request's deadline.
RETRY_PAUSE_S = 0.01


class SourceTap:
    def __init__(self, spec: SourceSpec):
        self.spec = spec
        self.name = spec.name
        self.collector = Collector(spec.source_class(spec.validated_params()), spec.name)
        self.stages = spec.extraction_stages()
        self._lock = threading.Lock()

    def read_once(self, conditioning: str, deadline: float) -> bytes:
        """One collect's worth of bytes (possibly none). Raises if the source cannot run."""
        budget = min(self.spec.deadline, max(0.0, deadline - time.monotonic()))
        outcome = self.collector.collect(self.spec.samples, time.monotonic_ns() + int(budget * 1e9))
        if outcome.status is Status.UNAVAILABLE:
            raise SourceUnavailableError(f"source '{self.name}' cannot run here: {outcome.error}")
        if outcome.status is not Status.OK:
            time.sleep(RETRY_PAUSE_S)
            return b""
        data = outcome.data
        for stage in (*self.stages, *_FINISHING[conditioning]):
            data = stage.apply(data)
        return as_bytes(data).tobytes()


def read_sources(taps: list[SourceTap], n: int, conditioning: str, timeout_s: float) -> bytes:
    """``n`` bytes from fresh collects of ``taps``, in turn; ``EntropyTimeoutError`` after ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    out = bytearray()
    while len(out) < n:
        for tap in taps:
            left = deadline - time.monotonic()
            if left <= 0:
                names = ", ".join(t.name for t in taps)
                raise EntropyTimeoutError(f"{names}: only {len(out)} of {n} {conditioning} bytes after {timeout_s:g} s")
            if not tap._lock.acquire(timeout=left):
                continue
            try:
                out += tap.read_once(conditioning, deadline)
            finally:
                tap._lock.release()
            if len(out) >= n:
                break
    return bytes(out[:n])
