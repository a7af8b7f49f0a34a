"""The curriculum loaded for the current MkDocs build (loaded once, shared by hooks and macros)."""

from __future__ import annotations

from pathlib import Path

from ..content import Curriculum, load_curriculum
from ..content.checks import check_curriculum

# docs_dir -> [signature of the files read, the curriculum, its check's errors once computed,
#              the parsed front matter and block scan of each file, reused while its text is the same]
_loaded: dict[str, list] = {}


def _signature(docs_dir: Path) -> tuple:
    """Path, size and modification time of every file the loader and its check read: curriculum/
    and the German sources in translations/ beside it."""
    entries = []
    for root in (docs_dir, docs_dir.parent / "translations"):
        if root.is_dir():
            for path in root.rglob("*"):
                if path.is_file():
                    stat = path.stat()
                    entries.append((str(path), stat.st_size, stat.st_mtime_ns))
    return tuple(sorted(entries))


def load_for_build(docs_dir: str | Path, reload: bool = False) -> Curriculum:
    """Load curriculum/ for a build; `reload` at the start of each build (mkdocs serve).

    A reload reads the files again only when one of them changed (or appeared, or went), so the
    editions and the offline copy built by one `cascade site build --edition all` share one load.
    """
    key = str(Path(docs_dir).resolve())
    entry = _loaded.get(key)
    signature = _signature(Path(key)) if reload else None
    if entry is None or (reload and entry[0] != signature):
        # Files whose text did not change are not parsed again (after one module changed, one
        # module is parsed); every check of the fields and across files still runs.
        parsed: dict = entry[3] if entry is not None else {}
        entry = _loaded[key] = [signature, load_curriculum(Path(docs_dir), parsed=parsed), None, parsed]
    return entry[1]


def check_errors(docs_dir: str | Path) -> list:
    """The errors of `cascade curriculum check` for the loaded curriculum (checked once per load).

    The reading-age check is left out: it only warns, so it cannot change the errors, and it was
    a third of the time of loading and checking the curriculum for a build.
    """
    curriculum = load_for_build(docs_dir)
    entry = _loaded[str(Path(docs_dir).resolve())]
    if entry[2] is None:
        entry[2] = list(check_curriculum(curriculum, readability=False).errors)
    return entry[2]


def edition_of(config) -> str:
    edition = (config.get("extra") or {}).get("edition", "supporter")
    if edition not in ("supporter", "trainer"):
        raise ValueError(f"extra.edition must be supporter or trainer, not {edition!r}")
    return edition
