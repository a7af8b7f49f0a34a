"""What each cascade stage teaches and checks: the modules of a curriculum release, in teaching
order, with their versions, and the checkout steps from the programme configuration."""

from __future__ import annotations

from ..authoring.releases import release_versions
from ..config import programme


def module_versions(curriculum, release: str | None) -> dict[str, str]:
    """Module id -> version for a release (the release file, else the working curriculum; None:
    the working curriculum)."""
    pinned = release_versions(curriculum.root, release) if release else None
    if pinned is not None:
        return pinned
    return {m.id: str(m.version) for m in curriculum.modules if m.status != "retired"}


def required_modules(curriculum, stage: int, release: str | None) -> list[str]:
    """Every module the stage delivers (from the curriculum's `stages`), in teaching order."""
    versions = module_versions(curriculum, release)
    return [m.id for m in curriculum.modules if stage in m.stages and m.status != "retired" and m.id in versions]


def checkout_steps(stage: int, config: dict | None = None) -> list[dict]:
    """The checkout steps of a stage: each trainee is evaluated on every one before certification."""
    steps = (config or programme()).get("checkout_steps", {})
    return list(steps.get(stage, steps.get(str(stage), [])))
