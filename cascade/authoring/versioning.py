"""What kind of version bump a module change needs, and `cascade curriculum check --against`.

The rule (docs/module-format.md section 4 and docs/review-workflow.md):

MAJOR  the learning objectives or the fidelity core components changed: an objective or a
       core component was added, removed or reworded, or a component's 'essential' changed.
       (A change of punctuation, capitals or spacing only is not a rewording.)
MINOR  new or changed content that keeps objectives and core components:
       - the text gains or loses a paragraph, heading, list item, table row or block, or a
         block changes type;
       - more than PATCH_WORD_LIMIT words change in total (ignoring case and punctuation);
       - an activity's minutes change;
       - audience, stages, duration_minutes, prerequisites, the session plan or the German
         source id change;
       - a teaching material (materials/<name>.md) is added, removed or changed;
       - the knowledge check is added, removed or changed.
PATCH  anything else: a few words, punctuation, capitals, the title, summary, tags,
       references, status, adaptation notes or the pinned source revision.

Changes that render to exactly the same text in both editions (re-wrapping lines) and
changes to `version` and `changelog` themselves need no bump.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..content.editions import render_markdown
from ..content.load import load_curriculum
from ..content.model import Curriculum, Module
from ..content.problems import ProblemList
from ..content.semver import BUMP_ORDER, Version
from . import gitrev, prose, worddiff
from .core_changes import component_changes, objective_changes  # review.py reads them from here too
from .releases import load_releases

PATCH_WORD_LIMIT = 10
KIND_NAMES = {"major": "MAJOR", "minor": "MINOR", "patch": "PATCH"}
# Front matter fields and the bump a change to each needs (objectives and fidelity: below).
FIELD_KINDS = {
    "audience": "minor",
    "stages": "minor",
    "duration_minutes": "minor",
    "prerequisites": "minor",
    "plan": "minor",
    "title": "patch",
    "summary": "patch",
    "tags": "patch",
    "references": "patch",
    "status": "patch",
    "knowledge_check": "minor",
}
NOT_CONTENT = {"version", "changelog", "id", "objectives", "fidelity", "source"}


@dataclass(frozen=True)
class Reason:
    kind: str  # "major", "minor" or "patch"
    text: str  # plain English: "objectives changed"


@dataclass
class ModuleChange:
    """One module compared between two revisions."""

    old: Module | None
    new: Module | None
    reasons: list[Reason] = field(default_factory=list)

    @property
    def state(self) -> str:
        if self.old is None:
            return "added"
        if self.new is None:
            return "removed"
        return "changed" if self.reasons else "unchanged"

    @property
    def module(self) -> Module:
        module = self.new or self.old
        assert module is not None
        return module

    @property
    def required(self) -> str | None:
        """The smallest bump that covers every reason."""
        if not self.reasons:
            return None
        return max((r.kind for r in self.reasons), key=BUMP_ORDER.__getitem__)

    def reasons_for(self, kind: str) -> list[Reason]:
        return [r for r in self.reasons if r.kind == kind]

    @property
    def actual(self) -> str | None:
        if self.old is None or self.new is None or not self.old.version or not self.new.version:
            return None
        return self.old.version.bump_kind(self.new.version)


def next_version(version: Version, kind: str) -> Version:
    if kind == "major":
        return Version(version.major + 1, 0, 0)
    if kind == "minor":
        return Version(version.major, version.minor + 1, 0)
    return Version(version.major, version.minor, version.patch + 1)


def _collapse(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def body_reasons(old: Module, new: Module, root: Path | None = None) -> list[Reason]:
    if _collapse(old.body) == _collapse(new.body):
        return []
    reasons: list[Reason] = []
    old_types = [b.type for b in old.scan.all_blocks()]
    new_types = [b.type for b in new.scan.all_blocks()]
    if len(old_types) != len(new_types):
        verb = "added" if len(new_types) > len(old_types) else "removed"
        reasons.append(Reason("minor", f"a block (key points, activity, scenario ...) was {verb}"))
    elif old_types != new_types:
        reasons.append(Reason("minor", "a block changed type"))
    old_minutes = [a.minutes for a in old.activities]
    new_minutes = [a.minutes for a in new.activities]
    if len(old_minutes) == len(new_minutes) and old_minutes != new_minutes:
        reasons.append(Reason("minor", "an activity's minutes changed"))
    before = prose.paragraphs(render_markdown(old, "trainer"), root)
    after = prose.paragraphs(render_markdown(new, "trainer"), root)
    changes = worddiff.diff_paragraphs(before, after)
    added = sum(1 for c in changes if c.kind == "added")
    removed = sum(1 for c in changes if c.kind == "removed")
    if added or removed:
        parts = [f"{n} {verb}" for n, verb in ((added, "added"), (removed, "removed")) if n]
        reasons.append(Reason("minor", "paragraphs, headings or list items were added or removed "
                              f"({', '.join(parts)})"))
    words = sum(worddiff.changed_word_count(c.old, c.new) for c in changes if c.kind == "changed")
    if words > PATCH_WORD_LIMIT:
        reasons.append(Reason("minor", f"{words} words changed (more than {PATCH_WORD_LIMIT})"))
    if not reasons:
        if words:
            plural = "s" if words > 1 else ""
            reasons.append(Reason("patch", f"wording changed ({words} word{plural})"))
        else:
            reasons.append(Reason("patch", "the text changed (links, formatting or punctuation)"))
    return reasons


def assess(old: Module, new: Module, root: Path | None = None) -> list[Reason]:
    """Every reason the change from `old` to `new` needs a bump, with the kind of bump."""
    reasons: list[Reason] = []
    removed, added, cosmetic = objective_changes(old, new)
    if removed or added:
        reasons.append(Reason("major", "objectives changed"))
    elif cosmetic:
        reasons.append(Reason("patch", "punctuation or capitals in the objectives changed"))
    components, cosmetic = component_changes(old, new)
    if components:
        ids = ", ".join(sorted({c.id for c in components}))
        reasons.append(Reason("major", f"core components changed ({ids})"))
    elif cosmetic:
        reasons.append(Reason("patch", "core components reordered or re-punctuated"))
    if old.source != new.source:
        if old.source.id != new.source.id or bool(old.source.written_in_england) != bool(
                new.source.written_in_england):
            reasons.append(Reason("minor", "the German source changed"))
        else:
            reasons.append(Reason("patch", "the source details changed (pinned revision or notes)"))
    old_meta, new_meta = old.doc.meta, new.doc.meta
    for name in sorted(set(old_meta) | set(new_meta)):
        if name in NOT_CONTENT or old_meta.get(name) == new_meta.get(name):
            continue
        kind = FIELD_KINDS.get(name, "patch")
        reasons.append(Reason(kind, f"'{name}' changed"))
    reasons.extend(body_reasons(old, new, root))
    reasons.extend(material_reasons(old, new))
    return reasons


def material_reasons(old: Module, new: Module) -> list[Reason]:
    """Materials are part of the module: adding, removing or changing one is new content."""
    reasons = []
    for name in sorted(set(old.materials) | set(new.materials)):
        before, after = old.materials.get(name), new.materials.get(name)
        if before is None:
            reasons.append(Reason("minor", f"material '{name}' was added"))
        elif after is None:
            reasons.append(Reason("minor", f"material '{name}' was removed"))
        elif before.doc.meta != after.doc.meta or _collapse(before.body) != _collapse(after.body):
            reasons.append(Reason("minor", f"material '{name}' changed"))
    return reasons


def compare(base: Curriculum, head: Curriculum, root: Path | None = None) -> list[ModuleChange]:
    """Modules added, removed and changed from `base` to `head`, in head's teaching order."""
    old_by_id = {m.id: m for m in base.modules if m.id}
    new_by_id = {m.id: m for m in head.modules if m.id}
    result = []
    for module in head.modules:
        if not module.id:
            continue
        old = old_by_id.get(module.id)
        if old is None:
            result.append(ModuleChange(None, module))
        else:
            result.append(ModuleChange(old, module, assess(old, module, root)))
    for module in base.modules:
        if module.id and module.id not in new_by_id:
            result.append(ModuleChange(module, None))
    return result


def _module_id_of_path(rel: str) -> str | None:
    """The id a module file at `rel` (relative to the repository root) must have."""
    if not rel.startswith("curriculum/modules/") or not rel.endswith(".md"):
        return None
    parts = rel.split("/")
    if len(parts) > 4:  # a file inside a module folder (materials/...), not a module
        return None
    return parts[-2] if parts[-1] == "index.md" else posixpath.splitext(parts[-1])[0]


def _released_ids(curriculum: Curriculum) -> dict[str, str]:
    """Module ids recorded in any curriculum release: id -> release."""
    found: dict[str, str] = {}
    for release in load_releases(curriculum.root):
        for item in release.modules:
            found.setdefault(item.id, release.name)
    return found


def check_against(root: Path, rev: str, head: Curriculum) -> ProblemList:
    """Problems with version bumps and ids since git revision `rev` (errors and warnings)."""
    root = Path(root).resolve()
    problems = ProblemList(root)
    try:
        with gitrev.checkout_copy(root, rev, "curriculum") as old_root:
            folder = old_root / "curriculum"
            base = load_curriculum(folder) if folder.is_dir() else None
            changes = compare(base, head, root) if base is not None else []
            old_paths = {m.id: m.rel for m in base.modules} if base is not None else {}
    except gitrev.GitError as exc:
        problems.error(root, 0, f"cannot compare with {rev}: {exc}")
        return problems
    new_paths = {m.rel: m for m in head.modules}
    deleted_ids = {_module_id_of_path(p) for p in gitrev.deleted_paths(root, "curriculum/modules")}
    released = _released_ids(head)
    for change in changes:
        _check_change(change, rev, problems, old_paths, new_paths, deleted_ids, released)
    return problems


def _check_change(change: ModuleChange, rev: str, problems: ProblemList, old_paths: dict,
                  new_paths: dict, deleted_ids: set, released: dict) -> None:
    old, new = change.old, change.new
    if new is None:
        assert old is not None
        other = new_paths.get(old.rel)
        if other is not None and other.id:
            problems.error(other.path, other.doc.line_of("id"),
                           f"id changed from '{old.id}' to '{other.id}' since {rev}: a module's "
                           "id never changes; keep the old id (or retire the module and start a "
                           "new one)")
        else:
            problems.warning(Path(problems.root or ".") / "curriculum" / old.rel, 0,
                             f"module '{old.id}' was deleted since {rev}: set 'status: retired' "
                             "instead, so its id and history are kept")
        return
    path, line = new.path, new.doc.line_of("version")
    if old is None:
        if new.id in deleted_ids or new.id in released:
            where = (f"release {released[new.id]}" if new.id in released
                     else "an earlier, deleted module")
            problems.error(path, new.doc.line_of("id"),
                           f"id '{new.id}' was already used by {where}: ids are never reused; "
                           "choose a new id")
        return
    if old.rel != new.rel:
        kept = {e.version for e in old.changelog} <= {e.version for e in new.changelog}
        if not kept:
            problems.error(path, new.doc.line_of("id"),
                           f"id '{new.id}' belonged to curriculum/{old.rel} at {rev} and is now "
                           "used by a different module: ids are never reused; choose a new id")
            return
    if old.status == "retired" and new.status != "retired":
        problems.error(path, new.doc.line_of("status"),
                       f"module '{new.id}' was retired at {rev}: a retired id is never reused; "
                       "write a new module with a new id")
    if old.version is None or new.version is None:
        return
    kept = {x.version for x in new.changelog}
    missing = [e.version for e in old.changelog if e.version not in kept]
    if missing:
        problems.error(path, new.doc.line_of("changelog"),
                       f"changelog entr{'ies' if len(missing) > 1 else 'y'} {', '.join(missing)} "
                       f"removed since {rev}: keep the history and add a new entry at the top")
    if new.version < old.version:
        problems.error(path, line, f"version went down from {old.version} to {new.version} "
                       f"since {rev}: versions only go up")
        return
    required = change.required
    if required is None:
        return
    why = "; ".join(r.text for r in change.reasons_for(required))
    wanted = next_version(old.version, required)
    if new.version == old.version:
        problems.error(path, line,
                       f"changed since {rev} but version is still {old.version}: {why}, so this "
                       f"needs a {KIND_NAMES[required]} bump ({wanted})")
        return
    actual = change.actual
    assert actual is not None
    if BUMP_ORDER[actual] < BUMP_ORDER[required]:
        problems.error(path, line,
                       f"version went from {old.version} to {new.version} ({KIND_NAMES[actual]}) "
                       f"since {rev}, but {why}, so this needs a {KIND_NAMES[required]} bump "
                       f"({wanted})")
    elif actual == "major" and required != "major":
        problems.warning(path, line,
                         f"a MAJOR bump ({new.version}) is more than this change needs "
                         f"({KIND_NAMES[required]}, {wanted}); a MAJOR bump may send certified "
                         "supporters to a refresher")
