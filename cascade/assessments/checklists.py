"""Fidelity checklists: load assessments/checklists/*.yml into the objects of checklist_model.py.

A checklist is a versioned list of items, each scored 0 (not done), 1 (partly), 2 (fully) or
not applicable. Two kinds exist:

- checklist files under assessments/checklists/ (for example the training-session and
  support-contact checklists), validated here with every problem as `path:line: message`;
- one checklist per curriculum module, made from the module's core components by
  `module_checklist` (id "module:<module id>", version = the module's version).

Scoring and figures over recorded scores live in trainer_tracker.fidelity (see docs/fidelity.md).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..content.fields import Fields, read_yaml
from ..content.problems import ProblemList
from ..content.semver import Version
from .checklist_model import (
    APPLIES_TO,
    MODULE_PREFIX,
    PRINCIPLE_DOMAINS,
    RATER_ROLES,
    SCORES,
    ChangeEntry,
    Checklist,
    ChecklistItem,
    Checklists,
    Domain,
)

if TYPE_CHECKING:  # pragma: no cover
    from ..content.model import Curriculum, Module

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
    read = read_yaml(path, problems)
    if read is None:
        return None
    data, f = read
    if not isinstance(data, dict):
        problems.error(
            path, 1, "a checklist must be a set of 'field: value' lines (id, title, version, ...)"
        )
        return None
    return _checklist(data, f)


def _checklist(data: dict, f: Fields) -> Checklist | None:
    f.unknown(data, CHECKLIST_FIELDS)
    f.required(data, {name: meaning for name, (required, meaning) in CHECKLIST_FIELDS.items() if required})
    checklist_id = f.slug(data, "id")
    if checklist_id is not None and checklist_id != f.path.stem:
        f.error(("id",), f"id '{checklist_id}' must match the file name ('{f.path.stem}')")
    title = f.text(data, "title", one_line=True)
    version = f.version(data, "version")
    applies_to = f.choice(data, "applies_to", APPLIES_TO)
    rater_roles = _rater_roles(data.get("rater_roles"), f)
    licence = f.text(data, "licence", one_line=True) or ""
    description = f.text(data, "description", one_line=True) or ""
    references = f.text_list(data, "references", one_line=True)
    changelog = _changelog(data.get("changelog"), version, f)
    domains = _domains(data.get("domains"), applies_to, f)
    if applies_to == "support-contact" and "domains" not in data:
        f.missing("domains", meaning="support-contact checklists group their items by the "
                  f"principle-based domains: {', '.join(PRINCIPLE_DOMAINS)}")
    default_anchors = None
    if "anchors" in data:
        default_anchors = _anchors(data["anchors"], ("anchors",), "the checklist's default anchors", f)
    items = _items(data.get("items"), domains, default_anchors, f)
    if None in (checklist_id, title, version, applies_to) or not items:
        return None
    return Checklist(
        id=checklist_id, title=title, version=version, applies_to=applies_to, items=tuple(items),
        rater_roles=tuple(rater_roles), domains=tuple(domains), description=description,
        licence=licence, references=tuple(references), changelog=tuple(changelog),
        path=f.problems._rel(f.path),
    )


def _rater_roles(value, f: Fields) -> list[str]:
    if value is None:
        return []
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not items:
        f.error(("rater_roles",), "rater_roles must be a list such as [observer, trainer-self] "
                                  f"({', '.join(RATER_ROLES)})")
        return []
    result = []
    for index, role in enumerate(items):
        keys = ("rater_roles", index) if isinstance(value, list) else ("rater_roles",)
        if not isinstance(role, str) or role not in RATER_ROLES:
            f.error(keys, f"unknown rater role {role!r}; use {', '.join(RATER_ROLES)}")
        elif role in result:
            f.error(keys, f"rater role '{role}' is listed twice")
        else:
            result.append(role)
    return result


def _changelog(value, version: Version | None, f: Fields) -> list[ChangeEntry]:
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
        f.required(item, CHANGELOG_FIELDS, keys)
        entry_version = f.version(item, "version", keys)
        date = f.date(item, "date", keys) or ""
        summary = f.text(item, "summary", keys, one_line=True) or ""
        if entry_version is not None:
            result.append(ChangeEntry(str(entry_version), date, summary, f.line(*keys)))
    if version is not None and result and str(version) not in {e.version for e in result}:
        f.error(("changelog",), f"the changelog has no entry for the current version {version}")
    return result


def _domains(value, applies_to: str | None, f: Fields) -> list[Domain]:
    if value is None:
        return []
    if not isinstance(value, list) or not value:
        f.error(("domains",), "domains must be a list of id and title")
        return []
    result, seen = [], set()
    for index, item in enumerate(value):
        keys = ("domains", index)
        if not isinstance(item, dict):
            f.error(keys, "each domain needs an id and a title")
            continue
        f.unknown(item, DOMAIN_FIELDS, keys)
        f.required(item, ("id", "title"), keys)
        domain_id = f.slug(item, "id", keys)
        if domain_id is None:
            continue
        if domain_id in seen:
            f.error(keys + ("id",), f"domain '{domain_id}' is listed twice")
            continue
        if applies_to == "support-contact" and domain_id not in PRINCIPLE_DOMAINS:
            f.error(keys + ("id",), f"unknown domain '{domain_id}': support-contact checklists use "
                                    f"the four principle-based domains ({', '.join(PRINCIPLE_DOMAINS)})")
            continue
        seen.add(domain_id)
        title = f.text(item, "title", keys, one_line=True) or domain_id
        description = f.text(item, "description", keys, one_line=True)
        result.append(Domain(domain_id, title, description, f.line(*keys)))
    return result


def _anchors(value, keys: tuple, owner: str, f: Fields) -> tuple[str, str, str] | None:
    """What scores 0, 1 and 2 look like (`owner` names whose anchors they are)."""
    if not isinstance(value, dict):
        f.error(keys, f"anchors of {owner} must say what 0, 1 and 2 look like, one per line ('0: ...')")
        return None
    found: dict[int, str] = {}
    present: set[int] = set()
    ok = True
    for key, text in value.items():
        score = key if isinstance(key, int) and not isinstance(key, bool) else None
        if isinstance(key, str) and key.strip() in ("0", "1", "2"):
            score = int(key)
        if score not in SCORES:
            f.error(keys + (str(key),), f"anchor {key!r} of {owner} is not a score; anchors are 0, 1 and 2")
            ok = False
            continue
        present.add(score)
        if text is None:
            f.error(keys + (str(key),), f"anchor {score} of {owner} is empty: say what a score of {score} looks like")
            ok = False
            continue
        anchor = f.text_value(text, keys + (str(key),), f"anchor {score}", one_line=True)
        if anchor is None:
            ok = False
            continue
        found[score] = anchor
    missing = [str(s) for s in SCORES if s not in present]
    if missing:
        f.error(keys, f"{owner} has no anchor for {' and '.join(missing)}: say what 0, 1 and 2 look like")
        ok = False
    if not ok:
        return None
    return (found[0], found[1], found[2])


def _items(value, domains: list[Domain], default_anchors, f: Fields) -> list[ChecklistItem]:
    if value is None:
        return []
    if not isinstance(value, list) or not value:
        f.error(("items",), "items must be a list of items, each with id, text and anchors")
        return []
    domain_ids = {d.id for d in domains}
    result, seen = [], set()
    for index, item in enumerate(value):
        keys = ("items", index)
        if not isinstance(item, dict):
            f.error(keys, "each item needs an id, text and anchors")
            continue
        item_id = f.slug(item, "id", keys, required=True)
        if item_id in seen:
            f.error(keys + ("id",), f"item id '{item_id}' is used twice")
            item_id = None
        elif item_id is not None:
            seen.add(item_id)
        found = _item(item, keys, item_id, f"item '{item_id}'" if item_id else f"item {index + 1}",
                      domain_ids, default_anchors, f)
        if found is not None:
            result.append(found)
    return result


def _item(item: dict, keys: tuple, item_id: str | None, label: str, domain_ids: set,
          default_anchors, f: Fields) -> ChecklistItem | None:
    f.unknown(item, ITEM_FIELDS, keys)
    text = f.text(item, "text", keys, required=True, one_line=True)
    if "anchors" in item:
        anchors = _anchors(item["anchors"], keys + ("anchors",), label, f)
    elif default_anchors is not None:
        anchors = default_anchors
    else:
        f.error(keys, f"{label} has no anchors: say what 0, 1 and 2 look like "
                      "(or give the checklist default anchors)")
        anchors = None
    domain = item.get("domain")
    if domain is not None and not (isinstance(domain, str) and domain in domain_ids):
        known = ", ".join(sorted(domain_ids)) or "none are listed under 'domains'"
        f.error(keys + ("domain",), f"unknown domain {domain!r} for {label} (the checklist's domains: {known})")
        domain = None
    elif domain is None and domain_ids:
        f.error(keys, f"{label} needs a domain (one of {', '.join(sorted(domain_ids))})")
    essential = f.flag(item, "essential", keys)
    not_applicable = None
    if "not_applicable" in item:
        not_applicable = f.text(item, "not_applicable", keys, required=True, one_line=True)
    guidance = f.text(item, "guidance", keys, one_line=True)
    if not (item_id and text and anchors):
        return None
    return ChecklistItem(item_id, text, anchors, essential, domain, not_applicable, guidance, f.line(*keys))


def all_checklists(checklists: Checklists, curriculum: Curriculum | None = None) -> list[Checklist]:
    """The checklist files plus, when a curriculum is given, one checklist per module."""
    result = list(checklists.checklists)
    if curriculum is not None:
        result.extend(module_checklists(curriculum))
    return result
