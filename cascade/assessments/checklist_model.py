"""Fidelity checklists as typed objects: versioned items scored 0, 1, 2 or not applicable.

checklists.py reads them from assessments/checklists/*.yml and makes one per curriculum module.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..content.problems import ProblemList
from ..content.semver import Version

SCORES = (0, 1, 2)
SCORE_NAMES = {0: "not done", 1: "partly", 2: "fully"}
MODULE_PREFIX = "module:"

APPLIES_TO = {
    "module-delivery": "one delivery of a module in a training session",
    "support-contact": "one support contact between a peer supporter and a carer",
}
RATER_ROLES = {
    "observer": "someone watching a training session (a generation 0 trainer or programme lead)",
    "trainer-self": "the trainer scoring their own session",
    "cps-self": "the carer peer supporter scoring their own support contact",
    "supervisor": "the peer supporter's supervisor",
    "carer": "the carer who received the support",
}
# The four domains of the principle-based fidelity index for one-to-one peer support
# (Gillard et al. 2021). Support-contact checklists group their items by these.
PRINCIPLE_DOMAINS = {
    "trusting-relationships": "Building trusting relationships based on shared lived experience",
    "reciprocity-and-mutuality": "Reciprocity and mutuality",
    "leadership-choice-and-control": "Leadership, choice and control",
    "strengths-and-community": "Building strengths and making connections to community",
}


@dataclass(frozen=True)
class ChecklistItem:
    """One item; `anchors[score]` says what a score of 0, 1 or 2 looks like."""

    id: str
    text: str
    anchors: tuple[str, str, str]
    essential: bool = False
    domain: str | None = None
    not_applicable: str | None = None  # when N/A may be chosen; None: N/A is not allowed
    guidance: str | None = None
    line: int = 0

    @property
    def allows_not_applicable(self) -> bool:
        return self.not_applicable is not None

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "text": self.text,
            "anchors": {str(score): text for score, text in zip(SCORES, self.anchors, strict=True)},
            "essential": self.essential,
            "domain": self.domain,
            "not_applicable": self.not_applicable,
            "guidance": self.guidance,
        }


@dataclass(frozen=True)
class Domain:
    id: str
    title: str
    description: str | None = None
    line: int = 0


@dataclass(frozen=True)
class ChangeEntry:
    version: str
    date: str
    summary: str
    line: int = 0


@dataclass(frozen=True)
class Checklist:
    """A versioned fidelity checklist. Figures only ever pool scores with the same `key`."""

    id: str
    title: str
    version: Version
    applies_to: str
    items: tuple[ChecklistItem, ...]
    rater_roles: tuple[str, ...] = ()
    domains: tuple[Domain, ...] = ()
    description: str = ""
    licence: str = ""
    references: tuple[str, ...] = ()
    changelog: tuple[ChangeEntry, ...] = ()
    module_id: str | None = None  # set for checklists made from a module's core components
    path: str | None = None  # file the checklist came from (relative to the content root)

    @property
    def key(self) -> tuple[str, str]:
        """(checklist id, version as text): what fidelity records carry and figures group by."""
        return (self.id, str(self.version))

    @property
    def item_ids(self) -> tuple[str, ...]:
        return tuple(item.id for item in self.items)

    @property
    def essential_items(self) -> tuple[ChecklistItem, ...]:
        return tuple(item for item in self.items if item.essential)

    def item(self, item_id: str) -> ChecklistItem:
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(f"checklist {self.id} {self.version} has no item '{item_id}'")

    def items_in(self, domain_id: str) -> tuple[ChecklistItem, ...]:
        return tuple(item for item in self.items if item.domain == domain_id)

    def check_scores(self, scores: Mapping[str, object]) -> list[str]:
        """Problems with one rater's scores for this checklist (empty when they are fine).

        Every item needs an entry: 0, 1, 2, or None for not applicable, and None only for
        items that say when not applicable may be chosen.
        """
        messages = []
        known = set(self.item_ids)
        for item_id in scores:
            if item_id not in known:
                messages.append(f"'{item_id}' is not an item of checklist {self.id} {self.version}")
        for item in self.items:
            if item.id not in scores:
                messages.append(f"item '{item.id}' has no score (give 0, 1, 2 or not applicable)")
                continue
            value = scores[item.id]
            if value is None:
                if not item.allows_not_applicable:
                    messages.append(
                        f"item '{item.id}' must be scored 0, 1 or 2; it cannot be not applicable"
                    )
            elif isinstance(value, bool) or value not in SCORES:
                messages.append(
                    f"item '{item.id}' has score {value!r}; use 0, 1, 2 or not applicable"
                )
        return messages

    def to_dict(self) -> dict:
        return {
            "id": self.id,
            "title": self.title,
            "version": str(self.version),
            "applies_to": self.applies_to,
            "rater_roles": list(self.rater_roles),
            "domains": [{"id": d.id, "title": d.title} for d in self.domains],
            "items": [item.to_dict() for item in self.items],
            "module_id": self.module_id,
        }


@dataclass
class Checklists:
    """Every checklist file under assessments/checklists/, with the problems found loading them."""

    root: Path  # the assessments/checklists folder
    checklists: list[Checklist]
    problems: ProblemList
    by_key: dict[tuple[str, str], Checklist] = field(default_factory=dict)

    def __post_init__(self):
        for checklist in self.checklists:
            self.by_key.setdefault(checklist.key, checklist)

    def get(self, checklist_id: str, version: str | None = None) -> Checklist:
        """The checklist with this id (and version, if given; else the one on file)."""
        for checklist in self.checklists:
            if checklist.id == checklist_id and (
                version is None or str(checklist.version) == str(version)
            ):
                return checklist
        wanted = checklist_id if version is None else f"{checklist_id} {version}"
        raise KeyError(f"no checklist {wanted} under {self.root}")

    def applying_to(self, applies_to: str) -> list[Checklist]:
        return [c for c in self.checklists if c.applies_to == applies_to]
