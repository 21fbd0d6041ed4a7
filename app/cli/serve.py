"""``burnlink serve``: the development server (production runs gunicorn wsgi:app)."""

from __future__ import annotations

import click

from ..core.config import load_config
from ..core.errors import ConfigError
from .exits import fail


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
def serve(host: str, port: int) -> None:
    """Run the server for development (production: gunicorn wsgi:app).

    Without REDIS_URL it keeps secrets in this process's memory (and says so).
    """
    import logging

    # The server is imported here only: the other commands never load it.
    from ..server import create_app
    from ..server.observability import configure_logging

    try:
        config = load_config(defaults={"BURNLINK_ENV": "development"})
    except ConfigError as err:
        fail(" ".join(err.problems))
    configure_logging(config.log_level)
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # the app logs every request itself
    app = create_app(config)
    services = app.extensions["burnlink"]
    if services.embedded:
        # No other process can reach an in-memory store, so its notification worker runs here.
        from ..notifications.worker import Worker

        Worker(services.store, config).start_thread()
        click.echo("burnlink: delivering notifications and expiries from a worker inside this process", err=True)
    click.echo(f"burnlink serving on http://{host}:{port}", err=True)
    app.run(host=host, port=port, threaded=True, use_reloader=False, request_handler=_quiet_handler())


def _quiet_handler() -> type:
    """Werkzeug's request handler, answering ``Server: burnlink`` (no framework name, no version)."""
    from werkzeug.serving import WSGIRequestHandler

    class Handler(WSGIRequestHandler):
        def version_string(self) -> str:
            return "burnlink"

    return Handler
