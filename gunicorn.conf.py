"""gunicorn settings for burnlink (`gunicorn wsgi:app` picks this file up).

Environment: PORT or BURNLINK_BIND (address), WEB_CONCURRENCY (workers),
BURNLINK_THREADS (threads per worker), REDIS_URL, SECRET_KEY, BURNLINK_ENV.
"""

import os
import sys

_port = os.environ.get("PORT")
bind = os.environ.get("BURNLINK_BIND") or (f"0.0.0.0:{_port}" if _port else "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
worker_class = "gthread"
threads = int(os.environ.get("BURNLINK_THREADS", "4"))
timeout = 30
graceful_timeout = 10
keepalive = 5
# The app writes its own JSON request log (route templates only); gunicorn's
# access log would add full paths and headers, so it stays off.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("BURNLINK_LOG_LEVEL", "info")
# No control socket: one fixed path per user would collide between instances
# (two apps on one host, the test suite's servers), and nothing here uses it.
control_socket_disable = True
limit_request_line = 4094
limit_request_field_size = 8190
# The response header "Server: gunicorn" names the software; drop it.
import gunicorn.http.wsgi  # noqa: E402

gunicorn.http.wsgi.SERVER = "burnlink"


def on_starting(server):
    """Refuse set-ups that cannot work, before any worker forks."""
    if not os.environ.get("REDIS_URL") and server.cfg.workers > 1:
        sys.stderr.write(
            "burnlink: REDIS_URL is not set, so each worker would keep its own in-memory store "
            "and secrets would vanish between them. Set REDIS_URL, or run one worker (-w 1).\n"
        )
        sys.exit(1)
    env = os.environ.get("BURNLINK_ENV", "production")
    if not os.environ.get("SECRET_KEY"):
        if env == "production":
            sys.stderr.write("burnlink: SECRET_KEY is not set; refusing to start in production.\n")
            sys.exit(1)
        # One random key for all workers of this master (they inherit the environment).
        import secrets

        os.environ["SECRET_KEY"] = secrets.token_urlsafe(48)
    mp_dir = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not mp_dir and os.environ.get("BURNLINK_METRICS", "").lower() in ("1", "true", "yes", "on"):
        # Workers are separate processes: prometheus-client sums them through files.
        import tempfile

        mp_dir = os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="burnlink-metrics-")
    if mp_dir:
        os.makedirs(mp_dir, exist_ok=True)
        for name in os.listdir(mp_dir):
            if name.endswith(".db"):
                os.remove(os.path.join(mp_dir, name))


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
