"""One reader for the fields of every YAML file and front matter under the content root.

Each reader (modules and pages, German sources, LEAP recommendations, checklists, instruments,
the licensee's text file, unit costs) reads its fields through `Fields`, so the same mistake
gets the same message, with its file and line, whatever the file:

    missing field 'x'                                  (with what the field is for, if known)
    unknown field 'x' (allowed: a, b, c)
    'x' must be text, not 5 (put it in quotes if YAML read it as a number or yes/no)
    'x' must not be empty
    'x' must be true or false, not 'yes'
    'x' must be a whole number, not 'ten'
    'x' must be 0 or more, not -1
    'x' must be a list of text, one per line starting '- '
    'x' must be YYYY-MM-DD, not '20/11/2026'
    'x' must be lower-case words joined by hyphens, not 'Peer Support'
    'x' must start with https://, not 'http://example.org'
    'x' must be a version like 1.2.0 (MAJOR.MINOR.PATCH), not 1.0

A field is named by its key path, e.g. ("items", 2, "id"): `data` is the mapping that holds the
field and `keys` the path of that mapping in the file (() for the top level). A problem about a
field is reported on the field's own line; a missing field on the line of the mapping that
lacks it (line 1 at the top level).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from pathlib import Path

from . import frontmatter
from .problems import ProblemList
from .semver import Version

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_TEXT = "lower-case words joined by hyphens"
QUOTE_HINT = "put it in quotes if YAML read it as a number or yes/no"


def shown(value) -> str:
    """A value as an author wrote it in YAML, for messages."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    return repr(value)


def read_text(path: Path, problems: ProblemList) -> str | None:
    """A file's text; None, with the problem recorded, when it is not UTF-8."""
    try:
        return Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        problems.error(path, 1, f"the file is not UTF-8 text ({exc.reason})")
        return None


def read_yaml(path: Path, problems: ProblemList) -> tuple[object, Fields] | None:
    """A YAML file's data and the `Fields` to read it with; None, with the problem recorded
    (on the line YAML stopped at), when the file is not UTF-8 text or not YAML."""
    text = read_text(path, problems)
    if text is None:
        return None
    try:
        data, lines = frontmatter.parse_yaml_with_lines(text)
    except frontmatter.FrontMatterError as exc:
        problems.error(path, exc.line, str(exc))
        return None
    return data, Fields(path, lines, problems)


def is_whole(value) -> bool:
    """An int that is not a bool (YAML reads yes/no as booleans, which are ints in Python)."""
    return isinstance(value, int) and not isinstance(value, bool)


class Fields:
    """The fields of one file. `lines` maps key paths to 1-based file lines (from
    frontmatter.parse_yaml_with_lines or a Document's lines); problems go to `problems`."""

    def __init__(self, path: Path, lines: Mapping, problems: ProblemList):
        self.path, self.lines, self.problems = Path(path), lines, problems

    # --- where, and reporting -------------------------------------------------------------

    def line(self, *keys) -> int:
        """The line of a field such as ("fidelity", 2, "id"), falling back to its parents; 1."""
        while keys:
            if keys in self.lines:
                return self.lines[keys]
            keys = keys[:-1]
        return 1

    def error(self, keys: tuple, message: str) -> None:
        self.problems.error(self.path, self.line(*keys), message)

    def warning(self, keys: tuple, message: str) -> None:
        self.problems.warning(self.path, self.line(*keys), message)

    # --- which fields ---------------------------------------------------------------------

    def unknown(self, data: Mapping, allowed: Iterable[str], keys: tuple = ()) -> None:
        """An error for every field of `data` not in `allowed` (listed in the given order;
        a set is listed sorted)."""
        names = sorted(allowed) if isinstance(allowed, set | frozenset) else list(allowed)
        for name in data:
            if name not in names:
                self.error(keys + (name,), f"unknown field '{name}' (allowed: {', '.join(map(str, names))})")

    def required(self, data: Mapping, fields: Mapping[str, str] | Iterable[str], keys: tuple = ()) -> None:
        """An error for every required field missing from `data`. `fields` is a list of names
        or {name: what the field is for}, which the message adds."""
        meanings = fields if isinstance(fields, Mapping) else dict.fromkeys(fields, "")
        for name, meaning in meanings.items():
            if data.get(name) is None:
                self.missing(name, keys, meaning)

    def missing(self, name: str, keys: tuple = (), meaning: str = "") -> None:
        self.error(keys, f"missing field '{name}'" + (f" ({meaning})" if meaning else ""))

    def _absent(self, data: Mapping, name: str, keys: tuple, required: bool) -> bool:
        if data.get(name) is not None:
            return False
        if required:
            self.missing(name, keys)
        return True

    # --- typed values ---------------------------------------------------------------------

    def text(self, data: Mapping, name: str, keys: tuple = (), *, required: bool = False,
             one_line: bool = False, what: str | None = None) -> str | None:
        """The field as stripped text (`one_line`: its lines joined by single spaces); None
        when it is missing or not text. `what` names it in messages (default 'name')."""
        if self._absent(data, name, keys, required):
            return None
        return self.text_value(data[name], keys + (name,), what or f"'{name}'", one_line=one_line)

    def text_value(self, value, keys: tuple, what: str, *, one_line: bool = False) -> str | None:
        """`value` (found at `keys`) as text, as `text` reads a field."""
        if not isinstance(value, str):
            self.error(keys, f"{what} must be text, not {shown(value)} ({QUOTE_HINT})")
            return None
        if not value.strip():
            self.error(keys, f"{what} must not be empty")
            return None
        return " ".join(value.split()) if one_line else value.strip()

    def flag(self, data: Mapping, name: str, keys: tuple = (), *, default: bool = False) -> bool:
        """true or false; `default` when the field is missing or wrong."""
        if data.get(name) is None:
            return default
        value = data[name]
        if not isinstance(value, bool):
            self.error(keys + (name,), f"'{name}' must be true or false, not {shown(value)}")
            return default
        return value

    def whole(self, data: Mapping, name: str, keys: tuple = (), *, required: bool = False,
              minimum: int | None = None, default: int | None = None) -> int | None:
        """A whole number (at least `minimum`); `default` when it is missing or wrong."""
        if self._absent(data, name, keys, required):
            return default
        value = data[name]
        if not is_whole(value):
            self.error(keys + (name,), f"'{name}' must be a whole number, not {shown(value)}")
            return default
        if minimum is not None and value < minimum:
            self.error(keys + (name,), f"'{name}' must be {minimum} or more, not {value}")
            return default
        return value

    def text_list(self, data: Mapping, name: str, keys: tuple = (), *, required: bool = False,
                  allow_empty: bool = True, one_line: bool = False) -> list[str]:
        """A list of text (at least one item when `required` or not `allow_empty`); the items
        that are text."""
        if self._absent(data, name, keys, required):
            return []
        value = data[name]
        if not isinstance(value, list) or (not value and (required or not allow_empty)):
            self.error(keys + (name,), f"'{name}' must be a list of text, one per line starting '- '")
            return []
        result = []
        for index, item in enumerate(value):
            text = self.text_value(item, keys + (name, index), f"item {index + 1} of '{name}'", one_line=one_line)
            if text is not None:
                result.append(text)
        return result

    def date(self, data: Mapping, name: str, keys: tuple = (), *, required: bool = False) -> str | None:
        """A date (YAML's own, or text) as YYYY-MM-DD text; None when missing or wrong."""
        if self._absent(data, name, keys, required):
            return None
        value = data[name]
        if isinstance(value, dt.datetime):
            return value.date().isoformat()
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip()).isoformat()
            except ValueError:
                pass
        self.error(keys + (name,), f"'{name}' must be YYYY-MM-DD, not {shown(value)}")
        return None

    def slug(self, data: Mapping, name: str, keys: tuple = (), *, required: bool = False,
             pattern: re.Pattern = SLUG_RE, rule: str = SLUG_TEXT) -> str | None:
        """Text matching `pattern` (by default lower-case words joined by hyphens)."""
        if self._absent(data, name, keys, required):
            return None
        value = data[name]
        if not isinstance(value, str) or not pattern.match(value):
            self.error(keys + (name,), f"'{name}' must be {rule}, not {shown(value)}")
            return None
        return value

    def url(self, data: Mapping, name: str, keys: tuple = (), *, required: bool = False) -> str | None:
        """An https:// address."""
        if self._absent(data, name, keys, required):
            return None
        value = data[name]
        if not isinstance(value, str) or not value.strip().startswith("https://"):
            self.error(keys + (name,), f"'{name}' must start with https://, not {shown(value)}")
            return None
        return value.strip()

    def version(self, data: Mapping, name: str, keys: tuple = (), *, required: bool = False) -> Version | None:
        """A semantic version MAJOR.MINOR.PATCH written as text."""
        if self._absent(data, name, keys, required):
            return None
        value = data[name]
        try:
            if not isinstance(value, str):
                raise ValueError(value)
            return Version.parse(value)
        except ValueError:
            self.error(keys + (name,), f"'{name}' must be a version like 1.2.0 (MAJOR.MINOR.PATCH), "
                                       f"not {shown(value)}")
            return None

    def choice(self, data: Mapping, name: str, choices: Iterable, keys: tuple = (), *,
               required: bool = False, default=None):
        """One of `choices`; `default` when missing or wrong."""
        if self._absent(data, name, keys, required):
            return default
        value = data[name]
        options = list(choices)
        if isinstance(value, bool) or value not in options:
            self.error(keys + (name,), f"'{name}' must be one of {', '.join(map(str, options))}, "
                                       f"not {shown(value)}")
            return default
        return value
