"""Research exports: every assessment answer and score in tidy long format; adverse events.

Long format: one row per response and variable (an item's answer, or a score). The codebook
lists every instrument's items and scores with their allowed values.
De-identified tier: carers and people become keyed hashes, every date of a subject (carer or
person) is shifted by the same number of days, free-text answers are dropped and date answers
are shifted like the other dates.
"""

from __future__ import annotations

import json

from cascade.assessments.instruments import load_instruments

from ..cascade.models import Site
from ..research.models import AdverseEvent, AssessmentAnswer, AssessmentResponse
from ..support.models import Carer
from .core import Export, Variable
from .scope import Scope


def _registry():
    return load_instruments()


def assessments(scope: Scope | None = None) -> Export:
    scope = scope or Scope()
    registry = _registry()
    types = {(i.id, item.id): item.scale.type for i in registry for item in i.items}
    variables = [
        Variable("response_id", "Assessment response", "integer", id_of="response"),
        Variable("instrument", "Instrument id", "category", ", ".join(i.id for i in registry)),
        Variable("instrument_version", "Instrument version", "text", "MAJOR.MINOR.PATCH"),
        Variable("respondent", "Who answered", "category", "carer, cps, trainer"),
        Variable("subject", "The carer or person the response is about", "text", id_of="subject"),
        Variable("study_id", "Carer's study ID", "text", identifying=True),
        Variable("site", "Site", "category", "site codes"),
        Variable("time_point", "Time point", "category", "baseline, end_of_support, month_6, before_training, ..."),
        Variable("completed_on", "Date completed", "date", "YYYY-MM-DD", shift_by="subject:subject"),
        Variable("kind", "Answer to an item, or a computed score", "category", "item, score"),
        Variable("variable", "Item or score id (see the value-level codebook rows below)", "text"),
        Variable("value", "The answer or score", "text", "see the value-level rows",
                 missing="empty = not answered, or the score could not be computed (see score_note)"),
        Variable("score_note", "Why a score is missing, or that it was prorated", "text"),
    ]

    def rows():
        sites = {s.id: s.code for s in Site.select()}
        answers: dict = {}
        query = AssessmentResponse.select().order_by(AssessmentResponse.id)
        if scope.site_id is not None:
            query = query.where(AssessmentResponse.site == scope.site_id)
        carers = {c.id: c.study_id for c in Carer.select(Carer.id, Carer.study_id)}
        for batch_start in range(0, 10**9, 2000):
            batch = list(query.offset(batch_start).limit(2000))
            if not batch:
                break
            ids = [r.id for r in batch]
            answers = {}
            for a in AssessmentAnswer.select().where(AssessmentAnswer.response.in_(ids)):
                answers.setdefault(a.response_id, []).append(a)
            for r in batch:
                if not scope.carer_allows(r.carer_id, r.completed_on):
                    continue
                subject = f"carer:{r.carer_id}" if r.carer_id else f"person:{r.person_id}"
                base = {"response_id": r.id, "instrument": r.instrument_id, "instrument_version": r.instrument_version,
                        "respondent": r.respondent, "subject": subject, "study_id": carers.get(r.carer_id),
                        "site": sites.get(r.site_id), "time_point": r.time_point, "completed_on": r.completed_on}
                for a in sorted(answers.get(r.id, []), key=lambda a: a.item_id):
                    yield {**base, "kind": "item", "variable": a.item_id, "value": a.value,
                           "_type": types.get((r.instrument_id, a.item_id), "text")}
                scored = json.loads(r.scores or "{}")
                for key, value in scored.get("scores", {}).items():
                    note = scored.get("missing", {}).get(key) or ("prorated" if key in scored.get("prorated", []) else "")
                    yield {**base, "kind": "score", "variable": key, "value": value, "score_note": note,
                           "_type": "number"}

    def transform(record, deid):
        kind = record.pop("_type", "text")
        if record["kind"] == "item" and kind == "text":
            return None  # free text never leaves in the de-identified tier
        if record["kind"] == "item" and kind == "date" and record.get("value"):
            record["value"] = deid.shift("subject", record["subject"], record["value"])
        return record

    def codebook_rows():
        for instrument in registry:
            for item in instrument.items:
                allowed = item.scale.describe()
                yield [f"{instrument.id}:{item.id}", instrument.text_of(item) or f"(licensed text {item.text_ref})",
                       item.scale.type, allowed, "empty = not answered" + ("" if item.required else " (optional)"),
                       "free text: dropped from the de-identified tier" if item.scale.type == "text" else ""]
            for score in instrument.scores:
                valid = f"{score.range[0]} to {score.range[1]}" if score.range else ""
                yield [f"{instrument.id}:score:{score.id}", score.label, "number", valid,
                       "empty = could not be computed (see score_note)", f"method {score.method}"]

    export = Export("assessments", "Every assessment answer and score, long format", variables, rows,
                    transform=transform, codebook_rows=codebook_rows)
    return export


def adverse_events(scope: Scope | None = None) -> Export:
    scope = scope or Scope()
    variables = [
        Variable("event_id", "Adverse event", "integer", id_of="adverse_event"),
        Variable("site", "Site", "category", "site codes"),
        Variable("affected", "Who was affected", "category", "carer, cps, patient"),
        Variable("subject", "The carer or person involved", "text", id_of="subject"),
        Variable("study_id", "Carer's study ID", "text", identifying=True),
        Variable("onset_on", "Onset date", "date", "YYYY-MM-DD", shift_by="subject:subject"),
        Variable("aware_on", "Date the team became aware", "date", "YYYY-MM-DD", shift_by="subject:subject"),
        Variable("seriousness", "Seriousness criteria met (empty = not serious)", "text",
                 "death, life_threatening, hospitalisation, disability, congenital_anomaly, medically_significant"),
        Variable("relatedness", "Relatedness", "category", "not_related, unlikely, possibly, probably, definitely"),
        Variable("expectedness", "Expectedness", "category", "expected, unexpected"),
        Variable("sponsor_reported_on", "Date reported to the sponsor", "date", "YYYY-MM-DD", shift_by="subject:subject"),
        Variable("rec_reported_on", "Date reported to the ethics committee", "date", "YYYY-MM-DD",
                 shift_by="subject:subject"),
        Variable("safeguarding_escalated", "Safeguarding escalated", "boolean", "1 = yes, 0 = no"),
        Variable("description", "What happened", "text", free_text=True),
    ]

    def rows():
        sites = {s.id: s.code for s in Site.select()}
        query = AdverseEvent.select().order_by(AdverseEvent.id)
        if scope.site_id is not None:
            query = query.where(AdverseEvent.site == scope.site_id)
        for e in query:
            subject = f"carer:{e.carer_id}" if e.carer_id else (f"person:{e.person_id}" if e.person_id else f"event:{e.id}")
            yield {"event_id": e.id, "site": sites.get(e.site_id), "affected": e.affected, "subject": subject,
                   "study_id": e.carer.study_id if e.carer_id else None, "onset_on": e.onset_on,
                   "aware_on": e.aware_at.date(), "seriousness": e.seriousness, "relatedness": e.relatedness,
                   "expectedness": e.expectedness,
                   "sponsor_reported_on": e.sponsor_reported_at.date() if e.sponsor_reported_at else None,
                   "rec_reported_on": e.rec_reported_at.date() if e.rec_reported_at else None,
                   "safeguarding_escalated": e.safeguarding_escalated, "description": e.description}

    return Export("adverse-events", "Adverse events with their reporting dates", variables, rows)
