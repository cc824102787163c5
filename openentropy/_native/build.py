"""cffi out-of-line API-mode build of the direct generator's ring (``openentropy._ring``).

Run by setuptools through ``setup.py``'s ``cffi_modules``; optional like the other native
modules: without a compiler the package installs, and ``generator(mode="direct")`` says
the ring is not built (``mode="seeded"`` needs no C of ours). To rebuild in place:
``pip install -e . --no-deps`` from the project root.

``ring.c`` is compiled as part of the generated module, not as a separate file: it calls
``oe_ring_refill``, an ``extern "Python"`` function that cffi defines inside that module.

Compiler flags:
    -O2                   next64 is a bounds check and a copy; it must inline tightly
    -std=gnu11            C11 with the pthread_atfork declaration
    -fno-strict-aliasing  the buffer is read as bytes and as 64-bit words
    -pthread              pthread_once and pthread_atfork
"""

from pathlib import Path

from cffi import FFI

HERE = Path(__file__).resolve().parent

ffibuilder = FFI()
ffibuilder.cdef((HERE / "ring.h").read_text())
ffibuilder.set_source(
    "openentropy._ring",
    "#include <stdint.h>\n#include <stddef.h>\n"
    "static int oe_ring_refill(void *handle, unsigned char *buf, size_t n);\n"
    + (HERE / "ring.c").read_text(),
    extra_compile_args=["-O2", "-std=gnu11", "-fno-strict-aliasing", "-pthread"],
    extra_link_args=["-pthread"],
    optional=True,
)
