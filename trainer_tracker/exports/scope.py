"""What an export may contain: one site's records or every site's, and nothing a withdrawn carer's
consent no longer covers (the programme's `withdrawal_data`: `before-withdrawal` leaves out what
is dated after the withdrawal). Every export takes a Scope; `cascade export --site CODE` sets it."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from ..support.corrections import withdrawal_data_option
from ..support.models import Carer


@dataclass(frozen=True)
class Scope:
    site_id: int | None = None  # None: every site
    site_code: str | None = None
    carer_last_day: dict[int, dt.date] = field(default_factory=dict)  # withdrawn carer -> last usable date
    not_shared: frozenset = frozenset()  # carers who did not agree to share their answers, de-identified

    def carer_allows(self, carer_id: int | None, day) -> bool:
        """Whether a carer's record of this date may leave in an export."""
        if carer_id is not None and carer_id in self.not_shared:
            return False
        if carer_id is None or carer_id not in self.carer_last_day or day in (None, ""):
            return True
        day = dt.date.fromisoformat(day[:10]) if isinstance(day, str) else day
        day = day.date() if isinstance(day, dt.datetime) else day
        return day <= self.carer_last_day[carer_id]


def scope_for(site_id: int | None = None, site_code: str | None = None, deidentified: bool = False) -> Scope:
    """The scope of an export. A de-identified export is the tier shared beyond the study team, so
    it also leaves out every carer whose latest consent record does not say yes to sharing their
    anonymised answers (consent item share-anonymised-data), including carers with no consent
    record on file."""
    cutoffs = {}
    if withdrawal_data_option() == "before-withdrawal":
        cutoffs = {cid: day for cid, day in Carer.select(Carer.id, Carer.withdrawn_on)
                   .where(Carer.withdrawn_on.is_null(False)).tuples()}
    not_shared = frozenset()
    if deidentified:
        from cascade.assessments.consent import SHARE_ANONYMISED

        from ..pathway.models import ConsentRecord

        latest: dict[int, str] = {}
        for carer_id, answers in (ConsentRecord.select(ConsentRecord.carer, ConsentRecord.answers)
                                  .order_by(ConsentRecord.consented_on, ConsentRecord.id).tuples()):
            latest[carer_id] = answers
        shared = {cid for cid, answers in latest.items() if json.loads(answers).get(SHARE_ANONYMISED)}
        not_shared = frozenset(cid for (cid,) in Carer.select(Carer.id).tuples() if cid not in shared)
    return Scope(site_id, site_code, cutoffs, not_shared)
