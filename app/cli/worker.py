"""``burnlink worker``: the notification worker (the Procfile's ``worker:`` line), a thin entry point."""

from __future__ import annotations

import click

from ..core.config import load_config
from ..core.errors import ConfigError
from .exits import fail


@click.command()
def worker() -> None:
    """Deliver notifications, keep the audit trail and report expiries until SIGTERM or Ctrl-C.

    Reads the web process's settings (REDIS_URL, SECRET_KEY, BURNLINK_*); run as many as you like.
    """
    import logging
    import signal
    import sys
    import threading

    # Loaded here only: the client commands never load Redis.
    from ..notifications.worker import Worker
    from ..store import Store, connect

    try:
        config = load_config()
    except ConfigError as err:
        fail(" ".join(err.problems))
    if not config.redis_url:
        fail("REDIS_URL is not set: the worker reads the web process's Redis (burnlink serve runs its own worker).")
    if config.secret_key_generated:
        fail("SECRET_KEY is not set: the worker needs the web process's, to open the targets it sealed.")
    logging.basicConfig(level=config.log_level, stream=sys.stderr, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    client, _ = connect(config.redis_url, timeout=config.redis_timeout)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    Worker(Store.from_config(client, config), config).run(stop)
