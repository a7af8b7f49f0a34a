"""A module's learning objectives and core components compared between two versions: the
changes that need a MAJOR version and may send trained people to a refresher.

Both sides only need `objectives` (a list of sentences) and `fidelity` (core components with
id, description and essential), so a loaded module (content.model.Module) and a module as a
release recorded it (releases.ReleasedModule) compare alike. The version rules
(versioning.py), the review summary (review.py) and the refresher lists (releases.py) share it.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import worddiff


def normalised(text: str) -> str:
    """A sentence as the version rules compare it: words only, lower case, no punctuation."""
    return " ".join(w for w in (worddiff.normalise_word(x) for x in worddiff.words(text)) if w)


def objective_changes(old, new) -> tuple[list[str], list[str], bool]:
    """(removed, added, only_punctuation): objectives compared as sentences."""
    old_norm = [normalised(o) for o in old.objectives]
    new_norm = [normalised(o) for o in new.objectives]
    removed = [o for o, n in zip(old.objectives, old_norm, strict=True) if n not in new_norm]
    added = [o for o, n in zip(new.objectives, new_norm, strict=True) if n not in old_norm]
    cosmetic = not removed and not added and list(old.objectives) != list(new.objectives)
    return removed, added, cosmetic


@dataclass(frozen=True)
class ComponentChange:
    kind: str  # "added", "removed", "reworded", "essential"
    id: str
    old: str = ""
    new: str = ""


def component_changes(old, new) -> tuple[list[ComponentChange], bool]:
    """Changes to the fidelity core components, and whether there were cosmetic ones only."""
    before = {c.id: c for c in old.fidelity}
    after = {c.id: c for c in new.fidelity}
    result: list[ComponentChange] = []
    cosmetic = False
    for cid, component in before.items():
        if cid not in after:
            result.append(ComponentChange("removed", cid, component.description))
            continue
        other = after[cid]
        if normalised(component.description) != normalised(other.description):
            result.append(ComponentChange("reworded", cid, component.description,
                                          other.description))
        elif component.description != other.description:
            cosmetic = True
        if component.essential != other.essential:
            result.append(ComponentChange(
                "essential", cid, "essential" if component.essential else "not essential",
                "essential" if other.essential else "not essential"))
    for cid, component in after.items():
        if cid not in before:
            result.append(ComponentChange("added", cid, new=component.description))
    if not result and [c.id for c in old.fidelity] != [c.id for c in new.fidelity]:
        cosmetic = True
    return result, cosmetic
