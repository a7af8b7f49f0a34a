"""Curriculum releases: a release (e.g. 2027.1) pins the version of every module.

Release files are written by `cascade curriculum release` to curriculum/releases/<name>.yml.
Until a release is cut, the tracker uses the working curriculum's current versions under the
release name the course gives.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

RELEASE_NAME_RE = re.compile(r"^\d{4}\.\d{1,2}(?:-[a-z0-9]+)?$")


def release_file(curriculum_root: Path, name: str) -> Path:
    return Path(curriculum_root) / "releases" / f"{name}.yml"


def release_versions(curriculum_root: Path, name: str) -> dict[str, str] | None:
    """Module id -> version pinned by a release, or None when no release file exists."""
    path = release_file(curriculum_root, name)
    if not path.exists():
        return None
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    modules = data.get("modules", {})
    if isinstance(modules, dict):
        return {str(k): str(v) for k, v in modules.items()}
    return {str(m["id"]): str(m["version"]) for m in modules if isinstance(m, dict)}


def releases(curriculum_root: Path) -> list[str]:
    folder = Path(curriculum_root) / "releases"
    if not folder.is_dir():
        return []
    return sorted(p.stem for p in folder.glob("*.yml"))
