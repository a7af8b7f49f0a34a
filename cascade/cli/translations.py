"""`cascade translations ...`: is each English module still based on the German text it adapts?"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..authoring import translations as tr
from ..authoring.worddiff import render_terminal
from ..content import german, load_curriculum

ROOT_OPTION = click.option(
    "--root", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="Repository root holding curriculum/ and translations/ (default: the current checkout).")


@click.group()
def translations() -> None:
    """German source modules and the English modules that adapt them."""


def _curriculum(root: Path | None):
    return load_curriculum(root / "curriculum" if root else None)


@translations.command()
@ROOT_OPTION
@click.option("--check", is_flag=True, help="Exit 1 when any adaptation is stale.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def status(root: Path | None, check: bool, fmt: str) -> None:
    """Per module: up-to-date, stale, unpinned, missing source or written in England.

    For a stale module, shows word by word what changed in the German text since the pin.
    """
    curriculum = _curriculum(root)
    statuses = german.adaptation_status(curriculum)
    stale = [s for s in statuses if s.state == german.STALE]
    if fmt == "json":
        click.echo(json.dumps([s.as_dict() for s in statuses], indent=2))
    else:
        _print_text(curriculum, statuses)
    sys.exit(1 if check and stale else 0)


def _print_text(curriculum, statuses) -> None:
    if not statuses:
        click.echo("No modules.")
        return
    width = max(len(s.module.id) for s in statuses) + 2
    for s in statuses:
        detail = ""
        if s.source_id:
            detail = s.source_id
            if s.state == german.STALE:
                detail += f"  pinned {s.pinned}, now {s.current}"
            elif s.pinned:
                detail += f"  {s.pinned}"
            if s.german is not None and s.german.illustrative:
                detail += "  (illustrative German text)"
        click.echo(f"{s.module.id:<{width}} {s.state:<20} {detail}".rstrip())
    root = german.translations_root(curriculum)
    for s in statuses:
        if s.state != german.STALE:
            continue
        click.echo(f"\n{s.module.id}: the German text {s.source_id} changed since {s.pinned}")
        found = tr.german_changes(root, s)
        if found is None:
            click.echo(f"  The text at {s.pinned} was not found (no snapshot under "
                       f"translations/snapshots/{s.source_id}/ and not in git history), so the "
                       "changes cannot be shown. Compare the module with the current German text.")
        else:
            pinned, changes = found
            click.echo(f"  (pinned text from {pinned.found_in})")
            for change in changes:
                if change.kind == "added":
                    click.echo(f"  added:   {{+{change.new}+}}")
                elif change.kind == "removed":
                    click.echo(f"  removed: [-{change.old}-]")
                else:
                    click.echo(f"  changed: {render_terminal(change.chunks)}")
        click.echo(f"  When the English module is updated (or needs no change), run: "
                   f"cascade translations pin {s.module.id}")
    counts = {state: sum(1 for s in statuses if s.state == state) for state in german.STATES}
    summary = ", ".join(f"{n} {state}" for state, n in counts.items() if n)
    click.echo(f"\n{len(statuses)} modules: {summary}", err=True)


@translations.command()
@ROOT_OPTION
@click.argument("modules", nargs=-1, required=True)
def pin(root: Path | None, modules: tuple[str, ...]) -> None:
    """Record that MODULE's adaptation was checked against the current German text.

    Sets 'revision:' under 'source:' in the module's front matter (nothing else in the file
    changes) and keeps a snapshot of the German text under translations/snapshots/.
    """
    curriculum = _curriculum(root)
    failed = False
    for module_id in modules:
        try:
            result = tr.pin(curriculum, module_id)
        except tr.PinError as exc:
            click.echo(f"error: {exc}", err=True)
            failed = True
            continue
        if result.changed:
            was = result.old_revision or "not pinned"
            click.echo(f"{result.module_id}: pinned {result.source_id} at {result.new_revision} "
                       f"(was {was})")
        else:
            click.echo(f"{result.module_id}: already pinned at {result.new_revision}")
        snapshot = result.snapshot
        base = german.translations_root(curriculum).parent
        if snapshot.is_relative_to(base):
            snapshot = snapshot.relative_to(base)
        click.echo(f"  snapshot of the German text: {snapshot.as_posix()}")
    sys.exit(1 if failed else 0)
