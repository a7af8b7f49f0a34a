"""Semantic versions (MAJOR.MINOR.PATCH) as a value type: the `Version` of modules, checklists and instruments."""

from __future__ import annotations

import re
from typing import NamedTuple

SEMVER_RE = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$")


class Version(NamedTuple):
    major: int
    minor: int
    patch: int

    @classmethod
    def parse(cls, text: str) -> Version:
        match = SEMVER_RE.match(str(text).strip())
        if not match:
            raise ValueError(
                f"'{text}' is not a version like 1.2.0 (MAJOR.MINOR.PATCH, numbers only)"
            )
        return cls(*(int(part) for part in match.groups()))

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}.{self.patch}"

    def bump_kind(self, newer: Version) -> str | None:
        """'major', 'minor' or 'patch' for a step up to `newer`; None if not higher."""
        if newer <= self:
            return None
        if newer.major != self.major:
            return "major"
        if newer.minor != self.minor:
            return "minor"
        return "patch"


BUMP_ORDER = {"patch": 1, "minor": 2, "major": 3}
