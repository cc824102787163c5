"""The native statistics core (pipelines/_native) is a module of its own.

Pipelines take nothing of the sources' timing core for their arithmetic; each core holds
only its own kernels; and when the statistics core is missing (an install without a C
compiler) every statistic falls back to Python with the same figures. "Missing" is made
real in a child interpreter whose import of the extension fails, as it does when the
optional build was skipped, rather than by patching attributes after a good import.
"""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

from openentropy.pipelines import _native
from openentropy.pipelines import estimators as est
ROOT = Path(__file__).resolve().parents[2]
TIMING_CORE = "openentropy.sources._native"

needs_stats = pytest.mark.skipif(not _native.AVAILABLE, reason="native statistics core not built")


def timing_core_imports(path: Path) -> list[int]:
    """Lines of ``path`` that import the sources' timing core (any spelling)."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            lines += [node.lineno for a in node.names if a.name.startswith(TIMING_CORE)]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.startswith(TIMING_CORE):
                lines.append(node.lineno)
            elif node.module == "openentropy.sources" and any(a.name == "_native" for a in node.names):
                lines.append(node.lineno)
    return lines


def test_pipelines_do_not_import_the_timing_core():
    found = {}
    for path in sorted((ROOT / "pipelines").rglob("*.py")):
        lines = timing_core_imports(path)
        if lines:
            found[str(path.relative_to(ROOT))] = lines
    assert not found, found


def test_the_import_check_sees_each_spelling(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from openentropy.sources import _native\n"
        "import openentropy.sources._native\n"
        "from openentropy.sources._native import lib\n"
        "from openentropy.sources import get_source_class\n"
    )
    assert timing_core_imports(sample) == [1, 2, 3]


@needs_stats
def test_each_core_holds_only_its_own_kernels():
    stats = {name for name in dir(_native.lib) if name.startswith("oe_")}
    assert {"oe_sp80022_linear_complexity", "oe_sp80090b_lag", "oe_sp80090b_repeats"} <= stats
    assert all(name.startswith(("oe_sp80022_", "oe_sp80090b_")) for name in stats)
    from openentropy.sources import _native as timing

    if timing.AVAILABLE:
        assert not [name for name in dir(timing.lib) if name.startswith("oe_sp800")]


#: Run in a child interpreter after the block below: the statistics' core state and figures.
FIGURES = """
import json
import numpy as np
from openentropy.pipelines import _native
from openentropy.pipelines import estimators as est
from openentropy.pipelines.estimators import native
from openentropy.pipelines.sp80022.complexity import linear_complexities
from openentropy.sources import _native as timing

data = np.clip(np.rint(np.random.default_rng(3).normal(8, 2, 4000)), 0, 15).astype(np.uint8)
blocks = np.random.default_rng(4).integers(0, 2, (40, 130), dtype=np.uint8)
result = est.assess(data, 4)
print(json.dumps({
    "available": _native.AVAILABLE, "lib": _native.lib is not None, "reason": _native.UNAVAILABLE_REASON,
    "estimators_native": native.available(), "timing": timing.AVAILABLE,
    "h": {name: result.h(name) for name in est.ESTIMATOR_NAMES}, "min_entropy": result.min_entropy,
    "complexities": linear_complexities(blocks).tolist(),
}))
"""


def blocked_import(module: str) -> str:
    """Source that makes importing ``module`` fail the way a skipped optional build does."""
    return (
        "import sys\n"
        "class _Unbuilt:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        f"        if name == {module!r}:\n"
        "            raise ModuleNotFoundError(f'No module named {name!r}', name=name)\n"
        "sys.meta_path.insert(0, _Unbuilt())\n"
    )


def figures(block: str | None) -> dict:
    script = (blocked_import(block) if block else "") + FIGURES
    # -P: import the installed package, never a checkout's bare ``openentropy/`` in the cwd
    run = subprocess.run([sys.executable, "-P", "-c", script], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    return json.loads(run.stdout)


def test_without_the_statistics_core_every_figure_is_the_same():
    here = figures(None)
    without = figures("openentropy.pipelines._native._stats")
    assert here["available"] == _native.AVAILABLE  # the child sees the core this process sees
    assert without["available"] is False and without["lib"] is False and without["estimators_native"] is False
    assert without["reason"] == "native statistics core not built"
    assert without["timing"] == here["timing"]  # the timing core does not need it
    assert without["complexities"] == here["complexities"]
    for name in est.ESTIMATOR_NAMES:
        assert without["h"][name] == pytest.approx(here["h"][name], abs=1e-12), name
    assert without["min_entropy"] == pytest.approx(here["min_entropy"], abs=1e-12)


@needs_stats
def test_the_statistics_core_does_not_need_the_timing_core():
    without_timing = figures("openentropy.sources._native._timing")
    assert without_timing["timing"] is False
    assert without_timing["available"] is True and without_timing["estimators_native"] is True

