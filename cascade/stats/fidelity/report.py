"""The fidelity report: the same figures for the dashboard, `cascade report fidelity` and tests.

Every figure is per checklist id and version (like with like): overall, per generation, site,
module, trainer (deliveries) or peer supporter (contacts), per core component; cascade drift
overall, by site and by core component; inter-rater agreement.
"""

from __future__ import annotations

from .agreement import rater_agreement
from .drift import occasion_drift
from .occasions import section_occasions
from .records import FidelityRecord, FidelitySettings
from .summaries import occasion_figures, record_figures


def section(subset: list[FidelityRecord], settings: FidelitySettings, include_people: bool = True) -> dict:
    """Every figure for the records of one checklist id and version.

    The occasions (raters pooled) are built once and grouped each way: the same figures as
    aggregate/item_figures/cascade_drift/item_drift on the records (tests/stats/test_fidelity_figures.py
    pins that), in one pass instead of one per figure.
    """
    checklist_id, version = subset[0].key
    record_percents: list = []
    occasions = section_occasions(subset, record_percents)
    person_key = "trainer_id" if any(r.delivery_id is not None for r in subset) else "cps_id"

    def figures(by=None, items=False):
        return [f.to_dict() for f in occasion_figures(occasions, by, items=items, settings=settings)]

    def drift(by=None, items=False):
        return [d.to_dict() for d in occasion_drift(occasions, by, items=items, settings=settings)]

    result = {
        "checklist_id": checklist_id,
        "checklist_version": version,
        "records": len(subset),
        "overall": figures(),
        "by_generation": figures("generation"),
        "by_site": figures("site"),
        "by_rater_role": [f.to_dict() for f in record_figures(record_percents, "rater_role", settings)],
        "components": figures(items=True),
        "drift": drift(),
        "drift_by_site": drift("site"),
        "drift_by_component": drift(items=True),
        "agreement": [a.to_dict() for a in rater_agreement(subset, settings=settings)],
    }
    if any(r.module_id for r in subset):
        result["by_module"] = figures("module_id")
    if include_people:
        result["by_person"] = figures(person_key)
        result["person_kind"] = "trainer" if person_key == "trainer_id" else "peer supporter"
    return result


def build(records: list[FidelityRecord], settings: FidelitySettings | None = None,
          include_people: bool = True) -> dict:
    """All figures as JSON-ready dicts, one section per (checklist id, version).

    include_people=False leaves out per-trainer and per-supporter figures (aggregates only).
    """
    settings = settings or FidelitySettings.from_programme()
    by_key: dict[tuple[str, str], list[FidelityRecord]] = {}
    for record in records:
        by_key.setdefault(record.key, []).append(record)
    sections = [section(by_key[key], settings, include_people) for key in sorted(by_key)]
    return {
        "settings": {"bands": {"low_max": settings.low_max, "moderate_max": settings.moderate_max},
                     "drift_flag_points": settings.drift_flag_points,
                     "agreement_target": settings.agreement_target},
        "checklists": sections,
    }


def _pct(value) -> str:
    return "-" if value is None else f"{value:.1f}%"


def _num(value, digits=2) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def to_markdown(report: dict, titles: dict | None = None) -> str:
    """The report as Markdown tables, for the technical guide."""
    titles = titles or {}
    s = report["settings"]
    lines = ["# Fidelity report", "",
             f"Bands: low up to {s['bands']['low_max']}%, moderate up to {s['bands']['moderate_max']}%, high above. "
             f"Drift is flagged when generation 2 is more than {s['drift_flag_points']} points below generation 1. "
             f"Agreement target (weighted kappa): {s['agreement_target']}.", ""]
    for section in report["checklists"]:
        title = titles.get(section["checklist_id"], section["checklist_id"])
        lines += [f"## {title} (checklist {section['checklist_id']}, version {section['checklist_version']})", "",
                  f"{section['records']} records.", ""]
        lines += ["| Group | n | Mean | 95% CI | Band |", "|---|---|---|---|---|"]
        for label, key in (("Overall", "overall"), ("Generation", "by_generation"), ("Site", "by_site"),
                           ("Module", "by_module")):
            for f in section.get(key, []):
                group = label if key == "overall" else f"{label} {f['group']}"
                lines.append(f"| {group} | {f['n']} | {_pct(f['mean'])} | {_pct(f['ci_low'])} to {_pct(f['ci_high'])} "
                             f"| {f['band'] or '-'} |")
        lines += ["", "### Cascade drift (generation 2 minus generation 1)", "",
                  "| Scope | Gen 1 mean (n) | Gen 2 mean (n) | Difference | 95% CI | Flagged |", "|---|---|---|---|---|---|"]
        for key, label in (("drift", "Overall"), ("drift_by_site", "Site"), ("drift_by_component", "Component")):
            for d in section[key]:
                scope = label if key == "drift" else f"{label} {d['item_id'] or d['group']}"
                lines.append(
                    f"| {scope} | {_pct(d['generation_1']['mean'])} ({d['generation_1']['n']}) | "
                    f"{_pct(d['generation_2']['mean'])} ({d['generation_2']['n']}) | {_num(d['difference'], 1)} | "
                    f"{_num(d['ci_low'], 1)} to {_num(d['ci_high'], 1)} | {'yes' if d['flagged'] else 'no'} |")
        if section["agreement"]:
            lines += ["", "### Agreement between raters", "", "| Occasions | Pairs | Weighted kappa | ICC | Below target |",
                      "|---|---|---|---|---|"]
            for a in section["agreement"]:
                lines.append(f"| {a['n_occasions']} | {a['n_pairs']} | {_num(a['kappa'])} | {_num(a['icc'])} | "
                             f"{'yes' if a['flagged'] else 'no'} |")
        lines.append("")
    return "\n".join(lines)
