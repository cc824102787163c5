"""Entropy sources: the contract (``base``), the registry, and the sources themselves."""

from .base import AVAILABLE, Availability, Category, EntropySource, SourceInfo, SourceParams, unavailable
from .registry import SOURCES, get_source_class, source_names

__all__ = [
    "AVAILABLE",
    "Availability",
    "Category",
    "EntropySource",
    "SOURCES",
    "SourceInfo",
    "SourceParams",
    "get_source_class",
    "source_names",
    "unavailable",
]
