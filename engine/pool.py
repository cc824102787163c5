"""The entropy pool: per-source input buffers, credit bookkeeping, and chained SHA-256 output.

Map of this module
    SourceState       per-source bookkeeping (upstream's ``SourceState``)
    EntropyPool.mix       add a source's bytes to its buffer            -- credits nothing
    EntropyPool.credit    record how many bits of entropy they carry   -- mixes nothing
    EntropyPool.get_random_bytes   draw output blocks, in the pool's output mode
    EntropyPool.status    a snapshot for front-ends (sources, ledger, counters)

Output modes
    sha256        the construction below; never blocks, never waits for credit
    full_entropy  SP 800-90C style: each 256-bit block is released only when 256 + 64
                  credited bits stand behind it (the ledger is debited; see
                  accounting.py); otherwise the request waits, up to a timeout
    drbg          an SP 800-90A DRBG seeded and reseeded from full_entropy output
                  (see drbg_mode.py); fast, and waits only for (re)seed material

Mixing and crediting are separate on purpose (as in Linux random.c): bytes of unknown
quality may always be mixed, because mixing can only help an attacker-unknown state,
but only estimates that the pool's caller vouches for become credit.

Output construction (upstream's chained SHA-256, with the state kept secret). For each
32-byte output block i::

    h_i      = SHA-256(state || chunk_i || counter_i (u64 LE) || time_ns (u64 LE) [|| os_i (8 B)])
               (time_ns is read once per request; the counter separates its blocks)
    state    = h_i
    output_i = SHA-256(0x01 || h_i)

``chunk_i`` is up to ``input_per_block`` bytes drawn from the sources' buffers, each
source contributing in proportion to its weight. Upstream emits ``h_i`` itself and
keeps it as the next state, so every output block *is* the pool state; here the output
is a one-way function of the state, so output reveals nothing that predicts the next
block. Forward secrecy: the state is replaced by a hash of itself every block, so a
captured state does not give earlier states (SHA-256 preimage resistance).

Never repeating: ``counter`` increases by one per block and is hashed into every block,
and the initial state is a hash of a per-pool nonce (pid, wall and monotonic clocks, a
process-wide pool sequence number, and, when allowed, 32 bytes of OS randomness). Two
pools thus start in different states, and one pool never hashes the same input twice.
"""

from __future__ import annotations

import hashlib
import itertools
import math
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, replace

import numpy as np

from .accounting import EntropyAccount
from .drbg_mode import DrbgOutput
from .errors import EntropyTimeoutError, PoolError

BLOCK = 32  # SHA-256 digest size: bytes per output block
#: SP 800-90C (4.4, "full entropy"): an n-bit output is full-entropy when the conditioning
#: function received at least n + 64 bits of entropy for it.
FULL_ENTROPY_MARGIN_BITS = 64
BITS_PER_FULL_BLOCK = 8 * BLOCK + FULL_ENTROPY_MARGIN_BITS
MODES = ("sha256", "full_entropy", "drbg")
_POOL_SEQUENCE = itertools.count()
_OUTPUT_DOMAIN = b"\x01"


@dataclass
class SourceState:
    """What the pool knows about one source (upstream ``SourceState`` plus credits)."""

    name: str
    weight: float
    physical: bool = True
    total_bytes: int = 0
    credited_bits: float = 0.0
    failures: int = 0
    last_shannon: float = 0.0
    last_min_entropy: float = 0.0
    last_collect_time: float = 0.0
    healthy: bool = False
    health: str = "startup"  # SP 800-90B state: startup | healthy | quarantined
    health_failures: int = 0
    last_health_failure: str = ""  # "<test> at <ISO time>"


@dataclass(frozen=True)
class PoolStatus:
    mode: str
    sources: tuple[SourceState, ...]
    buffered_bytes: int
    mixed_bytes: int
    credited_bits: float  # credited in, over the pool's life
    drawn_bits: float  # debited by full-entropy output
    balance_bits: float  # credited entropy available now
    bits_out: int  # 8 x output bytes
    output_bytes: int
    blocks: int
    drbg_reseeds: int = 0

    def to_dict(self) -> dict:
        return asdict(self)


class EntropyPool:
    """Thread-safe pool. All public methods may be called from any thread."""

    def __init__(
        self, *, mode: str = "sha256", os_random: bool = True, input_per_block: int = 256,
        buffer_limit: int = 1 << 20, timeout_s: float = 5.0, drbg: dict | None = None,
    ):
        if input_per_block < 0 or buffer_limit < 1:
            raise PoolError("input_per_block must be >= 0 and buffer_limit >= 1")
        if mode not in MODES:
            raise PoolError(f"unknown pool mode '{mode}'; known: {', '.join(MODES)}")
        self.mode = mode
        self.timeout_s = timeout_s
        self.drbg = None
        if mode == "drbg":
            options = {"kind": "ctr_aes256", "reseed_bytes": 1 << 20, "reseed_seconds": 60.0, **(drbg or {})}
            self.drbg = DrbgOutput(full_entropy=lambda k: self._full_entropy(k, self.timeout_s), **options)
        # the ledger cannot hold more entropy than the buffers that carry it
        self.account = EntropyAccount(capacity_bits=8 * buffer_limit)
        self.os_random = os_random
        self.input_per_block = input_per_block
        self.buffer_limit = buffer_limit
        self._lock = threading.Lock()
        self._sources: dict[str, SourceState] = {}
        self._buffers: dict[str, bytearray] = {}
        self._mixed = 0
        self._output = 0
        self._counter = 0
        self._state = self._initial_state()

    def _initial_state(self) -> bytes:
        nonce = b"openentropy pool v1" + b"".join(
            value.to_bytes(8, "little")
            for value in (os.getpid(), time.time_ns(), time.monotonic_ns(), next(_POOL_SEQUENCE), id(self))
        )
        if self.os_random:
            nonce += os.urandom(32)
        return hashlib.sha256(nonce).digest()

    # --- sources ---------------------------------------------------------------

    def add_source(self, name: str, weight: float = 1.0, *, physical: bool = True) -> None:
        """Register a source. Re-adding a name updates its weight."""
        if not weight > 0:
            raise PoolError(f"source '{name}': weight must be > 0, got {weight}")
        with self._lock:
            state = self._sources.get(name)
            if state is None:
                self._sources[name] = SourceState(name, weight, physical)
                self._buffers[name] = bytearray()
            else:
                state.weight = weight

    def _state_of(self, name: str) -> SourceState:
        try:
            return self._sources[name]
        except KeyError:
            raise PoolError(f"source '{name}' was not added to this pool") from None

    def mix(self, name: str, data: bytes) -> None:
        """Append ``data`` to ``name``'s buffer. Credits no entropy.

        The buffer keeps the newest ``buffer_limit`` bytes; older unmixed bytes are
        dropped (they would add nothing a fresher byte does not).
        """
        with self._lock:
            state = self._state_of(name)
            buffer = self._buffers[name]
            buffer += data
            if len(buffer) > self.buffer_limit:
                del buffer[: len(buffer) - self.buffer_limit]
            state.total_bytes += len(data)
            self._mixed += len(data)

    def credit(self, name: str, bits: float) -> float:
        """Record ``bits`` of entropy for ``name``; returns what was credited.

        Reference (non-physical) sources earn no credit. Mixes nothing.
        """
        if bits < 0 or math.isnan(bits):
            raise PoolError(f"credit must be a non-negative number of bits, got {bits}")
        with self._lock:
            state = self._state_of(name)
            granted = bits if state.physical else 0.0
            state.credited_bits += granted
        if granted:
            self.account.credit(granted)
        return granted

    def record_collect(
        self, name: str, *, ok: bool, duration_s: float, shannon: float = 0.0, min_entropy: float = 0.0,
        health: str | None = None, health_failures: int | None = None, last_health_failure: str = "",
        collect_failed: bool | None = None,
    ) -> None:
        """Update a source's statistics after a collect.

        ``healthy`` means: this round's collect succeeded and the source is in the
        SP 800-90B ``healthy`` state (when health is reported; otherwise upstream's rule,
        more than 1 bit/byte of Shannon entropy). ``collect_failed`` (default: not
        ``ok``) counts a failure; a round held back by the start-up tests or quarantine
        is not one (the health tests count theirs).
        """
        with self._lock:
            state = self._state_of(name)
            state.last_collect_time = duration_s
            if ok:
                state.last_shannon, state.last_min_entropy = shannon, min_entropy
            failed = not ok if collect_failed is None else collect_failed
            if failed:
                state.failures += 1
            if health is not None:
                state.health = health
            if health_failures is not None:
                state.health_failures = health_failures
            if last_health_failure:
                state.last_health_failure = last_health_failure
            state.healthy = ok and (state.health == "healthy" if health is not None else shannon > 1.0)

    # --- output ------------------------------------------------------------------

    def _quotas(self) -> dict[str, int]:
        ready = {name: s.weight for name, s in self._sources.items() if self._buffers[name]}
        total = sum(ready.values())
        return {name: max(1, round(self.input_per_block * w / total)) for name, w in ready.items()} if total else {}

    def _tail(self, blocks: int) -> np.ndarray:
        """Per block: counter (u64 LE), time_ns (u64 LE, read once per request) [, 8 OS bytes]."""
        tail = np.empty((blocks, 16 + 8 * self.os_random), np.uint8)
        tail[:, :8] = np.arange(self._counter, self._counter + blocks, dtype="<u8").view(np.uint8).reshape(blocks, 8)
        tail[:, 8:16] = np.frombuffer(time.time_ns().to_bytes(8, "little"), np.uint8)
        if self.os_random:
            tail[:, 16:] = np.frombuffer(os.urandom(8 * blocks), np.uint8).reshape(blocks, 8)
        return tail

    def _block_inputs(self, blocks: int) -> Iterator[bytes | memoryview]:
        """Everything each block hashes after the state: chunk || counter || time [|| os].

        The chunk is each source's weighted slice, in registry order. When every source
        can fill its quota (the common case) all blocks' inputs are laid out in one
        numpy matrix, copied once out of the buffers; otherwise chunks are ragged.
        """
        quotas = self._quotas() if self.input_per_block else {}
        takes = {name: min(len(self._buffers[name]), q * blocks) for name, q in quotas.items()}
        tail = self._tail(blocks)
        if all(takes[name] == q * blocks for name, q in quotas.items()):
            width = sum(quotas.values())
            rows = np.empty((blocks, width + tail.shape[1]), np.uint8)
            column = 0
            for name, q in quotas.items():
                buffer = self._buffers[name]
                with memoryview(buffer) as view:
                    source = np.frombuffer(view, np.uint8, count=q * blocks)
                    rows[:, column : column + q] = source.reshape(blocks, q)
                    del source  # release the export before the buffer shrinks
                del buffer[: q * blocks]
                column += q
            rows[:, width:] = tail
            flat, stride = memoryview(rows.reshape(-1)), rows.shape[1]
            return (flat[i * stride : (i + 1) * stride] for i in range(blocks))
        slices = []
        for name, q in quotas.items():
            buffer = self._buffers[name]
            slices.append((q, bytes(buffer[: takes[name]])))
            del buffer[: takes[name]]
        return (
            b"".join(data[i * q : (i + 1) * q] for q, data in slices) + tail[i].tobytes() for i in range(blocks)
        )

    def _generate(self, n: int) -> bytes:
        """``n`` bytes of the chained construction (the module docstring's formula)."""
        blocks = -(-n // BLOCK)
        if blocks == 0:
            return b""
        sha256 = hashlib.sha256
        with self._lock:
            state, out = self._state, []
            append = out.append
            for row in self._block_inputs(blocks):
                state = sha256(state + row).digest()
                append(sha256(_OUTPUT_DOMAIN + state).digest())
            self._state, self._counter = state, self._counter + blocks
        return b"".join(out)[:n]

    def available_bytes(self) -> int | None:
        """Bytes a request gets without waiting: None means unlimited (sha256 mode)."""
        if self.mode == "sha256":
            return None
        full_blocks = int(self.account.available() // BITS_PER_FULL_BLOCK)
        if self.mode == "drbg":
            needed = -(-self.drbg.seed_bytes_needed() // BLOCK)
            return None if full_blocks >= needed else 0
        return full_blocks * BLOCK

    def get_random_bytes(self, n: int, timeout_s: float | None = None) -> bytes:
        """``n`` output bytes in the pool's mode. Never repeats (see module doc).

        In ``full_entropy`` mode it waits for credit, at most ``timeout_s`` (default:
        the pool's), then raises ``EntropyTimeoutError``; nothing is returned for a
        request that timed out, and its bytes are never handed out later.
        """
        if not isinstance(n, int) or n < 0:
            raise PoolError(f"byte count must be a non-negative integer, got {n!r}")
        if self.mode == "sha256":
            out = self._generate(n)
        elif self.mode == "drbg":
            out = self.drbg.generate(n)
        else:
            out = self._full_entropy(n, self.timeout_s if timeout_s is None else timeout_s)
        with self._lock:
            self._output += n  # bytes handed to callers (seed material drawn internally is not output)
        return out

    def _full_entropy(self, n: int, timeout_s: float) -> bytes:
        """Full-entropy bytes: every 32-byte block debits 320 credited bits first."""
        deadline = time.monotonic() + timeout_s
        out = bytearray()
        while len(out) < n:
            blocks = min(-(-(n - len(out)) // BLOCK), max(1, int(self.account.available() // BITS_PER_FULL_BLOCK)))
            if not self.account.wait_debit(blocks * BITS_PER_FULL_BLOCK, max(0.0, deadline - time.monotonic())):
                ledger = self.account.ledger()
                raise EntropyTimeoutError(
                    f"full_entropy: waited {timeout_s:g} s for {blocks * BITS_PER_FULL_BLOCK} credited bits "
                    f"({len(out)} of {n} bytes were ready); balance {ledger.balance:.0f} bits. "
                    "Are the sources failing their health tests? See 'oe pool'."
                )
            out += self._generate(min(blocks * BLOCK, n - len(out)))
        return bytes(out)

    def status(self) -> PoolStatus:
        ledger = self.account.ledger()
        with self._lock:
            return PoolStatus(
                mode=self.mode,
                sources=tuple(replace(s) for s in self._sources.values()),
                buffered_bytes=sum(len(b) for b in self._buffers.values()),
                mixed_bytes=self._mixed,
                credited_bits=ledger.credited_in,
                drawn_bits=ledger.drawn_out,
                balance_bits=ledger.balance,
                bits_out=8 * self._output,
                output_bytes=self._output,
                blocks=self._counter,
                drbg_reseeds=self.drbg.reseeds if self.drbg else 0,
            )
