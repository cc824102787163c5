"""The openentropy battery: 31 statistical tests in ten categories (upstream names)."""

__all__: list[str] = []
