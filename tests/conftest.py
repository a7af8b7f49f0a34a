"""Shared fixtures. Each tracker test gets a fresh database (see tests/tracker/conftest.py)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from gitrepo import init_repo, write_curriculum

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


@pytest.fixture
def curriculum_repo(content_copy: Path):
    """Make the content copy a git repository with a small curriculum of its own, committed on
    'main': `curriculum_repo(module_ids, {path: text}, before_commit=None)` returns its root.
    `before_commit(root)` runs after the files are written (e.g. to pin German sources)."""

    def make(modules: list[str], files: dict[str, str], *, before_commit=None) -> Path:
        write_curriculum(content_copy, modules, files)
        if before_commit is not None:
            before_commit(content_copy)
        init_repo(content_copy)
        return content_copy

    return make


def cascade_command() -> list[str]:
    """The `cascade` console script of this environment."""
    beside = Path(sys.executable).with_name("cascade")
    if beside.exists():
        return [str(beside)]
    found = shutil.which("cascade")
    if found:
        return [found]
    return [sys.executable, "-c", "from cascade.cli import main; main()"]


@pytest.fixture(scope="session")
def built_site(tmp_path_factory, repo_root) -> Path:
    """`cascade site build --edition all --out TMP`, once per test run: both editions built
    strictly (TMP/site/supporter, TMP/site/trainer), TMP/carer-peer-support-training-offline.zip
    and TMP/pdf/. Every test of the built site shares it."""
    out = tmp_path_factory.mktemp("built-site")
    result = subprocess.run([*cascade_command(), "site", "build", "--edition", "all", "--out", str(out)],
                            cwd=repo_root, capture_output=True, text=True)
    assert result.returncode == 0, f"site build failed:\n{result.stdout}\n{result.stderr}"
    return out
