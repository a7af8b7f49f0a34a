"""A synthetic national programme for benchmarks: bulk inserts, realistic shapes, fictional people.

`cascade tracker synth --scale 1.0` loads, by default, 100 sites, 500 generation-0/1 trainers,
20,000 peer supporters (CPS) in generations 2 to 7, 60,000 carers, 600,000 contacts, 200,000
fidelity records and 150,000 assessment responses; every figure scales with --scale.

The shape follows the programme: each person is certified by someone of the generation above
(usually at their own site) at a course of their stage, after attending every required module
and passing every checkout step; carers are matched to certified peer supporters of their site
within the caseload cap; contacts fall inside their match; fidelity scores drift a little lower
in later generations. Site sizes are skewed (a few large urban sites, many small ones).

Rows are written with peewee's insert_many in chunks inside write transactions, with explicit
ids (PostgreSQL sequences are moved past them afterwards). This bypasses the services on
purpose: it is a test fixture at scale, recorded as one audit entry ("synth.load"). A few
demo-style accounts (password demo.DEMO_PASSWORD) are made through the services so that
benchmarks can sign in: admin, programme lead, the site lead of the largest site, a
generation-1 trainer and a deepest-generation peer supporter with a caseload.
"""

from __future__ import annotations

import datetime as dt
import heapq
import json
import math
import random
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import peewee

from trainer_tracker.db import database, write_transaction

RELEASE = "2027.1"
CPS_GENERATIONS = (2, 3, 4, 5, 6, 7)  # "six generations" of peer supporters below the trainers
CPS_WEIGHTS = (0.26, 0.27, 0.21, 0.14, 0.08, 0.04)
BASE = {"sites": 100, "founders": 10, "gen1": 490, "cps": 20_000, "carers": 60_000, "contacts": 600_000,
        "fidelity": 200_000, "responses": 150_000}
MINIMUM = {"sites": 3, "founders": 2, "gen1": 3, "cps": 18, "carers": 12, "contacts": 40, "fidelity": 20,
           "responses": 20}
PLACE_NAMES = [
    "Camden", "Hackney", "Lambeth", "Southwark", "Newham", "Croydon", "Barnet", "Ealing", "Brent", "Haringey",
    "Bristol", "Leeds", "Sheffield", "Bradford", "Manchester", "Salford", "Liverpool", "Wirral", "Newcastle",
    "Sunderland", "Nottingham", "Derby", "Leicester", "Coventry", "Birmingham", "Wolverhampton", "Stoke",
    "Norwich", "Ipswich", "Cambridge", "Oxford", "Reading", "Swindon", "Bath", "Exeter", "Plymouth", "Truro",
    "Bournemouth", "Southampton", "Portsmouth", "Brighton", "Hastings", "Canterbury", "Maidstone", "Luton",
    "Bedford", "Milton Keynes", "Northampton", "Peterborough", "Lincoln", "Hull", "York", "Harrogate",
    "Scarborough", "Durham", "Carlisle", "Kendal", "Lancaster", "Preston", "Blackpool", "Bolton", "Wigan",
    "Stockport", "Chester", "Shrewsbury", "Hereford", "Worcester", "Gloucester", "Cheltenham", "Taunton",
    "Yeovil", "Salisbury", "Winchester", "Guildford", "Woking", "Crawley", "Chelmsford", "Colchester",
    "Southend", "Basildon", "Watford", "St Albans", "Stevenage", "Slough", "High Wycombe", "Aylesbury",
    "Kettering", "Grantham", "Boston", "Skegness", "Barrow", "Whitby", "Penrith", "Telford", "Dudley",
    "Walsall", "Solihull", "Rugby", "Nuneaton", "Barnstaple",
]
GIVEN = ["Alex", "Sam", "Jo", "Chris", "Pat", "Jamie", "Robin", "Morgan", "Ali", "Kim", "Lee", "Nia", "Ola",
         "Priya", "Tomasz", "Aisha", "Ewan", "Farah", "Grace", "Hana", "Ines", "Joel", "Kofi", "Lina", "Mina",
         "Nadia", "Omar", "Rosa", "Sian", "Tariq", "Uma", "Vik", "Wen", "Yusuf", "Zara", "Bea", "Dev", "Eli"]
FAMILY = ["Smith", "Jones", "Khan", "Patel", "Okafor", "Nowak", "Williams", "Brown", "Taylor", "Davies",
          "Evans", "Wilson", "Thomas", "Roberts", "Hughes", "Begum", "Ahmed", "Ali", "Chen", "Murphy", "Kelly",
          "Mensah", "Adeyemi", "Rossi", "Silva", "Kaur", "Singh", "Price", "Hall", "Wood", "Clarke", "Moyle"]
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


class SynthRefused(RuntimeError):
    """The database is not empty (use --reset) or the content cannot be read."""


def counts_for(scale: float) -> dict[str, int]:
    if scale <= 0:
        raise ValueError("--scale must be above 0")
    return {k: max(MINIMUM[k], round(v * scale)) for k, v in BASE.items()}


def _apportion(total: int, weights: list[float], minimum: int = 0) -> list[int]:
    """Split `total` into integers proportional to `weights` (largest remainders), each >= minimum."""
    n = len(weights)
    if total < minimum * n:
        minimum = 0
    rest = total - minimum * n
    s = sum(weights) or 1.0
    raw = [rest * w / s for w in weights]
    out = [minimum + int(r) for r in raw]
    left = total - sum(out)
    order = sorted(range(n), key=lambda i: raw[i] - int(raw[i]), reverse=True)
    for i in order[:left]:
        out[i] += 1
    return out


def _code(number: int) -> str:
    value = (number * 1_000_003) % (len(CODE_ALPHABET) ** 8)
    chars = []
    for _ in range(8):
        value, digit = divmod(value, len(CODE_ALPHABET))
        chars.append(CODE_ALPHABET[digit])
    return f"CPS-{''.join(chars[:4])}-{''.join(chars[4:])}"


def _add_months(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.month - 1 + months, 12)
    return dt.date(day.year + year, month + 1, min(day.day, 28))


@dataclass
class P:  # a person
    id: int
    site: int
    generation: int
    certifier: int | None = None
    course: int | None = None
    certified_on: dt.date | None = None
    revoked: bool = False


@dataclass
class C:  # a course
    id: int
    site: int
    stage: int
    starts_on: dt.date
    ends_on: dt.date
    trainers: list[int]
    trainees: list[int] = field(default_factory=list)
    generation: int = 1  # generation of its trainees


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

    def insert(self, model, fields: list, rows) -> int:
        chunk = max(1, min(5_000, self.max_params // len(fields)))
        columns = [model._meta.fields[name] for name in fields]
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
    from trainer_tracker.accounts.models import User
    from trainer_tracker.cascade.models import Person, Site

    return not (Site.select().exists() or Person.select().exists() or User.select().exists())


def truncate_all() -> None:
    """Empty every tracker table (PostgreSQL --reset): the schema and migrations stay."""
    from trainer_tracker.models import ALL_MODELS

    names = ", ".join(f'"{m._meta.table_name}"' for m in ALL_MODELS)
    database.execute_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")


def load(scale: float = 1.0, *, curriculum=None, content_root: Path | None = None, seed: int = 2027,
         today: dt.date | None = None, report=None) -> dict:
    """Load the synthetic programme into an empty, migrated database. Returns counts and timings."""
    from trainer_tracker.accounts import roles
    from trainer_tracker.accounts.models import User
    from trainer_tracker.accounts.services import create_user
    from trainer_tracker.audit import service as audit
    from trainer_tracker.audit.models import AuditEntry
    from trainer_tracker.cascade import services as cascade_services
    from trainer_tracker.cascade.models import (
        Attendance,
        Certification,
        CertificationEvent,
        CheckoutResult,
        Course,
        CourseTrainee,
        CourseTrainer,
        ModuleDelivery,
        Person,
        Site,
    )
    from trainer_tracker.fidelity.models import FidelityItemScore, FidelityRecord
    from trainer_tracker.research.models import AssessmentAnswer, AssessmentResponse
    from trainer_tracker.support.models import Carer, CarerContactDetails, Contact, Match

    from ..assessments.checklists import load_checklists, module_checklist
    from ..assessments.instruments import load_instruments
    from ..assessments.scoring import score
    from ..config import content_root as default_root
    from ..config import programme
    from ..content import load_curriculum
    from .demo import DEMO_PASSWORD

    started = time.perf_counter()
    say = report or (lambda message: None)
    if not is_empty():
        raise SynthRefused("The database already has data. Use --reset to start again.")
    root = Path(content_root or default_root())
    curriculum = curriculum or load_curriculum(root / "curriculum")
    today = today or dt.date.today()
    rng = random.Random(seed)
    n = counts_for(scale)
    bulk = Bulk(say)
    timings: dict[str, float] = {}
    cfg = programme()
    cap = int(cfg.get("caseload_cap", 3))
    modes = list(cfg.get("contact_modes", {})) or ["phone"]
    topics = list(cfg.get("contact_topics", {})) or ["emotional-support"]
    steps = {stage: [s["id"] for s in cascade_services.checkout_steps(stage)] for stage in (1, 2)}
    versions = cascade_services.module_versions(curriculum, RELEASE)
    required = {stage: cascade_services.required_modules(curriculum, stage, RELEASE) for stage in (1, 2)}
    valid_months = int(cfg.get("certification_valid_months", 24))

    def lap(name: str, t0: float) -> float:
        timings[name] = round(time.perf_counter() - t0, 2)
        say(f"  {name}: {timings[name]}s")
        return time.perf_counter()

    t = time.perf_counter()
    # Sites: the programme's own first (EL, WA, DV), then synthetic ones. Zipf-like sizes.
    configured = list(cfg.get("sites", []))
    sites = []
    for i in range(n["sites"]):
        if i < len(configured):
            entry = configured[i]
            sites.append((i + 1, entry["code"], entry["name"], entry.get("setting", "")))
        else:
            place = PLACE_NAMES[(i - len(configured)) % len(PLACE_NAMES)]
            suffix = "" if i - len(configured) < len(PLACE_NAMES) else f" {1 + (i - len(configured)) // len(PLACE_NAMES)}"
            sites.append((i + 1, f"S{i + 1:03d}", f"{place}{suffix}", "urban" if rng.random() < 0.4 else "rural"))
    site_weights = [1.0 / (rank ** 0.8) for rank in range(1, n["sites"] + 1)]
    site_ids = [s[0] for s in sites]
    bulk.insert(Site, ["id", "code", "name", "setting"], sites)
    site_code = {s[0]: s[1] for s in sites}

    # People: founders (generation 0) at the largest sites, generation-1 trainers at every site,
    # peer supporters in generations 2..7 spread by site size.
    people: list[P] = []
    next_id = 1
    for i in range(n["founders"]):
        people.append(P(next_id, site_ids[i % min(3, len(site_ids))], 0))
        next_id += 1
    for site, count in zip(site_ids, _apportion(n["gen1"], site_weights, minimum=1), strict=True):
        for _ in range(count):
            people.append(P(next_id, site, 1))
            next_id += 1
    per_gen = _apportion(n["cps"], list(CPS_WEIGHTS), minimum=1)
    for generation, total in zip(CPS_GENERATIONS, per_gen, strict=True):
        # Later generations concentrate a little more in the big sites (cascades run longest there).
        weights = [w ** (1 + 0.05 * (generation - 2)) for w in site_weights]
        for site, count in zip(site_ids, _apportion(total, weights), strict=True):
            for _ in range(count):
                people.append(P(next_id, site, generation))
                next_id += 1
    by_gen_site: dict[tuple[int, int], list[P]] = defaultdict(list)
    by_gen: dict[int, list[P]] = defaultdict(list)
    for p in people:
        by_gen_site[(p.generation, p.site)].append(p)
        by_gen[p.generation].append(p)
    person_by_id = {p.id: p for p in people}
    created = dt.datetime.combine(today - dt.timedelta(days=2600), dt.time(9))
    bulk.insert(Person, ["id", "given_name", "family_name", "site", "founding_trainer", "created_at"],
                ((p.id, GIVEN[(p.id * 7) % len(GIVEN)], f"{FAMILY[(p.id * 11) % len(FAMILY)]}-{p.id}", p.site,
                  p.generation == 0, created) for p in people))
    t = lap("sites and people", t)

    # Courses: per site and generation, groups of 6-14 trainees taught by 1-2 people of the
    # generation above (from the same site when there are any). Generation g trains about
    # 330 days after generation g-1, so every certifier is certified before they teach.
    courses: list[C] = []
    span_start = today - dt.timedelta(days=330 * 7 + 120)
    for generation in range(1, max(CPS_GENERATIONS) + 1):
        for site in site_ids:
            members = by_gen_site.get((generation, site), [])
            if not members:
                continue
            local = [q for q in by_gen_site.get((generation - 1, site), []) if not q.revoked]
            pool = local or [q for q in by_gen[generation - 1] if not q.revoked]
            if not pool:  # every one of the generation above was revoked (tiny scales only)
                by_gen[generation - 1][0].revoked = False
                pool = [by_gen[generation - 1][0]]
            index = 0
            while index < len(members):
                size = min(len(members) - index, rng.randint(6, 14))
                if len(members) - index - size < 4:
                    size = len(members) - index
                group = members[index:index + size]
                index += size
                start = span_start + dt.timedelta(days=330 * (generation - 1) + rng.randint(0, 150))
                trainers = rng.sample(pool, min(len(pool), 2 if rng.random() < 0.6 else 1))
                course = C(len(courses) + 1, site, 1 if generation == 1 else 2, start,
                           start + dt.timedelta(days=rng.randint(28, 45)), [q.id for q in trainers],
                           [q.id for q in group], generation)
                courses.append(course)
                for k, trainee in enumerate(group):
                    trainee.certifier = trainers[k % len(trainers)].id
                    trainee.course = course.id
                    trainee.certified_on = course.ends_on
                    trainee.revoked = rng.random() < 0.005
    titles = {1: "Stage 1 training", 2: "Stage 2 training"}
    bulk.insert(Course, ["id", "title", "stage", "site", "starts_on", "ends_on", "curriculum_release", "created_at"],
                ((c.id, f"{titles[c.stage]}, {site_code[c.site]} generation {c.generation} #{c.id}", c.stage, c.site,
                  c.starts_on, c.ends_on, RELEASE, created) for c in courses))
    bulk.insert(CourseTrainer, ["course", "person"], ((c.id, pid) for c in courses for pid in c.trainers))
    bulk.insert(CourseTrainee, ["course", "person", "enrolled_at"],
                ((c.id, pid, dt.datetime.combine(c.starts_on, dt.time(9))) for c in courses for pid in c.trainees))
    t = lap("courses", t)

    # Deliveries: every required module once, by the course's trainers in turn; everyone attends,
    # except now and then one trainee who catches up at a repeat session two days later.
    deliveries = []  # (id, course, module, version, day, trainer)
    attendance = []
    for c in courses:
        day = c.starts_on
        catch_up = rng.random() < 0.15 and len(c.trainees) > 1
        missed_index = rng.randrange(len(required[c.stage])) if catch_up else -1
        absent = rng.choice(c.trainees) if catch_up else None
        for k, module_id in enumerate(required[c.stage]):
            trainer = c.trainers[k % len(c.trainers)]
            did = len(deliveries) + 1
            deliveries.append((did, c.id, module_id, versions[module_id], day, trainer))
            for pid in c.trainees:
                attendance.append((did, pid, not (k == missed_index and pid == absent)))
            if k == missed_index:
                rid = len(deliveries) + 1
                deliveries.append((rid, c.id, module_id, versions[module_id],
                                   min(day + dt.timedelta(days=2), c.ends_on), trainer))
                attendance.append((rid, absent, True))
            day = min(day + dt.timedelta(days=2), c.ends_on)
    bulk.insert(ModuleDelivery, ["id", "course", "module_id", "module_version", "delivered_on", "trainer", "notes"],
                ((d[0], d[1], d[2], d[3], d[4], d[5], "") for d in deliveries))
    bulk.insert(Attendance, ["delivery", "person", "attended"], attendance)
    del attendance

    def checkout_rows():
        for c in courses:
            for k, pid in enumerate(c.trainees):
                assessor = c.trainers[k % len(c.trainers)]
                at = dt.datetime.combine(c.ends_on - dt.timedelta(days=3), dt.time(15))
                for step in steps[c.stage]:
                    if rng.random() < 0.03:
                        yield (c.id, pid, step, "repeat", "Asked to practise this once more.", assessor,
                               at - dt.timedelta(days=5))
                    yield (c.id, pid, step, "passed", "", assessor, at)

    bulk.insert(CheckoutResult, ["course", "trainee", "step_id", "state", "notes", "assessor", "recorded_at"],
                checkout_rows())
    t = lap("deliveries, attendance, checkout", t)

    # Certifications: one original per trainee (an edge certifier -> person); renewals for about a
    # third of the older ones (by the same certifier), a few revocations.
    certs = []
    events = []
    active_from: dict[int, dt.date] = {}  # person -> date from which they hold an active certification
    active_until: dict[int, dt.date] = {}
    cert_id = 0
    for p in people:
        if p.generation == 0 or p.certifier is None:
            continue
        cert_id += 1
        original = cert_id
        expires = _add_months(p.certified_on, valid_months)
        status = "revoked" if p.revoked else "active"
        certs.append((original, p.id, p.certifier, p.course, 1 if p.generation == 1 else 2, RELEASE,
                      p.certified_on, expires, status, "Left the programme" if p.revoked else "", None,
                      _code(original), created))
        events.append((original, "issued", dt.datetime.combine(p.certified_on, dt.time(16)), None, ""))
        if p.revoked:
            events.append((original, "revoked", dt.datetime.combine(p.certified_on + dt.timedelta(days=60),
                                                                   dt.time(10)), None, "Left the programme"))
            continue
        active_from[p.id] = p.certified_on
        active_until[p.id] = expires
        renewed_on = expires - dt.timedelta(days=rng.randint(5, 40))
        if renewed_on <= today and rng.random() < 0.45:
            cert_id += 1
            new_expiry = _add_months(renewed_on, valid_months)
            certs.append((cert_id, p.id, p.certifier, p.course, 1 if p.generation == 1 else 2, RELEASE,
                          renewed_on, new_expiry, "active", "", original, _code(cert_id), created))
            events.append((cert_id, "renewed", dt.datetime.combine(renewed_on, dt.time(16)), None,
                           f"renews certification {original}"))
            active_until[p.id] = new_expiry
    bulk.insert(Certification, ["id", "person", "certified_by", "course", "stage", "curriculum_release",
                                "certified_on", "expires_on", "status", "status_reason", "renewal_of",
                                "verification_code", "created_at"], certs)
    bulk.insert(CertificationEvent, ["certification", "event", "at", "by_user_id", "reason"], events)
    del certs, events
    t = lap("certifications", t)

    # Carers and matches. Each site's carers consent over the years its cascade has run; each is
    # matched to the peer supporter of the site whose caseload frees up first (cap per supporter),
    # for 60-120 days. Those whose match would start after today are still waiting.
    carers = []  # (id, site, sequence, consented_on, status)
    matches = []  # (id, carer, supporter, matched_on, ended_on, end_reason)
    match_meta = []  # (match id, supporter, start, last contact day)
    carer_weights = site_weights
    carer_id = 0
    # The deepest-generation peer supporter who gets the demo-style account: matched first when
    # free, so that they have a caseload at every scale.
    deepest_generation = max(p.generation for p in people)
    candidates = sorted((p for p in by_gen[deepest_generation] if p.id in active_from),
                        key=lambda p: (p.site != site_ids[0], p.id))
    featured = candidates[0] if candidates else by_gen[deepest_generation][0]
    for site, count in zip(site_ids, _apportion(n["carers"], carer_weights, minimum=1), strict=True):
        supporters = [p for p in people if p.site == site and p.generation >= 1 and p.id in active_from]
        if not supporters:  # a tiny site without its own cascade borrows the nearest trainers
            supporters = [p for p in by_gen[1] if p.id in active_from][:3]
        if not supporters:
            for sequence in range(1, count + 1):
                carer_id += 1
                carers.append((carer_id, site, sequence, today - dt.timedelta(days=sequence % 30), "waiting"))
            continue
        first = min(active_from[p.id] for p in supporters)
        slots = [(active_from[p.id] + dt.timedelta(days=7 + rng.randint(0, 30)), p.id, k)
                 for p in supporters for k in range(cap) if p is not featured]
        featured_slots = ([active_from[featured.id] + dt.timedelta(days=7)] * cap
                          if featured in supporters else None)
        heapq.heapify(slots)
        days = max(30, (today - first).days)
        # Consent dates: denser in recent years (the programme grows).
        consents = sorted(first + dt.timedelta(days=int(days * (rng.random() ** 0.6))) for _ in range(count))
        for sequence, consented in enumerate(consents, start=1):
            carer_id += 1
            wait = dt.timedelta(days=rng.randint(2, 21))
            found = None
            if featured_slots is not None:
                k = min(range(cap), key=featured_slots.__getitem__)
                matched_on = consented + wait
                if featured_slots[k] <= matched_on <= min(today, active_until[featured.id]):
                    found = (featured.id, -1 - k, matched_on)
            while slots and found is None:
                free_from, supporter, slot = heapq.heappop(slots)
                matched_on = max(consented + wait, free_from)
                if matched_on > today:
                    heapq.heappush(slots, (free_from, supporter, slot))
                    break
                if matched_on <= active_until[supporter]:  # only while their certification is active
                    found = (supporter, slot, matched_on)
                    break
            if found is None:
                carers.append((carer_id, site, sequence, consented, "waiting"))
                continue
            supporter, slot, matched_on = found
            length = rng.randint(60, 120)
            ends = matched_on + dt.timedelta(days=length)
            withdrawn = rng.random() < 0.05
            if withdrawn:
                ends = matched_on + dt.timedelta(days=rng.randint(7, length))
            mid = len(matches) + 1
            if ends <= today:
                status = "withdrawn" if withdrawn else "ended"
                matches.append((mid, carer_id, supporter, matched_on, ends, "withdrawn" if withdrawn else "completed"))
                free_again = ends + dt.timedelta(days=rng.randint(1, 20))
                if slot < 0:
                    featured_slots[-1 - slot] = free_again
                else:
                    heapq.heappush(slots, (free_again, supporter, slot))
                last_day = ends
            else:
                status = "matched"
                matches.append((mid, carer_id, supporter, matched_on, None, ""))
                if slot < 0:
                    featured_slots[-1 - slot] = dt.date.max
                else:
                    heapq.heappush(slots, (dt.date.max, supporter, slot))
                last_day = today
            carers.append((carer_id, site, sequence, consented, status))
            match_meta.append((mid, supporter, matched_on, last_day))
    bulk.insert(Carer, ["id", "study_id", "site", "sequence", "consented_on", "status", "created_at"],
                ((c[0], f"{site_code[c[1]]}-C-{c[2]:04d}", c[1], c[2], c[3], c[4],
                  dt.datetime.combine(c[3], dt.time(11))) for c in carers))
    bulk.insert(CarerContactDetails, ["carer", "name", "phone", "email", "notes"],
                ((c[0], f"Synthetic carer {c[0]}", "01632 960000", "", "") for c in carers if c[0] % 10 == 0))
    bulk.insert(Match, ["id", "carer", "supporter", "matched_on", "ended_on", "end_reason", "created_at"],
                ((m[0], m[1], m[2], m[3], m[4], m[5], dt.datetime.combine(m[3], dt.time(12))) for m in matches))
    with write_transaction():  # each site's study-ID counter starts after its highest number
        database.execute_sql('UPDATE "site" SET "carer_sequence" = COALESCE((SELECT MAX("sequence") FROM "carer" '
                             'WHERE "carer"."site_id" = "site"."id"), 0)')
    t = lap("carers and matches", t)

    # Contacts: the total is split over matches in proportion to their length, with gamma noise
    # (some carers want much more contact than others); dates fall inside the match.
    weights = [max(1, (last - start).days) * rng.gammavariate(2.0, 0.5) for _, _, start, last in match_meta]
    per_match = _apportion(n["contacts"], weights)
    mode_weights = {"phone": 0.5, "video": 0.15, "in-person": 0.25, "text-or-email": 0.1}
    mode_list = modes
    mode_w = [mode_weights.get(m, 0.1) for m in mode_list]
    rated_contacts = []  # (contact id, day, supporter, site)
    carer_site = {c[0]: c[1] for c in carers}
    match_carer = {m[0]: m[1] for m in matches}
    contact_rate = min(0.95, max(0.0, (n["fidelity"] * 0.8) / max(1, n["contacts"])))

    def contact_rows():
        cid = 0
        for (mid, supporter, start, last), count in zip(match_meta, per_match, strict=True):
            span = max(0, (last - start).days)
            days = sorted(start + dt.timedelta(days=rng.randint(0, span)) for _ in range(count))
            for day in days:
                cid += 1
                mode = rng.choices(mode_list, mode_w)[0]
                base = {"in-person": 60, "video": 40, "phone": 30}.get(mode, 10)
                minutes = int(min(240, max(5, round(rng.lognormvariate(math.log(base), 0.45) / 5) * 5)))
                chosen = ",".join(rng.sample(topics, rng.choice((1, 1, 2, 2, 2, 3))))
                if rng.random() < contact_rate:
                    rated_contacts.append((cid, day, supporter, carer_site[match_carer[mid]]))
                yield (cid, mid, day, mode, minutes, chosen, dt.datetime.combine(day, dt.time(17)))

    bulk.insert(Contact, ["id", "match", "contact_date", "mode", "duration_minutes", "topics", "recorded_at"],
                contact_rows())
    t = lap("contacts", t)

    # Fidelity: deliveries rated by an observer (the trainer's own certifier or a founder), some
    # also self-rated, some with the training-session checklist; contacts self-rated by the peer
    # supporter, some by a supervisor, some by the carer. Quality drifts down by generation.
    checklists = load_checklists(root / "assessments" / "checklists")
    module_lists = {m.id: module_checklist(m) for m in curriculum.modules if m.version is not None and m.fidelity}
    session = _maybe(checklists, "training-session")
    contact_list = _maybe(checklists, "support-contact")
    carer_list = _maybe(checklists, "support-contact-carer")
    site_effect = {s: rng.gauss(0, 0.04) for s in site_ids}
    founders = [p.id for p in by_gen[0]]

    def quality(generation: int, site: int) -> float:
        return min(0.97, max(0.3, 0.86 - 0.035 * (generation - 1) + site_effect[site] + rng.gauss(0, 0.06)))

    def item_scores(checklist, q):
        for item in checklist.items:
            if item.allows_not_applicable and rng.random() < 0.08:
                yield item.id, None
                continue
            roll = rng.random()
            yield item.id, 2 if roll < q else (1 if roll < q + (1 - q) * 0.7 else 0)

    records = []  # (id, checklist_id, version, delivery, contact, rater, role, rated_on, user, q)
    course_by_id = {c.id: c for c in courses}
    for did, course_id, module_id, _version, day, trainer in deliveries:
        course = course_by_id[course_id]
        checklist = module_lists.get(module_id)
        trainer_person = person_by_id[trainer]
        observer = trainer_person.certifier or (founders[0] if founders[0] != trainer else founders[-1])
        if observer == trainer:
            observer = None
        rated_on = min(day + dt.timedelta(days=1), today)
        q = quality(course.generation, course.site)
        if checklist is not None and rng.random() < 0.7:
            records.append([checklist, did, None, observer, "observer", rated_on, q])
            if rng.random() < 0.3:
                records.append([checklist, did, None, trainer, "trainer-self", rated_on, min(0.98, q + 0.05)])
        if session is not None and rng.random() < 0.4:
            records.append([session, did, None, observer, "observer", rated_on, q])
    wanted_contacts = max(0, n["fidelity"] - len(records))
    if len(records) > n["fidelity"]:
        records = rng.sample(records, n["fidelity"])
    chosen = rated_contacts if len(rated_contacts) <= wanted_contacts else rng.sample(rated_contacts, wanted_contacts)
    chosen.sort()
    for cid, day, supporter, site in chosen:
        supporter_person = person_by_id[supporter]
        q = quality(supporter_person.generation, site)
        roll = rng.random()
        if roll < 0.72 and contact_list is not None:
            records.append([contact_list, None, cid, supporter, "cps-self", min(day, today), min(0.98, q + 0.04)])
        elif roll < 0.9 and contact_list is not None:
            records.append([contact_list, None, cid, supporter_person.certifier, "supervisor",
                            min(day + dt.timedelta(days=3), today), q])
        elif carer_list is not None:
            records.append([carer_list, None, cid, None, "carer", min(day + dt.timedelta(days=2), today),
                            min(0.98, q + 0.06)])
    rated_contacts.clear()
    chosen = []
    for k, record in enumerate(records, start=1):
        record.insert(0, k)

    bulk.insert(FidelityRecord, ["id", "checklist_id", "checklist_version", "delivery", "contact", "rater",
                                 "rater_role", "rated_on", "notes", "recorded_by_user_id", "created_at"],
                ((r[0], r[1].id, str(r[1].version), r[2], r[3], r[4], r[5], r[6], "", None,
                  dt.datetime.combine(r[6], dt.time(18))) for r in records))
    bulk.insert(FidelityItemScore, ["record", "item_id", "score"],
                ((r[0], item_id, value) for r in records for item_id, value in item_scores(r[1], r[7])))
    fidelity_records = len(records)
    del records
    t = lap("fidelity", t)

    # Assessments: carers at baseline, end of support and 6 months (CarerQol-7D, CSRI); peer
    # supporters after training (wellbeing check). Answers come from a scored pool per instrument.
    instruments = load_instruments(root / "assessments")
    pools = {}
    for instrument_id in ("carerqol-7d", "csri-carer", "cps-wellbeing-check"):
        try:
            instrument = instruments.get(instrument_id)
        except KeyError:
            continue
        pools[instrument_id] = (instrument, _answer_pool(instrument, rng, 300, score))
    candidates = []  # (instrument id, time point, carer, person, site, day)
    match_by_carer = {m[1]: m for m in matches}
    for c in carers:
        m = match_by_carer.get(c[0])
        if m is None:
            continue
        matched_on, ended_on = m[3], m[4]
        for instrument_id, share in (("carerqol-7d", 0.92), ("csri-carer", 0.75)):
            if instrument_id not in pools:
                continue
            if rng.random() < share:
                candidates.append((instrument_id, "baseline", c[0], None, c[1],
                                   min(today, matched_on + dt.timedelta(days=rng.randint(0, 10)))))
            if ended_on is not None and rng.random() < share * 0.7:
                day = ended_on + dt.timedelta(days=rng.randint(-7, 14))
                if day <= today:
                    candidates.append((instrument_id, "end_of_support", c[0], None, c[1], max(day, matched_on)))
            day = matched_on + dt.timedelta(days=182 + rng.randint(-10, 25))
            if day <= today and rng.random() < share * 0.55:
                candidates.append((instrument_id, "month_6", c[0], None, c[1], day))
    cps_candidates = []
    if "cps-wellbeing-check" in pools:
        for p in people:
            if p.generation >= 1 and p.certified_on is not None and rng.random() < 0.6:
                day = min(today, p.certified_on + dt.timedelta(days=rng.randint(0, 12)))
                cps_candidates.append(("cps-wellbeing-check", "after_training", None, p.id, p.site, day))
    cps_share = min(len(cps_candidates), n["responses"] // 10)
    carer_share = n["responses"] - cps_share
    picked = (rng.sample(candidates, carer_share) if len(candidates) > carer_share else candidates)
    picked += rng.sample(cps_candidates, cps_share) if len(cps_candidates) > cps_share else cps_candidates
    picked.sort(key=lambda r: r[5])
    responses = []
    for k, (instrument_id, point, carer, person, site, day) in enumerate(picked, start=1):
        instrument, pool = pools[instrument_id]
        answers, scores_json = pool[rng.randrange(len(pool))]
        responses.append((k, instrument, point, carer, person, site, day, answers, scores_json))
    del picked, candidates, cps_candidates
    bulk.insert(AssessmentResponse, ["id", "instrument_id", "instrument_version", "respondent", "carer", "person",
                                     "site", "time_point", "completed_on", "scores", "recorded_by_user_id",
                                     "created_at", "updated_at"],
                ((r[0], r[1].id, str(r[1].version), "carer" if r[3] is not None else "cps", r[3], r[4], r[5], r[2],
                  r[6], r[8], None, dt.datetime.combine(r[6], dt.time(19)), dt.datetime.combine(r[6], dt.time(19)))
                 for r in responses))
    bulk.insert(AssessmentAnswer, ["response", "item_id", "value"],
                ((r[0], item_id, value) for r in responses for item_id, value in r[7]))
    response_count = len(responses)
    del responses
    t = lap("assessments", t)

    if not isinstance(database.obj, peewee.SqliteDatabase):
        _reset_sequences()

    # Demo-style accounts through the services (so they are audited like any account).
    largest = site_ids[0]
    gen1_trainers = sorted({pid for c in courses if c.generation == 2 and c.site == largest for pid in c.trainers})
    trainer = gen1_trainers[0] if gen1_trainers else by_gen[1][0].id
    accounts = [
        ("admin@example.org", roles.ADMIN, None, None),
        ("lead@example.org", roles.PROGRAMME_LEAD, None, None),
        (f"{site_code[largest].lower()}-lead@example.org", roles.SITE_LEAD, site_code[largest], None),
        ("trainer@example.org", roles.TRAINER, None, trainer),
        ("supporter@example.org", roles.SUPPORTER, None, featured.id),
        ("researcher@example.org", roles.RESEARCHER, None, None),
        ("leap@example.org", roles.LEAP_REVIEWER, None, None),
    ]
    for email, role, code, person_id in accounts:
        create_user(None, email, role, DEMO_PASSWORD, site_code=code, person_id=person_id)
    summary = {
        "sites": len(sites), "people": len(people), "courses": len(courses), "deliveries": len(deliveries),
        "certifications": cert_id, "carers": len(carers), "matches": len(matches), "contacts": n["contacts"],
        "fidelity_records": fidelity_records, "assessment_responses": response_count,
        "deepest_generation": deepest_generation,
    }
    with write_transaction():
        audit.record(None, "synth.load", "database", None, f"Synthetic programme loaded at scale {scale}",
                     scale=scale, seed=seed, **{k: v for k, v in summary.items()})
    _analyze()
    t = lap("accounts, analyze", t)
    assert User.select().count() == len(accounts) and AuditEntry.select().exists()
    summary["rows"] = dict(bulk.counts)
    summary["accounts"] = [a[0] for a in accounts]
    summary["seconds"] = round(time.perf_counter() - started, 1)
    summary["timings"] = timings
    return summary


def _maybe(checklists, checklist_id: str):
    try:
        return checklists.get(checklist_id)
    except KeyError:
        return None


def _answer_pool(instrument, rng: random.Random, size: int, score) -> list[tuple[list, str]]:
    """`size` plausible answer sets for an instrument, each scored once (item values as stored text)."""
    pool = []
    attempts = 0
    while len(pool) < size and attempts < size * 5:
        attempts += 1
        answers = {}
        for item in instrument.items:
            scale = item.scale
            if scale.type == "choice" and scale.values:
                values = list(scale.values)
                # Skew towards the middle-to-better end, like real questionnaires.
                answers[item.id] = values[min(len(values) - 1, int(abs(rng.gauss(len(values) / 2, len(values) / 3))))]
            elif scale.type == "number":
                low = scale.low if scale.low is not None else 0
                high = scale.high if scale.high is not None else 10
                if not item.required and rng.random() < 0.15:
                    answers[item.id] = None
                elif high - low > 20:  # counts (visits, hours, miles): mostly small
                    answers[item.id] = int(min(high, low + rng.expovariate(1 / max(1.0, (high - low) / 60))))
                else:
                    answers[item.id] = int(round(min(high, max(low, rng.gauss((low + high) * 0.6, (high - low) / 5)))))
            elif not item.required:
                answers[item.id] = None
            else:
                break
        else:
            try:
                result = score(instrument, answers)
            except Exception:  # noqa: BLE001, S112 - an implausible draw: try another
                continue
            stored = [(item.id, None if result.values.get(item.id) is None else str(result.values.get(item.id)))
                      for item in instrument.items]
            pool.append((stored, json.dumps(result.to_dict())))
    if not pool:
        raise SynthRefused(f"could not make plausible answers for {instrument.id}")
    return pool


def _reset_sequences() -> None:
    from trainer_tracker.models import ALL_MODELS

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
