"""Consent forms (assessments/consent/*.yml): the items a carer agrees to, required or optional.

A consent record in the tracker keeps the form id and version it was taken with and the answer to
each item; what the research may use follows from those answers (for example, de-identified
exports leave out carers who did not agree to `share-anonymised-data`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..content.fields import read_yaml
from ..content.problems import ProblemList
from ..content.semver import Version

FIELDS = {"id", "title", "version", "items"}
ITEM_FIELDS = {"id", "text", "required"}
SHARE_ANONYMISED = "share-anonymised-data"


@dataclass(frozen=True)
class ConsentItem:
    id: str
    text: str
    required: bool


@dataclass(frozen=True)
class ConsentForm:
    id: str
    title: str
    version: Version
    items: tuple[ConsentItem, ...]
    path: str

    @property
    def required(self) -> list[str]:
        return [i.id for i in self.items if i.required]

    @property
    def optional(self) -> list[str]:
        return [i.id for i in self.items if not i.required]


def load_form(path: Path, problems: ProblemList) -> ConsentForm | None:
    read = read_yaml(path, problems)
    if read is None:
        return None
    data, f = read
    if not isinstance(data, dict):
        f.error((), "a consent form needs id, title, version and items")
        return None
    f.unknown(data, FIELDS, ())
    form_id = f.slug(data, "id", ("id",), required=True)
    title = f.text(data, "title", ("title",), required=True)
    version = f.version(data, "version", ("version",), required=True)
    items, seen = [], set()
    raw = data.get("items")
    if not isinstance(raw, list) or not raw:
        f.error(("items",), "items must be a list of the things the carer agrees to, each starting '- id:'")
        raw = []
    for index, entry in enumerate(raw):
        keys = ("items", index)
        if not isinstance(entry, dict):
            f.error(keys, "each item needs id, text and required (true or false)")
            continue
        f.unknown(entry, ITEM_FIELDS, keys)
        item_id = f.slug(entry, "id", keys + ("id",), required=True)
        text = f.text(entry, "text", keys + ("text",), required=True)
        if entry.get("required") is None:
            f.error(keys, "missing field 'required' (true or false: must the carer agree to it to take part?)")
        required = f.flag(entry, "required", keys)
        if item_id in seen:
            f.error(keys + ("id",), f"item '{item_id}' appears twice")
        seen.add(item_id)
        if item_id and text:
            items.append(ConsentItem(item_id, text, bool(required)))
    if not (form_id and title and version and items):
        return None
    return ConsentForm(form_id, title, version, tuple(items), str(path))


def load_forms(folder: Path) -> tuple[dict[str, ConsentForm], ProblemList]:
    """Every consent form in the folder, by id (the highest version of each id)."""
    problems = ProblemList()
    forms: dict[str, ConsentForm] = {}
    for path in sorted(Path(folder).glob("*.yml")):
        form = load_form(path, problems)
        if form is not None and (form.id not in forms or forms[form.id].version < form.version):
            forms[form.id] = form
    return forms, problems
