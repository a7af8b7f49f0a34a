"""Production serving with gunicorn (threaded workers; see docs/deployment.md)."""

from __future__ import annotations

import multiprocessing
import os

from gunicorn.app.base import BaseApplication


class _Gunicorn(BaseApplication):
    def __init__(self, options: dict):
        self.options = options
        super().__init__()

    def load_config(self):
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        from .app import create_app

        app = create_app()
        hops = proxy_hops()
        if hops:
            # Behind a TLS proxy every request comes from the proxy's address: take the client's
            # address (used to throttle sign-in attempts) and scheme from the proxy's headers.
            from werkzeug.middleware.proxy_fix import ProxyFix

            app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
        return app


def proxy_hops() -> int:
    """CASCADE_PROXY_HOPS: how many trusted proxies set X-Forwarded-For in front of the tracker (0: none)."""
    value = os.environ.get("CASCADE_PROXY_HOPS", "0").strip() or "0"
    if not value.isdigit():
        raise ValueError(f"CASCADE_PROXY_HOPS must be a whole number, not {value!r}")
    return int(value)


def default_workers() -> int:
    return max(2, min(4, 2 * multiprocessing.cpu_count()))


def run_gunicorn(host: str, port: int, workers: int | None = None) -> None:
    proxy_hops()  # a bad value stops here, not in every worker
    _Gunicorn({
        "bind": f"{host}:{port}",
        "workers": workers or default_workers(),
        "worker_class": "gthread",
        "threads": 4,
        "timeout": 30,
        "graceful_timeout": 20,
        "max_requests": 2000,
        "max_requests_jitter": 200,
        "accesslog": "-",
        # Paths only: query strings can carry search terms, and bodies are never logged.
        "access_log_format": '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms',
        "forwarded_allow_ips": "127.0.0.1",
        "preload_app": False,
    }).run()
