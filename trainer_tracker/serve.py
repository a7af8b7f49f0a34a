"""Production serving with gunicorn (sync workers; see docs/deployment.md)."""

from __future__ import annotations

import multiprocessing

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

        return create_app()


def default_workers() -> int:
    return max(2, min(4, 2 * multiprocessing.cpu_count()))


def run_gunicorn(host: str, port: int, workers: int | None = None) -> None:
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
