"""The pool's entropy ledger: credited bits in, bits drawn out, and the balance between.

Crediting and drawing are the only two operations; neither mixes data (see pool.py).

    credit(bits)                 the health-tested, estimated entropy of mixed input
    debit(bits) / wait_debit     what full-entropy output (or a DRBG seed) consumes

The balance is capped at ``capacity`` bits: a pool cannot hold more entropy than the
state and buffers that carry it (SP 800-90C's full-entropy outputs need the entropy to
be there, not remembered). ``wait_debit`` blocks until the balance covers a request or
the timeout passes. All methods are thread-safe.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass


@dataclass(frozen=True)
class Ledger:
    credited_in: float  # bits ever credited (before the cap)
    drawn_out: float  # bits ever debited by full-entropy output or DRBG seeding
    balance: float  # bits available now (<= capacity)
    capacity: float
    dropped: float  # credited bits lost to the cap


class EntropyAccount:
    def __init__(self, capacity_bits: float):
        self.capacity = float(capacity_bits)
        self._cond = threading.Condition()
        self._credited = self._drawn = self._dropped = self._balance = 0.0

    def credit(self, bits: float) -> None:
        with self._cond:
            self._credited += bits
            room = self.capacity - self._balance
            self._dropped += max(0.0, bits - room)
            self._balance += min(bits, room)
            self._cond.notify_all()

    def try_debit(self, bits: float) -> bool:
        """Take ``bits`` if the balance covers them; never waits."""
        with self._cond:
            if self._balance + 1e-9 < bits:
                return False
            self._balance -= bits
            self._drawn += bits
            return True

    def wait_debit(self, bits: float, timeout_s: float) -> bool:
        """Take ``bits`` once the balance covers them; False if ``timeout_s`` passes first."""
        deadline = time.monotonic() + timeout_s
        with self._cond:
            while self._balance + 1e-9 < bits:
                left = deadline - time.monotonic()
                if left <= 0 or bits > self.capacity:
                    return False
                self._cond.wait(left)
            self._balance -= bits
            self._drawn += bits
            return True

    def available(self) -> float:
        with self._cond:
            return self._balance

    def ledger(self) -> Ledger:
        with self._cond:
            return Ledger(self._credited, self._drawn, self._balance, self.capacity, self._dropped)
