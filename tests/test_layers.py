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
    "openentropy.engine.cluster", "openentropy.engine.remote", "openentropy.engine.stage_chain",
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


#: The layers, left to right: a package imports only those to its left (and the root's
#: shared leaves). ``profiles`` holds data only.
LAYERS = ("sources", "pipelines", "engine", "api", "shell")
ROOT_LEAVES = {"errors", "strict", "suggest", "_version", "profiles"}


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """Every absolute import in ``path`` (module level or inside functions), with its line."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
    return found


def layer_violations(package: str, modules: list[tuple[int, str]]) -> list[str]:
    rank = LAYERS.index(package)
    problems = []
    for line, module in modules:
        parts = module.split(".")
        if parts[0] != "openentropy" or len(parts) < 2:
            continue
        if parts[1] in LAYERS and LAYERS.index(parts[1]) > rank:
            problems.append(f"line {line}: {module} (a layer to the right of {package})")
        elif parts[1] not in LAYERS and parts[1] not in ROOT_LEAVES:
            problems.append(f"line {line}: {module} (the public API sits above every layer)")
    return problems


@pytest.mark.parametrize("package", LAYERS)
def test_imports_follow_the_data(package):
    problems = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        found = layer_violations(package, imported_modules(path))
        if found:
            problems[str(path.relative_to(ROOT))] = found
    assert not problems, problems


def test_root_leaves_import_no_layer():
    for name in ("errors", "strict", "suggest", "_version"):
        modules = imported_modules(ROOT / "openentropy" / f"{name}.py")
        assert not [m for _, m in modules if m.startswith("openentropy.")], name


def test_the_layer_check_sees_a_violation():
    assert layer_violations("sources", [(3, "openentropy.engine.loader")]) == [
        "line 3: openentropy.engine.loader (a layer to the right of sources)"
    ]
    assert layer_violations("engine", [(1, "openentropy.harvester")])
    assert not layer_violations("shell", [(1, "openentropy.api.app"), (2, "openentropy.errors")])
