"""Throwaway git repositories holding a small curriculum of their own, for the authoring tests
(version bumps, review summaries, releases, German sources): what the modules other people are
writing say can then never change an outcome. The `curriculum_repo` fixture in conftest.py
makes one from a content copy."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

HOME_PAGE = "---\ntitle: Home\n---\n\nWelcome.\n"


def git(root: Path, *args: str) -> str:
    done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True,
                          check=True)
    return done.stdout


def commit(root: Path, message: str) -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)


def write_curriculum(root: Path, modules: list[str], files: dict[str, str]) -> None:
    """Replace curriculum/ and translations/ under `root` with curriculum.yml listing `modules`,
    a home page, and `files` (path relative to `root` -> text)."""
    shutil.rmtree(root / "curriculum")
    shutil.rmtree(root / "translations", ignore_errors=True)
    (root / "curriculum" / "modules").mkdir(parents=True)
    listing = "".join(f"  - {module_id}\n" for module_id in modules)
    (root / "curriculum" / "curriculum.yml").write_text(f"title: Test curriculum\nmodules:\n{listing}",
                                                        encoding="utf-8")
    (root / "curriculum" / "index.md").write_text(HOME_PAGE, encoding="utf-8")
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")


def edit(root: Path, rel: str, old: str, new: str) -> None:
    """Replace the first `old` in the file at `rel` under `root` with `new` (which must be there)."""
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, f"test setup: {old!r} not in {rel}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def init_repo(root: Path) -> None:
    """`root` as a git repository with everything in it committed on 'main'."""
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.email", "test@example.org")
    git(root, "config", "user.name", "Test")
    commit(root, "base")
