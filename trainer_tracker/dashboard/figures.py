"""Cascade figures against the programme's targets, read from the counts kept per site
(figures/counts.py): one query whatever the size of the programme."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from cascade.config import programme

from ..cascade.models import Site
from ..figures import counts


@dataclass
class StageFigures:
    stage: int
    target_supporters: int
    target_carers: int
    supporters_certified: int = 0
    carers_supported: int = 0
    by_site: dict[str, dict] = field(default_factory=dict)

    @property
    def supporters_percent(self) -> int:
        return round(100 * self.supporters_certified / self.target_supporters) if self.target_supporters else 0

    @property
    def carers_percent(self) -> int:
        return round(100 * self.carers_supported / self.target_carers) if self.target_carers else 0


def cascade_figures(site_id: int | None = None, today: dt.date | None = None) -> dict:
    """Targets and actuals per stage (optionally for one site), plus support activity."""
    targets = programme().get("targets", {})
    sites = {s.id: s for s in Site.select().order_by(Site.name)}
    totals, by_site = counts.read(site_id)
    stages = {stage: StageFigures(stage, int(targets.get(f"stage_{stage}", {}).get("peer_supporters", 0)),
                                  int(targets.get(f"stage_{stage}", {}).get("carers", 0)))
              for stage in (1, 2)}
    for stage, figures in stages.items():
        figures.supporters_certified = totals.get(f"supporters_stage_{stage}", 0)
        figures.carers_supported = totals.get(f"carers_stage_{stage}", 0)
        for s in sites.values():
            if site_id is None or s.id == site_id:
                values = by_site.get(s.id, {})
                figures.by_site[s.code] = {"name": s.name, "supporters": values.get(f"supporters_stage_{stage}", 0),
                                           "carers": values.get(f"carers_stage_{stage}", 0)}
    return {
        "stages": [stages[1], stages[2]],
        "contacts": totals.get(counts.CONTACTS, 0),
        "contact_hours": round(totals.get(counts.MINUTES, 0) / 60, 1),
        "active_matches": totals.get("active_matches", 0),
        "carers_waiting": totals.get("carers_waiting", 0),
        "courses": totals.get("courses", 0),
        "caseload_cap": int(programme().get("caseload_cap", 3)),
        "site": sites.get(site_id),
    }


def generation_counts(site_id: int | None = None) -> dict[int, int]:
    """How many people (of a site) are in each generation."""
    totals, _ = counts.read(site_id)
    found = {int(name.removeprefix("generation_")): value for name, value in totals.items()
             if name.startswith("generation_") and value}
    return dict(sorted(found.items()))
