"""Front-ends stand on the engine's public hooks, never on its internals.

The shell, the REST service and the public API (``openentropy/``) may use the engine's
public modules (loader, profile, runner's Harvest, outcome, status, errors, measure,
report, source_reader, ...) but not the live machinery behind a harvest: the runtime,
the compiler, the pool, its accounting and block inputs, the collectors, the health
monitors or the round's credit policy; nor reach into a harvest's ``_runtime``.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FRONT_ENDS = ("api", "shell", "openentropy")
INTERNAL = {
    "openentropy.engine.runtime", "openentropy.engine.compiler", "openentropy.engine.pool",
    "openentropy.engine.accounting", "openentropy.engine.block_input", "openentropy.engine.collector",
    "openentropy.engine.health", "openentropy.engine.credit_policy", "openentropy.engine.fork_safety",
}


def front_end_files():
    return sorted(path for folder in FRONT_ENDS for path in (ROOT / folder).rglob("*.py"))


@pytest.mark.parametrize("path", front_end_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_front_ends_use_no_engine_internals(path):
    tree = ast.parse(path.read_text(), str(path))
    problems = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module in INTERNAL:
            problems.append(f"line {node.lineno}: from {node.module} import ...")
        elif isinstance(node, ast.Import):
            problems += [f"line {node.lineno}: import {a.name}" for a in node.names if a.name in INTERNAL]
        elif isinstance(node, ast.Attribute) and node.attr in ("_runtime", "runtime") and path.parent.name != "engine":
            problems.append(f"line {node.lineno}: .{node.attr}")
    assert not problems, problems


def test_the_check_sees_a_violation(tmp_path):
    """The scan above is not vacuous: it finds an internal import in a sample file."""
    sample = "from openentropy.engine.pool import EntropyPool\nharvest._runtime.sinks\n"
    tree = ast.parse(sample)
    found = [n for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module in INTERNAL]
    found += [n for n in ast.walk(tree) if isinstance(n, ast.Attribute) and n.attr == "_runtime"]
    assert len(found) == 2
