"""The shipped notebooks run headless on a real kernel (nbclient) and show the right numbers.

Each notebook is executed from a clean kernel in the notebooks/ folder, as ``jupyter lab
notebooks/`` would; a cell that raises fails the test. The checks then read the executed
outputs: the key lines each notebook prints, its tables and its figures.
"""

import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
#: Seconds a cell may take: the slowest (the SP 800-90B assessment, the battery) take
#: ~3 s here; 300 leaves room for a loaded machine.
CELL_TIMEOUT_S = 300


def execute(name: str):
    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    NotebookClient(notebook, timeout=CELL_TIMEOUT_S, kernel_name="python3",
                   resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    return notebook


def outputs(notebook, kind: str) -> list:
    found = []
    for cell in notebook.cells:
        for out in cell.get("outputs", []):
            if kind == "stream" and out.get("output_type") == "stream":
                found.append(out["text"])
            elif kind != "stream" and kind in out.get("data", {}):
                found.append(out["data"][kind])
    return found


def number(pattern: str, text: str) -> float:
    match = re.search(pattern, text)
    assert match, f"{pattern!r} not in the notebook's output:\n{text}"
    return float(match.group(1))


@pytest.fixture(scope="module")
def quickstart():
    return execute("quickstart.ipynb")


@pytest.fixture(scope="module")
def assess_a_source():
    return execute("assess-a-source.ipynb")


def test_quickstart_harvests_checks_plots_and_draws(quickstart):
    text = "".join(outputs(quickstart, "stream"))
    assert number(r"read (\d+) bytes", text) == 100_000
    assert number(r"healthy sources: (\d+) of 3", text) >= 1
    assert number(r"(\d+) of 31 passed", text) >= 27  # a healthy run fails 0-2 of 31 at alpha 0.01
    assert number(r"chi-square p = ([0-9.]+)", text) > 1e-6
    assert abs(number(r"mean of 1e6 uniforms = ([0-9.]+)", text) - 0.5) < 0.003
    assert number(r"ring refills = (\d+)", text) >= 3  # 8 MB drawn through the ring
    html = "".join(outputs(quickstart, "text/html"))
    assert "profile fast" in html and "futex_pingpong" in html and "statistical battery" in html
    assert len(outputs(quickstart, "image/png")) == 4


def test_assess_a_source_runs_all_ten_estimators_and_decides(assess_a_source):
    text = "".join(outputs(assess_a_source, "stream"))
    assert number(r"raw bytes: (\d+)", text) == 100_000
    assert number(r"estimators run: (\d+)", text) == 10
    h = number(r"assessed min-entropy: ([0-9.]+) bits per byte", text)
    declared = number(r"declared: ([0-9.]+) bits per byte", text)
    assert 0 < h <= 8
    assert number(r"credit_cap = ([0-9.]+)", text) == round(min(declared, h) / 2, 3)
    html = "".join(outputs(assess_a_source, "text/html"))
    assert f"{h:.4f}" in html and "probe: clock_jitter" in html and "sets the bound" in html
    assert len(outputs(assess_a_source, "image/png")) == 3
