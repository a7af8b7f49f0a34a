"""Pages the site generates from the whole curriculum: the overview, all trainer notes, all
fidelity checklists, the glossary, the changes, the Mental Health Act table and the LEAP impact."""

from __future__ import annotations

import re

from ..assessments.checklists import load_checklists
from ..content.leap import load_recommendations
from ..content.model import ContentFile, Curriculum
from .links import link, rebase_links
from .module_page import AUDIENCE_TEXT, STATUS_TEXT, and_list, checklist_table, duration_text, fidelity_checklist


def curriculum_overview(curriculum: Curriculum, edition: str, from_src: str) -> str:
    head = "| Module | For | Stages | Version | Status | Last changed |"
    rule = "|---|---|---|---|---|---|"
    if edition == "trainer":
        head = head[:-1] + " Session length |"
        rule += "---|"
    lines = [head, rule]
    for module in curriculum.modules_for(edition):
        row = (f"| [{module.title}]({link(from_src, module.rel)}) | "
               f"{and_list([AUDIENCE_TEXT[a] for a in module.audience])} | "
               f"{and_list([str(s) for s in module.stages])} | {module.version} | "
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


def leap_impact(curriculum: Curriculum, from_src: str) -> str:
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
