"""What an ``oe shell`` session holds between commands.

    draft      :: ProfileDraft | None   the loaded profile and the dict being edited
    origin     :: Path | None           the file it came from (``save`` writes there)
    dirty      :: bool                  edited since loaded or saved
    harvest    :: Harvest | None        built on first use from the current profile and
                                        kept, so the pool (health, credit, balance) lives
                                        across ``run``, ``bytes``, ``pool`` and ``health``;
                                        an edit or a load discards it

Everything here is plain state: printing and parsing are in commands.py.
"""

from __future__ import annotations

import threading
from pathlib import Path

from openentropy.errors import ProfileError

from .editing import ProfileDraft


class NoProfileError(ProfileError):
    """A command needs a loaded profile and there is none."""

    def __init__(self) -> None:
        super().__init__("no profile is loaded; 'load NAME_OR_FILE' first (e.g. load default)")


class Session:
    def __init__(self) -> None:
        self.draft: ProfileDraft | None = None
        self.origin: Path | None = None
        self.dirty = False
        self._harvest = None
        self._rounds_run = 0
        self._lock = threading.Lock()

    # -- the profile -------------------------------------------------------------------
    def load(self, ref: str) -> ProfileDraft:
        from openentropy.engine.loader import load_profile, resolve_profile

        profile = load_profile(ref)
        path = resolve_profile(ref)
        self._set(ProfileDraft.from_profile(profile))
        self.origin = path if ("/" in ref or ref.endswith((".yaml", ".yml"))) else None
        self.dirty = False
        return self.draft

    def require(self) -> ProfileDraft:
        if self.draft is None:
            raise NoProfileError()
        return self.draft

    def edit(self, data: dict) -> ProfileDraft:
        """Validate ``data`` as the new profile; on success it replaces the old one."""
        self._set(self.require().edited(data))
        self.dirty = True
        return self.draft

    def _set(self, draft: ProfileDraft) -> None:
        self.close()
        self.draft = draft

    # -- the harvest ---------------------------------------------------------------------
    @property
    def harvest(self):
        """The session's harvest, built on first use (``None`` until then: see ``started``)."""
        with self._lock:
            if self._harvest is None:
                from openentropy.engine.runner import Harvest

                self._harvest = Harvest(self.require().profile)
                self._rounds_run = 0
            return self._harvest

    @property
    def started(self) -> bool:
        return self._harvest is not None

    def next_round_index(self) -> int:
        self._rounds_run += 1
        return self._rounds_run - 1

    def limits(self, rounds: int | None = None, n_bytes: int | None = None):
        """The run limits for one command (like ``oe run --rounds``); None: the profile's own."""
        if rounds is None and n_bytes is None:
            return None
        return self.require().profile.with_run(rounds=rounds, bytes=n_bytes).run

    def pool_status(self):
        return self._harvest.status() if self._harvest is not None else None

    def close(self) -> None:
        with self._lock:
            if self._harvest is not None:
                self._harvest.close()
                self._harvest = None
