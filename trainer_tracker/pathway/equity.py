"""Equity of reach from the tracker's records: for each referral (and each carer registered
without one), the demographic answers and the stages of the pathway reached, for
cascade/stats/equity.py to count by group with small numbers suppressed."""

from __future__ import annotations

from cascade.stats import equity

from ..support.models import Carer, Match
from .models import Demographics, Referral
from .services import settings

REACHED_ELIGIBLE = ("eligible", "consented")


def people(site_id: int | None = None) -> list[tuple[dict, set[str]]]:
    answers_by_referral, answers_by_carer = {}, {}
    for row in Demographics.select():
        answers = {item: getattr(row, item) for item in equity.ITEM_LABELS}
        if row.referral_id:
            answers_by_referral[row.referral_id] = answers
        if row.carer_id:
            answers_by_carer[row.carer_id] = answers
    matched = {c for (c,) in Match.select(Match.carer).distinct().tuples()}
    completed = {c for (c,) in Match.select(Match.carer).where(Match.end_reason == "completed").distinct().tuples()}
    out = []
    referrals = Referral.select(Referral.id, Referral.status, Referral.carer)
    carers = Carer.select(Carer.id)
    if site_id is not None:
        referrals, carers = referrals.where(Referral.site == site_id), carers.where(Carer.site == site_id)
    referred_carers = set()
    for rid, status, carer_id in referrals.tuples():
        stages = {"referred"}
        if status in REACHED_ELIGIBLE or carer_id:
            stages.add("eligible")
        if carer_id:
            referred_carers.add(carer_id)
            stages |= _carer_stages(carer_id, matched, completed)
        out.append((answers_by_referral.get(rid) or answers_by_carer.get(carer_id) or {}, stages))
    for (carer_id,) in carers.tuples():  # carers registered directly, without a referral record
        if carer_id not in referred_carers:
            out.append((answers_by_carer.get(carer_id, {}),
                        {"referred", "eligible"} | _carer_stages(carer_id, matched, completed)))
    return out


def _carer_stages(carer_id: int, matched: set, completed: set) -> set[str]:
    stages = {"consented"}
    if carer_id in matched:
        stages.add("matched")
    if carer_id in completed:
        stages.add("completed")
    return stages


def report(site_id: int | None = None) -> dict:
    return equity.report(people(site_id), settings()["relationships"])
