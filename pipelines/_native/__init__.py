"""The native statistics core (SP 800-22 and SP 800-90B kernels), when it was built.

``AVAILABLE`` says whether it was; ``ffi`` and ``lib`` are the cffi module's, or None.
Callers check ``AVAILABLE`` and otherwise run their pure-Python path, which gives the same
figures; ``UNAVAILABLE_REASON`` is the text to show when the slower path runs. The C
files, their contracts and the compiler flags are described in ``build.py``.
"""

try:
    from ._stats import ffi, lib

    AVAILABLE = True
except ImportError:  # built without a compiler, or the optional build failed
    ffi = lib = None
    AVAILABLE = False

UNAVAILABLE_REASON = "native statistics core not built"

__all__ = ["AVAILABLE", "UNAVAILABLE_REASON", "ffi", "lib"]
