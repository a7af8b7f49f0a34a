"""The programme report for the technical guide: reach against targets, engagement, fidelity,
costs, adverse events and assessment completion, as Markdown or a self-contained HTML page."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from html import escape
from pathlib import Path

from peewee import fn

from cascade.stats import adverse
from cascade.stats.fidelity import report as fidelity_report

from ..dashboard.figures import cascade_figures
from ..fidelity import data as fidelity_data
from ..support.models import Carer, Contact, Match
from . import economics, tracking
from .models import AdverseEvent, AssessmentResponse


def build(curriculum, registry, today: dt.date | None = None) -> dict:
    today = today or dt.date.today()
    cascade = cascade_figures(today=today)
    stages = [{"stage": s.stage, "target_supporters": s.target_supporters, "supporters_certified": s.supporters_certified,
               "target_carers": s.target_carers, "carers_supported": s.carers_supported} for s in cascade["stages"]]
    kept = Contact.voided_at.is_null()
    per_carer = [n for (n,) in Contact.select(fn.COUNT(Contact.id)).join(Match).where(kept).group_by(Match.carer).tuples()]
    minutes = Contact.select(fn.COALESCE(fn.SUM(Contact.duration_minutes), 0)).where(kept).scalar() or 0
    modes = Counter(m for (m,) in Contact.select(Contact.mode).where(kept).tuples())
    engagement = {
        "carers_matched": Match.select(fn.COUNT(fn.DISTINCT(Match.carer))).scalar(),
        "contacts": sum(per_carer), "contact_hours": round(minutes / 60, 1),
        "median_contacts_per_carer": sorted(per_carer)[len(per_carer) // 2] if per_carer else 0,
        "modes": dict(modes.most_common()),
        "ended_completed": Match.select().where(Match.end_reason == "completed").count(),
        "ended_early": Match.select().where(Match.ended_on.is_null(False) & (Match.end_reason != "completed")).count(),
        "withdrawn": Carer.select().where(Carer.status == "withdrawn").count(),
    }
    fidelity = fidelity_report.build(fidelity_data.records(), include_people=False)
    fidelity_summary = [{"checklist": s["checklist_id"], "version": s["checklist_version"], "records": s["records"],
                         "mean": s["overall"][0]["mean"] if s["overall"] else None,
                         "band": s["overall"][0]["band"] if s["overall"] else None,
                         "drift": s["drift"][0]["difference"] if s["drift"] else None,
                         "drift_flagged": s["drift"][0]["flagged"] if s["drift"] else None}
                        for s in fidelity["checklists"]]
    events = Counter()
    for row in AdverseEvent.select():
        from .services import classify

        events[classify(row).category] += 1
    done = Counter((i, t) for i, t in AssessmentResponse.select(AssessmentResponse.instrument_id,
                                                                AssessmentResponse.time_point).tuples())
    due = tracking.due_list(registry, today, statuses=("due", "overdue"))
    overdue = Counter((r.instrument_id, r.time_point_id) for r in due if r.status == "overdue")
    completion = [{"instrument": i, "time_point": t, "completed": n, "overdue": overdue.get((i, t), 0)}
                  for (i, t), n in sorted(done.items())]
    return {"generated_on": today.isoformat(), "cascade": {"stages": stages, "courses": cascade["courses"],
                                                           "caseload_cap": cascade["caseload_cap"]},
            "engagement": engagement, "fidelity": fidelity_summary, "costs": economics.compute(curriculum),
            "adverse_events": dict(events), "serious_criteria": adverse.SERIOUSNESS_CRITERIA,
            "assessments": completion}


def _pct(v):
    return "-" if v is None else f"{v:.1f}%"


def to_markdown(r: dict) -> str:
    lines = [f"# Programme report ({r['generated_on']})", "", "## Cascade reached against targets", "",
             "| Stage | Peer supporters certified | Target | Carers supported | Target |", "|---|---|---|---|---|"]
    for s in r["cascade"]["stages"]:
        lines.append(f"| {s['stage']} | {s['supporters_certified']} | {s['target_supporters']} | {s['carers_supported']} "
                     f"| {s['target_carers']} |")
    e = r["engagement"]
    lines += ["", "## Engagement", "", f"- Carers matched: {e['carers_matched']}",
              f"- Contacts: {e['contacts']} ({e['contact_hours']} hours); median per carer {e['median_contacts_per_carer']}",
              f"- Support ended as planned: {e['ended_completed']}; ended early: {e['ended_early']}; withdrawn: {e['withdrawn']}",
              "- Contact modes: " + ", ".join(f"{k} {v}" for k, v in e["modes"].items()), "",
              "## Fidelity", "", "| Checklist | Version | Records | Mean | Band | Drift (gen 2 - gen 1) |",
              "|---|---|---|---|---|---|"]
    for f in r["fidelity"]:
        drift = "-" if f["drift"] is None else f"{f['drift']:+.1f}" + (" (flagged)" if f["drift_flagged"] else "")
        lines.append(f"| {f['checklist']} | {f['version']} | {f['records']} | {_pct(f['mean'])} | {f['band'] or '-'} | {drift} |")
    c = r["costs"]
    lines += ["", f"## Costs ({c['price_year']} prices)", "", f"- Training: £{c['training']}; support: £{c['support']}; "
              f"total £{c['total']}", f"- Per peer supporter certified: £{c['per_cps_certified'] or '-'}; per carer "
              f"supported: £{c['per_carer_supported'] or '-'}"]
    if c["unverified_unit_costs"]:
        lines.append(f"- Unit costs still to be checked: {', '.join(c['unverified_unit_costs'])}")
    lines += ["", "## Adverse events by category", "", "| Category | Events |", "|---|---|"]
    lines += [f"| {k} | {v} |" for k, v in sorted(r["adverse_events"].items())] or ["| none | 0 |"]
    lines += ["", "## Assessment completion", "", "| Instrument | Time point | Completed | Overdue |", "|---|---|---|---|"]
    lines += [f"| {a['instrument']} | {a['time_point']} | {a['completed']} | {a['overdue']} |" for a in r["assessments"]]
    return "\n".join(lines) + "\n"


def to_html(r: dict, chart_js: Path) -> str:
    """A self-contained page: tables plus Chart.js charts (inlined), each chart beside its table."""
    import markdown

    body = markdown.markdown(to_markdown(r), extensions=["tables"])
    charts = [
        ("Peer supporters certified against target", [f"Stage {s['stage']} certified" for s in r["cascade"]["stages"]]
         + [f"Stage {s['stage']} target" for s in r["cascade"]["stages"]],
         [s["supporters_certified"] for s in r["cascade"]["stages"]] + [s["target_supporters"] for s in r["cascade"]["stages"]]),
        ("Fidelity % by checklist", [f"{f['checklist']} {f['version']}" for f in r["fidelity"] if f["mean"] is not None],
         [round(f["mean"], 1) for f in r["fidelity"] if f["mean"] is not None]),
    ]
    canvases = "".join(
        f'<figure><figcaption>{escape(title)} (the same figures are in the tables)</figcaption>'
        f'<div style="height:{max(160, 26 * len(labels))}px"><canvas role="img" aria-label="{escape(title)}" '
        f"data-chart='{escape(json.dumps({'labels': labels, 'values': values}))}'></canvas></div></figure>"
        for title, labels, values in charts)
    script = chart_js.read_text(encoding="utf-8")
    draw = ("document.querySelectorAll('canvas[data-chart]').forEach(function(c){var s=JSON.parse(c.dataset.chart);"
            "new Chart(c,{type:'bar',data:{labels:s.labels,datasets:[{data:s.values,backgroundColor:'#005eb8'}]},"
            "options:{indexAxis:'y',animation:false,maintainAspectRatio:false,plugins:{legend:{display:false}}}})});")
    return (f'<!doctype html><html lang="en-GB"><head><meta charset="utf-8"><title>Programme report {r["generated_on"]}</title>'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            '<style>body{font-family:Arial,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#212b32}'
            'table{border-collapse:collapse;margin:1rem 0}th,td{border:1px solid #768692;padding:.3rem .6rem;text-align:left}'
            'figure{margin:1.5rem 0}</style></head><body><main>'
            f"{body}<h2>Charts</h2>{canvases}</main><script>{script}</script><script>{draw}</script></body></html>")
