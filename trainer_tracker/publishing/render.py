"""What the site macros render, from the loaded curriculum. HTML is escaped; Markdown is plain."""

from __future__ import annotations

import posixpath
from html import escape

from ..content.curriculum import ContentFile, Curriculum, Module

STATUS_TEXT = {
    "draft": ("Draft", "This module is a draft. It has not been reviewed yet."),
    "in-review": ("In review", "The lived experience panel and clinical reviewers are checking this "
                  "module. It may change before it is approved."),
    "approved": ("Approved", "The lived experience panel and clinical reviewers have approved this module."),
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
        absolute = posixpath.normpath(posixpath.join(posixpath.dirname(from_src), path)) if path else from_src
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


def source_html(module: Module, curriculum: Curriculum, edition: str) -> str:
    source = module.source
    if source.written_in_england:
        return "Written in England for this programme. " + escape(source.written_in_england)
    if not source.id:
        return "Not recorded"
    text = f"German module <code>{escape(source.id)}</code>"
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


def module_changelog(module: Module) -> str:
    lines = ["## Changes to this module", "",
             "| Version | Date | What changed | LEAP recommendation |",
             "|---|---|---|---|"]
    for entry in module.changelog:
        summary = entry.summary.replace("|", "\\|").replace("\n", " ")
        lines.append(f"| {entry.version} | {entry.date} | {summary} | {entry.leap or '-'} |")
    return "\n".join(lines) + "\n"


def fidelity_checklist(module: Module, heading: bool = True) -> str:
    """The blank, printable delivery checklist: the module's core components, versioned with it."""
    rows = []
    for n, component in enumerate(module.fidelity, start=1):
        essential = "Yes" if component.essential else "No"
        rows.append(
            f"<tr><td>{n}</td><th scope=\"row\">{escape(component.description)}"
            f"<br><small>{escape(component.id)}</small></th><td>{essential}</td>"
            + "".join(f'<td class="cascade-box" aria-label="{lab}">&#9744; {lab}</td>'
                      for lab in ("0", "1", "2", "N/A"))
            + "<td></td></tr>"
        )
    caption = (f"Fidelity checklist: {escape(module.title)}, version {escape(str(module.version))}. "
               "Score 0 = not done, 1 = partly, 2 = fully, or N/A.")
    table = (
        '<div class="cascade-checklist">'
        '<p class="cascade-checklist__fields">Trainer: ____________ Observer: ____________ '
        "Date: ________ Course: ____________ Rater role: observer / self</p>"
        f"<table><caption>{caption}</caption><thead><tr><th scope=\"col\">#</th>"
        '<th scope="col">Core component</th><th scope="col">Essential</th>'
        '<th scope="col" colspan="4">Score</th><th scope="col">Notes</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
        "<p>Fidelity % = sum of scores / (2 x number of items scored, leaving out N/A).</p></div>"
    )
    return (("## Fidelity checklist\n\n" if heading else "") + table + "\n")


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
    out = []
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
        lines.append(f"| {date} | [{module.title}]({link(from_src, module.rel)}) | {entry.version} | {summary} |")
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
    rows = ["| Change | What it means for carers | Does it apply now? |", "|---|---|---|"]
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
        rows.append("| " + " | ".join(cells) + " |")
    checked = data.get("as_of", "not recorded")
    return "\n".join(rows) + f"\n\n*This table was last checked on {checked}.*\n"
