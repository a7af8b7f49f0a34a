"""Pinning German sources: record the reviewed German revision in an English module, keep a
snapshot of that text, and find it again later to show what changed word by word.

The German modules themselves and the adaptation states are content (content/german.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..content import frontmatter
from ..content.german import (
    REVISION_LENGTH,
    AdaptationStatus,
    GermanModule,
    load_german,
    parse_german,
    translations_root,
)
from ..content.problems import ProblemList
from . import gitrev, prose, worddiff

SNAPSHOTS = "snapshots"


class PinError(ValueError):
    """A module cannot be pinned; the message says why and what to do."""


# --- Pinned texts: snapshots written by `pin`, or found again in git history ---


def snapshot_path(root: Path, source_id: str, revision: str) -> Path:
    """translations/snapshots/<source-id>/<revision>.md (`root` is translations/)."""
    return root / SNAPSHOTS / source_id / f"{revision[:REVISION_LENGTH]}.md"


def write_snapshot(root: Path, german: GermanModule) -> Path:
    path = snapshot_path(root, german.id, german.revision)
    path.parent.mkdir(parents=True, exist_ok=True)
    _write_atomic(path, german.text)
    return path


@dataclass
class PinnedText:
    title: str
    body: str
    found_in: str  # "snapshot translations/snapshots/..." or "git history (commit abc1234)"


def _parse_text(path: Path, text: str, rel: str) -> GermanModule | None:
    return parse_german(path, text, rel, ProblemList(path.parent))


def pinned_text(root: Path, german: GermanModule, revision: str) -> PinnedText | None:
    """The German text as it was at `revision`: from its snapshot, else from git history."""
    revision = revision[:REVISION_LENGTH]
    if german.revision == revision:
        return PinnedText(german.title, german.body, "the current file")
    snap = snapshot_path(root, german.id, revision)
    if snap.is_file():
        found = _parse_text(snap, snap.read_text(encoding="utf-8"), snap.name)
        if found is not None and found.revision == revision:
            rel = snap.relative_to(root.parent).as_posix()
            return PinnedText(found.title, found.body, f"snapshot {rel}")
    repo = root.parent
    if not gitrev.is_repository(repo):
        return None
    for commit, rel in gitrev.commits_touching(repo, german.rel):
        text = gitrev.show(repo, commit, rel)
        if text is None:
            continue
        found = _parse_text(repo / rel, text, rel)
        if found is not None and found.revision == revision:
            return PinnedText(found.title, found.body,
                              f"git history (commit {gitrev.short(repo, commit)})")
    return None


def german_changes(root: Path, status: AdaptationStatus):
    """(PinnedText, paragraph changes) in the German text since the pin; None if unrecoverable."""
    if status.german is None or not status.pinned:
        return None
    old = pinned_text(root, status.german, status.pinned)
    if old is None:
        return None
    before = [f"Title: {old.title}", *prose.paragraphs(old.body)]
    after = [f"Title: {status.german.title}", *prose.paragraphs(status.german.body)]
    return old, worddiff.diff_paragraphs(before, after)


# --- Pinning: record the reviewed German revision in the English module ---

_REVISION_LINE_RE = re.compile(
    r"^(?P<indent>[ \t]+)revision:(?P<space>[ \t]*)(?P<value>\"[^\"]*\"|'[^']*'|[^\s#]*)"
    r"(?P<rest>[ \t]*(?:#.*)?)$")


def _yaml_revision(revision: str) -> str:
    # All-digit hex would be read back as a number: quote it.
    return f'"{revision}"' if revision.isdigit() else revision


def set_source_revision(text: str, revision: str) -> str:
    """The module file with `revision:` inside `source:` set, every other byte kept."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip() != "---":
        raise PinError("the module has no front matter")
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
    if end is None:
        raise PinError("the module's front matter has no closing '---' line")
    start = next((i for i in range(1, end)
                  if re.match(r"^source:[ \t]*(#.*)?$", lines[i].rstrip())), None)
    if start is None:
        raise PinError("cannot find a 'source:' block (with the German id on its own line below "
                       "it) in the front matter")
    block = []
    for index in range(start + 1, end):
        line = lines[index]
        if line.strip() and not line.strip().startswith("#") and not line[:1].isspace():
            break
        block.append(index)
    children = [i for i in block if lines[i].strip() and not lines[i].strip().startswith("#")]
    if not children:
        raise PinError("the 'source:' block is empty")
    indent = lines[children[0]][: len(lines[children[0]]) - len(lines[children[0]].lstrip())]
    value = _yaml_revision(revision)
    for index in children:
        body, newline = _split_newline(lines[index])
        match = _REVISION_LINE_RE.match(body)
        if match and match.group("indent") == indent:
            space = match.group("space") or " "
            lines[index] = f"{indent}revision:{space}{value}{match.group('rest')}{newline}"
            return "".join(lines)
    after = next((i for i in children if re.match(rf"^{re.escape(indent)}id:", lines[i])), None)
    if after is None:
        raise PinError("the 'source:' block has no 'id:' line")
    newline = _split_newline(lines[after])[1] or "\n"
    lines.insert(after + 1, f"{indent}revision: {value}{newline}")
    return "".join(lines)


def _split_newline(line: str) -> tuple[str, str]:
    stripped = line.rstrip("\r\n")
    return stripped, line[len(stripped):]


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.part")
    with open(tmp, "w", encoding="utf-8", newline="") as handle:
        handle.write(text)
    tmp.replace(path)


@dataclass
class PinResult:
    module_id: str
    source_id: str
    old_revision: str | None
    new_revision: str
    snapshot: Path
    changed: bool


def pin(curriculum, module_id: str) -> PinResult:
    """Record the current revision of a module's German source in its front matter, and keep a
    snapshot of that German text so later changes can be shown word by word."""
    try:
        module = curriculum.module(module_id)
    except KeyError as exc:
        raise PinError(str(exc.args[0])) from None
    source = module.source
    if source.written_in_england:
        raise PinError(f"module '{module_id}' was written in England: there is no German text "
                       "to pin")
    if not source.id:
        raise PinError(f"module '{module_id}' has no source id: add 'source: id: <german-id>' "
                       "first")
    root = translations_root(curriculum)
    german = load_german(root).get(source.id)
    if german is None:
        raise PinError(f"module '{module_id}' adapts '{source.id}', but there is no German module "
                       f"with that id under translations/de/: add translations/de/{source.id}.md")
    text = module.path.read_text(encoding="utf-8")
    new_text = set_source_revision(text, german.revision)
    _verify_pin(text, new_text, german.revision, module.rel)
    snapshot = write_snapshot(root, german)
    changed = new_text != text
    if changed:
        _write_atomic(module.path, new_text)
    return PinResult(module.id, german.id, source.revision, german.revision, snapshot, changed)


def _verify_pin(old_text: str, new_text: str, revision: str, rel: str) -> None:
    old_doc, new_doc = frontmatter.split(old_text), frontmatter.split(new_text)
    old_meta = dict(old_doc.meta)
    old_source = dict(old_meta.get("source") or {})
    old_source["revision"] = revision
    old_meta["source"] = old_source
    if new_doc.meta != old_meta or new_doc.body != old_doc.body:
        raise PinError(f"could not set the revision in {rel} without changing anything else; "
                       f"set 'revision: {revision}' under 'source:' by hand")
