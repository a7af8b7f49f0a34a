"""The technical guide's chapters made from the tracker's figures: the cascade and its fidelity,
reach and the carer pathway, costs, and adverse events (reports/guide.py puts them together).

Every figure is an aggregate. A count under 5 shown for a site or a group reads "fewer than 5",
and what is worked out from such a group (a mean, a cost per carer) is not shown, so that nobody
can be recognised. Programme-wide totals are shown as they are.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from statistics import median

from peewee import fn

from cascade.config import programme
from cascade.stats.fidelity import report as fidelity_report

from ..cascade.models import Site
from ..dashboard.figures import cascade_figures, generation_counts
from ..fidelity import data as fidelity_data
from ..figures import counts
from ..research import economics
from ..research.models import AdverseEvent
from ..research.services import classify
from ..support.models import Carer, Contact, Match

SMALL = 5
FEWER = "fewer than 5"
HIDDEN = "not shown"
CARER_STATUSES = (("waiting", "Waiting for a peer supporter"), ("matched", "Being supported now"),
                  ("ended", "Support ended"), ("withdrawn", "Withdrew from the study"))
AFFECTED_TEXT = {"carer": "A carer", "cps": "A peer supporter", "patient": "The person cared for"}


def shown(count: int) -> str:
    """A count for a site or a group: small counts are not shown."""
    return FEWER if count < SMALL else str(count)


def cell(value) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def pct(value) -> str:
    return "-" if value is None else f"{value:.1f}%"


def _sites() -> dict[str, str]:
    return {code: name for code, name in Site.select(Site.code, Site.name).order_by(Site.name).tuples()}


def cascade_chapter(titles: dict[str, str]) -> list[str]:
    """Targets and actuals per stage, by site and by generation, then fidelity."""
    figures = cascade_figures()
    lines = ["The training passes from the founding trainers (generation 0) to stage-one peer supporters "
             "(generation 1), who go on to train stage two (generation 2). The targets are set in the "
             "programme configuration.", "",
             "| Stage | Peer supporters certified | Target | Carers supported | Target |", "|---|---|---|---|---|"]
    for stage in figures["stages"]:
        lines.append(f"| {stage.stage} | {stage.supporters_certified} | {stage.target_supporters} | "
                     f"{stage.carers_supported} | {stage.target_carers} |")
    lines += ["", f"Courses recorded: {figures['courses']}. Each peer supporter supports up to "
              f"{figures['caseload_cap']} carers at a time.", "", "### Each site", "",
              "| Site | Stage 1 peer supporters | Stage 1 carers supported | Stage 2 peer supporters | "
              "Stage 2 carers supported |", "|---|---|---|---|---|"]
    one, two = figures["stages"]
    for code, name in _sites().items():
        a, b = one.by_site.get(code, {}), two.by_site.get(code, {})
        lines.append(f"| {cell(name)} | {shown(a.get('supporters', 0))} | {shown(a.get('carers', 0))} | "
                     f"{shown(b.get('supporters', 0))} | {shown(b.get('carers', 0))} |")
    lines += ["", "### People in each generation", "", "| Generation | People |", "|---|---|"]
    lines += [f"| {generation} | {shown(people)} |" for generation, people in generation_counts().items()]
    return lines + ["", *fidelity_section(titles)]


def fidelity_section(titles: dict[str, str]) -> list[str]:
    report = fidelity_report.build(fidelity_data.records(), include_people=False)
    settings = report["settings"]
    lines = ["### Fidelity", "",
             "Observers score each delivery of a module, and each rated support contact, against its "
             "checklist: 0 = not done, 1 = partly, 2 = fully. Fidelity is the score as a percentage of "
             f"the most it could be. Up to {settings['bands']['low_max']}% is low, up to "
             f"{settings['bands']['moderate_max']}% moderate, and above that high. Figures are kept apart "
             "for each checklist and version, so that like is compared with like.", ""]
    sections = report["checklists"]
    if not sections:
        return lines + ["No fidelity checklists have been scored yet.", ""]
    lines += ["| Checklist | Version | Times rated | Mean fidelity (95% CI) | Band |", "|---|---|---|---|---|"]
    few = 0
    for section in sections:
        overall = section["overall"][0] if section["overall"] else None
        if overall is None or overall["n"] < SMALL:
            few += 1
            continue
        lines.append(f"| {cell(titles.get(section['checklist_id'], section['checklist_id']))} | "
                     f"{section['checklist_version']} | {overall['n']} | {pct(overall['mean'])} "
                     f"({pct(overall['ci_low'])} to {pct(overall['ci_high'])}) | {overall['band'] or '-'} |")
    if few:
        lines += ["", f"{few} other checklist version{'s have' if few != 1 else ' has'} each been rated {FEWER} "
                  "times so far: their figures are not shown."]
    lines += ["", *_drift_table(sections, titles, settings), *_fidelity_by_site(sections, titles),
              *_agreement_table(sections, titles, settings)]
    return lines


def _drift_table(sections: list[dict], titles: dict[str, str], settings: dict) -> list[str]:
    lines = ["#### Drift between generations", "",
             "Drift is the mean at generation 2 minus the mean at generation 1. It is flagged when "
             f"generation 2 is more than {settings['drift_flag_points']} points lower. It is shown only "
             "where both generations were rated at least 5 times.", "",
             "| Checklist | Version | Generation 1 | Generation 2 | Difference (95% CI) | Flagged |",
             "|---|---|---|---|---|---|"]
    rows = 0
    for section in sections:
        for drift in section["drift"]:
            one, two = drift["generation_1"], drift["generation_2"]
            if drift["difference"] is None or min(one["n"] or 0, two["n"] or 0) < SMALL:
                continue
            rows += 1
            lines.append(f"| {cell(titles.get(section['checklist_id'], section['checklist_id']))} | "
                         f"{section['checklist_version']} | {pct(one['mean'])} ({one['n']}) | "
                         f"{pct(two['mean'])} ({two['n']}) | {drift['difference']:+.1f} "
                         f"({drift['ci_low']:+.1f} to {drift['ci_high']:+.1f}) | "
                         f"{'yes' if drift['flagged'] else 'no'} |")
    if not rows:
        lines += ["| No checklist yet has 5 or more ratings in both generations | | | | | |"]
    return lines + [""]


def _fidelity_by_site(sections: list[dict], titles: dict[str, str]) -> list[str]:
    names = _sites()
    lines = ["#### Fidelity at each site", "", "Checklists rated at least 5 times.", "",
             "| Checklist | Version | Site | Times rated | Mean fidelity | Band |", "|---|---|---|---|---|---|"]
    for section in sections:
        overall = section["overall"][0] if section["overall"] else None
        if overall is None or overall["n"] < SMALL:
            continue
        for figure in section["by_site"]:
            enough = figure["n"] >= SMALL
            lines.append(f"| {cell(titles.get(section['checklist_id'], section['checklist_id']))} | "
                         f"{section['checklist_version']} | {cell(names.get(figure['group'], figure['group']))} | "
                         f"{shown(figure['n'])} | {pct(figure['mean']) if enough else HIDDEN} | "
                         f"{(figure['band'] or '-') if enough else '-'} |")
    return lines + [""]


def _agreement_table(sections: list[dict], titles: dict[str, str], settings: dict) -> list[str]:
    rows = [(section, a) for section in sections for a in section["agreement"]]
    if not rows:
        return []
    lines = ["#### Agreement between two raters", "",
             "Where two people rated the same delivery or contact, their agreement is given as a weighted "
             f"kappa (the target is {settings['agreement_target']}).", "",
             "| Checklist | Version | Rated by two people | Weighted kappa | Below target |", "|---|---|---|---|---|"]
    few = 0
    for section, agreement in rows:
        if agreement["n_occasions"] < SMALL or agreement["kappa"] is None:
            few += 1
            continue
        lines.append(f"| {cell(titles.get(section['checklist_id'], section['checklist_id']))} | "
                     f"{section['checklist_version']} | {agreement['n_occasions']} | {agreement['kappa']:.2f} | "
                     f"{'yes' if agreement['flagged'] else 'no'} |")
    if few == len(rows):
        lines.append(f"| Every checklist so far: {FEWER} times each | | | {HIDDEN} | |")
    elif few:
        lines += ["", f"{few} other checklist version{'s were' if few != 1 else ' was'} rated by two people {FEWER} "
                  "times each: not shown."]
    return lines + [""]


def reach_chapter() -> list[str]:
    """Carers registered and where they are on the pathway; the support they were given."""
    names = _sites()
    by_site: dict[str, Counter] = {code: Counter() for code in names}
    for code, status, n in (Carer.select(Site.code, Carer.status, fn.COUNT(Carer.id)).join(Site)
                            .group_by(Site.code, Carer.status).tuples()):
        by_site.setdefault(code, Counter())[status] += n
    total = sum(by_site.values(), Counter())
    totals, kept = counts.read()
    ids = {s.id: s.code for s in Site.select(Site.id, Site.code)}
    lines = ["Carers take part as research participants, known only by a study ID. They register when "
             "they consent, wait to be matched with a peer supporter, are supported for about "
             f"{programme().get('support_period_months', 3)} months, and may withdraw at any time.", "",
             "| | Carers |", "|---|---|", f"| Registered | {sum(total.values())} |"]
    lines += [f"| {text} | {total.get(status, 0)} |" for status, text in CARER_STATUSES]
    lines.append(f"| Ever matched with a peer supporter | {totals.get('carers_matched', 0)} |")
    ended = Counter((reason == "completed") for (reason,) in Match.select(Match.end_reason)
                    .where(Match.ended_on.is_null(False)).tuples())
    per_carer = [n for (n,) in Contact.select(fn.COUNT(Contact.id)).join(Match)
                 .where(Contact.voided_at.is_null()).group_by(Match.carer).tuples()]
    lines += ["", f"Support ended as planned {ended.get(True, 0)} times and early {ended.get(False, 0)} times. "
              f"Peer supporters recorded {totals.get(counts.CONTACTS, 0)} contacts with carers, "
              f"{round(totals.get(counts.MINUTES, 0) / 60, 1)} hours in all"
              + (f", a median of {median(per_carer):g} for each carer supported." if per_carer else "."), "",
              "| How they met | Contacts |", "|---|---|"]
    modes = programme().get("contact_modes", {})
    for mode, n in Counter(m for (m,) in Contact.select(Contact.mode).where(Contact.voided_at.is_null())
                           .tuples()).most_common():
        lines.append(f"| {cell(modes.get(mode, mode))} | {shown(n)} |")
    lines += ["", "### Each site", "",
              "| Site | Registered | " + " | ".join(text for _, text in CARER_STATUSES) + " | Contacts | Hours |",
              "|---|---|---|---|---|---|---|---|"]
    for code, name in names.items():
        site = by_site.get(code, Counter())
        values = next((v for sid, v in kept.items() if ids.get(sid) == code), {})
        contacts = values.get(counts.CONTACTS, 0)
        hours = f"{values.get(counts.MINUTES, 0) / 60:.1f}" if contacts >= SMALL else HIDDEN
        lines.append(f"| {cell(name)} | {shown(sum(site.values()))} | "
                     + " | ".join(shown(site.get(status, 0)) for status, _ in CARER_STATUSES)
                     + f" | {shown(contacts)} | {hours} |")
    return lines + [""]


def costs_chapter(curriculum) -> list[str]:
    """The programme's own costs, and the cost per peer supporter certified and per carer supported."""
    costs = economics.compute(curriculum)
    lines = ["The programme's own costs come from the tracker's records, priced with the unit-cost table "
             f"({costs['price_year']} prices). Training time comes from the module deliveries recorded (each "
             "module's length, for each delivery); support time from the contacts peer supporters recorded; "
             "supervision, travel and other costs from the cost lines the sites recorded.", "",
             "| | Amount |", "|---|---|", f"| Training ({costs['trainer_hours']} trainer hours) | {_money(costs['training'])} |",
             f"| Support ({costs['support_hours']} hours of contacts) | {_money(costs['support'])} |",
             f"| Total | {_money(costs['total'])} |",
             f"| For each peer supporter certified ({costs['cps_certified']}) | "
             f"{_money(costs['per_cps_certified'])} |",
             f"| For each carer supported ({costs['carers_supported']}) | {_money(costs['per_carer_supported'])} |",
             ""]
    if costs["unverified_unit_costs"]:
        lines += [f"These unit costs are placeholders until a health economist checks them: "
                  f"{', '.join(costs['unverified_unit_costs'])}.", ""]
    lines += ["### Each site", "", "| Site | Total | For each peer supporter certified | For each carer supported |",
              "|---|---|---|---|"]
    for site in Site.select().order_by(Site.name):
        own = economics.compute(curriculum, site_id=site.id)
        certified = _money(own["per_cps_certified"]) if own["cps_certified"] >= SMALL else f"{HIDDEN} ({FEWER})"
        supported = _money(own["per_carer_supported"]) if own["carers_supported"] >= SMALL else f"{HIDDEN} ({FEWER})"
        lines.append(f"| {cell(site.name)} | {_money(own['total'])} | {certified} | {supported} |")
    if costs.get("source"):
        lines += ["", f"Unit costs: {costs['source']}"]
    return lines + [""]


def _money(value) -> str:
    return "-" if value is None else f"£{Decimal(value):,.2f}"


def adverse_events_chapter() -> list[str]:
    """Adverse events by category, by who was affected and by site (counts only, never a description)."""
    names = _sites()
    categories, affected, sites = Counter(), Counter(), Counter()
    for event in AdverseEvent.select(AdverseEvent, Site).join(Site):
        categories[classify(event).category] += 1
        affected[event.affected] += 1
        sites[event.site.code] += 1
    lines = ["Adverse events are recorded by the sites as the study protocol requires. A serious event is "
             "reported to the sponsor within 24 hours of the team becoming aware of it; a serious event that "
             "is related to taking part and unexpected is also reported to the research ethics committee "
             "within 15 days.", "", f"Adverse events recorded: {sum(categories.values())}.", ""]
    if not categories:
        return lines
    lines += ["| Category | Events |", "|---|---|"]
    lines += [f"| {cell(category.capitalize())} | {shown(n)} |" for category, n in sorted(categories.items())]
    lines += ["", "| Who was affected | Events |", "|---|---|"]
    lines += [f"| {AFFECTED_TEXT.get(who, who)} | {shown(n)} |" for who, n in sorted(affected.items())]
    lines += ["", "| Site | Events |", "|---|---|"]
    lines += [f"| {cell(name)} | {shown(sites.get(code, 0))} |" for code, name in names.items()]
    return lines + [""]
