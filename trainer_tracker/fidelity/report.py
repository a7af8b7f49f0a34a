"""The fidelity report: the same figures for the dashboard, `cascade report fidelity` and tests.

Every figure is per checklist id and version (like with like): overall, per generation, site,
module, trainer (deliveries) or peer supporter (contacts), per core component; cascade drift
overall, by site and by core component; inter-rater agreement.
"""

from __future__ import annotations

from .figures import (
    FidelityRecord,
    FidelitySettings,
    aggregate,
    cascade_drift,
    item_drift,
    item_figures,
    rater_agreement,
)


def build(records: list[FidelityRecord], settings: FidelitySettings | None = None,
          include_people: bool = True) -> dict:
    """All figures as JSON-ready dicts, one section per (checklist id, version).

    include_people=False leaves out per-trainer and per-supporter figures (aggregates only).
    """
    settings = settings or FidelitySettings.from_programme()
    keys = sorted({r.key for r in records})
    sections = []
    for checklist_id, version in keys:
        subset = [r for r in records if r.key == (checklist_id, version)]
        person_key = "trainer_id" if any(r.delivery_id is not None for r in subset) else "cps_id"
        section = {
            "checklist_id": checklist_id,
            "checklist_version": version,
            "records": len(subset),
            "overall": [f.to_dict() for f in aggregate(subset, settings=settings)],
            "by_generation": [f.to_dict() for f in aggregate(subset, "generation", settings=settings)],
            "by_site": [f.to_dict() for f in aggregate(subset, "site", settings=settings)],
            "by_rater_role": [f.to_dict() for f in aggregate(subset, "rater_role", settings=settings,
                                                             collapse_raters=False)],
            "components": [f.to_dict() for f in item_figures(subset, settings=settings)],
            "drift": [d.to_dict() for d in cascade_drift(subset, settings=settings)],
            "drift_by_site": [d.to_dict() for d in cascade_drift(subset, "site", settings=settings)],
            "drift_by_component": [d.to_dict() for d in item_drift(subset, settings=settings)],
            "agreement": [a.to_dict() for a in rater_agreement(subset, settings=settings)],
        }
        if any(r.module_id for r in subset):
            section["by_module"] = [f.to_dict() for f in aggregate(subset, "module_id", settings=settings)]
        if include_people:
            section["by_person"] = [f.to_dict() for f in aggregate(subset, person_key, settings=settings)]
            section["person_kind"] = "trainer" if person_key == "trainer_id" else "peer supporter"
        sections.append(section)
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
