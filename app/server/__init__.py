"""The server: the Flask application (API, curl mode, pages), its headers, limits and logs.

:func:`create_app` is the application factory (``burnlink serve`` calls it); :func:`wsgi_app`
builds the production app for gunicorn (``wsgi.py``).
"""

from .factory import create_app, wsgi_app

__all__ = ["create_app", "wsgi_app"]
