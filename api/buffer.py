"""Pool output generated ahead of requests, so HTTP handlers never wait on the pool.

    OutputBuffer.put(data)          producer side (the feeder's threads); keeps what fits
    OutputBuffer.take(n)            consumer side: n bytes or None, never blocks
    OutputBuffer.wait_take(n, s)    the same, waiting up to s seconds (call it in a worker thread)

State: ``_data :: bytearray`` of bytes not yet handed out, at most ``capacity`` long.

No byte is handed out twice: ``take`` removes what it returns under the lock, so two
requests can never receive the same bytes. The producer asks for at most the room
``wait_for_demand`` reported, and it alone adds bytes, so what it puts always fits; a
``put`` that did not fit would keep what fits and count the rest in ``discarded`` (never
shown to anyone, never produced again). That must stay 0: full-entropy output carries
credit the pool has debited. ``low_water`` is the fill level below which the producer is
woken.

Deleting from the front of a bytearray is O(1) in CPython (it moves a start offset), so
``take`` costs one copy of the bytes it returns.
"""

from __future__ import annotations

import threading
import time


class OutputBuffer:
    def __init__(self, capacity: int, low_water: int | None = None):
        if capacity < 1:
            raise ValueError(f"buffer capacity must be >= 1 byte, got {capacity}")
        self.capacity = capacity
        self.low_water = capacity // 2 if low_water is None else low_water
        self.discarded = 0
        self._data = bytearray()
        self._lock = threading.Lock()
        self._filled = threading.Condition(self._lock)
        self._wanted = threading.Condition(self._lock)
        self._asked = 0  # largest request that found the buffer short since the last put

    def __len__(self) -> int:
        return len(self._data)

    def space(self) -> int:
        with self._lock:
            return self.capacity - len(self._data)

    def put(self, data: bytes) -> int:
        """Append what fits; returns the bytes kept (the rest is discarded)."""
        with self._lock:
            room = self.capacity - len(self._data)
            kept = data[:room] if len(data) > room else data
            self._data += kept
            self.discarded += len(data) - len(kept)
            self._asked = 0
            self._filled.notify_all()
            return len(kept)

    def take(self, n: int) -> bytes | None:
        """``n`` bytes removed from the buffer, or None (and the producer woken) if short."""
        with self._lock:
            if len(self._data) >= n:
                out = bytes(self._data[:n])
                del self._data[:n]
                if len(self._data) < self.low_water:
                    self._wanted.notify()
                return out
            self._asked = max(self._asked, n)
            self._wanted.notify()
            return None

    def wait_take(self, n: int, timeout_s: float) -> bytes | None:
        """Like ``take``, waiting up to ``timeout_s`` for enough bytes. Blocks: not for the event loop."""
        deadline = time.monotonic() + timeout_s
        with self._lock:
            while len(self._data) < n:
                self._asked = max(self._asked, n)
                self._wanted.notify()
                left = deadline - time.monotonic()
                if left <= 0 or not self._filled.wait(left):
                    if len(self._data) < n:
                        return None
            out = bytes(self._data[:n])
            del self._data[:n]
            if len(self._data) < self.low_water:
                self._wanted.notify()
            return out

    def wait_for_demand(self, timeout_s: float) -> int:
        """Producer side: wait until the buffer is below low water or a request is short;
        returns how many bytes to add (0 after a timeout with nothing to do)."""
        with self._lock:
            if len(self._data) >= self.low_water and not self._asked:
                self._wanted.wait(timeout_s)
            if len(self._data) >= self.low_water and not self._asked:
                return 0
            return self.capacity - len(self._data)
