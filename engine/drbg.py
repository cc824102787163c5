"""SP 800-90A rev1 DRBGs: the common interface, the shared request logic, and a factory.

Map of this module
    Drbg              the Protocol the pool programs against
    DRBG_KINDS        read-only table ``kind -> "module:Class"``, imported lazily
    create_drbg       build and instantiate a DRBG by kind
    DrbgBase          what every mechanism shares: argument checks, the reseed counter,
                      splitting of large requests, prediction resistance, locking

The mechanisms themselves live in ``ctr_drbg.py`` (CTR_DRBG, AES-256, SP 800-90A 10.2.1)
and ``hmac_drbg.py`` (HMAC_DRBG, SHA-256, SP 800-90A 10.1.2). A mechanism only supplies
the three algorithms of SP 800-90A (instantiate, reseed, generate, each for a request the
standard allows) and its input-length limits; this module implements the "functions"
around them (SP 800-90A section 9) once.

None of this credits entropy. A DRBG stretches what it was seeded with: its output is
as unpredictable as ``entropy_input`` was, up to the security strength (256 bits here),
and no more. Whoever supplies ``entropy_input`` vouches for its min-entropy.

Requests (SP 800-90A 9.3.1)
    ``generate(n_bytes)`` accepts any size. Requests above ``MAX_REQUEST_BYTES`` (2^19
    bits, SP 800-90A Table 2 and Table 3) are served as consecutive generate calls of at
    most that size; each is a complete SP 800-90A request, so each ends with the state
    update and each counts against the reseed interval. ``additional_input`` is used by
    the first of them only; the rest are plain continuations.

Reseeding (SP 800-90A 9.3.1 steps 6-7)
    ``reseed_counter`` starts at 1 and grows by one per internal request. Once it would
    pass ``reseed_interval`` (at most 2^48, Tables 2 and 3) the DRBG reseeds from its
    ``entropy_source`` callback, or raises ``DrbgError`` if it has none.

Prediction resistance (SP 800-90A 9.3.1 step 7, 9.2)
    ``generate(..., prediction_resistance=True)`` first reseeds with fresh entropy from
    the callback and the caller's ``additional_input``, then generates with no additional
    input, exactly as the standard's generate function and the CAVP PR vectors do. A
    split request reseeds once, before its first part.

State and forward secrecy
    Every mechanism keeps its working state (Key and V) in two ``bytearray`` objects and
    overwrites them in place whenever the state changes: after every request (the
    "backtracking resistance" update that ends each SP 800-90A generate), on reseed and
    on ``uninstantiate`` (which zeroes them, SP 800-90A 9.4). The update is one-way, so a
    state captured now does not give earlier outputs. Limitation: Python's ``bytes``
    temporaries (hash and cipher results) are freed, not wiped, and OpenSSL holds its own
    copy of the AES key schedule until the cipher context is freed.
"""

from __future__ import annotations

import importlib
import threading
import types
from collections.abc import Callable
from typing import Literal, Protocol, runtime_checkable

from openentropy.errors import DrbgError

EntropySource = Callable[[int], bytes]
"""``source(n)`` returns fresh entropy input of at least ``n`` bytes (full entropy; exactly
48 for CTR_DRBG without df). It is called under the DRBG's lock, so it must not call back
into the same DRBG."""

SECURITY_STRENGTH = 256  # bits: AES-256 (SP 800-90A Table 3) and SHA-256 (Table 2)
MAX_REQUEST_BYTES = (1 << 19) // 8  # max_number_of_bits_per_request = 2^19, Tables 2 and 3
RESEED_INTERVAL = 1 << 48  # max reseed_interval = 2^48 requests, Tables 2 and 3
MAX_INPUT_BYTES = (1 << 35) // 8  # max length of entropy/personalization/additional input: 2^35 bits
MIN_NONCE_BYTES = SECURITY_STRENGTH // 16  # a nonce carries >= security_strength/2 bits (8.6.7)

Kind = Literal["ctr_aes256", "hmac_sha256"]

DRBG_KINDS = types.MappingProxyType(
    {
        "ctr_aes256": "openentropy.engine.ctr_drbg:CtrDrbg",
        "hmac_sha256": "openentropy.engine.hmac_drbg:HmacDrbg",
    }
)


@runtime_checkable
class Drbg(Protocol):
    """What the pool needs from a DRBG. All methods are thread-safe."""

    name: str
    security_strength: int

    @property
    def reseed_counter(self) -> int: ...

    def instantiate(self, entropy_input: bytes, nonce: bytes = b"", personalization_string: bytes = b"") -> None: ...

    def reseed(self, entropy_input: bytes, additional_input: bytes = b"") -> None: ...

    def generate(self, n_bytes: int, additional_input: bytes = b"", prediction_resistance: bool = False) -> bytes: ...

    def uninstantiate(self) -> None: ...


def create_drbg(
    kind: Kind,
    entropy_input: bytes,
    nonce: bytes = b"",
    personalization_string: bytes = b"",
    *,
    entropy_source: EntropySource | None = None,
    reseed_interval: int = RESEED_INTERVAL,
    **options,
) -> Drbg:
    """An instantiated DRBG of ``kind`` (see ``DRBG_KINDS``); ``options`` go to its class
    (``use_df=False`` selects CTR_DRBG without the derivation function)."""
    try:
        target = DRBG_KINDS[kind]
    except (KeyError, TypeError):
        raise DrbgError(f"DRBG kind {kind!r} is unknown; known: {', '.join(DRBG_KINDS)}") from None
    module, _, cls_name = target.partition(":")
    cls = getattr(importlib.import_module(module), cls_name)
    drbg = cls(entropy_source=entropy_source, reseed_interval=reseed_interval, **options)
    drbg.instantiate(entropy_input, nonce, personalization_string)
    return drbg


def as_input(value: object, what: str) -> bytes:
    """``value`` as bytes; text is refused (an encoding would be a silent guess)."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    raise DrbgError(f"{what} must be bytes, got {type(value).__name__}")


class DrbgBase:
    """The SP 800-90A functions (section 9) over a mechanism's algorithms (section 10).

    Subclasses set ``name``, the length limits below, and implement ``_instantiate_algorithm``,
    ``_reseed_algorithm``, ``_generate_algorithm`` and ``_wipe``. They are called under the
    lock with arguments already checked, and with requests of at most ``MAX_REQUEST_BYTES``.
    """

    name = "drbg"
    security_strength = SECURITY_STRENGTH
    min_entropy_bytes = SECURITY_STRENGTH // 8  # entropy input >= security_strength bits
    max_entropy_bytes = MAX_INPUT_BYTES
    min_nonce_bytes = MIN_NONCE_BYTES
    max_nonce_bytes = MAX_INPUT_BYTES
    max_personalization_bytes = MAX_INPUT_BYTES
    max_additional_bytes = MAX_INPUT_BYTES

    def __init__(self, *, entropy_source: EntropySource | None = None, reseed_interval: int = RESEED_INTERVAL):
        if not isinstance(reseed_interval, int) or not 1 <= reseed_interval <= RESEED_INTERVAL:
            raise DrbgError(f"reseed_interval must be an integer in [1, 2^48] (SP 800-90A Table 2/3), got {reseed_interval!r}")
        self.entropy_source = entropy_source
        self.reseed_interval = reseed_interval
        self._lock = threading.Lock()
        self._instantiated = False
        self._reseed_counter = 0

    @property
    def reseed_counter(self) -> int:
        return self._reseed_counter

    # --- argument checks ----------------------------------------------------------

    def _check_length(self, data: bytes, what: str, low: int, high: int) -> None:
        if not low <= len(data) <= high:
            need = f"exactly {low}" if low == high else f"at least {low}" if len(data) < low else f"at most {high}"
            raise DrbgError(f"{self.name}: {what} is {len(data)} bytes; it must be {need} bytes")

    def _entropy(self, entropy_input: object) -> bytes:
        data = as_input(entropy_input, "entropy_input")
        self._check_length(data, "entropy_input", self.min_entropy_bytes, self.max_entropy_bytes)
        return data

    def _additional(self, additional_input: object) -> bytes:
        data = as_input(additional_input, "additional_input")
        self._check_length(data, "additional_input", 0, self.max_additional_bytes)
        return data

    def _require_instantiated(self, action: str) -> None:
        if not self._instantiated:
            raise DrbgError(f"{self.name}: cannot {action} before instantiate(); call instantiate(entropy_input, nonce) first")

    # --- SP 800-90A functions --------------------------------------------------------

    def instantiate(self, entropy_input: bytes, nonce: bytes = b"", personalization_string: bytes = b"") -> None:
        """Seed a fresh state (SP 800-90A 9.1). Refuses an already instantiated DRBG."""
        entropy = self._entropy(entropy_input)
        nonce = as_input(nonce, "nonce")
        self._check_length(nonce, "nonce", self.min_nonce_bytes, self.max_nonce_bytes)
        personalization = as_input(personalization_string, "personalization_string")
        self._check_length(personalization, "personalization_string", 0, self.max_personalization_bytes)
        with self._lock:
            if self._instantiated:
                raise DrbgError(f"{self.name}: already instantiated; call uninstantiate() first")
            self._instantiate_algorithm(entropy, nonce, personalization)
            self._instantiated, self._reseed_counter = True, 1

    def reseed(self, entropy_input: bytes, additional_input: bytes = b"") -> None:
        """Mix fresh entropy into the state and restart the reseed counter (SP 800-90A 9.2)."""
        entropy, additional = self._entropy(entropy_input), self._additional(additional_input)
        with self._lock:
            self._require_instantiated("reseed")
            self._reseed_locked(entropy, additional)

    def _reseed_locked(self, entropy: bytes, additional: bytes) -> None:
        self._reseed_algorithm(entropy, additional)
        self._reseed_counter = 1

    def _fresh_entropy(self, why: str) -> bytes:
        if self.entropy_source is None:
            raise DrbgError(f"{self.name}: {why}, but no entropy_source was given; pass one or call reseed()")
        data = self.entropy_source(self.min_entropy_bytes)
        try:
            return self._entropy(data)
        except DrbgError as error:
            raise DrbgError(f"{self.name}: entropy_source returned bad input: {error}") from None

    def generate(self, n_bytes: int, additional_input: bytes = b"", prediction_resistance: bool = False) -> bytes:
        """``n_bytes`` pseudorandom bytes (SP 800-90A 9.3.1); see the module doc for splitting."""
        if isinstance(n_bytes, bool) or not isinstance(n_bytes, int) or n_bytes < 0:
            raise DrbgError(f"{self.name}: byte count must be a non-negative integer, got {n_bytes!r}")
        additional = self._additional(additional_input)
        with self._lock:
            self._require_instantiated("generate")
            out = bytearray()
            while len(out) < n_bytes:
                if prediction_resistance and not out:
                    self._reseed_locked(self._fresh_entropy("prediction resistance was requested"), additional)
                    additional = b""
                elif self._reseed_counter > self.reseed_interval:
                    self._reseed_locked(self._fresh_entropy("the reseed interval is exhausted"), b"")
                out += self._generate_algorithm(min(n_bytes - len(out), MAX_REQUEST_BYTES), additional)
                self._reseed_counter += 1
                additional = b""
            return bytes(out)

    def uninstantiate(self) -> None:
        """Zero the state (SP 800-90A 9.4); the DRBG can be instantiated again."""
        with self._lock:
            self._wipe()
            self._instantiated, self._reseed_counter = False, 0

    # --- the mechanism (SP 800-90A section 10) ---------------------------------------

    def _instantiate_algorithm(self, entropy: bytes, nonce: bytes, personalization: bytes) -> None:
        raise NotImplementedError

    def _reseed_algorithm(self, entropy: bytes, additional: bytes) -> None:
        raise NotImplementedError

    def _generate_algorithm(self, n_bytes: int, additional: bytes) -> bytes:
        raise NotImplementedError

    def _wipe(self) -> None:
        raise NotImplementedError
