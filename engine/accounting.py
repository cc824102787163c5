"""Credit that travels with the bytes carrying it: per-source input buffers, first in,
first out, and the pool's ledger totals.

    CreditedBuffer.append(data, bits)   input and the credit its health task vouched for
    CreditedBuffer.take(n)              the oldest n bytes, with their credit
    CreditedBuffer.cursor()             plan takes (bytes or credit) without changing anything;
                                        ``discard(cursor.bytes)`` then commits the plan
    CreditedBuffer.trim(limit)          drop the oldest bytes past limit, with their credit
    Ledger                              a snapshot of where every credited bit went

Assumption. A segment (the bytes one round's health task credited as a whole) carries
its credit evenly: ``k`` of its ``b`` bytes carry ``bits * k / b``. Splitting rounds the
byte count *up* (``ceil``), so a take never carries less credit than asked for; the
overspend is at most one byte's share per split segment.

Nothing here hashes or mixes; crediting is only ever done by ``append`` and spent only
by removing the bytes that carry it. So "credit in" always equals credit buffered +
credit hashed + credit dropped (``Ledger.balanced``).

Storage: one ``bytearray`` of the data (so the pool can copy many blocks' worth out of
it in one numpy slice) beside a deque of ``[bytes, bits]`` segment records.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass

#: Float tolerance when comparing sums of credit (bits): credit is a float sum of many
#: per-round figures, so exact comparisons would fail on rounding alone.
EPSILON_BITS = 1e-6


class CreditedBuffer:
    """One source's unhashed input and its credit, oldest first. Not thread-safe: the
    pool guards it with its own lock."""

    def __init__(self) -> None:
        self.data = bytearray()
        self._segments: deque[list] = deque()  # [bytes, bits], oldest first
        self.bits = 0.0

    def __len__(self) -> int:
        return len(self.data)

    def append(self, data: bytes, bits: float) -> None:
        if not data:
            return
        self.data += data
        self._segments.append([len(data), float(bits)])
        self.bits += bits

    def cursor(self) -> "Cursor":
        return Cursor(self)

    def take(self, n: int) -> tuple[bytes, float]:
        """The oldest ``min(n, len)`` bytes and the credit they carry."""
        n = min(n, len(self.data))
        out = bytes(self.data[:n])
        return out, self._remove(n)

    def discard(self, n: int) -> float:
        """Remove the oldest ``n`` bytes (already copied out by the caller); their credit."""
        return self._remove(min(n, len(self.data)))

    def trim(self, limit: int) -> float:
        """Keep the newest ``limit`` bytes; returns the credit dropped with the rest."""
        excess = len(self.data) - limit
        return self._remove(excess) if excess > 0 else 0.0

    def clear(self) -> float:
        return self._remove(len(self.data))

    def _remove(self, n: int) -> float:
        removed, left = 0.0, n
        while left > 0:
            segment = self._segments[0]
            size, seg_bits = segment
            if size <= left:
                self._segments.popleft()
                removed, left = removed + seg_bits, left - size
            else:
                share = seg_bits * left / size
                segment[0], segment[1] = size - left, seg_bits - share
                removed, left = removed + share, 0
        del self.data[:n]
        self.bits = self.bits - removed if self._segments else 0.0
        return removed


class Cursor:
    """A plan of takes from one buffer, oldest first; the buffer is not changed.

    ``take_bytes(n)`` and ``take_credit(bits)`` advance it and return (bytes, bits) of
    that step; ``bytes`` and ``bits`` are the plan's totals. Several blocks can be
    planned one after another and committed at once with ``buffer.discard(cursor.bytes)``.
    """

    def __init__(self, buffer: CreditedBuffer):
        self._segments = buffer._segments
        self._index = 0  # segment being read
        self._used = 0  # bytes of that segment already planned
        self._total = buffer.bits
        self._length = len(buffer)
        self.bytes = 0
        self.bits = 0.0

    def _current(self) -> tuple[int, float] | None:
        if self._index >= len(self._segments):
            return None
        size, seg_bits = self._segments[self._index]
        return size - self._used, seg_bits / size

    def _advance(self, k: int, per_byte: float, left: int) -> float:
        self._used += k
        if k == left:
            self._index, self._used = self._index + 1, 0
        self.bytes += k
        self.bits += k * per_byte
        return k * per_byte

    def take_bytes(self, n: int) -> tuple[int, float]:
        count, carried = 0, 0.0
        while count < n and (current := self._current()) is not None:
            left, per_byte = current
            k = min(left, n - count)
            carried += self._advance(k, per_byte, left)
            count += k
        return count, carried

    def take_credit(self, bits: float) -> tuple[int, float]:
        """The fewest next bytes carrying >= ``bits`` (or all that are left)."""
        count, carried = 0, 0.0
        while carried + EPSILON_BITS < bits and (current := self._current()) is not None:
            left, per_byte = current
            k = left if per_byte <= 0 else min(left, math.ceil((bits - carried) / per_byte - EPSILON_BITS))
            carried += self._advance(max(k, 1), per_byte, left)
            count += max(k, 1)
        return count, carried

    @property
    def bytes_left(self) -> int:
        return self._length - self.bytes

    @property
    def bits_left(self) -> float:
        """Credit not yet planned."""
        return self._total - self.bits


@dataclass(frozen=True)
class Ledger:
    """Where every credited bit went, over the pool's life (bits)."""

    credited_in: float  # vouched for by health tasks and appended with their bytes
    buffered: float  # still waiting in the buffers, with the bytes that carry it
    hashed: float  # went into the state with the bytes that carry it
    released: float  # of ``hashed``: behind released full-entropy blocks (and DRBG seeds)
    dropped: float  # left with bytes dropped from a full buffer (or cleared at fork)

    @property
    def balanced(self) -> bool:
        """The invariant: credited = buffered + hashed + dropped."""
        total = self.buffered + self.hashed + self.dropped
        return abs(self.credited_in - total) <= EPSILON_BITS * max(1.0, self.credited_in)
