"""Exports of the cascade: certifications and lineage (one row per person)."""

from __future__ import annotations

from ..cascade.lineage import generations
from ..cascade.models import Certification, Person, Site
from .core import Export, Variable
from .scope import Scope


def certifications(scope: Scope | None = None) -> Export:
    scope = scope or Scope()
    variables = [
        Variable("certification_id", "Certification record", "integer", id_of="certification"),
        Variable("person_id", "Certified peer supporter", "integer", id_of="person"),
        Variable("person_name", "Name of the peer supporter", "text", identifying=True),
        Variable("site", "Site of the peer supporter", "category", "site codes from the programme configuration"),
        Variable("stage", "Cascade stage of the course", "integer", "1, 2"),
        Variable("generation", "Generation of the peer supporter (0 = founding trainer)", "integer", ">= 1"),
        Variable("certified_on", "Date of certification", "date", "YYYY-MM-DD", shift_by="person:person_id"),
        Variable("expires_on", "Date the certification lapses without renewal", "date", "YYYY-MM-DD",
                 shift_by="person:person_id"),
        Variable("status", "Status (lapsed if past its expiry date)", "category", "active, lapsed, revoked"),
        Variable("status_reason", "Reason for lapse or revocation", "text", free_text=True),
        Variable("certifier_id", "Certifying trainer", "integer", id_of="person"),
        Variable("certifier_name", "Name of the certifying trainer", "text", identifying=True),
        Variable("course_id", "Course", "integer", id_of="course"),
        Variable("curriculum_release", "Curriculum release delivered", "text", "e.g. 2027.1"),
        Variable("renewal_of", "The certification this renews (empty for an original)", "integer",
                 id_of="certification"),
    ]

    def rows():
        gens = generations()
        certifier = Person.alias("certifier")
        query = (Certification.select(Certification, Person, Site, certifier)
                 .join(Person, on=(Certification.person == Person.id))
                 .join(Site, on=(Person.site == Site.id))
                 .switch(Certification).join(certifier, on=(Certification.certified_by == certifier.id))
                 .order_by(Certification.id))
        if scope.site_id is not None:
            query = query.where(Person.site == scope.site_id)
        for cert in query.iterator():
            yield {
                "certification_id": cert.id, "person_id": cert.person_id, "person_name": cert.person.name,
                "site": cert.person.site.code, "stage": cert.stage, "generation": gens.get(cert.person_id),
                "certified_on": cert.certified_on, "expires_on": cert.expires_on,
                "status": cert.effective_status(), "status_reason": cert.status_reason,
                "certifier_id": cert.certified_by_id, "certifier_name": cert.certified_by.name,
                "course_id": cert.course_id, "curriculum_release": cert.curriculum_release,
                "renewal_of": cert.renewal_of_id,
            }

    return Export("certifications", "Every certification, renewal, lapse and revocation", variables, rows)


def lineage(scope: Scope | None = None) -> Export:
    scope = scope or Scope()
    variables = [
        Variable("person_id", "Person in the cascade", "integer", id_of="person"),
        Variable("person_name", "Name", "text", identifying=True),
        Variable("site", "Site", "category", "site codes"),
        Variable("generation", "Generation (0 = founding trainer)", "integer", ">= 0"),
        Variable("founding_trainer", "Founding trainer", "boolean", "1 = yes, 0 = no"),
        Variable("certified_by_id", "Who first certified them (empty for generation 0)", "integer", id_of="person"),
        Variable("certified_by_name", "Name of who first certified them", "text", identifying=True),
        Variable("certified_on", "Date of first certification", "date", "YYYY-MM-DD", shift_by="person:person_id"),
        Variable("stage", "Stage of first certification", "integer", "1, 2"),
        Variable("course_id", "Course of first certification", "integer", id_of="course"),
    ]

    def rows():
        gens = generations()
        firsts = {}
        for cert in (Certification.select().where(Certification.renewal_of.is_null()).order_by(Certification.id)):
            firsts.setdefault(cert.person_id, cert)
        names = {p.id: p.name for p in Person.select(Person.id, Person.given_name, Person.family_name)}
        people = Person.select(Person, Site).join(Site).order_by(Person.id)
        if scope.site_id is not None:
            people = people.where(Person.site == scope.site_id)
        for person in people.iterator():
            if person.id not in gens:
                continue
            cert = firsts.get(person.id)
            yield {
                "person_id": person.id, "person_name": person.name, "site": person.site.code,
                "generation": gens[person.id], "founding_trainer": person.founding_trainer,
                "certified_by_id": cert.certified_by_id if cert else None,
                "certified_by_name": names.get(cert.certified_by_id) if cert else None,
                "certified_on": cert.certified_on if cert else None, "stage": cert.stage if cert else None,
                "course_id": cert.course_id if cert else None,
            }

    return Export("lineage", "One row per person in the cascade with their generation and certifier", variables, rows)


EXPORTS = {"certifications": certifications, "lineage": lineage}
