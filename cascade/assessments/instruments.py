"""Research instruments (questionnaires and forms): load every definition under assessments/.

One YAML file per instrument in assessments/instruments/. Loading never stops at the first
problem: each is recorded as `path:line: message` in a ProblemList and the objects are built from
whatever could be read. Licensed instruments carry only codes, scales and scoring rules; their
item text and conversion tables come from the licensee's own file, named by the environment
variable CASCADE_LICENSED_TEXT (see assessments/README.md).

Pure Python: no Flask, no database. Scoring lives in trainer_tracker.research.scoring.
"""

from __future__ import annotations

import csv
import itertools
import math
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from .. import config
from ..content.frontmatter import FrontMatterError, parse_yaml_with_lines
from ..content.problems import ProblemList
from ..content.versions import Version

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
REF_RE = re.compile(r"^[A-Za-z0-9]+(?:[._-][A-Za-z0-9]+)*$")
PLACEHOLDER_RE = re.compile(r"^\s*<[^<>]*>\s*$")
MAX_TABLE_KEYS = 100_000  # coverage of conversion tables is checked up to this many inputs

TOP_FIELDS: dict[str, tuple[bool, str]] = {
    "id": (True, "stable id, lower-case words joined by - or _, the same as the file name"),
    "title": (True, "the instrument's full name"),
    "version": (True, "version of this definition, MAJOR.MINOR.PATCH"),
    "licence": (True, "kind (free-with-citation or licensed), citation, holder for licensed"),
    "respondent": (True, "who fills it in: carer, cps or trainer (or a list)"),
    "items": (True, "the questions: id, text or text_ref, scale, required, reverse"),
    "short_title": (False, "short name used in messages, e.g. SWEMWBS"),
    "description": (False, "what it measures, in plain English"),
    "recall_period": (False, "the period the answers cover, e.g. the last 3 months"),
    "introduction": (False, "text shown before the items (free instruments)"),
    "introduction_ref": (False, "key of the introduction in the licensed text file"),
    "text_review": (False, "true when item wording is a paraphrase the programme must check"),
    "scales": (False, "named response scales shared by several items"),
    "scoring": (False, "scores (sum, mean, value, profile) and alerts"),
    "time_points": (False, "scheduled time points: id, label, anchor, offset and window"),
    "event": (False, "when a form without time points is filled in, e.g. after each contact"),
}
LICENCE_FIELDS = {"kind", "citation", "holder", "url", "terms"}
ITEM_FIELDS = {"id", "text", "text_ref", "help", "text_review", "scale", "required", "reverse",
               "unit_cost"}
SCALE_FIELDS = {"type", "choices", "min", "max", "integer", "unit", "min_label", "max_label",
                "min_label_ref", "max_label_ref", "max_length"}
SCALE_FIELDS_BY_TYPE = {
    "choice": {"type", "choices"},
    "multi-choice": {"type", "choices"},
    "number": {"type", "min", "max", "integer", "unit", "min_label", "max_label",
               "min_label_ref", "max_label_ref"},
    "date": {"type"},
    "text": {"type", "max_length"},
}
CHOICE_FIELDS = {"value", "label", "label_ref"}
SCORING_FIELDS = {"scores", "alerts"}
SCORE_FIELDS = {"id", "label", "method", "items", "missing", "range", "convert"}
MISSING_FIELDS = {"max_missing", "note"}
CONVERT_FIELDS = {"id", "label", "table"}
ALERT_FIELDS = {"id", "item", "values", "message"}
TIME_POINT_FIELDS = {"id", "label", "anchor", "offset_days", "window_before_days",
                     "window_after_days"}
LICENSED_FILE_FIELDS = {"licensee", "instruments"}
LICENSED_ENTRY_FIELDS = {"licence_reference", "text", "conversion_tables"}


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
            return bool(self.choices) and all(_is_number(c.value) for c in self.choices)
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
                parts.append(f"{_fmt(choice.value)}{label}")
            prefix = "one or more of " if self.type == "multi-choice" else ""
            return prefix + ", ".join(parts)
        if self.type == "number":
            kind = "whole numbers" if self.integer else "numbers"
            unit = f" ({self.unit})" if self.unit else ""
            return f"{kind} from {_fmt(self.min)} to {_fmt(self.max)}{unit}"
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


@dataclass
class InstrumentRegistry:
    """Every instrument definition, with the problems found while loading them."""

    root: Path
    instruments: dict[str, Instrument] = field(default_factory=dict)
    problems: ProblemList = field(default_factory=ProblemList)
    licensed_text_path: Path | None = None

    def get(self, instrument_id: str) -> Instrument:
        try:
            return self.instruments[instrument_id]
        except KeyError:
            known = ", ".join(sorted(self.instruments)) or "none"
            raise KeyError(f"unknown instrument '{instrument_id}' (known: {known})") from None

    def __iter__(self):
        return iter(self.instruments.values())

    def __len__(self) -> int:
        return len(self.instruments)

    def for_respondent(self, respondent: str) -> list[Instrument]:
        return [i for i in self.instruments.values() if respondent in i.respondents]

    def check(self) -> ProblemList:
        return self.problems


# --------------------------------------------------------------------------------------------
# Loading

_USE_ENV = object()


def default_root() -> Path:
    return config.content_root() / "assessments"


def load_instruments(root: Path | str | None = None, licensed_text=_USE_ENV) -> InstrumentRegistry:
    """Load and validate assessments/instruments/*.yml.

    `root` is the assessments/ folder (default: the checkout's). `licensed_text` is the path of
    the licensee's file; by default it is read from CASCADE_LICENSED_TEXT; None means none.
    Problems are paths relative to the repository (the parent of `root`).
    """
    root = Path(root) if root is not None else default_root()
    problems = ProblemList(root.parent)
    registry = InstrumentRegistry(root=root, problems=problems)
    folder = root / "instruments"
    if not folder.is_dir():
        problems.error(folder, 0, "the folder of instrument definitions is missing")
        return registry
    seen_points: dict[str, tuple[TimePoint, Instrument]] = {}
    for path in sorted(folder.iterdir()):
        if path.suffix == ".yaml":
            problems.error(path, 0, "instrument files end in .yml, not .yaml")
            continue
        if path.suffix != ".yml" or path.name.startswith("."):
            continue
        instrument = _load_file(path, problems)
        if instrument is None:
            continue
        if instrument.id in registry.instruments:
            other = registry.instruments[instrument.id].path
            problems.error(path, instrument.line,
                           f"instrument id '{instrument.id}' is also used by {other.name}")
            continue
        if instrument.id:
            registry.instruments[instrument.id] = instrument
        _check_shared_time_points(instrument, seen_points, problems)

    if licensed_text is _USE_ENV:
        licensed_text = os.environ.get(LICENSED_TEXT_ENV) or None
    if licensed_text:
        registry.licensed_text_path = Path(licensed_text)
        _install_licensed_text(registry, Path(licensed_text), problems)
    return registry


def _check_shared_time_points(instrument: Instrument, seen: dict, problems: ProblemList) -> None:
    """The same time point id must mean the same window in every instrument."""
    for point in instrument.time_points:
        if point.id not in seen:
            seen[point.id] = (point, instrument)
            continue
        first, owner = seen[point.id]
        mine = (point.anchor, point.offset_days, point.window_before_days, point.window_after_days)
        theirs = (first.anchor, first.offset_days, first.window_before_days,
                  first.window_after_days)
        if mine != theirs:
            problems.error(
                instrument.path, point.line,
                f"time point '{point.id}' differs from the one in {owner.path.name} "
                f"(line {first.line}): anchor, offset and window must be the same everywhere "
                "a time point id is used")


class _Ctx:
    """One file's field lines and problems."""

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

    def warning(self, keys: tuple, message: str) -> None:
        self.problems.warning(self.path, self.line(*keys), message)

    def unknown_fields(self, data: dict, allowed, keys: tuple, what: str) -> None:
        for name in data:
            if name not in allowed:
                known = ", ".join(sorted(allowed))
                self.error(keys + (name,), f"unknown field '{name}' in {what} (allowed: {known})")

    def text(self, data: dict, name: str, keys: tuple, required: bool = False) -> str | None:
        if name not in data or data[name] is None:
            if required:
                self.error(keys, f"missing field '{name}'")
            return None
        value = data[name]
        if not isinstance(value, str) or not value.strip():
            self.error(keys + (name,), f"'{name}' must be text, not {value!r}")
            return None
        return value.strip()

    def flag(self, data: dict, name: str, keys: tuple, default: bool) -> bool:
        if name not in data:
            return default
        value = data[name]
        if not isinstance(value, bool):
            self.error(keys + (name,), f"'{name}' must be true or false, not {value!r}")
            return default
        return value

    def whole(self, data: dict, name: str, keys: tuple, minimum: int | None = 0,
              required: bool = True, default: int = 0) -> int:
        if name not in data:
            if required:
                self.error(keys, f"missing field '{name}'")
            return default
        value = data[name]
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(keys + (name,), f"'{name}' must be a whole number, not {value!r}")
            return default
        if minimum is not None and value < minimum:
            self.error(keys + (name,), f"'{name}' must be {minimum} or more, not {value}")
            return default
        return value


def _load_file(path: Path, problems: ProblemList) -> Instrument | None:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        problems.error(path, 1, f"the file is not UTF-8 text ({exc.reason})")
        return None
    try:
        data, lines = parse_yaml_with_lines(text)
    except FrontMatterError as exc:
        problems.error(path, exc.line, str(exc))
        return None
    ctx = _Ctx(path, lines, problems)
    if not isinstance(data, dict):
        problems.error(path, 1, "an instrument file must be a set of 'field: value' lines")
        return None
    return _build_instrument(data, ctx)


def _build_instrument(data: dict, ctx: _Ctx) -> Instrument:
    inst = Instrument(path=ctx.path)
    for name in data:
        if name not in TOP_FIELDS:
            known = ", ".join(TOP_FIELDS)
            ctx.error((name,), f"unknown field '{name}' (an instrument's fields are: {known})")
    for name, (required, meaning) in TOP_FIELDS.items():
        if required and name not in data:
            ctx.error((), f"missing field '{name}' ({meaning})")

    inst.id = ctx.text(data, "id", ()) or ""
    inst.line = ctx.line("id")
    if inst.id:
        if not ID_RE.match(inst.id):
            ctx.error(("id",), f"id '{inst.id}' must be lower-case letters and digits joined "
                               "by - or _")
        elif inst.id != ctx.path.stem:
            ctx.error(("id",), f"id '{inst.id}' must match the file name ({ctx.path.stem}.yml)")
    inst.title = ctx.text(data, "title", ()) or ""
    inst.short_title = ctx.text(data, "short_title", ())
    inst.description = ctx.text(data, "description", ())
    inst.recall_period = ctx.text(data, "recall_period", ())
    inst.text_review = ctx.flag(data, "text_review", (), False)
    if "version" in data:
        raw = data["version"]
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            ctx.error(("version",), f"'{raw}' is not a version like 1.2.0 (write it as text, "
                                    "e.g. '1.0.0')")
        else:
            try:
                inst.version = Version.parse(raw)
            except ValueError as exc:
                ctx.error(("version",), str(exc))

    inst.licence = _licence(data.get("licence"), ctx)
    licensed = inst.licence.is_licensed
    inst.respondents = _respondents(data.get("respondent"), ctx)

    inst.introduction = ctx.text(data, "introduction", ())
    inst.introduction_ref = ctx.text(data, "introduction_ref", ())
    if licensed and inst.introduction:
        ctx.error(("introduction",), "a licensed instrument may not carry its text: use "
                                     "introduction_ref, a key in the licensee's text file")
    if not licensed and inst.introduction_ref:
        ctx.error(("introduction_ref",), "introduction_ref is only for licensed instruments; "
                                         "write the introduction as text")
    if inst.introduction_ref and not REF_RE.match(inst.introduction_ref):
        ctx.error(("introduction_ref",), f"'{inst.introduction_ref}' is not a valid text key")

    named = _named_scales(data.get("scales"), ctx, licensed)
    declared: set[str] = set()  # item ids written in the file, including broken items
    inst.items = _items(data.get("items"), ctx, licensed, named, declared)
    _check_refs_unique(inst, ctx)
    inst.scores, inst.alerts = _scoring(data.get("scoring"), ctx, inst, declared)
    inst.time_points = _time_points(data.get("time_points"), ctx, inst.respondents)
    inst.event = ctx.text(data, "event", ())
    if inst.time_points and inst.event:
        ctx.error(("event",), "give either time_points (a scheduled questionnaire) or event "
                              "(a form filled in when something happens), not both")
    if "time_points" not in data and "event" not in data:
        ctx.error((), "missing field 'time_points' or 'event': say when the form is filled in")
    if inst.text_review:
        ctx.warning(("text_review",), f"the wording of {inst.name} is marked for checking "
                                      "(text_review: true)")
    return inst


def _licence(value, ctx: _Ctx) -> Licence:
    if value is None:
        return Licence("free-with-citation", "")
    if not isinstance(value, dict):
        ctx.error(("licence",), "licence must have kind, citation and (for licensed) holder")
        return Licence("free-with-citation", "")
    keys = ("licence",)
    ctx.unknown_fields(value, LICENCE_FIELDS, keys, "licence")
    kind = value.get("kind")
    if kind not in LICENCE_KINDS:
        ctx.error(keys + ("kind",) if "kind" in value else keys,
                  f"licence kind must be one of {', '.join(LICENCE_KINDS)}, not {kind!r}")
        kind = "licensed"  # the safe assumption: no text allowed
    citation = ctx.text(value, "citation", keys, required=True) or ""
    holder = ctx.text(value, "holder", keys)
    if kind == "licensed" and not holder:
        ctx.error(keys, "a licensed instrument needs 'holder': who grants the licence")
    return Licence(kind, citation, holder, ctx.text(value, "url", keys),
                   ctx.text(value, "terms", keys))


def _respondents(value, ctx: _Ctx) -> tuple[str, ...]:
    if value is None:
        return ()
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not items:
        ctx.error(("respondent",), "respondent must be carer, cps, trainer or a list of them")
        return ()
    result = []
    for index, item in enumerate(items):
        keys = ("respondent", index) if isinstance(value, list) else ("respondent",)
        if item in RESPONDENTS:
            if item in result:
                ctx.error(keys, f"respondent '{item}' is listed twice")
            result.append(item)
        else:
            ctx.error(keys, f"unknown respondent {item!r}; use {', '.join(RESPONDENTS)}")
    return tuple(result)


def _named_scales(value, ctx: _Ctx, licensed: bool) -> dict[str, Scale | None]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        ctx.error(("scales",), "scales must be a set of 'name: scale' entries")
        return {}
    result: dict[str, Scale | None] = {}
    for name, spec in value.items():
        if not isinstance(name, str) or not ID_RE.match(name):
            ctx.error(("scales", name), f"scale name {name!r} must be lower-case words joined "
                                        "by - or _")
            continue
        result[name] = _scale(spec, ("scales", name), ctx, licensed, name=name)
    return result


def _scale(spec, keys: tuple, ctx: _Ctx, licensed: bool, name: str | None = None) -> Scale | None:
    if not isinstance(spec, dict):
        ctx.error(keys, "a scale must be 'choices: [...]' or 'min:' and 'max:' (or type: date "
                        "or text)")
        return None
    ctx.unknown_fields(spec, SCALE_FIELDS, keys, "a scale")
    kind = spec.get("type")
    if kind is None:
        if "choices" in spec:
            kind = "choice"
        elif "min" in spec or "max" in spec:
            kind = "number"
        else:
            ctx.error(keys, "the scale has no choices and no min/max: give 'choices' or 'min' and "
                            f"'max', or a type ({', '.join(SCALE_TYPES)})")
            return None
    if kind not in SCALE_TYPES:
        ctx.error(keys + ("type",), f"unknown scale type {kind!r}; use one of "
                                    f"{', '.join(SCALE_TYPES)}")
        return None
    ok = True
    for field_name in spec:
        if field_name in SCALE_FIELDS and field_name not in SCALE_FIELDS_BY_TYPE[kind]:
            ctx.error(keys + (field_name,), f"'{field_name}' does not apply to a {kind} scale")
            ok = False
    line = ctx.line(*keys)
    if kind in ("choice", "multi-choice"):
        choices = _choices(spec.get("choices"), keys + ("choices",), ctx, licensed)
        if choices is None:
            return None
        return Scale(kind, choices=choices, name=name, line=line) if ok else None
    if kind == "number":
        return _number_scale(spec, keys, ctx, licensed, name, line) if ok else None
    if kind == "text":
        max_length = None
        if "max_length" in spec:
            max_length = ctx.whole(spec, "max_length", keys, minimum=1)
        return Scale("text", max_length=max_length or None, name=name, line=line) if ok else None
    return Scale("date", name=name, line=line) if ok else None


def _choices(value, keys: tuple, ctx: _Ctx, licensed: bool) -> tuple[Choice, ...] | None:
    if not isinstance(value, list) or not value:
        ctx.error(keys, "the scale is empty: 'choices' must list at least two {value, label} "
                        "entries")
        return None
    choices: list[Choice] = []
    seen: dict = {}
    broken = False
    for index, entry in enumerate(value):
        ckeys = keys + (index,)
        if not isinstance(entry, dict) or "value" not in entry:
            ctx.error(ckeys, "each choice needs a 'value' (and a 'label')")
            broken = True
            continue
        ctx.unknown_fields(entry, CHOICE_FIELDS, ckeys, "a choice")
        raw = entry["value"]
        if isinstance(raw, bool) or not isinstance(raw, int | float | str):
            ctx.error(ckeys + ("value",), f"a choice value must be a number or a word, "
                                          f"not {raw!r}")
            broken = True
            continue
        if isinstance(raw, float) and not math.isfinite(raw):
            ctx.error(ckeys + ("value",), f"a choice value must be a finite number, not {raw!r}")
            broken = True
            continue
        key = _value_key(raw)
        if key in seen:
            ctx.error(ckeys + ("value",), f"duplicate value {_fmt(raw)} in the scale (also "
                                          f"choice {seen[key] + 1})")
            broken = True
            continue
        seen[key] = index
        label = ctx.text(entry, "label", ckeys)
        label_ref = ctx.text(entry, "label_ref", ckeys)
        if licensed and label is not None:
            ctx.error(ckeys + ("label",), "a licensed instrument may not carry its text: give "
                                          "the choice a label_ref, not a label")
            label = None
        if not licensed and label is None and "label" not in entry:
            ctx.error(ckeys, f"choice {_fmt(raw)} needs a 'label'")
        if not licensed and label_ref:
            ctx.error(ckeys + ("label_ref",), "label_ref is only for licensed instruments")
        if label_ref and not REF_RE.match(label_ref):
            ctx.error(ckeys + ("label_ref",), f"'{label_ref}' is not a valid text key")
        choices.append(Choice(raw, label, label_ref, ctx.line(*ckeys)))
    kinds = {_is_number(c.value) for c in choices}
    if len(kinds) > 1:
        ctx.error(keys, "choice values must be all numbers or all words, not a mixture")
        broken = True
    if len(value) == 1 and not broken:
        ctx.error(keys, "a scale needs at least two choices")
        broken = True
    return None if broken else tuple(choices)


def _number_scale(spec, keys, ctx: _Ctx, licensed, name, line) -> Scale | None:
    bounds = {}
    for end in ("min", "max"):
        if end not in spec:
            ctx.error(keys, f"a number scale needs '{end}'")
            continue
        raw = spec[end]
        if isinstance(raw, bool) or not isinstance(raw, int | float) or not math.isfinite(raw):
            ctx.error(keys + (end,), f"'{end}' must be a number, not {raw!r}")
            continue
        bounds[end] = raw
    integer = ctx.flag(spec, "integer", keys, True)
    if len(bounds) != 2:
        return None
    low, high = bounds["min"], bounds["max"]
    broken = False
    if low >= high:
        ctx.error(keys + ("min",), f"broken scale: min ({_fmt(low)}) must be less than max "
                                   f"({_fmt(high)})")
        broken = True
    if integer and (low != int(low) or high != int(high)):
        ctx.error(keys, "a whole-number scale (integer: true) needs whole-number min and max")
        broken = True
    labels = {n: ctx.text(spec, n, keys) for n in ("min_label", "max_label", "min_label_ref",
                                                   "max_label_ref")}
    for n in ("min_label", "max_label"):
        if licensed and labels[n]:
            ctx.error(keys + (n,), f"a licensed instrument may not carry its text: use {n}_ref")
    for n in ("min_label_ref", "max_label_ref"):
        if not licensed and labels[n]:
            ctx.error(keys + (n,), f"{n} is only for licensed instruments")
    if broken:
        return None
    if integer:
        low, high = int(low), int(high)
    return Scale("number", min=low, max=high, integer=integer, unit=ctx.text(spec, "unit", keys),
                 min_label=labels["min_label"], max_label=labels["max_label"],
                 min_label_ref=labels["min_label_ref"], max_label_ref=labels["max_label_ref"],
                 name=name, line=line)


def _items(value, ctx: _Ctx, licensed: bool, named: dict, declared: set) -> list[Item]:
    if value is None:
        return []
    if not isinstance(value, list) or not value:
        ctx.error(("items",), "items must be a list of questions, each starting '- id:'")
        return []
    items: list[Item] = []
    seen: dict[str, int] = {}
    used_scales: set[str] = set()
    for index, entry in enumerate(value):
        keys = ("items", index)
        if not isinstance(entry, dict):
            ctx.error(keys, "each item needs id, text (or text_ref) and scale")
            continue
        ctx.unknown_fields(entry, ITEM_FIELDS, keys, "an item")
        item_id = ctx.text(entry, "id", keys, required=True)
        if item_id and not ID_RE.match(item_id):
            ctx.error(keys + ("id",), f"item id '{item_id}' must be lower-case letters and "
                                      "digits joined by - or _")
        if item_id in seen:
            ctx.error(keys + ("id",), f"duplicate item id '{item_id}' (also on line "
                                      f"{seen[item_id]})")
            item_id = None
        elif item_id:
            seen[item_id] = ctx.line(*keys, "id")
            declared.add(item_id)
        text = ctx.text(entry, "text", keys)
        text_ref = ctx.text(entry, "text_ref", keys)
        label = f"item '{item_id}'" if item_id else f"item {index + 1}"
        if licensed:
            if "text" in entry:
                ctx.error(keys + ("text",), f"{label}: a licensed instrument may not carry item "
                                            "text; give only text_ref, a key in the licensee's "
                                            "text file")
                text = None
            if not text_ref:
                ctx.error(keys, f"{label} needs a text_ref (a key in the licensee's text file)")
        else:
            if text_ref:
                ctx.error(keys + ("text_ref",), f"{label}: text_ref is only for licensed "
                                                "instruments; write the text")
            if not text:
                ctx.error(keys, f"{label} needs its 'text'")
        if text_ref and not REF_RE.match(text_ref):
            ctx.error(keys + ("text_ref",), f"'{text_ref}' is not a valid text key")
        help_text = ctx.text(entry, "help", keys)
        if licensed and help_text:
            ctx.error(keys + ("help",), "a licensed instrument may not carry item text ('help')")
        scale = _item_scale(entry, keys, ctx, licensed, named, used_scales, label)
        required = ctx.flag(entry, "required", keys, True)
        reverse = ctx.flag(entry, "reverse", keys, False)
        if reverse and scale is not None and not scale.is_numeric:
            ctx.error(keys + ("reverse",), f"{label}: only numbered scales can be reversed")
            reverse = False
        unit_cost = ctx.text(entry, "unit_cost", keys)
        if unit_cost and scale is not None and scale.type != "number":
            ctx.error(keys + ("unit_cost",), f"{label}: a unit cost needs a number scale "
                                             "(a count, hours or miles)")
        if item_id is None or scale is None:
            continue
        items.append(Item(item_id, scale, text=text, text_ref=text_ref, help=help_text,
                          required=required, reverse=reverse, unit_cost=unit_cost,
                          text_review=ctx.flag(entry, "text_review", keys, False),
                          line=ctx.line(*keys)))
    for name in named:
        if name not in used_scales:
            ctx.warning(("scales", name), f"scale '{name}' is not used by any item")
    return items


def _item_scale(entry, keys, ctx, licensed, named, used_scales, label) -> Scale | None:
    if "scale" not in entry:
        ctx.error(keys, f"{label} needs a 'scale' (choices, min/max, or a named scale)")
        return None
    spec = entry["scale"]
    if isinstance(spec, str):
        if spec not in named:
            known = ", ".join(named) or "none are defined"
            ctx.error(keys + ("scale",), f"{label} uses unknown scale '{spec}' (scales: {known})")
            return None
        used_scales.add(spec)
        return named[spec]
    return _scale(spec, keys + ("scale",), ctx, licensed)


def _check_refs_unique(inst: Instrument, ctx: _Ctx) -> None:
    seen: dict[str, str] = {}
    for item in inst.items:
        if item.text_ref:
            if item.text_ref in seen:
                ctx.error(("items",), f"item '{item.id}' uses text_ref '{item.text_ref}', "
                                      f"already used by item '{seen[item.text_ref]}'")
            seen[item.text_ref] = item.id


def _scoring(value, ctx: _Ctx, inst: Instrument,
             declared: set) -> tuple[list[Score], list[Alert]]:
    if value is None:
        return [], []
    if not isinstance(value, dict):
        ctx.error(("scoring",), "scoring must have 'scores' (and optional 'alerts')")
        return [], []
    ctx.unknown_fields(value, SCORING_FIELDS, ("scoring",), "scoring")
    return (_scores(value.get("scores"), ctx, inst, declared),
            _alerts(value.get("alerts"), ctx, inst, declared))


def _scores(value, ctx: _Ctx, inst: Instrument, declared: set) -> list[Score]:
    if value is None:
        return []
    if not isinstance(value, list):
        ctx.error(("scoring", "scores"), "scores must be a list, each starting '- id:'")
        return []
    items = inst.items_by_id
    scores: list[Score] = []
    seen: set[str] = set()
    for index, entry in enumerate(value):
        keys = ("scoring", "scores", index)
        if not isinstance(entry, dict):
            ctx.error(keys, "each score needs id, label, method and items")
            continue
        ctx.unknown_fields(entry, SCORE_FIELDS, keys, "a score")
        score_id = ctx.text(entry, "id", keys, required=True)
        if score_id and not ID_RE.match(score_id):
            ctx.error(keys + ("id",), f"score id '{score_id}' must be lower-case letters and "
                                      "digits joined by - or _")
        if score_id in seen:
            ctx.error(keys + ("id",), f"duplicate score id '{score_id}'")
        label = ctx.text(entry, "label", keys, required=True) or score_id or ""
        method = entry.get("method")
        if method not in SCORE_METHODS:
            ctx.error(keys + ("method",) if "method" in entry else keys,
                      f"score method must be one of {', '.join(SCORE_METHODS)}, not {method!r}")
            method = None
        names = entry.get("items")
        ok = score_id is not None and method is not None
        if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
            ctx.error(keys + ("items",) if "items" in entry else keys,
                      "a score needs 'items': a list of item ids")
            names, ok = [], False
        for n_index, name in enumerate(names):
            if names.index(name) != n_index:
                ctx.error(keys + ("items", n_index), f"score '{score_id}' lists item '{name}' "
                                                     "twice")
                ok = False
            elif name not in items:
                if name not in declared:  # a broken item is reported where it is written
                    ctx.error(keys + ("items", n_index), f"scoring rule '{score_id}' names "
                                                         f"unknown item '{name}'")
                ok = False
            elif not items[name].scale.is_numeric:
                ctx.error(keys + ("items", n_index), f"score '{score_id}' uses item '{name}', "
                                                     "whose answers are not numbers")
                ok = False
        if method == "value" and len(names) != 1:
            ctx.error(keys + ("items",), "a 'value' score takes exactly one item")
            ok = False
        if method == "profile" and ok:
            for name in names:
                scale = items[name].scale
                if scale.type != "choice" or any(
                        not (isinstance(v, int) and 0 <= v <= 9) for v in scale.values):
                    ctx.error(keys + ("items",), f"a 'profile' score needs choice items with "
                                                 f"single-digit values; '{name}' has not")
                    ok = False
        missing = _missing_rule(entry.get("missing"), keys, ctx, len(names), method)
        score_range = _score_range(entry, keys, ctx, method,
                                   [items[n] for n in names] if ok else None)
        conversion = _conversion(entry.get("convert"), keys, ctx, inst, seen)
        if score_id:
            seen.add(score_id)
        if conversion:
            seen.add(conversion.id)
        if ok:
            scores.append(Score(score_id, label, method, tuple(names), missing, score_range,
                                conversion, ctx.line(*keys)))
    return scores


def _missing_rule(value, keys, ctx: _Ctx, n_items: int, method) -> MissingRule:
    if value is None:
        return MissingRule()
    mkeys = keys + ("missing",)
    if not isinstance(value, dict):
        ctx.error(mkeys, "missing must be 'max_missing: N' (and an optional note)")
        return MissingRule()
    ctx.unknown_fields(value, MISSING_FIELDS, mkeys, "a missing-items rule")
    max_missing = ctx.whole(value, "max_missing", mkeys, minimum=0)
    if n_items and max_missing >= n_items:
        ctx.error(mkeys + ("max_missing",), f"max_missing ({max_missing}) must be less than the "
                                            f"number of items ({n_items})")
        max_missing = 0
    if max_missing and method in ("value", "profile"):
        ctx.error(mkeys + ("max_missing",), f"a '{method}' score cannot be prorated")
        max_missing = 0
    return MissingRule(max_missing, ctx.text(value, "note", mkeys))


def _theoretical_range(method, items: list[Item]) -> tuple | None:
    if method == "sum":
        return (sum(i.scale.low for i in items), sum(i.scale.high for i in items))
    if method in ("mean", "value"):
        return (min(i.scale.low for i in items), max(i.scale.high for i in items))
    return None


def _score_range(entry, keys, ctx: _Ctx, method, items) -> tuple | None:
    computed = _theoretical_range(method, items) if items else None
    if "range" not in entry:
        return computed
    raw = entry["range"]
    rkeys = keys + ("range",)
    if (not isinstance(raw, list) or len(raw) != 2
            or any(isinstance(v, bool) or not isinstance(v, int | float) for v in raw)):
        ctx.error(rkeys, "range must be [lowest, highest], two numbers")
        return computed
    if raw[0] > raw[1]:
        ctx.error(rkeys, f"range [{_fmt(raw[0])}, {_fmt(raw[1])}]: the lowest is above the "
                         "highest")
        return computed
    if method == "profile":
        ctx.error(rkeys, "a 'profile' score (a code such as 11223) has no numeric range")
        return None
    if computed is not None and (raw[0] != computed[0] or raw[1] != computed[1]):
        ctx.error(rkeys, f"range [{_fmt(raw[0])}, {_fmt(raw[1])}] does not match the items: "
                         f"their scales give {_fmt(computed[0])} to {_fmt(computed[1])}")
    return (raw[0], raw[1])


def _conversion(value, keys, ctx: _Ctx, inst: Instrument, seen: set) -> Conversion | None:
    if value is None:
        return None
    ckeys = keys + ("convert",)
    if not isinstance(value, dict):
        ctx.error(ckeys, "convert must have id, label and table")
        return None
    ctx.unknown_fields(value, CONVERT_FIELDS, ckeys, "a conversion")
    conv_id = ctx.text(value, "id", ckeys, required=True)
    label = ctx.text(value, "label", ckeys, required=True)
    table = ctx.text(value, "table", ckeys, required=True)
    if not inst.is_licensed:
        ctx.error(ckeys, "conversion tables come from a licensee's file: only licensed "
                         "instruments may use 'convert'")
        return None
    if conv_id and conv_id in seen:
        ctx.error(ckeys + ("id",), f"duplicate score id '{conv_id}'")
        return None
    if table and not REF_RE.match(table):
        ctx.error(ckeys + ("table",), f"'{table}' is not a valid table name")
        return None
    if not (conv_id and label and table):
        return None
    return Conversion(conv_id, label, table, ctx.line(*ckeys))


def _alerts(value, ctx: _Ctx, inst: Instrument, declared: set) -> list[Alert]:
    if value is None:
        return []
    if not isinstance(value, list):
        ctx.error(("scoring", "alerts"), "alerts must be a list, each starting '- id:'")
        return []
    items = inst.items_by_id
    alerts = []
    for index, entry in enumerate(value):
        keys = ("scoring", "alerts", index)
        if not isinstance(entry, dict):
            ctx.error(keys, "each alert needs id, item, values and message")
            continue
        ctx.unknown_fields(entry, ALERT_FIELDS, keys, "an alert")
        alert_id = ctx.text(entry, "id", keys, required=True)
        item_id = ctx.text(entry, "item", keys, required=True)
        message = ctx.text(entry, "message", keys, required=True)
        values = entry.get("values")
        if not isinstance(values, list) or not values:
            ctx.error(keys + ("values",) if "values" in entry else keys,
                      "an alert needs 'values': the answers that raise it")
            continue
        if item_id not in items:
            if item_id and item_id not in declared:
                ctx.error(keys + ("item",), f"alert '{alert_id}' names unknown item '{item_id}'")
            continue
        scale = items[item_id].scale
        bad = [v for v in values if not _value_allowed(scale, v)]
        if bad:
            ctx.error(keys + ("values",), f"alert '{alert_id}': {', '.join(map(_fmt, bad))} "
                                          f"not allowed for item '{item_id}' "
                                          f"({scale.describe()})")
            continue
        if alert_id and message:
            alerts.append(Alert(alert_id, item_id, tuple(values), message, ctx.line(*keys)))
    return alerts


def _time_points(value, ctx: _Ctx, respondents: tuple[str, ...]) -> list[TimePoint]:
    if value is None:
        return []
    if not isinstance(value, list) or not value:
        ctx.error(("time_points",), "time_points must be a list, each starting '- id:'")
        return []
    points = []
    seen: set[str] = set()
    for index, entry in enumerate(value):
        keys = ("time_points", index)
        if not isinstance(entry, dict):
            ctx.error(keys, "each time point needs id, label, anchor, offset_days and a window")
            continue
        ctx.unknown_fields(entry, TIME_POINT_FIELDS, keys, "a time point")
        point_id = ctx.text(entry, "id", keys, required=True)
        if point_id and not ID_RE.match(point_id):
            ctx.error(keys + ("id",), f"time point id '{point_id}' must be lower-case letters "
                                      "and digits joined by - or _")
        if point_id in seen:
            ctx.error(keys + ("id",), f"duplicate time point '{point_id}'")
            point_id = None
        label = ctx.text(entry, "label", keys, required=True)
        anchor = entry.get("anchor")
        if anchor not in ANCHORS:
            ctx.error(keys + ("anchor",) if "anchor" in entry else keys,
                      f"unknown anchor {anchor!r}; use one of {', '.join(ANCHORS)}")
            anchor = None
        elif respondents and ANCHORS[anchor] not in respondents:
            ctx.error(keys + ("anchor",), f"anchor '{anchor}' is a {ANCHORS[anchor]} date, but "
                                          f"the respondent is {', '.join(respondents)}")
        offset = ctx.whole(entry, "offset_days", keys, minimum=None)
        before = ctx.whole(entry, "window_before_days", keys, minimum=0)
        after = ctx.whole(entry, "window_after_days", keys, minimum=0)
        if point_id:
            seen.add(point_id)
        if point_id and label and anchor:
            points.append(TimePoint(point_id, label, anchor, offset, before, after,
                                    ctx.line(*keys)))
    return points


# --------------------------------------------------------------------------------------------
# The licensee's file of item text and conversion tables


def _install_licensed_text(registry: InstrumentRegistry, path: Path,
                           problems: ProblemList) -> None:
    if not path.is_file():
        problems.error(path, 0, f"{LICENSED_TEXT_ENV} names {path}, which is not a file")
        return
    try:
        repo = registry.root.resolve().parent
        path.resolve().relative_to(repo)
        problems.warning(path, 0, "the licensed text file is inside the repository: keep it "
                                  "outside, so it is never committed")
    except ValueError:
        pass
    try:
        data, lines = parse_yaml_with_lines(path.read_text(encoding="utf-8"))
    except FrontMatterError as exc:
        problems.error(path, exc.line, str(exc))
        return
    except UnicodeDecodeError as exc:
        problems.error(path, 1, f"the file is not UTF-8 text ({exc.reason})")
        return
    ctx = _Ctx(path, lines, problems)
    if not isinstance(data, dict) or not isinstance(data.get("instruments"), dict):
        problems.error(path, 1, "the licensed text file needs 'instruments:', with one entry "
                                "per licensed instrument id")
        return
    ctx.unknown_fields(data, LICENSED_FILE_FIELDS, (), "the licensed text file")
    for inst_id, entry in data["instruments"].items():
        keys = ("instruments", inst_id)
        inst = registry.instruments.get(inst_id)
        if inst is None:
            ctx.warning(keys, f"'{inst_id}' is not an instrument in this repository")
            continue
        if not inst.is_licensed:
            ctx.error(keys, f"{inst.name} is free to use: its text is in the repository, not "
                            "in the licensed text file")
            continue
        if not isinstance(entry, dict):
            ctx.error(keys, "each instrument needs 'text:' (and 'conversion_tables:')")
            continue
        ctx.unknown_fields(entry, LICENSED_ENTRY_FIELDS, keys, f"the entry for {inst_id}")
        text = _licensed_texts(entry.get("text"), keys + ("text",), ctx, inst)
        tables = _licensed_tables(entry.get("conversion_tables"), keys + ("conversion_tables",),
                                  ctx, inst, path)
        inst.licensed = LicensedContent(path, text, tables,
                                        ctx.text(entry, "licence_reference", keys))
        state = inst.licensed_text_state
        if state.missing_refs:
            shown = ", ".join(state.missing_refs[:5])
            more = " ..." if len(state.missing_refs) > 5 else ""
            ctx.error(keys, f"{inst.name}: text missing for {shown}{more}")
        for table in state.missing_tables:
            ctx.warning(keys, f"{inst.name}: conversion table '{table}' is not installed, so "
                              "only raw scores are given")


def _licensed_texts(value, keys, ctx: _Ctx, inst: Instrument) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        ctx.error(keys, "'text' must be a set of 'key: text' lines")
        return {}
    wanted = set(inst.text_refs)
    result = {}
    for ref, text in value.items():
        tkeys = keys + (ref,)
        if ref not in wanted:
            ctx.warning(tkeys, f"text key '{ref}' is not used by {inst.name}")
        if not isinstance(text, str) or not text.strip():
            ctx.error(tkeys, f"the text for '{ref}' must be text")
            continue
        if PLACEHOLDER_RE.match(text):
            ctx.error(tkeys, f"the text for '{ref}' is still the example placeholder {text!r}")
            continue
        result[str(ref)] = text.strip()
    return result


def _licensed_tables(value, keys, ctx: _Ctx, inst: Instrument, path: Path) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        ctx.error(keys, "'conversion_tables' must be a set of 'name: table' entries")
        return {}
    tables = {}
    for name, spec in value.items():
        tkeys = keys + (name,)
        if name not in inst.table_names:
            ctx.warning(tkeys, f"conversion table '{name}' is not used by {inst.name}")
        if isinstance(spec, dict) and set(spec) == {"file"}:
            table = _table_from_csv(path.parent / str(spec["file"]), tkeys, ctx)
        elif isinstance(spec, dict):
            table = _table_from_mapping(spec, tkeys, ctx)
        else:
            ctx.error(tkeys, "a conversion table is 'input: value' lines, or 'file: NAME.csv'")
            continue
        if table is None:
            continue
        for score in inst.scores:
            if score.conversion and score.conversion.table == name:
                _check_coverage(table, score, inst, tkeys, ctx)
        tables[str(name)] = table
    return tables


def _table_from_mapping(spec: dict, keys, ctx: _Ctx) -> dict | None:
    table = {}
    ok = True
    for key, raw in spec.items():
        if isinstance(raw, bool) or not isinstance(raw, int | float):
            hint = " (the example placeholder)" if isinstance(raw, str) and PLACEHOLDER_RE.match(
                raw) else ""
            ctx.error(keys + (key,), f"conversion value for {key!r} must be a number, not "
                                     f"{raw!r}{hint}")
            ok = False
            continue
        table[_table_key(key)] = float(raw)
    return table if ok else None


def _table_from_csv(csv_path: Path, keys, ctx: _Ctx) -> dict | None:
    if not csv_path.is_file():
        ctx.error(keys, f"conversion table file {csv_path} does not exist")
        return None
    table = {}
    with csv_path.open(encoding="utf-8", newline="") as handle:
        for number, row in enumerate(csv.reader(handle), start=1):
            if not row or (number == 1 and not _is_float(row[-1])):
                continue  # header
            if len(row) != 2 or not _is_float(row[1]):
                ctx.problems.error(csv_path, number, "each row must be 'input,value' with a "
                                                     "number as the value")
                return None
            table[_table_key(row[0].strip())] = float(row[1])
    return table


def _table_key(key) -> str:
    if isinstance(key, float) and key.is_integer():
        key = int(key)
    return str(key).strip()


def _check_coverage(table: dict, score: Score, inst: Instrument, keys, ctx: _Ctx) -> None:
    inputs = possible_inputs(score, inst)
    if inputs is None:
        return
    missing = [k for k in inputs if k not in table]
    if missing:
        shown = ", ".join(missing[:5]) + (" ..." if len(missing) > 5 else "")
        ctx.error(keys, f"conversion table '{score.conversion.table}' has no value for "
                        f"{len(missing)} possible {score.id} score(s): {shown}")


def possible_inputs(score: Score, inst: Instrument) -> list[str] | None:
    """Every input a conversion table for `score` must cover (as table keys), if enumerable."""
    items = [inst.items_by_id[name] for name in score.items]
    if score.method == "profile":
        sizes = math.prod(len(i.scale.choices) for i in items)
        if sizes > MAX_TABLE_KEYS:
            return None
        return ["".join(str(v) for v in combo)
                for combo in itertools.product(*(i.scale.values for i in items))]
    if score.method in ("sum", "value") and score.range is not None:
        low, high = score.range
        if all(_is_whole(i.scale.low) and _is_whole(i.scale.high) for i in items) and (
                items[0].scale.type == "choice" or all(i.scale.integer for i in items)):
            if high - low > MAX_TABLE_KEYS:
                return None
            return [str(v) for v in range(int(low), int(high) + 1)]
    return None


# --------------------------------------------------------------------------------------------
# Small helpers shared with scoring


def _is_number(value) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_whole(value) -> bool:
    return _is_number(value) and float(value).is_integer()


def _is_float(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _value_key(value):
    if _is_number(value):
        return ("n", float(value))
    return ("s", value)


def _value_allowed(scale: Scale, value) -> bool:
    if scale.type in ("choice", "multi-choice"):
        return _value_key(value) in {_value_key(v) for v in scale.values} if (
            _is_number(value) or isinstance(value, str)) else False
    if scale.type == "number":
        return _is_number(value) and scale.min <= value <= scale.max
    return False


def _fmt(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
