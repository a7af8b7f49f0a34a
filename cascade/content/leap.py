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

from dataclasses import dataclass, field

from .fields import Fields
from .model import LEAP_REF_RE, LEAP_REF_TEXT, ChangelogEntry, Curriculum, Module
from .problems import ProblemList

DATA_NAME = "leap-recommendations"
STATUS_TEXT = {
    "open": "Being discussed",
    "agreed": "Agreed, changes under way",
    "done": "Done",
    "not-taken-forward": "Not taken forward (the reason is in the notes)",
}
FIELDS = {"id", "date", "recommendation", "status", "notes", "example"}
REQUIRED = ("id", "date", "recommendation", "status")


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
    data, path = entry["data"], entry["path"]
    f = Fields(path, entry["lines"], problems)
    items = data.get("recommendations") if isinstance(data, dict) else None
    if not isinstance(items, list):
        problems.error(path, 1,
                       "needs 'recommendations:', a list of id, date, recommendation, status")
        return result
    for index, item in enumerate(items):
        recommendation = _recommendation(item, ("recommendations", index), f)
        if recommendation is None:
            continue
        if recommendation.id in result:
            f.error(("recommendations", index), f"recommendation {recommendation.id} is listed twice")
            continue
        result[recommendation.id] = recommendation
    for module in curriculum.modules:
        for change in module.changelog:
            if change.leap in result:
                result[change.leap].changes.append((module, change))
    return result


def _recommendation(item, keys: tuple, f: Fields) -> Recommendation | None:
    if not isinstance(item, dict):
        f.error(keys, "each recommendation needs id, date, recommendation and status")
        return None
    f.unknown(item, FIELDS, keys)
    f.required(item, REQUIRED, keys)
    rid = f.slug(item, "id", keys, pattern=LEAP_REF_RE, rule=LEAP_REF_TEXT)
    if rid is None:
        return None
    return Recommendation(rid, f.date(item, "date", keys) or "", f.text(item, "recommendation", keys) or "",
                          f.choice(item, "status", STATUS_TEXT, keys, default="open"),
                          f.text(item, "notes", keys) or "", f.flag(item, "example", keys), f.line(*keys))
