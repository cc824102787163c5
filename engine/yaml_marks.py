"""Parse YAML into plain Python values *and* remember where every value came from.

``parse(text, file)`` returns a ``MarkedDocument``: ``data`` (dicts, lists, scalars)
and two maps from a path tuple such as ``("sources", 2, "name")`` to a ``Mark``
(file, 1-based line and column): ``values`` for the value's node and ``keys`` for the
key's node. Validation errors are reported at those marks.

While walking the node tree it also substitutes ``${VAR}`` / ``${VAR:-default}`` in
string scalars (``$${`` writes a literal ``${``) and rejects duplicate keys, which
PyYAML would otherwise silently resolve to the last one.

Hostile input. A profile may come from anyone (``oe run FILE``, the REST service), so
every way a small document can make the loader hang, exhaust memory or crash is an
error located at a node, never a traceback:

    alias bomb        "billion laughs": 10 lines of 9 aliases each expand to 9**10 nodes.
                      The walker counts every node it visits, aliases followed, and
                      stops at MAX_NODES.
    recursive alias   ``&a [*a]`` is a node inside itself; the walker keeps the nodes on
                      its current path and refuses to enter one twice.
    deep nesting      PyYAML composes recursively, about 3 frames a level, so 5,000
                      ``[`` exhaust Python's stack. ``_BoundedLoader`` stops at MAX_DEPTH;
                      the walker applies the same bound to paths that aliases lengthen.
    unsafe tags       ``!!python/name:`` and friends: SafeLoader refuses them; the
                      refusal (a ConstructorError) is reported at the tagged node.
    bad scalars       ``!!binary`` that is not base64, a 5,000-digit integer (Python
                      converts at most ``sys.get_int_max_str_digits()`` digits): the
                      ValueError is reported at the scalar.
    control bytes     PyYAML's reader refuses them with a position, not a mark; the
                      position is turned into a line and column.

Merge keys (``<<``) are flattened by PyYAML itself. PyYAML 6.0.4 keeps one copy of each
merged key; earlier versions copy every one, so ``<<: [*a, *a]`` doubles at each level
(yaml/pyyaml#897), which is why the project needs PyYAML 6.0.4 or later. RecursionError
is still caught as a last line of defence.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass, field
from typing import Any

import yaml

from openentropy.errors import ProfileError, ProfileIssue

Path = tuple[Any, ...]

#: Deepest nesting a profile may have. The shipped profiles nest 4 levels (the document,
#: ``sources``, one source, its fields); a source's stages with their params add 2.
#: 32 leaves room for any real profile and stays far below Python's recursion limit
#: (1,000 frames), which PyYAML's recursive composer (about 3 frames a level), the
#: walker and pydantic's validation share.
MAX_DEPTH = 32

#: Most nodes a profile may expand to, aliases followed. The largest shipped profile
#: has 91; one entry for each of the 35 registered sources, each with params and
#: stages, would be about 1,500. A 500-byte billion laughs expands to 9**10 (3.5 billion),
#: and walking the 10,000 allowed takes about 0.1 s here (2 cores, under a load of 5).
MAX_NODES = 10_000

#: Longest profile text, in characters. The shipped profiles are 0.8 to 2.3 KB, comments
#: included; spelling out every registered source with comments would be about 15 KB.
#: PyYAML's pure-Python composer reads 64 KiB of dense YAML in about 1 s here (2.4 s
#: under a load of 4 on 2 cores), and longer text only takes longer.
MAX_CHARS = 64 * 1024

#: Problems reported before the walk stops: a screenful. Past that a file is usually
#: repeating one mistake, or was never a profile.
MAX_ISSUES = 20

_INT_TAG = "tag:yaml.org,2002:int"
_TOO_DEEP = f"nested deeper than {MAX_DEPTH} levels (the shipped profiles nest 4)"

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


class _BoundedLoader(yaml.SafeLoader):
    """A SafeLoader that refuses to nest deeper than ``MAX_DEPTH``: in its scanner for
    ``[`` and ``{`` (PyYAML's scanner slows down quadratically on a long run of ``[``,
    1 s for 5,000), and in its composer for every kind of nesting."""

    def __init__(self, stream: str):
        super().__init__(stream)
        self._depth = 0

    def fetch_flow_collection_start(self, token_class: type) -> None:
        if self.flow_level >= MAX_DEPTH:
            raise yaml.scanner.ScannerError(None, None, _TOO_DEEP, self.get_mark())
        super().fetch_flow_collection_start(token_class)

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise yaml.composer.ComposerError(None, None, _TOO_DEEP, self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


class _Walker:
    """Walk the composed node graph into plain data, recording marks and issues.

    State: ``nodes`` counts the nodes visited so far, aliases followed (at most
    MAX_NODES); ``inside`` :: {id(node)} holds the collections on the current path,
    so an alias to one of them is a recursive structure; ``issues`` the problems
    found (at most MAX_ISSUES, then the walk stops).
    """

    def __init__(self, file: str):
        self.file = file
        self.loader = yaml.SafeLoader("")
        self.doc = MarkedDocument(data=None)
        self.issues: list[ProfileIssue] = []
        self.nodes = 0
        self.inside: set[int] = set()

    def mark(self, node: yaml.Node) -> Mark:
        return Mark(self.file, node.start_mark.line + 1, node.start_mark.column + 1)

    def issue(self, node: yaml.Node, path: Path, message: str) -> None:
        m = self.mark(node)
        self.issues.append(ProfileIssue(m.file, m.line, m.column, format_path(path), message))
        if len(self.issues) == MAX_ISSUES:
            self.issues.append(ProfileIssue(m.file, m.line, m.column, "", f"{MAX_ISSUES} problems; stopped reading here"))
            raise ProfileError(self.issues)

    def stop(self, node: yaml.Node, path: Path, message: str) -> ProfileError:
        """An error that ends the walk: going on would be the attack."""
        self.issue(node, path, message)
        return ProfileError(self.issues)

    def walk(self, node: yaml.Node, path: Path) -> Any:
        self.nodes += 1
        if self.nodes > MAX_NODES:
            raise self.stop(node, path, f"more than {MAX_NODES:,} values, each alias (*name) counting "
                                        "all it names again; a profile needs far fewer")
        if len(path) > MAX_DEPTH:
            raise self.stop(node, path, f"nested deeper than {MAX_DEPTH} levels through aliases")
        self.doc.values[path] = self.mark(node)
        if isinstance(node, yaml.ScalarNode):
            return self.walk_scalar(node, path)
        if id(node) in self.inside:
            self.issue(node, path, "an alias here names a node that contains it (a recursive structure)")
            return None
        self.inside.add(id(node))
        try:
            if isinstance(node, yaml.MappingNode):
                return self.walk_mapping(node, path)
            return [self.walk(item, path + (i,)) for i, item in enumerate(node.value)]
        finally:
            self.inside.discard(id(node))

    def construct(self, node: yaml.ScalarNode, path: Path) -> tuple[bool, Any]:
        """(True, value) or (False, None) with the problem recorded at the node."""
        try:
            return True, self.loader.construct_object(node, deep=True)
        except yaml.YAMLError as error:
            self.issue(node, path, f"invalid YAML: {getattr(error, 'problem', None) or error}")
        except (ValueError, OverflowError) as error:
            self.issue(node, path, _conversion_problem(node, error))
        return False, None

    def walk_scalar(self, node: yaml.ScalarNode, path: Path) -> Any:
        ok, value = self.construct(node, path)
        if ok and isinstance(value, str) and "$" in value:
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
        # flatten_mapping puts merged (<<) entries first, then the mapping's own: an own
        # key overrides a merged one (YAML's merge rule); two own keys are a duplicate,
        # and among merged entries the first wins, as PyYAML's own constructor does.
        own = sum(1 for key_node, _ in node.value if key_node.tag != "tag:yaml.org,2002:merge")
        try:
            self.loader.flatten_mapping(node)  # resolves YAML merge keys (<<)
        except yaml.MarkedYAMLError as error:
            self.issue(node, path, f"invalid YAML: {error.problem or error.context}")
            return {}
        except RecursionError:
            self.issue(node, path, "merge keys (<<) nested too deeply")
            return {}
        result: dict[Any, Any] = {}
        merged = len(node.value) - own
        own_keys: set[Any] = set()
        for position, (key_node, value_node) in enumerate(node.value):
            if not isinstance(key_node, yaml.ScalarNode):
                kind = "mapping" if isinstance(key_node, yaml.MappingNode) else "list"
                self.issue(key_node, path, f"mapping keys must be plain scalars, not {kind}")
                continue
            ok, key = self.construct(key_node, path)
            if not ok:
                continue
            if not isinstance(key, (str, int, float, bool)):
                self.issue(key_node, path, f"mapping keys must be plain scalars, not {type(key).__name__}")
                continue
            if position < merged:
                if key in result:
                    continue  # merged twice: the first merged mapping wins
            elif key in own_keys:
                self.issue(key_node, path + (key,), f"duplicate key '{key}'")
                continue
            else:
                own_keys.add(key)
            self.doc.keys[path + (key,)] = self.mark(key_node)
            result[key] = self.walk(value_node, path + (key,))
        return result


def _conversion_problem(node: yaml.ScalarNode, error: Exception) -> str:
    limit = sys.get_int_max_str_digits()
    digits = sum(c.isdigit() for c in node.value)
    if node.tag == _INT_TAG and limit and digits > limit:
        return f"an integer of {digits:,} digits is too long (Python reads at most {limit:,})"
    shown = node.value if len(node.value) <= 40 else node.value[:37] + "..."
    return f"cannot read {shown!r} as {node.tag.rsplit(':', 1)[-1]}: {error}"


def _position(text: str, index: int) -> tuple[int, int]:
    """1-based (line, column) of a character index."""
    return text.count("\n", 0, index) + 1, index - (text.rfind("\n", 0, index) + 1) + 1


def _compose(text: str, file: str) -> yaml.Node | None:
    try:
        return yaml.compose(text, Loader=_BoundedLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        problem = error.problem or error.context or "syntax error"
    except yaml.reader.ReaderError as error:
        line, column = _position(text, error.position)
        problem = error.reason if isinstance(error.character, bytes) else (
            f"character #x{error.character:04x}: {error.reason}")
    except yaml.YAMLError as error:
        line, column, problem = 0, 0, str(error)
    raise ProfileError([ProfileIssue(file, line, column, "", f"invalid YAML: {problem}")])


def parse(text: str, file: str) -> MarkedDocument:
    """Parse one YAML document; raise ``ProfileError`` with located issues on failure."""
    try:
        return _parse(text, file)
    except RecursionError:  # the depth limits should make this unreachable
        raise ProfileError([ProfileIssue(file, 1, 1, "", "nested too deeply to read")]) from None


def _parse(text: str, file: str) -> MarkedDocument:
    if len(text) > MAX_CHARS:
        line, column = _position(text, MAX_CHARS)
        raise ProfileError([ProfileIssue(file, line, column, "", f"a profile is at most {MAX_CHARS // 1024} KiB; "
                                                                  "this one goes on past here")])
    root = _compose(text, file)
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
