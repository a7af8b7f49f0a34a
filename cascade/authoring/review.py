"""`cascade curriculum review BASE [HEAD]`: a plain-English summary of module changes for the
lived experience advisory panel (LEAP), most of whom are not developers.

It never shows raw Markdown: the text is rendered as the site renders it and compared word by
word, with additions and removals marked in words a screen reader also says.
"""

from __future__ import annotations

import re
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from ..content import german as tr
from ..content.editions import render_markdown
from ..content.knowledge_check import check_paragraphs
from ..content.load import load_curriculum
from ..content.model import Curriculum, Module
from ..content.readability import reading_age
from ..site import generated
from . import gitrev, prose, versioning, worddiff
from .worddiff import escape_markdown as esc

CHECKLIST = [
    ("Is it kind?", "Would it feel respectful and safe to a carer who is going through this "
     "right now?"),
    ("Is it accurate for England?", "The law, NHS services, phone numbers and time limits."),
    ("Would a carer understand it?", "Short sentences, everyday words, every abbreviation "
     "explained."),
    ("Is anything missing?", "A warning before hard content, where to get help, a step that "
     "matters to carers."),
    ("Did a learning objective or core component change?", "If so, is that right, and should "
     "trainers who already delivered the module be told?"),
]
LEGEND = ("How to read the changes: words marked \\[added: **like this**\\] are new; words "
          "marked \\[removed: ~~like this~~\\] were taken out. Everything is shown as it reads "
          "on the training site.")


@dataclass
class Side:
    label: str  # "main (abc1234)" or "your working copy"
    curriculum: Curriculum
    german: dict


def _load_side(stack: ExitStack, root: Path, rev: str | None) -> Side:
    if rev is None:
        curriculum = load_curriculum(root / "curriculum")
        return Side("the working copy", curriculum, tr.load_german(root / "translations"))
    copy = stack.enter_context(gitrev.checkout_copy(root, rev, "curriculum", "translations"))
    commit = gitrev.short(root, gitrev.resolve(root, rev))
    label = rev if rev.startswith(commit) else f"{rev} ({commit})"
    if not (copy / "curriculum").is_dir():
        (copy / "curriculum").mkdir(parents=True)
        (copy / "curriculum" / "curriculum.yml").write_text("modules: []\n", encoding="utf-8")
    curriculum = load_curriculum(copy / "curriculum")
    return Side(label, curriculum, tr.load_german(copy / "translations"))


def review(root: Path, base: str, head: str | None = None, preview_url: str | None = None) -> str:
    """The review summary as Markdown. `head` None means the working tree."""
    root = Path(root).resolve()
    with ExitStack() as stack:
        old = _load_side(stack, root, base)
        new = _load_side(stack, root, head)
        changes = [c for c in versioning.compare(old.curriculum, new.curriculum, root)
                   if c.state != "unchanged"]
        german = _german_changes(old, new)
        return _summary(root, old, new, changes, german, preview_url)


def _summary(root: Path, old: Side, new: Side, changes, german, preview_url) -> str:
    out = ["# Curriculum changes for review", ""]
    out += [f"This compares {esc(new.label)} with {esc(old.label)}.", ""]
    counts = {state: sum(1 for c in changes if c.state == state) for state in ("changed", "added",
                                                                               "removed")}
    if not changes and not german:
        out += ["No module and no German source text changed.", ""]
        return "\n".join(out)
    out += [f"Modules changed: {counts['changed']}. Added: {counts['added']}. "
            f"Removed: {counts['removed']}. German source texts changed: {len(german)}.", ""]
    if preview_url:
        out += [f"Preview of both editions of the site: [download the built site]({preview_url})",
                ""]
    out += [LEGEND, ""]
    out += _objectives_first(changes)
    for change in changes:
        out += _module_section(root, change, old, new)
    if german:
        out += _german_section(german)
    out += ["## Checklist for reviewers", ""]
    out += [f"- [ ] **{question}** {hint}" for question, hint in CHECKLIST]
    out += ["", "You can reply in a comment on this pull request, or use the \"Suggest a change\" "
            "link on any module page of the site to send an email.", ""]
    return "\n".join(out)


# --- Objectives and core components, called out first ---


def _objective_lines(old: Module | None, new: Module | None) -> list[str]:
    lines: list[str] = []
    if old is None or new is None:
        return lines
    removed, added, _ = versioning.objective_changes(old, new)
    lines += [f"- Learning objective removed: ~~{esc(o)}~~" for o in removed]
    lines += [f"- Learning objective added: **{esc(o)}**" for o in added]
    components, _ = versioning.component_changes(old, new)
    for c in components:
        if c.kind == "added":
            lines.append(f"- Core component added ({esc(c.id)}): **{esc(c.new)}**")
        elif c.kind == "removed":
            lines.append(f"- Core component removed ({esc(c.id)}): ~~{esc(c.old)}~~")
        elif c.kind == "reworded":
            diff = worddiff.render_markdown(worddiff.diff_words(c.old, c.new))
            lines.append(f"- Core component reworded ({esc(c.id)}): {diff}")
        else:
            lines.append(f"- Core component {esc(c.id)} changed from {c.old} to **{c.new}**")
    return lines


def _objectives_first(changes) -> list[str]:
    out = ["## Read first: learning objectives and core components", ""]
    found = False
    for change in changes:
        if change.state == "added":
            continue
        lines = _objective_lines(change.old, change.new)
        if change.state == "removed":
            lines = [f"- The whole module was removed, with its {len(change.old.objectives)} "
                     f"objectives and {len(change.old.fidelity)} core components."]
        if lines:
            found = True
            out += [f"**{esc(change.module.title)}** ({esc(change.module.id)}):", "", *lines, ""]
    added = [c for c in changes if c.state == "added"]
    for change in added:
        found = True
        out += [f"**{esc(change.module.title)}** ({esc(change.module.id)}) is a new module with "
                f"{len(change.new.objectives)} learning objectives and {len(change.new.fidelity)} "
                "core components (listed in its section below).", ""]
    if not found:
        out += ["No learning objective and no core component changed. (These changes matter most: "
                "they decide what trainers must deliver and check.)", ""]
    else:
        out += ["Changing an objective or a core component needs a MAJOR version. People "
                "certified on an older MAJOR version may need a refresher.", ""]
    return out


# --- One module ---


def _resolver(curriculum: Curriculum):
    def resolve(name: str, args: str) -> str | None:
        try:
            if name == "mha_changes":
                return generated.mha_changes(curriculum)
            if name == "glossary":
                return generated.glossary(curriculum)
        except (ValueError, KeyError, TypeError):
            return None
        if name == "edition_name":
            return "supporter edition"
        return None

    return resolve


def _text(module: Module, curriculum: Curriculum, root: Path) -> list[str]:
    edition = "supporter" if module.for_supporters else "trainer"
    return prose.paragraphs(render_markdown(module, edition), root, _resolver(curriculum))


def _trainer_notes(module: Module, curriculum: Curriculum, root: Path) -> list[str]:
    if not module.for_supporters:
        return []  # the whole text is compared already
    result = []
    for block in module.trainer_notes:
        result.append("Box: " + (block.title or "Trainer notes"))
        result += prose.paragraphs(block.text, root, _resolver(curriculum))
    return result


def _paragraph_lines(changes: list[worddiff.ParagraphChange]) -> list[str]:
    lines = []
    for change in changes:
        if change.kind == "added":
            lines.append(f"- **Added:** {esc(change.new)}")
        elif change.kind == "removed":
            lines.append(f"- **Removed:** ~~{esc(change.old)}~~")
        else:
            lines.append(f"- **Changed:** {worddiff.render_markdown(change.chunks)}")
    return lines


def _version_line(change: versioning.ModuleChange) -> list[str]:
    old, new = change.old, change.new
    if old is None or new is None:
        return []
    required = change.required
    if required is None:
        return ["- Version check: nothing that needs a new version changed."]
    names = versioning.KIND_NAMES
    why = "; ".join(r.text for r in change.reasons_for(required))
    need = f"this change needs a {names[required]} version ({why})"
    if old.version and new.version and new.version <= old.version:
        return [f"- Version check: **not yet right**: {need}, but the version is still "
                f"{old.version}."]
    actual = change.actual
    if actual and versioning.BUMP_ORDER[actual] < versioning.BUMP_ORDER[required]:
        return [f"- Version check: **not yet right**: {need}, but it went up by a "
                f"{names[actual]} step only."]
    return [f"- Version check: OK. {need[0].upper()}{need[1:]}."]


def _readability(old: Module | None, new: Module | None) -> list[str]:
    def text(module: Module | None) -> str:
        if module is None:
            return "-"
        if not module.for_supporters:
            return "not measured (a trainer module)"
        grade = module.readability_grade
        if grade is None:
            return "too little text to measure"
        return f"reading age about {reading_age(grade):.0f} (grade {grade:.1f})"

    return [f"- Reading level: before {text(old)}; after {text(new)}. The aim is a reading age "
            "of 9 to 11."]


def _warning_key(block) -> str:
    return re.sub(r"\s+", " ", f"{block.title or ''} {block.text}").strip()


def _content_warnings(old: Module | None, new: Module | None) -> list[str]:
    before = {_warning_key(b): b for b in old.content_warnings} if old else {}
    after = {_warning_key(b): b for b in new.content_warnings} if new else {}
    lines = []
    for key, block in after.items():
        if key not in before:
            lines.append(f"- New content warning: **{esc(block.title or 'Content warning')}**: "
                         f"{esc(prose.plain_text(block.text))}")
    for key, block in before.items():
        if key not in after:
            lines.append(f"- Content warning removed: ~~{esc(block.title or 'Content warning')}~~")
    if not lines and (before or after):
        lines.append(f"- Content warnings: {len(after)}, unchanged.")
    return lines


def _changelog(change: versioning.ModuleChange) -> list[str]:
    new = change.new
    if new is None:
        return []
    known = {e.version for e in change.old.changelog} if change.old else set()
    entries = [e for e in new.changelog if e.version not in known]
    if not entries:
        return ["- What the changelog says: **no new entry**. Every change needs one."]
    lines = ["- What the changelog says:"]
    for entry in entries:
        cite = f" (answers LEAP recommendation {esc(entry.leap)})" if entry.leap else ""
        lines.append(f"    - {entry.version}, {entry.date}: {esc(_one_line(entry.summary))}{cite}")
    return lines


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _other_fields(old: Module, new: Module) -> list[str]:
    lines = []
    simple = [("title", "Title"), ("status", "Status"), ("duration_minutes", "Session length "
              "(minutes)"), ("summary", "Summary")]
    for name, label in simple:
        before, after = getattr(old, name), getattr(new, name)
        if before != after:
            lines.append(f"- {label}: {esc(str(before))} → **{esc(str(after))}**")
    for name, label in (("audience", "For"), ("stages", "Cascade stages"),
                        ("prerequisites", "Study first")):
        before, after = getattr(old, name), getattr(new, name)
        if list(before) != list(after):
            lines.append(f"- {label}: {esc(', '.join(map(str, before)) or 'none')} → "
                         f"**{esc(', '.join(map(str, after)) or 'none')}**")
    if old.source != new.source:
        lines.append(f"- German source: {esc(_source_text(old))} → **{esc(_source_text(new))}**")
        if old.source.adaptation != new.source.adaptation and new.source.adaptation:
            diff = worddiff.render_markdown(worddiff.diff_words(old.source.adaptation or "",
                                                                new.source.adaptation))
            lines.append(f"- Adaptation notes: {diff}")
    old_refs = {r.title for r in old.references}
    new_refs = {r.title for r in new.references}
    lines += [f"- New reference: {esc(t)}" for t in sorted(new_refs - old_refs)]
    lines += [f"- Reference removed: ~~{esc(t)}~~" for t in sorted(old_refs - new_refs)]
    return lines


def _source_text(module: Module) -> str:
    source = module.source
    if source.written_in_england:
        return "written in England"
    if not source.id:
        return "not recorded"
    return f"{source.id}, revision {source.revision or 'not pinned'}"


def _module_section(root: Path, change: versioning.ModuleChange, old: Side, new: Side) -> list[str]:
    module = change.module
    file = f"curriculum/{module.rel}"
    title = {"added": "New module", "removed": "Removed module", "changed": "Changed module"}
    out = [f"## {title[change.state]}: {esc(module.title)}", ""]
    o, n = change.old, change.new
    if o and n:
        version = f"{o.version} → {n.version}" if o.version != n.version else (
            f"{n.version} (not changed yet)")
    elif n:
        version = f"{n.version} (new)"
    else:
        version = f"{o.version} (removed)"
    out += [f"- Module id: {esc(module.id)}; file: `{file}`", f"- Version: {version}"]
    out += _version_line(change)
    out += _changelog(change)
    if change.state == "removed":
        out += ["- The module file was deleted. Modules are usually retired ('status: retired') "
                "instead, so their history is kept.", ""]
        return out
    if change.state == "added":
        assert n is not None
        out += ["", "### Learning objectives", ""] + [f"- {esc(x)}" for x in n.objectives]
        out += ["", "### Core components (the fidelity checklist)", ""]
        out += [f"- {esc(c.description)}" + (" (essential)" if c.essential else "")
                for c in n.fidelity]
        out += ["", "### About the text", ""] + _readability(None, n) + _content_warnings(None, n)
        text = "\n\n".join(esc(p) for p in [*_text(n, new.curriculum, root), *check_paragraphs(n)])
        out += ["", "<details><summary>Read the whole new module</summary>", "", text, "",
                "</details>", ""]
        return out
    assert o is not None and n is not None
    first = _objective_lines(o, n)
    if first:
        out += ["", "### Learning objectives and core components", "", *first]
    out += ["", "### What changed in the text", ""]
    paragraphs = worddiff.diff_paragraphs(_text(o, old.curriculum, root),
                                          _text(n, new.curriculum, root))
    out += _paragraph_lines(paragraphs) or ["The text readers see did not change."]
    notes = worddiff.diff_paragraphs(_trainer_notes(o, old.curriculum, root),
                                     _trainer_notes(n, new.curriculum, root))
    if notes:
        out += ["", "### Trainer notes (trainer edition only)", "", *_paragraph_lines(notes)]
    # The questions supporters answer are text they read: reviewed as plain English too.
    check = worddiff.diff_paragraphs(check_paragraphs(o), check_paragraphs(n))
    if check:
        out += ["", "### Knowledge check (the questions at the end of the module)", "",
                *_paragraph_lines(check)]
    out += ["", "### About the text", ""] + _readability(o, n) + _content_warnings(o, n)
    others = _other_fields(o, n)
    if others:
        out += ["", "### Other details", "", *others]
    return out + [""]


# --- German source texts ---


@dataclass
class GermanChange:
    id: str
    old: tr.GermanModule | None
    new: tr.GermanModule | None
    adapted_by: list[str]


def _german_changes(old: Side, new: Side) -> list[GermanChange]:
    result = []
    for gid in sorted(set(old.german) | set(new.german)):
        before, after = old.german.get(gid), new.german.get(gid)
        if before and after and before.revision == after.revision:
            continue
        users = [m.id for m in new.curriculum.modules if m.source.id == gid]
        result.append(GermanChange(gid, before, after, users))
    return result


def _german_section(changes: list[GermanChange]) -> list[str]:
    out = ["## German source texts", "",
           "These are the German texts the English modules adapt. When one changes, the English "
           "module that adapts it should be checked, and then pinned again.", ""]
    for change in changes:
        german = change.new or change.old
        assert german is not None
        state = "new" if change.old is None else "removed" if change.new is None else "changed"
        out += [f"### {esc(german.title)} ({esc(change.id)}): {state}", ""]
        if german.illustrative:
            out += ["*Illustrative German text written by this project, not the German "
                    "programme's own material.*", ""]
        users = ", ".join(change.adapted_by) or "no module yet"
        out += [f"- Adapted by: {esc(users)}"]
        if change.old and change.new:
            before = [f"Title: {change.old.title}", *prose.paragraphs(change.old.body)]
            after = [f"Title: {change.new.title}", *prose.paragraphs(change.new.body)]
            out += _paragraph_lines(worddiff.diff_paragraphs(before, after))
        out.append("")
    return out
