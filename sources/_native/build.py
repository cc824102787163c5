"""cffi out-of-line API-mode build of the native timing core (``_timing``).

Run by setuptools through ``setup.py``'s ``cffi_modules``. To rebuild in place during
development: ``pip install -e . --no-deps`` (from the project root).
The extension is optional: if no C compiler is present the package still installs and
the pure-Python paths run.

Every ``*.c`` file in this folder is compiled in. Every ``*.h`` file whose name does not
start with ``_`` is Python's view of the core: its declarations (preprocessor lines
dropped) become the cdef. Headers starting with ``_`` are private C helpers.

Compiler flags:
    -O2                   the loops must be tight; -O3 buys nothing measurable here
    -std=gnu11            C11 plus the GNU inline asm used for rdtscp/rdrand
    -fno-strict-aliasing  buffers come from numpy as raw pointers
    -pthread              the contention sources start threads
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
    "openentropy.sources._native._timing",
    "\n".join(f'#include "{h.name}"' for h in public_headers()),
    sources=[os.path.relpath(c, ROOT) for c in sorted(HERE.glob("*.c"))],
    include_dirs=[os.path.relpath(HERE, ROOT)],
    extra_compile_args=["-O2", "-std=gnu11", "-fno-strict-aliasing", "-pthread"],
    extra_link_args=["-pthread"],
    optional=True,
)
