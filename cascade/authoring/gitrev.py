"""Read files as they were at a git revision, without touching the working tree.

Everything here is read-only: it runs `git show`, `git log`, `git rev-parse` and `git archive`
and never changes the repository, its index or its branches.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class GitError(RuntimeError):
    """A git command failed; the message says which revision or file, and why."""


def _git(root: Path, *args: str, binary: bool = False) -> str | bytes:
    try:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, check=False)
    except FileNotFoundError as exc:
        raise GitError("git is not installed") from exc
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise GitError(message[-1] if message else f"git {' '.join(args)} failed")
    return done.stdout if binary else done.stdout.decode("utf-8", "replace")


def is_repository(root: Path) -> bool:
    try:
        return _git(root, "rev-parse", "--is-inside-work-tree").strip() == "true"
    except GitError:
        return False


def prefix(root: Path) -> str:
    """Where `root` sits inside its repository ('' at the top, else 'sub/dir/')."""
    return str(_git(root, "rev-parse", "--show-prefix")).strip()


def resolve(root: Path, rev: str) -> str:
    """The full commit hash of a revision such as 'main', 'origin/main' or 'HEAD~2'."""
    try:
        return str(_git(root, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}")).strip()
    except GitError:
        raise GitError(f"'{rev}' is not a git revision in {root} (try 'git fetch' first)") from None


def toplevel(root: Path) -> Path:
    return Path(str(_git(root, "rev-parse", "--show-toplevel")).strip())


def short(root: Path, commit: str) -> str:
    return str(_git(root, "rev-parse", "--short", commit)).strip()


def show(root: Path, rev: str, rel: str) -> str | None:
    """The text of `rel` (relative to root) at revision `rev`; None if it did not exist."""
    try:
        data = _git(root, "show", f"{rev}:./{rel}", binary=True)
    except GitError:
        return None
    assert isinstance(data, bytes)
    return data.decode("utf-8", "replace")


def commits_touching(root: Path, rel: str, follow: bool = True) -> list[tuple[str, str]]:
    """(commit, path at that commit) for each commit that changed `rel`, newest first."""
    args = ["log", "--format=%x00%H", "--name-only"]
    if follow:
        args.append("--follow")
    try:
        out = str(_git(root, *args, "--", rel))
    except GitError:
        return []
    top = prefix(root)
    result = []
    for chunk in out.split("\x00")[1:]:
        lines = [line for line in chunk.splitlines() if line.strip()]
        if not lines:
            continue
        commit, paths = lines[0], lines[1:]
        path = paths[0] if paths else top + rel
        if top and path.startswith(top):
            path = path[len(top):]
        result.append((commit, path))
    return result


def deleted_paths(root: Path, under: str) -> set[str]:
    """Paths under `under` (relative to root) that some commit in the history deleted."""
    try:
        out = str(_git(root, "log", "--all", "--diff-filter=D", "--name-only", "--format=",
                       "--", under))
    except GitError:
        return set()
    top = prefix(root)
    paths = set()
    for line in out.splitlines():
        line = line.strip()
        if line:
            paths.add(line[len(top):] if top and line.startswith(top) else line)
    return paths


@contextmanager
def checkout_copy(root: Path, rev: str, *folders: str) -> Iterator[Path]:
    """A temporary copy of `folders` (relative to root) as they were at `rev`.

    Yields the folder standing in for `root`; it is deleted afterwards. Folders that did not
    exist at `rev` are simply absent.
    """
    commit = resolve(root, rev)
    top = prefix(root)
    repo = toplevel(root)
    tmp = Path(tempfile.mkdtemp(prefix="cascade-rev-"))
    try:
        paths = []
        for folder in folders:
            listed = str(_git(repo, "ls-tree", "--name-only", commit, "--", f"{top}{folder}"))
            if listed.strip():
                paths.append(f"{top}{folder}")
        if paths:
            data = _git(repo, "archive", "--format=tar", commit, "--", *paths, binary=True)
            assert isinstance(data, bytes)
            with tarfile.open(fileobj=io.BytesIO(data)) as archive:
                archive.extractall(tmp, filter="data")
        yield tmp / top if top else tmp
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
