"""cffi out-of-line API-mode build of the native timing core (``_timing``).

Run by setuptools through ``setup.py``'s ``cffi_modules``. The extension is optional:
if no C compiler is present the package still installs and the pure-Python paths run.

Compiler flags:
    -O2                  the loops must be tight; -O3 buys nothing measurable here
    -std=c11             stdint/inline without GNU extensions beyond _GNU_SOURCE
    -fno-strict-aliasing  the buffers come from numpy as raw pointers
"""

from pathlib import Path

from cffi import FFI

HERE = Path(__file__).parent

ffibuilder = FFI()
ffibuilder.cdef((HERE / "timing.h").read_text().split("#include <stdint.h>", 1)[1])
ffibuilder.set_source(
    "openentropy.sources._native._timing",
    '#include "timing.h"',
    # setuptools wants paths relative to setup.py's folder, the project root
    sources=["sources/_native/timing.c"],
    include_dirs=["sources/_native"],
    extra_compile_args=["-O2", "-std=c11", "-fno-strict-aliasing"],
    optional=True,
)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
