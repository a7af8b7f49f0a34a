"""The licensee's own file of item text and conversion tables for licensed instruments.

Licensed instruments carry only codes, scales and scoring rules in the repository; a licensee
names their file with CASCADE_LICENSED_TEXT (see assessments/README.md), kept outside it.
"""

from __future__ import annotations

import csv
import itertools
import math
import re
from pathlib import Path

from ..content.fields import Fields, read_yaml
from ..content.problems import ProblemList
from .instrument_model import LICENSED_TEXT_ENV, Instrument, LicensedContent, Score, is_integral

PLACEHOLDER_RE = re.compile(r"^\s*<[^<>]*>\s*$")
MAX_TABLE_KEYS = 100_000  # coverage of conversion tables is checked up to this many inputs
LICENSED_FILE_FIELDS = {"licensee", "instruments"}
LICENSED_ENTRY_FIELDS = {"licence_reference", "text", "conversion_tables"}


def install_licensed_text(instruments: dict[str, Instrument], root: Path, path: Path,
                          problems: ProblemList) -> None:
    """Read the licensee's file at `path` and attach each entry to its instrument (by id).
    `root` is the assessments/ folder: a file inside the repository is warned about."""
    if not path.is_file():
        problems.error(path, 0, f"{LICENSED_TEXT_ENV} names {path}, which is not a file")
        return
    try:
        path.resolve().relative_to(root.resolve().parent)
        problems.warning(path, 0, "the licensed text file is inside the repository: keep it "
                                  "outside, so it is never committed")
    except ValueError:
        pass
    read = read_yaml(path, problems)
    if read is None:
        return
    data, f = read
    if not isinstance(data, dict) or not isinstance(data.get("instruments"), dict):
        problems.error(path, 1, "the licensed text file needs 'instruments:', with one entry "
                                "per licensed instrument id")
        return
    f.unknown(data, LICENSED_FILE_FIELDS)
    for inst_id, entry in data["instruments"].items():
        keys = ("instruments", inst_id)
        inst = instruments.get(inst_id)
        if inst is None:
            f.warning(keys, f"'{inst_id}' is not an instrument in this repository")
        elif not inst.is_licensed:
            f.error(keys, f"{inst.name} is free to use: its text is in the repository, not "
                          "in the licensed text file")
        elif not isinstance(entry, dict):
            f.error(keys, "each instrument needs 'text:' (and 'conversion_tables:')")
        else:
            _install_entry(inst, entry, keys, path, f)


def _install_entry(inst: Instrument, entry: dict, keys: tuple, path: Path, f: Fields) -> None:
    f.unknown(entry, LICENSED_ENTRY_FIELDS, keys)
    text = _licensed_texts(entry.get("text"), keys + ("text",), f, inst)
    tables = _licensed_tables(entry.get("conversion_tables"), keys + ("conversion_tables",),
                              f, inst, path)
    inst.licensed = LicensedContent(path, text, tables, f.text(entry, "licence_reference", keys))
    state = inst.licensed_text_state
    if state.missing_refs:
        listed = ", ".join(state.missing_refs[:5])
        more = " ..." if len(state.missing_refs) > 5 else ""
        f.error(keys, f"{inst.name}: text missing for {listed}{more}")
    for table in state.missing_tables:
        f.warning(keys, f"{inst.name}: conversion table '{table}' is not installed, so "
                        "only raw scores are given")


def _licensed_texts(value, keys, f: Fields, inst: Instrument) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        f.error(keys, "'text' must be a set of 'key: text' lines")
        return {}
    wanted = set(inst.text_refs)
    result = {}
    for ref, text in value.items():
        tkeys = keys + (ref,)
        if ref not in wanted:
            f.warning(tkeys, f"text key '{ref}' is not used by {inst.name}")
        found = f.text_value(text, tkeys, f"the text for '{ref}'")
        if found is None:
            continue
        if PLACEHOLDER_RE.match(found):
            f.error(tkeys, f"the text for '{ref}' is still the example placeholder {text!r}")
            continue
        result[str(ref)] = found
    return result


def _licensed_tables(value, keys, f: Fields, inst: Instrument, path: Path) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        f.error(keys, "'conversion_tables' must be a set of 'name: table' entries")
        return {}
    tables = {}
    for name, spec in value.items():
        tkeys = keys + (name,)
        if name not in inst.table_names:
            f.warning(tkeys, f"conversion table '{name}' is not used by {inst.name}")
        if isinstance(spec, dict) and set(spec) == {"file"}:
            table = _table_from_csv(path.parent / str(spec["file"]), tkeys, f)
        elif isinstance(spec, dict):
            table = _table_from_mapping(spec, tkeys, f)
        else:
            f.error(tkeys, "a conversion table is 'input: value' lines, or 'file: NAME.csv'")
            continue
        if table is None:
            continue
        for score in inst.scores:
            if score.conversion and score.conversion.table == name:
                _check_coverage(table, score, inst, tkeys, f)
        tables[str(name)] = table
    return tables


def _table_from_mapping(spec: dict, keys, f: Fields) -> dict | None:
    table = {}
    ok = True
    for key, raw in spec.items():
        if isinstance(raw, bool) or not isinstance(raw, int | float):
            hint = " (the example placeholder)" if isinstance(raw, str) and PLACEHOLDER_RE.match(
                raw) else ""
            f.error(keys + (key,), f"conversion value for {key!r} must be a number, not "
                                     f"{raw!r}{hint}")
            ok = False
            continue
        table[_table_key(key)] = float(raw)
    return table if ok else None


def _table_from_csv(csv_path: Path, keys, f: Fields) -> dict | None:
    if not csv_path.is_file():
        f.error(keys, f"conversion table file {csv_path} does not exist")
        return None
    table = {}
    with csv_path.open(encoding="utf-8", newline="") as handle:
        for number, row in enumerate(csv.reader(handle), start=1):
            if not row or (number == 1 and not _is_float(row[-1])):
                continue  # header
            if len(row) != 2 or not _is_float(row[1]):
                f.problems.error(csv_path, number, "each row must be 'input,value' with a "
                                                     "number as the value")
                return None
            table[_table_key(row[0].strip())] = float(row[1])
    return table


def _table_key(key) -> str:
    if isinstance(key, float) and key.is_integer():
        key = int(key)
    return str(key).strip()


def _check_coverage(table: dict, score: Score, inst: Instrument, keys, f: Fields) -> None:
    inputs = possible_inputs(score, inst)
    if inputs is None:
        return
    missing = [k for k in inputs if k not in table]
    if missing:
        shown = ", ".join(missing[:5]) + (" ..." if len(missing) > 5 else "")
        f.error(keys, f"conversion table '{score.conversion.table}' has no value for "
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
        if all(is_integral(i.scale.low) and is_integral(i.scale.high) for i in items) and (
                items[0].scale.type == "choice" or all(i.scale.integer for i in items)):
            if high - low > MAX_TABLE_KEYS:
                return None
            return [str(v) for v in range(int(low), int(high) + 1)]
    return None


def _is_float(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
