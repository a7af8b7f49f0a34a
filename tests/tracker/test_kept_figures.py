"""Figures kept in the database (trainer_tracker/figures) equal a rebuild from the raw records after
random sequences of writes, corrections and voids through the services, on both databases; and
the pages read them (the dashboard, fidelity and due pages show what a recomputation gives)."""

from __future__ import annotations

import datetime as dt
import json
import math
import random

import pytest

from cascade.assessments.checklists import load_checklists, module_checklist
from cascade.assessments.instruments import load_instruments
from cascade.stats.fidelity import report
from cascade.stats.fidelity.records import FidelitySettings
from trainer_tracker.cascade import corrections as cc
from trainer_tracker.cascade import services as cs
from trainer_tracker.cascade.models import Certification, ModuleDelivery, Person
from trainer_tracker.dashboard.figures import cascade_figures
from trainer_tracker.errors import Refused
from trainer_tracker.fidelity import data
from trainer_tracker.fidelity import services as fs
from trainer_tracker.fidelity.models import FidelityRecord
from trainer_tracker.figures import counts
from trainer_tracker.figures import fidelity as kept_fidelity
from trainer_tracker.figures.models import AssessmentDue, FidelityOccasion, FidelitySum, SiteCount
from trainer_tracker.figures.rebuild import rebuild
from trainer_tracker.research import services as rs
from trainer_tracker.research import tracking
from trainer_tracker.support import corrections as sc
from trainer_tracker.support import services as ss
from trainer_tracker.support.models import Carer, Contact, Match

from .conftest import login


@pytest.fixture(scope="module")
def checklists(repo_root):
    return load_checklists(repo_root / "assessments" / "checklists")


@pytest.fixture(scope="module")
def registry(repo_root):
    return load_instruments(repo_root / "assessments")


def _answers(instrument, rng):
    answers = {}
    for item in instrument.items:
        if item.scale.type == "choice":
            answers[item.id] = rng.choice(list(item.scale.values))
        elif item.scale.type == "number":
            answers[item.id] = 7
    return answers


def snapshot() -> dict:
    """Every kept row, keyed by what it describes (not by row id)."""
    occasion_keys = dict(FidelityOccasion.select(FidelityOccasion.id, FidelityOccasion.occasion_key).tuples())
    return {
        "counts": {(s, n): v for s, n, v in SiteCount.select(SiteCount.site, SiteCount.name, SiteCount.value).tuples()
                   if v},
        "sums": {(r.checklist_id, r.checklist_version, r.scope, r.dimension, r.grp, r.item_id):
                 (r.n, r.total, r.total_sq, r.n_records, r.n_unscored, r.mean)
                 for r in FidelitySum.select() if r.n or r.n_records or r.n_unscored},
        "occasions": {(o.checklist_id, o.checklist_version, o.occasion_key):
                      (o.site, o.generation, o.person, o.module_id, o.branch, o.counted, o.percent,
                       sorted(json.loads(o.counted_records))) for o in FidelityOccasion.select()},
        "records": {r.id: (r.percent, occasion_keys.get(r.occasion_id)) for r in FidelityRecord.select()},
        "due": sorted(tuple(getattr(r, f) for f in ("respondent", "subject", "site", "cps", "instrument_id",
                                                     "time_point", "opens", "closes", "done_on", "done", "since"))
                      for r in AssessmentDue.select()),
        "people": {p.id: (p.generation, p.tree_path) for p in Person.select()},
    }


def assert_same(kept, rebuilt, path="") -> None:
    if isinstance(kept, dict):
        assert set(kept) == set(rebuilt), (path, set(kept) ^ set(rebuilt))
        for key in kept:
            assert_same(kept[key], rebuilt[key], f"{path}/{key}")
    elif isinstance(kept, list | tuple):
        assert len(kept) == len(rebuilt), path
        for n, (a, b) in enumerate(zip(kept, rebuilt, strict=True)):
            assert_same(a, b, f"{path}[{n}]")
    elif isinstance(kept, float) or isinstance(rebuilt, float):
        assert kept is not None and rebuilt is not None and math.isclose(kept, rebuilt, rel_tol=1e-9, abs_tol=1e-6), (
            path, kept, rebuilt)
    else:
        assert kept == rebuilt, (path, kept, rebuilt)


class Writer:
    """Random writes through the services, each refused one skipped (a refusal changes nothing)."""

    def __init__(self, world, checklists, registry, rng):
        self.w, self.checklists, self.registry, self.rng = world, checklists, registry, rng
        self.today = world.today
        self.supporters = [world.gen2, world.gen1, world.gen1_dv]
        cs.add_trainer(None, world.course2, world.founder)  # so deliveries can change hands
        for delivery in ModuleDelivery.select().where(ModuleDelivery.course == world.course2.id):
            checklist = module_checklist(world.curriculum.module(delivery.module_id))
            fs.record(None, checklist, rater_role="observer", rated_on=self.today, scores=self.scores(checklist),
                      delivery=delivery, rater=world.gen1_dv)

    def pick(self, query):
        rows = list(query)
        return self.rng.choice(rows) if rows else None

    def scores(self, checklist):
        rng = self.rng
        choices = rng.choice([(0, 1, 2), (2,), (1, 2), (0, 1, 2, None)])
        scores = {}
        for item in checklist.items:
            value = rng.choice(choices)
            scores[item.id] = None if value is None and item.allows_not_applicable else (2 if value is None else value)
        return scores

    def register(self):
        ss.register_carer(None, self.rng.choice([self.w.el, self.w.dv]), self.today - dt.timedelta(days=60))

    def match(self):
        carer = self.pick(Carer.select().where(Carer.status == "waiting"))
        if carer:
            ss.match(None, carer, self.rng.choice(self.supporters),
                     self.today - dt.timedelta(days=self.rng.randint(0, 50)))

    def contact(self):
        match = self.pick(Match.select().where(Match.ended_on.is_null()))
        if match:
            ss.record_contact(None, match, max(match.matched_on, self.today - dt.timedelta(days=3)), "phone",
                              self.rng.randint(5, 90), [])

    def correct_contact(self):
        contact = self.pick(Contact.select().where(Contact.voided_at.is_null()))
        if contact:
            sc.correct_contact(None, contact, contact_date=contact.contact_date, mode=contact.mode,
                               duration_minutes=self.rng.randint(5, 90), topics=[], reason="typed wrongly")

    def void_contact(self):
        contact = self.pick(Contact.select().where(Contact.voided_at.is_null()))
        if contact:
            sc.void_contact(None, contact, "wrong carer")

    def end(self):
        match = self.pick(Match.select().where(Match.ended_on.is_null()))
        if match:
            ss.end_support(None, match, self.today, self.rng.choice(["completed", "withdrawn"]))

    def reopen(self):
        match = self.pick(Match.select().where(Match.ended_on.is_null(False)))
        if match:
            sc.reopen_match(None, match, "ended by mistake")

    def withdraw(self):
        carer = self.pick(Carer.select().where(Carer.status != "withdrawn"))
        if carer:
            sc.withdraw(None, carer, self.today, "other", "")

    def undo_withdrawal(self):
        carer = self.pick(Carer.select().where(Carer.status == "withdrawn"))
        if carer:
            sc.undo_withdrawal(None, carer, "recorded by mistake")

    def rate_contact(self):
        contact = self.pick(Contact.select())
        if contact:
            checklist = self.checklists.get("support-contact")
            role = self.rng.choice(["cps-self", "supervisor", "carer"])
            rater = contact.match.supporter if role == "cps-self" else (
                self.w.gen1 if role == "supervisor" and self.rng.random() < 0.5 else None)
            fs.record(None, checklist, rater_role=role, rated_on=self.today, scores=self.scores(checklist),
                      contact=contact, rater=rater)

    def rate_delivery(self):
        delivery = self.pick(ModuleDelivery.select())
        if delivery:
            checklist = module_checklist(self.w.curriculum.module(delivery.module_id))
            role = self.rng.choice(["observer", "trainer-self"])
            rater = delivery.trainer if role == "trainer-self" else self.rng.choice([self.w.gen1_dv, self.w.founder])
            fs.record(None, checklist, rater_role=role, rated_on=self.today, scores=self.scores(checklist),
                      delivery=delivery, rater=rater)

    def response(self):
        if self.rng.random() < 0.6:
            carer = self.pick(Carer.select().join(Match, on=(Match.carer == Carer.id)).distinct())
            instrument = self.registry.get("carerqol-7d")
            if carer:
                rs.save_response(None, instrument, time_point=self.rng.choice([p.id for p in instrument.time_points]),
                                 completed_on=self.today, answers=_answers(instrument, self.rng), carer=carer)
        else:
            instruments = [i for i in self.registry if "cps" in i.respondents and i.licensed_text_state.installed]
            instrument = self.rng.choice(instruments)
            points = [p.id for p in instrument.time_points if p.respondent == "cps"]
            if points:
                rs.save_response(None, instrument, time_point=self.rng.choice(points), completed_on=self.today,
                                 answers=_answers(instrument, self.rng), person=self.w.gen2)

    def move_person(self):
        person = self.rng.choice([self.w.gen2, self.w.gen1_dv])
        person = Person.get_by_id(person.id)
        site = self.w.dv if person.site_id == self.w.el.id else self.w.el
        cc.correct_person(None, person, person.given_name, person.family_name, site, "moved")

    def move_course(self):
        course = type(self.w.course2).get_by_id(self.w.course2.id)
        site = self.w.dv if course.site_id == self.w.el.id else self.w.el
        shift = dt.timedelta(days=self.rng.choice([0, -1]))
        cc.correct_course(None, course, title=course.title, site=site, starts_on=course.starts_on + shift,
                          ends_on=course.ends_on, curriculum_release=course.curriculum_release, reason="typo")

    def swap_delivery_trainer(self):
        delivery = self.pick(ModuleDelivery.select().where(ModuleDelivery.course == self.w.course2.id))
        if delivery:
            trainer = self.w.founder if delivery.trainer_id != self.w.founder.id else self.w.gen1
            cc.correct_delivery(None, delivery, module_id=delivery.module_id, delivered_on=delivery.delivered_on,
                                trainer=trainer, notes="", curriculum=self.w.curriculum, reason="wrong trainer")

    def new_trainee(self):
        person = cs.create_person(None, "New", f"Trainee{self.rng.randint(1, 10**6)}",
                                  self.rng.choice([self.w.el, self.w.dv]))
        cs.enrol(None, self.w.course2, person)
        if self.rng.random() < 0.5:
            cc.remove_trainee(None, self.w.course2, person, "enrolled by mistake")

    def revoke(self):
        cert = self.pick(Certification.select().where(Certification.status != "revoked"))
        if cert:
            cs.revoke(None, cert, "no longer practising")

    OPERATIONS = ("register", "match", "contact", "contact", "correct_contact", "void_contact", "end", "reopen",
                  "withdraw", "undo_withdrawal", "rate_contact", "rate_contact", "rate_delivery", "rate_delivery",
                  "response", "move_person", "move_course", "swap_delivery_trainer", "new_trainee", "revoke")

    def run(self, steps: int) -> list[str]:
        done = []
        for _ in range(steps):
            name = self.rng.choice(self.OPERATIONS)
            try:
                getattr(self, name)()
                done.append(name)
            except Refused:
                pass
        return done


@pytest.mark.parametrize("seed", [1, 2])
def test_kept_figures_equal_a_rebuild_after_random_writes(world, checklists, registry, seed):
    writer = Writer(world, checklists, registry, random.Random(seed))
    done = writer.run(70)
    assert len(set(done)) >= 12, done  # the sequence really exercised most kinds of write
    kept = snapshot()
    rebuild()
    assert_same(kept, snapshot())


def test_a_new_certification_moves_the_generation_and_tree_path(world, curriculum):
    person = cs.create_person(None, "Dee", "Thirdgen", world.el)
    cs.enrol(None, world.course2, person)
    world.complete(world.course2, [person], world.gen1)
    cs.certify(None, world.course2, person, world.gen1, world.course2.ends_on, curriculum)
    person = Person.get_by_id(person.id)
    gen1 = Person.get_by_id(world.gen1.id)
    assert person.generation == 2 and person.tree_path == f"{gen1.tree_path}/{person.id:010d}"
    kept = snapshot()
    rebuild()
    assert_same(kept, snapshot())


def test_pages_show_the_kept_figures(app, world, checklists, registry):
    Writer(world, checklists, registry, random.Random(5)).run(40)
    lead = app.test_client()
    login(lead, "lead@example.org")
    figures = cascade_figures()
    raw = {}
    for site in (world.el.id, world.dv.id):
        for name, value in counts.site_counts(site).items():
            raw[name] = raw.get(name, 0) + value
    assert figures["active_matches"] == raw["active_matches"]
    assert figures["carers_waiting"] == raw["carers_waiting"]
    assert figures["contacts"] == sum(n for n, _ in counts.contact_counts().values())
    page = lead.get("/dashboard").get_data(as_text=True)
    assert f"{figures['carers_waiting']}</dd>" in page
    # Fidelity: the kept section equals the report over the records, for each checklist version.
    settings = FidelitySettings.from_programme()
    records = data.records()
    for key in {r.key for r in records}:
        expected = report.section([r for r in records if r.key == key], settings)
        got = kept_fidelity.section(key, None, settings, include_people=True)
        for name in ("records", "overall", "by_generation", "by_site", "components", "drift", "agreement"):
            _close(expected[name], got[name], name)
    # Assessments due: the page's total is the kept list's.
    due = tracking.due_list(registry, world.today)
    text = lead.get("/research/due").get_data(as_text=True)
    assert f"{len(due)} assessments" in text


def _close(a, b, path):
    if isinstance(a, dict):
        for key in a:
            if key not in ("minimum", "maximum", "band_counts"):
                _close(a[key], b[key], f"{path}.{key}")
    elif isinstance(a, list):
        assert len(a) == len(b), path
        for x, y in zip(a, b, strict=True):
            _close(x, y, path)
    elif isinstance(a, float):
        assert math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9), (path, a, b)
    else:
        assert a == b, (path, a, b)
