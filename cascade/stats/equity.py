"""Equity of reach: who is referred, found eligible, consents, is matched and completes support,
by group, with small numbers suppressed.

The categories are fixed here so that reports from every site add up: ethnicity uses the 19
categories of the 2021 Census in England and Wales (Office for National Statistics), grouped in
its five high-level groups. Every item has "prefer not to say"; an unanswered item is "not
recorded". Counts under SUPPRESS_BELOW are shown as "fewer than 5" (and their percentages not at
all), as NHS and ONS practice is for small numbers that could identify someone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

SUPPRESS_BELOW = 5
PREFER_NOT = "prefer-not-to-say"
NOT_RECORDED = "not-recorded"

AGE_BANDS = {"18-24": "18 to 24", "25-34": "25 to 34", "35-44": "35 to 44", "45-54": "45 to 54",
             "55-64": "55 to 64", "65-74": "65 to 74", "75-plus": "75 or over"}
GENDERS = {"woman": "Woman", "man": "Man", "non-binary": "Non-binary", "another-way": "In another way"}
FIRST_LANGUAGES = {"english": "English", "another": "Another language"}
AREA_TYPES = {"urban": "A town or city", "rural": "The countryside or a village"}
ETHNIC_GROUPS = {
    "Asian, Asian British or Asian Welsh": {
        "asian-bangladeshi": "Bangladeshi", "asian-chinese": "Chinese", "asian-indian": "Indian",
        "asian-pakistani": "Pakistani", "asian-other": "Any other Asian background"},
    "Black, Black British, Black Welsh, Caribbean or African": {
        "black-african": "African", "black-caribbean": "Caribbean",
        "black-other": "Any other Black, Black British or Caribbean background"},
    "Mixed or Multiple ethnic groups": {
        "mixed-white-asian": "White and Asian", "mixed-white-black-african": "White and Black African",
        "mixed-white-black-caribbean": "White and Black Caribbean",
        "mixed-other": "Any other Mixed or Multiple ethnic background"},
    "White": {
        "white-british": "English, Welsh, Scottish, Northern Irish or British", "white-irish": "Irish",
        "white-gypsy-traveller": "Gypsy or Irish Traveller", "white-roma": "Roma",
        "white-other": "Any other White background"},
    "Other ethnic group": {"other-arab": "Arab", "other-any": "Any other ethnic group"},
}
ETHNICITIES = {key: label for group in ETHNIC_GROUPS.values() for key, label in group.items()}
ETHNIC_GROUP_OF = {key: group for group, items in ETHNIC_GROUPS.items() for key in items}
STAGES = ("referred", "eligible", "consented", "matched", "completed")
STAGE_LABELS = {"referred": "Referred", "eligible": "Found eligible", "consented": "Consented",
                "matched": "Matched", "completed": "Completed support"}


def items(relationships: Mapping[str, str]) -> dict[str, dict[str, str]]:
    """Each demographic item's answers (the relationships come from the programme configuration)."""
    return {"age_band": AGE_BANDS, "gender": GENDERS, "ethnicity": ETHNICITIES, "first_language": FIRST_LANGUAGES,
            "relationship": dict(relationships), "area_type": AREA_TYPES}


ITEM_LABELS = {"age_band": "Age", "gender": "Gender", "ethnicity": "Ethnic group", "first_language": "First language",
               "relationship": "Relationship to the person cared for", "area_type": "Where they live"}


def group_of(item: str, value: str) -> str:
    """The reporting group of an answer: ethnicity is reported in its five high-level groups."""
    if not value:
        return NOT_RECORDED
    if item == "ethnicity" and value in ETHNIC_GROUP_OF:
        return ETHNIC_GROUP_OF[value]
    return value


@dataclass(frozen=True)
class Cell:
    count: int
    percent: float | None  # of the group's referrals; None when suppressed or no referrals

    @property
    def suppressed(self) -> bool:
        return 0 < self.count < SUPPRESS_BELOW

    def shown(self) -> str:
        if self.suppressed:
            return "fewer than 5"
        return str(self.count) + ("" if self.percent is None else f" ({self.percent:.0f}%)")

    def to_dict(self) -> dict:
        return {"count": None if self.suppressed else self.count, "suppressed": self.suppressed,
                "percent": None if self.suppressed else self.percent}


def reach(people: Iterable[tuple[Mapping[str, str], set[str]]], item: str) -> dict[str, dict[str, Cell]]:
    """{group: {stage: Cell}} for one demographic item. `people` are (answers, stages reached)."""
    counts: dict[str, dict[str, int]] = {}
    for answers, stages in people:
        group = group_of(item, answers.get(item, ""))
        row = counts.setdefault(group, dict.fromkeys(STAGES, 0))
        for stage in stages:
            if stage in row:
                row[stage] += 1
    table = {}
    for group, row in sorted(counts.items()):
        referred = row["referred"]
        table[group] = {stage: Cell(n, None if referred < SUPPRESS_BELOW or (0 < n < SUPPRESS_BELOW)
                                    else 100 * n / referred) for stage, n in row.items()}
    return table


def report(people: list[tuple[Mapping[str, str], set[str]]], relationships: Mapping[str, str]) -> dict:
    """Every item's reach table, JSON-ready."""
    labels = items(relationships)
    out = {"suppress_below": SUPPRESS_BELOW, "stages": list(STAGES), "people": len(people), "items": {}}
    for item in labels:
        table = reach(people, item)
        out["items"][item] = {"label": ITEM_LABELS[item], "groups": [
            {"group": group, "label": _label(labels[item], group),
             "stages": {stage: cell.to_dict() for stage, cell in cells.items()}} for group, cells in table.items()]}
    return out


def _label(answers: Mapping[str, str], group: str) -> str:
    if group == PREFER_NOT:
        return "Prefer not to say"
    if group == NOT_RECORDED:
        return "Not recorded"
    return answers.get(group, group)


def to_markdown(data: dict) -> str:
    lines = ["# Equity of reach", "",
             f"{data['people']} people referred. Counts under {data['suppress_below']} are shown as "
             "'fewer than 5'; percentages are of the group's referrals.", ""]
    for item in data["items"].values():
        lines += [f"## {item['label']}", "", "| Group | " + " | ".join(STAGE_LABELS[s] for s in data["stages"]) + " |",
                  "|---|" + "---|" * len(data["stages"])]
        for group in item["groups"]:
            cells = []
            for stage in data["stages"]:
                cell = group["stages"][stage]
                cells.append("fewer than 5" if cell["suppressed"] else
                             f"{cell['count']}" + ("" if cell["percent"] is None else f" ({cell['percent']:.0f}%)"))
            lines.append(f"| {group['label']} | " + " | ".join(cells) + " |")
        lines.append("")
    return "\n".join(lines)
