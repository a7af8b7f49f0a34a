"""The programme's rules hold under real concurrent HTTP requests against the production server
(gunicorn, several worker processes), on SQLite and on PostgreSQL: the caseload cap, one active
match per carer, one renewal per certification, study IDs given out once, and a form sent twice
saved once. Every refusal is a refusal page (200 with the reason), never a server error."""

from __future__ import annotations

import datetime as dt
import threading
import uuid

import pytest
from serving import bench, cascade_bin, env

from .conftest import PASSWORD, _close_bound, _migrate_and_build, _pg_url

pytestmark = pytest.mark.slow


@pytest.fixture
def server_world(backend, tmp_path, repo_root, curriculum):
    """The standard world in its own database, served by `tracker run --production` (2 workers)."""
    from pgserver import connect as pg_connect

    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'rules.sqlite'}"
        name = None
    else:
        name = "cascade_rules_" + uuid.uuid4().hex[:10]
        conn = pg_connect()
        conn.cursor().execute(f'CREATE DATABASE "{name}"')
        conn.close()
        url = _pg_url(name)
    ids = _migrate_and_build(url, repo_root, curriculum, True)
    _close_bound()
    httpload, _ = bench()
    server = httpload.Server(cascade_bin(), env(url, tmp_path), workers=2, log_path=tmp_path / "server.log")
    try:
        server.wait_ready()
        yield {"url": url, "ids": ids, "port": server.port, "tmp": tmp_path}
    finally:
        server.stop()
        if name is not None:
            _close_bound()
            conn = pg_connect()
            conn.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.close()


def _db(url: str):
    from trainer_tracker.db import bind

    return bind(url)


def _together(port: int, email: str, form_page: str, posts: list[tuple[str, list]]) -> list[int]:
    """Each post from its own signed-in client, all released at the same moment; the statuses."""
    httpload, _ = bench()
    sessions, statuses = [], [None] * len(posts)
    for _ in posts:
        session = httpload.Session(port)
        session.sign_in(email, PASSWORD)
        session.token = session.csrf(form_page)
        sessions.append(session)
    barrier = threading.Barrier(len(posts))

    def send(index: int) -> None:
        path, form = posts[index]
        barrier.wait(timeout=30)
        statuses[index], _, body = sessions[index].request("POST", path, [("csrf_token", sessions[index].token), *form])
        assert b"Traceback" not in body

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(posts))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    for session in sessions:
        session.close()
    return statuses


def _register_carers(url: str, site_id: int, how_many: int) -> list[int]:
    from trainer_tracker.cascade.models import Site
    from trainer_tracker.support import services

    db = _db(url)
    with db.connection_context():
        site = Site.get_by_id(site_id)
        ids = [services.register_carer(None, site, dt.date.today()).id for _ in range(how_many)]
    _close_bound()
    return ids


def test_caseload_cap(server_world):
    from trainer_tracker.support.models import Match

    ids, today = server_world["ids"], dt.date.today().isoformat()
    supporter = ids["gen2"]  # already supports one carer; fill to 2 of 3
    waiting = _register_carers(server_world["url"], ids["el"], 9)
    db = _db(server_world["url"])
    with db.connection_context():
        from trainer_tracker.cascade.models import Person
        from trainer_tracker.support import services
        from trainer_tracker.support.models import Carer

        services.match(None, Carer.get_by_id(waiting[0]), Person.get_by_id(supporter), dt.date.today())
    _close_bound()
    posts = [(f"/carers/{carer}/match", [("supporter", str(supporter)), ("matched_on", today)]) for carer in waiting[1:]]
    statuses = _together(server_world["port"], "el-lead@example.org", f"/carers/{waiting[1]}/match", posts)
    assert sorted(statuses) == [200] * 7 + [302], statuses  # one accepted, seven refused with a reason
    with _db(server_world["url"]).connection_context():
        active = Match.select().where((Match.supporter == supporter) & Match.ended_on.is_null()).count()
    _close_bound()
    assert active == 3


def test_one_active_match_per_carer(server_world):
    from trainer_tracker.support.models import Match

    ids, today = server_world["ids"], dt.date.today().isoformat()
    carer = _register_carers(server_world["url"], ids["el"], 1)[0]
    supporters = [ids["gen1"], ids["gen2"]]  # both certified at EL, both with room
    posts = [(f"/carers/{carer}/match", [("supporter", str(supporters[n % 2])), ("matched_on", today)])
             for n in range(6)]
    statuses = _together(server_world["port"], "el-lead@example.org", f"/carers/{carer}/match", posts)
    assert 500 not in statuses and statuses.count(302) == 1, statuses
    with _db(server_world["url"]).connection_context():
        assert Match.select().where((Match.carer == carer) & Match.ended_on.is_null()).count() == 1
    _close_bound()


def test_one_renewal_per_certification(server_world):
    from trainer_tracker.cascade.models import Certification

    ids, today = server_world["ids"], dt.date.today().isoformat()
    cert = ids["cert2"]
    form = [("course", str(ids["course1"])), ("certifier", str(ids["founder"])), ("certified_on", today)]
    posts = [(f"/certifications/{cert}/renew", form)] * 4
    statuses = _together(server_world["port"], "el-lead@example.org", f"/certifications/{cert}/renew", posts)
    assert 500 not in statuses and statuses.count(302) == 1, statuses
    with _db(server_world["url"]).connection_context():
        assert Certification.select().where(Certification.renewal_of == cert).count() == 1
    _close_bound()


def test_study_ids_are_given_out_once(server_world):
    from trainer_tracker.support.models import Carer

    ids, today = server_world["ids"], dt.date.today().isoformat()
    posts = [("/carers/new", [("site", str(ids["el"])), ("consented_on", today), ("once", uuid.uuid4().hex)])
             for _ in range(6)]
    statuses = _together(server_world["port"], "el-lead@example.org", "/carers/new", posts)
    assert statuses == [302] * 6, statuses
    with _db(server_world["url"]).connection_context():
        study_ids = [c.study_id for c in Carer.select().where(Carer.site == ids["el"]).order_by(Carer.sequence)]
    _close_bound()
    assert len(study_ids) == len(set(study_ids)) == 7  # the world's one carer and six new ones
    assert study_ids[-1] == "EL-C-0007"


def test_a_form_sent_twice_is_saved_once(server_world):
    from trainer_tracker.support.models import Contact

    ids, today = server_world["ids"], dt.date.today().isoformat()
    key = uuid.uuid4().hex
    form = [("contact_date", today), ("mode", "phone"), ("duration_minutes", "37"), ("topics", "practical"),
            ("once", key)]
    posts = [(f"/matches/{ids['match']}/contacts/new", form)] * 5
    statuses = _together(server_world["port"], "supporter@example.org", f"/matches/{ids['match']}/contacts/new", posts)
    assert 500 not in statuses and statuses.count(302) == 1, statuses
    with _db(server_world["url"]).connection_context():
        assert Contact.select().where((Contact.match == ids["match"]) & (Contact.duration_minutes == 37)).count() == 1
    _close_bound()


def test_kept_figures_stay_exact_under_concurrent_writes(server_world):
    """Contacts, their voids and fidelity checklists for one contact by several raters, all at the
    same moment through the server: the figures kept in the database equal a rebuild afterwards."""
    from trainer_tracker.figures.rebuild import rebuild
    from trainer_tracker.support import services
    from trainer_tracker.support.models import Contact, Match

    from .test_kept_figures import assert_same, snapshot

    ids, today = server_world["ids"], dt.date.today().isoformat()
    with _db(server_world["url"]).connection_context():
        contact = services.record_contact(None, Match.get_by_id(ids["match"]), dt.date.today(), "phone", 30, [])
    _close_bound()
    contacts = [(f"/matches/{ids['match']}/contacts/new",
                 [("contact_date", today), ("mode", "phone"), ("duration_minutes", str(20 + n)), ("topics", "practical"),
                  ("once", uuid.uuid4().hex)]) for n in range(6)]
    statuses = _together(server_world["port"], "el-lead@example.org", f"/matches/{ids['match']}/contacts/new", contacts)
    assert statuses == [302] * 6, statuses
    ratings = [(f"/contacts/{contact.id}/fidelity/new?checklist=support-contact",
                [("rater_role", role), ("rater", rater), ("rated_on", today), ("notes", ""), ("once", uuid.uuid4().hex)]
                + [(f"item_{n}", str(n % 3)) for n in range(40)])
               for role, rater in (("supervisor", str(ids["gen1"])), ("supervisor", str(ids["founder"])),
                                   ("cps-self", str(ids["gen2"])), ("supervisor", ""))]
    statuses = _together(server_world["port"], "el-lead@example.org", f"/contacts/{contact.id}/fidelity/new", ratings)
    assert statuses == [302] * 4, statuses
    with _db(server_world["url"]).connection_context():
        newest = [c.id for c in Contact.select().where(Contact.match == ids["match"]).order_by(Contact.id.desc())
                  .limit(3)]
    _close_bound()
    voids = [(f"/contacts/{cid}/void", [("reason", "recorded twice")]) for cid in newest for _ in range(2)]
    statuses = _together(server_world["port"], "el-lead@example.org", f"/contacts/{newest[0]}/void", voids)
    assert 500 not in statuses and statuses.count(302) >= 3, statuses
    with _db(server_world["url"]).connection_context():
        kept = snapshot()
        rebuild()
        assert_same(kept, snapshot())
    _close_bound()
