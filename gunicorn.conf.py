"""gunicorn settings for burnlink (`gunicorn wsgi:app` picks this file up): see app/server/gunicorn_conf.py."""

from app.server.gunicorn_conf import *  # noqa: F403 - gunicorn reads settings and hooks from this namespace
