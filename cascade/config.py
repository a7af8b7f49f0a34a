"""The programme configuration (targets, caseload cap, thresholds) and content locations."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

import yaml

PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULT_PROGRAMME_FILE = PACKAGE_DIR / "programme.yml"


def content_root() -> Path:
    """The repository root holding curriculum/, assessments/ and translations/.

    CASCADE_CONTENT_ROOT wins; otherwise the working directory if it holds curriculum/, otherwise
    the checkout this package was installed from (editable installs).
    """
    env = os.environ.get("CASCADE_CONTENT_ROOT")
    if env:
        return Path(env).resolve()
    cwd = Path.cwd()
    if (cwd / "curriculum").is_dir():
        return cwd
    return PACKAGE_DIR.parent


@lru_cache(maxsize=8)
def _load_programme(path: str) -> dict:
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle) or {}


def programme(path: str | os.PathLike | None = None) -> dict:
    """The programme configuration as a dict (read once per path)."""
    chosen = path or os.environ.get("CASCADE_PROGRAMME_CONFIG") or DEFAULT_PROGRAMME_FILE
    return _load_programme(str(chosen))
