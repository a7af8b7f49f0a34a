"""Research instruments (questionnaires and forms): the registry of every definition under
assessments/instruments/, loaded with `load_instruments`.

One YAML file per instrument. Loading never stops at the first problem: each is recorded as
`path:line: message` in a ProblemList and the objects are built from whatever could be read.
Licensed instruments carry only codes, scales and scoring rules; their item text and conversion
tables come from the licensee's own file, named by the environment variable
CASCADE_LICENSED_TEXT (see assessments/README.md).

Pure Python: no Flask, no database. Scoring lives in scoring.py.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from .. import config
from ..content.problems import ProblemList
from .instrument_files import load_file
from .instrument_model import LICENSED_TEXT_ENV, Instrument, TimePoint
from .licensed import install_licensed_text


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
        instrument = load_file(path, problems)
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
        install_licensed_text(registry.instruments, root, Path(licensed_text), problems)
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
