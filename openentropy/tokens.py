"""``token_bytes`` and ``token_hex``, as ``secrets`` has them, from harvested output.

Both read from one default harvester, ``openentropy.open("default")``, started on first
use and closed at interpreter exit: chained SHA-256 over the default profile's
health-tested physical sources, with 8 bytes of OS randomness in every block (see
profiles/default.yaml). In a forked child the harvester starts a harvest of its own.
"""

from __future__ import annotations

import threading

from .harvester import Harvester, open

_default: Harvester | None = None
_lock = threading.Lock()


def default_harvester() -> Harvester:
    """The shared harvester of the default profile (started on first use)."""
    global _default
    with _lock:
        if _default is None or _default.closed:
            _default = open("default")
        return _default


def token_bytes(nbytes: int = 32) -> bytes:
    """``nbytes`` random bytes of harvested output (default 32, as in ``secrets``)."""
    return default_harvester().read(nbytes)


def token_hex(nbytes: int = 32) -> str:
    """``nbytes`` random bytes as ``2 * nbytes`` hexadecimal digits."""
    return token_bytes(nbytes).hex()
