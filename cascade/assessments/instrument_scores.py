"""Reading an instrument's scoring rules (scores, missing-item rules, ranges, conversions,
alerts) and its time points, each checked against the instrument's items."""

from __future__ import annotations

from ..content.fields import Fields
from .instrument_model import (
    ANCHORS,
    ID_RE,
    ID_RULE,
    REF_RE,
    SCORE_METHODS,
    Alert,
    Conversion,
    Instrument,
    Item,
    MissingRule,
    Score,
    TimePoint,
    fmt,
    value_allowed,
)

SCORING_FIELDS = {"scores", "alerts"}
SCORE_FIELDS = {"id", "label", "method", "items", "missing", "range", "convert"}
MISSING_FIELDS = {"max_missing", "note"}
CONVERT_FIELDS = {"id", "label", "table"}
ALERT_FIELDS = {"id", "item", "values", "message"}
TIME_POINT_FIELDS = {"id", "label", "anchor", "offset_days", "window_before_days",
                     "window_after_days"}


def read_scoring(value, f: Fields, inst: Instrument,
                 declared: set) -> tuple[list[Score], list[Alert]]:
    """The scores and alerts under `scoring:`. `declared`: every item id written in the file,
    including broken items (reported where they are written, not again here)."""
    if value is None:
        return [], []
    if not isinstance(value, dict):
        f.error(("scoring",), "scoring must have 'scores' (and optional 'alerts')")
        return [], []
    f.unknown(value, SCORING_FIELDS, ("scoring",))
    return (_scores(value.get("scores"), f, inst, declared),
            _alerts(value.get("alerts"), f, inst, declared))


def _scores(value, f: Fields, inst: Instrument, declared: set) -> list[Score]:
    if value is None:
        return []
    if not isinstance(value, list):
        f.error(("scoring", "scores"), "scores must be a list, each starting '- id:'")
        return []
    items = inst.items_by_id
    scores: list[Score] = []
    seen: set[str] = set()
    for index, entry in enumerate(value):
        keys = ("scoring", "scores", index)
        if not isinstance(entry, dict):
            f.error(keys, "each score needs id, label, method and items")
            continue
        f.unknown(entry, SCORE_FIELDS, keys)
        raw_id = entry.get("id")
        score_id = f.slug(entry, "id", keys, required=True, pattern=ID_RE, rule=ID_RULE) or (
            raw_id if isinstance(raw_id, str) and raw_id.strip() else None)
        if score_id in seen:
            f.error(keys + ("id",), f"duplicate score id '{score_id}'")
        label = f.text(entry, "label", keys, required=True) or score_id or ""
        method = f.choice(entry, "method", SCORE_METHODS, keys, required=True)
        names, ok = _score_items(entry, keys, f, score_id, method, items, declared)
        ok = ok and score_id is not None and method is not None
        missing = _missing_rule(entry.get("missing"), keys, f, len(names), method)
        score_range = _score_range(entry, keys, f, method,
                                   [items[n] for n in names] if ok else None)
        conversion = _conversion(entry.get("convert"), keys, f, inst, seen)
        if score_id:
            seen.add(score_id)
        if conversion:
            seen.add(conversion.id)
        if ok:
            scores.append(Score(score_id, label, method, tuple(names), missing, score_range,
                                conversion, f.line(*keys)))
    return scores


def _score_items(entry, keys, f: Fields, score_id, method, items: dict, declared: set) -> tuple[list, bool]:
    """The item ids a score uses, and whether the score can be computed from them."""
    names = entry.get("items")
    if not isinstance(names, list) or not names or not all(isinstance(n, str) for n in names):
        f.error(keys + ("items",) if "items" in entry else keys,
                "a score needs 'items': a list of item ids")
        return [], False
    ok = True
    for n_index, name in enumerate(names):
        if names.index(name) != n_index:
            f.error(keys + ("items", n_index), f"score '{score_id}' lists item '{name}' twice")
            ok = False
        elif name not in items:
            if name not in declared:  # a broken item is reported where it is written
                f.error(keys + ("items", n_index), f"scoring rule '{score_id}' names "
                                                   f"unknown item '{name}'")
            ok = False
        elif not items[name].scale.is_numeric:
            f.error(keys + ("items", n_index), f"score '{score_id}' uses item '{name}', "
                                               "whose answers are not numbers")
            ok = False
    if method == "value" and len(names) != 1:
        f.error(keys + ("items",), "a 'value' score takes exactly one item")
        ok = False
    if method == "profile" and ok:
        for name in names:
            scale = items[name].scale
            if scale.type != "choice" or any(
                    not (isinstance(v, int) and 0 <= v <= 9) for v in scale.values):
                f.error(keys + ("items",), f"a 'profile' score needs choice items with "
                                           f"single-digit values; '{name}' has not")
                ok = False
    return names, ok


def _missing_rule(value, keys, f: Fields, n_items: int, method) -> MissingRule:
    if value is None:
        return MissingRule()
    mkeys = keys + ("missing",)
    if not isinstance(value, dict):
        f.error(mkeys, "missing must be 'max_missing: N' (and an optional note)")
        return MissingRule()
    f.unknown(value, MISSING_FIELDS, mkeys)
    max_missing = f.whole(value, "max_missing", mkeys, required=True, minimum=0, default=0)
    if n_items and max_missing >= n_items:
        f.error(mkeys + ("max_missing",), f"max_missing ({max_missing}) must be less than the "
                                            f"number of items ({n_items})")
        max_missing = 0
    if max_missing and method in ("value", "profile"):
        f.error(mkeys + ("max_missing",), f"a '{method}' score cannot be prorated")
        max_missing = 0
    return MissingRule(max_missing, f.text(value, "note", mkeys))


def _theoretical_range(method, items: list[Item]) -> tuple | None:
    if method == "sum":
        return (sum(i.scale.low for i in items), sum(i.scale.high for i in items))
    if method in ("mean", "value"):
        return (min(i.scale.low for i in items), max(i.scale.high for i in items))
    return None


def _score_range(entry, keys, f: Fields, method, items) -> tuple | None:
    computed = _theoretical_range(method, items) if items else None
    if "range" not in entry:
        return computed
    raw = entry["range"]
    rkeys = keys + ("range",)
    if (not isinstance(raw, list) or len(raw) != 2
            or any(isinstance(v, bool) or not isinstance(v, int | float) for v in raw)):
        f.error(rkeys, "range must be [lowest, highest], two numbers")
        return computed
    if raw[0] > raw[1]:
        f.error(rkeys, f"range [{fmt(raw[0])}, {fmt(raw[1])}]: the lowest is above the "
                         "highest")
        return computed
    if method == "profile":
        f.error(rkeys, "a 'profile' score (a code such as 11223) has no numeric range")
        return None
    if computed is not None and (raw[0] != computed[0] or raw[1] != computed[1]):
        f.error(rkeys, f"range [{fmt(raw[0])}, {fmt(raw[1])}] does not match the items: "
                         f"their scales give {fmt(computed[0])} to {fmt(computed[1])}")
    return (raw[0], raw[1])


def _conversion(value, keys, f: Fields, inst: Instrument, seen: set) -> Conversion | None:
    if value is None:
        return None
    ckeys = keys + ("convert",)
    if not isinstance(value, dict):
        f.error(ckeys, "convert must have id, label and table")
        return None
    f.unknown(value, CONVERT_FIELDS, ckeys)
    conv_id = f.text(value, "id", ckeys, required=True)
    label = f.text(value, "label", ckeys, required=True)
    table = f.text(value, "table", ckeys, required=True)
    if not inst.is_licensed:
        f.error(ckeys, "conversion tables come from a licensee's file: only licensed "
                         "instruments may use 'convert'")
        return None
    if conv_id and conv_id in seen:
        f.error(ckeys + ("id",), f"duplicate score id '{conv_id}'")
        return None
    if table and not REF_RE.match(table):
        f.error(ckeys + ("table",), f"'{table}' is not a valid table name")
        return None
    if not (conv_id and label and table):
        return None
    return Conversion(conv_id, label, table, f.line(*ckeys))


def _alerts(value, f: Fields, inst: Instrument, declared: set) -> list[Alert]:
    if value is None:
        return []
    if not isinstance(value, list):
        f.error(("scoring", "alerts"), "alerts must be a list, each starting '- id:'")
        return []
    items = inst.items_by_id
    alerts = []
    for index, entry in enumerate(value):
        keys = ("scoring", "alerts", index)
        if not isinstance(entry, dict):
            f.error(keys, "each alert needs id, item, values and message")
            continue
        f.unknown(entry, ALERT_FIELDS, keys)
        alert_id = f.text(entry, "id", keys, required=True)
        item_id = f.text(entry, "item", keys, required=True)
        message = f.text(entry, "message", keys, required=True)
        values = entry.get("values")
        if not isinstance(values, list) or not values:
            f.error(keys + ("values",) if "values" in entry else keys,
                      "an alert needs 'values': the answers that raise it")
            continue
        if item_id not in items:
            if item_id and item_id not in declared:
                f.error(keys + ("item",), f"alert '{alert_id}' names unknown item '{item_id}'")
            continue
        scale = items[item_id].scale
        bad = [v for v in values if not value_allowed(scale, v)]
        if bad:
            f.error(keys + ("values",), f"alert '{alert_id}': {', '.join(map(fmt, bad))} "
                                          f"not allowed for item '{item_id}' "
                                          f"({scale.describe()})")
            continue
        if alert_id and message:
            alerts.append(Alert(alert_id, item_id, tuple(values), message, f.line(*keys)))
    return alerts


def read_time_points(value, f: Fields, respondents: tuple[str, ...]) -> list[TimePoint]:
    """The scheduled time points, each anchored on a date of one of the respondents."""
    if value is None:
        return []
    if not isinstance(value, list) or not value:
        f.error(("time_points",), "time_points must be a list, each starting '- id:'")
        return []
    points = []
    seen: set[str] = set()
    for index, entry in enumerate(value):
        keys = ("time_points", index)
        if not isinstance(entry, dict):
            f.error(keys, "each time point needs id, label, anchor, offset_days and a window")
            continue
        f.unknown(entry, TIME_POINT_FIELDS, keys)
        raw_id = entry.get("id")
        point_id = f.slug(entry, "id", keys, required=True, pattern=ID_RE, rule=ID_RULE) or (
            raw_id if isinstance(raw_id, str) and raw_id.strip() else None)
        if point_id in seen:
            f.error(keys + ("id",), f"duplicate time point '{point_id}'")
            point_id = None
        label = f.text(entry, "label", keys, required=True)
        anchor = f.choice(entry, "anchor", ANCHORS, keys, required=True)
        if anchor is not None and respondents and ANCHORS[anchor] not in respondents:
            f.error(keys + ("anchor",), f"anchor '{anchor}' is a {ANCHORS[anchor]} date, but "
                                          f"the respondent is {', '.join(respondents)}")
        offset = f.whole(entry, "offset_days", keys, required=True, default=0)
        before = f.whole(entry, "window_before_days", keys, required=True, minimum=0, default=0)
        after = f.whole(entry, "window_after_days", keys, required=True, minimum=0, default=0)
        if point_id:
            seen.add(point_id)
        if point_id and label and anchor:
            points.append(TimePoint(point_id, label, anchor, offset, before, after,
                                    f.line(*keys)))
    return points
