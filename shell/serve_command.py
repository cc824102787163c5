"""``oe serve [PROFILE...]``: serve profile-defined pools over HTTP (uvicorn).

The first profile is the default pool; its ``server:`` section sets limits, CORS, raw
output and the API key's variable (``--api-key-env`` overrides the variable's name).
The key is read from the environment, never from the command line, so it does not show
in ``ps`` or shell history.
"""

from __future__ import annotations

import click


@click.command("serve")
@click.argument("profiles", nargs=-1)
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (loopback by default; anything else exposes the pool).")
@click.option("--port", type=click.IntRange(0, 65535), default=8042, show_default=True, help="TCP port.")
@click.option("--api-key-env", metavar="NAME",
              help="Environment variable holding the API key (default: the profile's server.api_key_env).")
@click.option("--log-level", type=click.Choice(["critical", "error", "warning", "info", "debug"]), default="info",
              show_default=True, help="uvicorn's log level.")
def serve_command(profiles: tuple[str, ...], host: str, port: int, api_key_env: str | None, log_level: str) -> None:
    """Serve PROFILE... over HTTP (default: the shipped 'server' profile).

    \b
    Endpoints: /API/jsonI.php and /api/v1/random (ANU QRNG compatible),
    /api/v1/bytes, /api/v1/stream, /health, /sources, /pool/status, /profiles,
    /events, /metrics; API docs at /docs.

    \b
    Examples:
      oe serve
      OE_API_KEY=... oe serve server paranoid --port 9000
      oe serve my.yaml --api-key-env MY_KEY
    """
    import uvicorn

    from openentropy.api import Settings, create_app

    app = create_app(Settings(profiles=profiles or ("server",), api_key_env=api_key_env))
    uvicorn.run(app, host=host, port=port, log_level=log_level)
