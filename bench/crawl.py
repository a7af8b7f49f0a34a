"""Every page each role can reach, found by following links from the home page, timed over HTTP
against the production server (gunicorn), beside a trivial page measured in the same run.

For each role: sign in, then breadth first from "/" follow every same-site link (and redirect),
grouping URLs into page kinds (the path with record ids as <id>, and the names of the query
parameters); each kind keeps up to SAMPLES_PER_KIND example URLs. Each form that posts somewhere
is also sent empty once per kind, to time its error state (nothing is saved: it is refused).
Left out, and why: signing out (it would end the crawl), the training site (static files) and
exports (files of every row, timed by the export benchmark).

Each kind is then requested `samples` times (cycling through its examples) with /account, a
trivial signed-in page, requested between every two: p50 and p95 of both. The server reports
how many SQL statements each request ran (X-Queries, CASCADE_COUNT_QUERIES=1), so the table also
shows whether a page's queries grow with the data.
"""

from __future__ import annotations

import html
import re
import time
import urllib.parse
from collections import deque
from dataclasses import dataclass, field

from .common import log, percentile
from .httpload import Session

SAMPLES_PER_KIND = 3
MAX_URLS_PER_ROLE = 1500
SKIP_PREFIXES = ("/static/", "/site/", "/logout", "/sign-out", "/exports/")
SKIP_EXACT = {"/account/sign-out-everywhere"}
LINK_RE = re.compile(r'<a\s[^>]*href="([^"#]*)(?:#[^"]*)?"', re.I)
FORM_RE = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.I | re.S)
ATTR_RE = re.compile(r'(\w[\w-]*)="([^"]*)"')
INPUT_RE = re.compile(r"<(input|select|textarea)\b([^>]*)>", re.I)
ID_SEGMENT = re.compile(r"^\d+$")
CODE_SEGMENT = re.compile(r"^(?=.*\d)[A-Za-z0-9-]{6,}$")


def kind_of(url: str) -> str:
    """/people/42?page=2&site=EL -> /people/<id>?page&site"""
    parts = urllib.parse.urlsplit(url)
    segments = ["<id>" if ID_SEGMENT.match(s) else "<code>" if CODE_SEGMENT.match(s) else s
                for s in parts.path.split("/")]
    names = sorted({name for name, _ in urllib.parse.parse_qsl(parts.query, keep_blank_values=False)})
    return "/".join(segments) + ("?" + "&".join(names) if names else "")


def _same_site(href: str, base: str) -> str | None:
    href = html.unescape(href.strip())
    if not href or href.startswith(("mailto:", "tel:", "javascript:")):
        return None
    joined = urllib.parse.urljoin("http://bench" + base, href)
    parts = urllib.parse.urlsplit(joined)
    if parts.netloc != "bench":
        return None
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    if path.startswith(SKIP_PREFIXES) or parts.path in SKIP_EXACT:
        return None
    return path


@dataclass
class Form:
    page: str
    action: str
    fields: list[tuple[str, str]]  # hidden fields to send (the CSRF token, a one-time key)


@dataclass
class Crawl:
    role: str
    kinds: dict[str, list[str]] = field(default_factory=dict)
    forms: dict[str, Form] = field(default_factory=dict)  # by kind of the action
    statuses: dict[str, int] = field(default_factory=dict)  # unexpected answers while crawling
    requests: int = 0


def _forms(page_url: str, body: str) -> list[Form]:
    found = []
    for attrs_text, inner in FORM_RE.findall(body):
        attrs = dict(ATTR_RE.findall(attrs_text))
        if attrs.get("method", "get").lower() != "post":
            continue
        visible, hidden = False, []
        for tag, input_attrs in INPUT_RE.findall(inner):
            a = dict(ATTR_RE.findall(input_attrs))
            if tag.lower() == "input" and a.get("type", "text") == "hidden":
                if a.get("name") in ("csrf_token", "once"):
                    hidden.append((a["name"], a.get("value", "")))
            elif a.get("type") not in ("submit", "button"):
                visible = True
        if not visible:  # a button (sign out, switch off, revoke...): posting it empty would act
            continue
        action = _same_site(attrs.get("action") or page_url, page_url)
        if action:
            found.append(Form(page_url, action, hidden))
    return found


def crawl(port: int, role: str, email: str, password: str) -> Crawl:
    session = Session(port)
    session.sign_in(email, password)
    result = Crawl(role)
    queue: deque[str] = deque(["/"])
    seen: set[str] = {"/"}
    queued: dict[str, int] = {}  # URLs queued per kind: a list of 100 people must not fill the budget

    def enqueue(target: str) -> None:
        kind = kind_of(target)
        if target in seen or queued.get(kind, 0) >= 2 * SAMPLES_PER_KIND:
            return
        seen.add(target)
        queued[kind] = queued.get(kind, 0) + 1
        queue.append(target)

    try:
        while queue and result.requests < MAX_URLS_PER_ROLE:
            url = queue.popleft()
            status, location, data = session.request("GET", url)
            result.requests += 1
            if status in (301, 302, 303):
                target = _same_site(location, url) if location else None
                if target:
                    enqueue(target)
                continue
            kind = kind_of(url)
            if status != 200:
                result.statuses[kind] = status
                continue
            samples = result.kinds.setdefault(kind, [])
            if url not in samples and len(samples) < SAMPLES_PER_KIND:
                samples.append(url)
            body = data.decode("utf-8", "replace")
            for form in _forms(url, body):
                result.forms.setdefault(kind_of(form.action), form)
            for href in LINK_RE.findall(body):
                target = _same_site(href, url)
                if target and len(result.kinds.get(kind_of(target), ())) < SAMPLES_PER_KIND:
                    enqueue(target)
    finally:
        session.close()
    return result


@dataclass
class Timing:
    kind: str
    ms: list[float] = field(default_factory=list)
    baseline_ms: list[float] = field(default_factory=list)
    queries: int = 0
    statuses: set = field(default_factory=set)

    def summary(self) -> dict:
        return {"p50_ms": percentile(self.ms, 50), "p95_ms": percentile(self.ms, 95),
                "baseline_p50_ms": percentile(self.baseline_ms, 50), "baseline_p95_ms": percentile(self.baseline_ms, 95),
                "queries": self.queries, "samples": len(self.ms), "statuses": sorted(self.statuses)}


def _timed(session: Session, method: str, url: str, form=None) -> tuple[float, int, int]:
    t0 = time.perf_counter()
    status, _, _ = session.request(method, url, form)
    ms = (time.perf_counter() - t0) * 1000
    return ms, status, int(session.last_headers.get("X-Queries", "0") or 0)


def measure(port: int, found: Crawl, email: str, password: str, samples: int) -> dict[str, dict]:
    """p50/p95 of every page kind (and each form's error state), each beside /account."""
    session = Session(port)
    session.sign_in(email, password)
    timings: dict[str, Timing] = {}
    try:
        for kind, urls in found.kinds.items():
            timing = timings[kind] = Timing(kind)
            for n in range(samples):
                ms, status, queries = _timed(session, "GET", urls[n % len(urls)])
                timing.ms.append(ms)
                timing.statuses.add(status)
                timing.queries = max(timing.queries, queries)
                timing.baseline_ms.append(_timed(session, "GET", "/account")[0])
        for kind, form in found.forms.items():
            timing = timings[f"POST {kind} (error state)"] = Timing(kind)
            for _ in range(max(3, samples // 2)):
                status, _, data = session.request("GET", form.page)  # a fresh CSRF token and one-time key
                fields = dict(re.findall(r'name="(csrf_token|once)"[^>]*value="([^"]*)"', data.decode("utf-8", "replace")))
                ms, status, queries = _timed(session, "POST", form.action, list(fields.items()))
                timing.ms.append(ms)
                timing.statuses.add(status)
                timing.queries = max(timing.queries, queries)
                timing.baseline_ms.append(_timed(session, "GET", "/account")[0])
    finally:
        session.close()
    return {kind: t.summary() for kind, t in timings.items()}


def first_visits(port: int, found: Crawl, email: str, password: str) -> dict[str, float]:
    """One request per page kind on a server that has just started (nothing warmed)."""
    session = Session(port)
    session.sign_in(email, password)
    out = {}
    try:
        for kind, urls in found.kinds.items():
            out[kind] = _timed(session, "GET", urls[0])[0]
    finally:
        session.close()
    return out


def log_crawl(found: Crawl) -> None:
    log(f"  {found.role}: {len(found.kinds)} page kinds, {len(found.forms)} forms, {found.requests} requests"
        + (f"; unexpected answers: {found.statuses}" if found.statuses else ""))


# --- running it against a database ------------------------------------------------------------

ROLE_ORDER = ("admin", "programme_lead", "site_lead", "trainer", "supporter", "researcher", "leap_reviewer")


def accounts(url: str) -> dict[str, str]:
    """{role: email} of one signed-in-able account per role in a benchmark database."""
    from trainer_tracker.accounts.models import User
    from trainer_tracker.db import bind, database

    bind(url)
    database.connect(reuse_if_open=True)
    try:
        found: dict[str, str] = {}
        for email, role in User.select(User.email, User.role).where(User.active).order_by(User.id).tuples():
            found.setdefault(role, email)
    finally:
        database.close()
    return {role: found[role] for role in ROLE_ORDER if role in found}


def run(db, *, samples: int, workers: int, work_url: str, tmp) -> dict:
    """Crawl and time every role's pages on a working copy of `db` (forms are posted empty)."""
    from pathlib import Path

    from .common import BIN, PASSWORD, env_for
    from .httpload import Server

    who = accounts(work_url)
    env = env_for(work_url, CASCADE_COUNT_QUERIES="1")
    server = Server(str(BIN / "cascade"), env, workers=workers, log_path=Path(tmp) / f"crawl-{db.backend}.log")
    out: dict = {"roles": {}, "db": db.label, "backend": db.backend}
    try:
        server.wait_ready()
        crawls = {}
        for role, email in who.items():
            crawls[role] = crawl(server.port, role, email, PASSWORD)
            log_crawl(crawls[role])
        for role, email in who.items():
            out["roles"][role] = {"email": email, "pages": measure(server.port, crawls[role], email, PASSWORD, samples),
                                  "unexpected": crawls[role].statuses}
        # A restart: the first visit to every page kind, as after a deploy or a new worker.
        server.stop()
        server = Server(str(BIN / "cascade"), env, workers=workers, log_path=Path(tmp) / f"crawl-{db.backend}-2.log")
        server.wait_ready()
        for role, email in who.items():
            out["roles"][role]["first_ms"] = first_visits(server.port, crawls[role], email, PASSWORD)
    finally:
        server.stop()
    return out


FIGURE_PAGES = ("/dashboard", "/fidelity", "/research/due")
VOLATILE = [re.compile(p) for p in (r'name="csrf_token"[^>]*>', r'name="once"[^>]*>', r'nonce="[^"]*"',
                                    r"\b\d{1,2}:\d{2}\b")]


def _figures_text(body: bytes) -> str:
    text = body.decode("utf-8", "replace")
    for pattern in VOLATILE:
        text = pattern.sub("", text)
    return text


def two_servers(db, *, workers: int, tmp) -> dict:
    """Two app servers on one PostgreSQL database: the figure pages are the same on both, and a
    write through one shows on the other at once."""
    from pathlib import Path

    from .common import BIN, PASSWORD, env_for
    from .httpload import Server

    env = env_for(db.url)
    servers = [Server(str(BIN / "cascade"), env, workers=workers, log_path=Path(tmp) / f"server-{n}.log")
               for n in (1, 2)]
    result: dict = {}
    try:
        for server in servers:
            server.wait_ready()
        sessions = []
        for server in servers:
            session = Session(server.port)
            session.sign_in("lead@example.org", PASSWORD)
            sessions.append(session)
        same = {}
        for path in FIGURE_PAGES:
            bodies = [_figures_text(s.request("GET", path)[2]) for s in sessions]
            same[path] = bodies[0] == bodies[1]
        result["same_figures"] = same
        # One contact through the first server; the second server's dashboard counts it at once.
        before = _contacts_shown(sessions[1])
        match_id = _an_active_match(sessions[0])
        token = sessions[0].csrf(f"/matches/{match_id}/contacts/new")
        status, _, _ = sessions[0].request("POST", f"/matches/{match_id}/contacts/new", [
            ("csrf_token", token), ("contact_date", time.strftime("%Y-%m-%d")), ("mode", "phone"),
            ("duration_minutes", "17"), ("topics", "emotional-support"), ("once", f"two-servers-{time.time()}")])
        after = _contacts_shown(sessions[1])
        result["write_status"] = status
        result["contacts_before_after_on_other_server"] = (before, after)
        result["write_seen_on_other_server"] = status == 302 and after == before + 1
        for session in sessions:
            session.close()
    finally:
        for server in servers:
            server.stop()
    return result


def _contacts_shown(session: Session) -> int | None:
    body = session.request("GET", "/dashboard")[2].decode("utf-8", "replace")
    found = re.search(r"Contacts recorded</dt><dd[^>]*>([\d,]+)", body)
    return int(found.group(1).replace(",", "")) if found else None


def _an_active_match(session: Session) -> int:
    body = session.request("GET", "/carers?status=matched")[2].decode("utf-8", "replace")
    carer = re.search(r'href="/carers/(\d+)"', body).group(1)
    page = session.request("GET", f"/carers/{carer}")[2].decode("utf-8", "replace")
    return int(re.search(r'/matches/(\d+)/contacts/new', page).group(1))
