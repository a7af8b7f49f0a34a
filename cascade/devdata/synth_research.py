"""The synthetic programme's research phases: fidelity ratings and assessment responses."""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Iterator

from .rows import Table


class SynthRefused(RuntimeError):
    """The database is not empty (use --reset) or the content cannot be read."""


class ResearchPhases:
    """Mixed into synth.Programme (which holds the people, courses, contacts and random source)."""

    def _quality(self, generation: int, site: int) -> float:
        return min(0.97, max(0.3, 0.86 - 0.035 * (generation - 1) + self.site_effect[site] + self.rng.gauss(0, 0.06)))

    def _item_scores(self, checklist, q: float) -> Iterator[tuple]:
        for item in checklist.items:
            if item.allows_not_applicable and self.rng.random() < 0.08:
                yield item.id, None
                continue
            roll = self.rng.random()
            yield item.id, 2 if roll < q else (1 if roll < q + (1 - q) * 0.7 else 0)

    def fidelity(self) -> Iterator[Table]:
        """Deliveries rated by an observer (the trainer's own certifier or a founder), some also
        self-rated, some with the training-session checklist; contacts self-rated by the peer
        supporter, some by a supervisor, some by the carer. Quality drifts down by generation."""
        from ..assessments.checklists import module_checklist

        rng = self.rng
        self.site_effect = {s: rng.gauss(0, 0.04) for s in self.site_ids}
        module_lists = {m.id: module_checklist(m) for m in self.curriculum.modules
                        if m.version is not None and m.fidelity}
        records = self._delivery_ratings(module_lists)
        wanted = max(0, self.n["fidelity"] - len(records))
        if len(records) > self.n["fidelity"]:
            records = rng.sample(records, self.n["fidelity"])
        contacts = self.rated_contacts if len(self.rated_contacts) <= wanted else rng.sample(self.rated_contacts, wanted)
        records += self._contact_ratings(sorted(contacts))
        self.rated_contacts = []
        for k, record in enumerate(records, start=1):
            record.insert(0, k)
        self.summary["fidelity_records"] = len(records)
        yield Table("fidelity_record", ["id", "checklist_id", "checklist_version", "delivery_id", "contact_id",
                                        "rater_id", "rater_role", "rated_on", "notes", "recorded_by_user_id",
                                        "created_at"],
                    ((r[0], r[1].id, str(r[1].version), r[2], r[3], r[4], r[5], r[6], "", None,
                      dt.datetime.combine(r[6], dt.time(18))) for r in records))
        yield Table("fidelity_item_score", ["record_id", "item_id", "score"],
                    ((r[0], item_id, value) for r in records for item_id, value in self._item_scores(r[1], r[7])))

    def _delivery_ratings(self, module_lists: dict) -> list[list]:
        rng, records = self.rng, []
        session = _maybe(self.checklists, "training-session")
        founders = [p.id for p in self.by_gen[0]]
        course_by_id = {c.id: c for c in self.all_courses}
        for did, course_id, module_id, _version, day, trainer in self.all_deliveries:
            course, checklist = course_by_id[course_id], module_lists.get(module_id)
            observer = self.person_by_id[trainer].certifier or (founders[0] if founders[0] != trainer else founders[-1])
            observer = None if observer == trainer else observer
            rated_on = min(day + dt.timedelta(days=1), self.today)
            q = self._quality(course.generation, course.site)
            if checklist is not None and rng.random() < 0.7:
                records.append([checklist, did, None, observer, "observer", rated_on, q])
                if rng.random() < 0.3:
                    records.append([checklist, did, None, trainer, "trainer-self", rated_on, min(0.98, q + 0.05)])
            if session is not None and rng.random() < 0.4:
                records.append([session, did, None, observer, "observer", rated_on, q])
        return records

    def _contact_ratings(self, contacts: list[tuple]) -> list[list]:
        rng, records, today = self.rng, [], self.today
        contact_list = _maybe(self.checklists, "support-contact")
        carer_list = _maybe(self.checklists, "support-contact-carer")
        for cid, day, supporter, site in contacts:
            person = self.person_by_id[supporter]
            q = self._quality(person.generation, site)
            roll = rng.random()
            if roll < 0.72 and contact_list is not None:
                records.append([contact_list, None, cid, supporter, "cps-self", min(day, today), min(0.98, q + 0.04)])
            elif roll < 0.9 and contact_list is not None:
                records.append([contact_list, None, cid, person.certifier, "supervisor",
                                min(day + dt.timedelta(days=3), today), q])
            elif carer_list is not None:
                records.append([carer_list, None, cid, None, "carer", min(day + dt.timedelta(days=2), today),
                                min(0.98, q + 0.06)])
        return records

    # Assessments --------------------------------------------------------------------------------

    def assessments(self) -> Iterator[Table]:
        """Carers at baseline, end of support and 6 months (CarerQol-7D, CSRI); peer supporters after
        training (wellbeing check). Answers come from a scored pool per instrument."""
        rng, pools = self.rng, {}
        for instrument_id in ("carerqol-7d", "csri-carer", "cps-wellbeing-check"):
            try:
                instrument = self.instruments.get(instrument_id)
            except KeyError:
                continue
            pools[instrument_id] = (instrument, answer_pool(instrument, rng, 300, self.score))
        carer_candidates, cps_candidates = self._carer_candidates(pools), self._cps_candidates(pools)
        cps_share = min(len(cps_candidates), self.n["responses"] // 10)
        carer_share = self.n["responses"] - cps_share
        picked = rng.sample(carer_candidates, carer_share) if len(carer_candidates) > carer_share else carer_candidates
        picked += rng.sample(cps_candidates, cps_share) if len(cps_candidates) > cps_share else cps_candidates
        picked.sort(key=lambda r: r[5])
        responses = []
        for k, (instrument_id, point, carer, person, site, day) in enumerate(picked, start=1):
            instrument, pool = pools[instrument_id]
            answers, scores_json = pool[rng.randrange(len(pool))]
            responses.append((k, instrument, point, carer, person, site, day, answers, scores_json))
        self.summary["assessment_responses"] = len(responses)
        yield Table("assessment_response", ["id", "instrument_id", "instrument_version", "respondent", "carer_id",
                                            "person_id", "site_id", "time_point", "completed_on", "scores",
                                            "recorded_by_user_id", "created_at", "updated_at"],
                    ((r[0], r[1].id, str(r[1].version), "carer" if r[3] is not None else "cps", r[3], r[4], r[5], r[2],
                      r[6], r[8], None, dt.datetime.combine(r[6], dt.time(19)), dt.datetime.combine(r[6], dt.time(19)))
                     for r in responses))
        yield Table("assessment_answer", ["response_id", "item_id", "value"],
                    ((r[0], item_id, value) for r in responses for item_id, value in r[7]))

    def _carer_candidates(self, pools: dict) -> list[tuple]:
        rng, today, found = self.rng, self.today, []
        match_by_carer = {m[1]: m for m in self.matches}
        for c in self.carers:
            m = match_by_carer.get(c[0])
            if m is None:
                continue
            matched_on, ended_on = m[3], m[4]
            for instrument_id, share in (("carerqol-7d", 0.92), ("csri-carer", 0.75)):
                if instrument_id not in pools:
                    continue
                if rng.random() < share:
                    found.append((instrument_id, "baseline", c[0], None, c[1],
                                  min(today, matched_on + dt.timedelta(days=rng.randint(0, 10)))))
                if ended_on is not None and rng.random() < share * 0.7:
                    day = ended_on + dt.timedelta(days=rng.randint(-7, 14))
                    if day <= today:
                        found.append((instrument_id, "end_of_support", c[0], None, c[1], max(day, matched_on)))
                day = matched_on + dt.timedelta(days=182 + rng.randint(-10, 25))
                if day <= today and rng.random() < share * 0.55:
                    found.append((instrument_id, "month_6", c[0], None, c[1], day))
        return found

    def _cps_candidates(self, pools: dict) -> list[tuple]:
        if "cps-wellbeing-check" not in pools:
            return []
        found = []
        for p in self.all_people:
            if p.generation >= 1 and p.certified_on is not None and self.rng.random() < 0.6:
                day = min(self.today, p.certified_on + dt.timedelta(days=self.rng.randint(0, 12)))
                found.append(("cps-wellbeing-check", "after_training", None, p.id, p.site, day))
        return found



def _maybe(checklists, checklist_id: str):
    try:
        return checklists.get(checklist_id)
    except KeyError:
        return None


def answer_pool(instrument, rng: random.Random, size: int, score) -> list[tuple[list, str]]:
    """`size` plausible answer sets for an instrument, each scored once (item values as stored text)."""
    pool, attempts = [], 0
    while len(pool) < size and attempts < size * 5:
        attempts += 1
        answers = _plausible_answers(instrument, rng)
        if answers is None:
            continue
        try:
            result = score(instrument, answers)
        except Exception:  # noqa: BLE001, S112 - an implausible draw: try another
            continue
        stored = [(item.id, None if result.values.get(item.id) is None else str(result.values.get(item.id)))
                  for item in instrument.items]
        pool.append((stored, json.dumps(result.to_dict())))
    if not pool:
        raise SynthRefused(f"could not make plausible answers for {instrument.id}")
    return pool


def _plausible_answers(instrument, rng: random.Random) -> dict | None:
    answers = {}
    for item in instrument.items:
        scale = item.scale
        if scale.type == "choice" and scale.values:
            values = list(scale.values)
            # Skew towards the middle-to-better end, like real questionnaires.
            answers[item.id] = values[min(len(values) - 1, int(abs(rng.gauss(len(values) / 2, len(values) / 3))))]
        elif scale.type == "number":
            low = scale.low if scale.low is not None else 0
            high = scale.high if scale.high is not None else 10
            if not item.required and rng.random() < 0.15:
                answers[item.id] = None
            elif high - low > 20:  # counts (visits, hours, miles): mostly small
                answers[item.id] = int(min(high, low + rng.expovariate(1 / max(1.0, (high - low) / 60))))
            else:
                answers[item.id] = int(round(min(high, max(low, rng.gauss((low + high) * 0.6, (high - low) / 5)))))
        elif not item.required:
            answers[item.id] = None
        else:
            return None
    return answers
