"""cffi out-of-line API-mode build of the native statistics core (``_stats``).

The SP 800-22 and SP 800-90B kernels: the loops of the statistical battery and of the
min-entropy estimators that are too slow in Python (Berlekamp-Massey, the 6.3
predictors, the collision walk, the suffix-array tuple counts, the 5.1 permutation-test
statistics computed once per shuffle). They live beside the statistics that call them, not in the sources' timing core
(``sources/_native``): a pipeline imports nothing of the sources for its arithmetic, and
each core builds, fails and is reported on its own.

Run by setuptools through ``setup.py``'s ``cffi_modules``. To rebuild in place during
development: ``pip install -e . --no-deps`` (from the project root; about 15 s). The
extension is optional (``optional=True``): if no C compiler is present the package still
installs, ``AVAILABLE`` is False and the pure-Python paths (``estimators/fallback.py``,
``sp80022.complexity.linear_complexities_numpy``) give the same figures, slower.

The same conventions as the timing core: every ``*.c`` file in this folder is compiled
in; every ``*.h`` file whose name does not start with ``_`` is Python's view of the core,
its declarations (preprocessor lines dropped) become the cdef.

The kernels start no threads and keep no global state. cffi releases the GIL around every
call, so the assessment runs several estimators at once on Python threads, each on its
own buffers.

Compiler flags:
    -O2                   the predictors and the suffix array are the hot loops of an
                          assessment; the level they were built and timed at inside the
                          timing core (benchmarks/estimators.py measures them)
    -std=gnu11            C11 in the GCC/Clang dialect: the kernels call __builtin_popcountll,
                          __builtin_parityll, __builtin_prefetch and __builtin_cpu_supports,
                          use vector extensions, and compile a few functions for FMA or
                          SSSE3 with target attributes, chosen at run time
    -fno-strict-aliasing  the buffers are numpy memory handed in as raw pointers
                          (``ffi.from_buffer`` then ``ffi.cast``); their declared type is
                          not visible to C, so the optimiser may assume nothing about it;
                          and the suffix sort (sp80090b_suffixes.c) writes one scratch
                          block first as sort items, then as int32 arrays
No -pthread, unlike the timing core: nothing here starts or synchronises threads.

Libraries:
    m                     fma() and fabs() of the IID kernel (sp80090b_iid.c); the
                          interpreter usually has libm loaded already, but the extension
                          names what it needs instead of relying on that
"""

import os
from pathlib import Path

from cffi import FFI

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent  # setuptools wants paths relative to setup.py's folder


def public_headers() -> list[Path]:
    return sorted(p for p in HERE.glob("*.h") if not p.name.startswith("_"))


def cdef_text() -> str:
    lines = []
    for header in public_headers():
        lines += [line for line in header.read_text().splitlines() if not line.lstrip().startswith("#")]
    return "\n".join(lines)


ffibuilder = FFI()
ffibuilder.cdef(cdef_text())
ffibuilder.set_source(
    "openentropy.pipelines._native._stats",
    "\n".join(f'#include "{h.name}"' for h in public_headers()),
    sources=[os.path.relpath(c, ROOT) for c in sorted(HERE.glob("*.c"))],
    include_dirs=[os.path.relpath(HERE, ROOT)],
    extra_compile_args=["-O2", "-std=gnu11", "-fno-strict-aliasing"],
    libraries=["m"],
    optional=True,
)
