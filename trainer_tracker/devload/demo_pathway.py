"""The demo's carer pathway and safety net, through the services: consent records and demographics
for the demo carers, supporters' matching profiles, referrals at every step, concerns in each
state, supervision (with one supporter overdue) and a private reflective note."""

from __future__ import annotations

import datetime as dt

from cascade.stats import equity

from ..concerns import services as concerns
from ..pathway import services as pathway
from ..pathway.models import Referral
from ..supervision import services as supervision
from ..support.models import Carer, Match

DEMOGRAPHIC_CHOICES = {"age_band": list(equity.AGE_BANDS), "gender": list(equity.GENDERS),
                       "ethnicity": list(equity.ETHNICITIES), "first_language": list(equity.FIRST_LANGUAGES),
                       "area_type": list(equity.AREA_TYPES)}


def _answers(rng) -> dict:
    answers = {item: (equity.PREFER_NOT if rng.random() < 0.08 else rng.choice(options))
               for item, options in DEMOGRAPHIC_CHOICES.items()}
    answers["relationship"] = rng.choice(["parent", "partner", "child", "sibling"])
    return answers


def load(actor, sites, people, users, today, rng, *, profiles, referrals, concern_rows: list, reflection) -> dict:
    form = pathway.consent_form()
    for carer in Carer.select().order_by(Carer.id):
        agreed = {item.id: True for item in form.items if item.required or rng.random() < 0.8}
        pathway.record_consent(actor, carer, consented_on=carer.consented_on, answers=agreed, form=form)
        if rng.random() < 0.85:
            pathway.save_demographics(actor, carer=carer, answers=_answers(rng))
    for name, (languages, relationships, area, free) in profiles.items():
        if name in people:
            pathway.save_profile(actor, people[name], languages=languages, relationships=relationships, area=area,
                                 availability=free)
    made = 0
    yes = {c["id"]: "yes" for c in pathway.settings()["eligibility"]}
    for site in sites.values():
        for steps, relationship, language, area, days_ago in referrals:
            referred_on = today - dt.timedelta(days=days_ago)
            row = pathway.refer(actor, site, source=rng.choice(list(pathway.settings()["sources"])),
                                referred_on=referred_on, relationship=relationship, language=language, area=area,
                                availability=["weekday-evening"], name=f"Demo referral {made + 1}",
                                phone="01632 960111")
            if rng.random() < 0.8:
                pathway.save_demographics(actor, referral=row, answers=_answers(rng))
            for n, step in enumerate(steps[1:], start=1):
                on = referred_on + dt.timedelta(days=2 * n)
                if step == "consented":
                    pathway.consent(actor, Referral.get_by_id(row.id), consented_on=on,
                                    answers={item.id: True for item in form.items}, form=form)
                else:
                    answers = {**yes, "local": "no"} if step == "not-eligible" else yes
                    pathway.record_step(actor, row, step, on, eligibility=answers if "eligible" in step else None)
            made += 1
    supporter_user = users.get("supporter@example.org")
    lead = users.get("el-lead@example.org")
    supporter = people.get(("Fatima", "Begum"))
    their_carer = Match.select().where(Match.supporter == supporter.id).order_by(Match.id.desc()).first()
    for about, category, urgency, text, state in concern_rows:
        row = concerns.raise_concern(supporter_user, about=about, category=category, urgency=urgency, description=text,
                                     carer=their_carer.carer if about == "carer" and their_carer else None,
                                     person=supporter)
        if state in ("acknowledged", "closed"):
            concerns.acknowledge(lead, row)
        if state == "closed":
            concerns.close(lead, row, outcome="safeguarding",
                           action="Talked to the carer the same day; referral to children's services.")
    sessions = 0
    for site in sites.values():
        supervisor = next((p for p in people.values() if p.site_id == site.id and p.founding_trainer), None)
        attendees = [p for p in people.values() if p.site_id == site.id and not p.founding_trainer
                     and p is not supporter][:4]
        if attendees:
            supervision.record_session(actor, site, kind="group", held_on=today - dt.timedelta(days=12), minutes=90,
                                       supervisor=supervisor, attendees=attendees,
                                       topics=["caseload", "boundaries", "wellbeing"],
                                       follow_ups="Practise ending conversations at the next session.")
            sessions += 1
    if supporter_user is not None:
        supervision.write_note(supporter_user, reflection, today - dt.timedelta(days=3))
    _refresher_in_progress(actor, people)
    return {"referrals": made, "supervision_sessions": sessions}



def _refresher_in_progress(actor, people) -> None:
    """A refresher assigned by hand after low fidelity scores, studied on the site, not yet confirmed."""
    from ..refreshers import services as refreshers
    from ..study import services as study
    from ..web.curriculum import get_curriculum

    person = people.get(("Joseph", "Adeyemi"))
    if person is None:
        return
    try:
        curriculum = get_curriculum()
    except RuntimeError:  # outside the app: the loader's own copy
        from cascade.config import content_root
        from cascade.content import load_curriculum

        curriculum = load_curriculum(content_root() / "curriculum")
    module = curriculum.by_id.get("listening-and-support")
    if module is None:
        return
    refreshers.assign(actor, person, module.id, str(module.version))
    study.record(actor, person, curriculum, module_id=module.id, version=str(module.version), studied=True,
                 right=3, questions=4)
