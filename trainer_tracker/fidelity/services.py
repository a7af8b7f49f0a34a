"""Recording fidelity: one checklist for one delivery or contact, validated, in one transaction,
audited. The checklist id and version are stored with the record."""

from __future__ import annotations

import datetime as dt

from cascade.assessments.checklist_model import Checklist
from cascade.content.semver import Version
from cascade.stats.fidelity.records import fidelity_percent

from ..audit import service as audit
from ..cascade.models import ModuleDelivery, Person
from ..db import write_transaction
from ..errors import Refused
from ..figures import keep
from ..support.models import Contact
from .models import FidelityItemScore, FidelityRecord

# Role names are the checklist definitions' own (cascade.assessments.checklist_model.RATER_ROLES).
RATER_ROLES = {
    "observer": "An observer",
    "trainer-self": "The trainer (self-rating)",
    "cps-self": "The peer supporter (self-rating)",
    "supervisor": "A supervisor",
    "carer": "The carer",
}
ROLES_FOR = {"module-delivery": ("observer", "trainer-self"), "support-contact": ("cps-self", "supervisor", "carer")}


def allowed_roles(checklist: Checklist) -> tuple[str, ...]:
    return tuple(checklist.rater_roles) or ROLES_FOR.get(checklist.applies_to, ())


def record(actor, checklist: Checklist, *, rater_role: str, rated_on: dt.date, scores: dict,
           delivery: ModuleDelivery | None = None, contact: Contact | None = None,
           rater: Person | None = None, notes: str = "") -> FidelityRecord:
    """Store one rater's scores. Every item needs 0, 1, 2 or not applicable (None)."""
    if (delivery is None) == (contact is None):
        raise Refused("A fidelity record is for one module delivery or one support contact.")
    if delivery is not None and checklist.applies_to != "module-delivery":
        raise Refused(f"The checklist '{checklist.title}' is not for module deliveries.", "checklist")
    if contact is not None and checklist.applies_to != "support-contact":
        raise Refused(f"The checklist '{checklist.title}' is not for support contacts.", "checklist")
    if checklist.module_id is not None:
        if delivery is None or checklist.module_id != delivery.module_id:
            raise Refused("This module's checklist can only rate a delivery of the same module.", "checklist")
        delivered = Version.parse(delivery.module_version)
        if delivered.major != checklist.version.major:
            raise Refused(f"This delivery was of version {delivery.module_version}, but the module's core "
                          f"components changed in version {checklist.version}. Use the checklist printed for "
                          f"version {delivered.major}.x.", "checklist")
    roles = allowed_roles(checklist)
    if rater_role not in roles:
        raise Refused(f"For this checklist the rater is one of: {', '.join(RATER_ROLES[r] for r in roles)}.",
                      "rater_role")
    if rater_role == "trainer-self" and (delivery is None or rater is None or rater.id != delivery.trainer_id):
        raise Refused("A self-rating is made by the trainer who delivered the module.", "rater")
    if rater_role == "cps-self" and (contact is None or rater is None or rater.id != contact.match.supporter_id):
        raise Refused("A peer supporter's self-rating is made by the supporter who had the contact.", "rater")
    if rater_role == "observer" and rater is not None and delivery is not None and rater.id == delivery.trainer_id:
        raise Refused("An observer cannot be the trainer who delivered the module: choose self-rating.", "rater")
    if rater_role == "carer" and rater is not None:
        raise Refused("A carer's answers are not linked to a person in the cascade.", "rater")
    occasion = delivery.delivered_on if delivery is not None else contact.contact_date
    if rated_on < occasion:
        raise Refused(f"The rating cannot be dated before the session it rates ({occasion}).", "rated_on")
    if rated_on > dt.date.today():
        raise Refused("The rating date cannot be in the future.", "rated_on")
    problems = checklist.check_scores(scores)
    if problems:
        raise Refused("; ".join(problems[:3]) + ("; ..." if len(problems) > 3 else ""), "scores")
    with write_transaction():
        duplicate = FidelityRecord.select().where((FidelityRecord.checklist_id == checklist.id)
                                                  & (FidelityRecord.rater_role == rater_role))
        if delivery is not None:
            duplicate = duplicate.where(FidelityRecord.delivery == delivery.id)
        else:
            duplicate = duplicate.where(FidelityRecord.contact == contact.id)
        if rater is not None:
            duplicate = duplicate.where(FidelityRecord.rater == rater.id)
        else:
            duplicate = duplicate.where(FidelityRecord.rater.is_null()
                                        & (FidelityRecord.recorded_by_user_id == getattr(actor, "id", None)))
        if duplicate.exists():
            raise Refused("This rater has already scored this session with this checklist.")
        row = FidelityRecord.create(
            checklist_id=checklist.id, checklist_version=str(checklist.version), delivery=delivery, contact=contact,
            rater=rater, rater_role=rater_role, rated_on=rated_on, notes=notes.strip(),
            recorded_by_user_id=getattr(actor, "id", None), percent=fidelity_percent(scores))
        FidelityItemScore.insert_many([
            {"record": row.id, "item_id": item_id, "score": score} for item_id, score in scores.items()
        ]).execute()
        keep.fidelity_recorded(row.id)
        applicable = [s for s in scores.values() if s is not None]
        audit.record(actor, "fidelity.record", "fidelity_record", row.id,
                     f"Fidelity checklist {checklist.id} {checklist.version} recorded",
                     rater_role=rater_role, items=len(scores), applicable=len(applicable),
                     delivery_id=delivery.id if delivery is not None else None,
                     contact_id=contact.id if contact is not None else None, notes="x" if notes else "")
    return row
