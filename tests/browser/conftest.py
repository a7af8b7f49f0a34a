"""Browser tests: Playwright driving Debian's chromium (never a downloaded browser).

Without /usr/bin/chromium the tests are skipped on a developer's machine and FAIL in CI.
Servers bind to 127.0.0.1 on a free port and stop when the tests end.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
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
    from cascade.content import load_curriculum
    from trainer_tracker.app import create_app
    from trainer_tracker.db import database
    from trainer_tracker.devload.demo import load
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


# --------------------------------------------------------------------------------------------
# Accessibility fixtures: the site built once per session, the demo database loaded once and
# copied, and one scan per site edition and per tracker role shared by the axe and phone tests.

ROLES = {None: "nobody signed in", "admin": "admin", "lead": "programme lead", "el-lead": "site lead",
         "trainer": "trainer", "supporter": "peer supporter", "researcher": "researcher", "leap": "LEAP reviewer"}


def _cascade_command() -> list[str]:
    import shutil

    beside = Path(sys.executable).with_name("cascade")
    if beside.exists():
        return [str(beside)]
    found = shutil.which("cascade")
    if found:
        return [found]
    return [sys.executable, "-c", "from trainer_tracker.cli import main; main()"]


@pytest.fixture(scope="session")
def built_site(browser, built_site) -> Path:
    """The run's one site build (tests/conftest.py), once chromium is known to be there."""
    return built_site


class ServerProcess:
    """A server in its own Python process on 127.0.0.1 at a free port, so that it does not share
    the test driver's interpreter (and its lock) while a crawl keeps both busy."""

    def __init__(self, code: str, *args: str, cwd: Path | None = None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.command = [sys.executable, "-c", code, str(self.port), *args]
        self.cwd = cwd
        self.process = None

    def __enter__(self):
        import time
        import urllib.request

        self.process = subprocess.Popen(self.command, cwd=self.cwd, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.PIPE, env={**os.environ, "PYTHONUNBUFFERED": "1"})
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(self.url + "/", timeout=2):
                    return self
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.__exit__()
                    raise RuntimeError(f"server did not start: {self.process.stderr.read().decode()[-2000:]}") from None
                time.sleep(0.1)

    def __exit__(self, *exc):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process is not None:
            self.process.stderr.close()


_STATIC_SERVER = """
import functools, http.server, sys
class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass
handler = functools.partial(Quiet, directory=sys.argv[2])
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), handler).serve_forever()
"""

_TRACKER_SERVER = """
import json, logging, sys
from werkzeug.serving import make_server
from trainer_tracker.app import create_app
logging.getLogger("werkzeug").setLevel(logging.ERROR)
app = create_app(json.loads(sys.argv[2]))
make_server("127.0.0.1", int(sys.argv[1]), app, threaded=True).serve_forever()
"""


@pytest.fixture(scope="session")
def site_servers(built_site):
    """Each built edition served at the root of its own 127.0.0.1 port (as it would be deployed, so
    that its 404 page finds its assets): {"supporter": URL, "trainer": URL}."""
    with ServerProcess(_STATIC_SERVER, str(built_site / "site" / "supporter")) as supporter, \
            ServerProcess(_STATIC_SERVER, str(built_site / "site" / "trainer")) as trainer:
        yield {"supporter": supporter.url, "trainer": trainer.url}


@pytest.fixture(scope="session")
def demo_database(browser, tmp_path_factory, repo_root) -> Path:
    """The demo programme loaded once into an SQLite file; each tracker copies it."""
    folder = tmp_path_factory.mktemp("demo-database")
    demo_app(folder, repo_root)
    from trainer_tracker.db import database

    database.close()
    return folder / "demo.sqlite"


def demo_tracker(demo_database: Path, folder: Path, repo_root: Path, site_dir: Path | None = None) -> ServerProcess:
    """A tracker in its own process on a fresh copy of the session's demo database."""
    import json
    import shutil

    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "demo.sqlite"
    shutil.copy2(demo_database, target)
    config = {"SECRET_KEY": "browser-tests", "DATABASE_URL": f"sqlite:///{target}",
              "SESSION_COOKIE_SECURE": False, "REMEMBER_COOKIE_SECURE": False, "CONTENT_ROOT": str(repo_root)}
    if site_dir is not None:
        config["SITE_DIR"] = str(site_dir)
    return ServerProcess(_TRACKER_SERVER, json.dumps(config), cwd=repo_root)


def role_sign_in(base: str, role: str | None):
    """A function that signs `role`'s demo account in on a page (None: nobody)."""
    if role is None:
        return None
    from cascade.devdata.demo import DEMO_PASSWORD

    return lambda page: sign_in(page, base, f"{role}@example.org", DEMO_PASSWORD)


def give_supporter_a_carer(browser, base: str) -> None:
    """On some dates every carer of the demo's peer supporter has finished support, and the
    contact pages vanish. Register a carer and match them to the supporter, through the tracker."""
    context = browser.new_context()
    page = context.new_page()
    try:
        role_sign_in(base, "supporter")(page)
        if page.locator("main tr", has_text="Being supported").count():
            return
        page.goto(f"{base}/me")
        name = page.locator("main h1").inner_text().strip()
        site = page.locator("main .nhsuk-caption-l").inner_text().strip()
        context.clear_cookies()
        role_sign_in(base, "admin")(page)
        page.goto(f"{base}/carers/new")
        site_select = page.get_by_label("Site")
        site_select.select_option(value=site_select.locator("option", has_text=site).first.get_attribute("value"))
        page.get_by_role("button", name="Register carer").click()
        page.get_by_role("link", name="Match with a peer supporter").click()
        supporter = page.get_by_label("Peer supporter")
        supporter.select_option(value=supporter.locator("option", has_text=name).first.get_attribute("value"))
        page.get_by_role("button", name="Match").click()
        page.get_by_text("matched with").wait_for()
    finally:
        context.close()


@pytest.fixture(scope="session")
def site_scans(browser, built_site, site_servers):
    """Every page of both editions: axe and the target check at 1280 px and again at 360 px."""
    from .a11y import scan_site, site_pages

    scans = {}
    for edition in ("supporter", "trainer"):
        paths = site_pages(built_site / "site" / edition)
        scans[edition] = scan_site(browser, site_servers[edition], paths, edition)
    return scans


@pytest.fixture(scope="session")
def tracker_scans(browser, built_site, demo_database, tmp_path_factory, repo_root):
    """Every tracker page each role can reach, and each form's error state: axe and phone checks."""
    from .a11y import scan_tracker

    structures: set[str] = set()
    forms: set[str] = set()
    scans = {}
    with demo_tracker(demo_database, tmp_path_factory.mktemp("tracker-scan"), repo_root, built_site / "site") as live:
        give_supporter_a_carer(browser, live.url)
        for role in ROLES:
            scans[role] = scan_tracker(browser, live.url, role_sign_in(live.url, role),
                                       seen_structures=structures, seen_forms=forms)
    return scans
