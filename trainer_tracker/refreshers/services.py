"""Who needs a refresher, assigning them, and recording them done (on the certification history).

A person needs a refresher in a module when a delivery they attended on their certifying course
was of an older MAJOR version than the curriculum's now (or than a given release's): the MAJOR
number goes up when a module's objectives or core components change. Programme leads may also
assign a refresher by hand (after a fidelity drop, say).
"""

from __future__ import annotations

from dataclasses import dataclass

from cascade.authoring.releases import UnknownRelease, major_changes, release_versions
from cascade.config import programme
from cascade.content.semver import Version

from ..audit import service as audit
from ..cascade.models import Attendance, Certification, CertificationEvent, Course, ModuleDelivery, Person, Site
from ..db import lock_rows, write_transaction
from ..errors import Refused
from .models import Refresher, utcnow


def blocks_new_carers() -> bool:
    """Programme setting: may a supporter with an outstanding refresher take new carers?"""
    return not bool((programme().get("refreshers") or {}).get("outstanding_may_take_new_carers", True))


def _major(version: str) -> int | None:
    try:
        return Version.parse(version).major
    except ValueError:
        return None


@dataclass
class Need:
    person_id: int
    name: str
    site: str
    module_id: str
    trained_version: str
    target_version: str
    summary: str
    refresher: Refresher | None

    @property
    def state(self) -> str:
        if self.refresher is None:
            return "not assigned"
        return "done" if self.refresher.confirmed_at else "assigned"


def targets(curriculum, release: str | None = None) -> dict[str, str]:
    """Module id -> the version people should now be trained on (a release's, or the curriculum's)."""
    if release:
        pinned = release_versions(curriculum.root, release)
        if pinned is None:
            raise Refused(f"There is no release '{release}' (curriculum/releases/).", "release")
        return pinned
    return {m.id: str(m.version) for m in curriculum.modules if m.status != "retired"}


def needed(curriculum, release: str | None = None, site_id: int | None = None) -> list[Need]:
    """Everyone certified whose certifying course delivered a module they attended at an older MAJOR
    version than the target; with their refresher, if one is assigned or done."""
    wanted = targets(curriculum, release)
    changed = {m: _major(v) for m, v in wanted.items()}
    # Deliveries each person attended on the course they were certified on (not a renewal, not revoked).
    query = (Attendance.select(Attendance.person, ModuleDelivery.module_id, ModuleDelivery.module_version,
                               Person.given_name, Person.family_name, Site.code, Course.curriculum_release)
             .join(ModuleDelivery, on=(Attendance.delivery == ModuleDelivery.id))
             .join(Course, on=(ModuleDelivery.course == Course.id))
             .join(Certification, on=((Certification.person == Attendance.person)
                                      & (Certification.course == Course.id)))
             .switch(Attendance).join(Person, on=(Attendance.person == Person.id))
             .join(Site, on=(Person.site == Site.id))
             .where(Attendance.attended & ModuleDelivery.module_id.in_(list(wanted))
                    & Certification.renewal_of.is_null() & (Certification.status != "revoked")))
    if site_id is not None:
        query = query.where(Person.site == site_id)
    found: dict[tuple[int, str], tuple] = {}
    for person_id, module_id, version, given, family, site, course_release in query.tuples():
        major, target = _major(version), changed.get(module_id)
        if major is None or target is None or major >= target:
            continue
        key = (person_id, module_id)
        if key not in found or Version.parse(version) > Version.parse(found[key][0]):
            found[key] = (version, f"{given} {family}", site, course_release)
    refreshers = {(r.person_id, r.module_id): r for r in Refresher.select().where(
        Refresher.person.in_(sorted({p for p, _ in found}) or [0]))}
    summaries = _summaries(curriculum, {release for *_, release in found.values()}, release)
    needs = []
    for (person_id, module_id), (version, name, site, course_release) in sorted(found.items(),
                                                                                 key=lambda kv: (kv[1][2], kv[1][1])):
        refresher = refreshers.get((person_id, module_id))
        if refresher is not None and _major(refresher.to_version) != changed[module_id]:
            refresher = None  # an earlier refresher, for an earlier change
        needs.append(Need(person_id, name, site, module_id, version, wanted[module_id],
                          summaries.get((course_release, module_id), ""), refresher))
    return needs


def _summaries(curriculum, releases: set, head: str | None) -> dict[tuple[str, str], str]:
    out = {}
    for base in releases:
        try:
            for change in major_changes(curriculum, base, head):
                out[(base, change.module_id)] = change.summary or f"{change.title}: version {change.new_version}"
        except UnknownRelease:
            continue  # a course on a release with no file: the changelog is still on the module page
    return out


def assign(actor, person: Person, module_id: str, to_version: str, *, reason: str = "assigned",
           from_version: str = "") -> Refresher:
    if reason not in ("assigned", "major-change"):
        raise Refused("Unknown reason.", "reason")
    with write_transaction():
        lock_rows(Person, [person.id])
        existing = Refresher.get_or_none((Refresher.person == person) & (Refresher.module_id == module_id)
                                         & (Refresher.to_version == to_version))
        if existing is not None:
            return existing
        row = Refresher.create(person=person, module_id=module_id, to_version=to_version, from_version=from_version,
                               reason=reason, assigned_by_user_id=getattr(actor, "id", None))
        audit.record(actor, "refresher.assign", "person", person.id, f"Refresher in {module_id} assigned",
                     module=module_id, to_version=to_version, reason=reason)
    return row


def assign_needed(actor, curriculum, site_id: int | None = None) -> int:
    """Assign a refresher for every need not yet assigned; returns how many."""
    made = 0
    for need in needed(curriculum, site_id=site_id):
        if need.refresher is None:
            assign(actor, Person.get_by_id(need.person_id), need.module_id, need.target_version, reason="major-change",
                   from_version=need.trained_version)
            made += 1
    return made


def confirm(actor, refresher: Refresher, *, how: str = "trainer", session: ModuleDelivery | None = None) -> Refresher:
    """Done: confirmed by a trainer, or by attending a refresher session (a delivery of the new version).
    Recorded on the person's certification history."""
    if how not in ("trainer", "session"):
        raise Refused("Say how the refresher was done.", "how")
    with write_transaction():
        lock_rows(Refresher, [refresher.id])
        refresher = Refresher.get_by_id(refresher.id)
        if refresher.confirmed_at is not None:
            raise Refused("This refresher is already recorded as done.")
        refresher.confirmed_at, refresher.confirmed_by_user_id = utcnow(), getattr(actor, "id", None)
        refresher.confirmed_how, refresher.session = how, session
        refresher.save()
        cert = (Certification.select().where(Certification.person == refresher.person_id)
                .order_by(Certification.certified_on.desc(), Certification.id.desc()).first())
        if cert is not None:
            CertificationEvent.create(certification=cert, event="refresher", by_user_id=getattr(actor, "id", None),
                                      reason=f"Refresher in {refresher.module_id} (version {refresher.to_version}) "
                                             f"done ({'refresher session' if how == 'session' else 'confirmed by a trainer'})")
        audit.record(actor, "refresher.confirm", "person", refresher.person_id,
                     f"Refresher in {refresher.module_id} done", how=how, refresher_id=refresher.id)
    return refresher


def sessions_attended(actor, delivery: ModuleDelivery, attended_ids: list[int]) -> None:
    """A delivery of a module's refreshed version counts as the refresher for everyone who attended
    and owes one (called from record_attendance, in its transaction)."""
    major = _major(delivery.module_version)
    if major is None or not attended_ids:
        return
    owed = Refresher.select().where(Refresher.person.in_(attended_ids) & (Refresher.module_id == delivery.module_id)
                                    & Refresher.confirmed_at.is_null())
    for refresher in owed:
        if (_major(refresher.to_version) or 0) <= major:
            confirm(actor, refresher, how="session", session=delivery)


def outstanding_people():
    """People with a refresher assigned and not done (a subquery)."""
    return Refresher.select(Refresher.person).where(Refresher.confirmed_at.is_null())



def assign_for_new_curriculum(actor, curriculum) -> int:
    """When the tracker first sees a curriculum whose module versions differ from the last it saw
    (at `cascade tracker init` and `run`), assign the refreshers the MAJOR changes call for."""
    import hashlib
    import json

    from ..figures.models import KeptState

    versions = {m.id: str(m.version) for m in curriculum.modules}
    stamp = hashlib.sha256(json.dumps(versions, sort_keys=True).encode()).hexdigest()[:16]
    seen = KeptState.get_or_none(KeptState.name == "curriculum")
    if seen is not None and seen.value == stamp:
        return 0
    made = assign_needed(actor, curriculum)
    with write_transaction():
        KeptState.insert(name="curriculum", value=stamp).on_conflict(
            conflict_target=[KeptState.name], update={KeptState.value: stamp}).execute()
    return made
