"""Curriculum releases: a named set of module versions (e.g. 2027.1) that a course delivers.

A course in the tracker names its release (RELEASE_NAME_RE, e.g. 2027.1 or 2027.1-pilot); until
that release is cut, the tracker uses the working curriculum's current versions under the name.

`cascade curriculum release 2027.1` writes

- curriculum/releases/2027.1.yml: every module's id and version (and status and German
  revision), the record a course in the tracker points to;
- curriculum/releases/2027.1.md: release notes from the changelogs since the previous
  release, a trainer-edition page of the site.

Releases are never rewritten: a release that exists is refused. Each module's record also keeps
its title, objectives and core components, so that two releases can be compared without git.

For the tracker and the site (pure, no database):

- `load_releases(root)`: every release, oldest first, with each module's version
  (`Release.versions`);
- `major_changes(curriculum, base, head=None)`: the modules whose MAJOR version went up from
  release `base` to release `head` (or to the current curriculum), with what changed in their
  objectives and core components and their changelog entries: who was trained on `base` may
  need a refresher in these;
- `previous_release(curriculum)`: the release before the curriculum as it is now.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..content import german as tr
from ..content.checks import check_curriculum
from ..content.model import ChangelogEntry, Curriculum, Module
from ..content.semver import Version
from .core_changes import ComponentChange, component_changes, objective_changes

RELEASE_RE = re.compile(r"^(?P<year>\d{4})\.(?P<number>[1-9]\d*)$")  # a release `cascade curriculum release` makes
RELEASE_NAME_RE = re.compile(r"^\d{4}\.\d{1,2}(?:-[a-z0-9]+)?$")  # a release name a course may give
RELEASES_DIR = "releases"


class ReleaseRefused(RuntimeError):
    """The release was not made; `reasons` says why, one plain sentence each."""

    def __init__(self, reasons: list[str]):
        super().__init__("; ".join(reasons))
        self.reasons = reasons


class UnknownRelease(KeyError):
    """No release file has this name."""

    def __str__(self) -> str:
        return f"there is no curriculum release {self.args[0]} in curriculum/{RELEASES_DIR}/"


@dataclass(frozen=True)
class ReleasedComponent:
    id: str
    description: str
    essential: bool


@dataclass(frozen=True)
class ReleasedModule:
    """A module as a release recorded it. Releases made before the record kept the title,
    objectives and core components have only id, version and status."""

    id: str
    version: str
    status: str = ""
    title: str = ""
    objectives: tuple[str, ...] = ()
    fidelity: tuple[ReleasedComponent, ...] = ()

    @property
    def has_contract(self) -> bool:
        """Whether the objectives and core components were recorded (so they can be compared)."""
        return bool(self.objectives or self.fidelity)


@dataclass
class Release:
    name: str
    date: str
    previous: str | None
    modules: list[ReleasedModule] = field(default_factory=list)
    path: Path | None = None

    @property
    def versions(self) -> dict[str, str]:
        """Module id -> the version this release pins."""
        return {m.id: m.version for m in self.modules}

    def module(self, module_id: str) -> ReleasedModule | None:
        return next((m for m in self.modules if m.id == module_id), None)

    def version_of(self, module_id: str) -> str | None:
        found = self.module(module_id)
        return found.version if found else None


def release_key(name: str) -> tuple[int, int]:
    match = RELEASE_RE.match(name)
    if not match:
        raise ValueError(f"'{name}' is not a release name like 2027.1 (year, dot, number)")
    return int(match.group("year")), int(match.group("number"))


def releases_dir(curriculum_root: Path) -> Path:
    return Path(curriculum_root) / RELEASES_DIR


def release_file(curriculum_root: Path, name: str) -> Path:
    return releases_dir(curriculum_root) / f"{name}.yml"


def release_versions(curriculum_root: Path, name: str) -> dict[str, str] | None:
    """Module id -> version pinned by a release, or None when no release file exists."""
    path = release_file(curriculum_root, name)
    if not path.exists():
        return None
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    modules = data.get("modules", {})
    if isinstance(modules, dict):
        return {str(k): str(v) for k, v in modules.items()}
    return {str(m["id"]): str(m["version"]) for m in modules if isinstance(m, dict)}


def releases(curriculum_root: Path) -> list[str]:
    """The name of every release file, sorted as text."""
    folder = releases_dir(curriculum_root)
    if not folder.is_dir():
        return []
    return sorted(p.stem for p in folder.glob("*.yml"))


def load_releases(curriculum_root: Path) -> list[Release]:
    """Every recorded release, oldest first. Files that cannot be read are skipped."""
    result = []
    folder = releases_dir(curriculum_root)
    if not folder.is_dir():
        return result
    for path in folder.glob("*.yml"):
        if not RELEASE_RE.match(path.stem):
            continue
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError:
            continue
        modules = [_released_module(m) for m in data.get("modules") or []
                   if isinstance(m, dict) and "id" in m]
        result.append(Release(path.stem, str(data.get("date", "")), data.get("previous"),
                              modules, path))
    return sorted(result, key=lambda r: release_key(r.name))


def _released_module(item: dict) -> ReleasedModule:
    components = tuple(ReleasedComponent(str(c.get("id", "")), str(c.get("description", "")),
                                         bool(c.get("essential")))
                       for c in item.get("fidelity") or [] if isinstance(c, dict))
    return ReleasedModule(str(item["id"]), str(item.get("version", "")), str(item.get("status", "")),
                          str(item.get("title", "")), tuple(map(str, item.get("objectives") or [])),
                          components)


@dataclass
class PlannedRelease:
    release: Release
    yml: str
    notes: str
    stale: list[str]


def plan_release(curriculum: Curriculum, name: str, *, allow_stale: bool = False,
                 date: str | None = None) -> PlannedRelease:
    """Check that a release may be made and compose its files; raise ReleaseRefused if not."""
    reasons: list[str] = []
    try:
        key = release_key(name)
    except ValueError as exc:
        raise ReleaseRefused([str(exc)]) from None
    existing = load_releases(curriculum.root)
    if any(r.name == name for r in existing):
        reasons.append(f"release {name} already exists in curriculum/releases/: releases are "
                       "never changed; choose the next number")
    elif existing and release_key(existing[-1].name) >= key:
        reasons.append(f"release {name} is not newer than the latest release {existing[-1].name}")
    errors = check_curriculum(curriculum, readability=False).errors  # reading age only warns
    if errors:
        listing = "\n".join(f"  {p}" for p in errors[:20])
        reasons.append(f"the curriculum check fails with {len(errors)} error(s); run 'cascade "
                       f"curriculum check' and fix them first:\n{listing}")
    stale = [s for s in tr.adaptation_status(curriculum) if s.state == tr.STALE]
    if stale and not allow_stale:
        reasons.append("these modules adapt German texts that changed since they were pinned: "
                       + ", ".join(s.module.id for s in stale)
                       + "; review them ('cascade translations status') and pin them, or release "
                       "anyway with --allow-stale")
    if reasons:
        raise ReleaseRefused(reasons)
    previous = existing[-1] if existing else None
    date = date or dt.date.today().isoformat()
    german = tr.load_german(tr.translations_root(curriculum))
    records = [_record(m, tr.adaptation_state(m, german)) for m in curriculum.modules if m.id]
    modules = [_released_module(r) for r in records]
    release = Release(name, date, previous.name if previous else None, modules)
    data = {"release": name, "date": date, "previous": release.previous, "modules": records}
    if stale:
        data["released_with_stale_adaptations"] = [s.module.id for s in stale]
    yml = ("# Curriculum release: the version of every module. Written by "
           "'cascade curriculum release'; never edit a release.\n"
           + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100))
    notes = release_notes(curriculum, release, previous, [s.module.id for s in stale])
    return PlannedRelease(release, yml, notes, [s.module.id for s in stale])


def _record(module: Module, status) -> dict:
    item = {"id": module.id, "version": str(module.version), "status": module.status}
    if module.source.id:
        item["source"] = module.source.id
        item["source_revision"] = module.source.revision
        item["adaptation"] = status.state
    # What a later MAJOR change is measured against (major_changes), without git.
    item["title"] = module.title
    item["objectives"] = list(module.objectives)
    item["fidelity"] = [{"id": c.id, "description": c.description, "essential": c.essential}
                        for c in module.fidelity]
    return item


def _newer_entries(module: Module, since: str | None):
    if since is None:
        return list(module.changelog)
    try:
        floor = Version.parse(since)
    except ValueError:
        return list(module.changelog)
    result = []
    for entry in module.changelog:
        try:
            if Version.parse(entry.version) > floor:
                result.append(entry)
        except ValueError:
            continue
    return result


def release_notes(curriculum: Curriculum, release: Release, previous: Release | None,
                  stale: list[str]) -> str:
    """The release notes page (Markdown with front matter; a trainer-edition page)."""
    lines = ["---", f"title: Curriculum release {release.name}", "edition: trainer", "order: 900",
             f"summary: The modules and versions in curriculum release {release.name}, and what "
             "changed since the release before.", "---", ""]
    since = f"since release {previous.name}" if previous else "(this is the first release)"
    lines += [f"Released on {release.date}. A course that delivers release {release.name} "
              "teaches the module versions below.", ""]
    if stale:
        lines += ["!!! under-review \"Released with German sources not yet checked\"",
                  "    The German texts these modules adapt changed after the English text was "
                  "last checked: " + ", ".join(stale) + ".", ""]
    lines += ["## Modules in this release", "", "| Module | Version | Status |", "|---|---|---|"]
    for module in curriculum.modules:
        if module.id:
            lines.append(f"| {_cell(module.title)} | {module.version} | {module.status} |")
    lines += ["", f"## What changed {since}", ""]
    changed = False
    for module in curriculum.modules:
        if not module.id:
            continue
        before = previous.version_of(module.id) if previous else None
        if previous is not None and before == str(module.version):
            continue
        entries = _newer_entries(module, before)
        if not entries and before is not None:
            continue
        changed = True
        step = f"{before} to {module.version}" if before else f"new, version {module.version}"
        lines += [f"### {module.title} ({step})", ""]
        for entry in entries:
            cite = f" (answers LEAP recommendation {entry.leap})" if entry.leap else ""
            lines.append(f"- {entry.version}, {entry.date}: {_one_line(entry.summary)}{cite}")
        lines.append("")
    if previous is not None:
        gone = [m.id for m in previous.modules if m.id not in curriculum.by_id]
        if gone:
            changed = True
            lines += ["### Modules no longer in the curriculum", ""]
            lines += [f"- {module_id}" for module_id in gone] + [""]
    if not changed:
        lines += ["No module changed.", ""]
    return "\n".join(lines).rstrip() + "\n"


def _cell(text: str) -> str:
    return _one_line(text).replace("|", "\\|")


def _one_line(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def write_release(curriculum: Curriculum, planned: PlannedRelease) -> tuple[Path, Path]:
    """Write both files, the record last-but-atomically so nothing half-written is left."""
    folder = releases_dir(curriculum.root)
    folder.mkdir(parents=True, exist_ok=True)
    yml_path = folder / f"{planned.release.name}.yml"
    md_path = folder / f"{planned.release.name}.md"
    for path, text in ((md_path, planned.notes), (yml_path, planned.yml)):
        tmp = path.with_name(f".{path.name}.part")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    return yml_path, md_path


# --- Comparing releases: who may need a refresher ---------------------------------------------


@dataclass(frozen=True)
class MajorChange:
    """A module whose MAJOR version went up between two releases (or a release and the current
    curriculum). People trained on the older version may need a refresher in it."""

    module_id: str
    title: str
    old_version: str
    new_version: str
    objectives_removed: tuple[str, ...] = ()
    objectives_added: tuple[str, ...] = ()
    components: tuple[ComponentChange, ...] = ()  # added, removed, reworded, essential changed
    changelog: tuple[ChangelogEntry, ...] = ()  # the entries after old_version, newest first
    compared: bool = True  # False: the older release did not record objectives and components

    @property
    def summary(self) -> str:
        """The change in plain English: the changelog entries' summaries, oldest first."""
        return " ".join(_one_line(e.summary) for e in reversed(self.changelog))


def major_changes(curriculum: Curriculum, base: str, head: str | None = None) -> list[MajorChange]:
    """The modules whose MAJOR version is higher in `head` (a release name; None: the current
    curriculum) than in release `base`, in teaching order. Modules new since `base`, and modules
    retired or gone in `head`, are not MAJOR changes. Raises UnknownRelease for a name with no
    release file."""
    by_name = {r.name: r for r in load_releases(curriculum.root)}
    if base not in by_name:
        raise UnknownRelease(base)
    if head is not None and head not in by_name:
        raise UnknownRelease(head)
    old_side = by_name[base]
    if head is None:
        new_side: list = [m for m in curriculum.modules if m.id and m.status != "retired"]
    else:
        new_side = [m for m in by_name[head].modules if m.status != "retired"]
    order = {m.id: n for n, m in enumerate(curriculum.modules)}
    result = []
    for new in sorted(new_side, key=lambda m: order.get(m.id, len(order))):
        old = old_side.module(new.id)
        change = _major_change(old, new, curriculum.by_id.get(new.id)) if old else None
        if change is not None:
            result.append(change)
    return result


def _major_change(old: ReleasedModule, new, current: Module | None) -> MajorChange | None:
    try:
        before, after = Version.parse(old.version), Version.parse(str(new.version))
    except ValueError:
        return None
    if after.major <= before.major:
        return None
    entries = tuple(_entries_between(current, before, after)) if current is not None else ()
    title = (current.title if current is not None else "") or new.title or old.title or new.id
    new_recorded = not isinstance(new, ReleasedModule) or new.has_contract
    if not (old.has_contract and new_recorded):
        return MajorChange(new.id, title, str(before), str(after), changelog=entries, compared=False)
    removed, added, _ = objective_changes(old, new)
    components, _ = component_changes(old, new)
    return MajorChange(new.id, title, str(before), str(after), tuple(removed), tuple(added),
                       tuple(components), entries)


def _entries_between(module: Module, before: Version, after: Version) -> list[ChangelogEntry]:
    result = []
    for entry in module.changelog:
        try:
            if before < Version.parse(entry.version) <= after:
                result.append(entry)
        except ValueError:
            continue
    return result


def previous_release(curriculum: Curriculum) -> Release | None:
    """The release before the curriculum as it is now: the newest release, or the one before it
    when the newest pins exactly the current versions (the curriculum is that release)."""
    found = load_releases(curriculum.root)
    current = {m.id: str(m.version) for m in curriculum.modules if m.id}
    if found and found[-1].versions == current:
        found = found[:-1]
    return found[-1] if found else None
