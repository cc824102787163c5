"""The pool's ``drbg`` output mode: an SP 800-90A DRBG seeded from full-entropy pool output.

    seed      at first use: entropy_input = 32 bytes and nonce = 16 bytes, both drawn
              in full_entropy mode (every 256-bit block backed by 320 credited bits);
              counted as an instantiation, not a reseed
    reseed    after ``reseed_bytes`` output bytes or ``reseed_seconds``, whichever comes
              first, with 32 fresh full-entropy bytes (SP 800-90A 9.2); each reseed is
              counted and visible in the pool's status
    prediction_resistance
              every request first reseeds with fresh full-entropy bytes (SP 800-90A 9.3.1)

The DRBG's output is as unpredictable as its seed, up to its 256-bit security
strength; it credits nothing. Drawing seed material spends credit like any
full-entropy output. ``generate(n, seed_timeout_s)`` waits at most that long for seed
material (the callback raises ``EntropyTimeoutError``; the DRBG is then unchanged).

After ``fork()`` the pool calls ``forget()`` in the child: the instance is dropped, so
the child's next request instantiates a new DRBG from the child's own credit and never
repeats the parent's stream.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from .drbg import create_drbg

#: SP 800-90A Table 3 (CTR_DRBG, AES-256) and Table 2 (HMAC_DRBG, SHA-256): 256-bit
#: security strength needs 256 bits of entropy input and a nonce of half that.
SEED_BYTES, NONCE_BYTES = 32, 16

FullEntropy = Callable[[int, float], bytes]  # (bytes, timeout_s) -> full-entropy bytes


class DrbgOutput:
    def __init__(self, kind: str, full_entropy: FullEntropy, *, reseed_bytes: int, reseed_seconds: float,
                 prediction_resistance: bool = False):
        self.kind = kind
        self.reseed_bytes = reseed_bytes
        self.reseed_seconds = reseed_seconds
        self.prediction_resistance = prediction_resistance
        self._full_entropy = full_entropy
        self._drbg = None
        self._lock = threading.Lock()
        self._since_reseed = 0
        self._seeded_at = 0.0
        self._seed_timeout_s = 0.0
        self.reseeds = 0
        self.instantiations = 0

    @property
    def seeded(self) -> bool:
        return self._drbg is not None

    def reseed_due(self) -> bool:
        return (
            self._drbg is None
            or self.prediction_resistance
            or self._since_reseed >= self.reseed_bytes
            or time.monotonic() - self._seeded_at >= self.reseed_seconds
        )

    def seed_bytes_needed(self) -> int:
        """Full-entropy bytes the next request needs before it can generate."""
        if self._drbg is None:
            return SEED_BYTES + NONCE_BYTES
        return SEED_BYTES if self.reseed_due() else 0

    def forget(self) -> None:
        """Drop the instance (in a forked child: its state is the parent's)."""
        self._lock = threading.Lock()
        self._drbg = None
        self._since_reseed = 0

    def _entropy(self, n: int) -> bytes:
        return self._full_entropy(n, self._seed_timeout_s)

    def generate(self, n: int, seed_timeout_s: float = 0.0) -> bytes:
        """``n`` bytes; (re)seeds first when due, waiting at most ``seed_timeout_s`` for seed material."""
        with self._lock:
            self._seed_timeout_s = seed_timeout_s
            if self._drbg is None:
                material = self._entropy(SEED_BYTES + NONCE_BYTES)
                self._drbg = create_drbg(self.kind, material[:SEED_BYTES], material[SEED_BYTES:],
                                         b"openentropy pool drbg", entropy_source=self._entropy)
                self.instantiations += 1
                self._mark_seeded()
            elif self.prediction_resistance:
                out = self._drbg.generate(n, prediction_resistance=True)
                self.reseeds += 1
                self._mark_seeded()
                self._since_reseed += n
                return out
            elif self.reseed_due():
                self._drbg.reseed(self._entropy(SEED_BYTES))
                self.reseeds += 1
                self._mark_seeded()
            out = self._drbg.generate(n)
            self._since_reseed += n
            return out

    def _mark_seeded(self) -> None:
        self._since_reseed = 0
        self._seeded_at = time.monotonic()
