"""`cascade site build` (the supporter and trainer editions, the offline zip and the PDFs) and
`cascade site serve` (a live preview for authors)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..site.build import BuildFailed, build_all


@click.group()
def site() -> None:
    """Build or preview the training site."""


@site.command()
@click.option("--edition", type=click.Choice(["supporter", "trainer", "all"]), default="all", show_default=True,
              help="'all' builds both editions plus the offline zip and the module PDFs.")
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Repository root (default: the current checkout).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Write output here instead of build/ (e.g. to build in parallel).")
@click.option("--no-package", is_flag=True, help="With --edition all: skip the offline zip and the PDFs.")
@click.option("--verbose", "-v", is_flag=True)
def build(edition: str, root: Path | None, out: Path | None, no_package: bool, verbose: bool) -> None:
    """Build the site strictly into build/site/<edition>."""
    editions = ["supporter", "trainer"] if edition == "all" else [edition]
    try:
        result = build_all(editions, root, package=(edition == "all" and not no_package), verbose=verbose,
                           out=out)
    except BuildFailed as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(1)
    for name, path in result.outputs.items():
        click.echo(f"{name:<10} {path}  ({result.seconds.get(name, 0):.1f}s)")
    if result.pdfs:
        booklets = f" and {len(result.booklets)} A5 booklets" if result.booklets else ""
        click.echo(f"pdf        {len(result.pdfs)} module PDFs{booklets} in {result.pdfs[0].parent}  "
                   f"({result.seconds.get('pdf', 0):.1f}s)")


@site.command()
@click.option("--edition", type=click.Choice(["supporter", "trainer"]), default="trainer", show_default=True,
              help="The trainer edition shows everything authors write; the supporter edition what learners see.")
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Repository root (default: the current checkout).")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
def serve(edition: str, root: Path | None, host: str, port: int) -> None:
    """Preview an edition while you write: it rebuilds as you save and the browser reloads (after a
    change to one page's text, that page only, in under a second)."""
    from ..config import content_root
    from ..site.preview import serve as run

    run(edition, (root or content_root()).resolve(), host, port)
