"""Load the demo programme (cascade/devdata/demo.py) into an empty database through the services.

Every change goes through the same services the pages use, so the audit log is real too.
"""

from __future__ import annotations

import datetime as dt
import random

from cascade.assessments.checklists import load_checklists, module_checklist
from cascade.config import content_root, programme
from cascade.devdata.demo import (
    ACCOUNTS,
    DEMO_CONCERNS,
    DEMO_PASSWORD,
    DEMO_PROFILES,
    DEMO_REFERRALS,
    DEMO_REFLECTION,
    DEMO_RELEASE,
    FOUNDERS,
    STAGE_ONE,
    STAGE_ONE_QUALITY,
    STAGE_TWO,
    STAGE_TWO_QUALITY,
    STAGE_TWO_QUALITY_ELSEWHERE,
    answers,
    scores,
)

from ..accounts.services import create_user
from ..cascade import services as cascade
from ..cascade.models import Site
from ..fidelity import services as fidelity
from ..support import services as support

__all__ = ["DEMO_PASSWORD", "load"]


def load(curriculum, today: dt.date | None = None, seed: int = 2027, actor=None) -> dict:
    """Load the demo into an empty, migrated database. Returns counts."""
    today = today or dt.date.today()
    rng = random.Random(seed)
    checklists = load_checklists(content_root() / "assessments" / "checklists")
    sites = {}
    for entry in programme().get("sites", []):
        sites[entry["code"]] = cascade.create_site(actor, entry["code"], entry["name"], entry.get("setting", ""))
    people = {}

    def person(given, family, site_code, founding=False):
        p = cascade.create_person(actor, given, family, sites[site_code], founding)
        people[(given, family)] = p
        return p

    founders = [person(g, f, "EL", founding=True) for g, f in FOUNDERS]
    stage_one_start = today - dt.timedelta(days=300)
    course1 = cascade.create_course(actor, "Stage 1 training (all sites)", 1, sites["EL"], stage_one_start,
                                    stage_one_start + dt.timedelta(days=40), DEMO_RELEASE)
    for founder in founders:
        cascade.add_trainer(actor, course1, founder)
    stage_one = {code: [person(g, f, code) for g, f in names] for code, names in STAGE_ONE.items()}
    for members in stage_one.values():
        for p in members:
            cascade.enrol(actor, course1, p)
    _teach_and_certify(actor, course1, founders, [p for ps in stage_one.values() for p in ps], curriculum, rng)
    _rate_deliveries(actor, course1, curriculum, checklists, rng, quality=STAGE_ONE_QUALITY, observers=founders)

    stage_two = {}
    for index, (code, names) in enumerate(STAGE_TWO.items()):
        start = today - dt.timedelta(days=200 - 10 * index)
        course = cascade.create_course(actor, f"Stage 2 training, {sites[code].name}", 2, sites[code], start,
                                       start + dt.timedelta(days=35), DEMO_RELEASE)
        trainers = stage_one[code][:2]
        for trainer in trainers:
            cascade.add_trainer(actor, course, trainer)
        stage_two[code] = [person(g, f, code) for g, f in names]
        for p in stage_two[code]:
            cascade.enrol(actor, course, p)
        _teach_and_certify(actor, course, trainers, stage_two[code], curriculum, rng)
        # Stage two drifts a little, more at one site, so the dashboard has something to show.
        _rate_deliveries(actor, course, curriculum, checklists, rng,
                         quality=STAGE_TWO_QUALITY.get(code, STAGE_TWO_QUALITY_ELSEWHERE), observers=founders)

    carers = _support(actor, sites, stage_one, stage_two, today, rng, checklists)
    _research(actor, sites, [p for ps in stage_one.values() for p in ps] + [p for ps in stage_two.values() for p in ps],
              today, rng)
    users = {}
    for email, role, site_code, linked in ACCOUNTS:
        users[email] = create_user(actor, email, role, DEMO_PASSWORD, site_code=site_code,
                                   person_id=people[linked].id if linked else None)
    from . import demo_pathway

    pathway = demo_pathway.load(actor, sites, people, users, today, rng, profiles=DEMO_PROFILES,
                                referrals=DEMO_REFERRALS, concern_rows=DEMO_CONCERNS, reflection=DEMO_REFLECTION)
    return {"sites": len(sites), "people": len(people), "carers": carers, "accounts": len(ACCOUNTS), **pathway}


def _teach_and_certify(actor, course, trainers, trainees, curriculum, rng) -> None:
    required = cascade.required_modules(curriculum, course.stage, course.curriculum_release)
    day = course.starts_on
    for index, module_id in enumerate(required):
        trainer = trainers[index % len(trainers)]
        delivery = cascade.record_delivery(actor, course, module_id, day, trainer, curriculum)
        # One trainee misses a session and catches up at a repeat delivery two days later.
        absent = trainees[index % len(trainees)] if index == 2 else None
        cascade.record_attendance(actor, delivery, {t.id: t is not absent for t in trainees})
        if absent is not None:
            repeat = cascade.record_delivery(actor, course, module_id, day + dt.timedelta(days=2), trainer, curriculum,
                                             notes="Catch-up session")
            cascade.record_attendance(actor, repeat, {t.id: t is absent for t in trainees})
        day = min(day + dt.timedelta(days=2), course.ends_on)
    for n, trainee in enumerate(trainees):
        assessor = trainers[n % len(trainers)]
        for step in cascade.checkout_steps(course.stage):
            if n == 1 and step["id"] == "purposeful-sharing":
                cascade.record_checkout(actor, course, trainee, step["id"], "repeat", assessor,
                                        "Shared too much of own story; try again with a clear purpose.")
            cascade.record_checkout(actor, course, trainee, step["id"], "passed", assessor)
        cascade.certify(actor, course, trainee, assessor, course.ends_on, curriculum)


def _rate_deliveries(actor, course, curriculum, checklists, rng, quality: float, observers) -> None:
    from ..cascade.models import ModuleDelivery

    session = checklists.get("training-session")
    for delivery in ModuleDelivery.select().where(ModuleDelivery.course == course).order_by(ModuleDelivery.id):
        module = curriculum.by_id.get(delivery.module_id)
        if module is None or not module.fidelity or rng.random() < 0.25:
            continue
        checklist = module_checklist(module)
        trainer = delivery.trainer
        observer = next((o for o in observers if o.id != trainer.id), None)
        on = min(delivery.delivered_on + dt.timedelta(days=1), dt.date.today())
        first = scores(checklist, rng, quality)
        fidelity.record(actor, checklist, rater_role="observer", rated_on=on, scores=first, delivery=delivery,
                        rater=observer)
        if rng.random() < 0.4:  # double-rated: the trainer's own rating, for inter-rater agreement
            fidelity.record(actor, checklist, rater_role="trainer-self", rated_on=on,
                            scores=scores(checklist, rng, quality, like=first), delivery=delivery, rater=trainer)
        if rng.random() < 0.5:
            fidelity.record(actor, session, rater_role="observer", rated_on=on, scores=scores(session, rng, quality),
                            delivery=delivery, rater=observer)


def _support(actor, sites, stage_one, stage_two, today, rng, checklists=None) -> int:
    targets = programme().get("targets", {})
    cap = int(programme().get("caseload_cap", 3))
    modes = list(programme().get("contact_modes", {}))
    topics = list(programme().get("contact_topics", {}))
    total = 0

    def support_by(supporters, how_many, start_days_ago):
        nonlocal total
        for n in range(how_many):
            supporter = supporters[n % len(supporters)]
            site = Site.get_by_id(supporter.site_id)
            matched_on = today - dt.timedelta(days=start_days_ago - rng.randint(0, 40))
            carer = support.register_carer(actor, site, matched_on - dt.timedelta(days=rng.randint(1, 10)),
                                           name=f"Demo carer {total + 1}", phone="01632 960000")
            match = support.match(actor, carer, supporter, matched_on)
            contact_day = matched_on
            for _ in range(rng.randint(3, 9)):
                contact_day += dt.timedelta(days=rng.randint(5, 14))
                if contact_day > today:
                    break
                contact = support.record_contact(actor, match, contact_day, rng.choice(modes),
                                                 rng.choice([20, 30, 45, 60, 90]), rng.sample(topics, rng.randint(1, 3)))
                if checklists is not None and rng.random() < 0.3:
                    checklist = checklists.get("support-contact")
                    fidelity.record(actor, checklist, rater_role="cps-self", rated_on=contact_day,
                                    scores=scores(checklist, rng, 0.75), contact=contact, rater=supporter)
            if (today - matched_on).days > 100:
                support.end_support(actor, match, min(contact_day, today), "completed")
            total += 1

    stage1_carers = int(targets.get("stage_1", {}).get("carers", 12))
    support_by([p for ps in stage_one.values() for p in ps], stage1_carers, 230)
    for members in stage_two.values():
        support_by(members, min(cap, 3) * len(members), 120)
    waiting_site = next(iter(sites.values()))
    support.register_carer(actor, waiting_site, today - dt.timedelta(days=3))
    return total + 1


def _research(actor, sites, supporters, today, rng) -> None:
    from cascade.assessments.instruments import load_instruments

    from ..research import services as research
    from ..support.models import Match

    registry = load_instruments(content_root() / "assessments")
    carer_forms = [i for i in registry if "carer" in i.respondents and i.licensed_text_state.installed]
    for match in Match.select().order_by(Match.id):
        for instrument in carer_forms:
            if rng.random() < 0.15:
                continue  # some baselines are missed, so the due list shows overdue work
            research.save_response(actor, instrument, time_point="baseline",
                                   completed_on=min(match.matched_on + dt.timedelta(days=rng.randint(0, 10)), today),
                                   answers=answers(instrument, rng), carer=match.carer)
            if match.ended_on is not None and rng.random() < 0.7:
                research.save_response(actor, instrument, time_point="end_of_support", completed_on=match.ended_on,
                                       answers=answers(instrument, rng, 0.8), carer=match.carer)
    wellbeing = registry.instruments.get("cps-wellbeing-check")
    if wellbeing is not None and wellbeing.licensed_text_state.installed:
        for person in supporters[::2]:
            cert = cascade.current_certification(person.id)
            if cert is not None:
                research.save_response(actor, wellbeing, time_point="after_training",
                                       completed_on=min(cert.certified_on + dt.timedelta(days=7), today),
                                       answers=answers(wellbeing, rng), person=person)
    # Two adverse events: one reported on time; one serious, related and unexpected whose ethics
    # committee report is overdue, so the dashboard shows its alert.
    site = sites["EL"]
    first = Match.select().where(Match.ended_on.is_null()).order_by(Match.id).first()
    aware = dt.datetime.combine(today - dt.timedelta(days=40), dt.time(10, 30))
    event = research.record_adverse_event(actor, site=first.carer.site, affected="patient", onset_on=aware.date(),
                                          aware_at=aware, seriousness=["hospitalisation"], relatedness="not_related",
                                          expectedness="expected", carer=first.carer,
                                          description="Readmitted to hospital; not related to peer support.")
    research.mark_reported(actor, event, "sponsor", aware + dt.timedelta(hours=6))
    research.close_adverse_event(actor, event)
    aware = dt.datetime.combine(today - dt.timedelta(days=20), dt.time(16, 0))
    event = research.record_adverse_event(actor, site=site, affected="carer", onset_on=aware.date(), aware_at=aware,
                                          seriousness=["medically_significant"], relatedness="possibly",
                                          expectedness="unexpected", carer=first.carer,
                                          description="Carer very distressed after a support call; GP involved.",
                                          safeguarding_escalated=True, safeguarding_referral_on=aware.date())
    research.mark_reported(actor, event, "sponsor", aware + dt.timedelta(hours=20))
    for s in sites.values():
        for month in range(1, 7):
            research.add_cost_item(actor, site=s, category="supervision", occurred_on=today - dt.timedelta(days=30 * month),
                                   quantity=rng.choice([4, 6, 8]), unit_cost_key="supervisor_hour",
                                   description="Group supervision")
        research.add_cost_item(actor, site=s, category="travel", occurred_on=today - dt.timedelta(days=60),
                               quantity=rng.randint(80, 400), unit_cost_key="car_mile", description="Travel to carers")
        research.add_cost_item(actor, site=s, category="venue", occurred_on=today - dt.timedelta(days=200),
                               quantity=1, amount=rng.choice([300, 450, 600]), description="Training venue")
