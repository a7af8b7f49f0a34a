"""Load every Markdown file under curriculum/ into the typed objects of model.py (the YAML files
beside them are read by curriculum_yaml.py).

Loading never stops at the first problem: each problem is recorded with its file and line
(through fields.Fields, in the same words as every other content file), and the objects are
built from whatever could be read. The checks across files are in checks.py.
"""

from __future__ import annotations

import re
from pathlib import Path

from . import blocks as blockmod
from . import frontmatter
from .curriculum_yaml import load_data, load_glossary, load_settings, order_modules
from .fields import SLUG_RE, Fields, read_text
from .knowledge_check import read_knowledge_check
from .model import (
    AUDIENCES,
    EDITIONS,
    LEAP_REF_RE,
    LEAP_REF_TEXT,
    MATERIAL_KINDS,
    MATERIALS_DIR,
    PRINT_SIZES,
    STAGES,
    STATUSES,
    ChangelogEntry,
    CoreComponent,
    Curriculum,
    Material,
    Module,
    Page,
    PlanStep,
    Reference,
    Source,
)
from .problems import ProblemList

# field -> (required, meaning); unknown fields are errors so typos do not pass silently.
MODULE_FIELDS: dict[str, tuple[bool, str]] = {
    "id": (True, "stable slug, never reused"),
    "title": (True, "plain-English title"),
    "version": (True, "semantic version MAJOR.MINOR.PATCH"),
    "status": (True, "one of " + ", ".join(STATUSES)),
    "audience": (True, "supporters and/or trainers"),
    "stages": (True, "cascade stages that deliver it: 1, 2"),
    "duration_minutes": (True, "delivery time in a training session"),
    "objectives": (True, "learning objectives, each a plain sentence"),
    "source": (True, "the German module it adapts (id, revision), or written_in_england: reason"),
    "fidelity": (True, "core components: id, description, essential"),
    "changelog": (True, "entries: version, date, summary, optional leap"),
    "summary": (False, "one sentence saying what the module is about"),
    "tags": (False, "topics, for the site's tag index"),
    "references": (False, "sources for facts: title, url, optional publisher and checked date"),
    "prerequisites": (False, "module ids to study first"),
    "plan": (True, "the session plan: steps with minutes, or an activity by its title; materials per step"),
    "knowledge_check": (False, "questions to check each objective: id, objective, question, kind, answers"),
}
SOURCE_FIELDS = ("id", "revision", "adaptation", "written_in_england")
COMPONENT_FIELDS = ("id", "description", "essential")
CHANGELOG_FIELDS = ("version", "date", "summary", "leap")
REFERENCE_FIELDS = ("title", "url", "publisher", "checked")
PLAN_STEP_FIELDS = {"title", "minutes", "activity", "materials", "session"}
MATERIAL_FIELDS = {"title", "kind", "summary"}
PAGE_FIELDS = {"title", "order", "edition", "summary", "tags", "hide", "search", "references", "print"}
REVISION_RE = re.compile(r"^[0-9a-f]{12,64}$")
REVISION_TEXT = "the hex hash printed by 'cascade translations pin'"


def load_curriculum(root: Path | str | None = None, *, parsed: dict | None = None) -> Curriculum:
    """Load curriculum/ under the content root (or the given curriculum folder).

    `parsed`, if given, is a cache kept by the caller between loads (the site build's state):
    file path -> (text, front matter Document, BodyScan). A file whose text is unchanged reuses
    its parsed front matter and block scan (neither is changed after loading); the cache is
    updated with the files read. Everything else (the checks of each field) runs again.
    """
    from ..config import content_root

    base = Path(root) if root is not None else content_root() / "curriculum"
    if (base / "curriculum").is_dir() and not (base / "curriculum.yml").exists():
        base = base / "curriculum"
    base = base.resolve()
    problems = ProblemList(base.parent)
    settings = load_settings(base, problems)
    modules: list[Module] = []
    pages: list[Page] = []
    materials: list[Material] = []
    seen: set[str] = set()
    for path in sorted(base.rglob("*.md")):
        rel = path.relative_to(base).as_posix()
        if any(part.startswith((".", "_")) for part in path.relative_to(base).parts):
            continue
        parts = _parse_file(path, problems, parsed)
        if parts is None:
            continue
        seen.add(str(path))
        doc, scan = parts
        if _is_material_file(rel):
            materials.append(_build_material(path, rel, doc, scan, problems))
        elif _is_module_file(rel):
            modules.append(_build_module(path, rel, doc, scan, problems))
        else:
            pages.append(_build_page(path, rel, doc, scan, problems))
    if parsed is not None:
        for gone in set(parsed) - seen:
            del parsed[gone]
    _attach_materials(modules, materials, problems)
    modules = order_modules(modules, settings, base, problems)
    glossary = load_glossary(base / "glossary.yml", problems)
    data = load_data(base / "data", problems)
    return Curriculum(base, settings, modules, pages, glossary, problems, data)


def _parse_file(path: Path, problems: ProblemList, parsed: dict | None):
    """(front matter Document, BodyScan) of one file, from `parsed` while its text is the same;
    None when the file is not UTF-8."""
    text = read_text(path, problems)
    if text is None:
        return None
    key = str(path)
    cached = parsed.get(key) if parsed is not None else None
    if cached is not None and cached[0] == text:
        return cached[1], cached[2]
    clean = True
    try:
        doc = frontmatter.split(text)
    except frontmatter.FrontMatterError as exc:
        problems.error(path, exc.line, str(exc))
        doc = frontmatter.Document({}, _body_after_front_matter(text), 1, {}, False)
        clean = False
    scan = blockmod.scan(doc.body, doc.body_start)
    if parsed is not None:
        # Only files that parsed cleanly: a front matter error is reported on every load.
        if clean:
            parsed[key] = (text, doc, scan)
        else:
            parsed.pop(key, None)
    return doc, scan


def _is_module_file(rel: str) -> bool:
    return rel.startswith("modules/")


def _is_material_file(rel: str) -> bool:
    parts = rel.split("/")
    return len(parts) == 4 and parts[0] == "modules" and parts[2] == MATERIALS_DIR


def _attach_materials(modules: list[Module], materials: list[Material], problems: ProblemList) -> None:
    folders = {m.rel.rsplit("/", 1)[0]: m for m in modules if m.rel.endswith("/index.md")}
    for material in materials:
        folder = material.rel.split("/" + MATERIALS_DIR + "/")[0]
        module = folders.get(folder)
        if module is None:
            problems.error(material.path, 1, f"a material must sit in a module folder's {MATERIALS_DIR}/ "
                           f"(there is no {folder}/index.md)")
            continue
        material.module = module
        module.materials[material.name] = material


def _body_after_front_matter(text: str) -> str:
    parts = text.split("\n---\n", 1)
    return parts[1] if len(parts) == 2 else text


# --- modules ---


def _build_module(path, rel, doc, scan, problems) -> Module:
    f = Fields(path, doc.lines, problems)
    meta = doc.meta
    module = Module(path=path, rel=rel, doc=doc, scan=scan)
    if not doc.has_front_matter:
        problems.error(path, 1, "a module must start with YAML front matter between '---' lines")
        return module
    f.unknown(meta, MODULE_FIELDS)
    f.required(meta, {name: meaning for name, (required, meaning) in MODULE_FIELDS.items() if required})
    # An id that is not a slug is reported, and still used to match the module to curriculum.yml.
    raw_id = meta.get("id")
    module.id = f.slug(meta, "id") or (raw_id if isinstance(raw_id, str) else "")
    module.title = f.text(meta, "title") or ""
    module.summary = f.text(meta, "summary") or ""
    module.version = f.version(meta, "version")
    module.status = f.choice(meta, "status", STATUSES, default="draft")
    module.audience = _audience(meta.get("audience"), f)
    module.stages = _stages(meta.get("stages"), f)
    module.duration_minutes = f.whole(meta, "duration_minutes", minimum=1, default=0)
    module.objectives = f.text_list(meta, "objectives", allow_empty=False)
    module.tags = f.text_list(meta, "tags")
    module.prerequisites = f.text_list(meta, "prerequisites")
    module.source = _source(meta, f)
    module.fidelity = _fidelity(meta.get("fidelity"), f)
    module.changelog = _changelog(meta.get("changelog"), f)
    module.references = _references(meta.get("references"), f)
    module.plan = _plan(meta.get("plan"), module, f)
    module.knowledge_check = read_knowledge_check(meta, module.objectives, f)
    return module


def _audience(value, f: Fields) -> tuple[str, ...]:
    if value is None:
        return ()
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not items:
        f.error(("audience",), "audience must be 'supporters', 'trainers' or a list of both")
        return ()
    result = []
    for index, item in enumerate(items):
        if item in AUDIENCES:
            result.append(item)
        else:
            keys = ("audience", index) if isinstance(value, list) else ("audience",)
            f.error(keys, f"unknown audience {item!r}; use supporters or trainers")
    return tuple(result)


def _stages(value, f: Fields) -> tuple[int, ...]:
    if value is None:
        return ()
    items = [value] if isinstance(value, int) and not isinstance(value, bool) else value
    if not isinstance(items, list) or not items:
        f.error(("stages",), "stages must be a list such as [1, 2]")
        return ()
    result = []
    for index, item in enumerate(items):
        if item in STAGES and not isinstance(item, bool):
            result.append(item)
        else:
            f.error(("stages", index), f"unknown stage {item!r}; the cascade has stages 1 and 2")
    return tuple(sorted(set(result)))


def _source(meta: dict, f: Fields) -> Source:
    keys = ("source",)
    line = f.line(*keys)
    value = meta.get("source")
    if value is None:
        return Source(line=line)
    if not isinstance(value, dict):
        f.error(keys, "source must have 'id' and 'revision' (or 'written_in_england: reason')")
        return Source(line=line)
    f.unknown(value, SOURCE_FIELDS, keys)
    if "written_in_england" in value:
        reason = f.text(value, "written_in_england", keys, required=True)
        if "id" in value:
            f.error(keys + ("id",), "a module written in England has no German source id")
        return Source(written_in_england=reason or "", line=line)
    source_id = f.slug(value, "id", keys, required=True)
    revision = f.slug(value, "revision", keys, pattern=REVISION_RE, rule=REVISION_TEXT)
    adaptation = f.text(value, "adaptation", keys)
    return Source(id=source_id, revision=revision, adaptation=adaptation, line=line)


def _fidelity(value, f: Fields) -> list[CoreComponent]:
    if value is None:
        return []
    if not isinstance(value, list) or not value:
        f.error(("fidelity",), "fidelity must list the module's core components")
        return []
    result, seen = [], set()
    for index, item in enumerate(value):
        keys = ("fidelity", index)
        if not isinstance(item, dict):
            f.error(keys, "each core component needs id, description and essential")
            continue
        f.unknown(item, COMPONENT_FIELDS, keys)
        f.required(item, COMPONENT_FIELDS, keys)
        cid = f.slug(item, "id", keys)
        if cid is None:
            cid = f"component-{index + 1}"
        elif cid in seen:
            f.error(keys + ("id",), f"core component id '{cid}' is used twice")
        seen.add(cid)
        description = f.text(item, "description", keys) or ""
        essential = f.flag(item, "essential", keys, default=False)
        result.append(CoreComponent(cid, description, essential, f.line(*keys)))
    return result


def _changelog(value, f: Fields) -> list[ChangelogEntry]:
    if value is None:
        return []
    if not isinstance(value, list) or not value:
        f.error(("changelog",), "changelog must list entries with version, date and summary")
        return []
    result = []
    for index, item in enumerate(value):
        keys = ("changelog", index)
        if not isinstance(item, dict):
            f.error(keys, "each changelog entry needs version, date and summary")
            continue
        f.unknown(item, CHANGELOG_FIELDS, keys)
        f.required(item, ("version", "date", "summary"), keys)
        version = f.version(item, "version", keys)
        date = f.date(item, "date", keys) or ""
        summary = f.text(item, "summary", keys) or ""
        leap = f.slug(item, "leap", keys, pattern=LEAP_REF_RE, rule=LEAP_REF_TEXT)
        if version is not None:
            result.append(ChangelogEntry(str(version), date, summary, leap, f.line(*keys)))
    return result


def _references(value, f: Fields) -> list[Reference]:
    if value is None:
        return []
    if not isinstance(value, list):
        f.error(("references",), "references must be a list of sources with title and url")
        return []
    result = []
    for index, item in enumerate(value):
        keys = ("references", index)
        if isinstance(item, str):
            result.append(Reference(item.strip(), line=f.line(*keys)))
            continue
        if not isinstance(item, dict):
            f.error(keys, "each reference needs a title (and a url where there is one)")
            continue
        f.unknown(item, REFERENCE_FIELDS, keys)
        title = f.text(item, "title", keys, required=True)
        if title is None:
            continue
        result.append(Reference(title, f.url(item, "url", keys), f.text(item, "publisher", keys),
                                f.date(item, "checked", keys), f.line(*keys)))
    return result


def _plan(value, module: Module, f: Fields) -> list[PlanStep]:
    """The session plan. Activity steps are matched to the body's activity blocks by title; the
    cross-checks (every activity planned once, minutes within the duration, materials exist)
    are in checks.py."""
    if value is None:
        return []
    if not isinstance(value, list) or not value:
        f.error(("plan",), "plan must list the steps of the session, e.g. '- {title: Welcome, minutes: 10}'")
        return []
    activities = {b.title: b for b in module.activities if b.title}
    result: list[PlanStep] = []
    session = 1
    for index, item in enumerate(value):
        keys = ("plan", index)
        if not isinstance(item, dict):
            f.error(keys, "each plan step needs 'title' and 'minutes', or 'activity' (an activity's title)")
            continue
        f.unknown(item, PLAN_STEP_FIELDS, keys)
        session = f.whole(item, "session", keys, minimum=session, default=session)
        materials = tuple(f.text_list(item, "materials", keys))
        if "activity" in item:
            step = _activity_step(item, keys, activities, materials, session, f)
        else:
            f.required(item, {"title": "or 'activity': the title of an activity block", "minutes": ""}, keys)
            title = f.text(item, "title", keys) or ""
            minutes = f.whole(item, "minutes", keys, minimum=1, default=0)
            step = PlanStep(title, minutes, None, materials, session, f.line(*keys))
        if step is not None:
            result.append(step)
    return result


def _activity_step(item: dict, keys: tuple, activities: dict, materials: tuple, session: int,
                   f: Fields) -> PlanStep | None:
    activity = f.text(item, "activity", keys, required=True)
    if activity is None:
        return None
    if "minutes" in item or "title" in item:
        f.error(keys, "an activity step takes its title and minutes from the activity block "
                "(minutes=N on its header line): remove 'title' and 'minutes' here")
    block = activities.get(activity)
    minutes = block.minutes if block is not None and block.minutes else 0
    return PlanStep(activity, minutes, activity, materials, session, f.line(*keys))


# --- materials and pages ---


def _build_material(path, rel, doc, scan, problems) -> Material:
    f = Fields(path, doc.lines, problems)
    name = rel.rsplit("/", 1)[1].removesuffix(".md")
    material = Material(path=path, rel=rel, doc=doc, scan=scan, name=name)
    if not SLUG_RE.match(name):
        problems.error(path, 1, f"a material's file name must be lower-case words joined by hyphens, not '{name}'")
    if not doc.has_front_matter:
        problems.error(path, 1, "a material must start with front matter: title and kind")
        return material
    meta = doc.meta
    f.unknown(meta, MATERIAL_FIELDS)
    f.required(meta, ("title", "kind"))
    material.title = f.text(meta, "title") or ""
    material.summary = f.text(meta, "summary") or ""
    material.kind = f.choice(meta, "kind", MATERIAL_KINDS, default="handout")
    return material


def _build_page(path, rel, doc, scan, problems) -> Page:
    f = Fields(path, doc.lines, problems)
    page = Page(path=path, rel=rel, doc=doc, scan=scan)
    meta = doc.meta
    f.unknown(meta, PAGE_FIELDS)
    page.title = f.text(meta, "title") or ""
    if not page.title:
        heading = next((h for h in scan.headings if h.level == 1), None)
        if heading is None and "title" not in meta:
            f.missing("title")
        page.title = heading.text if heading else rel
    page.summary = f.text(meta, "summary") or ""
    page.order = f.whole(meta, "order", default=100)
    page.print_size = f.choice(meta, "print", PRINT_SIZES, default="a4")
    page.edition = f.choice(meta, "edition", ("both", *EDITIONS), default="both")
    return page
