"""Every error openentropy raises on purpose, in one hierarchy.

    OpenEntropyError                  base: catch this to handle any of ours
    ├── ProfileError                  a profile cannot be found, parsed or validated
    │   └── ProfileNotFoundError      no file and no shipped profile by that name
    ├── UnknownSourceError            a source name is not in the registry
    ├── SourceUnavailableError        a source cannot run on this machine (with the reason)
    ├── SinkError                     a sink could not open or write (disk full, bad path)
    ├── ClusterError                  a dask.distributed cluster cannot be reached or used
    └── PoolError                     the pool was misused (e.g. a negative byte count)
        ├── EntropyTimeoutError       full-entropy output waited too long for credit
        └── DrbgError                 a DRBG was misused (generate before instantiate,
                                      too-short entropy input, reseed required)

Messages name the bad value, what was expected and, where there is one, the fix. The
front-ends print ``str(error)`` and exit non-zero; they never show a traceback for these.
"""

from __future__ import annotations

from dataclasses import dataclass


class OpenEntropyError(Exception):
    """Base class of every error raised on purpose by openentropy."""


@dataclass(frozen=True)
class ProfileIssue:
    """One problem in a profile, located at a YAML node.

    ``path`` is the dotted field path (``sources[2].name``); ``file``, ``line`` and
    ``column`` are 1-based and point at the offending node (or its nearest parent).
    """

    file: str
    line: int
    column: int
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}" if self.line else self.file
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class ProfileError(OpenEntropyError):
    """A profile could not be loaded; ``issues`` lists every located problem."""

    def __init__(self, issues: list[ProfileIssue] | str):
        if isinstance(issues, str):
            self.issues: list[ProfileIssue] = []
            text = issues
        else:
            self.issues = list(issues)
            text = "\n".join(str(issue) for issue in self.issues)
        super().__init__(text)


class ProfileNotFoundError(ProfileError):
    """Neither a file nor a shipped profile has the requested name."""


class UnknownSourceError(OpenEntropyError, KeyError):
    """A source name that the registry does not know."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class SourceUnavailableError(OpenEntropyError):
    """A source that cannot run here; the message carries its reason."""


class SinkError(OpenEntropyError):
    """A sink failed to open, write or close."""


class ClusterError(OpenEntropyError):
    """The profile's dask.distributed scheduler cannot be reached, or was lost."""


class PoolError(OpenEntropyError):
    """The pool was asked for something it cannot do."""


class EntropyTimeoutError(PoolError):
    """Full-entropy output could not be backed by credited entropy in time."""


class DrbgError(PoolError):
    """An SP 800-90A DRBG was asked for something it cannot do, or is not ready to."""
