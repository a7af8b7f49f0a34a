"""Fidelity records from the database as plain records for the figures (a fixed number of queries)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from cascade.assessments.checklists import all_checklists, load_checklists
from cascade.stats.fidelity.records import FidelityRecord

from ..cascade.lineage import generations
from ..cascade.models import Course, ModuleDelivery, Site
from ..db import database
from ..support.models import Carer, Contact, Match
from .models import FidelityItemScore
from .models import FidelityRecord as Row


def checklists_for(content_root: Path, curriculum) -> dict[tuple[str, str], object]:
    """Every checklist (files and module core components) by (id, version)."""
    loaded = _load_checklist_files(str(content_root))
    return {c.key: c for c in all_checklists(loaded, curriculum)}


@lru_cache(maxsize=4)
def _load_checklist_files(root: str):
    return load_checklists(Path(root) / "assessments" / "checklists")


def _raw(query):
    """The query's rows as the database driver gives them. These columns are whole numbers and
    text, which need no conversion; peewee's per-value conversion was most of the time taken to
    read a national programme's 1.7 million item scores."""
    cursor = database.execute(query)
    while True:
        rows = cursor.fetchmany(10_000)
        if not rows:
            return
        yield from rows


def records(*, site_id: int | None = None, record_ids: list[int] | None = None,
            checklist: tuple[str, str] | None = None) -> list[FidelityRecord]:
    """Every fidelity record with what figures group by: generation, site, module, trainer, cps.

    Generation: for a delivery, the generation being trained (the trainer's generation + 1); for
    a contact, the peer supporter's generation.
    """
    gens = generations()
    delivery_rows = (Row.select(Row.id, Row.checklist_id, Row.checklist_version, Row.rater, Row.rater_role,
                                Row.recorded_by_user_id, ModuleDelivery.id, ModuleDelivery.module_id,
                                ModuleDelivery.trainer, Site.code, Course.site)
                     .join(ModuleDelivery, on=(Row.delivery == ModuleDelivery.id))
                     .join(Course, on=(ModuleDelivery.course == Course.id))
                     .join(Site, on=(Course.site == Site.id)))
    contact_rows = (Row.select(Row.id, Row.checklist_id, Row.checklist_version, Row.rater, Row.rater_role,
                               Row.recorded_by_user_id, Contact.id, Match.supporter, Site.code, Carer.site)
                    .join(Contact, on=(Row.contact == Contact.id))
                    .join(Match, on=(Contact.match == Match.id))
                    .join(Carer, on=(Match.carer == Carer.id))
                    .join(Site, on=(Carer.site == Site.id))
                    .where(Contact.voided_at.is_null()))  # a voided contact's ratings leave the figures
    if site_id is not None:
        delivery_rows = delivery_rows.where(Course.site == site_id)
        contact_rows = contact_rows.where(Carer.site == site_id)
    if record_ids is not None:
        delivery_rows = delivery_rows.where(Row.id.in_(record_ids))
        contact_rows = contact_rows.where(Row.id.in_(record_ids))
    if checklist is not None:
        delivery_rows = delivery_rows.where((Row.checklist_id == checklist[0]) & (Row.checklist_version == checklist[1]))
        contact_rows = contact_rows.where((Row.checklist_id == checklist[0]) & (Row.checklist_version == checklist[1]))
    meta = {}
    for rid, cid, version, rater, role, user, delivery_id, module_id, trainer_id, site, _ in _raw(delivery_rows):
        generation = gens.get(trainer_id)
        meta[rid] = dict(record_id=rid, checklist_id=cid, checklist_version=version, rater_role=role,
                         rater_id=rater if rater is not None else f"user:{user}", delivery_id=delivery_id,
                         module_id=module_id, trainer_id=trainer_id, site=site,
                         generation=None if generation is None else generation + 1)
    for rid, cid, version, rater, role, user, contact_id, supporter_id, site, _ in _raw(contact_rows):
        meta[rid] = dict(record_id=rid, checklist_id=cid, checklist_version=version, rater_role=role,
                         rater_id=rater if rater is not None else f"user:{user}", contact_id=contact_id,
                         cps_id=supporter_id, site=site, generation=gens.get(supporter_id))
    scores: dict[int, dict] = {rid: {} for rid in meta}
    items = FidelityItemScore.select(FidelityItemScore.record, FidelityItemScore.item_id, FidelityItemScore.score)
    if checklist is not None and record_ids is None and site_id is None:
        items = items.join(Row, on=(FidelityItemScore.record == Row.id)).where(
            (Row.checklist_id == checklist[0]) & (Row.checklist_version == checklist[1]))
    elif record_ids is not None or site_id is not None:
        items = items.where(FidelityItemScore.record.in_(list(meta)))
    for rid, item_id, score in _raw(items):
        if rid in scores:
            scores[rid][item_id] = score
    return [FidelityRecord(scores=scores[rid], **fields) for rid, fields in sorted(meta.items())]
