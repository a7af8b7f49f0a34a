"""`cascade curriculum ...`: check modules (and, with --against, their version bumps)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..content import load_curriculum
from ..content.checks import check_curriculum
from ..content.readability import reading_age


@click.group()
def curriculum() -> None:
    """Check, review and release the curriculum."""


@curriculum.command()
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Repository root holding curriculum/ (default: the current checkout).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("--quiet", is_flag=True, help="Print problems only, not the readability table.")
@click.option("--against", "against", metavar="REV", default=None,
              help="Also fail when a module changed since git revision REV (e.g. main) without "
                   "the right version bump and a changelog entry, or reuses an id.")
def check(root: Path | None, fmt: str, quiet: bool, against: str | None) -> None:
    """Validate every module; print each problem as path:line: message; exit 1 on any error."""
    loaded = load_curriculum(root / "curriculum" if root else None)
    problems = check_curriculum(loaded)
    if against:
        from ..authoring.versioning import check_against
        from ..content.problems import ProblemList

        merged = ProblemList(problems.root)
        found = set(problems) | set(check_against(loaded.root.parent, against, loaded))
        merged.extend(sorted(found, key=lambda p: (p.path, p.line, p.severity, p.message)))
        problems = merged
    errors = problems.errors
    if fmt == "json":
        click.echo(json.dumps({
            "errors": [p.__dict__ for p in errors],
            "warnings": [p.__dict__ for p in problems.warnings],
            "modules": [_readability_row(m) for m in loaded.modules],
        }, indent=2))
    else:
        for problem in problems:
            click.echo(str(problem))
        if not quiet:
            _print_readability(loaded)
        click.echo(
            f"{len(loaded.modules)} modules and {len(loaded.pages)} pages checked: "
            f"{len(errors)} error(s), {len(problems.warnings)} warning(s)",
            err=True,
        )
    sys.exit(1 if errors else 0)


def _readability_row(module) -> dict:
    grade = module.readability_grade if module.for_supporters else None
    return {
        "id": module.id,
        "version": str(module.version) if module.version else None,
        "audience": list(module.audience),
        "grade": grade,
        "reading_age": reading_age(grade),
    }


def _print_readability(loaded) -> None:
    rows = [_readability_row(m) for m in loaded.modules]
    if not rows:
        return
    click.echo("\nReadability (Flesch-Kincaid grade; reading age is about grade + 5; "
               "target age 9-11)")
    width = max(len(r["id"] or "") for r in rows) + 2
    for row in rows:
        grade = "-" if row["grade"] is None else f"{row['grade']:.1f}"
        age = "trainer module" if "supporters" not in row["audience"] else (
            "-" if row["reading_age"] is None else f"reading age {row['reading_age']:.0f}")
        click.echo(f"  {row['id'] or '?':<{width}} grade {grade:>5}   {age}")


@curriculum.command()
@click.argument("base")
@click.argument("head", required=False)
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Repository root holding curriculum/ (default: the current checkout).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the summary to this file instead of printing it.")
@click.option("--preview-url", default=None, help="Link to a preview of the built site.")
def review(base: str, head: str | None, root: Path | None, out: Path | None,
           preview_url: str | None) -> None:
    """Plain-English summary of module changes from git revision BASE to HEAD, for reviewers.

    HEAD defaults to the working tree. The summary is Markdown: objectives and core components
    first, then each module's changes word by word, its changelog, reading level and content
    warnings, and a checklist for the reviewer.
    """
    from ..authoring.gitrev import GitError
    from ..authoring.review import review as make_review
    from ..config import content_root

    try:
        text = make_review(root or content_root(), base, head, preview_url)
    except GitError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    if out:
        out.write_text(text, encoding="utf-8")
        click.echo(f"review summary written to {out}", err=True)
    else:
        click.echo(text, nl=False)


@curriculum.command()
@click.argument("version")
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Repository root holding curriculum/ (default: the current checkout).")
@click.option("--allow-stale", is_flag=True,
              help="Release even if some German sources changed since their modules were pinned.")
@click.option("--date", "date", default=None, metavar="YYYY-MM-DD",
              help="Release date (default: today).")
def release(version: str, root: Path | None, allow_stale: bool, date: str | None) -> None:
    """Record every module's version as curriculum release VERSION (e.g. 2027.1).

    Writes curriculum/releases/VERSION.yml and release notes VERSION.md. Refuses when the
    curriculum check fails or an adaptation is stale (unless --allow-stale).
    """
    from ..authoring.releases import ReleaseRefused, plan_release, write_release

    loaded = load_curriculum(root / "curriculum" if root else None)
    try:
        planned = plan_release(loaded, version, allow_stale=allow_stale, date=date)
    except ReleaseRefused as exc:
        click.echo(f"error: release {version} was not made:", err=True)
        for reason in exc.reasons:
            click.echo(f"- {reason}", err=True)
        sys.exit(1)
    yml, md = write_release(loaded, planned)
    base = loaded.root.parent
    click.echo(f"release {version}: {len(planned.release.modules)} modules recorded")
    click.echo(f"  {yml.relative_to(base).as_posix()}\n  {md.relative_to(base).as_posix()}")
    if planned.stale:
        click.echo(f"  warning: released with stale adaptations: {', '.join(planned.stale)}",
                   err=True)
