"""WSGI entry point for gunicorn: ``gunicorn wsgi:app`` (see gunicorn.conf.py)."""

from app import create_app
from app.observability import configure_logging

configure_logging()
app = create_app()
