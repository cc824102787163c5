"""The native timing core, when it was built; ``AVAILABLE`` says whether it was.

``UNAVAILABLE_REASON`` is the text sources report when they need the core and it is
missing.
"""

try:
    from ._timing import ffi, lib

    AVAILABLE = True
except ImportError:  # built without a compiler, or the optional build failed
    ffi = lib = None
    AVAILABLE = False

UNAVAILABLE_REASON = "native timing core not built"

__all__ = ["AVAILABLE", "UNAVAILABLE_REASON", "ffi", "lib"]
