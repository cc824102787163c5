"""Editing a loaded profile in the shell: field paths, get/set/unset, add/remove source.

A field path is dotted: ``pool.mode``, ``run.bytes``, ``sources.clock_jitter.weight``,
``sinks.0.format``. After a list, a number is an index; any other word picks the item
whose ``name`` is that word (only sources have names). ``set LIST.N`` with N equal to
the list's length appends an item.

State, kept by ``ProfileDraft``::

    data      :: dict   the profile as its author wrote it (pydantic's exclude_unset
                        dump of the resolved profile: ``extends`` merged and dropped)
    profile   :: Profile  ``data`` validated; ``show`` reads this, defaults filled

Every edit is made to a deep copy of ``data`` and validated through the loader's own
``validate_document``, so an error reads exactly as it would for a file (without the
line:column, which a typed command has none of); a rejected edit changes nothing.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from openentropy.errors import ProfileError
from openentropy.engine.loader import validate_document
from openentropy.engine.profile import Profile
from openentropy.engine.yaml_marks import MarkedDocument

Path = tuple[str | int, ...]


class EditError(ProfileError):
    """A path that does not lead anywhere in the profile, or an edit that cannot apply."""


def split_path(text: str) -> tuple[str, ...]:
    parts = tuple(text.split("."))
    if not text or any(part == "" for part in parts):
        raise EditError(f"'{text}' is not a field path; write it like pool.mode or sources.clock_jitter.weight")
    return parts


def _list_index(items: list, part: str, text: str, *, allow_append: bool = False) -> int:
    if part.isdigit():
        index = int(part)
        if index < len(items) or (allow_append and index == len(items)):
            return index
        raise EditError(f"{text}: index {index} is out of range (the list has {len(items)} item(s))")
    names = [item.get("name") for item in items if isinstance(item, dict)]
    if part in names:
        return names.index(part)
    known = ", ".join(str(n) for n in names if n) or "none"
    raise EditError(f"{text}: no item named '{part}' (named items: {known})")


def resolve(data: Any, parts: tuple[str, ...], text: str, *, allow_append: bool = False) -> Path:
    """The concrete path (list names turned into indices) of ``parts`` in ``data``.

    Every part but the last must exist; the last may be a new key (or, with
    ``allow_append``, the index one past a list's end)."""
    path: list[str | int] = []
    current = data
    for position, part in enumerate(parts):
        last = position == len(parts) - 1
        if isinstance(current, list):
            key: str | int = _list_index(current, part, text, allow_append=allow_append and last)
            current = current[key] if key < len(current) else None
        elif isinstance(current, dict):
            key = part
            current = current.get(part)
            if current is None and not last:
                current = {}
        else:
            raise EditError(f"{text}: '{'.'.join(parts[:position])}' is a value, it has no field '{part}'")
        path.append(key)
    return tuple(path)


def get_path(data: Any, text: str) -> Any:
    current = data
    for key in resolve(data, split_path(text), text):
        if isinstance(current, dict) and key not in current:
            raise EditError(f"{text}: no field '{key}' here; known: {', '.join(map(str, current)) or 'none'}")
        current = current[key]
    return current


def _parent(data: dict, path: Path) -> Any:
    """The container holding ``path``'s last key, creating missing mappings on the way."""
    current: Any = data
    for key in path[:-1]:
        if isinstance(current, dict) and not isinstance(current.get(key), (dict, list)):
            current[key] = {}
        current = current[key]
    return current


def _copy_default_lists(data: dict, resolved: dict, parts: tuple[str, ...]) -> None:
    """Where ``parts`` crosses a list field the data leaves at its default (``sinks``,
    ``conditioning``), put that default list in, so ``sinks.1`` appends to it."""
    current, full = data, resolved
    for part in parts[:-1]:
        if not (isinstance(current, dict) and isinstance(full, dict)):
            return
        if part not in current:
            if not isinstance(full.get(part), list):
                return
            current[part] = copy.deepcopy(full[part])
        current, full = current[part], full.get(part)


def set_path(data: dict, text: str, value: Any, resolved: dict | None = None) -> dict:
    """A copy of ``data`` with the field at ``text`` set to ``value``; ``resolved`` (the
    profile with defaults filled) supplies lists the data does not hold yet."""
    edited = copy.deepcopy(data)
    if resolved is not None:
        _copy_default_lists(edited, resolved, split_path(text))
    path = resolve(edited, split_path(text), text, allow_append=True)
    parent = _parent(edited, path)
    if isinstance(parent, list) and path[-1] == len(parent):
        parent.append(value)
    else:
        parent[path[-1]] = value
    return edited


def unset_path(data: dict, text: str) -> dict:
    """A copy of ``data`` without the field (it falls back to its default) or list item."""
    edited = copy.deepcopy(data)
    path = resolve(edited, split_path(text), text)
    parent: Any = edited
    for key in path[:-1]:
        parent = parent[key] if isinstance(parent, list) or key in parent else None
        if parent is None:
            raise EditError(f"{text}: is not set")
    if isinstance(parent, dict) and path[-1] not in parent:
        raise EditError(f"{text}: is not set (it already has its default)")
    del parent[path[-1]]
    return edited


def add_source(data: dict, name: str) -> dict:
    edited = copy.deepcopy(data)
    edited.setdefault("sources", []).append({"name": name})
    return edited


def remove_source(data: dict, name: str) -> dict:
    names = [item.get("name") for item in data.get("sources", [])]
    if name not in names:
        raise EditError(f"remove source: '{name}' is not in the profile (sources: {', '.join(names) or 'none'})")
    return unset_path(data, f"sources.{name}")


def validate(data: dict, label: str) -> Profile:
    """``data`` validated as the loader validates a file (``label`` stands for the file)."""
    return validate_document(MarkedDocument(data=data), label)


@dataclass(frozen=True)
class ProfileDraft:
    """A validated profile and the sparse dict the shell edits."""

    data: dict
    profile: Profile

    @classmethod
    def from_profile(cls, profile: Profile) -> "ProfileDraft":
        data = profile.model_dump(mode="json", exclude_unset=True)
        data.pop("extends", None)  # already merged into the data
        return cls(data, profile)

    def edited(self, data: dict) -> "ProfileDraft":
        return ProfileDraft(data, validate(data, self.profile.name))

    def resolved(self) -> dict:
        """The full profile, defaults filled, as ``oe profiles show`` prints it."""
        return self.profile.model_dump(mode="json", exclude={"extends"})
