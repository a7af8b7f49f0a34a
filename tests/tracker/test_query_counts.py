"""Queries per page do not grow with the data (no N+1): every page runs the same number of
queries on two sizes of the synthetic programme (cascade/devdata/synth.py). The benchmark
(bench/, docs/benchmarks.md) checks the same at demo and national scale; timings are never
asserted here."""

from __future__ import annotations

import uuid

import pytest

from cascade.devdata.demo import DEMO_PASSWORD

from .conftest import _close_bound, _pg_connect, _pg_url
from .helpers import count_queries

SCALES = (0.002, 0.006)  # about 45 and 130 people, 1,200 and 3,600 contacts


def _load(url: str, scale: float, repo_root, curriculum) -> None:
    from trainer_tracker.app import create_app
    from trainer_tracker.db import database
    from trainer_tracker.devload.synth import load
    from trainer_tracker.migrate import upgrade

    create_app({"SECRET_KEY": "synth", "DATABASE_URL": url, "CONTENT_ROOT": str(repo_root)})
    database.connect(reuse_if_open=True)
    upgrade()
    load(scale, curriculum=curriculum, content_root=repo_root)
    database.close()


@pytest.fixture
def two_sizes(backend, tmp_path, repo_root, curriculum):
    urls, created = [], []
    for scale in SCALES:
        if backend == "sqlite":
            url = f"sqlite:///{tmp_path / f'synth-{scale}.sqlite'}"
        else:
            name = "cascade_q_" + uuid.uuid4().hex[:12]
            conn = _pg_connect()
            conn.cursor().execute(f'CREATE DATABASE "{name}"')
            conn.close()
            created.append(name)
            url = _pg_url(name)
        _load(url, scale, repo_root, curriculum)
        urls.append(url)
    yield urls
    _close_bound()
    if created:
        conn = _pg_connect()
        for name in created:
            conn.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.close()


def _pages(url: str, repo_root, tmp_path) -> tuple[dict[str, int], dict]:
    from trainer_tracker.accounts.models import User
    from trainer_tracker.app import create_app
    from trainer_tracker.cascade.models import Certification, Person, Site
    from trainer_tracker.db import database
    from trainer_tracker.support.models import Match

    app = create_app({"SECRET_KEY": "counts-" + uuid.uuid4().hex, "DATABASE_URL": url, "TESTING": True,
                      "WTF_CSRF_ENABLED": False, "SESSION_COOKIE_SECURE": False, "CONTENT_ROOT": str(repo_root)})
    app.instance_path = str(tmp_path / "instance")
    database.connect(reuse_if_open=True)
    supporter = User.get(User.email == "supporter@example.org")
    deepest = Person.get_by_id(supporter.person_id)
    course = (Certification.select().where((Certification.person == deepest) & Certification.renewal_of.is_null())
              .first().course_id)
    site = Site.get_by_id(deepest.site_id).code
    carer = Match.select().where(Match.supporter == deepest).first().carer_id
    sizes = {"people": Person.select().count(), "matches": Match.select().count()}
    database.close()
    routes = {rule.rule for rule in app.url_map.iter_rules()}
    central = {
        "person (deepest generation)": f"/people/{deepest.id}",
        "course": f"/courses/{course}",
        "cascade tree of a site": f"/cascade?site={site}",
        "dashboard": "/dashboard",
        "carer": f"/carers/{carer}",
        "account": "/account",
    }
    if "/fidelity" in routes:
        central["fidelity dashboard"] = "/fidelity"
    if "/research/due" in routes:
        central["research due list"] = "/research/due"
    counts = {}
    for email, pages in (("lead@example.org", central),
                         ("supporter@example.org", {"my caseload": "/my/caseload", "my training": f"/people/{deepest.id}"})):
        client = app.test_client()
        response = client.post("/login", data={"email": email, "password": DEMO_PASSWORD})
        assert response.status_code == 302, email
        for name, page in pages.items():
            with app.app_context():
                database.connect(reuse_if_open=True)
                with count_queries(database) as counter:
                    response = client.get(page)
            assert response.status_code == 200, (page, response.status_code)
            counts[name] = counter.count
    _close_bound()
    return counts, sizes


def test_queries_per_page_do_not_grow_with_the_data(two_sizes, repo_root, tmp_path):
    small, small_sizes = _pages(two_sizes[0], repo_root, tmp_path)
    large, large_sizes = _pages(two_sizes[1], repo_root, tmp_path)
    assert large_sizes["people"] > 2 * small_sizes["people"] and large_sizes["matches"] > 2 * small_sizes["matches"]
    assert large == small
    # The figures are kept in the database (trainer_tracker/figures): a first visit costs what any
    # other does, so there is nothing to warm.
