"""Fidelity checklists: load assessments/checklists/*.yml into typed objects.

A checklist is a versioned list of items, each scored 0 (not done), 1 (partly), 2 (fully) or
not applicable. Two kinds exist:

- checklist files under assessments/checklists/ (for example the training-session and
  support-contact checklists), validated here with every problem as `path:line: message`;
- one checklist per curriculum module, made from the module's core components by
  `module_checklist` (id "module:<module id>", version = the module's version).

Scoring and figures over recorded scores live in trainer_tracker.fidelity (see docs/fidelity.md).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ..content import frontmatter
from ..content.problems import ProblemList
from ..content.versions import Version

if TYPE_CHECKING:  # pragma: no cover
    from ..content.curriculum import Curriculum, Module

SCORES = (0, 1, 2)
SCORE_NAMES = {0: "not done", 1: "partly", 2: "fully"}
MODULE_PREFIX = "module:"
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

APPLIES_TO = {
    "module-delivery": "one delivery of a module in a training session",
    "support-contact": "one support contact between a peer supporter and a carer",
}
RATER_ROLES = {
    "observer": "someone watching a training session (a generation 0 trainer or programme lead)",
    "trainer-self": "the trainer scoring their own session",
    "cps-self": "the carer peer supporter scoring their own support contact",
    "supervisor": "the peer supporter's supervisor",
    "carer": "the carer who received the support",
}
# The four domains of the principle-based fidelity index for one-to-one peer support
# (Gillard et al. 2021). Support-contact checklists group their items by these.
PRINCIPLE_DOMAINS = {
    "trusting-relationships": "Building trusting relationships based on shared lived experience",
    "reciprocity-and-mutuality": "Reciprocity and mutuality",
    "leadership-choice-and-control": "Leadership, choice and control",
    "strengths-and-community": "Building strengths and making connections to community",
}
MODULE_ANCHORS = (
    "Not done: the component was left out.",
    "Partly: done in part, rushed, or changed so that some of its purpose was lost.",
    "Fully: done as the module describes.",
)

# field -> (required, meaning); unknown fields are errors so typos do not pass silently.
CHECKLIST_FIELDS: dict[str, tuple[bool, str]] = {
    "id": (True, "lower-case words joined by hyphens; the same as the file name"),
    "title": (True, "plain-English title"),
    "version": (
        True,
        "MAJOR.MINOR.PATCH written as text; a new version is never pooled with an old one",
    ),
    "applies_to": (True, "what is scored: " + " or ".join(APPLIES_TO)),
    "rater_roles": (True, "who may score it: " + ", ".join(RATER_ROLES)),
    "licence": (True, "the terms on which the checklist may be used"),
    "changelog": (True, "entries: version, date, summary"),
    "items": (
        True,
        "the items: id, text, anchors 0/1/2, optional domain, essential, not_applicable",
    ),
    "description": (False, "who scores it, when, and from what"),
    "domains": (False, "groups of items: id and title"),
    "anchors": (False, "default anchors 0, 1 and 2 for items that give none"),
    "references": (False, "sources, one line of text each"),
}
ITEM_FIELDS: dict[str, str] = {
    "id": "lower-case words joined by hyphens, unique in the checklist",
    "text": "what the rater looks for, as one plain sentence",
    "anchors": "what a score of 0, 1 and 2 looks like",
    "domain": "the id of one of the checklist's domains",
    "essential": "true when the item must be delivered for the session or contact to count",
    "not_applicable": "when 'not applicable' may be chosen; without it, every item must be scored",
    "guidance": "extra notes for raters",
}
DOMAIN_FIELDS = ("id", "title", "description")
CHANGELOG_FIELDS = ("version", "date", "summary")


@dataclass(frozen=True)
class ChecklistItem:
    """One item; `anchors[score]` says what a score of 0, 1 or 2 looks like."""

    id: str
    text: str
    anchors: tuple[str, str, str]
    essential: bool = False
    domain: str | None = None
    not_applicable: str | None = None  # when N/A may be chosen; None: N/A is not allowed
    guidance: str | None = None
    line: int = 0

    @property
    def allows_not_applicable(self) -> bool:
        return self.not_applicable is not None

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "text": self.text,
            "anchors": {str(score): text for score, text in zip(SCORES, self.anchors, strict=True)},
            "essential": self.essential,
            "domain": self.domain,
            "not_applicable": self.not_applicable,
            "guidance": self.guidance,
        }


@dataclass(frozen=True)
class Domain:
    id: str
    title: str
    description: str | None = None
    line: int = 0


@dataclass(frozen=True)
class ChangeEntry:
    version: str
    date: str
    summary: str
    line: int = 0


@dataclass(frozen=True)
class Checklist:
    """A versioned fidelity checklist. Figures only ever pool scores with the same `key`."""

    id: str
    title: str
    version: Version
    applies_to: str
    items: tuple[ChecklistItem, ...]
    rater_roles: tuple[str, ...] = ()
    domains: tuple[Domain, ...] = ()
    description: str = ""
    licence: str = ""
    references: tuple[str, ...] = ()
    changelog: tuple[ChangeEntry, ...] = ()
    module_id: str | None = None  # set for checklists made from a module's core components
    path: str | None = None  # file the checklist came from (relative to the content root)

    @property
    def key(self) -> tuple[str, str]:
        """(checklist id, version as text): what fidelity records carry and figures group by."""
        return (self.id, str(self.version))

    @property
    def item_ids(self) -> tuple[str, ...]:
        return tuple(item.id for item in self.items)

    @property
    def essential_items(self) -> tuple[ChecklistItem, ...]:
        return tuple(item for item in self.items if item.essential)

    def item(self, item_id: str) -> ChecklistItem:
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(f"checklist {self.id} {self.version} has no item '{item_id}'")

    def items_in(self, domain_id: str) -> tuple[ChecklistItem, ...]:
        return tuple(item for item in self.items if item.domain == domain_id)

    def check_scores(self, scores: Mapping[str, object]) -> list[str]:
        """Problems with one rater's scores for this checklist (empty when they are fine).

        Every item needs an entry: 0, 1, 2, or None for not applicable, and None only for
        items that say when not applicable may be chosen.
        """
        messages = []
        known = set(self.item_ids)
        for item_id in scores:
            if item_id not in known:
                messages.append(f"'{item_id}' is not an item of checklist {self.id} {self.version}")
        for item in self.items:
            if item.id not in scores:
                messages.append(f"item '{item.id}' has no score (give 0, 1, 2 or not applicable)")
                continue
            value = scores[item.id]
            if value is None:
                if not item.allows_not_applicable:
                    messages.append(
                        f"item '{item.id}' must be scored 0, 1 or 2; it cannot be not applicable"
                    )
            elif isinstance(value, bool) or value not in SCORES:
                messages.append(
                    f"item '{item.id}' has score {value!r}; use 0, 1, 2 or not applicable"
                )
        return messages

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "title": self.title,
            "version": str(self.version),
            "applies_to": self.applies_to,
            "rater_roles": list(self.rater_roles),
            "domains": [{"id": d.id, "title": d.title} for d in self.domains],
            "items": [item.to_dict() for item in self.items],
            "module_id": self.module_id,
        }


@dataclass
class Checklists:
    """Every checklist file under assessments/checklists/, with the problems found loading them."""

    root: Path  # the assessments/checklists folder
    checklists: list[Checklist]
    problems: ProblemList
    by_key: dict[tuple[str, str], Checklist] = field(default_factory=dict)

    def __post_init__(self):
        for checklist in self.checklists:
            self.by_key.setdefault(checklist.key, checklist)

    def get(self, checklist_id: str, version: str | None = None) -> Checklist:
        """The checklist with this id (and version, if given; else the one on file)."""
        for checklist in self.checklists:
            if checklist.id == checklist_id and (
                version is None or str(checklist.version) == str(version)
            ):
                return checklist
        wanted = checklist_id if version is None else f"{checklist_id} {version}"
        raise KeyError(f"no checklist {wanted} under {self.root}")

    def applying_to(self, applies_to: str) -> list[Checklist]:
        return [c for c in self.checklists if c.applies_to == applies_to]


def module_checklist(module: Module) -> Checklist:
    """The delivery checklist of a curriculum module: its core components, with generic anchors.

    Id "module:<module id>", version = the module's version, so a change to the core
    components (a MAJOR version) starts a new checklist that figures never pool with the old.
    """
    if module.version is None:
        raise ValueError(
            f"module '{module.id}' has no valid version, so it has no fidelity checklist"
        )
    if not module.fidelity:
        raise ValueError(
            f"module '{module.id}' lists no core components, so it has no fidelity checklist"
        )
    items = tuple(
        ChecklistItem(
            id=component.id,
            text=component.description,
            anchors=MODULE_ANCHORS,
            essential=component.essential,
            line=component.line,
        )
        for component in module.fidelity
    )
    entries = tuple(ChangeEntry(e.version, e.date, e.summary, e.line) for e in module.changelog)
    return Checklist(
        id=f"{MODULE_PREFIX}{module.id}",
        title=f"{module.title}: core components",
        version=module.version,
        applies_to="module-delivery",
        items=items,
        rater_roles=("observer", "trainer-self"),
        description="Was each core component of the module delivered? Score what you saw.",
        licence="As the module",
        changelog=entries,
        module_id=module.id,
        path=f"curriculum/{module.rel}",
    )


def module_checklists(curriculum: Curriculum) -> list[Checklist]:
    """A checklist for every module that has a version and core components."""
    return [module_checklist(m) for m in curriculum.modules if m.version is not None and m.fidelity]


def load_checklists(root: Path | str | None = None) -> Checklists:
    """Load every assessments/checklists/*.yml under the content root (or the given folder)."""
    from ..config import content_root

    base = Path(root) if root is not None else content_root()
    if (base / "assessments" / "checklists").is_dir():
        base = base / "assessments" / "checklists"
    elif (base / "checklists").is_dir():
        base = base / "checklists"
    base = base.resolve()
    problems = ProblemList(base.parent.parent)
    checklists: list[Checklist] = []
    seen: dict[str, str] = {}
    for path in sorted(base.glob("*.yml")):
        checklist = load_checklist(path, problems)
        if checklist is None:
            continue
        if checklist.id in seen:
            problems.error(
                path, 1, f"checklist id '{checklist.id}' is also used by {seen[checklist.id]}"
            )
            continue
        seen[checklist.id] = path.name
        checklists.append(checklist)
    return Checklists(base, checklists, problems)


def load_checklist(path: Path | str, problems: ProblemList | None = None) -> Checklist | None:
    """Read one checklist file. Problems go to `problems` (all of them, never only the first).

    Returns the checklist when it is complete enough to use (id, title, version, applies_to
    and at least one item), else None. Any recorded error still means the file needs fixing.
    """
    path = Path(path)
    problems = problems if problems is not None else ProblemList()
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        problems.error(path, 1, f"the file is not UTF-8 text ({exc.reason})")
        return None
    try:
        data, lines = frontmatter.parse_yaml_with_lines(text)
    except frontmatter.FrontMatterError as exc:
        problems.error(path, exc.line, str(exc))
        return None
    reader = _Reader(path, lines, problems)
    if not isinstance(data, dict):
        problems.error(
            path, 1, "a checklist must be a set of 'field: value' lines (id, title, version, ...)"
        )
        return None
    return reader.checklist(data)


class _Reader:
    """Reads one checklist file, recording each problem with its line."""

    def __init__(self, path: Path, lines: dict, problems: ProblemList):
        self.path, self.lines, self.problems = path, lines, problems

    def line(self, *keys) -> int:
        while keys:
            if keys in self.lines:
                return self.lines[keys]
            keys = keys[:-1]
        return 1

    def error(self, keys: tuple, message: str) -> None:
        self.problems.error(self.path, self.line(*keys), message)

    def text(self, value, keys: tuple, name: str, required: bool = True) -> str | None:
        if value is None:
            if required:
                self.error(keys[:-1] or keys, f"missing field '{name}'")
            return None
        if isinstance(value, bool):
            self.error(
                keys,
                f"'{name}' must be text, not {value!r}: put it in quotes "
                "(YAML reads yes/no as true/false)",
            )
            return None
        if not isinstance(value, str) or not value.strip():
            self.error(keys, f"'{name}' must be text, not {value!r}")
            return None
        return " ".join(value.split())

    def checklist(self, data: dict) -> Checklist | None:
        for name in data:
            if name not in CHECKLIST_FIELDS:
                known = ", ".join(CHECKLIST_FIELDS)
                self.error((name,), f"unknown field '{name}' (a checklist's fields are: {known})")
        for name, (required, meaning) in CHECKLIST_FIELDS.items():
            if required and name not in data:
                self.problems.error(self.path, 1, f"missing field '{name}' ({meaning})")

        checklist_id = self.text(data.get("id"), ("id",), "id", required=False)
        if checklist_id is not None:
            if not SLUG_RE.match(checklist_id):
                self.error(
                    ("id",), f"id '{checklist_id}' must be lower-case words joined by hyphens"
                )
                checklist_id = None
            elif checklist_id != self.path.stem:
                self.error(
                    ("id",), f"id '{checklist_id}' must match the file name ('{self.path.stem}')"
                )
        title = self.text(data.get("title"), ("title",), "title", required=False)
        version = self.version(data.get("version"), ("version",)) if "version" in data else None
        applies_to = data.get("applies_to")
        if "applies_to" in data and not (isinstance(applies_to, str) and applies_to in APPLIES_TO):
            self.error(
                ("applies_to",), f"unknown applies_to {applies_to!r}; use {' or '.join(APPLIES_TO)}"
            )
            applies_to = None
        rater_roles = self.rater_roles(data.get("rater_roles"))
        licence = self.text(data.get("licence"), ("licence",), "licence", required=False) or ""
        description = (
            self.text(data.get("description"), ("description",), "description", required=False)
            or ""
        )
        references = self.references(data.get("references"))
        changelog = self.changelog(data.get("changelog"), version)
        domains = self.domains(data.get("domains"), applies_to)
        if applies_to == "support-contact" and "domains" not in data:
            self.problems.error(
                self.path,
                1,
                "missing field 'domains': support-contact checklists group their items by the "
                f"principle-based domains ({', '.join(PRINCIPLE_DOMAINS)})",
            )
        default_anchors = None
        if "anchors" in data:
            default_anchors = self.anchors(
                data["anchors"], ("anchors",), "the checklist's default anchors"
            )
        items = self.items(data.get("items"), domains, default_anchors)
        if None in (checklist_id, title, version, applies_to) or not items:
            return None
        return Checklist(
            id=checklist_id,
            title=title,
            version=version,
            applies_to=applies_to,
            items=tuple(items),
            rater_roles=tuple(rater_roles),
            domains=tuple(domains),
            description=description,
            licence=licence,
            references=tuple(references),
            changelog=tuple(changelog),
            path=self.problems._rel(self.path),
        )

    def version(self, raw, keys: tuple) -> Version | None:
        if isinstance(raw, bool) or not isinstance(raw, str):
            self.error(
                keys,
                f"'{raw}' is not a version like 1.2.0 "
                "(write MAJOR.MINOR.PATCH as text, e.g. '1.0.0')",
            )
            return None
        try:
            return Version.parse(raw)
        except ValueError as exc:
            self.error(keys, str(exc))
            return None

    def rater_roles(self, value) -> list[str]:
        if value is None:
            return []
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not items:
            self.error(
                ("rater_roles",),
                "rater_roles must be a list such as [observer, trainer-self] "
                f"({', '.join(RATER_ROLES)})",
            )
            return []
        result = []
        for index, role in enumerate(items):
            keys = ("rater_roles", index) if isinstance(value, list) else ("rater_roles",)
            if not isinstance(role, str) or role not in RATER_ROLES:
                self.error(keys, f"unknown rater role {role!r}; use {', '.join(RATER_ROLES)}")
            elif role in result:
                self.error(keys, f"rater role '{role}' is listed twice")
            else:
                result.append(role)
        return result

    def references(self, value) -> list[str]:
        if value is None:
            return []
        if not isinstance(value, list):
            self.error(
                ("references",), "references must be a list, one source per line starting '- '"
            )
            return []
        result = []
        for index, item in enumerate(value):
            text = self.text(item, ("references", index), f"reference {index + 1}")
            if text:
                result.append(text)
        return result

    def changelog(self, value, version: Version | None) -> list[ChangeEntry]:
        if value is None:
            return []
        if not isinstance(value, list) or not value:
            self.error(("changelog",), "changelog must list entries with version, date and summary")
            return []
        result = []
        for index, item in enumerate(value):
            keys = ("changelog", index)
            if not isinstance(item, dict):
                self.error(keys, "each changelog entry needs version, date and summary")
                continue
            for key in item:
                if key not in CHANGELOG_FIELDS:
                    self.error(
                        keys + (key,),
                        f"unknown changelog field '{key}' (use {', '.join(CHANGELOG_FIELDS)})",
                    )
            entry_version = None
            if "version" in item:
                parsed = self.version(item["version"], keys + ("version",))
                entry_version = str(parsed) if parsed else None
            else:
                self.error(keys, "changelog entry needs a version, e.g. '1.0.0'")
            date = item.get("date")
            if isinstance(date, dt.date):
                date = date.isoformat()
            elif isinstance(date, str):
                try:
                    date = dt.date.fromisoformat(date).isoformat()
                except ValueError:
                    self.error(keys + ("date",), f"date {date!r} must be YYYY-MM-DD")
                    date = ""
            else:
                self.error(
                    keys + ("date",) if "date" in item else keys,
                    "changelog entry needs a date (YYYY-MM-DD)",
                )
                date = ""
            summary = self.text(item.get("summary"), keys + ("summary",), "summary") or ""
            if entry_version:
                result.append(ChangeEntry(entry_version, date, summary, self.line(*keys)))
        if version is not None and result and str(version) not in {e.version for e in result}:
            self.error(
                ("changelog",), f"the changelog has no entry for the current version {version}"
            )
        return result

    def domains(self, value, applies_to: str | None) -> list[Domain]:
        if value is None:
            return []
        if not isinstance(value, list) or not value:
            self.error(("domains",), "domains must be a list of id and title")
            return []
        result, seen = [], set()
        for index, item in enumerate(value):
            keys = ("domains", index)
            if not isinstance(item, dict):
                self.error(keys, "each domain needs an id and a title")
                continue
            for key in item:
                if key not in DOMAIN_FIELDS:
                    self.error(
                        keys + (key,),
                        f"unknown domain field '{key}' (use {', '.join(DOMAIN_FIELDS)})",
                    )
            domain_id = item.get("id")
            if not isinstance(domain_id, str) or not SLUG_RE.match(domain_id):
                self.error(
                    keys + ("id",) if "id" in item else keys,
                    "domain id must be lower-case words joined by hyphens",
                )
                continue
            if domain_id in seen:
                self.error(keys + ("id",), f"domain '{domain_id}' is listed twice")
                continue
            if applies_to == "support-contact" and domain_id not in PRINCIPLE_DOMAINS:
                self.error(
                    keys + ("id",),
                    f"unknown domain '{domain_id}': support-contact checklists use the four "
                    f"principle-based domains ({', '.join(PRINCIPLE_DOMAINS)})",
                )
                continue
            seen.add(domain_id)
            title = self.text(item.get("title"), keys + ("title",), "title") or domain_id
            description = self.text(
                item.get("description"), keys + ("description",), "description", required=False
            )
            result.append(Domain(domain_id, title, description, self.line(*keys)))
        return result

    def anchors(self, value, keys: tuple, owner: str) -> tuple[str, str, str] | None:
        if not isinstance(value, dict):
            self.error(
                keys,
                f"anchors of {owner} must say what 0, 1 and 2 look like, one per line ('0: ...')",
            )
            return None
        found: dict[int, str] = {}
        present: set[int] = set()
        ok = True
        for key, text in value.items():
            score = key if isinstance(key, int) and not isinstance(key, bool) else None
            if isinstance(key, str) and key.strip() in ("0", "1", "2"):
                score = int(key)
            if score not in SCORES:
                self.error(
                    keys + (str(key),),
                    f"anchor {key!r} of {owner} is not a score; anchors are 0, 1 and 2",
                )
                ok = False
                continue
            present.add(score)
            if text is None:
                self.error(
                    keys + (str(key),),
                    f"anchor {score} of {owner} is empty: say what a score of {score} looks like",
                )
                ok = False
                continue
            anchor = self.text(text, keys + (str(key),), f"anchor {score}")
            if anchor is None:
                ok = False
                continue
            found[score] = anchor
        missing = [str(s) for s in SCORES if s not in present]
        if missing:
            self.error(
                keys,
                f"{owner} has no anchor for {' and '.join(missing)}: say what 0, 1 and 2 look like",
            )
            ok = False
        if not ok:
            return None
        return (found[0], found[1], found[2])

    def items(self, value, domains: list[Domain], default_anchors) -> list[ChecklistItem]:
        if value is None:
            return []
        if not isinstance(value, list) or not value:
            self.error(("items",), "items must be a list of items, each with id, text and anchors")
            return []
        domain_ids = {d.id for d in domains}
        result, seen = [], set()
        for index, item in enumerate(value):
            keys = ("items", index)
            if not isinstance(item, dict):
                self.error(keys, "each item needs an id, text and anchors")
                continue
            for key in item:
                if key not in ITEM_FIELDS:
                    self.error(
                        keys + (key,),
                        f"unknown item field '{key}' "
                        f"(an item's fields are: {', '.join(ITEM_FIELDS)})",
                    )
            item_id = item.get("id")
            label = f"item {index + 1}"
            if not isinstance(item_id, str) or not SLUG_RE.match(item_id):
                self.error(
                    keys + ("id",) if "id" in item else keys,
                    f"{label} needs an id of lower-case words joined by hyphens",
                )
                item_id = None
            elif item_id in seen:
                self.error(keys + ("id",), f"item id '{item_id}' is used twice")
                item_id = None
            else:
                seen.add(item_id)
                label = f"item '{item_id}'"
            text = self.text(item.get("text"), keys + ("text",), "text")
            if "anchors" in item:
                anchors = self.anchors(item["anchors"], keys + ("anchors",), label)
            elif default_anchors is not None:
                anchors = default_anchors
            else:
                self.error(
                    keys,
                    f"{label} has no anchors: say what 0, 1 and 2 look like "
                    "(or give the checklist default anchors)",
                )
                anchors = None
            domain = item.get("domain")
            if domain is not None and not (isinstance(domain, str) and domain in domain_ids):
                known = ", ".join(sorted(domain_ids)) or "none are listed under 'domains'"
                self.error(
                    keys + ("domain",),
                    f"unknown domain {domain!r} for {label} (the checklist's domains: {known})",
                )
                domain = None
            elif domain is None and domain_ids:
                self.error(keys, f"{label} needs a domain (one of {', '.join(sorted(domain_ids))})")
            essential = item.get("essential", False)
            if not isinstance(essential, bool):
                self.error(
                    keys + ("essential",),
                    f"{label}: essential must be true or false, not {essential!r}",
                )
                essential = False
            not_applicable = None
            if "not_applicable" in item:
                not_applicable = self.text(
                    item["not_applicable"], keys + ("not_applicable",), "not_applicable"
                )
            guidance = self.text(
                item.get("guidance"), keys + ("guidance",), "guidance", required=False
            )
            if item_id and text and anchors:
                result.append(
                    ChecklistItem(
                        item_id,
                        text,
                        anchors,
                        essential,
                        domain,
                        not_applicable,
                        guidance,
                        self.line(*keys),
                    )
                )
        return result


def all_checklists(checklists: Checklists, curriculum: Curriculum | None = None) -> list[Checklist]:
    """The checklist files plus, when a curriculum is given, one checklist per module."""
    result = list(checklists.checklists)
    if curriculum is not None:
        result.extend(module_checklists(curriculum))
    return result
