"""The parts the macros add to a module page (and a material's page): the module card, its
materials, session plan, references, changelog, fidelity checklist and "suggest a change".

HTML is escaped; Markdown is plain.
"""

from __future__ import annotations

from html import escape
from urllib.parse import quote, urlencode

from ..assessments.checklists import module_checklist
from ..content.editions import render_markdown
from ..content.german import load_german, translations_root
from ..content.model import Curriculum, Material, Module
from .links import link

STATUS_TEXT = {
    "draft": ("Draft", "This module is a draft. It has not been reviewed yet."),
    "in-review": ("In review", "The lived experience panel and clinical reviewers are checking "
                  "this module. It may change before it is approved."),
    "approved": ("Approved", "The lived experience panel and clinical reviewers have approved "
                 "this module."),
    "retired": ("Retired", "This module is no longer taught. It is kept for the record."),
}
AUDIENCE_TEXT = {"supporters": "peer supporters", "trainers": "trainers"}


def and_list(items: list[str]) -> str:
    items = [str(i) for i in items]
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def duration_text(minutes: int) -> str:
    hours, mins = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour{'s' if hours > 1 else ''}")
    if mins:
        parts.append(f"{mins} minutes")
    return " ".join(parts) or "0 minutes"


def module_card(module: Module, edition: str, curriculum: Curriculum) -> str:
    label, explanation = STATUS_TEXT.get(module.status, (module.status, ""))
    rows = [
        ("Version", escape(str(module.version or "?"))),
        ("Status", f'<span class="cascade-status cascade-status--{escape(module.status)}">'
                   f"{escape(label)}</span> {escape(explanation)}"),
        ("Last changed", escape(module.last_changed or "not recorded")),
        ("For", escape(and_list([AUDIENCE_TEXT.get(a, a) for a in module.audience]) or "?")),
        ("Cascade stages", escape(and_list([str(s) for s in module.stages]) or "?")),
    ]
    if edition == "trainer":
        rows.append(("Session length", escape(duration_text(module.duration_minutes))))
    rows.append(("Adapted from", source_html(module, curriculum, edition)))
    items = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows)
    card = (f'<div class="cascade-card" data-module="{escape(module.id)}" '
            f'data-version="{escape(str(module.version))}">'
            f'<p class="cascade-card__title">About this module</p><dl>{items}</dl></div>')
    objectives = "\n".join(f"- {o}" for o in module.objectives)
    return f"{card}\n\n## What you will learn\n\n{objectives}\n"


def _german_is_illustrative(curriculum: Curriculum, source_id: str) -> bool:
    """Whether the German text is one this project wrote (read once per loaded curriculum)."""
    cached = getattr(curriculum, "_illustrative_german", None)
    if cached is None:
        german = load_german(translations_root(curriculum))
        cached = {gid for gid, g in german.items() if g.illustrative}
        curriculum._illustrative_german = cached
    return source_id in cached


def source_html(module: Module, curriculum: Curriculum, edition: str) -> str:
    source = module.source
    if source.written_in_england:
        return "Written in England for this programme. " + escape(source.written_in_england)
    if not source.id:
        return "Not recorded"
    text = f"German module <code>{escape(source.id)}</code>"
    if _german_is_illustrative(curriculum, source.id):
        text += (" (an <strong>illustrative</strong> German text written by this project, not the German "
                 "programme's own material)")
    if source.revision:
        text += f", revision <code>{escape(source.revision[:12])}</code>"
    else:
        text += " (revision not pinned yet)"
    return text


def module_references(module: Module) -> str:
    if not module.references:
        return ""
    lines = ["## References", ""]
    for n, ref in enumerate(module.references, start=1):
        title = f"[{ref.title}]({ref.url})" if ref.url else ref.title
        extra = []
        if ref.publisher:
            extra.append(ref.publisher)
        if ref.checked:
            extra.append(f"checked {ref.checked}")
        lines.append(f"{n}. {title}" + (f" ({', '.join(extra)})" if extra else ""))
    return "\n".join(lines) + "\n"


MATERIAL_LABELS = {"handout": "handout", "cards": "cards", "worksheet": "worksheet", "picture": "picture",
                   "sample-notes": "sample notes", "script": "script", "answer-key": "answer key"}


def material_src(material: Material) -> str:
    return material.rel


def module_materials(module: Module, edition: str) -> str:
    """The materials to print for a session, linked from the module page."""
    materials = module.materials_for(edition)
    if not materials:
        return ""
    lines = ["## Materials for this session", "",
             "Print these on A4. Each opens as its own page, ready to print.", ""]
    for material in materials:
        kind = MATERIAL_LABELS.get(material.kind, material.kind)
        note = " (for the trainer)" if material.trainer_only else ""
        summary = f": {material.summary}" if material.summary else ""
        lines.append(f"- [{material.title}]({link(module.rel, material_src(material))}), {kind}{note}{summary}")
    return "\n".join(lines) + "\n"


def session_plan(module: Module) -> str:
    """The trainer's timetable for the module, from its front matter plan (trainer edition)."""
    if not module.plan:
        return ""
    several = len(module.sessions) > 1
    parts = ["## Session plan", "",
             f"Planned: {duration_text(module.planned_minutes)} of {duration_text(module.duration_minutes)}."]
    for number, steps in enumerate(module.sessions, start=1):
        if several:
            parts += ["", f"### Session {number} ({duration_text(sum(s.minutes for s in steps))})"]
        parts += ["", "| Start | Step | Minutes | Materials |", "|---|---|---|---|"]
        clock = 0
        for step in steps:
            names = []
            for name in step.materials:
                material = module.materials.get(name)
                if material is not None:
                    names.append(f"[{material.title}]({link(module.rel, material_src(material))})")
            label = f"Activity: {step.title}" if step.activity else step.title
            start = f"{clock // 60}:{clock % 60:02d}"
            parts.append(f"| {start} | {label.replace('|', '/')} | {step.minutes} | {', '.join(names) or '-'} |")
            clock += step.minutes
    return "\n".join(parts) + "\n"


def material_page(material: Material, edition: str) -> str:
    """A material's page: where it belongs, then its content, laid out to print on A4."""
    module = material.module
    back = f"[{module.title}]({link(material.rel, module.rel)})" if module is not None else ""
    kind = MATERIAL_LABELS.get(material.kind, material.kind)
    intro = f"*{kind.capitalize()} for {back}.*" if back else ""
    if material.trainer_only:
        intro += " *For the trainer: do not hand this out before the activity.*"
    return f'<div class="cascade-material" markdown>\n\n{intro}\n\n{render_markdown(material, edition)}\n\n</div>\n'


def module_changelog(module: Module) -> str:
    lines = ["## Changes to this module", "",
             "| Version | Date | What changed | LEAP recommendation |",
             "|---|---|---|---|"]
    for entry in module.changelog:
        summary = entry.summary.replace("|", "\\|").replace("\n", " ")
        lines.append(f"| {entry.version} | {entry.date} | {summary} | {entry.leap or '-'} |")
    return "\n".join(lines) + "\n"


def fidelity_checklist(module: Module, heading: bool = True) -> str:
    """The blank, printable delivery checklist of a module: the same Checklist object the tracker
    scores (cascade.assessments.checklists.module_checklist), versioned with the module."""
    return checklist_table(module_checklist(module), heading="Fidelity checklist" if heading else None,
                           fields="Trainer: ____________ Observer: ____________ Date: ________ "
                                  "Course: ____________ Rater: observer / trainer (self)")


def checklist_table(checklist, heading: str | None = None, fields: str = "") -> str:
    """Any fidelity checklist as a printable table with what 0, 1 and 2 look like."""
    rows = []
    for n, item in enumerate(checklist.items, start=1):
        essential = "Yes" if item.essential else "No"
        anchors = "<br>".join(f"<strong>{score}</strong>: {escape(text)}" for score, text in enumerate(item.anchors))
        labels = ["0", "1", "2"] + (["N/A"] if item.allows_not_applicable else [])
        rows.append(
            f"<tr><td>{n}</td><th scope=\"row\">{escape(item.text)}<br><small>{anchors}</small></th>"
            f"<td>{essential}</td><td class=\"cascade-box\">"
            + " ".join(f"&#9744;&nbsp;{lab}" for lab in labels) + "</td><td></td></tr>"
        )
    caption = (f"{escape(checklist.title)}, checklist version {escape(str(checklist.version))}. "
               "Score 0 = not done, 1 = partly, 2 = fully; N/A only where the item allows it.")
    table = (
        '<div class="cascade-checklist">'
        + (f'<p class="cascade-checklist__fields">{escape(fields)}</p>' if fields else "")
        + f"<table><caption>{caption}</caption><thead><tr><th scope=\"col\">#</th>"
        '<th scope="col">Item</th><th scope="col">Essential</th>'
        '<th scope="col">Score</th><th scope="col">Notes</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
        "<p>Fidelity % = sum of scores / (2 x number of items scored, leaving out N/A).</p></div>"
    )
    return (f"## {heading}\n\n" if heading else "") + table + "\n"


def suggest_change(module: Module, extra: dict, page_url: str = "") -> str:
    """A link that opens a prefilled email, or a prefilled issue if extra.repo_issue_url is set."""
    subject = f"Suggested change: {module.id} version {module.version}"
    body = (f"Module: {module.title} ({module.id}), version {module.version}\n"
            + (f"Page: {page_url}\n" if page_url else "")
            + "\nWhat would you like to change, and why?\n\n")
    issue_url = (extra or {}).get("repo_issue_url")
    if issue_url:
        href = f"{issue_url}?{urlencode({'title': subject, 'body': body}, quote_via=quote)}"
        how = "opens a form to write your suggestion"
    else:
        address = (extra or {}).get("suggest_change_email", "")
        href = f"mailto:{address}?subject={quote(subject)}&body={quote(body)}"
        how = "opens an email to the programme team"
    return (f'<p class="cascade-suggest"><a href="{escape(href)}">Suggest a change to this module'
            f'</a> ({how}). Say what you would change and why. You do not need an account.</p>\n')
