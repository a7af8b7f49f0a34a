"""`cascade curriculum ...`: check modules (and, with --against, their version bumps)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..content import load_curriculum
from ..content.readability import reading_age


@click.group()
def curriculum() -> None:
    """Check, review and release the curriculum."""


@curriculum.command()
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Repository root holding curriculum/ (default: the current checkout).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("--quiet", is_flag=True, help="Print problems only, not the readability table.")
def check(root: Path | None, fmt: str, quiet: bool) -> None:
    """Validate every module; print each problem as path:line: message; exit 1 on any error."""
    loaded = load_curriculum(root / "curriculum" if root else None)
    problems = loaded.check()
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
    click.echo("\nReadability (Flesch-Kincaid grade; reading age is about grade + 5; target age 9-11)")
    width = max(len(r["id"] or "") for r in rows) + 2
    for row in rows:
        grade = "-" if row["grade"] is None else f"{row['grade']:.1f}"
        age = "trainer module" if "supporters" not in row["audience"] else (
            "-" if row["reading_age"] is None else f"reading age {row['reading_age']:.0f}")
        click.echo(f"  {row['id'] or '?':<{width}} grade {grade:>5}   {age}")
