"""Recording self-study (validated against the curriculum, one transaction, audited) and progress
against the modules a person's stage requires."""

from __future__ import annotations

from cascade.content.semver import Version
from cascade.content.stages import required_modules

from ..audit import service as audit
from ..cascade.models import Certification, Course, CourseTrainee, Person
from ..db import lock_rows, write_transaction
from ..errors import Refused
from .models import StudyRecord, utcnow


def record(actor, person: Person, curriculum, *, module_id: str, version: str, studied: bool = False,
           right: int | None = None, questions: int | None = None) -> StudyRecord:
    """Mark a module version studied and/or store a knowledge-check result (the best so far)."""
    module = curriculum.by_id.get(module_id)
    if module is None:
        raise Refused("No such module in the curriculum.", "module")
    try:
        Version.parse(version)
    except ValueError:
        raise Refused("Give the module's version, like 1.2.0.", "version") from None
    if (right is not None or questions is not None) and (
            questions is None or right is None or not 0 <= right <= questions <= 50):
        raise Refused("A knowledge-check result is a number right out of the questions.", "right")
    if not studied and right is None:
        raise Refused("Nothing to record.")
    with write_transaction():
        lock_rows(Person, [person.id])
        row = StudyRecord.get_or_none((StudyRecord.person == person) & (StudyRecord.module_id == module_id)
                                      & (StudyRecord.module_version == version))
        row = row or StudyRecord(person=person, module_id=module_id, module_version=version)
        now = utcnow()
        if studied and row.studied_at is None:
            row.studied_at = now
        if right is not None and (row.check_right is None or right >= row.check_right):
            row.check_right, row.check_questions, row.checked_at = right, questions, now
        row.updated_at = now
        row.save()
        audit.record(actor, "study.record", "person", person.id, f"Self-study of {module_id} recorded",
                     module=module_id, version=version, studied=bool(studied), right=right, questions=questions)
    return row


def stage_of(person_id: int) -> int:
    """The stage a person trains or supports at: their certification's, else their latest course's, else 2."""
    cert = (Certification.select(Certification.stage).where(Certification.person == person_id)
            .order_by(Certification.certified_on.desc()).first())
    if cert is not None:
        return cert.stage
    course = (Course.select(Course.stage).join(CourseTrainee).where(CourseTrainee.person == person_id)
              .order_by(Course.starts_on.desc()).first())
    return course.stage if course is not None else 2


def progress(person_ids: list[int], curriculum, stage: int) -> dict[int, dict]:
    """{person: {"required": [...], "studied": {module: version}, "checks": {module: (right, of)}}} for the
    current version of each module the stage requires (one query)."""
    required = required_modules(curriculum, stage, None)
    current = {m.id: str(m.version) for m in curriculum.modules}
    out = {pid: {"required": required, "studied": {}, "checks": {}} for pid in person_ids}
    rows = StudyRecord.select().where(StudyRecord.person.in_(person_ids or [0]) & StudyRecord.module_id.in_(required))
    for row in rows:
        if row.module_version != current.get(row.module_id):
            continue  # an earlier version: studying the current one counts
        if row.studied_at is not None:
            out[row.person_id]["studied"][row.module_id] = row.module_version
        if row.check_right is not None:
            out[row.person_id]["checks"][row.module_id] = (row.check_right, row.check_questions)
    return out
