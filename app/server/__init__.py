"""The server: the Flask application (API, curl mode, pages), its headers, limits and logs.

:func:`create_app` is the application factory (``burnlink serve`` calls it); :func:`wsgi_app`
builds the production app for gunicorn (``wsgi.py``).
"""

from __future__ import annotations

from typing import Any

__all__ = ["create_app", "wsgi_app"]


def __getattr__(name: str) -> Any:
    # Loaded on first use: gunicorn's master imports app.server.gunicorn_conf, and the gevent
    # worker must patch the standard library before Flask, redis-py and ssl are imported.
    if name in __all__:
        from . import factory

        return getattr(factory, name)
    raise AttributeError(name)
