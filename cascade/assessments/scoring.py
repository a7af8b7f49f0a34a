"""Score one set of responses (item id -> value) with an instrument definition.

Rules (see docs/assessments.md):
- Every answer is checked against its item's scale. A value that is out of range, not a number
  where a number is needed, or not one of the listed choices is refused with a message naming
  the item and the allowed answers. Unknown item ids are refused too.
- A required item that is unanswered is refused, unless every score that uses it may be
  prorated for the number of items missing. An optional unanswered item just leaves a gap.
- Reverse-scored items count (scale minimum + scale maximum - answer).
- sum: the total of the item scores. With at most `max_missing` items missing, the missing ones
  are replaced by the mean of the answered ones (mean substitution): total x n / answered.
  With more missing, the score is missing and the reason says why.
- mean: the mean of the answered item scores, under the same missing-items rule.
- value: one item's score. profile: item values written side by side (EQ-5D: 11223).
- convert: a converted score looked up in the licensee's conversion table; without the table the
  raw score is still returned, with a note.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from .instrument_model import Instrument, Item, Scale, Score

DECIMALS = 2  # prorated sums and means are rounded to this many decimal places


@dataclass(frozen=True)
class ResponseProblem:
    item_id: str
    message: str

    def __str__(self) -> str:
        return self.message


class ScoringError(ValueError):
    """The responses were refused. `problems` names each item and what is wrong with it."""

    def __init__(self, instrument_id: str, problems: list[ResponseProblem]):
        self.instrument_id = instrument_id
        self.problems = problems
        super().__init__("; ".join(p.message for p in problems))


@dataclass
class ScoreResult:
    instrument_id: str
    instrument_version: str
    scores: dict = field(default_factory=dict)  # score id -> number, code or None
    missing: dict = field(default_factory=dict)  # score id -> why it is missing
    prorated: list = field(default_factory=list)  # score ids computed with missing items
    notes: list = field(default_factory=list)
    alerts: list = field(default_factory=list)  # {"id", "item", "message"}
    values: dict = field(default_factory=dict)  # checked answers, item id -> value
    item_scores: dict = field(default_factory=dict)  # numeric items after reversing

    def to_dict(self) -> dict:
        return {
            "instrument": self.instrument_id,
            "version": self.instrument_version,
            "scores": self.scores,
            "missing": self.missing,
            "prorated": self.prorated,
            "notes": self.notes,
            "alerts": self.alerts,
            "values": {k: _jsonable(v) for k, v in self.values.items()},
            "item_scores": self.item_scores,
        }


def _jsonable(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value


def _is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or (
        isinstance(value, list | tuple) and len(value) == 0)


def _fmt(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return repr(value) if isinstance(value, str) else str(value)


def _as_number(value):
    """A number from an int, float or numeric text; None if it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, str):
        text = value.strip()
        try:
            number = int(text)
        except ValueError:
            try:
                number = float(text)
            except ValueError:
                return None
            if not math.isfinite(number):
                return None
        return number
    return None


def _tidy(number):
    """2.0 -> 2, so whole numbers stay whole."""
    if isinstance(number, float) and number.is_integer():
        return int(number)
    return number


def check_value(item: Item, value):
    """The answer as stored (numbers as numbers, dates as dates); raises ValueError with a
    message naming the item and the allowed answers."""
    scale: Scale = item.scale
    allowed = f"allowed: {scale.describe()}"
    name = f"item '{item.id}'"
    if scale.type == "choice":
        choice = _match_choice(scale, value)
        if choice is None:
            raise ValueError(f"{name}: {_fmt(value)} is not an allowed answer; {allowed}")
        return choice
    if scale.type == "multi-choice":
        values = value if isinstance(value, list | tuple) else [value]
        result = []
        for entry in values:
            choice = _match_choice(scale, entry)
            if choice is None:
                raise ValueError(f"{name}: {_fmt(entry)} is not an allowed answer; {allowed}")
            if choice in result:
                raise ValueError(f"{name}: {_fmt(entry)} is given twice")
            result.append(choice)
        return result
    if scale.type == "number":
        number = _as_number(value)
        if number is None:
            raise ValueError(f"{name}: {_fmt(value)} is not a number; {allowed}")
        if scale.integer and not float(number).is_integer():
            raise ValueError(f"{name}: {_fmt(value)} is not a whole number; {allowed}")
        if not scale.min <= number <= scale.max:
            raise ValueError(f"{name}: {_fmt(value)} is out of range; {allowed}")
        return int(number) if scale.integer else _tidy(number)
    if scale.type == "date":
        if isinstance(value, dt.datetime):
            raise ValueError(f"{name}: give a date without a time; {allowed}")
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                pass
        raise ValueError(f"{name}: {_fmt(value)} is not a date; {allowed}")
    # text
    if not isinstance(value, str):
        raise ValueError(f"{name}: {_fmt(value)} is not text; {allowed}")
    if scale.max_length and len(value) > scale.max_length:
        raise ValueError(f"{name}: the text is {len(value)} characters long; {allowed}")
    return value.strip()


def _match_choice(scale: Scale, value):
    if isinstance(value, bool):
        return None
    numeric = scale.is_numeric
    candidate = _as_number(value) if numeric else value
    if candidate is None:
        return None
    for choice_value in scale.values:
        if numeric and float(candidate) == float(choice_value):
            return choice_value
        if not numeric and isinstance(candidate, str) and candidate.strip() == choice_value:
            return choice_value
    return None


def item_score(item: Item, value):
    """The scored value of a numeric answer: reversed when the item says so."""
    if item.reverse:
        return _tidy(item.scale.low + item.scale.high - value)
    return value


def validate_responses(instrument: Instrument, responses: Mapping) -> tuple[dict, list]:
    """Check every answer. Returns (checked values, problems); blank answers are left out."""
    if not isinstance(responses, Mapping):
        return {}, [ResponseProblem("", "responses must be a set of item id -> answer pairs")]
    items = instrument.items_by_id
    values: dict = {}
    problems: list[ResponseProblem] = []
    for key, value in responses.items():
        if key not in items:
            known = ", ".join(items)
            problems.append(ResponseProblem(
                str(key), f"unknown item '{key}' for {instrument.id} (its items: {known})"))
            continue
        if _is_blank(value):
            continue
        try:
            values[key] = check_value(items[key], value)
        except ValueError as exc:
            problems.append(ResponseProblem(key, str(exc)))
    refused = {p.item_id for p in problems}
    for item in instrument.items:
        if not item.required or item.id in values or item.id in refused:
            continue
        blocking = _blocking_scores(instrument, item, values, refused)
        if blocking is not None:
            problems.append(ResponseProblem(item.id, f"item '{item.id}' is required but has no "
                                                     f"answer{blocking}"))
    order = {item.id: n for n, item in enumerate(instrument.items)}
    problems.sort(key=lambda p: order.get(p.item_id, -1))
    return values, problems


def _blocking_scores(instrument, item, values, refused: set) -> str | None:
    """None when prorating covers this missing required item; else the reason it does not.
    Items refused for a bad answer are not counted as missing (they are reported already)."""
    using = [s for s in instrument.scores if item.id in s.items]
    if not using:
        return ""
    for score in using:
        missing = sum(1 for i in score.items if i not in values and i not in refused)
        if missing > score.missing.max_missing:
            limit = score.missing.max_missing
            if limit == 0:
                return f" (score '{score.id}' needs every item)"
            return (f" (score '{score.id}' allows at most {limit} missing item(s); "
                    f"{missing} are missing)")
    return None


def score(instrument: Instrument, responses: Mapping) -> ScoreResult:
    """Check and score one set of responses. Raises ScoringError naming each refused item."""
    values, problems = validate_responses(instrument, responses)
    if problems:
        raise ScoringError(instrument.id, problems)
    result = ScoreResult(instrument.id, str(instrument.version or ""), values=values)
    items = instrument.items_by_id
    for item_id, value in values.items():
        item = items[item_id]
        if item.scale.is_numeric:
            result.item_scores[item_id] = item_score(item, value)
    for definition in instrument.scores:
        _compute(definition, instrument, result)
    for alert in instrument.alerts:
        if alert.item in values and any(
                _same(values[alert.item], v) for v in alert.values):
            result.alerts.append({"id": alert.id, "item": alert.item, "message": alert.message})
    if instrument.is_licensed and not instrument.licensed_text_state.installed:
        result.notes.append(instrument.licensed_text_state.message)
    return result


def _same(a, b) -> bool:
    if isinstance(a, int | float) and isinstance(b, int | float):
        return float(a) == float(b)
    return a == b


def _round(number: float) -> float | int:
    quantized = Decimal(str(number)).quantize(Decimal(1).scaleb(-DECIMALS), ROUND_HALF_UP)
    return _tidy(float(quantized))


def _compute(definition: Score, instrument: Instrument, result: ScoreResult) -> None:
    scored = [result.item_scores[i] for i in definition.items if i in result.item_scores]
    n_items = len(definition.items)
    n_missing = n_items - len(scored)
    sid = definition.id
    value = None
    if n_missing > definition.missing.max_missing:
        missing_ids = [i for i in definition.items if i not in result.item_scores]
        limit = definition.missing.max_missing
        rule = "no missing items are allowed" if limit == 0 else (
            f"at most {limit} may be missing")
        reason = (f"{n_missing} of {n_items} items missing ({', '.join(missing_ids)}); "
                  f"{rule}")
        result.scores[sid] = None
        result.missing[sid] = reason
        if definition.conversion:
            result.scores[definition.conversion.id] = None
            result.missing[definition.conversion.id] = f"no {sid}: {reason}"
        return
    if definition.method == "sum":
        total = sum(scored)
        value = total if n_missing == 0 else _round(total * n_items / len(scored))
    elif definition.method == "mean":
        value = _round(sum(scored) / len(scored))
    elif definition.method == "value":
        value = scored[0]
    elif definition.method == "profile":
        value = "".join(str(int(result.values[i])) for i in definition.items)
    if n_missing:
        result.prorated.append(sid)
        note = (f"{sid}: {n_missing} of {n_items} items missing; replaced by the mean of the "
                "answered items")
        if definition.missing.note:
            note += f" ({definition.missing.note.strip()})"
        result.notes.append(note)
    if definition.range is not None and isinstance(value, int | float):
        low, high = definition.range
        if not low <= value <= high:  # a definition error: the loader checks ranges
            raise ValueError(f"{instrument.id}: score '{sid}' = {value} is outside its valid "
                             f"range {low} to {high}")
    result.scores[sid] = value
    if definition.conversion:
        _convert(definition, instrument, value, result)


def _convert(definition: Score, instrument: Instrument, value, result: ScoreResult) -> None:
    conv = definition.conversion
    table = instrument.conversion_table(conv.table)
    if table is None:
        result.scores[conv.id] = None
        reason = (f"the licensed conversion table '{conv.table}' for {instrument.name} is not "
                  "installed")
        result.missing[conv.id] = reason
        result.notes.append(f"{conv.id}: {reason}; only the raw score {definition.id} is given")
        return
    key = value
    if isinstance(value, float):
        key = int(Decimal(str(value)).quantize(Decimal(1), ROUND_HALF_UP))
        result.notes.append(f"{conv.id}: the prorated {definition.id} {value} was rounded to "
                            f"{key} for the conversion table")
    converted = table.get(str(key))
    if converted is None:
        result.scores[conv.id] = None
        result.missing[conv.id] = f"the conversion table '{conv.table}' has no value for {key}"
        return
    result.scores[conv.id] = _tidy(converted)
