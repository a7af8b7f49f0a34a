"""Export framework: each export declares its variables; rows are streamed to CSV.

De-identified tier (for researchers): identifiers become keyed hashes (the same person always
gets the same hash within one export key), every date of a record is shifted by the same
per-person number of days (so intervals are kept), and names and free text are dropped.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import hmac
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..audit import service as audit
from ..db import write_transaction

MISSING = ""  # missing values are empty cells; the codebook says so


@dataclass(frozen=True)
class Variable:
    name: str
    label: str
    type: str  # integer, text, date, category, hashed-id, boolean, number
    allowed: str = ""
    identifying: bool = False  # dropped from the de-identified tier
    free_text: bool = False  # dropped from the de-identified tier
    id_of: str | None = None  # hashed in the de-identified tier (value is an id of this kind)
    shift_by: str | None = None  # date shifted by the offset of this id kind's record
    missing: str = "empty cell = not recorded"


@dataclass
class Export:
    name: str
    description: str
    variables: list[Variable]
    rows: Callable[[], Iterable[dict]]
    scope_note: str = ""
    extra: dict = field(default_factory=dict)
    # Optional hooks: transform(record, deidentifier) -> record or None (drop the row) runs before
    # the per-variable rules in the de-identified tier; codebook_rows() adds value-level entries.
    transform: Callable | None = None
    codebook_rows: Callable[[], Iterable[list]] | None = None


class Deidentifier:
    """Keyed hashing of ids and a consistent per-record date shift (1 to 365 days back)."""

    def __init__(self, key: bytes):
        self.key = key

    def hash_id(self, kind: str, value) -> str:
        if value in (None, ""):
            return MISSING
        digest = hmac.new(self.key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()
        return digest[:16]

    def shift_days(self, kind: str, value) -> int:
        """1 to 365 days back in time: always back, so no shifted date lies after today and
        nothing tells which way (or how far) a record was moved."""
        digest = hmac.new(self.key, f"shift:{kind}:{value}".encode(), hashlib.sha256).digest()
        return -(int.from_bytes(digest[:4], "big") % 365 + 1)

    def shift(self, kind: str, record_id, value):
        if value in (None, ""):
            return MISSING
        if isinstance(value, str):
            value = dt.date.fromisoformat(value[:10])
        if isinstance(value, dt.datetime):
            value = value.date()
        return (value + dt.timedelta(days=self.shift_days(kind, record_id))).isoformat()


def export_key(explicit: str | None = None) -> bytes:
    """The de-identification key: CASCADE_EXPORT_KEY (keep it secret; the same key links exports)."""
    key = explicit or os.environ.get("CASCADE_EXPORT_KEY") or os.environ.get("CASCADE_SECRET_KEY")
    if not key:
        raise RuntimeError("Set CASCADE_EXPORT_KEY (or CASCADE_SECRET_KEY) to de-identify an export.")
    return key.encode()


_PLAIN = (int, float)  # written as they are (exact types: bool is handled below)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NUMBER_RE = re.compile(r"^[+-]?\d+(\.\d+)?$")
ESCAPE_NOTE = ("Text cells that would start with =, +, -, @, a tab or a carriage return begin with an "
               "apostrophe ('), so that a spreadsheet shows them as text and never runs them as a formula "
               "(OWASP CSV injection); plain numbers are not changed.")


def _text(value: str) -> str:
    """A text cell that a spreadsheet will not run as a formula (OWASP CSV injection rule)."""
    if value.startswith(FORMULA_START) and not NUMBER_RE.match(value):
        return "'" + value
    return value


def _cell(value):
    if type(value) is str:
        return _text(value)
    if type(value) in _PLAIN:
        return value
    if value is None:
        return MISSING
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    return _text(str(value))


def _converter(v: Variable, deid: Deidentifier | None):
    """The cell of variable v for one record: hashed id, shifted date or the value as it is."""
    name = v.name
    if deid is None or not (v.id_of or v.shift_by):
        return lambda record: _cell(record.get(name))
    kind, _, id_field = (v.shift_by or "").partition(":")

    def convert(record):
        value = record.get(name)
        if v.id_of and value not in (None, ""):
            value = deid.hash_id(v.id_of, value)
        elif v.shift_by:
            value = deid.shift(kind, record.get(id_field), value)
        return _cell(value)

    return convert


def write(export: Export, out: Path, *, deidentified: bool = False, actor=None, key: bytes | None = None) -> dict:
    """Write OUT (CSV) and OUT's codebook; audit the export. Returns counts."""
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    variables = [v for v in export.variables if not (deidentified and (v.identifying or v.free_text))]
    deid = Deidentifier(key or export_key()) if deidentified else None
    tmp = out.with_name(out.name + ".part")
    converters = [_converter(v, deid) for v in variables]  # decided once per variable, not per row
    rows = 0
    with open(tmp, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([v.name for v in variables])
        for record in export.rows():
            if deid is not None and export.transform is not None:
                record = export.transform(record, deid)
                if record is None:
                    continue
            writer.writerow([convert(record) for convert in converters])
            rows += 1
    codebook = out.with_name(out.stem + ".codebook.csv")
    codebook_tmp = codebook.with_name(codebook.name + ".part")
    with open(codebook_tmp, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["variable", "label", "type", "allowed_values", "missing_codes", "note"])
        for v in variables:
            kind = "hashed-id" if deid is not None and v.id_of else v.type
            note = ""
            if deid is not None and v.id_of:
                note = "keyed hash of the identifier; the same record has the same hash in every export with this key"
            if deid is not None and v.shift_by:
                note = "date shifted by a fixed number of days per record; intervals within a record are kept"
            writer.writerow([v.name, v.label, kind, v.allowed, v.missing, note])
        if export.codebook_rows is not None:
            for row in export.codebook_rows():
                writer.writerow(row)
        writer.writerow(["(every text variable)", "How text cells are written", "note", "", "", ESCAPE_NOTE])
    tmp.replace(out)
    codebook_tmp.replace(codebook)
    with write_transaction():
        audit.record(actor, "export." + export.name, "export", None,
                     f"Export {export.name} ({'de-identified' if deidentified else 'identifiable'})",
                     rows=rows, deidentified=deidentified, file=out.name)
    return {"rows": rows, "file": str(out), "codebook": str(codebook)}
