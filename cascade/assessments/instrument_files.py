"""Reading and validating one instrument file (assessments/instruments/<id>.yml).

Every problem is recorded with its line through content.fields.Fields; the instrument is built
from whatever could be read. Scoring rules and time points are read by instrument_scores.py.
"""

from __future__ import annotations

import math
from pathlib import Path

from ..content.fields import Fields, read_yaml
from ..content.problems import ProblemList
from .instrument_model import (
    ID_RE,
    ID_RULE,
    LICENCE_KINDS,
    REF_RE,
    RESPONDENTS,
    SCALE_TYPES,
    Choice,
    Instrument,
    Item,
    Licence,
    Scale,
    fmt,
    is_number,
    value_key,
)
from .instrument_scores import read_scoring, read_time_points

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


def load_file(path: Path, problems: ProblemList) -> Instrument | None:
    """Read and validate one instrument file; None when it cannot be read at all."""
    read = read_yaml(path, problems)
    if read is None:
        return None
    data, f = read
    if not isinstance(data, dict):
        problems.error(path, 1, "an instrument file must be a set of 'field: value' lines")
        return None
    return _build_instrument(data, f)


def _build_instrument(data: dict, f: Fields) -> Instrument:
    inst = Instrument(path=f.path)
    f.unknown(data, TOP_FIELDS)
    f.required(data, {name: meaning for name, (required, meaning) in TOP_FIELDS.items() if required})
    _identity(data, inst, f)
    inst.licence = _licence(data.get("licence"), f)
    licensed = inst.licence.is_licensed
    inst.respondents = _respondents(data.get("respondent"), f)
    _introduction(data, inst, licensed, f)
    named = _named_scales(data.get("scales"), f, licensed)
    declared: set[str] = set()  # item ids written in the file, including broken items
    inst.items = _items(data.get("items"), f, licensed, named, declared)
    _check_refs_unique(inst, f)
    inst.scores, inst.alerts = read_scoring(data.get("scoring"), f, inst, declared)
    inst.time_points = read_time_points(data.get("time_points"), f, inst.respondents)
    inst.event = f.text(data, "event")
    if inst.time_points and inst.event:
        f.error(("event",), "give either time_points (a scheduled questionnaire) or event "
                            "(a form filled in when something happens), not both")
    if "time_points" not in data and "event" not in data:
        f.missing("time_points' or 'event", meaning="say when the form is filled in")
    if inst.text_review:
        f.warning(("text_review",), f"the wording of {inst.name} is marked for checking "
                                    "(text_review: true)")
    return inst


def _identity(data: dict, inst: Instrument, f: Fields) -> None:
    """id (the file name), titles, description, version."""
    raw_id = data.get("id")
    # An id that breaks the rule is reported, and still names the instrument.
    inst.id = f.slug(data, "id", pattern=ID_RE, rule=ID_RULE) or (raw_id if isinstance(raw_id, str) else "")
    inst.line = f.line("id")
    if inst.id and inst.id != f.path.stem:
        f.error(("id",), f"id '{inst.id}' must match the file name ('{f.path.stem}')")
    inst.title = f.text(data, "title") or ""
    inst.short_title = f.text(data, "short_title")
    inst.description = f.text(data, "description")
    inst.recall_period = f.text(data, "recall_period")
    inst.text_review = f.flag(data, "text_review", default=False)
    inst.version = f.version(data, "version")


def _introduction(data: dict, inst: Instrument, licensed: bool, f: Fields) -> None:
    inst.introduction = f.text(data, "introduction")
    inst.introduction_ref = f.text(data, "introduction_ref")
    if licensed and inst.introduction:
        f.error(("introduction",), "a licensed instrument may not carry its text: use "
                                   "introduction_ref, a key in the licensee's text file")
    if not licensed and inst.introduction_ref:
        f.error(("introduction_ref",), "introduction_ref is only for licensed instruments; "
                                       "write the introduction as text")
    if inst.introduction_ref and not REF_RE.match(inst.introduction_ref):
        f.error(("introduction_ref",), f"'{inst.introduction_ref}' is not a valid text key")


def _licence(value, f: Fields) -> Licence:
    if value is None:
        return Licence("free-with-citation", "")
    if not isinstance(value, dict):
        f.error(("licence",), "licence must have kind, citation and (for licensed) holder")
        return Licence("free-with-citation", "")
    keys = ("licence",)
    f.unknown(value, LICENCE_FIELDS, keys)
    # A missing or unknown kind counts as licensed: the safe assumption, as no text is allowed.
    kind = f.choice(value, "kind", LICENCE_KINDS, keys, required=True, default="licensed")
    citation = f.text(value, "citation", keys, required=True) or ""
    holder = f.text(value, "holder", keys)
    if kind == "licensed" and not holder:
        f.error(keys, "a licensed instrument needs 'holder': who grants the licence")
    return Licence(kind, citation, holder, f.text(value, "url", keys),
                   f.text(value, "terms", keys))


def _respondents(value, f: Fields) -> tuple[str, ...]:
    if value is None:
        return ()
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list) or not items:
        f.error(("respondent",), "respondent must be carer, cps, trainer or a list of them")
        return ()
    result = []
    for index, item in enumerate(items):
        keys = ("respondent", index) if isinstance(value, list) else ("respondent",)
        if item in RESPONDENTS:
            if item in result:
                f.error(keys, f"respondent '{item}' is listed twice")
            result.append(item)
        else:
            f.error(keys, f"unknown respondent {item!r}; use {', '.join(RESPONDENTS)}")
    return tuple(result)


def _named_scales(value, f: Fields, licensed: bool) -> dict[str, Scale | None]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        f.error(("scales",), "scales must be a set of 'name: scale' entries")
        return {}
    result: dict[str, Scale | None] = {}
    for name, spec in value.items():
        if not isinstance(name, str) or not ID_RE.match(name):
            f.error(("scales", name), f"scale name {name!r} must be {ID_RULE}")
            continue
        result[name] = _scale(spec, ("scales", name), f, licensed, name=name)
    return result


def _scale(spec, keys: tuple, f: Fields, licensed: bool, name: str | None = None) -> Scale | None:
    if not isinstance(spec, dict):
        f.error(keys, "a scale must be 'choices: [...]' or 'min:' and 'max:' (or type: date "
                        "or text)")
        return None
    f.unknown(spec, SCALE_FIELDS, keys)
    kind = spec.get("type")
    if kind is None:
        if "choices" in spec:
            kind = "choice"
        elif "min" in spec or "max" in spec:
            kind = "number"
        else:
            f.error(keys, "the scale has no choices and no min/max: give 'choices' or 'min' and "
                            f"'max', or a type ({', '.join(SCALE_TYPES)})")
            return None
    if kind not in SCALE_TYPES:
        f.choice(spec, "type", SCALE_TYPES, keys)  # reports the unknown type
        return None
    ok = True
    for field_name in spec:
        if field_name in SCALE_FIELDS and field_name not in SCALE_FIELDS_BY_TYPE[kind]:
            f.error(keys + (field_name,), f"'{field_name}' does not apply to a {kind} scale")
            ok = False
    line = f.line(*keys)
    if kind in ("choice", "multi-choice"):
        choices = _choices(spec.get("choices"), keys + ("choices",), f, licensed)
        if choices is None:
            return None
        return Scale(kind, choices=choices, name=name, line=line) if ok else None
    if kind == "number":
        return _number_scale(spec, keys, f, licensed, name, line) if ok else None
    if kind == "text":
        max_length = None
        if "max_length" in spec:
            max_length = f.whole(spec, "max_length", keys, required=True, minimum=1)
        return Scale("text", max_length=max_length or None, name=name, line=line) if ok else None
    return Scale("date", name=name, line=line) if ok else None


def _choices(value, keys: tuple, f: Fields, licensed: bool) -> tuple[Choice, ...] | None:
    if not isinstance(value, list) or not value:
        f.error(keys, "the scale is empty: 'choices' must list at least two {value, label} "
                        "entries")
        return None
    choices: list[Choice] = []
    seen: dict = {}
    broken = False
    for index, entry in enumerate(value):
        ckeys = keys + (index,)
        if not isinstance(entry, dict) or "value" not in entry:
            f.error(ckeys, "each choice needs a 'value' (and a 'label')")
            broken = True
            continue
        f.unknown(entry, CHOICE_FIELDS, ckeys)
        raw = entry["value"]
        if isinstance(raw, bool) or not isinstance(raw, int | float | str):
            f.error(ckeys + ("value",), f"a choice value must be a number or a word, "
                                          f"not {raw!r}")
            broken = True
            continue
        if isinstance(raw, float) and not math.isfinite(raw):
            f.error(ckeys + ("value",), f"a choice value must be a finite number, not {raw!r}")
            broken = True
            continue
        key = value_key(raw)
        if key in seen:
            f.error(ckeys + ("value",), f"duplicate value {fmt(raw)} in the scale (also "
                                          f"choice {seen[key] + 1})")
            broken = True
            continue
        seen[key] = index
        label = f.text(entry, "label", ckeys)
        label_ref = f.text(entry, "label_ref", ckeys)
        if licensed and label is not None:
            f.error(ckeys + ("label",), "a licensed instrument may not carry its text: give "
                                          "the choice a label_ref, not a label")
            label = None
        if not licensed and label is None and "label" not in entry:
            f.error(ckeys, f"choice {fmt(raw)} needs a 'label'")
        if not licensed and label_ref:
            f.error(ckeys + ("label_ref",), "label_ref is only for licensed instruments")
        if label_ref and not REF_RE.match(label_ref):
            f.error(ckeys + ("label_ref",), f"'{label_ref}' is not a valid text key")
        choices.append(Choice(raw, label, label_ref, f.line(*ckeys)))
    kinds = {is_number(c.value) for c in choices}
    if len(kinds) > 1:
        f.error(keys, "choice values must be all numbers or all words, not a mixture")
        broken = True
    if len(value) == 1 and not broken:
        f.error(keys, "a scale needs at least two choices")
        broken = True
    return None if broken else tuple(choices)


def _number_scale(spec, keys, f: Fields, licensed, name, line) -> Scale | None:
    bounds = {}
    for end in ("min", "max"):
        if end not in spec:
            f.error(keys, f"a number scale needs '{end}'")
            continue
        raw = spec[end]
        if isinstance(raw, bool) or not isinstance(raw, int | float) or not math.isfinite(raw):
            f.error(keys + (end,), f"'{end}' must be a number, not {raw!r}")
            continue
        bounds[end] = raw
    integer = f.flag(spec, "integer", keys, default=True)
    if len(bounds) != 2:
        return None
    low, high = bounds["min"], bounds["max"]
    broken = False
    if low >= high:
        f.error(keys + ("min",), f"broken scale: min ({fmt(low)}) must be less than max "
                                   f"({fmt(high)})")
        broken = True
    if integer and (low != int(low) or high != int(high)):
        f.error(keys, "a whole-number scale (integer: true) needs whole-number min and max")
        broken = True
    labels = {n: f.text(spec, n, keys) for n in ("min_label", "max_label", "min_label_ref",
                                                   "max_label_ref")}
    for n in ("min_label", "max_label"):
        if licensed and labels[n]:
            f.error(keys + (n,), f"a licensed instrument may not carry its text: use {n}_ref")
    for n in ("min_label_ref", "max_label_ref"):
        if not licensed and labels[n]:
            f.error(keys + (n,), f"{n} is only for licensed instruments")
    if broken:
        return None
    if integer:
        low, high = int(low), int(high)
    return Scale("number", min=low, max=high, integer=integer, unit=f.text(spec, "unit", keys),
                 min_label=labels["min_label"], max_label=labels["max_label"],
                 min_label_ref=labels["min_label_ref"], max_label_ref=labels["max_label_ref"],
                 name=name, line=line)


def _items(value, f: Fields, licensed: bool, named: dict, declared: set) -> list[Item]:
    if value is None:
        return []
    if not isinstance(value, list) or not value:
        f.error(("items",), "items must be a list of questions, each starting '- id:'")
        return []
    items: list[Item] = []
    seen: dict[str, int] = {}
    used_scales: set[str] = set()
    for index, entry in enumerate(value):
        keys = ("items", index)
        if not isinstance(entry, dict):
            f.error(keys, "each item needs id, text (or text_ref) and scale")
            continue
        f.unknown(entry, ITEM_FIELDS, keys)
        raw_id = entry.get("id")
        item_id = f.slug(entry, "id", keys, required=True, pattern=ID_RE, rule=ID_RULE) or (
            raw_id if isinstance(raw_id, str) and raw_id.strip() else None)
        if item_id in seen:
            f.error(keys + ("id",), f"duplicate item id '{item_id}' (also on line "
                                      f"{seen[item_id]})")
            item_id = None
        elif item_id:
            seen[item_id] = f.line(*keys, "id")
            declared.add(item_id)
        text = f.text(entry, "text", keys)
        text_ref = f.text(entry, "text_ref", keys)
        label = f"item '{item_id}'" if item_id else f"item {index + 1}"
        if licensed:
            if "text" in entry:
                f.error(keys + ("text",), f"{label}: a licensed instrument may not carry item "
                                            "text; give only text_ref, a key in the licensee's "
                                            "text file")
                text = None
            if not text_ref:
                f.error(keys, f"{label} needs a text_ref (a key in the licensee's text file)")
        else:
            if text_ref:
                f.error(keys + ("text_ref",), f"{label}: text_ref is only for licensed "
                                                "instruments; write the text")
            if not text:
                f.error(keys, f"{label} needs its 'text'")
        if text_ref and not REF_RE.match(text_ref):
            f.error(keys + ("text_ref",), f"'{text_ref}' is not a valid text key")
        help_text = f.text(entry, "help", keys)
        if licensed and help_text:
            f.error(keys + ("help",), "a licensed instrument may not carry item text ('help')")
        scale = _item_scale(entry, keys, f, licensed, named, used_scales, label)
        required = f.flag(entry, "required", keys, default=True)
        reverse = f.flag(entry, "reverse", keys)
        if reverse and scale is not None and not scale.is_numeric:
            f.error(keys + ("reverse",), f"{label}: only numbered scales can be reversed")
            reverse = False
        unit_cost = f.text(entry, "unit_cost", keys)
        if unit_cost and scale is not None and scale.type != "number":
            f.error(keys + ("unit_cost",), f"{label}: a unit cost needs a number scale "
                                             "(a count, hours or miles)")
        if item_id is None or scale is None:
            continue
        items.append(Item(item_id, scale, text=text, text_ref=text_ref, help=help_text,
                          required=required, reverse=reverse, unit_cost=unit_cost,
                          text_review=f.flag(entry, "text_review", keys),
                          line=f.line(*keys)))
    for name in named:
        if name not in used_scales:
            f.warning(("scales", name), f"scale '{name}' is not used by any item")
    return items


def _item_scale(entry, keys, f, licensed, named, used_scales, label) -> Scale | None:
    if "scale" not in entry:
        f.error(keys, f"{label} needs a 'scale' (choices, min/max, or a named scale)")
        return None
    spec = entry["scale"]
    if isinstance(spec, str):
        if spec not in named:
            known = ", ".join(named) or "none are defined"
            f.error(keys + ("scale",), f"{label} uses unknown scale '{spec}' (scales: {known})")
            return None
        used_scales.add(spec)
        return named[spec]
    return _scale(spec, keys + ("scale",), f, licensed)


def _check_refs_unique(inst: Instrument, f: Fields) -> None:
    seen: dict[str, str] = {}
    for item in inst.items:
        if item.text_ref:
            if item.text_ref in seen:
                f.error(("items",), f"item '{item.id}' uses text_ref '{item.text_ref}', "
                                      f"already used by item '{seen[item.text_ref]}'")
            seen[item.text_ref] = item.id
