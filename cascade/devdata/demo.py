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
