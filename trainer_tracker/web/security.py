"""Security headers on every response and no caching of signed-in pages."""

from __future__ import annotations

from flask import request
from flask_login import current_user

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
# The published training site (served under /site/) is Material for MkDocs, which needs inline
# scripts and styles; it holds no personal data and is framed by nobody.
SITE_CSP = ("default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data:; object-src 'none'; base-uri 'self'; frame-ancestors 'none'")


def init_app(app) -> None:
    @app.after_request
    def _headers(response):
        site = request.path.startswith("/site/")
        response.headers["Content-Security-Policy"] = SITE_CSP if site else CSP
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["X-Frame-Options"] = "DENY"
        response.headers["Referrer-Policy"] = "same-origin"
        response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()"
        response.headers["Cross-Origin-Opener-Policy"] = "same-origin"
        if app.config.get("SESSION_COOKIE_SECURE"):
            response.headers["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        if current_user.is_authenticated and not site:
            response.headers["Cache-Control"] = "no-store"
        return response
