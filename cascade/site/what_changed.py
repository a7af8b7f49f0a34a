"""The "what changed" pages, generated in both editions: for each module whose MAJOR version went
up since the release before the current curriculum (authoring.releases.major_changes), a short
page for the people trained on the older version, and an index that lists them (or says kindly
that nothing changed in a big way).

Each module's page puts the changed core components first (trainer edition only: core components
are the trainer's checklist, never shown to supporters), then what people must now do
differently, in plain English from the objectives and the changelog, then a link to the module's
knowledge check.
"""

from __future__ import annotations

from ..authoring.releases import MajorChange, Release, major_changes, previous_release
from ..authoring.worddiff import diff_words, escape_markdown, render_markdown
from ..content.checks import KNOWLEDGE_CHECK_ANCHOR
from ..content.model import Curriculum
from .links import link

FOLDER = "what-changed"
INDEX = f"{FOLDER}/index.md"
TITLE = "What changed since the last release"


def module_src(module_id: str) -> str:
    return f"{FOLDER}/{module_id}.md"


def refresher_changes(curriculum: Curriculum) -> tuple[Release | None, list[MajorChange]]:
    """The release before the current curriculum, and its modules' MAJOR changes since then
    (worked out once per loaded curriculum: the navigation and the pages both ask)."""
    cached = getattr(curriculum, "_refresher_changes", None)
    if cached is None:
        previous = previous_release(curriculum)
        changes = major_changes(curriculum, previous.name) if previous else []
        cached = curriculum._refresher_changes = (previous, changes)
    return cached


def changes_in(curriculum: Curriculum, edition: str) -> list[MajorChange]:
    """The MAJOR changes to modules in this edition (trainer modules: trainer edition only)."""
    _, changes = refresher_changes(curriculum)
    shown = {m.id for m in curriculum.modules_for(edition)}
    return [c for c in changes if c.module_id in shown]


def pages(curriculum: Curriculum, edition: str) -> dict[str, str]:
    """Source path -> Markdown (with front matter) of every "what changed" page of the edition."""
    previous, _ = refresher_changes(curriculum)
    changes = changes_in(curriculum, edition)
    result = {INDEX: index_page(previous, changes, curriculum)}
    for change in changes:
        result[module_src(change.module_id)] = module_page(change, previous, curriculum, edition)
    return result


def index_page(previous: Release | None, changes: list[MajorChange], curriculum: Curriculum) -> str:
    lines = ["---", f"title: {TITLE}", "---", ""]
    if previous is None:
        lines += ["No module has changed in a big way yet, so there is nothing you need to study "
                  "again. What you learn here is up to date.", "",
                  "When a module changes in a way that affects what people learn, or how "
                  "trainers teach it, a short page about it will appear here.", ""]
    elif not changes:
        lines += [f"No module has changed in a big way since release {previous.name}. What you "
                  "learned still holds, and there is nothing you need to study again.", ""]
    else:
        lines += [f"These modules changed in a big way since release {previous.name}. If you "
                  "trained on an earlier version, please read what changed, then try the "
                  "module's questions again. Your trainer or site lead may also offer you a short "
                  "refresher. It is not a test.", ""]
        for change in changes:
            lines.append(f"- [{escape_markdown(change.title)}]({link(INDEX, module_src(change.module_id))}): "
                         f"version {change.old_version} is now version {change.new_version}")
        lines.append("")
    lines += [f"Smaller changes to every module are listed on [What has changed]({link(INDEX, 'changes.md')}).",
              ""]
    return "\n".join(lines)


def module_page(change: MajorChange, previous: Release | None, curriculum: Curriculum, edition: str) -> str:
    src = module_src(change.module_id)
    module = curriculum.module(change.module_id)
    title = escape_markdown(change.title)
    since = f" (in release {previous.name})" if previous else ""
    lines = ["---", f"title: \"What changed: {change.title.replace(chr(34), chr(39))}\"", "---", "",
             f"[{title}]({link(src, module.rel)}) changed from version {change.old_version}{since} "
             f"to version {change.new_version}. This is a big change: it changes what people learn, "
             "or how trainers teach it. If you trained on the older version, this page tells you "
             "what is different.", ""]
    if edition == "trainer":
        lines += _components(change)
    lines += _objectives(change)
    lines += _do_differently(change, edition)
    lines += ["## Check what you know", ""]
    if module.knowledge_check:
        lines += [f"[Answer the questions for {title}]({link(src, module.rel, KNOWLEDGE_CHECK_ANCHOR)}) "
                  "to see what you know now. Nobody else sees your answers.", ""]
    else:
        lines += [f"This module has no questions yet. [Read {title} again]({link(src, module.rel)}) "
                  "to see the changes in place.", ""]
    lines += [f"[Back to {TITLE.lower()}]({link(src, INDEX)})", ""]
    return "\n".join(lines)


def _components(change: MajorChange) -> list[str]:
    lines = ["## Core components that changed", ""]
    if not change.compared:
        return lines + ["The release before did not record the core components, so they cannot be "
                        "compared here. See the module's fidelity checklist.", ""]
    for c in change.components:
        if c.kind == "added":
            lines.append(f"- New: {escape_markdown(c.new)}")
        elif c.kind == "removed":
            lines.append(f"- Taken out: ~~{escape_markdown(c.old)}~~")
        elif c.kind == "reworded":
            lines.append(f"- Changed: {render_markdown(diff_words(c.old, c.new))}")
        else:
            lines.append(f"- Core component {escape_markdown(c.id)} is now {c.new} (it was {c.old}).")
    if not change.components:
        lines.append("No core component changed: the learning objectives did.")
    return lines + [""]


def _objectives(change: MajorChange) -> list[str]:
    if not (change.objectives_added or change.objectives_removed):
        return []
    lines = ["## What people learn now", ""]
    lines += [f"- New: {escape_markdown(o)}" for o in change.objectives_added]
    lines += [f"- No longer part of this module: ~~{escape_markdown(o)}~~" for o in change.objectives_removed]
    return lines + [""]


def _do_differently(change: MajorChange, edition: str) -> list[str]:
    lines = ["## What to do differently now", ""]
    if edition == "trainer" and change.components:
        lines.append(f"- When you teach this module, deliver each core component above as it now "
                     f"reads, and observe with the checklist for version {change.new_version}.")
    lines += [f"- You should now be able to: {escape_markdown(o)}" for o in change.objectives_added]
    if change.objectives_removed:
        lines.append("- Some things are no longer part of this module (crossed out above). You do "
                     "not need to do them for this module any more.")
    if change.changelog:
        lines += ["", "What the people who wrote the change say:", ""]
        for entry in change.changelog:
            lines.append(f"- Version {entry.version} ({entry.date}): {escape_markdown(' '.join(entry.summary.split()))}")
    if len(lines) == 2:
        lines.append("Read the module again to see the changes in place.")
    return lines + [""]


def module_note(curriculum: Curriculum, module_id: str, edition: str, from_src: str) -> str:
    """A line for a module's page when it has a "what changed" page; empty otherwise."""
    change = next((c for c in changes_in(curriculum, edition) if c.module_id == module_id), None)
    if change is None:
        return ""
    return (f"This module changed in a big way in version {change.new_version}. If you trained on "
            f"version {change.old_version}, read [what changed]({link(from_src, module_src(module_id))}).\n")
