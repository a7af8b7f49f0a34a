"""Tracker fixtures: a fresh database per test, on SQLite and on the local PostgreSQL server.

PostgreSQL: each test gets its own schema in the `test` database on 127.0.0.1:5432 (user
postgres), created and dropped by the test. When the server is unreachable the PostgreSQL
variants are skipped on a developer's machine but FAIL in CI (CI=true).
"""

from __future__ import annotations

import datetime as dt
import os
import uuid

import pytest

os.environ.setdefault("CASCADE_FAST_PASSWORD_HASH", "1")  # before the passwords module is imported

from pgserver import PG  # noqa: E402
from pgserver import connect as _pg_connect
from pgserver import require as _require_postgres

PASSWORD = "correct horse battery staple"


def _pg_url(dbname: str, schema: str | None = None) -> str:
    # synchronous_commit=off: a test database need not survive a power cut, and commits get fast.
    url = f"postgresql://{PG['user']}@{PG['host']}:{PG['port']}/{dbname}?options=-c%20synchronous_commit%3Doff"
    return url + (f"%20-c%20search_path%3D{schema}" if schema else "")


def _close_bound():
    from trainer_tracker.db import database

    if database.obj is not None and not database.obj.is_closed():
        database.obj.close()


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request):
    if request.param == "postgres":
        _require_postgres()
    return request.param


def _migrate_and_build(url: str, repo_root, curriculum, with_world: bool) -> dict:
    from trainer_tracker.app import create_app
    from trainer_tracker.db import database
    from trainer_tracker.migrate import upgrade

    create_app({"SECRET_KEY": "template", "DATABASE_URL": url, "CONTENT_ROOT": str(repo_root)})
    database.connect(reuse_if_open=True)
    upgrade()
    ids = World.build(curriculum) if with_world else {}
    database.close()
    return ids


@pytest.fixture(scope="session")
def templates(tmp_path_factory, repo_root, curriculum):
    """Migrated databases with the standard world, built once per session and copied per test."""
    built: dict = {}
    created_pg: list[str] = []

    def get(backend_name: str):
        if backend_name not in built:
            if backend_name == "sqlite":
                path = tmp_path_factory.mktemp("template") / "world.sqlite"
                ids = _migrate_and_build(f"sqlite:///{path}", repo_root, curriculum, True)
                built["sqlite"] = (path, ids)
            else:
                name = "cascade_tmpl_" + uuid.uuid4().hex[:10]
                conn = _pg_connect()
                conn.cursor().execute(f'CREATE DATABASE "{name}"')
                conn.close()
                created_pg.append(name)
                ids = _migrate_and_build(_pg_url(name), repo_root, curriculum, True)
                _close_bound()
                built["postgres"] = (name, ids)
        return built[backend_name]

    yield get
    _close_bound()
    if created_pg:
        conn = _pg_connect()
        for name in created_pg:
            conn.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.close()


@pytest.fixture
def database_url(backend, templates, tmp_path):
    """A fresh copy of the standard world for this test (file copy, or CREATE DATABASE ... TEMPLATE)."""
    source, ids = templates(backend)
    if backend == "sqlite":
        target = tmp_path / "tracker.sqlite"
        import shutil

        shutil.copyfile(source, target)
        yield f"sqlite:///{target}"
        return
    name = "cascade_t_" + uuid.uuid4().hex[:12]
    conn = _pg_connect()
    conn.cursor().execute(f'CREATE DATABASE "{name}" TEMPLATE "{source}" STRATEGY FILE_COPY')
    try:
        yield _pg_url(name)
    finally:
        _close_bound()
        conn.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.close()


@pytest.fixture
def empty_database_url(backend, tmp_path):
    """An empty database (no tables) for tests of migrations, the demo and the command line."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.sqlite'}"
        return
    schema = "t_" + uuid.uuid4().hex[:12]
    conn = _pg_connect()
    conn.cursor().execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield _pg_url("test", schema)
    finally:
        _close_bound()
        conn.cursor().execute(f'DROP SCHEMA "{schema}" CASCADE')
        conn.close()


@pytest.fixture
def cli_env(empty_database_url, tmp_path, monkeypatch, repo_root):
    """The environment the `cascade` commands read, pointed at an empty database (returned)."""
    monkeypatch.setenv("CASCADE_DATABASE_URL", empty_database_url)
    monkeypatch.setenv("CASCADE_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("CASCADE_CONTENT_ROOT", str(repo_root))
    monkeypatch.setenv("CASCADE_SECRET_KEY", "cli-test-secret")
    return empty_database_url


@pytest.fixture
def app(database_url, tmp_path, repo_root):
    from trainer_tracker.app import create_app
    from trainer_tracker.db import database
    from trainer_tracker.migrate import upgrade

    app = create_app({
        "SECRET_KEY": "test-secret-" + uuid.uuid4().hex,
        "DATABASE_URL": database_url,
        "TESTING": True,
        "WTF_CSRF_ENABLED": False,
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_SECURE": False,
        "CONTENT_ROOT": str(repo_root),
    })
    app.instance_path = str(tmp_path / "instance")
    database.connect(reuse_if_open=True)
    upgrade()
    yield app
    _close_bound()


@pytest.fixture
def db(app):
    """The database is open for direct service calls in the test body."""
    from trainer_tracker.db import database

    database.connect(reuse_if_open=True)
    return database


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture(scope="session")
def curriculum(repo_root):
    from cascade.content import load_curriculum

    return load_curriculum(repo_root / "curriculum")


class World:
    """A small cascade built through the services: 2 sites, generation 0 to 2, carers, one per role.

    Built once per session (World.build) and copied per test; each test gets fresh objects.
    """

    MODELS = {"el": "Site", "dv": "Site", "founder": "Person", "gen1": "Person", "gen1_dv": "Person",
              "gen2": "Person", "course1": "Course", "course2": "Course", "cert1": "Certification",
              "cert1_dv": "Certification", "cert2": "Certification", "carer": "Carer", "carer_dv": "Carer",
              "match": "Match", "dv_lead": "User"}

    def __init__(self, curriculum, ids: dict):
        from trainer_tracker.accounts.models import User
        from trainer_tracker.cascade import models as cm
        from trainer_tracker.cascade import services as cs
        from trainer_tracker.support import models as sm
        from trainer_tracker.support import services as ss

        self.cs, self.ss, self.curriculum = cs, ss, curriculum
        self.today = dt.date.today()
        classes = {"Site": cm.Site, "Person": cm.Person, "Course": cm.Course, "Certification": cm.Certification,
                   "Carer": sm.Carer, "Match": sm.Match, "User": User}
        for name, kind in self.MODELS.items():
            setattr(self, name, classes[kind].get_by_id(ids[name]))
        self.users = {role: User.get_by_id(uid) for role, uid in ids["users"].items()}

    @classmethod
    def build(cls, curriculum) -> dict:
        world = cls.__new__(cls)
        world._build(curriculum)
        ids = {name: getattr(world, name).id for name in cls.MODELS}
        ids["users"] = {role: user.id for role, user in world.users.items()}
        return ids

    def _build(self, curriculum):
        from trainer_tracker.accounts import roles
        from trainer_tracker.accounts.services import create_user
        from trainer_tracker.cascade import services as cs
        from trainer_tracker.support import services as ss

        self.cs, self.ss, self.curriculum = cs, ss, curriculum
        today = dt.date.today()
        self.today = today
        self.el = cs.create_site(None, "EL", "East London", "urban")
        self.dv = cs.create_site(None, "DV", "Devon", "rural")
        self.founder = cs.create_person(None, "Grace", "Founder", self.el, founding_trainer=True)
        self.gen1 = cs.create_person(None, "Alex", "Firstgen", self.el)
        self.gen1_dv = cs.create_person(None, "Bea", "Firstgen", self.dv)
        self.course1 = cs.create_course(None, "Stage 1", 1, self.el, today - dt.timedelta(days=200),
                                        today - dt.timedelta(days=150), "2027.1")
        cs.add_trainer(None, self.course1, self.founder)
        for p in (self.gen1, self.gen1_dv):
            cs.enrol(None, self.course1, p)
        self.complete(self.course1, [self.gen1, self.gen1_dv], self.founder)
        self.cert1 = cs.certify(None, self.course1, self.gen1, self.founder, self.course1.ends_on, curriculum)
        self.cert1_dv = cs.certify(None, self.course1, self.gen1_dv, self.founder, self.course1.ends_on, curriculum)
        self.gen2 = cs.create_person(None, "Chris", "Secondgen", self.el)
        self.course2 = cs.create_course(None, "Stage 2 EL", 2, self.el, today - dt.timedelta(days=100),
                                        today - dt.timedelta(days=60), "2027.1")
        cs.add_trainer(None, self.course2, self.gen1)
        cs.enrol(None, self.course2, self.gen2)
        self.complete(self.course2, [self.gen2], self.gen1)
        self.cert2 = cs.certify(None, self.course2, self.gen2, self.gen1, self.course2.ends_on, curriculum)
        self.carer = ss.register_carer(None, self.el, today - dt.timedelta(days=50), name="Jo Carer",
                                       phone="01632 960001")
        self.carer_dv = ss.register_carer(None, self.dv, today - dt.timedelta(days=50))
        from trainer_tracker.pathway.services import consent_form, record_consent

        for carer in (self.carer, self.carer_dv):  # consent on file, every item agreed (sharing included)
            record_consent(None, carer, consented_on=carer.consented_on,
                           answers={item.id: True for item in consent_form().items})
        self.match = ss.match(None, self.carer, self.gen2, today - dt.timedelta(days=40))
        self.users = {
            roles.ADMIN: create_user(None, "admin@example.org", roles.ADMIN, PASSWORD),
            roles.PROGRAMME_LEAD: create_user(None, "lead@example.org", roles.PROGRAMME_LEAD, PASSWORD),
            roles.SITE_LEAD: create_user(None, "el-lead@example.org", roles.SITE_LEAD, PASSWORD, site_code="EL"),
            roles.TRAINER: create_user(None, "trainer@example.org", roles.TRAINER, PASSWORD, person_id=self.gen1.id),
            roles.SUPPORTER: create_user(None, "supporter@example.org", roles.SUPPORTER, PASSWORD,
                                         person_id=self.gen2.id),
            roles.RESEARCHER: create_user(None, "researcher@example.org", roles.RESEARCHER, PASSWORD),
            roles.LEAP_REVIEWER: create_user(None, "leap@example.org", roles.LEAP_REVIEWER, PASSWORD),
        }
        self.dv_lead = create_user(None, "dv-lead@example.org", roles.SITE_LEAD, PASSWORD, site_code="DV")

    def complete(self, course, trainees, trainer, skip_module: str | None = None, skip_step: str | None = None):
        """Deliver every required module (all attend) and pass every checkout step."""
        cs = self.cs
        for module_id in cs.required_modules(self.curriculum, course.stage, course.curriculum_release):
            if module_id == skip_module:
                continue
            delivery = cs.record_delivery(None, course, module_id, course.starts_on, trainer, self.curriculum)
            cs.record_attendance(None, delivery, {t.id: True for t in trainees})
        for trainee in trainees:
            for step in cs.checkout_steps(course.stage):
                if step["id"] != skip_step:
                    cs.record_checkout(None, course, trainee, step["id"], "passed", trainer)


@pytest.fixture
def world(db, curriculum, backend, templates):
    return World(curriculum, templates(backend)[1])


def login(client, email: str, password: str = PASSWORD):
    response = client.post("/login", data={"email": email, "password": password})
    assert response.status_code == 302, response.data[:500]
    return response
