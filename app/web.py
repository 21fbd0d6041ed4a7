"""Web pages (placeholder until the browser work lands; owned by the browser helper)."""

from __future__ import annotations

from flask import Blueprint, Response

bp = Blueprint("web", __name__)


def render_error_page(status: int) -> Response:
    return Response(f"Error {status}", status=status, mimetype="text/plain")
