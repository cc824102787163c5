"""Load a profile: find it, parse it, follow ``extends``, validate, and locate errors.

    load_profile("paranoid")                 a shipped profile, by name
    load_profile("profiles/paranoid.yaml")   a file
    load_profile_text(text, file="x.yaml")   YAML already in memory

``extends: NAME_OR_PATH`` loads the parent first (a path is relative to the child's
folder; a bare name is looked up beside the child, then among the shipped profiles),
then merges the child over it: mappings merge key by key, lists and scalars replace.

Every failure is a ``ProfileError`` whose lines read
``paranoid.yaml:12:9: sources[2].name: 'clok_jitter' is not a known source; ...``:
pydantic's error locations are mapped back to the YAML node that holds the bad value.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from openentropy.errors import ProfileError, ProfileIssue, ProfileNotFoundError
from .profile import Profile
from openentropy.suggest import did_you_mean
from .yaml_marks import MAX_CHARS, MarkedDocument, Mark, format_path, parse

PROFILE_SUFFIXES = (".yaml", ".yml")


def shipped_profiles() -> dict[str, Path]:
    """Name -> path of every profile shipped inside the package."""
    folder = resources.files("openentropy.profiles")
    found = {}
    for entry in folder.iterdir():
        if entry.name.endswith(PROFILE_SUFFIXES):
            found[entry.name.rsplit(".", 1)[0]] = Path(str(entry))
    return dict(sorted(found.items()))


def _looks_like_path(ref: str) -> bool:
    return "/" in ref or ref.endswith(PROFILE_SUFFIXES)


def resolve_profile(ref: str, base_dir: Path | None = None) -> Path:
    """The file a profile reference names; raise ``ProfileNotFoundError`` if none."""
    candidates = []
    if _looks_like_path(ref):
        path = Path(ref).expanduser()
        candidates.append(path if path.is_absolute() or base_dir is None else base_dir / path)
    else:
        if base_dir is not None:
            candidates += [base_dir / f"{ref}{suffix}" for suffix in PROFILE_SUFFIXES]
        shipped = shipped_profiles()
        if ref in shipped:
            candidates.append(shipped[ref])
        candidates.append(Path(ref))
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    if _looks_like_path(ref):
        raise ProfileNotFoundError(f"profile file '{candidates[0]}' does not exist")
    names = list(shipped_profiles())
    raise ProfileNotFoundError(
        f"no profile named '{ref}'{did_you_mean(ref, names)} (shipped: {', '.join(names)}; or give a path to a .yaml file)"
    )


def merge(base: Any, changes: Any) -> Any:
    """``changes`` over ``base``, the rule of ``extends`` and of overrides: mappings merge
    key by key; lists and scalars replace."""
    if isinstance(base, dict) and isinstance(changes, dict):
        merged = dict(base)
        for key, value in changes.items():
            merged[key] = merge(base[key], value) if key in base else value
        return merged
    return changes


def _merge(parent: MarkedDocument, child: MarkedDocument) -> MarkedDocument:
    return MarkedDocument(
        data=merge(parent.data, child.data),
        values={**parent.values, **child.values},
        keys={**parent.keys, **child.keys},
    )


def _read(path: Path) -> str:
    """The file's text, read no further than ``MAX_CHARS`` characters can reach (4
    bytes each in UTF-8): a longer file is cut there, and ``parse`` refuses it, saying
    where. A file that was read whole must be valid UTF-8."""
    most = 4 * MAX_CHARS
    try:
        with path.open("rb") as handle:
            raw = handle.read(most + 1)
        return raw.decode("utf-8", errors="strict" if len(raw) <= most else "replace")
    except UnicodeDecodeError:
        raise ProfileError(f"{path}: not a text file (a profile is UTF-8 YAML)") from None
    except OSError as error:
        raise ProfileError(f"{path}: cannot read: {error.strerror or error}") from None


def _load_document(text: str, file: str, base_dir: Path | None, chain: tuple[str, ...]) -> MarkedDocument:
    doc = parse(text, file)
    parent_ref = doc.data.get("extends")
    if parent_ref is None:
        return doc
    mark = doc.values[("extends",)]
    if not isinstance(parent_ref, str):
        raise ProfileError([ProfileIssue(file, mark.line, mark.column, "extends", "must be a profile name or path")])
    try:
        parent_path = resolve_profile(parent_ref, base_dir)
    except ProfileNotFoundError as error:
        raise ProfileError([ProfileIssue(file, mark.line, mark.column, "extends", str(error))]) from None
    key = str(parent_path.resolve())
    if key in chain:
        raise ProfileError([ProfileIssue(file, mark.line, mark.column, "extends", f"'{parent_ref}' extends itself (cycle)")])
    parent = _load_document(_read(parent_path), str(parent_path), parent_path.parent, chain + (key,))
    return _merge(parent, doc)


def _walk(loc: tuple[Any, ...], data: Any) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    """Split a pydantic ``loc`` into (path present in the data, the rest), dropping union tags."""
    path: list[Any] = []
    current = data
    rest = list(loc)
    while rest:
        part = rest[0]
        if isinstance(current, dict) and part in current:
            current = current[part]
        elif isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current):
            current = current[part]
        elif isinstance(current, dict) and current.get("type") == part:
            rest.pop(0)  # the discriminator tag pydantic inserts for tagged unions
            continue
        else:
            break
        path.append(rest.pop(0))
    return tuple(path), tuple(rest)


def _extra_path(ctx: dict[str, Any]) -> tuple[Any, ...]:
    field = ctx.get("field")
    if not field:
        return ()
    return tuple(int(p) if p.isdigit() else p for p in str(field).split("."))


def _describe(error: dict[str, Any]) -> str:
    kind, message, value = error["type"], error["msg"], error.get("input")
    if kind == "missing":
        return "required field is missing"
    if kind == "union_tag_not_found":
        return "needs a 'type' field saying which kind it is"
    if kind in {"unknown_field", "unknown_source", "source_params", "duplicate_source", "duration"}:
        return message
    if isinstance(value, (dict, list)) or value is None:
        return message
    return f"{message} (got {_shorten(repr(value))})"


def _shorten(text: str, limit: int = 60) -> str:
    """A value as the message shows it: a 4,000-digit number is not worth 4,000 columns."""
    return text if len(text) <= limit else f"{text[: limit - 20]}...{text[-10:]} ({len(text):,} characters)"


def _issues(error: ValidationError, doc: MarkedDocument, file: str) -> list[ProfileIssue]:
    issues = []
    for item in error.errors():
        extra = _extra_path(item.get("ctx") or {})
        path, rest = _walk(tuple(item["loc"]) + extra, doc.data)
        if item["type"] == "union_tag_invalid":
            path, rest = path + ("type",), ()
        marks = doc.keys if item["type"] == "unknown_field" and path in doc.keys else doc.values
        mark: Mark | None = None
        for depth in range(len(path), -1, -1):
            mark = marks.get(path[:depth]) or doc.values.get(path[:depth])
            if mark:
                break
        where = mark or Mark(file, 0, 0)
        issues.append(ProfileIssue(where.file, where.line, where.column, format_path(path + rest), _describe(item)))
    return issues


def error_lines(error: ValidationError) -> list[str]:
    """``path: message`` for each problem, for models validated outside a YAML file."""
    lines = []
    for item in error.errors():
        path = format_path(tuple(item["loc"]) + _extra_path(item.get("ctx") or {}))
        lines.append(f"{path}: {_describe(item)}" if path else _describe(item))
    return lines


def validate_document(doc: MarkedDocument, file: str) -> Profile:
    """Validate parsed YAML into a ``Profile``, mapping errors to their YAML marks."""
    try:
        return Profile.model_validate(doc.data)
    except ValidationError as error:
        raise ProfileError(_issues(error, doc, file)) from None


def load_profile_text(text: str, file: str = "<profile>", base_dir: Path | None = None) -> Profile:
    """Load a profile from YAML text (``file`` is used in error messages)."""
    doc = _load_document(text, file, base_dir, ())
    return validate_document(doc, file)


def load_profile(ref: str | Path) -> Profile:
    """Load a profile by shipped name or by path."""
    path = resolve_profile(str(ref))
    text = _read(path)
    return load_profile_text(text, _display_name(path), path.parent)


def _display_name(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)
