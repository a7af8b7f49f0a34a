"""Cross-file checks of the curriculum contract (DESIGN.md section 3): `check_curriculum`.

Each check adds problems with file and line; nothing stops at the first problem.
"""

from __future__ import annotations

import posixpath
import re
from urllib.parse import unquote, urlsplit

from ..config import programme
from . import german as tr
from .blocks import BLOCK_OPTIONS, BLOCK_TYPES
from .knowledge_check import check_reading_age
from .leap import load_recommendations
from .model import MATERIALS_DIR, ContentFile, Curriculum, Material, Module, Page
from .problems import ProblemList
from .readability import reading_age
from .semver import Version

# Pages the site generates (they exist in the built site, not under curriculum/), by edition.
GENERATED_PAGES = {
    "glossary.md": "both",
    "tags.md": "both",
    "changes.md": "both",
    "course-timetable.md": "trainer",
    "trainer-notes.md": "trainer",
    "fidelity-checklists.md": "trainer",
    "leap-impact.md": "trainer",
    "what-changed/index.md": "both",  # and what-changed/<module-id>.md per MAJOR change (site/what_changed.py)
}
# Headings the site adds to every module page, so authors may link to them.
GENERATED_MODULE_ANCHORS = {"references", "changes-to-this-module"}
KNOWLEDGE_CHECK_ANCHOR = "check-what-you-know"  # the self-check's heading, on modules that have one
VAGUE_LINK_TEXT = {"here", "click here", "this", "link", "more", "read more", "this page", "this link"}
ASSET_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".pdf", ".docx", ".odt"}


def check_curriculum(curriculum: Curriculum, readability: bool = True) -> ProblemList:
    """Every problem. `readability=False` leaves out the reading-age check: it only ever warns,
    and it is the slowest check (each module rendered and scored), so callers that act on the
    errors alone (the site build) skip it."""
    problems = ProblemList(curriculum.root.parent)
    problems.extend(curriculum.problems)
    files: list[ContentFile] = [*curriculum.modules, *curriculum.pages, *curriculum.materials]
    for item in files:
        _check_blocks(item, problems)
        _check_headings(item, problems)
        _check_images(item, curriculum, problems)
        _check_links(item, curriculum, problems)
    _check_ids(curriculum, problems)
    for module in curriculum.modules:
        _check_module(module, curriculum, problems)
    if readability:
        _check_readability(curriculum, problems)
    _check_sources(curriculum, problems)
    _check_leap_references(curriculum, problems)
    # Stable order: by file, then line, errors before warnings on the same line.
    unique = sorted(set(problems), key=lambda p: (p.path, p.line, p.severity, p.message))
    result = ProblemList(curriculum.root.parent)
    result.extend(unique)
    return result


def _check_blocks(item: ContentFile, problems: ProblemList) -> None:
    for header, line in item.scan.bad_headers:
        problems.error(item.path, line, f"cannot read this block header: {header!r} "
                       "(write: !!! type \"Title\")")
    # Trainer notes may not sit where carers or supporters read them whole: pages for carers, and
    # printed materials (an answer key is itself for trainers only).
    supporter_only = ((isinstance(item, Page) and item.supporter_only_place)
                      or (isinstance(item, Material) and not item.trainer_only))
    for block in item.scan.all_blocks():
        if block.type not in BLOCK_TYPES:
            known = ", ".join(BLOCK_TYPES)
            problems.error(item.path, block.line, f"unknown block type '{block.type}' (known types: {known})")
            continue
        allowed = BLOCK_OPTIONS.get(block.type, {})
        for key, value in block.options.items():
            if key not in allowed:
                problems.error(item.path, block.line, f"block '{block.type}' has no option '{key}'")
            elif not isinstance(value, allowed[key]):
                problems.error(item.path, block.line, f"option {key}={value} of block '{block.type}' must be a whole number")
        if block.type == "activity" and isinstance(item, Module) and block.minutes is None:
            problems.error(item.path, block.line, "an activity needs its timing on the header line, e.g. minutes=15")
        if not block.text.strip():
            problems.error(item.path, block.line, f"block '{block.type}' is empty")
        if block.trainer_only and supporter_only:
            where = "a material printed for supporters" if isinstance(item, Material) else "a page for carers and supporters"
            problems.error(item.path, block.line, f"'{block.type}' is trainer-only, but {item.rel} is {where}")
        if block.type == "handout":
            for child in block.children:
                if child.trainer_only:
                    problems.error(item.path, child.line,
                                   "trainer notes inside a handout would be printed for supporters; move them out")


def _check_headings(item: ContentFile, problems: ProblemList) -> None:
    previous = 1
    for heading in item.scan.headings:
        if heading.level == 1:
            problems.error(item.path, heading.line,
                           "do not use a level-1 heading (#): the page title comes from the front matter 'title'")
        elif heading.level > previous + 1:
            problems.error(item.path, heading.line,
                           f"heading jumps from level {previous} to level {heading.level}; "
                           f"use {'#' * (previous + 1)} here")
        previous = max(heading.level, 1)


def _check_images(item: ContentFile, curriculum: Curriculum, problems: ProblemList) -> None:
    for link in item.scan.links:
        if not link.is_image:
            continue
        if not link.text.strip():
            problems.error(item.path, link.line, f"image '{link.target}' has no alt text: describe it in ![...]")
        if not _is_external(link.target):
            target = _resolve(item.rel, link.target)
            if target is None or not (curriculum.root / target).is_file():
                problems.error(item.path, link.line, f"image '{link.target}' does not exist")
    for tag, line in item.scan.html_images:
        if not re.search(r"\balt=\"[^\"]+\"", tag):
            problems.error(item.path, line, "an <img> has no alt text: add alt=\"...\"")


def _is_external(target: str) -> bool:
    parts = urlsplit(target)
    return bool(parts.scheme) or target.startswith("//")


def _resolve(from_rel: str, target: str) -> str | None:
    path = unquote(urlsplit(target).path)
    if not path:
        return from_rel
    joined = posixpath.normpath(posixpath.join(posixpath.dirname(from_rel), path))
    if joined.startswith("../") or joined == "..":
        return None
    if path.endswith("/"):
        joined = posixpath.join(joined, "index.md")
    return joined


def _anchors_of(item: ContentFile) -> set[str]:
    anchors = {h.anchor for h in item.scan.headings} | item.scan.html_ids
    if isinstance(item, Module):
        anchors |= GENERATED_MODULE_ANCHORS
        if item.knowledge_check:
            anchors.add(KNOWLEDGE_CHECK_ANCHOR)
        anchors |= {f"trainer-note-{n}" for n in range(1, len(item.trainer_notes) + 1)}
    return anchors


def _edition_of(item: ContentFile) -> set[str]:
    if isinstance(item, Material):
        return {e for e in ("supporter", "trainer") if item.in_edition(e)}
    if isinstance(item, Module):
        return {"supporter", "trainer"} if item.for_supporters else {"trainer"}
    return {"supporter", "trainer"} if item.edition == "both" else {item.edition}


def _check_links(item: ContentFile, curriculum: Curriculum, problems: ProblemList) -> None:
    for link in item.scan.links:
        if link.is_image:
            continue
        text = re.sub(r"[*_`]", "", link.text).strip().lower()
        if text in VAGUE_LINK_TEXT:
            problems.warning(item.path, link.line,
                             f"link text '{link.text}' does not say where it goes; name the page instead")
        if not link.target:
            problems.error(item.path, link.line, f"link '{link.text}' has no target")
            continue
        if _is_external(link.target):
            scheme = urlsplit(link.target).scheme
            if scheme == "http":
                problems.warning(item.path, link.line, f"link {link.target} should use https://")
            continue
        if link.target.startswith("/"):
            problems.error(item.path, link.line,
                           f"link '{link.target}' is absolute; link to the .md file with a relative path")
            continue
        target_rel = _resolve(item.rel, link.target)
        fragment = urlsplit(link.target).fragment
        if target_rel is None:
            problems.error(item.path, link.line, f"link '{link.target}' points outside curriculum/")
            continue
        target = curriculum.file_for(target_rel)
        if target is None:
            if target_rel in GENERATED_PAGES:
                if GENERATED_PAGES[target_rel] == "trainer" and "supporter" in _edition_of(item):
                    problems.error(item.path, link.line,
                                   f"link to '{target_rel}' (trainer edition only) from a page supporters read")
                continue
            suffix = posixpath.splitext(target_rel)[1].lower()
            if suffix in ASSET_SUFFIXES and (curriculum.root / target_rel).is_file():
                continue
            problems.error(item.path, link.line, f"link '{link.target}' does not resolve: no file {target_rel}")
            continue
        missing = _edition_of(item) - _edition_of(target)
        if "supporter" in missing:
            problems.error(item.path, link.line,
                           f"link to '{target_rel}', which is only in the trainer edition, from a page supporters read")
        if fragment and fragment not in _anchors_of(target):
            problems.error(item.path, link.line, f"link '{link.target}': no heading or anchor '#{fragment}' in {target_rel}")


def _check_ids(curriculum: Curriculum, problems: ProblemList) -> None:
    first: dict[str, Module] = {}
    for module in curriculum.modules:
        if not module.id:
            continue
        if module.id in first:
            other = first[module.id]
            problems.error(module.path, module.doc.line_of("id"),
                           f"duplicate id '{module.id}': {other.rel} already uses it (ids are never reused)")
        else:
            first[module.id] = module
        parts = module.rel.split("/")
        name = parts[-2] if parts[-1] == "index.md" else parts[-1][:-3]
        if name != module.id:
            problems.error(module.path, module.doc.line_of("id"),
                           f"id '{module.id}' does not match its file or folder name '{name}'")


def _check_module(module: Module, curriculum: Curriculum, problems: ProblemList) -> None:
    path = module.path
    line = module.doc.line_of
    if module.version is not None and module.changelog:
        versions = [e.version for e in module.changelog]
        if str(module.version) not in versions:
            problems.error(path, line("changelog"),
                           f"changelog has no entry for the current version {module.version}")
        for entry in module.changelog:
            try:
                if Version.parse(entry.version) > module.version:
                    problems.error(path, entry.line,
                                   f"changelog entry {entry.version} is newer than the module version {module.version}")
            except ValueError:
                pass
        if len(set(versions)) != len(versions):
            problems.error(path, line("changelog"), "changelog lists the same version twice")
        dates = [e.date for e in module.changelog if e.date]
        if dates != sorted(dates, reverse=True):
            problems.error(path, line("changelog"), "changelog entries must be newest first")
    if module.objectives and not 3 <= len(module.objectives) <= 5:
        problems.warning(path, line("objectives"), f"{len(module.objectives)} objectives; aim for 3 to 5")
    if module.fidelity:
        if not module.essential_components:
            problems.error(path, line("fidelity"), "mark at least one core component 'essential: true'")
        if not 3 <= len(module.fidelity) <= 6:
            problems.warning(path, line("fidelity"), f"{len(module.fidelity)} core components; aim for 3 to 6")
    if "references" not in module.doc.meta:
        report = problems.warning if module.status == "draft" else problems.error
        report(path, 1, "no 'references': list the sources for facts, the law and phone numbers")
    _check_plan(module, problems)
    for index, prerequisite in enumerate(module.prerequisites):
        if prerequisite not in curriculum.by_id:
            problems.error(path, line("prerequisites", index), f"prerequisite '{prerequisite}' is not a module id")
    if module.for_supporters and module.status != "retired" and not module.scan.blocks:
        problems.warning(path, module.doc.body_start, "no blocks: add key points, activities and a handout")
    if module.for_supporters and module.status not in ("draft", "retired") and "knowledge_check" not in module.doc.meta:
        problems.warning(path, 1, "no 'knowledge_check': add 3 to 5 questions, at least one for each objective, "
                         "so supporters can check what they learned")


def _check_readability(curriculum: Curriculum, problems: ProblemList) -> None:
    settings = programme().get("readability", {})
    limit = float(settings.get("warn_above_grade", 8))
    for module in curriculum.modules:
        if not module.for_supporters or module.status == "retired":
            continue
        grade = module.readability_grade
        if grade is not None and grade > limit:
            problems.warning(module.path, module.doc.body_start,
                             f"reading age about {reading_age(grade):.0f} (grade {grade:.1f}) is far above the "
                             f"target of 9 to 11: use shorter sentences and everyday words")
        check_reading_age(module, limit, problems)


def _check_sources(curriculum: Curriculum, problems: ProblemList) -> None:
    """Warn (never fail: the German material may not be imported yet) about adaptations whose
    German source is missing, not pinned, or has changed since the pin."""
    german_problems = ProblemList(curriculum.root.parent)
    german = tr.load_german(tr.translations_root(curriculum), german_problems)
    for problem in german_problems:
        problems.warning(curriculum.root.parent / problem.path, problem.line, problem.message)
    for status in tr.adaptation_status(curriculum, german):
        module = status.module
        line = module.doc.line_of("source", "revision") if status.state == tr.STALE else (
            module.doc.line_of("source", "id"))
        if status.state == tr.MISSING_SOURCE:
            problems.warning(module.path, line,
                             f"source '{status.source_id}' is not under translations/de/: add the "
                             f"German text as translations/de/{status.source_id}.md")
        elif status.state == tr.UNPINNED:
            problems.warning(module.path, line,
                             f"source '{status.source_id}' is not pinned: after checking the "
                             f"adaptation, run 'cascade translations pin {module.id}'")
        elif status.state == tr.STALE:
            problems.warning(module.path, line,
                             f"the German text '{status.source_id}' changed since revision "
                             f"{status.pinned} (now {status.current}): see 'cascade translations "
                             f"status', update the module if needed, then pin it again")


def _check_leap_references(curriculum: Curriculum, problems: ProblemList) -> None:
    """Check curriculum/data/leap-recommendations.yml and the LEAP ids changelogs cite."""
    known = load_recommendations(curriculum, problems)
    for module in curriculum.modules:
        for entry in module.changelog:
            if entry.leap and entry.leap not in known:
                problems.warning(module.path, entry.line,
                                 f"changelog {entry.version} cites {entry.leap}, which is not in "
                                 "curriculum/data/leap-recommendations.yml")


def _check_plan(module: Module, problems: ProblemList) -> None:
    """The session plan covers every activity once, fits the duration, and its materials exist."""
    path, doc = module.path, module.doc
    activities = module.activities
    if not module.plan:
        total = sum(a.minutes or 0 for a in activities)
        if module.duration_minutes and total > module.duration_minutes:
            problems.error(path, doc.line_of("duration_minutes"),
                           f"activities add up to {total} minutes, more than duration_minutes {module.duration_minutes}")
        return
    planned: dict[str, int] = {}
    for step in module.plan:
        if step.activity is not None:
            planned[step.activity] = planned.get(step.activity, 0) + 1
            if planned[step.activity] == 2:
                problems.error(path, step.line, f"activity '{step.activity}' is in the plan twice")
    titles = {}
    for block in activities:
        if not block.title:
            problems.error(path, block.line, 'an activity needs a title ("...") so the plan can name it')
            continue
        if block.title in titles:
            problems.error(path, block.line, f"two activities are called '{block.title}': give each its own title")
        titles[block.title] = block
        if block.title not in planned:
            problems.error(path, block.line, f"activity '{block.title}' is not in the plan: add "
                           f"'- activity: {block.title}' to plan in the front matter")
    for step in module.plan:
        if step.activity is not None and step.activity not in titles:
            problems.error(path, step.line, f"the plan names activity '{step.activity}', but the body has no "
                           "activity with that title")
    total = module.planned_minutes
    if module.duration_minutes and total > module.duration_minutes:
        in_activities = sum(s.minutes for s in module.plan if s.activity is not None)
        problems.error(path, doc.line_of("duration_minutes"),
                       f"the plan adds up to {total} minutes ({in_activities} in activities, {total - in_activities} "
                       f"in other steps), more than duration_minutes {module.duration_minutes}: shorten the plan, "
                       "or give the module more time or another session")
    folder = module.rel.endswith("/index.md")
    named: set[str] = set()
    for step in module.plan:
        for name in step.materials:
            named.add(name)
            if name in module.materials:
                continue
            where = f"modules/{module.rel.split('/')[1]}/{MATERIALS_DIR}/{name}.md" if folder else \
                f"a {MATERIALS_DIR}/ folder (the module must be a folder with index.md)"
            problems.error(path, step.line, f"plan step '{step.title}' names material '{name}', but "
                           f"{where} does not exist")
    for name, material in sorted(module.materials.items()):
        if name not in named:
            problems.warning(material.path, 1, f"material '{name}' is not named by any step of the plan in "
                             f"{module.rel}")
