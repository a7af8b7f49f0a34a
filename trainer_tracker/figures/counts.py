"""Dashboard counts kept per site: refreshed for the sites a write touches, in its transaction.

Contacts are counted by adding and subtracting (they are the most frequent write); the other
counts are worked out again for the site, from indexed queries over that site's rows only, with
the site's row locked so that two writers on PostgreSQL cannot both write a count that misses
the other's change.
"""

from __future__ import annotations

from collections.abc import Iterable

from peewee import EXCLUDED, fn

from ..cascade.models import Certification, Course, ModuleDelivery, Person, Site
from ..db import lock_rows
from ..support.models import Carer, Contact, Match
from .models import SiteCount

CONTACTS, MINUTES = "contacts", "contact_minutes"
DELIVERED = "delivered:"  # + module id
STAGES = (1, 2)


def _upsert(rows: list[dict], add: bool) -> None:
    if not rows:
        return
    rows = sorted(rows, key=lambda r: (r["site"], r["name"]))  # one order for every writer: no deadlock
    value = (SiteCount.value + EXCLUDED.value) if add else EXCLUDED.value
    (SiteCount.insert_many(rows)
     .on_conflict(conflict_target=[SiteCount.site, SiteCount.name], update={SiteCount.value: value})
     .execute())


def contact_changed(site_id: int, contacts: int, minutes: int) -> None:
    """Add (or with negative numbers take away) contacts and their minutes at a carer's site."""
    if contacts or minutes:
        _upsert([{"site": site_id, "name": CONTACTS, "value": contacts},
                 {"site": site_id, "name": MINUTES, "value": minutes}], add=True)


def site_of_carer(carer_id: int) -> int:
    return Carer.select(Carer.site).where(Carer.id == carer_id).scalar()


def site_of_match(match_id: int) -> int:
    return Carer.select(Carer.site).join(Match).where(Match.id == match_id).scalar()


def refresh_sites(site_ids: Iterable[int | None]) -> None:
    """Work out every count but the contacts again for these sites."""
    ids = sorted({s for s in site_ids if s is not None})
    if not ids:
        return
    lock_rows(Site, ids)
    rows = []
    for site_id in ids:
        rows += [{"site": site_id, "name": name, "value": value} for name, value in site_counts(site_id).items()]
    _upsert(rows, add=False)


def site_counts(site_id: int) -> dict[str, int]:
    """The counts of one site (every name but contacts and minutes), from the raw rows."""
    counts = {f"{what}_stage_{stage}": 0 for what in ("supporters", "carers") for stage in STAGES}
    certified = (Certification.select(Certification.stage, fn.COUNT(fn.DISTINCT(Certification.person)))
                 .join(Person, on=(Certification.person == Person.id))
                 .where(Certification.renewal_of.is_null() & (Certification.status != "revoked")
                        & (Person.site == site_id))
                 .group_by(Certification.stage))
    for stage, count in certified.tuples():
        if stage in STAGES:
            counts[f"supporters_stage_{stage}"] = count
    original = Certification.alias("original")
    supported = (Match.select(original.stage, fn.COUNT(fn.DISTINCT(Match.carer)))
                 .join(Carer, on=(Match.carer == Carer.id))
                 .join(original, on=((original.person == Match.supporter) & original.renewal_of.is_null()))
                 .where(Carer.site == site_id)
                 .group_by(original.stage))
    for stage, count in supported.tuples():
        if stage in STAGES:
            counts[f"carers_stage_{stage}"] = count
    counts["active_matches"] = (Match.select().join(Carer, on=(Match.carer == Carer.id))
                                .where(Match.ended_on.is_null() & (Carer.site == site_id)).count())
    counts["carers_waiting"] = Carer.select().where((Carer.status == "waiting") & (Carer.site == site_id)).count()
    counts["courses"] = Course.select().where(Course.site == site_id).count()
    # For the costs page (research/economics.py): deliveries per module of this site's courses,
    # people certified on them, carers ever matched here.
    for module_id, count in (ModuleDelivery.select(ModuleDelivery.module_id, fn.COUNT(ModuleDelivery.id))
                             .join(Course, on=(ModuleDelivery.course == Course.id))
                             .where(Course.site == site_id).group_by(ModuleDelivery.module_id).tuples()):
        counts[f"{DELIVERED}{module_id}"] = count
    counts["certified_on_courses"] = (Certification.select(fn.COUNT(fn.DISTINCT(Certification.person)))
                                      .join(Course, on=(Certification.course == Course.id))
                                      .where(Certification.renewal_of.is_null() & (Certification.status != "revoked")
                                             & (Course.site == site_id)).scalar() or 0)
    counts["carers_matched"] = (Match.select(fn.COUNT(fn.DISTINCT(Match.carer))).join(Carer, on=(Match.carer == Carer.id))
                                .where(Carer.site == site_id).scalar() or 0)
    generations = (Person.select(Person.generation, fn.COUNT(Person.id))
                   .where((Person.site == site_id) & Person.generation.is_null(False))
                   .group_by(Person.generation))
    for generation, count in generations.tuples():
        counts[f"generation_{generation}"] = count
    for (old,) in (SiteCount.select(SiteCount.name).where(
            (SiteCount.site == site_id) & (SiteCount.name.startswith("generation_")
                                           | SiteCount.name.startswith(DELIVERED))).tuples()):
        counts.setdefault(old, 0)  # a group that has emptied reads 0, not its old count
    return counts


def contact_counts(site_id: int | None = None) -> dict[int, tuple[int, int]]:
    """{site id: (contacts, minutes)} from the raw rows (voided contacts left out)."""
    query = (Contact.select(Carer.site, fn.COUNT(Contact.id), fn.COALESCE(fn.SUM(Contact.duration_minutes), 0))
             .join(Match, on=(Contact.match == Match.id)).join(Carer, on=(Match.carer == Carer.id))
             .where(Contact.voided_at.is_null()).group_by(Carer.site))
    if site_id is not None:
        query = query.where(Carer.site == site_id)
    return {site: (n, int(minutes)) for site, n, minutes in query.tuples()}


def rebuild() -> None:
    """Every site's counts from the raw rows."""
    SiteCount.delete().execute()
    site_ids = [s for (s,) in Site.select(Site.id).tuples()]
    contacts = contact_counts()
    rows = []
    for site_id in site_ids:
        rows += [{"site": site_id, "name": name, "value": value} for name, value in site_counts(site_id).items()
                 if value or not name.startswith(("generation_", DELIVERED))]
        n, minutes = contacts.get(site_id, (0, 0))
        rows += [{"site": site_id, "name": CONTACTS, "value": n}, {"site": site_id, "name": MINUTES, "value": minutes}]
    for start in range(0, len(rows), 500):
        SiteCount.insert_many(rows[start:start + 500]).execute()


def read(site_id: int | None = None) -> tuple[dict[str, int], dict[int, dict[str, int]]]:
    """(programme or site totals by name, {site id: {name: value}}) in one query."""
    query = SiteCount.select(SiteCount.site, SiteCount.name, SiteCount.value)
    if site_id is not None:
        query = query.where(SiteCount.site == site_id)
    totals: dict[str, int] = {}
    by_site: dict[int, dict[str, int]] = {}
    for site, name, value in query.tuples():
        totals[name] = totals.get(name, 0) + value
        by_site.setdefault(site, {})[name] = value
    return totals, by_site
