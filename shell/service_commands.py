"""The shell's ``serve`` and ``stop``: the REST service on the loaded profile, in the
background, while the prompt stays usable.

``serve`` builds the app from the loaded (possibly edited, unsaved) profile with the
same ``create_app`` as ``oe serve``, and runs uvicorn on a daemon thread; ``stop``
asks it to exit and waits for it. One service per shell; ``exit`` stops it too (the
thread is a daemon, and uvicorn's own shutdown closes the harvest threads).
"""

from __future__ import annotations

import threading
import time

import click

pass_shell = click.pass_obj
#: How long ``serve`` waits for uvicorn to report that it is listening.
START_TIMEOUT_S = 20.0


class BackgroundService:
    def __init__(self, server, thread: threading.Thread, url: str):
        self.server, self.thread, self.url = server, thread, url

    def stop(self, timeout_s: float = 10.0) -> None:
        self.server.should_exit = True
        self.thread.join(timeout_s)


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(0, 65535), default=8042, show_default=True,
              help="0 picks a free port.")
@click.option("--api-key-env", help="Environment variable holding the API key (default: the profile's).")
@pass_shell
def serve(shell, host: str, port: int, api_key_env: str | None) -> None:
    """Start the REST service on the loaded profile in the background ('stop' ends it)."""
    import uvicorn

    from openentropy.api import Settings, create_app

    if getattr(shell, "service", None) is not None:
        raise click.UsageError(f"already serving at {shell.service.url}; 'stop' it first")
    profile = shell.session.require().profile
    app = create_app(Settings(profiles=(profile,), api_key_env=api_key_env))
    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning", proxy_headers=False))
    thread = threading.Thread(target=server.run, name="oe-shell-serve", daemon=True)
    thread.start()
    deadline = time.monotonic() + START_TIMEOUT_S
    while not server.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    if not server.started:
        server.should_exit = True
        raise click.ClickException(f"the service did not start on {host}:{port} (port in use?)")
    bound = server.servers[0].sockets[0].getsockname()[1] if server.servers else port
    shell.service = BackgroundService(server, thread, f"http://{host}:{bound}")
    click.echo(f"serving {profile.name} at {shell.service.url} (docs: {shell.service.url}/docs); 'stop' ends it")


@click.command("stop")
@pass_shell
def stop(shell) -> None:
    """Stop the REST service that 'serve' started."""
    service = getattr(shell, "service", None)
    if service is None:
        raise click.UsageError("nothing is being served; 'serve' starts the service")
    service.stop()
    shell.service = None
    click.echo(f"stopped {service.url}")
