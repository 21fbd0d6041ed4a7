"""Response headers, set in one place for every response."""

from __future__ import annotations

from flask import Response, request

# Pages: our own scripts, styles and images only; data: images for the QR code
# canvas export. Nothing may frame us, post forms elsewhere or set a <base>.
PAGE_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
# API answers are data, never documents: a browser that opens one gets a sandbox.
API_CSP = "default-src 'none'; sandbox"
PERMISSIONS = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), "
    "magnetometer=(), microphone=(), midi=(), payment=(), usb=(), browsing-topics=()"
)
NO_STORE_PREFIXES = ("/api/", "/s/")


def is_api(path: str) -> bool:
    return path.startswith("/api/") or path in ("/healthz", "/readyz", "/metrics")


def apply_security_headers(response: Response) -> Response:
    """Add the security headers every burnlink response carries."""
    path = request.path
    headers = response.headers
    headers["Content-Security-Policy"] = API_CSP if is_api(path) else PAGE_CSP
    headers["X-Content-Type-Options"] = "nosniff"
    headers["Referrer-Policy"] = "no-referrer"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    headers["Cross-Origin-Resource-Policy"] = "same-origin"
    headers["Permissions-Policy"] = PERMISSIONS
    headers["X-Frame-Options"] = "DENY"
    if path.startswith(NO_STORE_PREFIXES) or is_api(path):
        headers["Cache-Control"] = "no-store"
    elif path.startswith("/static/"):
        headers.setdefault("Cache-Control", "public, max-age=300")
    else:
        headers["Cache-Control"] = "no-store"
    if request.is_secure:
        headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
    headers.pop("Server", None)
    return response
