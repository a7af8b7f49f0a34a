"""Cascade figures against the programme's targets, in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from peewee import fn

from cascade.config import programme

from ..cascade.models import Certification, Course, Person, Site
from ..support.models import Carer, Contact, Match
from .cache import cached


@dataclass
class StageFigures:
    stage: int
    target_supporters: int
    target_carers: int
    supporters_certified: int = 0
    carers_supported: int = 0
    by_site: dict[str, dict] = field(default_factory=dict)

    @property
    def supporters_percent(self) -> int:
        return round(100 * self.supporters_certified / self.target_supporters) if self.target_supporters else 0

    @property
    def carers_percent(self) -> int:
        return round(100 * self.carers_supported / self.target_carers) if self.target_carers else 0


def cascade_figures(site_id: int | None = None, today: dt.date | None = None) -> dict:
    """Targets and actuals per stage (optionally for one site), plus support activity.

    Kept until the data changes (dashboard/cache.py): the figures count every contact and match.
    """
    today = today or dt.date.today()
    return cached("cascade_figures", (site_id, today), lambda: _cascade_figures(site_id, today))


def _cascade_figures(site_id: int | None, today: dt.date) -> dict:
    targets = programme().get("targets", {})
    sites = {s.id: s for s in Site.select().order_by(Site.name)}
    stages = {stage: StageFigures(stage, int(targets.get(f"stage_{stage}", {}).get("peer_supporters", 0)),
                                  int(targets.get(f"stage_{stage}", {}).get("carers", 0)))
              for stage in (1, 2)}
    for figures in stages.values():
        for s in sites.values():
            if site_id is None or s.id == site_id:
                figures.by_site[s.code] = {"name": s.name, "supporters": 0, "carers": 0}

    certified = (Certification.select(Certification.stage, Person.site, fn.COUNT(fn.DISTINCT(Certification.person)))
                 .join(Person, on=(Certification.person == Person.id))
                 .where(Certification.renewal_of.is_null() & (Certification.status != "revoked"))
                 .group_by(Certification.stage, Person.site))
    if site_id is not None:
        certified = certified.where(Person.site == site_id)
    for stage, person_site, count in certified.tuples():
        if stage in stages:
            stages[stage].supporters_certified += count
            stages[stage].by_site.setdefault(sites[person_site].code, {"name": sites[person_site].name,
                                                                      "supporters": 0, "carers": 0})
            stages[stage].by_site[sites[person_site].code]["supporters"] += count

    original = Certification.alias("original")
    supported = (Match.select(original.stage, Carer.site, fn.COUNT(fn.DISTINCT(Match.carer)))
                 .join(Carer, on=(Match.carer == Carer.id))
                 .join(original, on=((original.person == Match.supporter) & original.renewal_of.is_null()))
                 .group_by(original.stage, Carer.site))
    if site_id is not None:
        supported = supported.where(Carer.site == site_id)
    for stage, carer_site, count in supported.tuples():
        if stage in stages:
            stages[stage].carers_supported += count
            stages[stage].by_site.setdefault(sites[carer_site].code, {"name": sites[carer_site].name,
                                                                     "supporters": 0, "carers": 0})
            stages[stage].by_site[sites[carer_site].code]["carers"] += count

    activity = (Contact.select(fn.COUNT(Contact.id), fn.COALESCE(fn.SUM(Contact.duration_minutes), 0))
                .where(Contact.voided_at.is_null()))
    if site_id is not None:  # (every contact has a match and every match a carer: no join needed for all sites)
        activity = activity.join(Match).join(Carer, on=(Match.carer == Carer.id))
    active = Match.select(fn.COUNT(Match.id)).join(Carer, on=(Match.carer == Carer.id)).where(Match.ended_on.is_null())
    waiting = Carer.select(fn.COUNT(Carer.id)).where(Carer.status == "waiting")
    courses = Course.select(fn.COUNT(Course.id))
    if site_id is not None:
        activity = activity.where(Carer.site == site_id)
        active = active.where(Carer.site == site_id)
        waiting = waiting.where(Carer.site == site_id)
        courses = courses.where(Course.site == site_id)
    contacts, minutes = activity.tuples().get()
    return {
        "stages": [stages[1], stages[2]],
        "contacts": contacts,
        "contact_hours": round((minutes or 0) / 60, 1),
        "active_matches": active.scalar(),
        "carers_waiting": waiting.scalar(),
        "courses": courses.scalar(),
        "caseload_cap": int(programme().get("caseload_cap", 3)),
        "site": sites.get(site_id),
    }


def generation_counts(site_id: int | None = None) -> dict[int, int]:
    """How many people (of a site) are in each generation; counted in the database, kept until the
    data changes."""
    from ..cascade.lineage import generation_totals

    return cached("generation_counts", (site_id,), lambda: generation_totals(site_id))

