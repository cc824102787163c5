"""Profiles for the Python API: a name, a file or a ``Profile``, with keyword overrides.

    profile_with("default", {"pool": {"mode": "drbg"}})  -> Profile

Overrides are merged into the profile as its author wrote it (mappings merge key by
key, lists and scalars replace: the rule ``extends`` follows) and validated through the
loader, so a bad override reads exactly like the same mistake in a YAML file
(``ProfileError``, with the field path).
"""

from __future__ import annotations

from typing import Any

from openentropy.engine.loader import load_profile, merge, validate_document
from openentropy.engine.profile import Profile
from openentropy.engine.yaml_marks import MarkedDocument


def profile_with(profile: str | Profile, overrides: dict[str, Any] | None = None) -> Profile:
    """``profile`` (a shipped name, a YAML path or a ``Profile``) with ``overrides`` applied."""
    base = profile if isinstance(profile, Profile) else load_profile(profile)
    if not overrides:
        return base
    data = base.model_dump(mode="json", exclude_unset=True)
    data.pop("extends", None)
    return validate_document(MarkedDocument(data=merge(data, overrides)), f"{base.name} (with overrides)")
