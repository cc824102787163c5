"""NIST SP 800-22 rev1a: the 15 statistical tests with NIST's default parameters."""

__all__: list[str] = []
