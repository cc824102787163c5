"""Parse YAML into plain Python values *and* remember where every value came from.

``parse(text, file)`` returns a ``MarkedDocument``: ``data`` (dicts, lists, scalars)
and two maps from a path tuple such as ``("sources", 2, "name")`` to a ``Mark``
(file, 1-based line and column): ``values`` for the value's node and ``keys`` for the
key's node. Validation errors are reported at those marks.

While walking the node tree it also substitutes ``${VAR}`` / ``${VAR:-default}`` in
string scalars (``$${`` writes a literal ``${``) and rejects duplicate keys, which
PyYAML would otherwise silently resolve to the last one.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from .errors import ProfileError, ProfileIssue

Path = tuple[Any, ...]

_VARIABLE = re.compile(r"\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


@dataclass(frozen=True)
class Mark:
    file: str
    line: int
    column: int


@dataclass
class MarkedDocument:
    data: Any
    values: dict[Path, Mark] = field(default_factory=dict)
    keys: dict[Path, Mark] = field(default_factory=dict)


def format_path(path: Path) -> str:
    """``("sources", 2, "name")`` -> ``"sources[2].name"``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def substitute_env(value: str, environ: dict[str, str] | None = None) -> str:
    """Replace ``${VAR}`` and ``${VAR:-default}``; raise KeyError(VAR) for an unset VAR."""
    env = os.environ if environ is None else environ

    def replace(match: re.Match[str]) -> str:
        if match.group(0) == "$${":
            return "${"
        name, default = match.group(1), match.group(2)
        if name in env and (env[name] != "" or default is None):
            return env[name]
        if default is not None:
            return default
        raise KeyError(name)

    return _VARIABLE.sub(replace, value)


class _Walker:
    def __init__(self, file: str):
        self.file = file
        self.loader = yaml.SafeLoader("")
        self.doc = MarkedDocument(data=None)
        self.issues: list[ProfileIssue] = []

    def mark(self, node: yaml.Node) -> Mark:
        return Mark(self.file, node.start_mark.line + 1, node.start_mark.column + 1)

    def issue(self, node: yaml.Node, path: Path, message: str) -> None:
        m = self.mark(node)
        self.issues.append(ProfileIssue(m.file, m.line, m.column, format_path(path), message))

    def walk(self, node: yaml.Node, path: Path) -> Any:
        self.doc.values[path] = self.mark(node)
        if isinstance(node, yaml.MappingNode):
            return self.walk_mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            return [self.walk(item, path + (i,)) for i, item in enumerate(node.value)]
        value = self.loader.construct_object(node, deep=True)
        if isinstance(value, str) and "$" in value:
            try:
                value = substitute_env(value)
            except KeyError as missing:
                self.issue(
                    node, path,
                    f"environment variable '{missing.args[0]}' is not set "
                    f"(write ${{{missing.args[0]}:-default}} to give a default)",
                )
        return value

    def walk_mapping(self, node: yaml.MappingNode, path: Path) -> dict[Any, Any]:
        self.loader.flatten_mapping(node)  # resolves YAML merge keys (<<)
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = self.loader.construct_object(key_node, deep=True)
            if not isinstance(key, (str, int, float, bool)):
                self.issue(key_node, path, f"mapping keys must be plain scalars, not {type(key).__name__}")
                continue
            if key in result:
                self.issue(key_node, path + (key,), f"duplicate key '{key}'")
                continue
            self.doc.keys[path + (key,)] = self.mark(key_node)
            result[key] = self.walk(value_node, path + (key,))
        return result


def parse(text: str, file: str) -> MarkedDocument:
    """Parse one YAML document; raise ``ProfileError`` with located issues on failure."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        problem = error.problem or error.context or "syntax error"
        raise ProfileError([ProfileIssue(file, line, column, "", f"invalid YAML: {problem}")]) from None
    if root is None:
        raise ProfileError([ProfileIssue(file, 1, 1, "", "the file is empty; a profile is a YAML mapping")])
    walker = _Walker(file)
    if not isinstance(root, yaml.MappingNode):
        walker.issue(root, (), "a profile must be a YAML mapping (name:, sources:, ...)")
        raise ProfileError(walker.issues)
    walker.doc.data = walker.walk(root, ())
    if walker.issues:
        raise ProfileError(walker.issues)
    return walker.doc
