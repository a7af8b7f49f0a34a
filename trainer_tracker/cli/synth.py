"""`cascade tracker synth --scale N`: a synthetic national programme for benchmarks."""

from __future__ import annotations

import json
from pathlib import Path

import click


@click.command("synth")
@click.option("--scale", default=1.0, show_default=True, type=float,
              help="1.0 = 100 sites, 20,500 people, 60,000 carers, 600,000 contacts, 200,000 fidelity "
                   "records, 150,000 assessments; 0.05 for a quick run.")
@click.option("--reset", is_flag=True,
              help="Start from an empty database: delete the SQLite file, or empty every table on PostgreSQL.")
@click.option("--seed", default=2027, show_default=True, type=int, help="Random seed (same seed, same data).")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
def synth(scale: float, reset: bool, seed: int, as_json: bool) -> None:
    """Load a synthetic programme (fictional people) into an empty database, for benchmarks."""
    from cascade.content import load_curriculum

    from ..db import database
    from ..devload.synth import SynthRefused, is_empty, load, truncate_all
    from ..migrate import upgrade
    from .common import app_for_command, delete_sqlite_files

    if scale <= 0:
        raise click.BadParameter("must be above 0", param_hint="--scale")
    app = app_for_command()
    url = app.config["DATABASE_URL"]
    if reset and url.startswith("sqlite:///"):
        delete_sqlite_files(url)
        app = app_for_command()
    with app.app_context():
        database.connect(reuse_if_open=True)
        try:
            upgrade()
            if not is_empty():
                if not reset:
                    raise click.ClickException("The database already has data. Use --reset to start again.")
                truncate_all()
            curriculum = load_curriculum(Path(app.config["CONTENT_ROOT"]) / "curriculum")
            summary = load(scale, curriculum=curriculum, content_root=Path(app.config["CONTENT_ROOT"]), seed=seed,
                           report=None if as_json else click.echo)
        except SynthRefused as exc:
            raise click.ClickException(str(exc)) from None
        finally:
            database.close()
    if as_json:
        click.echo(json.dumps(summary, indent=2, default=str))
        return
    click.echo(f"synthetic programme (scale {scale}) loaded into {url} in {summary['seconds']}s")
    for key in ("sites", "people", "courses", "deliveries", "certifications", "carers", "matches", "contacts",
                "fidelity_records", "assessment_responses", "deepest_generation"):
        click.echo(f"  {key.replace('_', ' ')}: {summary[key]:,}")
    click.echo("  accounts (password 'demo-password-not-for-real-use'): " + ", ".join(summary["accounts"]))
