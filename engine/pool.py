"""The entropy pool: per-source input buffers whose bytes carry their credit, a chained
SHA-256 state, and output in one of three modes.

Map of this module
    SourceState              per-source bookkeeping (upstream's ``SourceState``)
    EntropyPool.add_input    append a source's bytes with the credit they carry
    EntropyPool.draw         up to n output bytes: what the mode can give now, or after waiting
    EntropyPool.get_random_bytes   exactly n output bytes, or EntropyTimeoutError
    EntropyPool.status       a snapshot for front-ends (sources, ledger, counters)

The invariant (what anyone can check in ``oe pool`` or ``/pool/status``)
    Credit is carried by bytes. ``add_input(name, data, bits)`` appends ``data`` to the
    source's buffer together with the ``bits`` its health task vouched for (never more
    than 8 per byte, nothing for reference sources). Buffers are first in, first out;
    bytes dropped from a full buffer take their credit with them (``dropped``). Credit
    leaves a buffer only inside the very bytes that are hashed into the state
    (``hashed``). So at every moment::

        credited_in == buffered + hashed + dropped            (Ledger.balanced)

    and, in ``full_entropy`` mode (and for every DRBG seed), each released 32-byte block
    hashed input carrying at least 256 + 64 = 320 credited bits (SP 800-90C 4.4)::

        released_credit >= 320 x full-entropy blocks released

Output modes
    sha256        each block hashes up to ``input_per_block`` buffered bytes (weights set
                  each source's share) whatever credit they carry. It never blocks, except
                  once: without OS randomness, the first request waits (up to the timeout)
                  until at least 256 credited bits have gone into the state, as getrandom()
                  waits for the kernel's CRNG to be initialised.
    full_entropy  a block is built only when the buffers hold the credit for it: the
                  weighted ``input_per_block`` bytes, then as many more of the oldest
                  credited bytes as it takes to reach 320 bits. Requests wait for credit.
    drbg          an SP 800-90A DRBG instantiated and reseeded from full-entropy blocks
                  (see drbg_mode.py); fast, and waits only for seed material.

Output construction (upstream's chained SHA-256, with the state kept secret). For each
32-byte output block i::

    h_i      = SHA-256(state || input_i || counter_i (u64 LE) || time_ns (u64 LE) [|| os_i (8 B)])
    state    = h_i
    output_i = SHA-256(0x01 || h_i)

Upstream emits ``h_i`` itself and keeps it as its next state, so every output block is
the pool state; here output is a one-way function of the state. Forward secrecy: the
state is replaced by a hash of itself every block. Seeding the sha256 mode absorbs
every buffered byte at once: ``state = SHA-256(state || 0x02 || input)``.

Never repeating: ``counter`` increases by one per block and is hashed into every block;
the initial state hashes a per-pool nonce (pid, clocks, a process-wide sequence number,
and, when allowed, 32 bytes of OS randomness). After ``fork()`` the child's pool is
re-keyed with its pid (and OS randomness when allowed), its buffers and ledger start
empty, its DRBG is dropped, and a pool without OS randomness waits for 256 bits of the
child's own credit before it outputs anything (see fork_safety.py).
"""

from __future__ import annotations

import hashlib
import itertools
import math
import os
import threading
import time
from dataclasses import replace

from .accounting import EPSILON_BITS, CreditedBuffer, Ledger
from .block_input import BLOCK, BlockInputs, plan_full_entropy_block, sha256_inputs
from .drbg_mode import DrbgOutput
from openentropy.errors import EntropyTimeoutError, PoolError
from .fork_safety import track_for_fork
from .status import PoolStatus, SourceState

#: SP 800-90C (4.4, "full entropy"): an n-bit output is full-entropy when the conditioning
#: function received at least n + 64 bits of entropy for it.
FULL_ENTROPY_MARGIN_BITS = 64
BITS_PER_FULL_BLOCK = 8 * BLOCK + FULL_ENTROPY_MARGIN_BITS
#: Credit the sha256 state must have absorbed before its first output when no OS
#: randomness is mixed in: the state's 256 bits (Linux's CRNG waits for as many).
SEED_BITS = 256
MODES = ("sha256", "full_entropy", "drbg")
#: ``available_bytes`` plans at most this many full-entropy blocks (128 KiB): enough for
#: any round or request, cheap enough to ask often.
AVAILABLE_BLOCKS_PLANNED = 4096
_POOL_SEQUENCE = itertools.count()
_OUTPUT_DOMAIN, _SEED_DOMAIN, _FORK_DOMAIN = b"\x01", b"\x02", b"\x03"


class EntropyPool:
    """Thread-safe pool. All public methods may be called from any thread."""

    def __init__(
        self, *, mode: str = "sha256", os_random: bool = True, input_per_block: int = 256,
        buffer_limit: int = 1 << 20, timeout_s: float = 5.0, drbg: dict | None = None,
    ):
        if mode not in MODES:
            raise PoolError(f"unknown pool mode '{mode}'; known: {', '.join(MODES)}")
        if input_per_block < 0 or buffer_limit < 1:
            raise PoolError("input_per_block must be >= 0 and buffer_limit >= 1")
        if input_per_block == 0 and mode != "sha256":
            raise PoolError(f"input_per_block must be >= 1 in {mode} mode: every block hashes fresh input")
        self.mode = mode
        self.timeout_s = timeout_s
        self.os_random = os_random
        self.input_per_block = input_per_block
        self.buffer_limit = buffer_limit
        self.drbg = None
        if mode == "drbg":
            options = {"kind": "ctr_aes256", "reseed_bytes": 1 << 20, "reseed_seconds": 60.0, **(drbg or {})}
            self.drbg = DrbgOutput(full_entropy=self._seed_material, **options)
        self._sources: dict[str, SourceState] = {}
        self._buffers: dict[str, CreditedBuffer] = {}
        self._reset_locks()
        self._mixed = self._output = self._counter = 0
        self._credited = self._hashed = self._released = self._dropped = 0.0
        self._full_blocks = self._forks = 0
        self._pid = os.getpid()
        self._state = self._initial_state()
        self._state_bits = 0.0  # credit absorbed into the state since it was (re)keyed
        track_for_fork(self)

    def _reset_locks(self) -> None:
        self._lock = threading.Lock()
        self._credit_arrived = threading.Condition(self._lock)

    def _initial_state(self) -> bytes:
        nonce = b"openentropy pool v1" + b"".join(
            value.to_bytes(8, "little")
            for value in (os.getpid(), time.time_ns(), time.monotonic_ns(), next(_POOL_SEQUENCE), id(self))
        )
        if self.os_random:
            nonce += os.urandom(32)
        return hashlib.sha256(nonce).digest()

    @property
    def seeded(self) -> bool:
        """sha256 mode may output: OS randomness is mixed in, or 256 credited bits were absorbed."""
        return self.os_random or self._state_bits + EPSILON_BITS >= SEED_BITS

    # --- fork safety (called by fork_safety in the child, with no other thread alive) ---

    def after_fork_in_child(self) -> None:
        """Re-key the state, forget the parent's input and credit, drop the DRBG."""
        self._reset_locks()
        self._pid = os.getpid()
        for buffer in self._buffers.values():
            buffer.clear()
        for state in self._sources.values():
            state.total_bytes, state.credited_bits = 0, 0.0
        # an empty ledger: the parent's credit is the parent's (the counter goes on)
        self._mixed = self._output = self._full_blocks = 0
        self._credited = self._hashed = self._released = self._dropped = 0.0
        fresh = os.getpid().to_bytes(8, "little") + time.time_ns().to_bytes(8, "little")
        if self.os_random:
            fresh += os.urandom(32)
        self._state = hashlib.sha256(self._state + _FORK_DOMAIN + fresh).digest()
        self._state_bits = 0.0
        self._forks += 1
        if self.drbg is not None:
            self.drbg.forget()

    def _check_pid(self) -> None:
        """A fork that bypassed os.register_at_fork (e.g. a raw fork from C) is caught here."""
        if os.getpid() != self._pid:
            self.after_fork_in_child()

    # --- sources ---------------------------------------------------------------

    def add_source(self, name: str, weight: float = 1.0, *, physical: bool = True) -> None:
        """Register a source. Re-adding a name updates its weight."""
        if not weight > 0:
            raise PoolError(f"source '{name}': weight must be > 0, got {weight}")
        with self._lock:
            state = self._sources.get(name)
            if state is None:
                self._sources[name] = SourceState(name, weight, physical)
                self._buffers[name] = CreditedBuffer()
            else:
                state.weight = weight

    def _state_of(self, name: str) -> SourceState:
        try:
            return self._sources[name]
        except KeyError:
            raise PoolError(f"source '{name}' was not added to this pool") from None

    def add_input(self, name: str, data: bytes, credit_bits: float = 0.0) -> float:
        """Append ``data`` to ``name``'s buffer, carrying ``credit_bits``; returns the credit granted.

        The credit is what the source's health task vouched for. It is capped at 8 bits
        per byte, and reference (non-physical) sources earn none. The buffer keeps the
        newest ``buffer_limit`` bytes; older bytes are dropped with their credit.
        """
        if credit_bits < 0 or math.isnan(credit_bits):
            raise PoolError(f"credit must be a non-negative number of bits, got {credit_bits}")
        self._check_pid()
        with self._lock:
            state = self._state_of(name)
            granted = min(float(credit_bits), 8.0 * len(data)) if state.physical else 0.0
            buffer = self._buffers[name]
            buffer.append(data, granted)
            self._dropped += buffer.trim(self.buffer_limit)
            state.total_bytes += len(data)
            state.credited_bits += granted
            self._mixed += len(data)
            self._credited += granted
            self._credit_arrived.notify_all()
        return granted

    def record_collect(
        self, name: str, *, ok: bool, duration_s: float, shannon: float = 0.0, min_entropy: float = 0.0,
        healthy: bool | None = None, collect_failed: bool | None = None,
    ) -> None:
        """Update a source's statistics after a collect.

        ``healthy``: the caller's verdict (the engine's: this round's collect succeeded
        and the source's health monitor says healthy); None applies upstream's rule, more
        than 1 bit/byte of Shannon entropy. ``collect_failed`` (default: not ``ok``)
        counts a failure; a round held back by the start-up tests or quarantine is not
        one (the health monitor counts its own). Health states are not kept here: the
        monitors are their one source of truth (``Harvest.status`` reads them).
        """
        with self._lock:
            state = self._state_of(name)
            state.last_collect_time = duration_s
            if ok:
                state.last_shannon, state.last_min_entropy = shannon, min_entropy
            if not ok if collect_failed is None else collect_failed:
                state.failures += 1
            state.healthy = ok and (shannon > 1.0 if healthy is None else healthy)

    # --- hashing (callers hold the lock) --------------------------------------------

    def _chain(self, inputs: BlockInputs) -> list[bytes]:
        """Hash each block's input into the state; the blocks' output (module doc formula)."""
        sha256, state, out = hashlib.sha256, self._state, []
        append = out.append
        for row in inputs.rows:
            state = sha256(state + row).digest()
            append(sha256(_OUTPUT_DOMAIN + state).digest())
        self._state, self._counter = state, self._counter + len(out)
        self._hashed += inputs.bits
        self._state_bits += inputs.bits
        return out

    def _absorb_everything(self) -> None:
        """Seed the sha256 state with every buffered byte (and the credit they carry)."""
        parts, bits = [], 0.0
        for buffer in self._buffers.values():
            data, carried = buffer.take(len(buffer))
            parts.append(data)
            bits += carried
        self._state = hashlib.sha256(self._state + _SEED_DOMAIN + b"".join(parts)).digest()
        self._hashed += bits
        self._state_bits += bits

    def _sha256_output(self, n: int, deadline: float | None) -> bytes:
        with self._lock:
            while not self.seeded:
                self._absorb_everything()
                if self.seeded:
                    break
                left = 0.0 if deadline is None else deadline - time.monotonic()
                if left <= 0:
                    return b""
                self._credit_arrived.wait(left)
            blocks = -(-n // BLOCK)
            inputs = sha256_inputs(self._buffers, self._weights(), self.input_per_block, blocks,
                                   self._counter, self.os_random)
            return b"".join(self._chain(inputs))[:n]

    def _weights(self) -> dict[str, float]:
        return {name: s.weight for name, s in self._sources.items()}

    def _full_entropy_output(self, max_blocks: int, deadline: float | None, *, all_or_nothing: bool = False) -> list[bytes]:
        """Up to ``max_blocks`` full-entropy blocks, each hashing >= 320 credited bits.

        Waits for credit until ``deadline`` (None: never waits). With ``all_or_nothing``
        it builds nothing until all ``max_blocks`` are covered (a DRBG seed).
        """
        out: list[bytes] = []
        with self._lock:
            while len(out) < max_blocks:
                plans = self._plan_blocks(max_blocks - len(out))
                if plans and (not all_or_nothing or len(plans) == max_blocks):
                    inputs = BlockInputs.from_plans(plans, self._buffers, self._counter, self.os_random)
                    out += self._chain(inputs)
                    self._released += inputs.bits
                    self._full_blocks += len(plans)
                    continue
                left = 0.0 if deadline is None else deadline - time.monotonic()
                if left <= 0:
                    break
                self._credit_arrived.wait(left)
        return out

    def _plan_blocks(self, count: int) -> list[dict[str, int]]:
        cursors = {name: buffer.cursor() for name, buffer in self._buffers.items()}
        plans = []
        for _ in range(count):
            plan = plan_full_entropy_block(cursors, self._weights(), self.input_per_block, BITS_PER_FULL_BLOCK)
            if plan is None:
                break
            plans.append(plan)
        return plans

    def _seed_material(self, n: int, timeout_s: float) -> bytes:
        """``n`` full-entropy bytes for the DRBG, all at once or none, waiting up to ``timeout_s``."""
        blocks = -(-n // BLOCK)
        deadline = time.monotonic() + timeout_s if timeout_s > 0 else None
        out = self._full_entropy_output(blocks, deadline, all_or_nothing=True)
        if len(out) < blocks:
            raise EntropyTimeoutError(f"drbg seed: no {blocks} full-entropy blocks within {timeout_s:g} s")
        return b"".join(out)[:n]

    # --- output ------------------------------------------------------------------

    def available_bytes(self) -> int | None:
        """Bytes a request gets without waiting: None means unlimited (sha256 mode once
        seeded, drbg mode once its seed is due no sooner than its next request)."""
        self._check_pid()
        if self.mode == "sha256":
            return None if self.seeded else 0
        with self._lock:
            if self.mode == "drbg":
                needed = -(-self.drbg.seed_bytes_needed() // BLOCK)
                return None if len(self._plan_blocks(needed)) >= needed else 0
            return len(self._plan_blocks(AVAILABLE_BLOCKS_PLANNED)) * BLOCK

    def draw(self, n: int, timeout_s: float | None = 0.0) -> bytes:
        """Up to ``n`` output bytes: all of them unless the mode runs short of credit
        (or, in sha256 mode, is not seeded yet) and ``timeout_s`` passes first.

        ``timeout_s=0`` never waits: a run's round draws what its credit covers now.
        Fewer bytes than asked are whole 32-byte blocks; none is ever handed out twice.
        """
        if not isinstance(n, int) or n < 0:
            raise PoolError(f"byte count must be a non-negative integer, got {n!r}")
        self._check_pid()
        if n == 0:
            return b""  # nothing to make: no reseed, no credit spent
        deadline = None if not timeout_s else time.monotonic() + timeout_s
        if self.mode == "sha256":
            out = self._sha256_output(n, deadline)
        elif self.mode == "drbg":
            out = self._drbg_output(n, deadline)
        else:
            out = b"".join(self._full_entropy_output(-(-n // BLOCK), deadline))[:n]
        with self._lock:
            self._output += len(out)  # bytes handed to callers (DRBG seed material is not output)
        return out

    def _drbg_output(self, n: int, deadline: float | None) -> bytes:
        timeout = 0.0 if deadline is None else max(0.0, deadline - time.monotonic())
        try:
            return self.drbg.generate(n, timeout)
        except EntropyTimeoutError:
            return b""  # its seed is due and not covered in time; the DRBG is unchanged

    def get_random_bytes(self, n: int, timeout_s: float | None = None) -> bytes:
        """Exactly ``n`` output bytes in the pool's mode. Never repeats (see module doc).

        Waits for credit (or for the sha256 state's first seed) at most ``timeout_s``
        (default: the pool's), then raises ``EntropyTimeoutError``; nothing is returned
        for a request that timed out, and its bytes are never handed out later.
        """
        timeout = self.timeout_s if timeout_s is None else timeout_s
        out = self.draw(n, max(timeout, 1e-9))
        if len(out) < n:
            with self._lock:
                self._output -= len(out)
            raise EntropyTimeoutError(self._starved_message(len(out), n, timeout))
        return out

    def _starved_message(self, ready: int, n: int, timeout: float) -> str:
        balance = self.status().balance_bits
        if self.mode == "sha256":
            return (f"sha256: waited {timeout:g} s for the pool's first {SEED_BITS} credited bits "
                    f"({self._state_bits:.0f} absorbed so far, no OS randomness). "
                    "Are the sources failing their health tests? See 'oe pool'.")
        what = "full_entropy" if self.mode == "full_entropy" else "drbg: its seed"
        return (f"{what}: waited {timeout:g} s for {BITS_PER_FULL_BLOCK} credited bits per 32-byte block "
                f"({ready} of {n} bytes were ready); balance {balance:.0f} bits. "
                "Are the sources failing their health tests? See 'oe pool'.")

    def ledger(self) -> Ledger:
        with self._lock:
            return self._ledger()

    def _ledger(self) -> Ledger:
        buffered = sum(b.bits for b in self._buffers.values())
        return Ledger(self._credited, buffered, self._hashed, self._released, self._dropped)

    def status(self) -> PoolStatus:
        with self._lock:
            ledger = self._ledger()
            sources = []
            for name, state in self._sources.items():
                buffer = self._buffers[name]
                sources.append(replace(state, buffered_bytes=len(buffer), buffered_bits=buffer.bits))
            return PoolStatus(
                mode=self.mode,
                sources=tuple(sources),
                buffered_bytes=sum(len(b) for b in self._buffers.values()),
                mixed_bytes=self._mixed,
                credited_bits=ledger.credited_in,
                drawn_bits=ledger.released,
                balance_bits=ledger.buffered,
                bits_out=8 * self._output,
                output_bytes=self._output,
                blocks=self._counter,
                drbg_reseeds=self.drbg.reseeds if self.drbg else 0,
                drbg_instantiations=self.drbg.instantiations if self.drbg else 0,
                hashed_bits=ledger.hashed,
                dropped_bits=ledger.dropped,
                full_entropy_blocks=self._full_blocks,
                seeded=self.seeded,
                forks=self._forks,
            )
