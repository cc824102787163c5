"""``python -m openentropy.shell`` is the ``oe`` command."""

from .cli import main

main()
