"""The README's Python examples run as written (doctest on the ``>>>`` session)."""

import doctest
import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def python_session() -> str:
    """The first indented block of the Python section: the ``>>>`` session."""
    text = README.read_text()
    section = text[text.index("## Python\n") :]
    block = re.search(r"\n((?:    .*\n|\n(?=    ))+)", section).group(1)
    return "\n".join(line[4:] for line in block.splitlines())


def test_readme_python_session_runs():
    session = python_session()
    assert ">>> import openentropy" in session
    parser = doctest.DocTestParser()
    test = parser.get_doctest(session, {}, "README.md#python", str(README), 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(test)
    assert runner.failures == 0 and runner.tries >= 8


def test_readme_engine_example_runs(capsys):
    text = README.read_text()
    start = text.index("    from openentropy.engine import Harvest, load_profile_text")
    block = re.match(r"((?:    .*\n|\n)+)", text[start:]).group(1)
    exec(compile("\n".join(line[4:] for line in block.splitlines()), "README.md#engine", "exec"), {})
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 6 and len(out[-1]) == 32
