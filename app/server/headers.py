"""Response headers, set in one place for every response."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

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
# Static files are public and change only with a release: short caching, whatever the view said.
STATIC_CACHE = ("Cache-Control", "public, max-age=300")
OURS = {name.lower() for name, _ in API_HEADERS} | {"server", "strict-transport-security"}


HSTS = ("Strict-Transport-Security", "max-age=63072000; includeSubDomains")


class SecurityHeaders:
    """WSGI middleware: every answer leaves with the security headers; ours replace any a view set.

    A middleware rather than an ``after_request`` hook, so that the constant headers are appended
    as tuples once, instead of each going through the response's header checks on every request.
    It sits inside ProxyFix, so ``wsgi.url_scheme`` is the one ProxyFix believed.
    """

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            headers = [item for item in headers if item[0].lower() not in OURS]
            path = environ.get("PATH_INFO", "")
            if is_api(path):
                headers.extend(API_HEADERS)
            elif path.startswith("/static/"):
                headers.extend(STATIC_HEADERS)
                headers.append(STATIC_CACHE)
            else:
                headers.extend(PAGE_HEADERS)
            if environ.get("wsgi.url_scheme") == "https":
                headers.append(HSTS)
            return start_response(status, headers, exc_info)

        return self.app(environ, start)
