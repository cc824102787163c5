"""The pool's ``drbg`` output mode: an SP 800-90A DRBG seeded from full-entropy pool output.

    seed      at first use: entropy_input = 32 bytes and nonce = 16 bytes, both drawn
              in full_entropy mode (every 256-bit block backed by 320 credited bits)
    reseed    after ``reseed_bytes`` output bytes or ``reseed_seconds``, whichever comes
              first, with 32 fresh full-entropy bytes (SP 800-90A 9.2); each reseed is
              counted and visible in the pool's status
    prediction_resistance
              every request first reseeds with fresh full-entropy bytes (SP 800-90A 9.3.1)

The DRBG's output is as unpredictable as its seed, up to its 256-bit security
strength; it credits nothing. Drawing seed material debits the ledger like any
full-entropy output.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from .drbg import create_drbg

#: SP 800-90A Table 3 (CTR_DRBG, AES-256) and Table 2 (HMAC_DRBG, SHA-256): 256-bit
#: security strength needs 256 bits of entropy input and a nonce of half that.
SEED_BYTES, NONCE_BYTES = 32, 16

FullEntropy = Callable[[int], bytes]


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
        self.reseeds = 0

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

    def generate(self, n: int) -> bytes:
        with self._lock:
            if self._drbg is None:
                self._drbg = create_drbg(
                    self.kind, self._full_entropy(SEED_BYTES), self._full_entropy(NONCE_BYTES),
                    b"openentropy pool drbg", entropy_source=self._full_entropy,
                )
                self._mark_seeded()
            elif self.prediction_resistance:
                out = self._drbg.generate(n, prediction_resistance=True)
                self._mark_seeded()
                self._since_reseed += n
                return out
            elif self.reseed_due():
                self._drbg.reseed(self._full_entropy(SEED_BYTES))
                self._mark_seeded()
            out = self._drbg.generate(n)
            self._since_reseed += n
            return out

    def _mark_seeded(self) -> None:
        self._since_reseed = 0
        self._seeded_at = time.monotonic()
        self.reseeds += 1
