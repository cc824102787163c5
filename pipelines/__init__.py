"""Conditioning stages, sinks and quick entropy estimates."""

from .conditioners import as_bytes, delta, gcd_divide, lsb, raw, sha256, von_neumann, xor_fold, xor_whiten
from .estimates import mcv_min_entropy, shannon
from .sinks import SINK_TYPES, Sink, SinkSpec
from .stages import STAGE_TYPES, StageSpec, parse_stages

__all__ = [
    "SINK_TYPES",
    "STAGE_TYPES",
    "Sink",
    "SinkSpec",
    "StageSpec",
    "as_bytes",
    "delta",
    "gcd_divide",
    "lsb",
    "mcv_min_entropy",
    "parse_stages",
    "raw",
    "sha256",
    "shannon",
    "von_neumann",
    "xor_fold",
    "xor_whiten",
]
