"""What the site macros render, from the loaded curriculum. HTML is escaped; Markdown is plain."""

from __future__ import annotations

import json
import posixpath
import re
from html import escape

from ..content.curriculum import ContentFile, Curriculum, Material, Module

STATUS_TEXT = {
    "draft": ("Draft", "This module is a draft. It has not been reviewed yet."),
    "in-review": ("In review", "The lived experience panel and clinical reviewers are checking "
                  "this module. It may change before it is approved."),
    "approved": ("Approved", "The lived experience panel and clinical reviewers have approved "
                 "this module."),
    "retired": ("Retired", "This module is no longer taught. It is kept for the record."),
}
AUDIENCE_TEXT = {"supporters": "peer supporters", "trainers": "trainers"}


def link(from_src: str, to_src: str, anchor: str = "") -> str:
    """Relative link from one source page to another, as MkDocs expects in Markdown."""
    rel = posixpath.relpath(to_src, posixpath.dirname(from_src) or ".")
    return rel + (f"#{anchor}" if anchor else "")


def rebase_links(markdown_text: str, from_src: str, to_src: str) -> str:
    """Rewrite relative links in text moved from one page to another so they still resolve."""
    from urllib.parse import urlsplit

    from ..content.blocks import LINK_RE

    def fix(match):
        target = match.group("target").strip("<>")
        if not target or urlsplit(target).scheme or target.startswith("//"):
            return match.group(0)
        path, _, anchor = target.partition("#")
        absolute = (posixpath.normpath(posixpath.join(posixpath.dirname(from_src), path))
                    if path else from_src)
        new = link(to_src, absolute, anchor)
        return match.group(0).replace(f"({match.group('target')}", f"({new}", 1)

    return LINK_RE.sub(fix, markdown_text)


def _and(items: list[str]) -> str:
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
        ("For", escape(_and([AUDIENCE_TEXT.get(a, a) for a in module.audience]) or "?")),
        ("Cascade stages", escape(_and([str(s) for s in module.stages]) or "?")),
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
        from ..authoring import translations

        german = translations.load_german(translations.translations_root(curriculum))
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
    return f'<div class="cascade-material" markdown>\n\n{intro}\n\n{material.render_markdown(edition)}\n\n</div>\n'


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
    from ..assessments.checklists import module_checklist

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


def curriculum_overview(curriculum: Curriculum, edition: str, from_src: str) -> str:
    head = "| Module | For | Stages | Version | Status | Last changed |"
    rule = "|---|---|---|---|---|---|"
    if edition == "trainer":
        head = head[:-1] + " Session length |"
        rule += "---|"
    lines = [head, rule]
    for module in curriculum.modules_for(edition):
        row = (f"| [{module.title}]({link(from_src, module.rel)}) | "
               f"{_and([AUDIENCE_TEXT[a] for a in module.audience])} | "
               f"{_and([str(s) for s in module.stages])} | {module.version} | "
               f"{STATUS_TEXT[module.status][0]} | {module.last_changed or '-'} |")
        if edition == "trainer":
            row += f" {duration_text(module.duration_minutes)} |"
        lines.append(row)
    return "\n".join(lines) + "\n"


def all_trainer_notes(curriculum: Curriculum, from_src: str) -> str:
    out = []
    for module in curriculum.modules_for("trainer"):
        notes = module.trainer_notes
        if not notes:
            continue
        out.append(f"## {module.title}\n")
        for n, block in enumerate(notes, start=1):
            title = block.title or "Trainer notes"
            back = link(from_src, module.rel, f"trainer-note-{n}")
            content = rebase_links("\n".join(block.content), module.rel, from_src)
            body = "\n".join("    " + line if line.strip() else "" for line in content.splitlines())
            out.append(f'!!! trainer-notes "{title.replace(chr(34), chr(39))}"\n{body}\n\n'
                       f"[Go to this note in {module.title}]({back})\n")
    return "\n".join(out) or "There are no trainer notes yet.\n"


def all_fidelity_checklists(curriculum: Curriculum, from_src: str) -> str:
    from ..assessments.checklists import load_checklists

    out = []
    files = load_checklists(curriculum.root.parent / "assessments" / "checklists")
    for checklist in files.checklists:
        out.append(f"## {checklist.title}\n\n{checklist.description or ''}\n\n" + checklist_table(checklist))
    for module in curriculum.modules_for("trainer"):
        if module.fidelity:
            out.append(f"## {module.title}\n\n[Open the module]({link(from_src, module.rel)})\n\n"
                       + fidelity_checklist(module, heading=False))
    return "\n".join(out)


def glossary(curriculum: Curriculum) -> str:
    lines = []
    for term in sorted(curriculum.glossary, key=lambda t: t.term.lower()):
        lines.append(f"{term.term} ({term.expansion})\n:   {term.definition}\n")
    return "\n".join(lines) or "No terms yet.\n"


def abbreviations(curriculum: Curriculum) -> str:
    """Abbreviation definitions (shown as tooltips by Material's content.tooltips)."""
    return "\n".join(f"*[{t.term}]: {t.expansion}" for t in curriculum.glossary)


def changes(curriculum: Curriculum, edition: str, from_src: str) -> str:
    entries = []
    for module in curriculum.modules_for(edition):
        for entry in module.changelog:
            entries.append((entry.date, module, entry))
    entries.sort(key=lambda e: (e[0], e[1].id), reverse=True)
    lines = ["| Date | Module | Version | What changed |", "|---|---|---|---|"]
    for date, module, entry in entries:
        summary = entry.summary.replace("|", "\\|").replace("\n", " ")
        lines.append(f"| {date} | [{module.title}]({link(from_src, module.rel)}) | "
                     f"{entry.version} | {summary} |")
    return "\n".join(lines) + "\n"


def file_title(item: ContentFile) -> str:
    return getattr(item, "title", "") or item.rel


MHA_STATUS_TEXT = {
    "in-force": "Applies now",
    "partly-in-force": "Partly applies now",
    "not-in-force": "Not yet - still coming",
}


def mha_changes(curriculum: Curriculum) -> str:
    """The Mental Health Act 2025 changes table, from curriculum/data/mha-2025.yml.

    Updating one line of that file as each part comes into force updates every page using it.
    """
    entry = curriculum.data.get("mha-2025")
    if entry is None:
        raise ValueError("curriculum/data/mha-2025.yml is missing")
    data, lines, path = entry["data"], entry["lines"], entry["path"]
    changes = data.get("changes") if isinstance(data, dict) else None
    if not isinstance(changes, list):
        raise ValueError(f"{path}:1: needs 'changes:', a list")
    rows = ["| Change | What it means for carers | Does it apply now? | Source |", "|---|---|---|---|"]
    for index, item in enumerate(changes):
        line = lines.get(("changes", index), 1)
        try:
            status = MHA_STATUS_TEXT[item["status"]]
            change, meaning = item["change"], item["for_carers"]
        except (KeyError, TypeError) as exc:
            raise ValueError(f"{path}:{line}: each change needs change, for_carers and status "
                             f"({', '.join(MHA_STATUS_TEXT)}); problem with {exc}") from None
        if item.get("commenced"):
            status += f" (since {item['commenced']})"
        if item.get("review"):
            status += " - being checked"
        cells = [str(c).replace("|", "\\|").replace("\n", " ") for c in (change, meaning, status)]
        source = item.get("source")
        if isinstance(source, dict) and source.get("url"):
            cells.append(f"[{str(source.get('title') or 'Source').replace('|', '/')}]({source['url']})")
        else:
            cells.append("Being checked")
        rows.append("| " + " | ".join(cells) + " |")
    checked = data.get("as_of", "not recorded")
    return "\n".join(rows) + f"\n\n*This table was last checked on {checked}.*\n"


# --- Trainer edition: the German source beside the English text, per adapted module ---

ILLUSTRATIVE_LABEL = ("Illustrative German text written by this project, not the German "
                      "programme's own material.")
SOURCE_FOLDER = "source"
SOURCE_STATE_TEXT = {
    "up-to-date": "Checked against the current German text",
    "stale": "The German text changed after the adaptation was checked",
    "unpinned": "Not yet checked against the German text (not pinned)",
    "missing source": "The German text is not in the repository yet",
}


def source_page_src(module: Module) -> str:
    return f"{SOURCE_FOLDER}/{module.id}.md"


def _demote(markdown_text: str, levels: int) -> str:
    """Push Markdown headings down `levels` levels (## -> ####), outside code fences."""
    out, fence = [], None
    for line in markdown_text.splitlines():
        stripped = line.lstrip()
        if stripped.startswith(("```", "~~~")):
            marker = stripped[:3]
            fence = None if fence == marker else (fence or marker)
        if fence is None and re.match(r"^#{1,6}\s", line):
            hashes = len(line) - len(line.lstrip("#"))
            line = "#" * min(6, hashes + levels) + line[hashes:]
        out.append(line)
    return "\n".join(out)


def _raw(text: str) -> str:
    """Text the macros plugin must not treat as a template (German text, notes, diffs)."""
    return "{% raw %}" + text.replace("{% endraw %}", "") + "{% endraw %}"


def _illustrative_html() -> str:
    return (f'<p class="cascade-illustrative" lang="en"><strong>{escape(ILLUSTRATIVE_LABEL)}'
            "</strong></p>")


def source_page(module: Module, status, changes=None) -> str:
    """The whole generated page source/<module-id>.md (front matter and Markdown).

    `status` is the module's translations.AdaptationStatus; `changes` the (PinnedText,
    paragraph changes) of the German text since the pin, when the adaptation is stale.
    """
    from ..authoring.worddiff import escape_markdown, render_html

    src = source_page_src(module)
    german = status.german
    title = f"Source and adaptation: {module.title}"
    lines = ["---", f"title: {json.dumps(title)}", "hide:", "  - toc", "---", ""]
    if german is not None and german.illustrative:
        lines += [_illustrative_html(), ""]
    lines += [f"[Open the module: {module.title}]({link(src, module.rel)}) (version "
              f"{module.version}, {STATUS_TEXT.get(module.status, (module.status,))[0].lower()})",
              ""]
    state = SOURCE_STATE_TEXT.get(status.state, status.state)
    source = module.source
    if status.state == "stale":
        lines += ['!!! warning "This adaptation is out of date"',
                  "    The German text has changed since the English module was last checked "
                  f"against it (checked: revision `{source.revision}`; now: revision "
                  f"`{status.current}`). The English text below may need updating. When it has "
                  "been checked, run `cascade translations pin " + module.id + "`.", ""]
    elif status.state != "up-to-date":
        lines += [f'!!! note "{state}"',
                  f"    German module `{source.id}`"
                  + (f", revision `{source.revision}`." if source.revision else "."), ""]
    lines += ["## Adaptation notes", ""]
    notes = source.adaptation or "No adaptation notes yet. Add them under 'source: adaptation:'."
    lines += [_raw(escape_markdown(notes)), "",
              f"German module: `{source.id}`"
              + (f" ({escape(german.title)})" if german else "")
              + f". {state}.", ""]
    if status.state == "stale":
        lines += ["## What changed in the German text since it was checked", ""]
        if changes is None:
            lines += ["The German text as it was when checked could not be found (no snapshot "
                      "under translations/snapshots/ and not in the git history).", ""]
        else:
            pinned, paragraph_changes = changes
            items = []
            for change in paragraph_changes:
                if change.kind == "added":
                    item = f"<strong>Added:</strong> <ins>{escape(change.new)}</ins>"
                elif change.kind == "removed":
                    item = f"<strong>Removed:</strong> <del>{escape(change.old)}</del>"
                else:
                    item = f"<strong>Changed:</strong> {render_html(change.chunks)}"
                items.append(f"<li>{item}</li>")
            listing = (f'<ul class="cascade-diff" lang="de">{"".join(items)}</ul>' if items
                       else "Only spacing changed.")
            lines += [f"Compared with the text from {escape(pinned.found_in)}. Words marked "
                      "[added: <ins>like this</ins>] are new; words marked [removed: "
                      "<del>like this</del>] were taken out.", "", _raw(listing), ""]
    lines += ["## The German text beside the English text", ""]
    english = rebase_links(module.render_markdown("trainer"), module.rel, src)
    lines += ['<div class="cascade-source" markdown>', ""]
    lines += ['<section class="cascade-source__column" lang="de" markdown>', ""]
    if german is None:
        lines += ["### German source", "",
                  f"The German text `{source.id}` is not in the repository yet. Add it as "
                  f"`translations/de/{source.id}.md`.", ""]
    else:
        lines += [f"### German source: {german.title}", ""]
        if german.illustrative:
            lines += [_illustrative_html(), ""]
        lines += [_raw(_demote(german.body.strip(), 2)), ""]
    lines += ["</section>", ""]
    lines += ['<section class="cascade-source__column" lang="en" markdown>', ""]
    lines += [f"### English module: {module.title}", "", _demote(english.strip(), 2), ""]
    lines += ["</section>", "", "</div>", ""]
    return "\n".join(lines)


def sources_index(curriculum: Curriculum, statuses: list, from_src: str) -> str:
    """The trainer-edition page listing every module and where its text comes from."""
    lines = ["| Module | German source | State |", "|---|---|---|"]
    for status in statuses:
        module = status.module
        if module.status == "retired":
            continue
        if module.source.id:
            page = link(from_src, source_page_src(module))
            german = f"[{module.source.id}]({page})"
            if status.german is not None and status.german.illustrative:
                german += " (illustrative)"
            state = SOURCE_STATE_TEXT.get(status.state, status.state)
        else:
            german, state = "-", "Written in England"
        lines.append(f"| [{module.title}]({link(from_src, module.rel)}) | {german} | {state} |")
    note = ("German texts marked *illustrative* were written by this project, not taken from the "
            "German programme's own material.")
    return "\n".join(lines) + "\n\n" + note + "\n"


# --- LEAP recommendations and the module changes that answer them ---


def leap_impact(curriculum: Curriculum, from_src: str) -> str:
    from ..authoring.leap import load_recommendations

    recommendations = load_recommendations(curriculum)
    if not recommendations:
        return ("No recommendations are recorded yet. They are kept in "
                "curriculum/data/leap-recommendations.yml.\n")
    out = []
    for rec in recommendations.values():
        heading = f"## {rec.id}"
        if rec.example:
            heading += " (example)"
        out += [heading, ""]
        if rec.example:
            out += ["*This is an example to show the format, not a real recommendation of "
                    "the panel.*", ""]
        out += [rec.recommendation, "", f"Made on {rec.date}. Status: {rec.status_text}.", ""]
        if rec.notes:
            out += [rec.notes, ""]
        if rec.changes:
            out += ["Module changes that answer it:", ""]
            for module, entry in rec.changes:
                summary = re.sub(r"\s+", " ", entry.summary)
                out.append(f"- [{module.title}]({link(from_src, module.rel)}), version "
                           f"{entry.version} ({entry.date}): {summary}")
            out.append("")
        else:
            out += ["No module change cites it yet.", ""]
    return "\n".join(out)


# --- "Suggest a change": for reviewers without an account on the code forge ---


def suggest_change(module: Module, extra: dict, page_url: str = "") -> str:
    """A link that opens a prefilled email, or a prefilled issue if extra.repo_issue_url is set."""
    from urllib.parse import quote, urlencode

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


# --- Per-site details from the programme configuration (cascade/programme.yml) ---

def _site_rows(programme: dict) -> list[dict]:
    sites = programme.get("sites") or []
    return [s for s in sites if isinstance(s, dict) and s.get("code")]


def out_of_hours(programme: dict) -> str:
    """Who to call when the site team is closed, per site (programme configuration)."""
    lines = []
    for site in _site_rows(programme):
        routes = site.get("out_of_hours") or []
        lines.append(f"**{site.get('name', site['code'])}**\n")
        if not routes:
            lines.append("- The site team has not added its out-of-hours routes yet. Until it does, use the "
                         "numbers below.\n")
        for route in routes:
            phone = f": {route['phone']}" if route.get("phone") else ""
            when = f" ({route['when']})" if route.get("when") else ""
            lines.append(f"- {route.get('who', 'Call')}{phone}{when}")
        lines.append("")
    lines += ["**Everywhere in England, at any time**\n",
              "- Someone is in danger now: call 999.",
              "- Urgent mental health help: call NHS 111 and choose the mental health option.",
              "- Samaritans, to talk: call 116 123 (free, day or night)."]
    return "\n".join(lines) + "\n"


def site_contacts(programme: dict) -> str:
    """How to reach each site's peer support team (programme configuration)."""
    rows = ["| Area | Team | Phone | Email | When |", "|---|---|---|---|---|"]
    for site in _site_rows(programme):
        team = site.get("team") or {}
        cells = [site.get("name", site["code"]), team.get("name", "To be confirmed"), team.get("phone", "-"),
                 team.get("email", "-"), team.get("hours", "-")]
        rows.append("| " + " | ".join(str(c).replace("|", "/") for c in cells) + " |")
    return "\n".join(rows) + "\n"
