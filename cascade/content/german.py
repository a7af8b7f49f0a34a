"""The German source modules in translations/ and their revisions (hashes of normalised text),
and whether each English module is still based on the German text it adapts.

A German module is a Markdown file translations/de/<id>.md with front matter: id, title,
revision_label (the German programme's own label, if any), illustrative (true while the text
was written by this project rather than imported from the German programme). Pinning a
module to a revision is an authoring step (authoring/translations.py).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from . import frontmatter
from .fields import Fields
from .problems import ProblemList

REVISION_LENGTH = 12
GERMAN_FIELDS = {"id", "title", "revision_label", "illustrative", "language", "notes"}

UP_TO_DATE = "up-to-date"
STALE = "stale"
UNPINNED = "unpinned"
MISSING_SOURCE = "missing source"
WRITTEN_IN_ENGLAND = "written in England"
NO_SOURCE = "no source recorded"
STATES = (UP_TO_DATE, STALE, UNPINNED, MISSING_SOURCE, WRITTEN_IN_ENGLAND, NO_SOURCE)


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
    f = Fields(path, doc.lines, problems)
    f.unknown(meta, GERMAN_FIELDS)
    module_id = f.text(meta, "id", required=True)
    if module_id is None:
        return None
    title = f.text(meta, "title", required=True) or ""
    # A wrong value counts as illustrative: the safe reading, as it keeps the label on the site.
    illustrative = f.flag(meta, "illustrative", default="illustrative" in meta)
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
            problems.error(path, 1, f"German module id '{module.id}' is also used by "
                                    f"{result[module.id].rel}")
            continue
        result[module.id] = module
    return result


@dataclass
class AdaptationStatus:
    """One English module (a model.Module) and the German text it adapts."""

    module: object
    state: str
    german: GermanModule | None = None

    @property
    def source_id(self) -> str | None:
        return self.module.source.id

    @property
    def pinned(self) -> str | None:
        return self.module.source.revision

    @property
    def current(self) -> str | None:
        return self.german.revision if self.german else None

    def as_dict(self) -> dict:
        return {
            "module_id": self.module.id,
            "state": self.state,
            "source_id": self.source_id,
            "pinned_revision": self.pinned,
            "current_revision": self.current,
            "path": f"curriculum/{self.module.rel}",
            "illustrative": self.german.illustrative if self.german else None,
        }


def translations_root(curriculum) -> Path:
    """translations/ beside the curriculum/ folder."""
    return Path(curriculum.root).parent / "translations"


def adaptation_state(module, german: dict[str, GermanModule]) -> AdaptationStatus:
    source = module.source
    if source.written_in_england:
        return AdaptationStatus(module, WRITTEN_IN_ENGLAND)
    if not source.id:
        return AdaptationStatus(module, NO_SOURCE)
    found = german.get(source.id)
    if found is None:
        return AdaptationStatus(module, MISSING_SOURCE)
    if not source.revision:
        return AdaptationStatus(module, UNPINNED, found)
    if found.revision != source.revision[:REVISION_LENGTH]:
        return AdaptationStatus(module, STALE, found)
    return AdaptationStatus(module, UP_TO_DATE, found)


def adaptation_status(curriculum, german: dict[str, GermanModule] | None = None,
                      problems: ProblemList | None = None) -> list[AdaptationStatus]:
    """The adaptation state of every module, in teaching order."""
    if german is None:
        german = load_german(translations_root(curriculum), problems)
    return [adaptation_state(m, german) for m in curriculum.modules if m.id]
