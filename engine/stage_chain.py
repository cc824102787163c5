"""A source's bytes from its collect to what the pool mixes: the profile's stage chain.

    stage_chain(spec, conditioning)    which outcome the chain starts from and its stages:
                                       the health task's accepted symbols when the entry
                                       keeps the source's own stages, else the raw samples
                                       through the entry's ``stages``; then the profile's
                                       conditioning
    apply_stage(stage, outcome)        one stage; a stage that raises fails the source
    settle(checked, mixed)             the outcome that goes to the pool and its bytes
    mixed_outcome(...)                 all of the above at once (a distributed worker)

The local graph (compiler.py) makes one task per stage from ``stage_chain``; a worker of
a distributed harvest (remote.py) runs ``mixed_outcome`` in one go. Both settle the same
way, so a source's round means the same wherever it ran.
"""

from __future__ import annotations

from typing import Any

from openentropy.pipelines.conditioners import as_bytes

from .outcome import CollectOutcome, Status
from .profile import SourceSpec


def stage_chain(spec: SourceSpec, conditioning: list[Any] | tuple[Any, ...]) -> tuple[bool, list[tuple[str, Any]]]:
    """(starts from the health task's outcome?, [(kind, stage)]) for ``spec``; kind is
    ``stage`` for the entry's own stages, ``condition`` for the profile's."""
    if spec.stages is None:  # the source's own stages: the checked symbols are the mixed ones
        return True, [("condition", s) for s in conditioning]
    return False, [("stage", s) for s in spec.stages] + [("condition", s) for s in conditioning]


def apply_stage(stage: Any, outcome: CollectOutcome) -> CollectOutcome:
    if outcome.status is not Status.OK:
        return outcome
    try:
        return outcome.with_data(stage.apply(outcome.data))
    except Exception as error:  # a stage that cannot handle this input fails the source, not the round
        return outcome.failed(Status.FAILED, f"stage {stage.type}: {type(error).__name__}: {error}")


def settle(checked: CollectOutcome, mixed: CollectOutcome) -> tuple[CollectOutcome, bytes]:
    """The outcome the pool records (status and credit from ``checked`` unless the
    stages failed) and the bytes it mixes (``mixed``'s; empty unless OK)."""
    if mixed.status is Status.OK and len(mixed.data) == 0:
        mixed = mixed.failed(Status.EMPTY, "no symbols left after its stages")
    if mixed.status is not Status.OK:
        return mixed, b""
    if checked.status is not Status.OK:
        return checked, b""
    return checked, as_bytes(mixed.data).tobytes()


def mixed_outcome(spec: SourceSpec, conditioning: tuple[Any, ...], raw: CollectOutcome,
                  checked: CollectOutcome) -> tuple[CollectOutcome, bytes]:
    """``settle`` after running ``spec``'s whole stage chain on ``raw``/``checked``."""
    from_checked, chain = stage_chain(spec, conditioning)
    outcome = checked if from_checked else raw
    for _, stage in chain:
        outcome = apply_stage(stage, outcome)
    return settle(checked, outcome)
