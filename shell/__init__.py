"""Front-ends: the ``oe`` command line, the ``oe shell`` interactive shell and the ``oe monitor``
dashboard."""

__all__ = ["main"]


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``oe`` command."""
    from .cli import main as cli_main

    cli_main(argv)
