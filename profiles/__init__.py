"""Shipped profiles (YAML package data); see ``openentropy.engine.loader.shipped_profiles``."""

__all__: list[str] = []
