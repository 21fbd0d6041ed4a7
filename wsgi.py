"""WSGI entry point for gunicorn: ``gunicorn wsgi:app`` (settings in gunicorn.conf.py)."""

from app.server import wsgi_app

app = wsgi_app()
