"""Server-side page latency through the WSGI app (Flask test client, signed in), queries per page,
and the lineage query. Each page is measured beside /account (a trivial signed-in page) in the
same run, interleaved, so machine noise hits both alike."""

from __future__ import annotations

import time

from .common import PASSWORD, Db, log, make_app, percentile

LEAD = "lead@example.org"


def _count_queries():
    """tests/tracker/helpers.py's count_queries (loaded by path: a third-party 'tests' package may shadow ours)."""
    import importlib.util

    from .common import REPO

    spec = importlib.util.spec_from_file_location("cascade_test_helpers", REPO / "tests" / "tracker" / "helpers.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.count_queries


def _targets(app) -> dict:
    """The pages to measure in this database: the deepest person, their course, two sites."""
    from peewee import fn

    from trainer_tracker.accounts.models import User
    from trainer_tracker.cascade.lineage import generations
    from trainer_tracker.cascade.models import Certification, Person, Site
    from trainer_tracker.db import database

    with app.app_context():
        database.connect(reuse_if_open=True)
        gens = generations()
        supporter = User.get_or_none(User.email == "supporter@example.org")
        deepest = supporter.person_id if supporter and supporter.person_id else max(gens, key=gens.get)
        if gens.get(deepest, 0) < max(gens.values()):
            deepest = max(gens, key=lambda pid: (gens[pid], -pid))
        cert = (Certification.select().where((Certification.person == deepest) & Certification.renewal_of.is_null())
                .order_by(Certification.id).first())
        sizes = sorted(((count, code) for code, count in
                        Person.select(Site.code, fn.COUNT(Person.id)).join(Site).group_by(Site.code).tuples()),
                       key=lambda item: (item[0], item[1]))
        median = sizes[len(sizes) // 2]
        largest = sizes[-1]
        routes = {rule.rule for rule in app.url_map.iter_rules()}
        database.close()
    pages = {
        "person (deepest)": f"/people/{deepest}",
        "course": f"/courses/{cert.course_id}" if cert else None,
        "tree (median site)": f"/cascade?site={median[1]}",
        "tree (largest site)": f"/cascade?site={largest[1]}",
        "tree (whole programme)": "/cascade",
        "dashboard": "/dashboard",
        "fidelity dashboard": "/fidelity" if "/fidelity" in routes else None,
        "research due list": "/research/due" if "/research/due" in routes else None,
    }
    return {"deepest": deepest, "generation": gens.get(deepest), "pages": pages,
            "sites": {"median": {"code": median[1], "people": median[0]},
                      "largest": {"code": largest[1], "people": largest[0]}}}


def _login(client, email: str = LEAD) -> None:
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    if response.status_code != 302:
        raise RuntimeError(f"could not sign in as {email}: {response.status_code}")


def measure(db: Db, samples: int, budget_seconds: float) -> dict:
    """p50/p95 per page (ms), /account beside each, and queries per page."""
    from trainer_tracker.db import database

    count_queries = _count_queries()

    app = make_app(db.url)
    found = _targets(app)
    client = app.test_client()
    _login(client)
    pages = {name: url for name, url in found["pages"].items() if url}
    # The dashboard is kept until the data changes; this row has it recomputed on every request
    # (as after each write), to show what a busy programme's dashboard costs.
    pages = {**{k: v for k, v in pages.items() if k != "fidelity dashboard" and k != "research due list"},
             "dashboard (recomputed)": "/dashboard",
             **{k: v for k, v in pages.items() if k in ("fidelity dashboard", "research due list")}}
    if "fidelity dashboard" in pages:  # kept until a record or certification changes: the same cost shown
        pages = {**pages, "fidelity dashboard (recomputed)": pages["fidelity dashboard"]}
    result = {"db": db.label, "backend": db.backend, "deepest_generation": found["generation"], "pages": {},
              "sites": found["sites"],
              "missing": [name for name, url in found["pages"].items() if not url]}
    from trainer_tracker.dashboard import cache

    for name, url in pages.items():
        get = client.get
        if name.endswith("(recomputed)"):
            def get(url, _get=client.get):
                cache.clear()
                return _get(url)
        # The first request (counted: queries per page) loads the curriculum, templates and caches.
        with app.app_context():
            database.connect(reuse_if_open=True)
            t0 = time.perf_counter()
            with count_queries(database) as counter:
                response = get(url)
            first = time.perf_counter() - t0
            with count_queries(database) as account_counter:
                client.get("/account")
            account_queries = account_counter.count
        if response.status_code != 200:
            raise RuntimeError(f"{db.label}: {url} answered {response.status_code}")
        t0 = time.perf_counter()
        get(url)  # a second warm-up; for a page whose figures are kept, the first kept answer
        second = time.perf_counter() - t0
        # A page taking seconds: a few samples say enough; one taking minutes: the first is the figure.
        wanted = samples if second < 5 else (3 if second < 20 else 0)
        times, baseline = ([second * 1000], []) if wanted == 0 else ([], [])
        started = time.perf_counter()
        while len(times) < wanted and (len(times) < 3 or time.perf_counter() - started < budget_seconds):
            t0 = time.perf_counter()
            response = get(url)
            t1 = time.perf_counter()
            client.get("/account")
            t2 = time.perf_counter()
            if response.status_code != 200:
                raise RuntimeError(f"{url} answered {response.status_code}")
            times.append((t1 - t0) * 1000)
            baseline.append((t2 - t1) * 1000)
        if not baseline:
            for _ in range(10):
                t1 = time.perf_counter()
                client.get("/account")
                baseline.append((time.perf_counter() - t1) * 1000)
        result["pages"][name] = {
            "url": url, "samples": len(times), "first_ms": first * 1000, "p50_ms": percentile(times, 50), "p95_ms": percentile(times, 95),
            "account_p50_ms": percentile(baseline, 50), "account_p95_ms": percentile(baseline, 95),
            "queries": counter.count, "account_queries": account_queries, "bytes": len(response.data),
        }
        log(f"  {db.label:>12} {name:<34} p50 {percentile(times, 50):8.1f} ms  p95 {percentile(times, 95):8.1f} ms"
            f"  queries {counter.count}  (/account p50 {percentile(baseline, 50):.1f} ms)")
    result["lineage"] = lineage_timing(app, found["deepest"])
    return result


def lineage_timing(app, person_id: int, runs: int = 200) -> dict:
    from trainer_tracker.cascade import lineage
    from trainer_tracker.db import database

    with app.app_context():
        database.connect(reuse_if_open=True)
        steps = lineage.lineage(person_id)
        times = []
        for _ in range(runs):
            t0 = time.perf_counter()
            lineage.lineage(person_id)
            times.append((time.perf_counter() - t0) * 1000)
        database.close()
    return {"person_id": person_id, "depth": len(steps), "p50_ms": percentile(times, 50),
            "p95_ms": percentile(times, 95)}
