"""What each person has to do, as a plain-text digest with study IDs and counts only (no names,
no contact details, nothing a carer said).

Peer supporters and trainers: assessments opening, due or overdue for the carers they support and
for themselves; active supports with no contact logged for a while; supervision due; their
certification expiring. Site leads (and central roles, for every site): concerns not yet
acknowledged, adverse-event reports due or overdue, carers waiting too long, peer supporters due
supervision.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from peewee import JOIN, fn

from cascade.config import programme

from ..accounts import roles
from ..cascade.models import Certification, Person
from ..concerns.models import Concern
from ..figures import due as owed
from ..figures.models import AssessmentDue
from ..pathway.services import settings as pathway_settings
from ..research.models import AdverseEvent
from ..support.models import Carer, Contact, Match


@dataclass
class Digest:
    lines: dict[str, list[str]] = field(default_factory=dict)  # kind -> lines

    def add(self, kind: str, line: str) -> None:
        self.lines.setdefault(kind, []).append(line)

    @property
    def items(self) -> int:
        return sum(len(v) for v in self.lines.values())

    @property
    def kinds(self) -> list[str]:
        return sorted(self.lines)


TITLES = {
    "assessments": "Questionnaires to do",
    "contacts": "Supports with no contact logged lately",
    "supervision": "Supervision",
    "certification": "Your certification",
    "concerns": "Concerns not yet acknowledged",
    "adverse-events": "Adverse event reports due",
    "waiting": "Carers waiting",
}


def _settings() -> dict:
    config = programme().get("reminders") or {}
    return {"contact_gap_days": int(config.get("contact_gap_days", 14)),
            "certification_expiring_days": int(config.get("certification_expiring_days", 60))}


def for_user(user, today: dt.date) -> Digest:
    digest = Digest()
    if user.person_id and user.role in (roles.SUPPORTER, roles.TRAINER):
        _supporter(digest, user.person_id, today)
    if user.role in roles.STAFF:
        _site_team(digest, None if user.role in roles.CENTRAL else user.site_id, today)
    return digest


def _supporter(digest: Digest, person_id: int, today: dt.date) -> None:
    labels = {"overdue": "overdue", "due": "due now", "due_soon": "opens soon"}
    rows = list(owed.pending(today, cps_id=person_id).order_by(AssessmentDue.closes).limit(50))
    carers = dict(Carer.select(Carer.id, Carer.study_id).where(
        Carer.id.in_([r.subject for r in rows if r.respondent == "carer"] or [0])).tuples())
    for r in rows:
        state = "overdue" if r.closes < today else "due" if r.opens <= today else "due_soon"
        who = carers.get(r.subject, "a carer") if r.respondent == "carer" else "you"
        digest.add("assessments", f"{r.instrument_id} ({r.time_point}) for {who}: {labels[state]}, "
                                  f"window {r.opens:%-d %b} to {r.closes:%-d %b}")
    gap = today - dt.timedelta(days=_settings()["contact_gap_days"])
    last = (Match.select(Match.id, Carer.study_id, Match.matched_on, fn.MAX(Contact.contact_date))
            .join(Carer, on=(Match.carer == Carer.id))
            .switch(Match).join(Contact, on=((Contact.match == Match.id) & Contact.voided_at.is_null()),
                                join_type=JOIN.LEFT_OUTER)
            .where((Match.supporter == person_id) & Match.ended_on.is_null())
            .group_by(Match.id, Carer.study_id, Match.matched_on))
    for _match_id, study_id, matched_on, last_contact in last.tuples():
        latest = last_contact or matched_on
        if latest < gap:
            digest.add("contacts", f"{study_id}: last contact {latest:%-d %B}. Log your contacts, or end the support "
                                   "if it has finished.")
    from ..supervision.services import overdue

    if overdue(None, today).where(Person.id == person_id).exists():
        digest.add("supervision", "You are due supervision. Ask your trainer or site lead for a session.")
    soon = today + dt.timedelta(days=_settings()["certification_expiring_days"])
    cert = (Certification.select().where((Certification.person == person_id) & (Certification.status == "active")
                                         & Certification.expires_on.between(today, soon))
            .order_by(Certification.expires_on.desc()).first())
    if cert is not None:
        digest.add("certification", f"Your certification runs out on {cert.expires_on:%-d %B %Y}. "
                                    "Ask your trainer about a refresher.")


def _site_team(digest: Digest, site_id: int | None, today: dt.date) -> None:
    from ..concerns.services import due_by
    from ..research.services import reports_for
    from ..supervision.services import overdue

    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    concerns = Concern.select().where(Concern.status == "open")
    events = AdverseEvent.select().where(AdverseEvent.status == "open")
    waiting = Carer.select().where((Carer.status == "waiting") & (
        Carer.consented_on < today - dt.timedelta(days=pathway_settings()["waiting_flag_days"])))
    if site_id is not None:
        concerns, events = concerns.where(Concern.site == site_id), events.where(AdverseEvent.site == site_id)
        waiting = waiting.where(Carer.site == site_id)
    for concern in concerns.order_by(Concern.raised_at).limit(50):
        late = " (overdue)" if due_by(concern) < now else ""
        digest.add("concerns", f"Concern {concern.id}, raised {concern.raised_at:%-d %b %H:%M}{late}")
    for event in events.order_by(AdverseEvent.aware_at).limit(200):
        for report in reports_for(event, now):
            if report.reported_at is None and report.deadline <= now + dt.timedelta(days=2):
                who = "research ethics committee" if report.recipient == "rec" else "sponsor"
                digest.add("adverse-events", f"Event {event.id}: report to the {who} by {report.deadline:%-d %b %H:%M}"
                                             + (" (overdue)" if report.overdue else ""))
    count = waiting.count()
    if count:
        digest.add("waiting", f"{count} carer{'s' if count != 1 else ''} waiting longer than "
                              f"{pathway_settings()['waiting_flag_days']} days for a peer supporter")
    late = overdue(site_id, today).count()
    if late:
        digest.add("supervision", f"{late} peer supporter{'s' if late != 1 else ''} due supervision")


def text(digest: Digest, base_url: str) -> str:
    parts = ["Hello,", "", "Here is what is waiting for you in the carer peer support tracker.", ""]
    for kind in digest.kinds:
        parts.append(TITLES.get(kind, kind))
        parts += [f"- {line}" for line in digest.lines[kind]]
        parts.append("")
    parts += [f"Sign in to see more: {base_url}/", "",
              "You get this email because reminders are on for your account. You can turn them off on your "
              f"account page: {base_url}/account", ""]
    return "\n".join(parts)
