"""The inputs NIST's tools were run on, for the benchmarks: the tests' own generator.

``reference_inputs()`` loads tests/pipelines/reference/inputs.py from this checkout
(``e_bytes(n_bits)``: the first bits of e, packed MSB-first; ``u8_narrow()``: the
1,000,000-sample narrow normal), so benchmarks and tests measure the same bytes and
nothing outside the repository is read. See tests/pipelines/reference/README.md.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

GENERATOR = Path(__file__).resolve().parents[1] / "tests" / "pipelines" / "reference" / "inputs.py"


def reference_inputs():
    """The generator module (e_bytes, u8_narrow)."""
    spec = importlib.util.spec_from_file_location("nist_reference_inputs", GENERATOR)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
