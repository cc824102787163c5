"""openentropy: harvest entropy from a computer's noisy physical subsystems.

A short tour::

    import openentropy

    openentropy.token_bytes(32)                  # like secrets.token_bytes, from the default profile
    with openentropy.open("paranoid") as h:      # a running harvester of any profile
        h.read(64)                               # blocks until the pool's mode can deliver
        h.status(), h.health()                   # pool ledger, per-source health
    openentropy.EntropyPool.auto().get_random_bytes(32)   # upstream's Python API

Also: ``load_profile`` and ``Profile`` (the profile language), ``detect_available_sources``,
``quick_shannon``, ``quick_quality``, ``run_battery`` and ``assess`` (measuring bytes),
``load_session`` (a recorded session, ``oe record``, as numpy arrays),
and the errors (``OpenEntropyError`` is the base of every one raised on purpose).
``help(openentropy.open)``, ``help(openentropy.EntropyPool)`` and so on say more; the
engine, sources, pipelines, api and shell subpackages are the layers underneath.

Names are imported on first use, so ``import openentropy`` stays fast.
"""

from __future__ import annotations

import importlib

from ._version import __version__

#: Public name -> "module:attribute", imported lazily by ``__getattr__``.
_EXPORTS = {
    "EntropyPool": "openentropy.seed_pool:EntropyPool",
    "EntropyTimeoutError": "openentropy.errors:EntropyTimeoutError",
    "Harvester": "openentropy.harvester:Harvester",
    "HarvesterClosedError": "openentropy.harvester:HarvesterClosedError",
    "OpenEntropyError": "openentropy.errors:OpenEntropyError",
    "Profile": "openentropy.engine.profile:Profile",
    "ProfileError": "openentropy.errors:ProfileError",
    "QualityReport": "openentropy.quality:QualityReport",
    "SourceUnavailableError": "openentropy.errors:SourceUnavailableError",
    "assess": "openentropy.quality:assess",
    "detect_available_sources": "openentropy.quality:detect_available_sources",
    "load_profile": "openentropy.engine.loader:load_profile",
    "load_session": "openentropy.engine.recorded_session:load_session",
    "open": "openentropy.harvester:open",
    "quick_quality": "openentropy.quality:quick_quality",
    "quick_shannon": "openentropy.quality:quick_shannon",
    "run_battery": "openentropy.quality:run_battery",
    "token_bytes": "openentropy.tokens:token_bytes",
    "token_hex": "openentropy.tokens:token_hex",
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
