"""The demo programme as data: the cascade's real shape with fictional people, and how plausible
scores and answers are drawn. The tracker's demo loader (trainer_tracker/devload/demo.py) makes
it through the tracker's own services, so the audit log is real too.

2 founding trainers (generation 0) train 8 stage-one peer supporters at one course; those train 12
stage-two peer supporters in one course per site; carers are matched within the caseload cap and
have contacts. Names are invented. Demo accounts (password DEMO_PASSWORD) are listed in the README.
"""

from __future__ import annotations

import datetime as dt

DEMO_PASSWORD = "demo-password-not-for-real-use"  # noqa: S105 - demo accounts only, listed in the README
DEMO_RELEASE = "2027.1"

FOUNDERS = [("Anke", "Berger"), ("Ruth", "Okafor")]
STAGE_ONE = {"EL": [("Amara", "Mensah"), ("Tom", "Hughes"), ("Priya", "Shah")],
             "WA": [("Gareth", "Lewis"), ("Helen", "Marsh"), ("Sanjay", "Patel")],
             "DV": [("Claire", "Penrose"), ("Daniel", "Trewin")]}
STAGE_TWO = {"EL": [("Fatima", "Begum"), ("Joseph", "Adeyemi"), ("Lucy", "Chen"), ("Mark", "Davies")],
             "WA": [("Sarah", "Cole"), ("Imran", "Khan"), ("Joanne", "Price"), ("Peter", "Walsh")],
             "DV": [("Emma", "Jory"), ("Neil", "Hocking"), ("Rachel", "Moyle"), ("Steven", "Rowe")]}
# (email, role, site code, linked person's name): roles by the tracker's names for them.
ACCOUNTS = [
    ("admin@example.org", "admin", None, None),
    ("lead@example.org", "programme_lead", None, None),
    ("el-lead@example.org", "site_lead", "EL", None),
    ("wa-lead@example.org", "site_lead", "WA", None),
    ("dv-lead@example.org", "site_lead", "DV", None),
    ("trainer@example.org", "trainer", None, ("Amara", "Mensah")),
    ("supporter@example.org", "supporter", None, ("Fatima", "Begum")),
    ("researcher@example.org", "researcher", None, None),
    ("leap@example.org", "leap_reviewer", None, None),
]
# Fidelity quality by course: stage two drifts a little, more at one site, so the dashboard has
# something to show.
STAGE_ONE_QUALITY = 0.85
STAGE_TWO_QUALITY = {"DV": 0.62}
STAGE_TWO_QUALITY_ELSEWHERE = 0.74


def scores(checklist, rng, quality: float, like: dict | None = None) -> dict:
    """Item scores: mostly 2 at high quality; a second rater mostly agrees with the first."""
    found = {}
    for item in checklist.items:
        if like is not None and rng.random() < 0.8:
            found[item.id] = like[item.id]
            continue
        if item.allows_not_applicable and rng.random() < 0.08:
            found[item.id] = None
            continue
        roll = rng.random()
        found[item.id] = 2 if roll < quality else (1 if roll < quality + (1 - quality) * 0.7 else 0)
    return found


def answers(instrument, rng, quality: float = 0.6) -> dict:
    """Plausible answers for a free-to-use instrument (licensed ones are skipped by the caller)."""
    found = {}
    for item in instrument.items:
        scale = item.scale
        if not item.required and rng.random() < 0.3:
            continue
        if scale.type == "choice":
            values = list(scale.values)
            found[item.id] = values[min(len(values) - 1, int(rng.random() ** quality * len(values)))]
        elif scale.type == "multi-choice":
            found[item.id] = rng.sample(list(scale.values), rng.randint(1, min(3, len(scale.values))))
        elif scale.type == "number":
            high = scale.max if scale.max is not None else 10
            low = scale.min if scale.min is not None else 0
            found[item.id] = rng.randint(int(low), int(min(high, low + 6)))
        elif scale.type == "date":
            found[item.id] = dt.date.today().isoformat()
    return found

# The carer's pathway in the demo: supporters' matching profiles (languages, the relationship they
# know from their own life, area, free time) and a few referrals at each step per site.
DEMO_PROFILES = {
    ("Fatima", "Begum"): ("English, Bengali", ["child"], "Tower Hamlets", ["weekday-evening", "weekend"]),
    ("Joseph", "Adeyemi"): ("English, Yoruba", ["partner"], "Hackney", ["weekday-daytime"]),
    ("Lucy", "Chen"): ("English, Cantonese", ["parent"], "Newham", ["weekend"]),
    ("Mark", "Davies"): ("English", ["sibling", "child"], "Hackney", ["weekday-evening"]),
    ("Sarah", "Cole"): ("English", ["child"], "Rugby", ["weekday-daytime", "weekday-evening"]),
    ("Imran", "Khan"): ("English, Urdu, Punjabi", ["parent"], "Nuneaton", ["weekend"]),
    ("Emma", "Jory"): ("English", ["partner"], "Exeter", ["weekday-daytime"]),
    ("Neil", "Hocking"): ("English, Cornish", ["child"], "Plymouth", ["weekend", "weekday-evening"]),
}
# (steps reached, relationship, language, area, days since referral): one row per referral, at every site.
DEMO_REFERRALS = [
    (("referred",), "parent", "English", "", 2),
    (("referred", "contacted"), "child", "Bengali", "Tower Hamlets", 9),
    (("referred", "contacted", "eligible"), "partner", "English", "Hackney", 16),
    (("referred", "contacted", "not-eligible"), "friend", "English", "", 25),
    (("referred", "contacted", "eligible", "consented"), "child", "English", "", 45),
]
DEMO_CONCERNS = [  # (about, category, urgency, what happened, state)
    ("carer", "carer-safety", "today", "The carer said they have not slept for a week and feel they cannot cope.",
     "open"),
    ("self", "supporter-wellbeing", "week", "Supporting a carer whose son was restrained brought back my own memories.",
     "acknowledged"),
    ("carer", "someone-else", "today", "The carer is worried about a younger child at home while they visit the ward.",
     "closed"),
]
DEMO_REFLECTION = ("The call with my carer went better than I feared. I shared a little of my own story and it "
                   "helped. I want to talk about endings in supervision.")
