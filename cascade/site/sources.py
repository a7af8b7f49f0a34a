"""Trainer edition: a page per adapted module with the German source beside the English text,
the adaptation notes and (when the German text changed since the pin) what changed, and the
index of every module's source."""

from __future__ import annotations

import json
import re
from html import escape

from ..authoring.worddiff import escape_markdown, render_html
from ..content.editions import render_markdown
from ..content.model import Curriculum, Module
from .links import link, rebase_links
from .module_page import STATUS_TEXT

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

    `status` is the module's content.german.AdaptationStatus; `changes` the (PinnedText,
    paragraph changes) of the German text since the pin, when the adaptation is stale.
    """
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
    english = rebase_links(render_markdown(module, "trainer"), module.rel, src)
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
