"""NIST SP 800-90B non-IID min-entropy estimators and the final assessment."""

__all__: list[str] = []
