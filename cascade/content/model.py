"""The curriculum as typed objects: modules, pages, materials and what they hold.

Plain data: load.py builds these from the files, checks.py checks them across files and
editions.py renders a body for one edition.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from . import blocks as blockmod
from . import frontmatter
from .problems import ProblemList
from .semver import Version

STATUSES = ("draft", "in-review", "approved", "retired")
AUDIENCES = ("supporters", "trainers")
STAGES = (1, 2)
EDITIONS = ("supporter", "trainer")
LEAP_REF_RE = re.compile(r"^LEAP-\d{4}-\d{2,3}$")
LEAP_REF_TEXT = "a LEAP recommendation id like LEAP-2026-01"  # LEAP_REF_RE in words, for messages
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
PRINT_SIZES = ("a4", "a5")  # a5: printed as a folded booklet (the guides for carers)
# A knowledge check question: one right answer (radio buttons) or every right answer (checkboxes).
QUESTION_KINDS = ("single", "multiple")


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


@dataclass(frozen=True)
class Answer:
    """One answer to a knowledge check question, with the feedback shown when it is chosen."""

    text: str
    correct: bool
    feedback: str
    line: int = 0


@dataclass(frozen=True)
class Question:
    """A knowledge check question. `objective` is the 1-based position of the objective it checks
    in the module's `objectives`; `id` stays the same across versions, so results can be kept."""

    id: str
    objective: int
    question: str
    kind: str  # one of QUESTION_KINDS
    answers: tuple[Answer, ...] = ()
    line: int = 0

    @property
    def correct_answers(self) -> list[Answer]:
        return [a for a in self.answers if a.correct]


@dataclass
class ContentFile:
    """A Markdown file under curriculum/ (module, page or material)."""

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
    knowledge_check: list[Question] = field(default_factory=list)  # the self-check on the module page

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
        """Flesch-Kincaid grade of the supporter edition's text (worked out once per module)."""
        from .editions import render_markdown
        from .readability import grade_of_markdown

        return grade_of_markdown(render_markdown(self, "supporter"))


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
    """Everything under curriculum/, loaded once. checks.check_curriculum finds what is wrong
    across files."""

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
