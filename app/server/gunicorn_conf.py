"""gunicorn settings for burnlink: ``gunicorn -c python:app.server.gunicorn_conf``.

The repository's ``gunicorn.conf.py`` (which ``gunicorn wsgi:app`` picks up)
is this module. Every value comes from :func:`app.core.config.read_config`: PORT or
BURNLINK_BIND (address), WEB_CONCURRENCY (workers), BURNLINK_WORKER_CONNECTIONS
(connections per worker), BURNLINK_HEADER_TIMEOUT, BURNLINK_LOG_LEVEL, and the app's
own settings, which are checked here before any worker starts.

The workers are gevent's: a connection costs a greenlet, not a thread, so clients that
send slowly or sit idle cannot take every worker. gunicorn bounds each request's line and
headers (and the idle time between keep-alive requests) by ``keepalive`` seconds under
this worker; :mod:`app.server.bodies` bounds the body. This module imports neither Flask
nor Redis, so the worker's monkey-patching comes before them.
"""

import shutil
import sys
import tempfile

import gunicorn.http.wsgi

from app.core.config import read_config

settings, problems = read_config()

bind = settings.bind
workers = settings.workers
worker_class = "gevent"
# Connections one worker holds at once, idle and slow ones included; past it the worker stops
# accepting until one ends (a timeout frees a slot within BURNLINK_HEADER/BODY_TIMEOUT).
worker_connections = settings.worker_connections
timeout = 30
graceful_timeout = 10
# Under the gevent worker this is also the deadline for a request's line and headers.
keepalive = settings.header_timeout
# The app writes its own JSON request log (route templates only); gunicorn's
# access log would add full paths and headers, so it stays off.
accesslog = None
errorlog = "-"
loglevel = settings.log_level.lower()
# No control socket: one fixed path per user would collide between instances
# (two apps on one host, the test suite's servers), and nothing here uses it.
control_socket_disable = True
limit_request_line = 4094
limit_request_field_size = 8190
# The response header "Server: gunicorn" names the software; drop it.
gunicorn.http.wsgi.SERVER = "burnlink"

# Workers are separate processes: with metrics on, prometheus-client sums them through files
# in one directory, which gunicorn hands to the workers and on_exit removes.
_metrics_dir = ""
raw_env = []
if settings.metrics and not settings.metrics_dir:
    _metrics_dir = tempfile.mkdtemp(prefix="burnlink-metrics-")
    raw_env.append(f"PROMETHEUS_MULTIPROC_DIR={_metrics_dir}")


def on_starting(server):
    """Refuse set-ups that cannot work, naming every problem at once, before any worker forks."""
    found = list(problems)
    if server.cfg.workers > 1 and not settings.redis_url:
        found.append(
            "REDIS_URL is not set, so each worker would keep its own in-memory store "
            "and secrets would vanish between them. Set REDIS_URL, or run one worker (-w 1)."
        )
    if server.cfg.workers > 1 and settings.secret_key_generated:
        found.append("SECRET_KEY is not set; several workers must share one, so set it (each would make its own).")
    if found:
        for problem in found:
            sys.stderr.write(f"burnlink: {problem}\n")
        _remove_metrics_dir()
        sys.exit(1)


def child_exit(server, worker):
    directory = settings.metrics_dir or _metrics_dir
    if directory:
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid, path=directory)


def on_exit(server):
    _remove_metrics_dir()


def _remove_metrics_dir():
    if _metrics_dir:
        shutil.rmtree(_metrics_dir, ignore_errors=True)
