"""The ``record`` sink: a profile that lists it records every run into a session folder.

    sinks:
      - type: record
        folder: ${OE_SESSIONS:-sessions}   # each run makes a new session inside
        tags: {room: lab}
        note: fan at full speed
        chunk_seconds: 5                   # what a crash can lose at most

Pool output given to ``write`` is counted, not kept (as the null sink does): what it
records is each round's raw samples and mixed bytes per source, which only the harvest
has. ``Harvest.open_sinks`` hands the harvest to every sink that has ``attach``; the
sink then starts a session (pipelines/recording.py, the format of ``oe record``) and
observes the rounds (``Harvest.observe``). ``close`` writes the last chunk and the final
metadata, with each source's health. Opened without a harvest, it records nothing.

It does not subclass ``sinks.Sink`` so that sinks.py can import it for its union of
sink models without an import cycle; it has the same three members (``bytes_written``,
``write``, ``close``) and ``label``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field

from openentropy.strict import StrictModel

from .recording import CHUNK_SECONDS, SessionWriter


class RecordSinkSpec(StrictModel):
    """Record each round's raw samples and mixed bytes per source into a new session under ``folder``."""

    type: Literal["record"] = "record"
    folder: str = Field(min_length=1, description="folder for sessions; every run makes a new session inside")
    tags: dict[str, str] = Field(default_factory=dict, description="kept in the session's metadata")
    note: str = Field("", description="kept in the session's metadata")
    chunk_seconds: float = Field(CHUNK_SECONDS, gt=0, le=3600,
                                 description="rounds are written in chunks this long: what a crash can lose at most")

    def open(self) -> "RecordSink":
        return RecordSink(self)


class RecordSink:
    label = "record sink"

    def __init__(self, spec: RecordSinkSpec):
        self.spec = spec
        self.bytes_written = 0
        self._writer: SessionWriter | None = None
        self._folder: Path | None = None
        self._harvest = None
        self._stop_observing = None

    @property
    def folder(self) -> Path | None:
        """The session's folder (None before ``attach``)."""
        return self._folder

    def attach(self, harvest) -> None:
        """Start a session for ``harvest`` and record its rounds until ``close``."""
        if self._writer is not None:
            return
        root = Path(os.path.expanduser(self.spec.folder))
        self._writer = SessionWriter(root, harvest.profile, tags=self.spec.tags, note=self.spec.note,
                                     chunk_seconds=self.spec.chunk_seconds)
        self._harvest, self._folder = harvest, self._writer.folder
        self._stop_observing = harvest.observe(self._writer.add_round)

    def write(self, data: bytes) -> None:
        self.bytes_written += len(data)

    def close(self) -> None:
        """Stop observing; write the last chunk and the final metadata. Safe to call twice."""
        writer, self._writer = self._writer, None
        if writer is None:
            return
        self._stop_observing()
        writer.close(self._harvest.health(), "closed")
