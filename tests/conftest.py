"""Shared fixtures. Each tracker test gets a fresh database (see tests/tracker/conftest.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CONTENT_DIRS = ("curriculum", "translations", "assessments", "site")
CONTENT_FILES = ("mkdocs.yml", "mkdocs-trainer.yml")


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    """A throwaway copy of the content (curriculum, translations, assessments, site, configs)."""
    root = tmp_path / "repo"
    root.mkdir()
    for name in CONTENT_DIRS:
        if (REPO / name).exists():
            shutil.copytree(REPO / name, root / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in CONTENT_FILES:
        shutil.copy2(REPO / name, root / name)
    return root
