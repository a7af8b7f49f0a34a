"""Curriculum modules and pages: load every file under curriculum/ into typed objects.

Loading never stops at the first problem: each problem is recorded with its file and line,
and the objects are built from whatever could be read.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from . import blocks as blockmod
from . import frontmatter
from .problems import ProblemList
from .versions import Version

STATUSES = ("draft", "in-review", "approved", "retired")
AUDIENCES = ("supporters", "trainers")
STAGES = (1, 2)
EDITIONS = ("supporter", "trainer")
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LEAP_REF_RE = re.compile(r"^LEAP-\d{4}-\d{2,3}$")

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
}
PLAN_STEP_FIELDS = {"title", "minutes", "activity", "materials", "session"}
MATERIAL_FIELDS = {"title", "kind", "summary"}
# What a teaching material is. Answer keys are for trainers: the supporter edition leaves them out.
MATERIAL_KINDS = {
    "handout": "a handout to print and give out",
    "cards": "cards to print and cut out",
    "worksheet": "a worksheet to fill in",
    "picture": "a picture or diagram",
    "sample-notes": "sample notes or records to discuss",
    "script": "a script for a role play or call",
    "answer-key": "answers for the trainer (trainer edition only)",
}
TRAINER_ONLY_MATERIALS = frozenset({"answer-key"})
MATERIALS_DIR = "materials"
PAGE_FIELDS = {"title", "order", "edition", "summary", "tags", "hide", "search", "references", "print"}
PRINT_SIZES = ("a4", "a5")  # a5: printed as a folded booklet (the guides for carers)
DEFAULT_TITLES = {
    "key-points": "Key points",
    "activity": "Activity",
    "scenario": "Scenario",
    "handout": "Handout",
    "content-warning": "Content warning",
    "signposting": "Where to get help",
    "trainer-notes": "Trainer notes",
    "under-review": "Being checked",
    "note": "Note",
}


@dataclass(frozen=True)
class CoreComponent:
    id: str
    description: str
    essential: bool
    line: int = 0


@dataclass(frozen=True)
class ChangelogEntry:
    version: str
    date: str
    summary: str
    leap: str | None = None
    line: int = 0


@dataclass(frozen=True)
class Source:
    """The German text a module adapts, pinned to a revision; or why there is none."""

    id: str | None = None
    revision: str | None = None
    adaptation: str | None = None  # what was changed for England and why
    written_in_england: str | None = None  # reason, when there is no German source
    line: int = 0


@dataclass(frozen=True)
class Reference:
    title: str
    url: str | None = None
    publisher: str | None = None
    checked: str | None = None
    line: int = 0


@dataclass(frozen=True)
class PlanStep:
    """One step of a module's session plan. An activity step takes its title and minutes from the
    activity block in the body; other steps (welcome, a talk, a break) give their own."""

    title: str
    minutes: int
    activity: str | None = None  # the title of the activity block, when the step is an activity
    materials: tuple[str, ...] = ()
    session: int = 1
    line: int = 0


@dataclass
class ContentFile:
    """A Markdown file under curriculum/ (module or page)."""

    path: Path
    rel: str  # path relative to curriculum/, posix
    doc: frontmatter.Document
    scan: blockmod.BodyScan

    @property
    def body(self) -> str:
        return self.doc.body

    @property
    def trainer_notes(self) -> list[blockmod.Block]:
        return [b for b in self.scan.all_blocks() if b.trainer_only]

    def render_markdown(self, edition: str) -> str:
        """The body as MkDocs should see it in one edition (trainer-only content removed)."""
        notes = {id(b): n for n, b in enumerate(self.trainer_notes, start=1)}

        def keep(block: blockmod.Block) -> bool:
            return edition == "trainer" or not block.trainer_only

        def header(block: blockmod.Block) -> str:
            marker = "!!!"
            if block.collapsible:
                marker = "???+" if edition == "trainer" else "???"
            title = block.title or DEFAULT_TITLES.get(block.type, block.type.title())
            if block.type == "activity" and edition == "trainer" and block.minutes:
                title = f"{title} ({block.minutes} minutes)"
            if block.type == "under-review":
                title = "We are still checking this part" if edition == "supporter" else (
                    f"Marked for review: {title}"
                )
            line = f'{marker} {block.type} "{_escape_title(title)}"'
            if block.trainer_only:
                pad = " " * block.indent
                line = f'<a id="trainer-note-{notes[id(block)]}"></a>\n\n{pad}{line}'
            return line

        return blockmod.strip_blocks_and_options(self.body, self.doc.body_start, self.scan, keep, header)


def _escape_title(title: str) -> str:
    return title.replace('"', "'")


@dataclass
class Module(ContentFile):
    id: str = ""
    title: str = ""
    version: Version | None = None
    status: str = "draft"
    audience: tuple[str, ...] = ()
    stages: tuple[int, ...] = ()
    duration_minutes: int = 0
    objectives: list[str] = field(default_factory=list)
    source: Source = field(default_factory=Source)
    fidelity: list[CoreComponent] = field(default_factory=list)
    changelog: list[ChangelogEntry] = field(default_factory=list)
    summary: str = ""
    tags: list[str] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    prerequisites: list[str] = field(default_factory=list)
    plan: list[PlanStep] = field(default_factory=list)
    materials: dict[str, Material] = field(default_factory=dict)  # name -> file under materials/

    @property
    def for_supporters(self) -> bool:
        return "supporters" in self.audience

    @property
    def trainers_only(self) -> bool:
        return not self.for_supporters

    def in_edition(self, edition: str) -> bool:
        return edition == "trainer" or self.for_supporters

    @property
    def current_entry(self) -> ChangelogEntry | None:
        for entry in self.changelog:
            if self.version is not None and entry.version == str(self.version):
                return entry
        return None

    @property
    def last_changed(self) -> str | None:
        entry = self.current_entry or (self.changelog[0] if self.changelog else None)
        return entry.date if entry else None

    @property
    def activities(self) -> list[blockmod.Block]:
        return [b for b in self.scan.all_blocks() if b.type == "activity"]

    @property
    def planned_minutes(self) -> int:
        return sum(step.minutes for step in self.plan)

    @property
    def sessions(self) -> list[list[PlanStep]]:
        """The plan split into sessions (a module may run over more than one session)."""
        by_session: dict[int, list[PlanStep]] = {}
        for step in self.plan:
            by_session.setdefault(step.session, []).append(step)
        return [by_session[k] for k in sorted(by_session)]

    def materials_for(self, edition: str) -> list[Material]:
        """Materials named in the plan, in plan order; answer keys only in the trainer edition."""
        seen, result = set(), []
        for step in self.plan:
            for name in step.materials:
                material = self.materials.get(name)
                if material is not None and name not in seen and material.in_edition(edition):
                    seen.add(name)
                    result.append(material)
        return result

    @property
    def content_warnings(self) -> list[blockmod.Block]:
        return [b for b in self.scan.all_blocks() if b.type == "content-warning"]

    @property
    def essential_components(self) -> list[CoreComponent]:
        return [c for c in self.fidelity if c.essential]

    @cached_property
    def readability_grade(self) -> float | None:
        from .readability import grade_of_markdown

        return grade_of_markdown(self.render_markdown("supporter"))


@dataclass
class Material(ContentFile):
    """A teaching material of one module: modules/<id>/materials/<name>.md, printable on A4."""

    module: Module | None = field(default=None, repr=False, compare=False)
    name: str = ""
    title: str = ""
    kind: str = "handout"
    summary: str = ""

    @property
    def trainer_only(self) -> bool:
        return self.kind in TRAINER_ONLY_MATERIALS

    def in_edition(self, edition: str) -> bool:
        if edition == "trainer":
            return True
        return not self.trainer_only and (self.module is None or self.module.for_supporters)


@dataclass
class Page(ContentFile):
    title: str = ""
    order: int = 100
    edition: str = "both"  # both, supporter, trainer
    summary: str = ""
    print_size: str = "a4"

    def in_edition(self, edition: str) -> bool:
        return self.edition in ("both", edition)

    @property
    def supporter_only_place(self) -> bool:
        """Pages for carers are read by carers: trainer-only blocks must never be written there."""
        return self.rel.startswith("for-carers/") or self.edition == "supporter"


@dataclass(frozen=True)
class GlossaryTerm:
    term: str
    expansion: str
    definition: str
    line: int = 0


@dataclass
class Curriculum:
    """Everything under curriculum/, loaded once."""

    root: Path  # the curriculum/ folder
    settings: dict
    modules: list[Module]
    pages: list[Page]
    glossary: list[GlossaryTerm]
    problems: ProblemList
    data: dict = field(default_factory=dict)  # curriculum/data/<name>.yml -> parsed YAML

    @property
    def by_id(self) -> dict[str, Module]:
        by_id: dict[str, Module] = {}
        for module in self.modules:
            by_id.setdefault(module.id, module)
        return by_id

    def module(self, module_id: str) -> Module:
        try:
            return self.by_id[module_id]
        except KeyError:
            raise KeyError(f"no module with id '{module_id}' in {self.root}") from None

    @property
    def materials(self) -> list[Material]:
        return [material for module in self.modules for material in module.materials.values()]

    def file_for(self, rel: str) -> ContentFile | None:
        for item in (*self.modules, *self.pages, *self.materials):
            if item.rel == rel:
                return item
        return None

    def modules_for(self, edition: str) -> list[Module]:
        return [m for m in self.modules if m.in_edition(edition) and m.status != "retired"]

    @property
    def title(self) -> str:
        return str(self.settings.get("title", "Carer peer support training"))

    def check(self, readability: bool = True) -> ProblemList:
        """All problems: those found while loading plus the cross-file checks (the reading-age
        warnings only if `readability`)."""
        from .checks import check_curriculum

        return check_curriculum(self, readability=readability)


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
    settings = _load_settings(base, problems)
    modules: list[Module] = []
    pages: list[Page] = []
    materials: list[Material] = []
    seen: set[str] = set()
    for path in sorted(base.rglob("*.md")):
        rel = path.relative_to(base).as_posix()
        if any(part.startswith((".", "_")) for part in path.relative_to(base).parts):
            continue
        text = _read(path, problems)
        if text is None:
            continue
        key = str(path)
        seen.add(key)
        cached = parsed.get(key) if parsed is not None else None
        if cached is not None and cached[0] == text:
            doc, scan = cached[1], cached[2]
        else:
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
    modules = _order_modules(modules, settings, base, problems)
    glossary = _load_glossary(base / "glossary.yml", problems)
    data = _load_data(base / "data", problems)
    return Curriculum(base, settings, modules, pages, glossary, problems, data)


def _load_data(folder: Path, problems: ProblemList) -> dict:
    """Structured content (tables that change over time, such as which parts of a law apply)."""
    result = {}
    if not folder.is_dir():
        return result
    for path in sorted(folder.glob("*.yml")):
        try:
            data, lines = frontmatter.parse_yaml_with_lines(path.read_text(encoding="utf-8"))
        except frontmatter.FrontMatterError as exc:
            problems.error(path, exc.line, str(exc))
            continue
        result[path.stem] = {"data": data, "lines": lines, "path": path}
    return result


def _read(path: Path, problems: ProblemList) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        problems.error(path, 1, f"the file is not UTF-8 text ({exc.reason})")
        return None


def _body_after_front_matter(text: str) -> str:
    parts = text.split("\n---\n", 1)
    return parts[1] if len(parts) == 2 else text


def _load_settings(base: Path, problems: ProblemList) -> dict:
    path = base / "curriculum.yml"
    if not path.exists():
        problems.error(path, 0, "curriculum.yml is missing: it lists the modules in teaching order")
        return {"_lines": {}}
    try:
        data, lines = frontmatter.parse_yaml_with_lines(path.read_text(encoding="utf-8"))
    except frontmatter.FrontMatterError as exc:
        problems.error(path, exc.line, str(exc))
        return {"_lines": {}}
    if not isinstance(data, dict):
        problems.error(path, 1, "curriculum.yml must be a set of 'field: value' lines")
        return {"_lines": {}}
    data["_lines"] = lines
    return data


def _order_modules(modules: list[Module], settings: dict, base: Path, problems) -> list[Module]:
    order = settings.get("modules")
    path = base / "curriculum.yml"
    lines = settings.get("_lines", {})
    if order is None:
        return modules
    if not isinstance(order, list) or not all(isinstance(x, str) for x in order):
        problems.error(path, lines.get(("modules",), 1), "'modules' must be a list of module ids")
        return modules
    ids = {m.id for m in modules}
    seen: set[str] = set()
    for index, module_id in enumerate(order):
        line = lines.get(("modules", index), 1)
        if module_id in seen:
            problems.error(path, line, f"module '{module_id}' is listed twice in 'modules'")
        elif module_id not in ids:
            problems.error(path, line, f"'modules' lists '{module_id}' but no module has that id")
        seen.add(module_id)
    for module in modules:
        if module.id and module.id not in seen:
            problems.error(
                module.path,
                module.doc.line_of("id"),
                f"module '{module.id}' is not listed in curriculum/curriculum.yml 'modules'",
            )
    rank = {module_id: i for i, module_id in enumerate(order)}
    return sorted(modules, key=lambda m: (rank.get(m.id, len(rank)), m.rel))


class _Fields:
    """Typed access to front matter fields that records problems with their lines."""

    def __init__(self, path: Path, doc: frontmatter.Document, problems: ProblemList):
        self.path, self.doc, self.problems = path, doc, problems

    def line(self, *keys) -> int:
        return self.doc.line_of(*keys, default=1)

    def error(self, keys: tuple, message: str) -> None:
        self.problems.error(self.path, self.line(*keys), message)

    def warning(self, keys: tuple, message: str) -> None:
        self.problems.warning(self.path, self.line(*keys), message)

    def text(self, name: str, required: bool = True, meta: dict | None = None, keys=()) -> str:
        meta = self.doc.meta if meta is None else meta
        keys = keys or (name,)
        value = meta.get(name)
        if value is None:
            if required:
                self.error(keys[:-1] or keys, f"missing field '{name}'")
            return ""
        if not isinstance(value, str) or not value.strip():
            kind = type(value).__name__
            self.error(keys, f"'{name}' must be text, not {kind} ({value!r})")
            return str(value)
        return value.strip()


def _build_module(path, rel, doc, scan, problems) -> Module:
    f = _Fields(path, doc, problems)
    meta = doc.meta
    module = Module(path=path, rel=rel, doc=doc, scan=scan)
    if not doc.has_front_matter:
        problems.error(path, 1, "a module must start with YAML front matter between '---' lines")
        return module
    for name in meta:
        if name not in MODULE_FIELDS:
            known = ", ".join(MODULE_FIELDS)
            f.error((name,), f"unknown field '{name}' (a module's fields are: {known})")
    for name, (required, meaning) in MODULE_FIELDS.items():
        if required and name not in meta:
            problems.error(path, 1, f"missing field '{name}' ({meaning})")

    module.id = f.text("id", required=False)
    if module.id and not SLUG_RE.match(module.id):
        f.error(("id",), f"id '{module.id}' must be lower-case words joined by hyphens")
    module.title = f.text("title", required=False)
    module.summary = f.text("summary", required=False)

    if "version" in meta:
        raw = meta["version"]
        if isinstance(raw, float | int):
            f.error(("version",), f"'{raw}' is not a version like 1.2.0 (write MAJOR.MINOR.PATCH, e.g. '1.0.0')")
        else:
            try:
                module.version = Version.parse(raw)
            except ValueError as exc:
                f.error(("version",), str(exc))

    if "status" in meta:
        if meta["status"] in STATUSES:
            module.status = meta["status"]
        else:
            f.error(("status",), f"unknown status {meta['status']!r}; use one of {', '.join(STATUSES)}")

    module.audience = _audience(meta.get("audience"), f)
    module.stages = _stages(meta.get("stages"), f)

    if "duration_minutes" in meta:
        value = meta["duration_minutes"]
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            f.error(("duration_minutes",), f"duration_minutes must be a whole number of minutes above 0, not {value!r}")
        else:
            module.duration_minutes = value

    module.objectives = _string_list(meta.get("objectives"), "objectives", f)
    module.tags = _string_list(meta.get("tags"), "tags", f, required=False)
    module.prerequisites = _string_list(meta.get("prerequisites"), "prerequisites", f, required=False)
    module.source = _source(meta.get("source"), f)
    module.fidelity = _fidelity(meta.get("fidelity"), f)
    module.changelog = _changelog(meta.get("changelog"), f)
    module.references = _references(meta.get("references"), f)
    module.plan = _plan(meta.get("plan"), module, f)
    return module


def _plan(value, module: Module, f: _Fields) -> list[PlanStep]:
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
        for key in item:
            if key not in PLAN_STEP_FIELDS:
                f.error(keys + (key,), f"unknown plan step field '{key}' (use {', '.join(sorted(PLAN_STEP_FIELDS))})")
        if "session" in item:
            number = item["session"]
            if isinstance(number, bool) or not isinstance(number, int) or number < session:
                f.error(keys + ("session",), f"session must be a whole number, {session} or more (sessions run in order)")
            else:
                session = number
        materials = _string_list(item.get("materials"), "materials", f, required=False, keys=keys + ("materials",))
        activity = item.get("activity")
        if activity is not None:
            if not isinstance(activity, str) or not activity.strip():
                f.error(keys + ("activity",), "activity must be the title of an activity block in the body")
                continue
            if "minutes" in item or "title" in item:
                f.error(keys, "an activity step takes its title and minutes from the activity block "
                        "(minutes=N on its header line): remove 'title' and 'minutes' here")
            block = activities.get(activity.strip())
            minutes = block.minutes if block is not None and block.minutes else 0
            result.append(PlanStep(activity.strip(), minutes, activity.strip(), tuple(materials), session,
                                   f.line(*keys)))
            continue
        title = item.get("title")
        minutes = item.get("minutes")
        if not isinstance(title, str) or not title.strip():
            f.error(keys + ("title",) if "title" in item else keys, "a plan step needs a 'title' (or 'activity')")
            title = ""
        if isinstance(minutes, bool) or not isinstance(minutes, int) or minutes <= 0:
            f.error(keys + ("minutes",) if "minutes" in item else keys,
                    f"plan step '{title}' needs 'minutes', a whole number above 0")
            minutes = 0
        result.append(PlanStep(title.strip(), minutes, None, tuple(materials), session, f.line(*keys)))
    return result


def _build_material(path, rel, doc, scan, problems) -> Material:
    f = _Fields(path, doc, problems)
    name = rel.rsplit("/", 1)[1].removesuffix(".md")
    material = Material(path=path, rel=rel, doc=doc, scan=scan, name=name)
    if not SLUG_RE.match(name):
        problems.error(path, 1, f"a material's file name must be lower-case words joined by hyphens, not '{name}'")
    if not doc.has_front_matter:
        problems.error(path, 1, "a material must start with front matter: title and kind")
        return material
    for key in doc.meta:
        if key not in MATERIAL_FIELDS:
            f.error((key,), f"unknown material field '{key}' (a material's fields are: {', '.join(sorted(MATERIAL_FIELDS))})")
    material.title = f.text("title")
    material.summary = f.text("summary", required=False)
    kind = doc.meta.get("kind")
    if kind not in MATERIAL_KINDS:
        f.error(("kind",) if "kind" in doc.meta else (), f"kind must be one of {', '.join(MATERIAL_KINDS)}, not {kind!r}")
    else:
        material.kind = kind
    return material


def _audience(value, f: _Fields) -> tuple[str, ...]:
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


def _stages(value, f: _Fields) -> tuple[int, ...]:
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


def _string_list(value, name: str, f: _Fields, required: bool = True, keys: tuple = ()) -> list[str]:
    keys = keys or (name,)
    if value is None:
        return []
    if not isinstance(value, list) or (required and not value):
        f.error(keys, f"'{name}' must be a list of plain sentences, one per line starting '- '")
        return []
    result = []
    for index, item in enumerate(value):
        if isinstance(item, str) and item.strip():
            result.append(item.strip())
        else:
            f.error(keys + (index,), f"item {index + 1} of '{name}' must be text, not {item!r}")
    return result


def _source(value, f: _Fields) -> Source:
    line = f.line("source")
    if value is None:
        return Source(line=line)
    if not isinstance(value, dict):
        f.error(("source",), "source must have 'id' and 'revision' (or 'written_in_england: reason')")
        return Source(line=line)
    allowed = {"id", "revision", "adaptation", "written_in_england"}
    for key in value:
        if key not in allowed:
            f.error(("source", key), f"unknown source field '{key}' (use {', '.join(sorted(allowed))})")
    if "written_in_england" in value:
        reason = value["written_in_england"]
        if not isinstance(reason, str) or not reason.strip():
            f.error(("source", "written_in_england"), "written_in_england needs the reason as text")
        if "id" in value:
            f.error(("source", "id"), "a module written in England has no German source id")
        return Source(written_in_england=str(reason or "").strip(), line=line)
    source_id = value.get("id")
    if not isinstance(source_id, str) or not SLUG_RE.match(source_id or ""):
        f.error(("source", "id") if "id" in value else ("source",), "source id must be the German module's slug")
        source_id = None
    revision = value.get("revision")
    if revision is not None and not (isinstance(revision, str) and re.fullmatch(r"[0-9a-f]{12,64}", revision)):
        f.error(("source", "revision"), "source revision must be the hex hash printed by 'cascade translations pin'")
        revision = None
    adaptation = value.get("adaptation")
    if adaptation is not None and not isinstance(adaptation, str):
        f.error(("source", "adaptation"), "adaptation notes must be text")
        adaptation = None
    return Source(id=source_id, revision=revision, adaptation=(adaptation or "").strip() or None, line=line)


def _fidelity(value, f: _Fields) -> list[CoreComponent]:
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
        for key in item:
            if key not in ("id", "description", "essential"):
                f.error(keys + (key,), f"unknown core component field '{key}'")
        cid = item.get("id")
        if not isinstance(cid, str) or not SLUG_RE.match(cid):
            f.error(keys + ("id",) if "id" in item else keys, "core component id must be a slug like 'shares-experience'")
            cid = f"component-{index + 1}"
        elif cid in seen:
            f.error(keys + ("id",), f"core component id '{cid}' is used twice")
        seen.add(cid)
        description = item.get("description")
        if not isinstance(description, str) or not description.strip():
            f.error(keys + ("description",) if "description" in item else keys, f"core component '{cid}' needs a description")
            description = ""
        essential = item.get("essential")
        if not isinstance(essential, bool):
            f.error(keys + ("essential",) if "essential" in item else keys,
                    f"core component '{cid}' needs 'essential: true' or 'essential: false'")
            essential = False
        result.append(CoreComponent(cid, description.strip(), essential, f.line(*keys)))
    return result


def _changelog(value, f: _Fields) -> list[ChangelogEntry]:
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
        for key in item:
            if key not in ("version", "date", "summary", "leap"):
                f.error(keys + (key,), f"unknown changelog field '{key}'")
        version = item.get("version")
        try:
            version = str(Version.parse(version)) if isinstance(version, str) else None
        except ValueError as exc:
            f.error(keys + ("version",), str(exc))
            version = None
        if version is None and not isinstance(item.get("version"), str):
            f.error(keys + ("version",) if "version" in item else keys, "changelog entry needs a version written as text, e.g. '1.1.0'")
        date = item.get("date")
        if isinstance(date, dt.date):
            date = date.isoformat()
        elif isinstance(date, str):
            try:
                date = dt.date.fromisoformat(date).isoformat()
            except ValueError:
                f.error(keys + ("date",), f"date {date!r} must be YYYY-MM-DD")
        else:
            f.error(keys + ("date",) if "date" in item else keys, "changelog entry needs a date (YYYY-MM-DD)")
            date = ""
        summary = item.get("summary")
        if not isinstance(summary, str) or not summary.strip():
            f.error(keys + ("summary",) if "summary" in item else keys, "changelog entry needs a plain-English summary")
            summary = ""
        leap = item.get("leap")
        if leap is not None and not (isinstance(leap, str) and LEAP_REF_RE.match(leap)):
            f.error(keys + ("leap",), f"LEAP recommendation {leap!r} must look like LEAP-2026-01")
            leap = None
        if version:
            result.append(ChangelogEntry(version, str(date or ""), (summary or "").strip(), leap, f.line(*keys)))
    return result


def _references(value, f: _Fields) -> list[Reference]:
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
        if not isinstance(item, dict) or not isinstance(item.get("title"), str):
            f.error(keys, "each reference needs a title (and a url where there is one)")
            continue
        for key in item:
            if key not in ("title", "url", "publisher", "checked"):
                f.error(keys + (key,), f"unknown reference field '{key}'")
        url = item.get("url")
        if url is not None and not (isinstance(url, str) and url.startswith("https://")):
            f.error(keys + ("url",), f"reference url {url!r} must start with https://")
            url = None
        checked = item.get("checked")
        if isinstance(checked, dt.date):
            checked = checked.isoformat()
        result.append(Reference(item["title"].strip(), url, item.get("publisher"), checked, f.line(*keys)))
    return result


def _build_page(path, rel, doc, scan, problems) -> Page:
    f = _Fields(path, doc, problems)
    page = Page(path=path, rel=rel, doc=doc, scan=scan)
    meta = doc.meta
    for name in meta:
        if name not in PAGE_FIELDS:
            f.error((name,), f"unknown page field '{name}' (a page's fields are: {', '.join(sorted(PAGE_FIELDS))})")
    page.title = f.text("title", required=False)
    if not page.title:
        heading = next((h for h in scan.headings if h.level == 1), None)
        if heading is None:
            problems.error(path, 1, "a page needs a 'title' in its front matter")
        page.title = heading.text if heading else rel
    page.summary = f.text("summary", required=False)
    order = meta.get("order", 100)
    if isinstance(order, bool) or not isinstance(order, int):
        f.error(("order",), f"order must be a whole number, not {order!r}")
    else:
        page.order = order
    size = meta.get("print", "a4")
    if size not in PRINT_SIZES:
        f.error(("print",), f"print must be one of {', '.join(PRINT_SIZES)}, not {size!r}")
    else:
        page.print_size = size
    edition = meta.get("edition", "both")
    if edition not in ("both", *EDITIONS):
        f.error(("edition",), f"unknown edition {edition!r}; use both, supporter or trainer")
    else:
        page.edition = edition
    return page


def _load_glossary(path: Path, problems: ProblemList) -> list[GlossaryTerm]:
    if not path.exists():
        return []
    try:
        data, lines = frontmatter.parse_yaml_with_lines(path.read_text(encoding="utf-8"))
    except frontmatter.FrontMatterError as exc:
        problems.error(path, exc.line, str(exc))
        return []
    terms = data.get("terms") if isinstance(data, dict) else None
    if not isinstance(terms, list):
        problems.error(path, 1, "glossary.yml needs 'terms:', a list of term, expansion, definition")
        return []
    result, seen = [], set()
    for index, item in enumerate(terms):
        line = lines.get(("terms", index), 1)
        if not isinstance(item, dict) or not all(isinstance(item.get(k), str) for k in ("term", "expansion", "definition")):
            problems.error(path, line, "each glossary term needs term, expansion and definition as text")
            continue
        if item["term"] in seen:
            problems.error(path, line, f"glossary term '{item['term']}' is defined twice")
        seen.add(item["term"])
        result.append(GlossaryTerm(item["term"].strip(), item["expansion"].strip(), item["definition"].strip(), line))
    return result
