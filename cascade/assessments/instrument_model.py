"""Research instruments as typed objects: items, scales, scores, alerts, time points, licences.

Built by instrument_files.py from the definitions under assessments/instruments/; the licensee's
item text and conversion tables (licensed.py) are attached to the instruments they belong to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..content.semver import Version

LICENSED_TEXT_ENV = "CASCADE_LICENSED_TEXT"
LICENCE_KINDS = ("free-with-citation", "licensed")
RESPONDENTS = ("carer", "cps", "trainer")
SCALE_TYPES = ("choice", "multi-choice", "number", "date", "text")
NUMERIC_TYPES = ("choice", "number")
SCORE_METHODS = ("sum", "mean", "value", "profile")
# anchor -> the respondent whose record holds that date
ANCHORS: dict[str, str] = {
    "matched": "carer",
    "support_end": "carer",
    "training_start": "cps",
    "training_end": "cps",
    "caseload_end": "cps",
    "course_start": "trainer",
    "course_end": "trainer",
}
ID_RE = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$")
ID_RULE = "lower-case letters and digits joined by - or _"  # ID_RE in words, for messages
REF_RE = re.compile(r"^[A-Za-z0-9]+(?:[._-][A-Za-z0-9]+)*$")


# --------------------------------------------------------------------------------------------
# Typed objects


@dataclass(frozen=True)
class Choice:
    value: int | float | str
    label: str | None = None
    label_ref: str | None = None
    line: int = 0


@dataclass(frozen=True)
class Scale:
    """A response scale: choice / multi-choice (listed values), number (min..max), date, text."""

    type: str
    choices: tuple[Choice, ...] = ()
    min: float | int | None = None
    max: float | int | None = None
    integer: bool = True
    unit: str | None = None
    min_label: str | None = None
    max_label: str | None = None
    min_label_ref: str | None = None
    max_label_ref: str | None = None
    max_length: int | None = None
    name: str | None = None  # set for a named scale from `scales:`
    line: int = 0

    @property
    def is_numeric(self) -> bool:
        """True when answers are numbers that can be scored."""
        if self.type == "number":
            return True
        if self.type == "choice":
            return bool(self.choices) and all(is_number(c.value) for c in self.choices)
        return False

    @property
    def values(self) -> tuple:
        return tuple(c.value for c in self.choices)

    @property
    def low(self) -> float | int | None:
        if self.type == "number":
            return self.min
        if self.is_numeric:
            return min(self.values)
        return None

    @property
    def high(self) -> float | int | None:
        if self.type == "number":
            return self.max
        if self.is_numeric:
            return max(self.values)
        return None

    def describe(self) -> str:
        """The allowed answers in plain words, for error messages."""
        if self.type in ("choice", "multi-choice"):
            parts = []
            for choice in self.choices:
                label = f" ({choice.label})" if choice.label else ""
                parts.append(f"{fmt(choice.value)}{label}")
            prefix = "one or more of " if self.type == "multi-choice" else ""
            return prefix + ", ".join(parts)
        if self.type == "number":
            kind = "whole numbers" if self.integer else "numbers"
            unit = f" ({self.unit})" if self.unit else ""
            return f"{kind} from {fmt(self.min)} to {fmt(self.max)}{unit}"
        if self.type == "date":
            return "a date written YYYY-MM-DD"
        limit = f" of at most {self.max_length} characters" if self.max_length else ""
        return f"text{limit}"


@dataclass(frozen=True)
class Item:
    id: str
    scale: Scale
    text: str | None = None
    text_ref: str | None = None
    help: str | None = None
    required: bool = True
    reverse: bool = False
    unit_cost: str | None = None
    text_review: bool = False
    line: int = 0

    @property
    def scored_min(self):
        return self.scale.low

    @property
    def scored_max(self):
        return self.scale.high


@dataclass(frozen=True)
class MissingRule:
    """Prorating: a score is still computed (mean substitution) when at most `max_missing`
    of its items are unanswered; otherwise it is missing, with the reason."""

    max_missing: int = 0
    note: str | None = None


@dataclass(frozen=True)
class Conversion:
    """A converted score looked up in a conversion table (from the licensee's file)."""

    id: str
    label: str
    table: str
    line: int = 0


@dataclass(frozen=True)
class Score:
    id: str
    label: str
    method: str
    items: tuple[str, ...]
    missing: MissingRule = MissingRule()
    range: tuple[float, float] | None = None
    conversion: Conversion | None = None
    line: int = 0


@dataclass(frozen=True)
class Alert:
    """A flag raised when an item has one of `values` (e.g. 'wants a call')."""

    id: str
    item: str
    values: tuple
    message: str
    line: int = 0


@dataclass(frozen=True)
class TimePoint:
    """Due `offset_days` after the anchor date, in a window from `window_before_days` before
    to `window_after_days` after that target day (both ends included)."""

    id: str
    label: str
    anchor: str
    offset_days: int
    window_before_days: int
    window_after_days: int
    line: int = 0

    @property
    def respondent(self) -> str | None:
        return ANCHORS.get(self.anchor)


@dataclass(frozen=True)
class Licence:
    kind: str
    citation: str
    holder: str | None = None
    url: str | None = None
    terms: str | None = None

    @property
    def is_licensed(self) -> bool:
        return self.kind == "licensed"


@dataclass(frozen=True)
class LicensedContent:
    """What a licensee installed for one instrument: item text and conversion tables."""

    source: Path
    text: dict = field(default_factory=dict)  # text_ref -> text
    tables: dict = field(default_factory=dict)  # table name -> {str(key): float}
    licence_reference: str | None = None


@dataclass(frozen=True)
class LicensedTextState:
    """Whether an instrument's text can be shown. Forms show `message` when not installed."""

    installed: bool
    message: str
    hint: str = ""
    missing_refs: tuple[str, ...] = ()
    missing_tables: tuple[str, ...] = ()


@dataclass
class Instrument:
    id: str = ""
    title: str = ""
    version: Version | None = None
    path: Path | None = None
    licence: Licence = Licence("free-with-citation", "")
    respondents: tuple[str, ...] = ()
    items: list[Item] = field(default_factory=list)
    scores: list[Score] = field(default_factory=list)
    alerts: list[Alert] = field(default_factory=list)
    time_points: list[TimePoint] = field(default_factory=list)
    event: str | None = None
    short_title: str | None = None
    description: str | None = None
    recall_period: str | None = None
    introduction: str | None = None
    introduction_ref: str | None = None
    text_review: bool = False
    licensed: LicensedContent | None = None
    line: int = 1  # line of the id

    @property
    def name(self) -> str:
        return self.short_title or self.title or self.id

    @property
    def is_licensed(self) -> bool:
        return self.licence.is_licensed

    @property
    def items_by_id(self) -> dict[str, Item]:
        return {item.id: item for item in self.items}

    def item(self, item_id: str) -> Item:
        try:
            return self.items_by_id[item_id]
        except KeyError:
            known = ", ".join(self.items_by_id)
            raise KeyError(f"{self.id} has no item '{item_id}' (its items: {known})") from None

    @property
    def text_refs(self) -> tuple[str, ...]:
        refs = [self.introduction_ref] if self.introduction_ref else []
        for item in self.items:
            if item.text_ref:
                refs.append(item.text_ref)
            refs.extend(c.label_ref for c in item.scale.choices if c.label_ref)
            refs.extend(r for r in (item.scale.min_label_ref, item.scale.max_label_ref) if r)
        return tuple(dict.fromkeys(refs))

    @property
    def table_names(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(s.conversion.table for s in self.scores if s.conversion))

    @property
    def licensed_text_state(self) -> LicensedTextState:
        if not self.is_licensed:
            return LicensedTextState(True, f"{self.name} is free to use with a citation.")
        hint = (f"A licensee sets {LICENSED_TEXT_ENV} to the path of their licensed text file "
                "(see assessments/README.md).")
        if self.licensed is None:
            return LicensedTextState(
                False, f"The licensed text for {self.name} is not installed.", hint,
                self.text_refs, self.table_names)
        missing = tuple(r for r in self.text_refs if r not in self.licensed.text)
        tables = tuple(t for t in self.table_names if t not in self.licensed.tables)
        if missing:
            return LicensedTextState(
                False, f"The licensed text for {self.name} is incomplete: "
                f"{len(missing)} text(s) missing.", hint, missing, tables)
        return LicensedTextState(True, f"The licensed text for {self.name} is installed.", "",
                                 (), tables)

    def text_of(self, item: Item | str) -> str | None:
        """The item's wording: its own text, or the licensee's text; None if not installed."""
        if isinstance(item, str):
            item = self.item(item)
        if item.text is not None:
            return item.text
        if item.text_ref and self.licensed is not None:
            return self.licensed.text.get(item.text_ref)
        return None

    def label_of(self, choice: Choice) -> str | None:
        if choice.label is not None:
            return choice.label
        if choice.label_ref and self.licensed is not None:
            return self.licensed.text.get(choice.label_ref)
        return None

    def conversion_table(self, name: str) -> dict | None:
        """A licensed conversion table {str(input): value}, or None when not installed."""
        if self.licensed is None:
            return None
        return self.licensed.tables.get(name)

    def time_point(self, time_point_id: str) -> TimePoint:
        for point in self.time_points:
            if point.id == time_point_id:
                return point
        raise KeyError(f"{self.id} has no time point '{time_point_id}'")


# --- Values shared by the readers and scoring


def is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def is_integral(value) -> bool:
    return is_number(value) and float(value).is_integer()


def value_key(value):
    if is_number(value):
        return ("n", float(value))
    return ("s", value)


def value_allowed(scale: Scale, value) -> bool:
    if scale.type in ("choice", "multi-choice"):
        return value_key(value) in {value_key(v) for v in scale.values} if (
            is_number(value) or isinstance(value, str)) else False
    if scale.type == "number":
        return is_number(value) and scale.min <= value <= scale.max
    return False


def fmt(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
