"""Problems found in content files, reported as `path:line: message`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a content file. `line` is 1-based; 0 means the whole file."""

    path: str
    line: int
    message: str
    severity: str = "error"  # "error" or "warning"

    def __str__(self) -> str:
        prefix = "" if self.severity == "error" else "warning: "
        return f"{self.path}:{self.line}: {prefix}{self.message}"

    @property
    def is_error(self) -> bool:
        return self.severity == "error"


class ProblemList(list):
    """Collects problems; content is checked completely, never stopping at the first."""

    def __init__(self, root: Path | None = None):
        super().__init__()
        self.root = root

    def _rel(self, path: Path | str) -> str:
        path = Path(path)
        if self.root is not None:
            try:
                return path.resolve().relative_to(self.root.resolve()).as_posix()
            except ValueError:
                pass
        return path.as_posix()

    def error(self, path, line: int, message: str) -> None:
        self.append(Problem(self._rel(path), int(line or 0), message, "error"))

    def warning(self, path, line: int, message: str) -> None:
        self.append(Problem(self._rel(path), int(line or 0), message, "warning"))

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self if not p.is_error]
