"""What ``create_app`` needs to know: which profiles to serve, where the API key lives,
and which reverse proxies to believe.

    Settings(profiles=("server",), api_key_env=None, trusted_proxies=())

``profiles`` are shipped names, YAML paths, or already-loaded ``Profile`` objects; the
first one is the default pool (requests without ``profile=``) and its ``server:``
section sets the app-wide options (limits, CORS, raw output, the API key's variable).
``api_key_env`` overrides that variable's name (``oe serve --api-key-env NAME``).
``trusted_proxies`` (``oe serve --trusted-proxy ADDR``) are the proxies whose
``X-Forwarded-For`` names the client (see proxies.py); when given they replace the
profile's ``server.trusted_proxies``; empty and unset there, forwarded headers are ignored.

The key itself is read from the environment once, when the app is created, and kept in
an ``ApiKey`` whose ``repr`` never shows it; it is never logged or put in a response.
"""

from __future__ import annotations

import hmac
import os
from dataclasses import dataclass

from openentropy.engine.loader import load_profile
from openentropy.api.profile_section import ServerSpec
from openentropy.engine.profile import Profile

DEFAULT_PROFILE = "server"


@dataclass(frozen=True)
class Settings:
    profiles: tuple[str | Profile, ...] = (DEFAULT_PROFILE,)
    api_key_env: str | None = None
    #: seconds between two ``/events`` messages
    events_interval_s: float = 1.0
    #: worker threads that may wait for output or read sources at once (beyond: queued)
    worker_threads: int = 16
    #: addresses or networks of reverse proxies to believe (see proxies.py)
    trusted_proxies: tuple[str, ...] = ()


class ApiKey:
    """The API key, compared in constant time; ``enabled`` is False when none is configured."""

    def __init__(self, env: str | None, value: str | None):
        self.env = env
        self._value = value.encode() if value else None

    @classmethod
    def from_env(cls, env: str | None) -> "ApiKey":
        return cls(env, os.environ.get(env) if env else None)

    @property
    def enabled(self) -> bool:
        return self._value is not None

    def matches(self, candidate: str | None) -> bool:
        if self._value is None or not candidate:
            return False
        return hmac.compare_digest(self._value, candidate.encode())

    def __repr__(self) -> str:
        return f"ApiKey(env={self.env!r}, {'set' if self.enabled else 'not set'})"


def load_profiles(settings: Settings) -> list[tuple[Profile, str | Profile]]:
    """Each profile to serve, with what it was loaded from (for reloads): the name or
    path, or the ``Profile`` itself when it was given loaded."""
    if not settings.profiles:
        raise ValueError("Settings.profiles is empty: give at least one profile to serve")
    loaded = []
    for ref in settings.profiles:
        if isinstance(ref, Profile):
            loaded.append((ref, ref))
        else:
            loaded.append((load_profile(ref), str(ref)))
    names = [p.name for p, _ in loaded]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ValueError(f"profile name(s) served twice: {', '.join(duplicates)}; each pool needs its own name")
    return loaded


def server_spec(profiles: list[tuple[Profile, str | Profile]]) -> ServerSpec:
    return profiles[0][0].server


def trusted_proxies(settings: Settings, spec: ServerSpec) -> tuple[str, ...]:
    """The proxies to believe: ``settings.trusted_proxies`` if given, else the profile's
    ``server.trusted_proxies``."""
    return tuple(settings.trusted_proxies) or tuple(spec.trusted_proxies)
