"""The German source modules in translations/ and their revisions (hashes of normalised text).

A German module is a Markdown file translations/de/<id>.md with front matter: id, title,
revision_label (the German programme's own label, if any), illustrative (true while the text
was written by this project rather than imported from the German programme).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from . import frontmatter
from .problems import ProblemList

REVISION_LENGTH = 12
GERMAN_FIELDS = {"id", "title", "revision_label", "illustrative", "language", "notes"}


@dataclass
class GermanModule:
    path: Path
    rel: str
    id: str
    title: str
    body: str
    body_start: int
    illustrative: bool
    revision_label: str | None
    text: str  # the whole file

    @property
    def revision(self) -> str:
        return revision_of(self.title, self.body)


def normalise(title: str, body: str) -> str:
    """The German text as it is hashed: NFC, no trailing spaces, single blank lines."""
    text = unicodedata.normalize("NFC", f"{title.strip()}\n\n{body}")
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    text = "\n".join(lines).strip()
    return re.sub(r"\n{3,}", "\n\n", text)


def revision_of(title: str, body: str) -> str:
    """The pinned revision of a German text: the first 12 hex digits of its SHA-256."""
    return hashlib.sha256(normalise(title, body).encode("utf-8")).hexdigest()[:REVISION_LENGTH]


def parse_german(path: Path, text: str, rel: str, problems: ProblemList) -> GermanModule | None:
    try:
        doc = frontmatter.split(text)
    except frontmatter.FrontMatterError as exc:
        problems.error(path, exc.line, str(exc))
        return None
    meta = doc.meta
    for key in meta:
        if key not in GERMAN_FIELDS:
            problems.error(path, doc.line_of(key), f"unknown field '{key}' in a German source module")
    module_id, title = meta.get("id"), meta.get("title")
    if not isinstance(module_id, str) or not module_id:
        problems.error(path, doc.line_of("id"), "a German source module needs an 'id'")
        return None
    if not isinstance(title, str) or not title:
        problems.error(path, doc.line_of("title"), "a German source module needs a 'title'")
        title = ""
    illustrative = meta.get("illustrative", False)
    if not isinstance(illustrative, bool):
        problems.error(path, doc.line_of("illustrative"), "illustrative must be true or false")
        illustrative = True
    label = meta.get("revision_label")
    return GermanModule(path, rel, module_id, title, doc.body, doc.body_start, illustrative,
                        None if label is None else str(label), text)


def load_german(root: Path, problems: ProblemList | None = None) -> dict[str, GermanModule]:
    """Every German module under translations/de, by id."""
    problems = problems if problems is not None else ProblemList(root.parent)
    result: dict[str, GermanModule] = {}
    folder = root / "de"
    if not folder.is_dir():
        return result
    for path in sorted(folder.rglob("*.md")):
        rel = path.relative_to(root.parent).as_posix()
        module = parse_german(path, path.read_text(encoding="utf-8"), rel, problems)
        if module is None:
            continue
        if module.id in result:
            problems.error(path, 1, f"German module id '{module.id}' is also used by {result[module.id].rel}")
            continue
        result[module.id] = module
    return result
