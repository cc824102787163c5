"""HMAC_DRBG with SHA-256 (SP 800-90A rev1, section 10.1.2).

State (SP 800-90A 10.1.2.1), each overwritten in place (see ``drbg.py``)
    _key  :: bytearray(32)   Key, the HMAC key
    _v    :: bytearray(32)   V, chained through HMAC(Key, V) once per output block
    reseed_counter           kept by ``DrbgBase``

Parameters for SHA-256 (SP 800-90A Table 2): outlen = 256 bits, security strength 256
bits, so entropy input of at least 32 bytes and a nonce of at least 16 bytes (8.6.7).
Every input is used whole; no derivation function is involved.

Algorithms
    Update(data):  K = HMAC(K, V || 0x00 || data); V = HMAC(K, V);
                   if data: K = HMAC(K, V || 0x01 || data); V = HMAC(K, V)      (10.1.2.2)
    Instantiate:   K = 0x00 * 32, V = 0x01 * 32, Update(entropy || nonce || pers) (10.1.2.3)
    Reseed:        Update(entropy || additional)                                (10.1.2.4)
    Generate:      if additional: Update(additional); V = HMAC(K, V) per 32-byte block;
                   Update(additional)  -- always, even when it is empty          (10.1.2.5)

Speed: one HMAC per 32 output bytes is the algorithm's cost; the key's inner and outer
pads are computed once per request (an HMAC object keyed with K, copied per block).
"""

from __future__ import annotations

import hashlib
import hmac

from .drbg import DrbgBase

OUT_BYTES = 32  # outlen = 256 bits for SHA-256 (SP 800-90A Table 2)


class HmacDrbg(DrbgBase):
    """HMAC_DRBG with HMAC-SHA-256."""

    name = "hmac_sha256"

    def __init__(self, **options):
        super().__init__(**options)
        self._key = bytearray(OUT_BYTES)
        self._v = bytearray(OUT_BYTES)

    def _update(self, provided_data: bytes) -> None:
        """HMAC_DRBG_Update (10.1.2.2)."""
        key, v = bytes(self._key), bytes(self._v)
        key = hmac.digest(key, v + b"\x00" + provided_data, hashlib.sha256)
        v = hmac.digest(key, v, hashlib.sha256)
        if provided_data:
            key = hmac.digest(key, v + b"\x01" + provided_data, hashlib.sha256)
            v = hmac.digest(key, v, hashlib.sha256)
        self._key[:], self._v[:] = key, v

    def _instantiate_algorithm(self, entropy: bytes, nonce: bytes, personalization: bytes) -> None:
        self._key[:] = b"\x00" * OUT_BYTES  # Key = 0x00 00...00 (10.1.2.3 step 2)
        self._v[:] = b"\x01" * OUT_BYTES  # V = 0x01 01...01 (10.1.2.3 step 3)
        self._update(entropy + nonce + personalization)

    def _reseed_algorithm(self, entropy: bytes, additional: bytes) -> None:
        self._update(entropy + additional)

    def _generate_algorithm(self, n_bytes: int, additional: bytes) -> bytes:
        if additional:
            self._update(additional)
        keyed = hmac.new(bytes(self._key), digestmod=hashlib.sha256)
        v = bytes(self._v)
        out = bytearray()
        while len(out) < n_bytes:  # 10.1.2.5 step 4
            mac = keyed.copy()
            mac.update(v)
            v = mac.digest()
            out += v
        self._v[:] = v
        self._update(additional)  # step 6: backtracking resistance
        return bytes(out[:n_bytes])

    def _wipe(self) -> None:
        self._key[:] = bytes(OUT_BYTES)
        self._v[:] = bytes(OUT_BYTES)
