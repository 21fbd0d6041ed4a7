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


def is_api(path: str) -> bool:
    return path.startswith("/api/") or path in ("/healthz", "/readyz", "/metrics")


COMMON = (
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
    ("Cross-Origin-Resource-Policy", "same-origin"),
    ("Permissions-Policy", PERMISSIONS),
    ("X-Frame-Options", "DENY"),
)
# Built once: API answers and pages differ only in their CSP; both are no-store.
API_HEADERS = (("Content-Security-Policy", API_CSP), ("Cache-Control", "no-store"), *COMMON)
PAGE_HEADERS = (("Content-Security-Policy", PAGE_CSP), ("Cache-Control", "no-store"), *COMMON)
STATIC_HEADERS = (("Content-Security-Policy", PAGE_CSP), *COMMON)
OURS = {name.lower() for name, _ in API_HEADERS} | {"server", "strict-transport-security"}


def apply_security_headers(response: Response) -> Response:
    """Add the security headers every burnlink response carries (hot path: plain appends)."""
    path = request.path
    headers = response.headers
    if any(name.lower() in OURS for name, _ in headers.items()):
        for name in OURS:
            headers.pop(name, None)  # rare: a view set one of ours; ours win
    if is_api(path):
        chosen = API_HEADERS
    elif path.startswith("/static/"):
        chosen = STATIC_HEADERS
        headers.setdefault("Cache-Control", "public, max-age=300")
    else:
        chosen = PAGE_HEADERS
    for name, value in chosen:
        headers.add(name, value)
    if request.is_secure:
        headers.add("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
    return response
