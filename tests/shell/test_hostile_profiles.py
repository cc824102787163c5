"""Hostile profiles through the real ``oe`` command: a located error, exit 2, quickly.

Each document is small and valid YAML syntax, yet once broke the loader: an alias bomb
that expands to billions of nodes, an alias that contains itself, nesting deeper than
Python's recursion limit, a tag that names a Python object, an integer longer than
Python converts from text. Each must end in ``file:line:col: message`` and exit 2,
never a traceback, a hang or a MemoryError.

The time bound (10 s for a whole ``oe`` process) is loose on purpose: it holds on a
loaded machine, and the billion laughs ran for minutes before the loader limited it.
"""

import re
import subprocess
import sys
import time

import pytest

OE = [sys.executable, "-m", "openentropy.shell"]

#: a 10-line billion laughs (496 bytes with its profile lines): 9 levels of 9 aliases, 9**10 strings
_LAUGHS = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'] + [
    f"{cur}: &{cur} [{', '.join(['*' + prev] * 9)}]" for prev, cur in zip("abcdefghi", "bcdefghij")
]

HOSTILE = {
    "alias_bomb": "name: lol\nsources: [{name: os_random}]\n" + "\n".join(_LAUGHS) + "\n",
    "self_alias": "name: loop\nsources: &a [*a]\n",
    "deep_nesting": "name: deep\nsources: " + "[" * 5000 + "]" * 5000 + "\n",
    "python_tag": "name: tag\nsources: !!python/name:os.system\n",
    "long_integer": "name: digits\nsources:\n  - name: os_random\n    samples: " + "1" * 5000 + "\n",
}

#: where each error must point (line:column of the offending node)
WHERE = {
    "alias_bomb": r"\d+:\d+",
    "self_alias": r"2:\d+",
    "deep_nesting": r"2:\d+",
    "python_tag": r"2:10",
    "long_integer": r"4:14",
}


@pytest.mark.parametrize("command", ["run", "validate"])
@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_profile_is_a_located_error_with_exit_2(tmp_path, case, command):
    path = tmp_path / f"{case}.yaml"
    path.write_text(HOSTILE[case])
    args = ["run", str(path)] if command == "run" else ["profiles", "validate", str(path)]
    started = time.monotonic()
    result = subprocess.run([*OE, *args], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    seconds = time.monotonic() - started
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    assert result.returncode == 2, result.stderr[-2000:]
    assert re.search(rf"{case}\.yaml:{WHERE[case]}: \S", result.stderr), result.stderr[-2000:]
    assert len(result.stderr) < 2000  # one short message, not a dump of the input
    assert seconds < 10, f"{seconds:.1f} s"
