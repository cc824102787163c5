"""openentropy: harvest entropy from a computer's noisy physical subsystems.

A short tour::

    import openentropy

    openentropy.token_bytes(32)                  # like secrets.token_bytes, from the default profile
    with openentropy.open("paranoid") as h:      # a running harvester of any profile
        h.read(64)                               # blocks until the pool's mode can deliver
        h.status(), h.health()                   # pool ledger, per-source health
    openentropy.EntropyPool.auto().get_random_bytes(32)   # upstream's Python API

Names are imported on first use, so ``import openentropy`` stays fast.
"""

from __future__ import annotations

import importlib

from ._version import __version__

#: Public name -> "module:attribute", imported lazily by ``__getattr__``.
_EXPORTS = {
}

__all__ = ["__version__", *sorted(_EXPORTS)]


def __getattr__(name: str):
    try:
        target = _EXPORTS[name]
    except KeyError:
        raise AttributeError(f"module 'openentropy' has no attribute {name!r}") from None
    module, _, attribute = target.partition(":")
    value = getattr(importlib.import_module(module), attribute)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_EXPORTS})
