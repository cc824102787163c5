"""``oe serve [PROFILE...]``: serve profile-defined pools over HTTP (uvicorn).

The first profile is the default pool; its ``server:`` section sets limits, CORS, raw
output and the API key's variable (``--api-key-env`` overrides the variable's name).
The key is read from the environment, never from the command line, so it does not show
in ``ps`` or shell history.

Forwarded headers: uvicorn runs with ``proxy_headers=False``, so no peer (not even
loopback, uvicorn's default) can name a client in ``X-Forwarded-For``; the app believes
that header only from the proxies given with ``--trusted-proxy`` (see api/proxies.py).
"""

from __future__ import annotations

import click


def _check_proxies(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> tuple[str, ...]:
    from openentropy.api.proxies import parse_proxies

    try:
        parse_proxies(values)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None
    return values


@click.command("serve")
@click.argument("profiles", nargs=-1)
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (loopback by default; anything else exposes the pool).")
@click.option("--port", type=click.IntRange(0, 65535), default=8042, show_default=True, help="TCP port.")
@click.option("--api-key-env", metavar="NAME",
              help="Environment variable holding the API key (default: the profile's server.api_key_env).")
@click.option("--log-level", type=click.Choice(["critical", "error", "warning", "info", "debug"]), default="info",
              show_default=True, help="uvicorn's log level.")
@click.option("--trusted-proxy", "trusted_proxies", metavar="ADDR", multiple=True, callback=_check_proxies,
              help="A reverse proxy (address or network) whose X-Forwarded-For names the client; repeatable. "
                   "Default: none, forwarded headers are ignored.")
def serve_command(profiles: tuple[str, ...], host: str, port: int, api_key_env: str | None, log_level: str,
                  trusted_proxies: tuple[str, ...]) -> None:
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
      oe serve --host 0.0.0.0 --trusted-proxy 10.0.0.2    behind a reverse proxy
    """
    import uvicorn

    from openentropy.api import Settings, create_app

    app = create_app(Settings(profiles=profiles or ("server",), api_key_env=api_key_env,
                              trusted_proxies=trusted_proxies))
    uvicorn.run(app, host=host, port=port, log_level=log_level, proxy_headers=False)
