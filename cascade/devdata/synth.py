"""A synthetic national programme for benchmarks, as rows: realistic shapes, fictional people.

At scale 1.0: 100 sites, 500 generation-0/1 trainers, 20,000 peer supporters (CPS) in
generations 2 to 7, 60,000 carers, 600,000 contacts, 200,000 fidelity records and 150,000
assessment responses; every figure scales with the scale.

The shape follows the programme: each person is certified by someone of the generation above
(usually at their own site) at a course of their stage, after attending every required module and
passing every checkout step; carers are matched to certified peer supporters of their site within
the caseload cap; contacts fall inside their match; fidelity scores drift a little lower in later
generations. Site sizes are skewed (a few large urban sites, many small ones).

Pure Python: `Programme(...).tables()` yields one `Table` (tracker table name, columns, rows) per
phase, in an order that keeps foreign keys valid, with explicit ids. The tracker's loader
(trainer_tracker/devload/synth.py) writes them in bulk.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from ..content.stages import checkout_steps, module_versions, required_modules
from .people import CODE_ALPHABET, FAMILY, GIVEN, PLACE_NAMES
from .rows import Table, apportion
from .synth_research import ResearchPhases, SynthRefused
from .synth_support import SupportPhases

RELEASE = "2027.1"
CPS_GENERATIONS = (2, 3, 4, 5, 6, 7)  # "six generations" of peer supporters below the trainers
CPS_WEIGHTS = (0.26, 0.27, 0.21, 0.14, 0.08, 0.04)
BASE = {"sites": 100, "founders": 10, "gen1": 490, "cps": 20_000, "carers": 60_000, "contacts": 600_000,
        "fidelity": 200_000, "responses": 150_000}
MINIMUM = {"sites": 3, "founders": 2, "gen1": 3, "cps": 18, "carers": 12, "contacts": 40, "fidelity": 20,
           "responses": 20}


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


def counts_for(scale: float) -> dict[str, int]:
    if scale <= 0:
        raise ValueError("--scale must be above 0")
    return {k: max(MINIMUM[k], round(v * scale)) for k, v in BASE.items()}


def verification_code(number: int) -> str:
    value = (number * 1_000_003) % (len(CODE_ALPHABET) ** 8)
    chars = []
    for _ in range(8):
        value, digit = divmod(value, len(CODE_ALPHABET))
        chars.append(CODE_ALPHABET[digit])
    return f"CPS-{''.join(chars[:4])}-{''.join(chars[4:])}"


def add_months(day: dt.date, months: int) -> dt.date:
    year, month = divmod(day.month - 1 + months, 12)
    return dt.date(day.year + year, month + 1, min(day.day, 28))


class Programme(SupportPhases, ResearchPhases):
    """One synthetic programme. `tables()` yields its rows phase by phase; `summary` grows as it goes."""

    def __init__(self, scale: float, *, curriculum, checklists, instruments, config: dict, score,
                 seed: int = 2027, today: dt.date | None = None):
        self.n = counts_for(scale)
        self.curriculum, self.checklists, self.instruments, self.score = curriculum, checklists, instruments, score
        self.config = config
        self.rng = random.Random(seed)
        self.today = today or dt.date.today()
        self.cap = int(config.get("caseload_cap", 3))
        self.modes = list(config.get("contact_modes", {})) or ["phone"]
        self.topics = list(config.get("contact_topics", {})) or ["emotional-support"]
        self.valid_months = int(config.get("certification_valid_months", 24))
        self.steps = {stage: [s["id"] for s in checkout_steps(stage, config)] for stage in (1, 2)}
        self.versions = module_versions(curriculum, RELEASE)
        self.required = {stage: required_modules(curriculum, stage, RELEASE) for stage in (1, 2)}
        self.created = dt.datetime.combine(self.today - dt.timedelta(days=2600), dt.time(9))
        self.summary: dict = {}

    def tables(self) -> Iterator[Table]:
        yield from self.sites()
        yield from self.people()
        yield from self.courses()
        yield from self.deliveries()
        yield from self.certifications()
        yield from self.carers_and_matches()
        yield from self.contacts()
        yield from self.fidelity()
        yield from self.assessments()

    # Sites and people -------------------------------------------------------------------------

    def sites(self) -> Iterator[Table]:
        """The programme's own sites first (EL, WA, DV), then synthetic ones, with Zipf-like sizes."""
        configured = list(self.config.get("sites", []))
        rows = []
        for i in range(self.n["sites"]):
            if i < len(configured):
                entry = configured[i]
                rows.append((i + 1, entry["code"], entry["name"], entry.get("setting", "")))
                continue
            k = i - len(configured)
            suffix = "" if k < len(PLACE_NAMES) else f" {1 + k // len(PLACE_NAMES)}"
            rows.append((i + 1, f"S{i + 1:03d}", f"{PLACE_NAMES[k % len(PLACE_NAMES)]}{suffix}",
                         "urban" if self.rng.random() < 0.4 else "rural"))
        self.site_weights = [1.0 / (rank ** 0.8) for rank in range(1, self.n["sites"] + 1)]
        self.site_ids = [s[0] for s in rows]
        self.site_code = {s[0]: s[1] for s in rows}
        self.summary["sites"] = len(rows)
        yield Table("site", ["id", "code", "name", "setting"], rows)

    def people(self) -> Iterator[Table]:
        """Founders (generation 0) at the largest sites, generation-1 trainers at every site, peer
        supporters in generations 2..7 spread by site size."""
        n, people = self.n, []

        def add(site: int, generation: int) -> None:
            people.append(P(len(people) + 1, site, generation))

        for i in range(n["founders"]):
            add(self.site_ids[i % min(3, len(self.site_ids))], 0)
        for site, count in zip(self.site_ids, apportion(n["gen1"], self.site_weights, minimum=1), strict=True):
            for _ in range(count):
                add(site, 1)
        for generation, total in zip(CPS_GENERATIONS, apportion(n["cps"], list(CPS_WEIGHTS), minimum=1), strict=True):
            # Later generations concentrate a little more in the big sites (cascades run longest there).
            weights = [w ** (1 + 0.05 * (generation - 2)) for w in self.site_weights]
            for site, count in zip(self.site_ids, apportion(total, weights), strict=True):
                for _ in range(count):
                    add(site, generation)
        self.all_people = people
        self.by_gen_site: dict[tuple[int, int], list[P]] = defaultdict(list)
        self.by_gen: dict[int, list[P]] = defaultdict(list)
        for p in people:
            self.by_gen_site[(p.generation, p.site)].append(p)
            self.by_gen[p.generation].append(p)
        self.person_by_id = {p.id: p for p in people}
        self.summary["people"] = len(people)
        yield Table("person", ["id", "given_name", "family_name", "site_id", "founding_trainer", "created_at"],
                    ((p.id, GIVEN[(p.id * 7) % len(GIVEN)], f"{FAMILY[(p.id * 11) % len(FAMILY)]}-{p.id}", p.site,
                      p.generation == 0, self.created) for p in people))

    # Courses, deliveries, attendance, checkout -----------------------------------------------------

    def _trainer_pool(self, generation: int, site: int) -> list[P]:
        local = [q for q in self.by_gen_site.get((generation - 1, site), []) if not q.revoked]
        pool = local or [q for q in self.by_gen[generation - 1] if not q.revoked]
        if not pool:  # every one of the generation above was revoked (tiny scales only)
            self.by_gen[generation - 1][0].revoked = False
            pool = [self.by_gen[generation - 1][0]]
        return pool

    def courses(self) -> Iterator[Table]:
        """Per site and generation, groups of 6-14 trainees taught by 1-2 people of the generation
        above (from the same site when there are any). Generation g trains about 330 days after
        generation g-1, so every certifier is certified before they teach."""
        rng, courses = self.rng, []
        span_start = self.today - dt.timedelta(days=330 * 7 + 120)
        for generation in range(1, max(CPS_GENERATIONS) + 1):
            for site in self.site_ids:
                members = self.by_gen_site.get((generation, site), [])
                if not members:
                    continue
                pool = self._trainer_pool(generation, site)
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
                        trainee.certifier, trainee.course = trainers[k % len(trainers)].id, course.id
                        trainee.certified_on, trainee.revoked = course.ends_on, rng.random() < 0.005
        self.all_courses = courses
        self.summary["courses"] = len(courses)
        titles = {1: "Stage 1 training", 2: "Stage 2 training"}
        yield Table("course", ["id", "title", "stage", "site_id", "starts_on", "ends_on", "curriculum_release",
                               "created_at"],
                    ((c.id, f"{titles[c.stage]}, {self.site_code[c.site]} generation {c.generation} #{c.id}", c.stage,
                      c.site, c.starts_on, c.ends_on, RELEASE, self.created) for c in courses))
        yield Table("course_trainer", ["course_id", "person_id"], ((c.id, pid) for c in courses for pid in c.trainers))
        yield Table("course_trainee", ["course_id", "person_id", "enrolled_at"],
                    ((c.id, pid, dt.datetime.combine(c.starts_on, dt.time(9))) for c in courses for pid in c.trainees))

    def deliveries(self) -> Iterator[Table]:
        """Every required module once, by the course's trainers in turn; everyone attends, except now
        and then one trainee who catches up at a repeat session two days later."""
        rng, deliveries, attendance = self.rng, [], []
        for c in self.all_courses:
            day = c.starts_on
            catch_up = rng.random() < 0.15 and len(c.trainees) > 1
            missed = rng.randrange(len(self.required[c.stage])) if catch_up else -1
            absent = rng.choice(c.trainees) if catch_up else None
            for k, module_id in enumerate(self.required[c.stage]):
                trainer = c.trainers[k % len(c.trainers)]
                did = len(deliveries) + 1
                deliveries.append((did, c.id, module_id, self.versions[module_id], day, trainer))
                attendance.extend((did, pid, not (k == missed and pid == absent)) for pid in c.trainees)
                if k == missed:
                    deliveries.append((did + 1, c.id, module_id, self.versions[module_id],
                                       min(day + dt.timedelta(days=2), c.ends_on), trainer))
                    attendance.append((did + 1, absent, True))
                day = min(day + dt.timedelta(days=2), c.ends_on)
        self.all_deliveries = deliveries
        self.summary["deliveries"] = len(deliveries)
        yield Table("module_delivery", ["id", "course_id", "module_id", "module_version", "delivered_on",
                                        "trainer_id", "notes"], ((*d, "") for d in deliveries))
        yield Table("attendance", ["delivery_id", "person_id", "attended"], attendance)
        yield Table("checkout_result", ["course_id", "trainee_id", "step_id", "state", "notes", "assessor_id",
                                        "recorded_at"], self._checkout_rows())

    def _checkout_rows(self) -> Iterator[tuple]:
        for c in self.all_courses:
            for k, pid in enumerate(c.trainees):
                assessor = c.trainers[k % len(c.trainers)]
                at = dt.datetime.combine(c.ends_on - dt.timedelta(days=3), dt.time(15))
                for step in self.steps[c.stage]:
                    if self.rng.random() < 0.03:
                        yield (c.id, pid, step, "repeat", "Asked to practise this once more.", assessor,
                               at - dt.timedelta(days=5))
                    yield (c.id, pid, step, "passed", "", assessor, at)

    # Certifications ---------------------------------------------------------------------------

    def certifications(self) -> Iterator[Table]:
        """One original per trainee (an edge certifier -> person); renewals for about a third of the
        older ones (by the same certifier), a few revocations."""
        certs, events, cert_id = [], [], 0
        self.active_from: dict[int, dt.date] = {}  # person -> date from which they hold an active certification
        self.active_until: dict[int, dt.date] = {}
        for p in self.all_people:
            if p.generation == 0 or p.certifier is None:
                continue
            cert_id += 1
            original, expires, stage = cert_id, add_months(p.certified_on, self.valid_months), 1 if p.generation == 1 else 2
            reason = "Left the programme" if p.revoked else ""
            certs.append((original, p.id, p.certifier, p.course, stage, RELEASE, p.certified_on, expires,
                          "revoked" if p.revoked else "active", reason, None, verification_code(original), self.created))
            events.append((original, "issued", dt.datetime.combine(p.certified_on, dt.time(16)), None, ""))
            if p.revoked:
                events.append((original, "revoked",
                               dt.datetime.combine(p.certified_on + dt.timedelta(days=60), dt.time(10)), None, reason))
                continue
            self.active_from[p.id], self.active_until[p.id] = p.certified_on, expires
            renewed_on = expires - dt.timedelta(days=self.rng.randint(5, 40))
            if renewed_on <= self.today and self.rng.random() < 0.45:
                cert_id += 1
                new_expiry = add_months(renewed_on, self.valid_months)
                certs.append((cert_id, p.id, p.certifier, p.course, stage, RELEASE, renewed_on, new_expiry, "active", "",
                              original, verification_code(cert_id), self.created))
                events.append((cert_id, "renewed", dt.datetime.combine(renewed_on, dt.time(16)), None,
                               f"renews certification {original}"))
                self.active_until[p.id] = new_expiry
        self.summary["certifications"] = cert_id
        yield Table("certification", ["id", "person_id", "certified_by_id", "course_id", "stage", "curriculum_release",
                                      "certified_on", "expires_on", "status", "status_reason", "renewal_of_id",
                                      "verification_code", "created_at"], certs)
        yield Table("certification_event", ["certification_id", "event", "at", "by_user_id", "reason"], events)

    # For the loader: who gets the demo-style accounts ------------------------------------------

    def account_people(self) -> dict[str, int]:
        """Person ids for the trainer and supporter accounts: a generation-1 trainer of the largest
        site's stage-two courses, and the featured deepest-generation peer supporter."""
        largest = self.site_ids[0]
        trainers = sorted({pid for c in self.all_courses if c.generation == 2 and c.site == largest for pid in c.trainers})
        return {"trainer": trainers[0] if trainers else self.by_gen[1][0].id, "supporter": self.featured.id,
                "site": largest}


__all__ = ["Programme", "SynthRefused", "Table", "counts_for"]
