"""Browser tests: Playwright driving Debian's chromium (never a downloaded browser).

Without /usr/bin/chromium the tests are skipped on a developer's machine and FAIL in CI.
Servers bind to 127.0.0.1 on a free port and stop when the tests end.
"""

from __future__ import annotations

import os
import socket
import threading
from pathlib import Path

import pytest

os.environ.setdefault("CASCADE_FAST_PASSWORD_HASH", "1")

CHROMIUM = Path(os.environ.get("CASCADE_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        if _in_ci():
            pytest.fail(f"{CHROMIUM} is missing; CI installs Debian's chromium (.ci/run)")
        pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield browser
    browser.close()
    playwright.stop()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveServer:
    def __init__(self, app):
        from werkzeug.serving import make_server

        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = make_server("127.0.0.1", self.port, app, threaded=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.thread.join(timeout=10)


def demo_app(tmp_path: Path, repo_root: Path, site_dir: Path | None = None):
    """A tracker app on a fresh SQLite database with the demo programme loaded."""
    from trainer_tracker.app import create_app
    from trainer_tracker.content import load_curriculum
    from trainer_tracker.db import database
    from trainer_tracker.demo import load
    from trainer_tracker.migrate import upgrade

    config = {"SECRET_KEY": "browser-tests", "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite'}",
              "SESSION_COOKIE_SECURE": False, "REMEMBER_COOKIE_SECURE": False, "CONTENT_ROOT": str(repo_root)}
    if site_dir is not None:
        config["SITE_DIR"] = str(site_dir)
    app = create_app(config)
    database.connect(reuse_if_open=True)
    upgrade()
    load(load_curriculum(repo_root / "curriculum"))
    database.close()
    return app


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def sign_in(page, base: str, email: str, password: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
