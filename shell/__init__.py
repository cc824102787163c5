"""Front-ends: the ``oe`` command line (and later the interactive shell and monitor)."""

__all__ = ["main"]


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``oe`` command."""
    from .cli import main as cli_main

    cli_main(argv)
