"""Fidelity export: one row per item score, so every figure can be recomputed independently."""

from __future__ import annotations

from ..fidelity.data import records
from ..fidelity.models import FidelityRecord
from .core import Export, Variable
from .scope import Scope

PAGE = 10_000  # fidelity records per page (about ten item scores each)


def fidelity(scope: Scope | None = None) -> Export:
    scope = scope or Scope()
    variables = [
        Variable("record_id", "Fidelity record (one rater, one checklist, one session)", "integer", id_of="fidelity"),
        Variable("checklist_id", "Checklist (module:<id> = a module's core components)", "text"),
        Variable("checklist_version", "Checklist version", "text", "MAJOR.MINOR.PATCH"),
        Variable("occasion", "What was rated", "category", "delivery, contact"),
        Variable("occasion_id", "The module delivery or support contact rated", "integer", id_of="occasion"),
        Variable("rater_role", "Who rated", "category", "observer, trainer-self, cps-self, supervisor, carer"),
        Variable("rater_id", "The rater (person id, or user:N for a rater outside the cascade)", "text", id_of="rater"),
        Variable("generation", "Generation: the one trained (deliveries) or the peer supporter's (contacts)",
                 "integer", ">= 1"),
        Variable("site", "Site", "category", "site codes"),
        Variable("module_id", "Module delivered (deliveries only)", "text"),
        Variable("person_id", "Trainer (deliveries) or peer supporter (contacts)", "integer", id_of="person"),
        Variable("item_id", "Checklist item (core component)", "text"),
        Variable("score", "Item score", "category", "0 = not done, 1 = partly, 2 = fully, NA = not applicable",
                 missing="NA = not applicable (left out of the maximum)"),
    ]

    def rows():
        # Streamed a page of records at a time (in record id order, as records() sorts them), so
        # memory stays flat however many item scores there are.
        last = 0
        while True:
            ids = [rid for (rid,) in FidelityRecord.select(FidelityRecord.id).where(FidelityRecord.id > last)
                   .order_by(FidelityRecord.id).limit(PAGE).tuples()]
            if not ids:
                return
            yield from _page_rows(records(site_id=scope.site_id, record_ids=ids))
            last = ids[-1]

    def _page_rows(page):
        for r in page:
            occasion = "delivery" if r.delivery_id is not None else "contact"
            base = {
                "record_id": r.record_id, "checklist_id": r.checklist_id, "checklist_version": r.checklist_version,
                "occasion": occasion, "occasion_id": f"{occasion}:{r.delivery_id or r.contact_id}",
                "rater_role": r.rater_role, "rater_id": r.rater_id, "generation": r.generation, "site": r.site,
                "module_id": r.module_id, "person_id": r.trainer_id if occasion == "delivery" else r.cps_id,
            }
            for item_id, score in sorted(r.scores.items()):
                yield {**base, "item_id": item_id, "score": "NA" if score is None else score}

    return Export("fidelity", "Every fidelity item score", variables, rows)
