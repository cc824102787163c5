"""The shared NIST reference folder and its input generator, for the benchmarks.

``make_inputs()`` imports ../shared/reference/nist/make_inputs.py (beside this
checkout, or beside the main checkout when run from a git worktree), which
regenerates e.bin and u8_narrow.bin; exits with the paths it tried when missing.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def reference_folder() -> Path:
    """../shared/reference/nist beside this checkout, or beside the main checkout."""
    roots = [ROOT]
    dot_git = ROOT / ".git"
    if dot_git.is_file() and dot_git.read_text().startswith("gitdir:"):
        roots.append(Path(dot_git.read_text().split(":", 1)[1].strip()).parents[2])  # <main>/.git/worktrees/x
    candidates = [root.parent / "shared" / "reference" / "nist" for root in roots]
    for folder in candidates:
        if (folder / "make_inputs.py").is_file():
            return folder
    searched = ", ".join(str(c / "make_inputs.py") for c in candidates)
    raise SystemExit(f"make_inputs.py not found (looked for {searched}); it regenerates the benchmark inputs")


def make_inputs():
    """The make_inputs module (gen_e, gen_u8_narrow, e_bits)."""
    spec = importlib.util.spec_from_file_location("nist_make_inputs", reference_folder() / "make_inputs.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
