"""The REST service (FastAPI). Not built yet: see the open issue "REST service"."""

__all__: list[str] = []
