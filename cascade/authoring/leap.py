"""Recommendations of the lived experience advisory panel (LEAP), and the module changes that
answer them (changelog entries with `leap: LEAP-2026-01`).

The recommendations live in curriculum/data/leap-recommendations.yml:

    recommendations:
      - id: LEAP-2026-01
        date: 2026-10-14
        recommendation: One or two plain sentences.
        status: agreed        # open, agreed, done or not-taken-forward
        example: true         # optional: marks an example, not a real recommendation
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..content.curriculum import LEAP_REF_RE, ChangelogEntry, Curriculum, Module
from ..content.problems import ProblemList

DATA_NAME = "leap-recommendations"
STATUS_TEXT = {
    "open": "Being discussed",
    "agreed": "Agreed, changes under way",
    "done": "Done",
    "not-taken-forward": "Not taken forward (the reason is in the notes)",
}
FIELDS = {"id", "date", "recommendation", "status", "notes", "example"}


@dataclass
class Recommendation:
    id: str
    date: str
    recommendation: str
    status: str
    notes: str = ""
    example: bool = False
    line: int = 0
    changes: list[tuple[Module, ChangelogEntry]] = field(default_factory=list)

    @property
    def status_text(self) -> str:
        return STATUS_TEXT.get(self.status, self.status)


def load_recommendations(curriculum: Curriculum,
                         problems: ProblemList | None = None) -> dict[str, Recommendation]:
    """The recommendations by id, each with the changelog entries that cite it."""
    problems = problems if problems is not None else ProblemList(curriculum.root.parent)
    entry = curriculum.data.get(DATA_NAME)
    result: dict[str, Recommendation] = {}
    if entry is None:
        return result
    data, lines, path = entry["data"], entry["lines"], entry["path"]
    items = data.get("recommendations") if isinstance(data, dict) else None
    if not isinstance(items, list):
        problems.error(path, 1,
                       "needs 'recommendations:', a list of id, date, recommendation, status")
        return result
    for index, item in enumerate(items):
        line = lines.get(("recommendations", index), 1)
        if not isinstance(item, dict):
            problems.error(path, line,
                           "each recommendation needs id, date, recommendation and status")
            continue
        for key in item:
            if key not in FIELDS:
                problems.error(path, lines.get(("recommendations", index, key), line),
                               f"unknown field '{key}' (use {', '.join(sorted(FIELDS))})")
        rid = item.get("id")
        if not isinstance(rid, str) or not LEAP_REF_RE.match(rid):
            problems.error(path, line, f"recommendation id {rid!r} must look like LEAP-2026-01")
            continue
        if rid in result:
            problems.error(path, line, f"recommendation {rid} is listed twice")
            continue
        date = item.get("date")
        if isinstance(date, dt.date):
            date = date.isoformat()
        if not isinstance(date, str):
            problems.error(path, line, f"{rid} needs a date (YYYY-MM-DD)")
            date = ""
        text = item.get("recommendation")
        if not isinstance(text, str) or not text.strip():
            problems.error(path, line, f"{rid} needs the recommendation in plain English")
            text = ""
        status = item.get("status")
        if status not in STATUS_TEXT:
            problems.error(path, lines.get(("recommendations", index, "status"), line),
                           f"{rid}: unknown status {status!r}; use {', '.join(STATUS_TEXT)}")
            status = "open"
        notes = item.get("notes") or ""
        result[rid] = Recommendation(rid, date, text.strip(), status, str(notes).strip(),
                                     item.get("example") is True, line)
    for module in curriculum.modules:
        for change in module.changelog:
            if change.leap in result:
                result[change.leap].changes.append((module, change))
    return result
