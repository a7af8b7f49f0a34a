"""`cascade assessments ...`: list, check and score the research instruments."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..assessments.instrument_model import LICENSED_TEXT_ENV
from ..assessments.instruments import load_instruments
from ..assessments.scoring import ScoringError, score
from ..stats import costs as costmod

ROOT_OPTION = click.option(
    "--root", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="Repository root holding assessments/ (default: the current checkout).")
LICENSED_OPTION = click.option(
    "--licensed-text", type=click.Path(dir_okay=False, path_type=Path), default=None,
    help=f"The licensee's file of item text and conversion tables (default: ${LICENSED_TEXT_ENV}).")
UNIT_COSTS_OPTION = click.option(
    "--unit-costs", type=click.Path(dir_okay=False, path_type=Path), default=None,
    help="Unit-cost table (default: the packaged trainer_tracker/research/unit_costs.yml).")


def _load(root: Path | None, licensed_text: Path | None):
    folder = root / "assessments" if root else None
    if licensed_text is not None:
        return load_instruments(folder, licensed_text=licensed_text)
    return load_instruments(folder)


@click.group()
def assessments() -> None:
    """Research instruments: list them, check their definitions, score responses."""


@assessments.command("list")
@ROOT_OPTION
@LICENSED_OPTION
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
def list_(root: Path | None, licensed_text: Path | None, fmt: str) -> None:
    """List every instrument: version, respondent, licence and time points."""
    registry = _load(root, licensed_text)
    rows = []
    for inst in registry:
        state = inst.licensed_text_state
        rows.append({
            "id": inst.id,
            "title": inst.title,
            "version": str(inst.version) if inst.version else None,
            "respondent": list(inst.respondents),
            "licence": inst.licence.kind,
            "text_installed": state.installed,
            "text_state": state.message,
            "items": len(inst.items),
            "scores": [s.id for s in inst.scores]
            + [s.conversion.id for s in inst.scores if s.conversion],
            "time_points": [p.id for p in inst.time_points],
            "event": inst.event,
        })
    if fmt == "json":
        click.echo(json.dumps(rows, indent=2))
        return
    for row in rows:
        when = ", ".join(row["time_points"]) or f"per event: {row['event']}"
        click.echo(f"{row['id']} {row['version']}  {row['title']}")
        click.echo(f"    respondent: {', '.join(row['respondent'])}; {row['items']} items; "
                   f"licence: {row['licence']}")
        click.echo(f"    when: {when}")
        if row["licence"] == "licensed":
            click.echo(f"    {row['text_state']}")
    errors = len(registry.problems.errors)
    if errors:
        click.echo(f"{errors} problem(s) in the definitions: run 'cascade assessments check'",
                   err=True)


@assessments.command()
@ROOT_OPTION
@LICENSED_OPTION
@UNIT_COSTS_OPTION
def check(root: Path | None, licensed_text: Path | None, unit_costs: Path | None) -> None:
    """Validate every instrument definition (and the unit-cost table); print each problem as
    path:line: message; exit 1 on any error."""
    registry = _load(root, licensed_text)
    problems = list(registry.problems)
    table, cost_problems = costmod.check_unit_costs(unit_costs, root=registry.root.parent)
    problems.extend(cost_problems)
    if table is not None:
        problems.extend(costmod.check_cost_references(registry, table, registry.root.parent))
        for cost_id in table.to_review:
            cost = table.get(cost_id)
            rel = _rel(table.path, registry.root.parent)
            problems.append(_warning(rel, cost.line, f"unit cost '{cost_id}' is marked "
                                                     "review: true (check it against its source)"))
    for problem in problems:
        click.echo(str(problem))
    errors = [p for p in problems if p.is_error]
    warnings = len(problems) - len(errors)
    click.echo(f"{len(registry)} instrument(s) checked: {len(errors)} error(s), "
               f"{warnings} warning(s)", err=True)
    sys.exit(1 if errors else 0)


def _rel(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def _warning(path: str, line: int, message: str):
    from ..content.problems import Problem

    return Problem(path, line, message, "warning")


@assessments.command("score")
@click.argument("instrument")
@click.option("--responses", "responses_file", required=True,
              type=click.Path(dir_okay=False, path_type=Path),
              help="JSON file: an object of item id -> answer.")
@ROOT_OPTION
@LICENSED_OPTION
@UNIT_COSTS_OPTION
def score_(instrument: str, responses_file: Path, root: Path | None,
           licensed_text: Path | None, unit_costs: Path | None) -> None:
    """Score one set of responses and print the scores as JSON."""
    registry = _load(root, licensed_text)
    try:
        inst = registry.get(instrument)
    except KeyError as exc:
        raise click.ClickException(exc.args[0]) from None
    own = [p for p in registry.problems.errors if inst.path and p.path.endswith(inst.path.name)]
    if own:
        raise click.ClickException(
            f"the definition of {instrument} has errors:\n" + "\n".join(map(str, own)))
    try:
        responses = json.loads(responses_file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise click.ClickException(f"{responses_file}: no such file") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise click.ClickException(f"{responses_file}: not valid JSON ({exc})") from None
    if not isinstance(responses, dict):
        raise click.ClickException(f"{responses_file}: must hold a JSON object of "
                                   "item id -> answer")
    try:
        result = score(inst, responses)
    except ScoringError as exc:
        lines = "\n".join(f"  {p.message}" for p in exc.problems)
        raise click.ClickException(f"{responses_file}: the responses for {instrument} were "
                                   f"refused:\n{lines}") from None
    output = result.to_dict()
    if any(item.unit_cost for item in inst.items):
        try:
            table = costmod.load_unit_costs(unit_costs)
        except costmod.UnitCostError as exc:
            raise click.ClickException(f"the unit-cost table has errors:\n{exc}") from None
        output["costs"] = costmod.service_use_costs(inst, result.values, table).to_dict()
    click.echo(json.dumps(output, indent=2))
