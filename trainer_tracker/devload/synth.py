"""Load the synthetic national programme (cascade/devdata/synth.py) into an empty database.

Rows are written with peewee's insert_many in chunks inside write transactions, with explicit ids
(PostgreSQL sequences are moved past them afterwards). This bypasses the services on purpose: it
is a test fixture at scale, recorded as one audit entry ("synth.load"). A few demo-style accounts
(password DEMO_PASSWORD) are made through the services so that benchmarks can sign in: admin,
programme lead, the site lead of the largest site, a generation-1 trainer and a
deepest-generation peer supporter with a caseload.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import defaultdict
from pathlib import Path

import peewee

from cascade.devdata.synth import Programme, SynthRefused

from ..db import database, write_transaction

__all__ = ["SynthRefused", "is_empty", "load", "truncate_all"]


class Bulk:
    """insert_many in chunks, committed every COMMIT_EVERY rows; counts rows.

    peewee renders a multi-row INSERT parameter by parameter, which costs more than SQLite's
    own work; every full chunk has the same statement, so the statement insert_many renders for
    the first full chunk is kept and run with each later chunk's converted values (checked
    against peewee's own parameters for that first chunk; any difference falls back to
    insert_many for every chunk).
    """

    COMMIT_EVERY = 200_000

    def __init__(self, report=None):
        self.counts: dict[str, int] = defaultdict(int)
        self.report = report or (lambda message: None)
        sqlite = isinstance(database.obj, peewee.SqliteDatabase)
        self.max_params = 30_000 if sqlite else 60_000

    def insert(self, model, names: list, rows) -> int:
        """Insert `rows` (values in `names` order: column or field names) into `model`'s table."""
        chunk = max(1, min(5_000, self.max_params // len(names)))
        columns = [model._meta.columns.get(name) or model._meta.fields[name] for name in names]
        converters = [column.db_value for column in columns]
        statement: list = []  # [sql] once rendered, [None] when reuse is off

        def flush(batch: list) -> None:
            if len(batch) == chunk and statement != [None]:
                values = [convert(value) for row in batch for convert, value in zip(converters, row, strict=True)]
                if not statement:
                    sql, params = model.insert_many(batch, fields=columns).sql()
                    statement.append(sql if params == values else None)
                if statement[0] is not None:
                    database.execute_sql(statement[0], values)
                    return
            model.insert_many(batch, fields=columns).execute()

        written = 0
        batch: list = []
        iterator = iter(rows)
        while True:
            with write_transaction():
                in_transaction = 0
                for row in iterator:
                    batch.append(row)
                    if len(batch) >= chunk:
                        flush(batch)
                        written += len(batch)
                        in_transaction += len(batch)
                        batch = []
                        if in_transaction >= self.COMMIT_EVERY:
                            break
                else:
                    if batch:
                        flush(batch)
                        written += len(batch)
                    break
        self.counts[model._meta.table_name] += written
        return written


def is_empty() -> bool:
    from ..accounts.models import User
    from ..cascade.models import Person, Site

    return not (Site.select().exists() or Person.select().exists() or User.select().exists())


def truncate_all() -> None:
    """Empty every tracker table (PostgreSQL --reset): the schema and migrations stay."""
    from ..models import ALL_MODELS

    names = ", ".join(f'"{m._meta.table_name}"' for m in ALL_MODELS)
    database.execute_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")


def _models() -> dict:
    from ..models import ALL_MODELS

    return {model._meta.table_name: model for model in ALL_MODELS}


def load(scale: float = 1.0, *, curriculum=None, content_root: Path | None = None, seed: int = 2027,
         today: dt.date | None = None, report=None) -> dict:
    """Load the synthetic programme into an empty, migrated database. Returns counts and timings."""
    from cascade.assessments.checklists import load_checklists
    from cascade.assessments.instruments import load_instruments
    from cascade.assessments.scoring import score
    from cascade.config import content_root as default_root
    from cascade.config import programme
    from cascade.content import load_curriculum

    started = time.perf_counter()
    say = report or (lambda message: None)
    if not is_empty():
        raise SynthRefused("The database already has data. Use --reset to start again.")
    root = Path(content_root or default_root())
    generator = Programme(scale, curriculum=curriculum or load_curriculum(root / "curriculum"),
                          checklists=load_checklists(root / "assessments" / "checklists"),
                          instruments=load_instruments(root / "assessments"), config=programme(), score=score,
                          seed=seed, today=today)
    bulk, models, timings = Bulk(say), _models(), {}
    for table in generator.tables():
        t0 = time.perf_counter()
        bulk.insert(models[table.name], table.columns, table.rows)
        timings[table.name] = round(time.perf_counter() - t0, 2)
        say(f"  {table.name}: {bulk.counts[table.name]:,} rows, {timings[table.name]}s")
    t0 = time.perf_counter()
    _after_bulk(generator, scale, seed)
    timings["accounts, counters, analyze"] = round(time.perf_counter() - t0, 2)
    summary = dict(generator.summary)
    summary["rows"] = dict(bulk.counts)
    summary["accounts"] = [a[0] for a in _accounts(generator)]
    summary["seconds"] = round(time.perf_counter() - started, 1)
    summary["timings"] = timings
    return summary


def _accounts(generator: Programme) -> list[tuple]:
    from ..accounts import roles

    people = generator.account_people()
    code = generator.site_code[people["site"]]
    return [
        ("admin@example.org", roles.ADMIN, None, None),
        ("lead@example.org", roles.PROGRAMME_LEAD, None, None),
        (f"{code.lower()}-lead@example.org", roles.SITE_LEAD, code, None),
        ("trainer@example.org", roles.TRAINER, None, people["trainer"]),
        ("supporter@example.org", roles.SUPPORTER, None, people["supporter"]),
        ("researcher@example.org", roles.RESEARCHER, None, None),
        ("leap@example.org", roles.LEAP_REVIEWER, None, None),
    ]


def _after_bulk(generator: Programme, scale: float, seed: int) -> None:
    """Counters, sequences, accounts (through the services), the audit entry and statistics."""
    from cascade.devdata.demo import DEMO_PASSWORD

    from ..accounts.services import create_user
    from ..audit import service as audit

    with write_transaction():  # each site's study-ID counter starts after its highest number
        database.execute_sql('UPDATE "site" SET "carer_sequence" = COALESCE((SELECT MAX("sequence") FROM "carer" '
                             'WHERE "carer"."site_id" = "site"."id"), 0)')
    if not isinstance(database.obj, peewee.SqliteDatabase):
        _reset_sequences()
    for email, role, code, person_id in _accounts(generator):
        create_user(None, email, role, DEMO_PASSWORD, site_code=code, person_id=person_id)
    from ..figures.rebuild import rebuild

    rebuild()  # the rows went in in bulk, past the services: every kept figure from them
    with write_transaction():
        audit.record(None, "synth.load", "database", None, f"Synthetic programme loaded at scale {scale}",
                     scale=scale, seed=seed, **generator.summary)
    _analyze()


def _reset_sequences() -> None:
    from ..models import ALL_MODELS

    for model in ALL_MODELS:
        table = model._meta.table_name  # our own table names, not input
        sql = (f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "  # noqa: S608
               f"COALESCE((SELECT MAX(id) FROM \"{table}\"), 0) + 1, false)")
        database.execute_sql(sql)


def _analyze() -> None:
    """PostgreSQL: give the planner statistics after a bulk load (autovacuum would, a little later).

    SQLite is left without statistics, as a tracker database grown through the app is (nothing
    runs ANALYZE on it). With sqlite_stat1 present, SQLite 3.40 builds a Bloom filter over the
    certification index in every step of the recursive lineage query: 7 ms instead of 1.3 ms for
    a generation-7 person (docs/benchmarks.md).
    """
    if not isinstance(database.obj, peewee.SqliteDatabase):
        database.execute_sql("ANALYZE")
